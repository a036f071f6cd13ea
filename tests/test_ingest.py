"""Ingest with the real pipeline: idempotency on a real corpus, failures reported and skipped."""

from __future__ import annotations

import dataclasses

import pytest

from accords.ingest import Ingester
from accords.model import Document, DocumentError
from accords.readers import read_inputs
from accords.store import open_store
from tests.conftest import shared_path


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_guardian_sample_twice_leaves_the_same_counts(store, pipeline):
    corpus = str(shared_path("corpora", "guardian_sdf_sample.csv"))
    first = Ingester(store, pipeline).ingest(read_inputs([corpus]))
    assert first.failed == 0 and first.added > 200
    counts = store.one("counts")
    assert counts["documents"] == first.added
    assert counts["events"] > 0 and counts["clusters"] > 0
    second = Ingester(store, pipeline).ingest(read_inputs([corpus]))
    assert second.added == second.replaced == 0
    assert second.unchanged + second.duplicate == first.added + first.duplicate
    assert store.one("counts") == counts
    assert store.integrity() == []
    assert store.scalar("dirty_count") == 0
    assert store.scalar("fts_count") == counts["documents"]


def test_force_reanalyzes_without_duplicating(store, pipeline):
    seeds = str(shared_path("seeds", "seeds.jsonl"))
    Ingester(store, pipeline).ingest(read_inputs([seeds]))
    counts = store.one("counts")
    again = Ingester(store, pipeline, force=True).ingest(read_inputs([seeds]))
    assert again.replaced == 2
    assert store.one("counts") == counts


class Flaky:
    """The real pipeline, except that one document makes it fail."""

    def __init__(self, pipeline, bad_id):
        self.pipeline, self.bad_id = pipeline, bad_id
        self.lexicon = pipeline.lexicon

    def analyze(self, doc):
        if doc.id == self.bad_id:
            raise ValueError("extractor crashed on this text")
        return self.pipeline.analyze(doc)


def test_failing_documents_are_reported_and_skipped(store, pipeline):
    docs = [d for d in read_inputs([str(shared_path("seeds", "seeds.jsonl"))]) if isinstance(d, Document)]
    extra = dataclasses.replace(docs[0], id="broken", text=docs[0].text + " Extra.", origin="batch.jsonl:3")
    items = [docs[0], DocumentError("batch.jsonl:2", "invalid JSON: Expecting value (column 1)"), extra, docs[1]]
    seen = []
    report = Ingester(store, Flaky(pipeline, "broken")).ingest(items, on_outcome=seen.append)
    assert report.added == 2 and report.failed == 2
    assert [o.status for o in seen] == ["added", "failed", "failed", "added"]
    assert "batch.jsonl:2" in report.errors[0]
    assert "batch.jsonl:3" in report.errors[1] and "broken" in report.errors[1] and "crashed" in report.errors[1]
    assert {r["doc_key"] for r in store.rows("doc_all")} == {"seed-000", "seed-002"}
    assert store.one("counts")["registry"] == 3


def test_changed_document_is_replaced(store, pipeline):
    docs = [d for d in read_inputs([str(shared_path("seeds", "seeds.jsonl"))]) if isinstance(d, Document)]
    ingester = Ingester(store, pipeline)
    ingester.ingest(docs)
    cut = docs[1].text.index("The documents are follows")
    shorter = dataclasses.replace(docs[1], text=docs[1].text[:cut])
    report = ingester.ingest([shorter])
    assert report.replaced == 1
    assert store.one("counts")["documents"] == 2
    titles = [r["title"] for r in store.rows("export_registry")]
    assert not any("fundamentals" in t for t in titles)
    assert store.search("fundamentals") == []
