"""Throughput of `accords resolve --input` and `accords extract` (issue 2's figures).

Builds 10,000 resolution requests from the project's own resolution cases (tests/cases), runs
`accords resolve --input` on them, and runs `accords extract` over the Guardian sample
(../shared/corpora/guardian_sdf_sample.csv). Each is timed end to end (process start included)
and reported as the median of --runs runs.

    .venv/bin/python bench/resolve_bench.py [--runs 3] [--lines 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCORDS = [sys.executable, "-m", "accords"]
GUARDIAN = ROOT.parent / "shared" / "corpora" / "guardian_sdf_sample.csv"


def requests(n: int) -> list[dict]:
    cases = []
    for path in sorted((ROOT / "tests" / "cases").glob("resolve-*.tsv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            case = {"text": row["text"]}
            if row.get("date"):
                case["date"] = row["date"]
            if row.get("context"):
                case["context"] = row["context"]
            cases.append(case)
    return [cases[i % len(cases)] for i in range(n)]


def timed(cmd: list[str], stdout_path: Path) -> float:
    start = time.perf_counter()
    with stdout_path.open("w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        req = tmp_path / "requests.jsonl"
        req.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests(args.lines)), "utf-8")
        out = tmp_path / "out.jsonl"
        resolve_times = [timed([*ACCORDS, "resolve", "--input", str(req), "--quiet"], out) for _ in range(args.runs)]
        produced = sum(1 for _ in out.open(encoding="utf-8"))
        rows = [("resolve --input", args.lines, produced, statistics.median(resolve_times), req.stat().st_size)]
        if GUARDIAN.exists():
            extract_times = [timed([*ACCORDS, "extract", str(GUARDIAN), "--quiet"], out) for _ in range(args.runs)]
            produced = sum(1 for _ in out.open(encoding="utf-8"))
            rows.append(("extract guardian", 249, produced, statistics.median(extract_times), GUARDIAN.stat().st_size))
    print(f"{'job':<18} {'items':>7} {'output':>7} {'seconds':>8} {'items/s':>9} {'MB/s':>6}")
    for job, items, produced, seconds, size in rows:
        print(
            f"{job:<18} {items:>7} {produced:>7} {seconds:>8.2f} {items / seconds:>9.0f} {size / seconds / 1e6:>6.2f}"
        )


if __name__ == "__main__":
    main()
