"""Fusion rules on hand-built analyses: clusters, near-duplicates, registry, discrepancies, incremental updates."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from accords import fusion, queries
from accords.ingest import delete_document, store_analysis, sync_plover
from accords.store import open_store
from tests.kb_fixtures import WIRE_TEXT, Builder, site_analysis, wire_analysis

LABEL = "Official visit of Assimi Goïta to Russia, talks with Vladimir Putin, Moscow, 2025-06-23"


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    sync_plover(s)
    yield s
    s.close()


def ingest(store, *analyses):
    for a in analyses:
        store_analysis(store, a)
    fusion.refresh(store)
    assert store.scalar("dirty_count") == 0
    return queries.dyad(store, "RUS", "MLI")


def visit(d):
    [c] = [c for c in d["clusters"] if c["family"] == "meeting"]
    return c


def test_two_reports_of_one_visit_become_one_cluster(store):
    d = ingest(store, wire_analysis(), site_analysis())
    c = visit(d)
    assert c["label"] == LABEL
    assert c["date"] == "2025-06-23"
    assert c["sources"] == 2
    assert c["documents"] == ["site-2", "wire-1"]
    assert set(c["types"]) == {"AGREE", "CONSULT", "SUPPORT"}
    # unnamed mentions attach to the happening and never become registry records
    assert sorted(u["document"] for u in c["unnamed_agreements"]) == ["site-2", "wire-1"]
    assert all("series" not in a["title"] and "three" not in a["title"] for a in d["agreements"])


def test_agreements_are_merged_into_one_registry_record(store):
    d = ingest(store, wire_analysis(), site_analysis())
    titles = {a["title"]: a for a in d["agreements"]}
    assert len(titles) == 3
    nuclear = titles["Agreement on cooperation in the peaceful use of nuclear energy"]
    assert nuclear["reported_by"] == ["site-2", "wire-1"]
    assert nuclear["sources"] == 2
    assert len(nuclear["evidence"]) == 2
    assert nuclear["cluster"]["label"] == LABEL
    commission = titles["Agreement on an intergovernmental commission for trade"]
    assert commission["creates"] == "intergovernmental commission"
    assert commission["reported_by"] == ["site-2"]


def test_discrepancies_name_the_documents_on_each_side(store):
    d = ingest(store, wire_analysis(), site_analysis())
    by_kind = {}
    for x in d["discrepancies"]:
        by_kind.setdefault(x["kind"], []).append(x)
    [count] = by_kind["count"]
    assert {s["value"]: s["documents"] for s in count["sides"]} == {
        "3": ["site-2"],
        "several (number not given)": ["wire-1"],
    }
    single = {x["detail"]: x for x in by_kind["single_source"]}
    assert any("fundamentals" in k for k in single)
    mobilize = next(x for k, x in single.items() if "deploys forces" in k)
    assert mobilize["sides"] == [
        {"value": "reported", "documents": ["wire-1"]},
        {"value": "not reported", "documents": ["site-2"]},
    ]
    assert "date" not in by_kind and "status" not in by_kind


def test_conflicting_dates_and_statuses_are_recorded(store):
    site = site_analysis()
    for ev in site.events:
        if ev.date_source == "text":
            ev.date = date(2025, 6, 22)
    for ag in site.agreements:
        if "nuclear" in ag.title:
            ag.status = ag.stage = "negotiating"
    d = ingest(store, wire_analysis(), site)
    c = visit(d)
    assert c["sources"] == 2  # one day apart: still one happening
    kinds = {(x["kind"], x["subject"]): x for x in d["discrepancies"]}
    date_sides = {s["value"]: s["documents"] for s in kinds[("date", "cluster")]["sides"]}
    assert date_sides == {"2025-06-22": ["site-2"], "2025-06-23": ["wire-1"]}
    status_sides = {s["value"]: s["documents"] for s in kinds[("status", "agreement")]["sides"]}
    assert status_sides == {"negotiating": ["site-2"], "signed": ["wire-1"]}


def test_near_duplicates_count_as_one_source(store):
    copy = wire_analysis()
    copy.document = dataclasses.replace(
        copy.document, id="wire-copy", source="reprint", text=WIRE_TEXT.replace("the Kremlin said", "the Kremlin said.")
    )
    d = ingest(store, wire_analysis(), copy)
    assert store.one("counts")["duplicates"] == 1
    c = visit(d)
    assert c["documents"] == ["wire-1", "wire-copy"]
    assert c["sources"] == 1
    d = ingest(store, site_analysis())
    assert visit(d)["sources"] == 2
    assert len(visit(d)["documents"]) == 3


def test_minhash_similarity():
    a = fusion.minhash(WIRE_TEXT)
    b = fusion.minhash(WIRE_TEXT.replace("Monday", "Tuesday"))
    c = fusion.minhash("An entirely different story about fisheries quotas in the North Sea and Norway.")
    assert fusion.similarity(a, a) == 1.0
    assert fusion.similarity(a, b) >= fusion.DUPLICATE_THRESHOLD
    assert fusion.similarity(a, c) < 0.2
    assert fusion.parse_signature(fusion.signature_text(a)) == a


def _summary(d):
    return (
        sorted((c["label"], c["sources"], tuple(c["documents"])) for c in d["clusters"]),
        sorted((a["title"], tuple(a["reported_by"])) for a in d["agreements"]),
        sorted((x["kind"], x["detail"]) for x in d["discrepancies"]),
    )


def test_result_does_not_depend_on_ingest_order_or_batching(tmp_path):
    results = []
    for n, order in enumerate(([wire_analysis, site_analysis], [site_analysis, wire_analysis])):
        s = open_store(tmp_path / f"o{n}.db")
        sync_plover(s)
        results.append(_summary(ingest(s, *(f() for f in order))))
        s.close()
    s = open_store(tmp_path / "one-by-one.db")
    sync_plover(s)
    ingest(s, wire_analysis())
    results.append(_summary(ingest(s, site_analysis())))
    s.close()
    assert results[0] == results[1] == results[2]


def test_replacing_and_deleting_documents_updates_the_fused_view(store):
    ingest(store, wire_analysis(), site_analysis())
    smaller = site_analysis()
    smaller.agreements = [a for a in smaller.agreements if "nuclear" not in a.title]
    smaller.document = dataclasses.replace(smaller.document, text=smaller.document.text + "\nUpdated.")
    d = ingest(store, smaller)
    nuclear = [a for a in d["agreements"] if "nuclear" in a["title"]]
    assert [a["reported_by"] for a in nuclear] == [["wire-1"]]
    delete_document(store, store.one("doc_by_key", key="site-2", source="site")["id"])
    fusion.refresh(store)
    d = queries.dyad(store, "RUS", "MLI")
    assert visit(d)["sources"] == 1
    assert [a["title"] for a in d["agreements"]] == ["Agreement on nuclear energy cooperation"]
    assert [x for x in d["discrepancies"] if x["kind"] == "count"] == []


def test_events_far_apart_are_separate_happenings(store):
    b = Builder("later", "Putin met Goïta again\nVladimir Putin met Assimi Goïta in Moscow.", date(2025, 9, 2))
    b.mention("RUS", "Moscow", kind="capital")
    b.event("CONSULT", "Vladimir Putin", "Assimi Goïta", "Vladimir Putin met Assimi Goïta in Moscow", date(2025, 9, 1))
    d = ingest(store, wire_analysis(), site_analysis(), b.analysis)
    meetings = [c for c in d["clusters"] if c["family"] == "meeting"]
    assert [(c["date"], c["sources"]) for c in meetings] == [("2025-06-23", 2), ("2025-09-01", 1)]
    assert meetings[1]["label"] == "Talks between Assimi Goïta and Vladimir Putin, Moscow, 2025-09-01"
    assert d["by_month"]["2025-09"] == {"CONSULT": 1}
    weights = {r["type"]: r["weight"] for r in store.rows("plover_all")}
    sept = next(i for i in d["index"] if i["month"] == "2025-09")
    assert sept["index"] == weights["CONSULT"]


def test_dyad_time_window(store):
    ingest(store, wire_analysis(), site_analysis())
    assert queries.dyad(store, "MLI", "RUS", since="2025-07-01")["clusters"] == []
    assert len(queries.dyad(store, "MLI", "RUS", until="2025-06-30")["clusters"]) == 2
