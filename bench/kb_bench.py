"""Knowledge-base benchmark: ingest rate and query latencies on >= 100,000 synthetic events.

    .venv/bin/python bench/kb_bench.py [--events 100000] [--db /tmp/kb-bench.db] [--batch 1000] [--reuse]

1. Generates synthetic-but-realistic analyses (``bench/generate.py``) and
   stores them the way ``accords ingest`` does: one transaction per
   document, fusion (clusters, registry, discrepancies) after every batch of
   ``--batch`` documents. Reports documents/s and events/s, storage and
   fusion separately and together.
2. Times the queries behind ``accords dyad`` and ``accords agreements``
   (median and max of several runs each, warm cache), and fails (exit 1) if
   any median exceeds 200 ms.
3. Optionally (``--pipeline N``) measures the full path with extraction:
   ``accords ingest`` of N real Guardian articles from ../shared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accords import fusion, queries
from accords.ingest import Ingester, store_analysis, sync_plover
from accords.store import open_store
from generate import generate

LIMIT_MS = 200.0

QUERIES = {
    "dyad USA CHN": lambda s: queries.dyad(s, "USA", "CHN"),
    "dyad RUS UKR": lambda s: queries.dyad(s, "RUS", "UKR"),
    "dyad RUS MLI": lambda s: queries.dyad(s, "RUS", "MLI"),
    "dyad RUS MLI --since 2024-01-01": lambda s: queries.dyad(s, "RUS", "MLI", since="2024-01-01"),
    "dyad ISR PSE --since 2023-10-01 --until 2023-12-31": lambda s: queries.dyad(
        s, "ISR", "PSE", since="2023-10-01", until="2023-12-31"
    ),
    "agreements": lambda s: queries.agreements(s),
    "agreements --party MLI": lambda s: queries.agreements(s, party="MLI"),
    "agreements --party USA --party CHN": lambda s: queries.agreements(s, party="USA", party2="CHN"),
    "agreements --sector energy": lambda s: queries.agreements(s, sector="energy"),
    "agreements --status signed --since 2024-01-01": lambda s: queries.agreements(
        s, status="signed", since="2024-01-01"
    ),
}


def build(db: Path, target: int, batch: int) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_store(db)
    sync_plover(store)
    docs = events = 0
    store_s = fusion_s = 0.0
    started = time.perf_counter()
    pending = 0
    for analysis in generate(target):
        t = time.perf_counter()
        store_analysis(store, analysis)
        store_s += time.perf_counter() - t
        docs += 1
        events += len(analysis.events)
        pending += 1
        if pending >= batch:
            t = time.perf_counter()
            fusion.refresh(store)
            fusion_s += time.perf_counter() - t
            pending = 0
            print(f"\r  {docs:,} documents, {events:,} events", end="", file=sys.stderr, flush=True)
    t = time.perf_counter()
    fusion.refresh(store)
    fusion_s += time.perf_counter() - t
    total = time.perf_counter() - started
    print(file=sys.stderr)
    counts = store.one("counts")
    store.close()
    return {
        "documents": docs,
        "events": events,
        "seconds": round(total, 1),
        "store_seconds": round(store_s, 1),
        "fusion_seconds": round(fusion_s, 1),
        "documents_per_s": round(docs / total, 1),
        "events_per_s": round(events / total, 1),
        "store_only_documents_per_s": round(docs / store_s, 1),
        "counts": counts,
        "db_mb": round(db.stat().st_size / 1e6, 1),
    }


def time_queries(db: Path, runs: int) -> dict:
    store = open_store(db)
    out = {}
    for name, query in QUERIES.items():
        query(store)  # warm
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            result = query(store)
            samples.append((time.perf_counter() - t) * 1000)
        size = len(result["clusters"]) if isinstance(result, dict) else len(result)
        out[name] = {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1), "rows": size}
    store.close()
    return out


def pipeline_ingest(db: Path, n: int) -> dict:
    from accords.readers import read_inputs

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "guardian_sdf_sample.csv"
    docs = [d for d in read_inputs([str(corpus)])][:n]
    Path(db).unlink(missing_ok=True)
    store = open_store(db)
    report = Ingester(store).ingest(docs)
    store.close()
    return {"documents": report.seen, "seconds": round(report.seconds, 2),
            "documents_per_s": round(report.seen / report.seconds, 1)}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/accords-kb-bench.db"))
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="Query an existing database; do not rebuild it.")
    ap.add_argument("--pipeline", type=int, default=0, help="Also ingest N Guardian articles with extraction.")
    args = ap.parse_args()
    result: dict = {}
    if not args.reuse:
        print(f"building {args.db} with >= {args.events:,} events", file=sys.stderr)
        result["ingest"] = build(args.db, args.events, args.batch)
    result["queries"] = time_queries(args.db, args.runs)
    if args.pipeline:
        result["pipeline_ingest"] = pipeline_ingest(args.db.with_suffix(".pipeline.db"), args.pipeline)
    print(json.dumps(result, indent=2))
    slow = {k: v for k, v in result["queries"].items() if v["median_ms"] > LIMIT_MS}
    if slow:
        print(f"over {LIMIT_MS:.0f} ms: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
