"""A real `accords ingest` subprocess killed with SIGKILL midway: the database stays consistent
(no half-stored document) and a re-run completes the work."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from accords.readers import read_inputs
from accords.store import open_store
from tests.conftest import shared_path

COPIES = 4


def test_sigkill_midway_then_rerun_completes(tmp_path):
    # A corpus long enough to be killed in the middle: the Guardian sample, four times under distinct ids/texts.
    corpus = tmp_path / "corpus.jsonl"
    total = 0
    with corpus.open("w", encoding="utf-8") as fh:
        for copy in range(COPIES):
            for doc in read_inputs([str(shared_path("corpora", "guardian_sdf_sample.csv"))]):
                if hasattr(doc, "text"):
                    record = {
                        "id": f"{doc.id}-{copy}",
                        "text": f"{doc.text}\n(Edition {copy}.)",
                        "published": doc.published.isoformat() if doc.published else None,
                        "source": "guardian",
                    }
                    fh.write(json.dumps(record) + "\n")
                    total += 1
    db = tmp_path / "kb.db"
    cmd = [
        sys.executable,
        "-c",
        "from accords.cli import app; app()",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--quiet",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if not db.exists():
            continue
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:
            continue
        if stored >= 40:
            break
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    store = open_store(db)
    assert store.integrity() == []
    counts = store.one("counts")
    assert 40 <= counts["documents"] < total
    # every stored document is complete: its sentences, its full-text entry, and its fusion marks or results
    for row in store.rows("doc_all"):
        assert store.one("doc_stats", doc=row["id"])["sentences"] > 0, row["doc_key"]
    assert store.scalar("fts_count") == counts["documents"]
    store.close()

    rerun = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["unchanged"] == counts["documents"]
    assert report["added"] == total - counts["documents"]
    store = open_store(db)
    assert store.one("counts")["documents"] == total
    assert store.scalar("dirty_count") == 0
    assert store.scalar("fts_count") == total
    assert store.integrity() == []
    store.close()
