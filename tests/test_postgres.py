"""PostgreSQL-specific behaviour: concurrent writers (real processes and staged races), schema
migrations and version checks on a server, read-only opening, the SQL dialect.

The backend-neutral storage tests (test_store, test_ingest, test_fusion, test_kb_cli) already
run against PostgreSQL through the ``store_url`` fixtures; these need a server of their own
(``tests/conftest_pg.py``) and fail in CI when none can be started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from accords import fusion, ingest
from accords.ingest import ADDED, UNCHANGED, store_analysis, sync_plover
from accords.readers import read_inputs
from accords.store import SCHEMA_VERSION, StoreError, open_store
from accords.store.sql import MIGRATIONS, POSTGRES_STATEMENTS, STATEMENTS, postgres_sql
from tests.conftest import shared_path
from tests.kb_fixtures import site_analysis, wire_analysis

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pg_url(pg_server, request):
    with pg_server.database(request.node.name) as url:
        yield url


def admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# ------------------------------------------------------------------- concurrency


def fused_view(store, aliases: dict[str, str] | None = None) -> dict:
    """Everything fusion computed, keyed by stable keys and document ids (not database ids)."""
    aliases = aliases or {}

    def key(doc_key: str) -> str:
        return aliases.get(doc_key, doc_key)

    clusters = {
        c["ckey"]: (c["label"], c["types"], c["sources"], c["documents"], c["events"])
        for c in store.rows("export_clusters")
    }
    members = sorted(
        (r["cluster_key"] or "", key(r["doc_key"]), r["seq"], r["type"]) for r in store.rows("export_events")
    )
    registry = {
        r["rkey"]: (r["title"], r["parties"], r["status"], r["stage"], r["day"], r["sources"], r["documents"])
        for r in store.rows("export_registry")
    }
    discrepancies = sorted(
        (d["dyad_a"], d["dyad_b"], d["kind"], d["detail"])
        for a, b in {(e["dyad_a"], e["dyad_b"]) for e in store.rows("export_events")}
        for d in store.rows("discrepancies_of_dyad", a=a, b=b, limit=10**6)
    )
    return {"clusters": clusters, "members": members, "registry": registry, "discrepancies": discrepancies}


def unlabeled(view: dict) -> dict:
    """The view without cluster labels: a label names an actor by the spelling of the first
    document that mentioned it, which depends on the order documents arrive in."""
    return {**view, "clusters": {k: v[1:] for k, v in view["clusters"].items()}}


def fuse_from_scratch(store) -> None:
    """Mark every document's dyads and party sets and fuse again: the view a fresh fusion gives."""
    store.atomic(lambda: [ingest._mark_doc(store, r["id"]) for r in store.rows("doc_all")])
    fusion.refresh(store)


START_TOGETHER = """
import os, sys, time
from accords.cli import app
from accords.pipeline import Pipeline
Pipeline()  # the slow part of starting (the lexicon), done before the start line
go = sys.argv[1]
open(f"{go}.ready-{os.getpid()}", "w").close()
while not os.path.exists(go):
    time.sleep(0.005)
sys.argv = ["accords", *sys.argv[2:]]
app()
"""


def test_concurrent_ingest_processes_store_each_document_once(pg_url, tmp_path):
    # 80 Guardian articles plus one under a second id with the same text; process 2 reads them
    # backwards, so the processes meet on the same documents from both ends.
    docs = [d for d in read_inputs([str(shared_path("corpora", "guardian_sdf_sample.csv"))]) if hasattr(d, "text")]
    records = [
        {
            "id": d.id,
            "text": d.text,
            "source": "guardian",
            "published": d.published.isoformat() if d.published else None,
        }
        for d in docs[:80]
    ]
    records.insert(40, {**records[0], "id": "same-text-other-id"})
    forward, backward = tmp_path / "forward.jsonl", tmp_path / "backward.jsonl"
    forward.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    backward.write_text("".join(json.dumps(r) + "\n" for r in reversed(records)), encoding="utf-8")

    cmd = [sys.executable, "-c", "from accords.cli import app; app()", "ingest", "--quiet", "--json", "--db", pg_url]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # Each process builds its pipeline, says it is ready, and starts ingesting when all are.
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", START_TOGETHER, str(go), *cmd[3:], str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (forward, backward, forward)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready-*"))) < len(procs) and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.02)
    go.touch()
    started = time.monotonic()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    elapsed = time.monotonic() - started
    summary = [(r["added"], r["unchanged"], r["duplicate"], r["failed"]) for r in reports]
    print(
        f"3 concurrent ingests of {len(records)} documents in {elapsed:.1f}s: (added, unchanged, dup, failed) {summary}"
    )

    unique = len(records) - 1
    assert all(r["failed"] == 0 and r["added"] + r["unchanged"] + r["duplicate"] == len(records) for r in reports)
    assert sum(r["added"] for r in reports) == unique  # every document added by exactly one process
    assert sum(r["added"] > 0 for r in reports) >= 2, summary  # the processes really did overlap
    assert all(r["duplicate"] >= 1 for r in reports)  # the same text under another id, whoever stored it

    store = open_store(pg_url)
    counts = store.one("counts")
    assert counts["documents"] == unique
    assert store.scalar("fts_count") == unique
    assert store.scalar("dirty_count") == 0
    assert store.integrity() == []
    stored = [r["doc_key"] for r in store.rows("doc_all")]
    assert len(stored) == len(set(stored))
    aliases = {"same-text-other-id": records[0]["id"]}
    assert len({aliases.get(k, k) for k in stored}) == unique

    # The same documents ingested by one process (SQLite) give the same knowledge base ...
    baseline_path = tmp_path / "sequential.db"
    result = subprocess.run(
        [*cmd[:-1], str(baseline_path), str(forward)], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    baseline = open_store(baseline_path)
    assert baseline.one("counts") == counts
    view = fused_view(store, aliases)
    assert unlabeled(view) == unlabeled(fused_view(baseline, aliases))
    baseline.close()
    # ... and fusing everything again from scratch changes nothing: no fusion work was lost.
    fuse_from_scratch(store)
    assert fused_view(store, aliases) == view
    store.close()


def test_a_document_stored_meanwhile_by_another_writer_is_found_on_rerun(pg_url, monkeypatch):
    a, b = open_store(pg_url), open_store(pg_url)
    original = ingest._insert_document
    raced = []

    def insert_after_the_other_writer(store, doc, digest):
        if store is a and not raced:  # a has looked and found nothing; b stores the same document now
            raced.append(store_analysis(b, wire_analysis()).status)
        return original(store, doc, digest)

    monkeypatch.setattr(ingest, "_insert_document", insert_after_the_other_writer)
    outcome = store_analysis(a, wire_analysis())
    assert raced == [ADDED]
    assert outcome.status == UNCHANGED  # the rerun found b's copy
    assert a.retries == 1
    assert a.one("counts")["documents"] == 1
    a.close()
    b.close()


def test_an_ingest_waits_for_a_running_fusion_and_leaves_its_marks(pg_url, monkeypatch):
    a, b = open_store(pg_url), open_store(pg_url)
    sync_plover(a)
    store_analysis(a, wire_analysis())
    original = fusion._Fuser.cluster_dyad
    writers: list[threading.Thread] = []
    results, waiting = [], []

    def cluster_while_another_document_arrives(self, x, y):
        if self.store is a and not writers:  # a has read the marks; b tries to store a second report now
            writer = threading.Thread(target=lambda: results.append(store_analysis(b, site_analysis()).status))
            writers.append(writer)
            writer.start()
            writer.join(timeout=1.0)
            waiting.append(writer.is_alive())
        return original(self, x, y)

    monkeypatch.setattr(fusion._Fuser, "cluster_dyad", cluster_while_another_document_arrives)
    fusion.refresh(a)
    writers[0].join(timeout=30)
    assert waiting == [True]  # the document waited for the fusion to finish ...
    assert results == [ADDED]  # ... and was stored after it, its marks left for the next fusion
    assert a.scalar("dirty_count") > 0
    fusion.refresh(a)
    assert a.scalar("dirty_count") == 0
    [visit] = [c for c in a.rows("export_clusters") if c["family"] == "meeting"]
    assert visit["documents"] == 2 and visit["sources"] == 2
    a.close()
    b.close()


# ------------------------------------------------------------------- schema


def test_schema_is_created_once_by_concurrent_openers(pg_url):
    errors, versions = [], []

    def opener():
        try:
            store = open_store(pg_url)
            versions.append([r["version"] for r in store.schema_versions()])
            store.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert versions == [[v for v, _, _ in MIGRATIONS]] * 4


def test_newer_schema_is_refused_not_touched(pg_url):
    store = open_store(pg_url)
    store_analysis(store, wire_analysis())
    store.close()
    admin(pg_url, f"INSERT INTO schema_version VALUES ({SCHEMA_VERSION + 1}, '2099-01-01', 'from the future')")
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer"):
            open_store(pg_url, readonly=readonly)
    import psycopg

    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_older_schema_is_migrated_in_place(pg_url):
    store = open_store(pg_url)
    store_analysis(store, wire_analysis())
    store.close()
    version, _, statements = MIGRATIONS[1]
    admin(
        pg_url,
        *(f"DROP INDEX {statement.split()[2]}" for statement in statements),
        f"DELETE FROM schema_version WHERE version = {version}",
    )
    with pytest.raises(StoreError, match="needs migration"):
        open_store(pg_url, readonly=True)
    store = open_store(pg_url)
    assert [r["version"] for r in store.schema_versions()] == [1, 2]
    assert store.one("counts")["documents"] == 1
    indexes = {r["indexname"] for r in store.conn.execute("SELECT indexname FROM pg_indexes").fetchall()}
    assert {s.split()[2] for s in statements} <= indexes
    assert store.integrity() == []
    store.close()


def test_not_a_knowledge_base_is_reported(pg_url):
    admin(pg_url, "CREATE TABLE schema_version (x TEXT)")
    with pytest.raises(StoreError, match="not an accords knowledge base"):
        open_store(pg_url)


def test_readonly_store_reads_but_never_writes(pg_url):
    with pytest.raises(StoreError, match="not an accords knowledge base"):
        open_store(pg_url, readonly=True)  # an empty database is not created read-only
    store = open_store(pg_url)
    store_analysis(store, wire_analysis())
    store.close()
    reader = open_store(pg_url, readonly=True)
    assert reader.one("counts")["documents"] == 1
    assert [r["doc_key"] for r in reader.search("Goita")] == ["wire-1"]
    import psycopg

    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        store_analysis(reader, site_analysis())
    reader.close()


def test_unreachable_server_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot connect") as info:
        open_store(f"postgresql://someone:secret@/nowhere?host={tmp_path}&connect_timeout=2")
    assert "secret" not in str(info.value)


def test_cli_takes_the_url_from_accords_db(pg_url, monkeypatch):
    from typer.testing import CliRunner

    from accords.cli import app

    runner = CliRunner()
    monkeypatch.setenv("ACCORDS_DB", pg_url)
    result = runner.invoke(app, ["ingest", str(shared_path("seeds", "seeds.jsonl")), "--quiet", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 2
    agreements = runner.invoke(app, ["agreements", "--json"])
    assert agreements.exit_code == 0 and len(json.loads(agreements.stdout)) == 3


# ------------------------------------------------------------------- dialect


def test_every_statement_is_valid_postgresql(pg_url):
    """Each named statement (and the web's, when importable) prepares on the server: syntax,
    GROUP BY rules and parameter types are checked without running anything."""
    with contextlib.suppress(Exception):
        import accords.web.data  # noqa: F401  (registers its statements)
    store = open_store(pg_url)
    checked = 0
    for sql in {**STATEMENTS, **POSTGRES_STATEMENTS}.values():
        numbered, order = postgres_sql(sql), []

        def number(m: re.Match, order: list = order) -> str:
            if m.group(1) not in order:
                order.append(m.group(1))
            return f"${order.index(m.group(1)) + 1}"

        numbered = re.sub(r"%\((\w+)\)s", number, numbered).replace("%%", "%")
        store.conn.execute(f"PREPARE check_{checked} AS {numbered}")
        checked += 1
    assert checked > 100
    store.close()


def test_null_placement_and_text_order_match_sqlite():
    sql = postgres_sql("SELECT a FROM t WHERE b LIKE '%:x' AND c = :c ORDER BY day DESC, f(a, b), id LIMIT :n")
    assert sql == (
        "SELECT a FROM t WHERE b LIKE '%:x' AND c = %(c)s "
        "ORDER BY day DESC NULLS LAST, f(a, b) NULLS FIRST, id NULLS FIRST LIMIT %(n)s"
    )


def test_fts5_queries_translate_to_websearch():
    from accords.store.postgres import websearch_query

    assert websearch_query("nuclear AND peaceful") == "nuclear peaceful"
    assert websearch_query("Mali OR Niger") == "Mali or Niger"
    assert websearch_query('"grain deal" NOT wheat') == '"grain deal" -wheat'
    assert websearch_query('"unbalanced') == '"unbalanced"'
    assert websearch_query("nucl*") == "nucl"


def test_search_order_and_snippets_match_sqlite(pg_url, tmp_path):
    results = []
    for url in (pg_url, str(tmp_path / "kb.db")):
        store = open_store(url)
        store_analysis(store, wire_analysis())
        store_analysis(store, site_analysis())
        results.append([(r["doc_key"], "[" in r["snippet"]) for r in store.search("Goïta")])
        store.close()
    assert results[0] == results[1] and len(results[0]) == 2


def test_search_survives_control_characters_and_operators_only(pg_url):
    store = open_store(pg_url)
    store_analysis(store, wire_analysis())
    assert [r["doc_key"] for r in store.search("Goita\x00\n")] == ["wire-1"]
    assert store.search("AND OR NOT") == []
    assert store.search('""') == []
    store.close()


def test_sigkill_midway_leaves_whole_documents_and_a_rerun_completes(pg_url, tmp_path):
    import signal

    import psycopg

    docs = [d for d in read_inputs([str(shared_path("corpora", "guardian_sdf_sample.csv"))]) if hasattr(d, "text")]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in docs[:150]), encoding="utf-8")
    cmd = [sys.executable, "-c", "from accords.cli import app; app()", "ingest", str(corpus), "--db", pg_url, "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored, deadline = 0, time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and stored < 20:
        time.sleep(0.05)
        with contextlib.suppress(psycopg.Error), psycopg.connect(pg_url) as conn:
            stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    store = open_store(pg_url)
    counts = store.one("counts")
    assert 20 <= counts["documents"] < len(docs[:150])
    for row in store.rows("doc_all"):
        assert store.one("doc_stats", doc=row["id"])["sentences"] > 0, row["doc_key"]
    assert store.scalar("fts_count") == counts["documents"]
    assert store.integrity() == []
    store.close()
    rerun = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["unchanged"] == counts["documents"] and report["added"] == 150 - counts["documents"]
    store = open_store(pg_url)
    assert store.one("counts")["documents"] == 150
    assert store.scalar("dirty_count") == 0
    store.close()
