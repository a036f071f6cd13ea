"""Dashboard and API benchmark: page times on a knowledge base (the seeds, or 100,000 synthetic events).

    .venv/bin/python bench/kb_bench.py --events 100000 --batch 10000 --db /tmp/accords-kb-bench.db  # build once
    .venv/bin/python bench/web_bench.py --db /tmp/accords-kb-bench.db [--browser] [--runs 5]

1. Server time: each page and API answer requested in-process (ASGI, no network) ``--runs``
   times after one warm-up; median and max in ms, and the size of the answer.
2. ``--browser``: the same pages served by uvicorn on 127.0.0.1 and loaded in Debian's Chromium
   (Playwright, headless): navigation start to the end of the load event, median of ``--runs``.

Exits 1 if a page's median (server time, or browser load with ``--browser``) is 1 second or more.
The pages are chosen from the data: the busiest dyads, the newest agreement, the cluster with the
most reports, the busiest state and person, one document, a search.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote

LIMIT_MS = 1000.0


def pages(db: str) -> list[str]:
    from accords.store import open_store
    from accords.web import data

    store = open_store(db)
    try:
        dyads = data.top_dyads(store, limit=2)
        urls = ["/"]
        for d in dyads:
            urls.append(f"/dyad/{d['dyad'][0]}/{d['dyad'][1]}")
        if store.one("actor_by_key", key="code:MLI"):
            urls.append("/dyad/RUS/MLI")
        newest = store.rows(
            "web_registry_search", party=None, party2=None, sector=None, status=None, since=None, until=None,
            limit=1, offset=0,
        )  # fmt: skip
        if newest:
            urls.append(f"/agreement/{newest[0]['id']}")
        clusters = store.rows("web_latest_clusters", limit=200)
        if clusters:
            biggest = max(clusters, key=lambda c: (c["documents"], c["events"]))
            urls.append(f"/cluster/{biggest['id']}")
        if dyads:
            urls.append(f"/actor/{dyads[0]['dyad'][0]}")
        people = data.actors(store, kind="person", limit=1)["items"]
        if people:
            urls.append(f"/actor/{people[0]['id']}")
        docs = data.documents(store, limit=1)["items"]
        if docs:
            urls.append("/document/" + quote(docs[0]["id"], safe=""))
        urls.append("/search?q=energy")
        api = ["/api/dyads", "/api/agreements", "/api/events", "/api/clusters", "/api/actors", "/api/documents"]
        if dyads:
            api.append(f"/api/dyads/{dyads[0]['dyad'][0]}/{dyads[0]['dyad'][1]}")
        api.append("/api/search?q=energy")
        return urls + api
    finally:
        store.close()


def server_times(app, urls: list[str], runs: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    out = {}
    with TestClient(app) as client:
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:200])
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            out[url] = {
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "kb": round(len(r.content) / 1024, 1),
            }
    return out


def browser_times(app, urls: list[str], runs: int, chromium: str) -> dict:
    import uvicorn
    from playwright.sync_api import sync_playwright

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            for url in urls:
                if url.startswith("/api/"):
                    continue
                times = []
                for i in range(runs + 1):
                    page.goto(f"http://127.0.0.1:{port}{url}")
                    ms = page.evaluate(
                        "() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return n.loadEventEnd - n.startTime; }"
                    )
                    if i:  # the first load warms the caches
                        times.append(ms)
                out[url] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="/tmp/accords-kb-bench.db")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time full page loads in Chromium")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"{args.db} does not exist: build it with bench/kb_bench.py (see the docstring)", file=sys.stderr)
        return 2
    from accords.web import create_app

    app = create_app(args.db)
    urls = pages(args.db)
    report = {"database": args.db, "server": server_times(app, urls, args.runs)}
    if args.browser:
        report["browser"] = browser_times(app, urls, args.runs, args.chromium)
    print(json.dumps(report, indent=2))
    slow = [u for part in ("server", "browser") for u, t in report.get(part, {}).items() if t["median_ms"] >= LIMIT_MS]
    if slow:
        print(f"over {LIMIT_MS:.0f} ms: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
