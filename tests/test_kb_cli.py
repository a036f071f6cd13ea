"""The knowledge-base commands, through the CLI and its --json output, on the real seed articles."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from accords.cli import app
from accords.export import GDELT_COLUMNS, POLECAT_COLUMNS
from tests.conftest import shared_path

LABEL = "Official visit of Assimi Goïta to Russia, talks with Vladimir Putin, Moscow, 2025-06-23"
runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.stderr + result.stdout
    return result


def run_json(*args: str):
    return json.loads(run(*args, "--json").stdout)


@pytest.fixture(scope="module")
def db(module_store_url):
    """The seed articles ingested into a SQLite file, and into a PostgreSQL database."""
    seeds = str(shared_path("seeds", "seeds.jsonl"))
    report = run_json("ingest", seeds, "--db", module_store_url, "--quiet")
    assert report["added"] == 2 and report["failed"] == 0
    return module_store_url


@pytest.fixture(scope="module")
def picture(db):
    return run_json("dyad", "RUS", "MLI", "--db", db)


def test_ingest_twice_changes_nothing(db):
    before = run_json("export", "--format", "jsonl", "--db", db, "--output", "/dev/null")
    report = run_json("ingest", str(shared_path("seeds", "seeds.jsonl")), "--db", db, "--quiet")
    assert report["unchanged"] == 2 and report["added"] == 0
    assert run_json("export", "--format", "jsonl", "--db", db, "--output", "/dev/null") == before


def test_dyad_one_visit_from_two_sources(picture):
    assert picture["dyad"] == ["MLI", "RUS"]
    assert picture["names"] == {"MLI": "Mali", "RUS": "Russia"}
    visits = [c for c in picture["clusters"] if c["sources"] >= 2]
    assert len(visits) == 1
    visit = visits[0]
    assert visit["label"] == LABEL
    assert visit["date"] == "2025-06-23"
    assert visit["documents"] == ["seed-000", "seed-002"]
    assert {"AGREE", "CONSULT"} <= set(visit["types"])


def test_dyad_three_named_agreements_nuclear_from_both(picture):
    named = picture["agreements"]
    assert len(named) == 3
    assert all(a["status"] == "signed" and a["date"] == "2025-06-23" for a in named)
    assert all(a["parties"] == ["MLI", "RUS"] for a in named)
    nuclear = [a for a in named if "nuclear" in a["title"].lower()]
    assert len(nuclear) == 1
    assert nuclear[0]["reported_by"] == ["seed-000", "seed-002"]
    assert nuclear[0]["sources"] == 2
    others = [a for a in named if a is not nuclear[0]]
    assert all(a["reported_by"] == ["seed-002"] for a in others)
    assert any("fundamentals of relations" in a["title"] for a in others)
    commission = next(a for a in others if "Commission" in a["title"])
    assert "Commission" in commission["creates"]
    for a in named:  # every registry record carries its evidence and the visit it belongs to
        assert a["evidence"] and all(e["text"] for e in a["evidence"])
        assert a["cluster"]["label"] == LABEL
    # "a comprehensive series of agreements" is an unnamed mention linked to the visit
    unnamed = picture["unnamed_agreements"]
    assert [u["document"] for u in unnamed if u["cluster"]] and all(not u.get("named", False) for u in unnamed)
    visit = next(c for c in picture["clusters"] if c["label"] == LABEL)
    assert any(u["document"] == "seed-000" for u in visit["unnamed_agreements"])


def test_dyad_power_plant_is_a_project(picture):
    plants = [p for p in picture["projects"] if "power plant" in p["name"].lower()]
    assert len(plants) == 1
    assert plants[0]["reported_by"] == ["seed-000"]
    assert plants[0]["evidence"]
    assert all("power plant" not in a["title"].lower() for a in picture["agreements"])


def test_dyad_flags_count_discrepancy_and_single_source_facts(picture):
    kinds = {}
    for d in picture["discrepancies"]:
        kinds.setdefault(d["kind"], []).append(d)
    [count] = kinds["count"]
    sides = {s["value"]: s["documents"] for s in count["sides"]}
    assert sides.get("3") == ["seed-002"]
    assert sides.get("several (number not given)") == ["seed-000"]
    single = kinds["single_source"]
    reported_by_002_only = [d for d in single if d["sides"][0]["documents"] == ["seed-002"]]
    assert any("fundamentals" in d["detail"] for d in reported_by_002_only)
    reported_by_000_only = [d for d in single if d["sides"][0]["documents"] == ["seed-000"]]
    assert reported_by_000_only  # the military side (Africa Corps) is in 000 only
    for d in single:
        assert d["sides"][1]["value"] == "not reported" and d["sides"][1]["documents"]
    assert "date" not in kinds  # "Monday" and "June 23" agree


def test_dyad_people_quotes_sectors_index_sources(picture):
    people = {p["name"]: p for p in picture["people"]}
    assert {"Assimi Goïta", "Vladimir Putin"} <= set(people)
    assert people["Assimi Goïta"]["country"] == "MLI" and people["Assimi Goïta"]["documents"] == 2
    speakers = {q["speaker"] for q in picture["quotes"]}
    assert "Assimi Goïta" in speakers
    assert any("mutual trust" in q["text"] for q in picture["quotes"])
    assert "nuclear energy" in {s["sector"] for s in picture["sectors"]}
    assert [s["document"] for s in picture["sources"]] and {s["document"] for s in picture["sources"]} == {
        "seed-000",
        "seed-002",
    }
    month = next(i for i in picture["index"] if i["month"] == "2025-06")
    assert month["index"] > 0  # a cooperative month
    assert picture["by_month"]["2025-06"]["CONSULT"] >= 1


def test_agreements_filters(db):
    assert len(run_json("agreements", "--party", "MLI", "--db", db)) == 3
    assert len(run_json("agreements", "--party", "MLI", "--party", "RUS", "--status", "signed", "--db", db)) == 3
    assert run_json("agreements", "--party", "FRA", "--db", db) == []
    nuclear = run_json("agreements", "--sector", "nuclear energy", "--db", db)
    assert [len(a["reported_by"]) for a in nuclear] == [2]
    assert run_json("agreements", "--status", "negotiating", "--db", db) == []


def test_events_actors_search(db):
    consult = run_json("events", "--type", "consult", "--between", "RUS", "MLI", "--db", db)
    assert consult and all(e["type"] == "CONSULT" for e in consult)
    assert all({e["source"]["code"], e["target"]["code"]} == {"RUS", "MLI"} for e in consult)
    assert all(e["evidence"] for e in consult)
    assert run_json("events", "--since", "2030-01-01", "--db", db) == []
    mali = run_json("actors", "--country", "MLI", "--db", db)
    goita = next(a for a in mali if a["name"] == "Assimi Goïta")
    assert goita["documents"] == 2 and goita["kind"] == "person"
    assert len(goita["names"]) > 2
    hits = run_json("search", "Goita", "--db", db)
    assert {h["document"] for h in hits} == {"seed-000", "seed-002"}
    assert run_json("search", "Africa Corps", "--db", db)[0]["document"] == "seed-000"


def test_show_with_provenance(db, picture):
    visit = next(c for c in picture["clusters"] if c["label"] == LABEL)
    cluster = run_json("show", "cluster", str(visit["id"]), "--db", db)["cluster"]
    assert cluster["members"] and all(m["evidence"] for m in cluster["members"])
    assert all("sentence_text" in e for m in cluster["members"] for e in m["evidence"])
    by_key = run_json("show", "cluster", visit["key"], "--db", db)["cluster"]
    assert by_key["id"] == visit["id"]
    nuclear = next(a for a in picture["agreements"] if "nuclear" in a["title"].lower())
    shown = run_json("show", "agreement", str(nuclear["id"]), "--db", db)["agreement"]
    assert {m["document"] for m in shown["mentions"]} == {"seed-000", "seed-002"}
    assert all(e["sentence_text"] and e["text"] in e["sentence_text"] for e in shown["evidence"])
    event = run_json("show", "event", str(cluster["members"][0]["id"]), "--db", db)["event"]
    assert event["evidence"][0]["document"] in ("seed-000", "seed-002")
    doc = run_json("show", "document", "seed-002", "--db", db)["document"]
    assert doc["text"].startswith("On June 23") and doc["sentences"] and doc["agreements"]
    missing = run("show", "agreement", "99999", "--db", db, ok=False)
    assert missing.exit_code == 1 and "no agreement" in missing.stderr


def test_export_formats(db, tmp_path):
    lines = run("export", "--format", "jsonl", "--db", db).stdout.splitlines()
    tables = {json.loads(line)["table"] for line in lines}
    assert tables == {"events", "agreements", "clusters"}
    out = tmp_path / "csv"
    run("export", "--format", "csv", "--output", str(out), "--db", db)
    with (out / "agreements.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    import pyarrow.parquet as pq

    pq_path = tmp_path / "events.parquet"
    run("export", "--format", "parquet", "--table", "events", "--output", str(pq_path), "--db", db)
    table = pq.read_table(pq_path)
    assert table.num_rows > 0 and {"type", "source_code", "target_code", "date", "evidence"} <= set(table.column_names)
    gdelt = list(csv.reader(io.StringIO(run("export", "--format", "gdelt", "--db", db).stdout), delimiter="\t"))
    assert gdelt and all(len(r) == len(GDELT_COLUMNS) == 61 for r in gdelt)
    row = dict(
        zip(GDELT_COLUMNS, next(r for r in gdelt if r[GDELT_COLUMNS.index("EventRootCode")] == "04"), strict=True)
    )
    assert row["SQLDATE"] == "20250623" and {row["Actor1Code"], row["Actor2Code"]} == {"RUS", "MLI"}
    assert row["NumSources"] == "2" and row["QuadClass"] == "1"
    polecat = list(csv.reader(io.StringIO(run("export", "--format", "polecat", "--db", db).stdout), delimiter="\t"))
    assert polecat[0] == POLECAT_COLUMNS and len(polecat) == len(gdelt) + 1
    assert run("export", "--format", "parquet", "--db", db, ok=False).exit_code == 2


def test_db_defaults_to_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORDS_DB", str(tmp_path / "env.db"))
    run("ingest", str(shared_path("seeds", "seeds.jsonl")), "--quiet")
    assert (tmp_path / "env.db").exists()
    assert len(run_json("agreements")) == 3
    monkeypatch.delenv("ACCORDS_DB")
    monkeypatch.chdir(tmp_path)
    run("actors")
    assert (tmp_path / "accords.db").exists()
