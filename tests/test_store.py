"""Storage mechanics on small hand-built analyses: schema, transactions, idempotency, replacement, FTS.

The tests taking ``store`` run against both backends (SQLite and PostgreSQL, see
``tests/conftest_pg.py``); the SQLite file format tests take ``tmp_path``, and their PostgreSQL
counterparts are in ``tests/test_postgres.py``."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from accords import fusion
from accords.ingest import ADDED, DUPLICATE, REPLACED, UNCHANGED, store_analysis, sync_plover
from accords.model import Sentence
from accords.store import SCHEMA_VERSION, StoreError, open_store
from accords.store.sql import MIGRATIONS, STATEMENTS
from tests.kb_fixtures import site_analysis, wire_analysis


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    sync_plover(s)
    yield s
    s.close()


def test_schema_is_created_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "new.db"
    s = open_store(path)
    assert [r["version"] for r in s.schema_versions()] == [v for v, _, _ in MIGRATIONS]
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.integrity() == []
    s.close()
    # reopening does not migrate twice
    s = open_store(path)
    assert len(s.schema_versions()) == len(MIGRATIONS)
    s.close()


def test_newer_schema_is_refused_not_broken(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (?, '2099-01-01', 'from the future')", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_not_a_knowledge_base_is_reported(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        open_store(path)


def test_every_fact_links_to_its_evidence(store):
    analysis = wire_analysis()
    outcome = store_analysis(store, analysis)
    assert outcome.status == ADDED
    counts = store.one("counts")
    assert counts["documents"] == 1
    assert counts["events"] == len(analysis.events)
    assert counts["agreements"] == len(analysis.agreements)
    assert counts["quotes"] == len(analysis.quotes)
    assert counts["sentences"] == len(analysis.sentences)
    doc = store.one("doc_get", id=outcome.db_id)
    for fact, rows in (("event", "doc_events"), ("agreement", "doc_agreements"), ("quote", "doc_quotes")):
        for row in store.rows(rows, doc=outcome.db_id):
            ev = store.rows("evidence_of", fact=fact, fact_id=row["id"])
            assert ev, f"{fact} {row['id']} has no evidence"
            for e in ev:
                assert doc["text"][e["start_char"] : e["end_char"]] == e["text"]
                assert e["sentence_start"] <= e["start_char"] < e["sentence_end"]


def test_same_document_twice_is_stored_once(store):
    assert store_analysis(store, wire_analysis()).status == ADDED
    before = store.one("counts")
    assert store_analysis(store, wire_analysis()).status == UNCHANGED
    assert store.one("counts") == before
    # same text under another id: a duplicate, not stored again
    other = wire_analysis()
    other.document = dataclasses.replace(other.document, id="wire-copy")
    assert store_analysis(store, other).status == DUPLICATE
    assert store.one("counts") == before


def test_changed_document_replaces_its_old_facts(store):
    store_analysis(store, wire_analysis())
    fusion.refresh(store)
    changed = site_analysis()
    changed.document = dataclasses.replace(changed.document, id="wire-1", source="wire")
    assert store_analysis(store, changed).status == REPLACED
    fusion.refresh(store)
    counts = store.one("counts")
    assert counts["documents"] == 1
    assert counts["events"] == len(changed.events)
    assert counts["agreements"] == len(changed.agreements)
    assert store.scalar("fts_count") == 1
    assert store.search("comprehensive") == []  # a word of the old text only
    assert [r["doc_key"] for r in store.search("fundamentals")] == ["wire-1"]
    assert store.integrity() == []


def test_a_failing_document_leaves_nothing_behind(store):
    bad = wire_analysis()
    bad.sentences.append(Sentence(0, 0, 1, "x"))  # duplicate sentence index: the insert fails midway
    with pytest.raises(store.IntegrityError):
        store_analysis(store, bad)
    counts = store.one("counts")
    assert counts["documents"] == counts["events"] == counts["sentences"] == counts["actors"] == 0
    assert store.scalar("fts_count") == 0
    assert store.scalar("dirty_count") == 0
    assert store_analysis(store, wire_analysis()).status == ADDED


def test_full_text_search_folds_accents_and_survives_bad_syntax(store):
    store_analysis(store, wire_analysis())
    store_analysis(store, site_analysis())
    assert {r["doc_key"] for r in store.search("Goita")} == {"wire-1", "site-2"}
    assert {r["doc_key"] for r in store.search("Goïta")} == {"wire-1", "site-2"}
    assert [r["doc_key"] for r in store.search("nuclear AND peaceful")] == ["site-2"]
    assert store.search('"unbalanced') == []
    assert "[" in store.search("Kremlin")[0]["snippet"]


def test_parameters_are_bound_never_interpolated(store):
    store_analysis(store, wire_analysis())
    fusion.refresh(store)
    hostile = "MLI' OR '1'='1"
    assert (
        store.rows(
            "registry_search", party=hostile, party2=None, sector=None, status=None, since=None, until=None, limit=10
        )
        == []
    )
    assert store.one("counts")["documents"] == 1
    for name, sql in STATEMENTS.items():
        assert "{" not in sql and "%s" not in sql, name


def test_actors_are_merged_across_documents(store):
    store_analysis(store, wire_analysis())
    store_analysis(store, site_analysis())
    people = [r for r in store.rows("actor_list", country="MLI", kind="person", limit=10)]
    assert len(people) == 1
    goita = people[0]
    assert goita["name"] == "Assimi Goïta"  # the spelling with diacritics wins
    assert goita["documents"] == 2
    names = {r["name"] for r in store.rows("actor_names", actor=goita["id"])}
    assert {"Assimi Goïta", "Assimi Goita", "Col Assimi Goïta"} <= names


def test_older_schema_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    s = open_store(path)
    store_analysis(s, wire_analysis())
    s.close()
    # make it look like a version-1 file: drop what migration 2 adds
    conn = sqlite3.connect(path)
    version, _, statements = MIGRATIONS[1]
    for statement in statements:
        conn.execute(f"DROP INDEX {statement.split()[2]}")
    conn.execute("DELETE FROM schema_version WHERE version = ?", (version,))
    conn.commit()
    conn.close()
    s = open_store(path)
    assert [r["version"] for r in s.schema_versions()] == [1, 2]
    assert s.one("counts")["documents"] == 1  # data kept
    assert s.integrity() == []
    s.close()


def test_a_batch_commits_whole_documents_and_drops_a_failing_one(store):
    """``Store.batch`` groups documents into one commit; a document that fails inside it is rolled back
    alone (a savepoint on SQLite), the others are kept."""
    good, other = wire_analysis(), site_analysis()

    def failing() -> None:
        store_analysis(store, other)
        raise RuntimeError("extraction crashed halfway through storing")

    with store.batch():
        assert store_analysis(store, good).status == "added"
        with pytest.raises(RuntimeError):
            store.atomic(failing)
    assert store.one("counts")["documents"] == 1
    kept = [r for r in store.rows("doc_all")]
    assert [r["doc_key"] for r in kept] == [good.document.id]
