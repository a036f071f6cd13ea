"""Extraction throughput: documents/s and MB/s with jobs=1 and jobs=2, against a read+tokenize floor.

Corpora (from ../shared beside the checkout):

* ``ag``: the World items (class 1) of AG News' test split, title + description
  (``corpora/ag_news_test.csv``, no header row: class, title, description);
* ``guardian``: ``corpora/guardian_sdf_sample.csv`` read ``--guardian-repeat`` times;
* ``dev``: the 60 items of ``eval/dev.jsonl``.

Each configuration runs in a fresh process (so peak memory is its own): the
input is streamed from disk, extracted with :func:`accords.parallel.extract_json_lines`
(what ``accords extract`` does: one JSON line per document, written to
/dev/null) and timed end to end, worker start and pipeline build included.
The floor reads the same corpus and splits it into sentences, nothing more.
Peak memory is ``ru_maxrss`` of the process plus the largest of its workers'
(``RUSAGE_SELF`` + ``RUSAGE_CHILDREN``, the forkserver stopped first so that
its reaped workers count); CPU is user+system time of the process and all
its workers.
Figures are the median of ``--runs`` runs. Speed is not asserted anywhere.

    .venv/bin/python bench/extract_bench.py                 # all corpora, jobs 1 and 2, 3 runs
    .venv/bin/python bench/extract_bench.py --corpora ag dev --runs 1
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = ("ag", "guardian", "dev")


def corpus(name: str, guardian_repeat: int) -> Iterator:
    """The corpus as the stream of Documents (and errors) that extraction reads."""
    from accords.readers import ReaderOptions, make_document, read_inputs

    if name == "ag":
        path = SHARED / "corpora" / "ag_news_test.csv"
        options = ReaderOptions()
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.reader(fh), 1):
                if len(row) >= 3 and row[0] == "1":
                    record = {"id": f"ag-{n}", "title": row[1], "text": row[2]}
                    yield make_document(record, f"{path}:{n}", f"ag-{n}", options)
    elif name == "guardian":
        yield from read_inputs([str(SHARED / "corpora" / "guardian_sdf_sample.csv")] * guardian_repeat)
    elif name == "dev":
        yield from read_inputs([str(SHARED / "eval" / "dev.jsonl")])
    else:
        raise ValueError(f"unknown corpus {name!r}")


def measure(name: str, mode: str, guardian_repeat: int) -> dict:
    """One timed run in this process: ``floor`` or ``jobs=N``."""
    from accords.model import DocumentError

    started = time.perf_counter()
    docs = 0
    if mode == "floor":
        from accords.sentences import split_sentences

        for item in corpus(name, guardian_repeat):
            if not isinstance(item, DocumentError):
                split_sentences(item.text)
                docs += 1
    else:
        from accords.parallel import extract_json_lines

        jobs = int(mode.removeprefix("jobs="))
        with open(os.devnull, "w", encoding="utf-8") as out:
            # min_parallel=0: use the workers even for the 60 dev items (by default so small an input runs in-process)
            for line in extract_json_lines(corpus(name, guardian_repeat), jobs=jobs, min_parallel=0):
                if not isinstance(line, DocumentError):
                    out.write(line + "\n")
                    docs += 1
    seconds = time.perf_counter() - started
    _stop_forkserver()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "docs": docs,
        "peak_mb": (me.ru_maxrss + kids.ru_maxrss) / 1024,  # Linux: KiB
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
    }


def _stop_forkserver() -> None:
    """Stop (and reap) the forkserver, which has reaped the workers: then RUSAGE_CHILDREN counts them."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is not None and hasattr(server, "_stop"):
        server._stop()


def corpus_size(name: str, guardian_repeat: int) -> tuple[int, int]:
    """(documents, bytes of normalized UTF-8 text) of a corpus."""
    from accords.model import DocumentError

    docs = size = 0
    for item in corpus(name, guardian_repeat):
        if not isinstance(item, DocumentError):
            docs += 1
            size += len(item.text.encode("utf-8"))
    return docs, size


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_check(jobs: int, n: int = 2_000_000, tasks: int = 8) -> float:
    """Speedup of ``jobs`` processes over one on a pure-Python loop: what this machine gives right now.

    Well under ``jobs`` means other work shares the CPUs, and the jobs>1 rows understate the speedup.
    """
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    for _ in range(tasks):
        _spin(n)
    serial = time.perf_counter() - started
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_spin, [1] * jobs))
        started = time.perf_counter()
        list(pool.map(_spin, [n] * tasks))
        parallel = time.perf_counter() - started
    return serial / parallel


def run_child(name: str, mode: str, guardian_repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--one", name, mode, "--guardian-repeat", str(guardian_repeat)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--guardian-repeat", type=int, default=12, help="Read the Guardian sample this many times.")
    parser.add_argument("--json", action="store_true", help="Also print the results as one JSON line.")
    parser.add_argument("--one", nargs=2, metavar=("CORPUS", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], args.one[1], args.guardian_repeat)))
        return

    missing = [p for p in (SHARED / "corpora", SHARED / "eval") if not p.exists()]
    if missing:
        sys.exit(f"missing {', '.join(map(str, missing))} (../shared beside the checkout)")
    print(
        f"# extraction benchmark: {os.cpu_count()} CPUs, median of {args.runs} run(s), Python {sys.version.split()[0]}"
    )
    checks = [f"{j} procs {machine_check(j):.2f}x" for j in args.jobs if j > 1]
    if checks:
        print(f"# machine check, speedup on a pure-Python loop, before: {', '.join(checks)}")
    rows = []
    for name in args.corpora:
        docs, size = corpus_size(name, args.guardian_repeat)
        modes = ["floor"] + [f"jobs={j}" for j in args.jobs]
        results: dict[str, list[dict]] = {m: [] for m in modes}
        for _ in range(args.runs):  # interleaved, so a noisy moment hits every mode alike
            for mode in modes:
                results[mode].append(run_child(name, mode, args.guardian_repeat))
        floor = statistics.median(r["seconds"] for r in results["floor"])
        for mode in modes:
            seconds = statistics.median(r["seconds"] for r in results[mode])
            rows.append(
                {
                    "corpus": name,
                    "mode": mode,
                    "docs": docs,
                    "mb": size / 1e6,
                    "seconds": seconds,
                    "docs_per_s": docs / seconds,
                    "mb_per_s": size / 1e6 / seconds,
                    "x_floor": seconds / floor,
                    "cpu_s": statistics.median(r["cpu"] for r in results[mode]),
                    "peak_mb": statistics.median(r["peak_mb"] for r in results[mode]),
                }
            )
            print(f"  {name} {mode}: {seconds:.2f} s", file=sys.stderr, flush=True)
    print()
    header = "| corpus | run | docs | MB | seconds | docs/s | MB/s | × floor | CPU s | peak MB |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in rows:
        print(
            f"| {r['corpus']} | {r['mode']} | {r['docs']} | {r['mb']:.2f} | {r['seconds']:.2f} | "
            f"{r['docs_per_s']:,.0f} | {r['mb_per_s']:.2f} | {r['x_floor']:.1f} | {r['cpu_s']:.1f} | {r['peak_mb']:.0f} |"
        )
    checks = [f"{j} procs {machine_check(j):.2f}x" for j in args.jobs if j > 1]
    if checks:
        print(f"\n# machine check after: {', '.join(checks)}")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
