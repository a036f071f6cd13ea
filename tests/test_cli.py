"""The command line as a user runs it: resolve, extract, eval, and how they report bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from .conftest import shared_path

ACCORDS = [sys.executable, "-m", "accords"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ACCORDS, *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_resolve_one_mention() -> None:
    out = run("resolve", "Mali's junta leader", "--date", "2025-06-23")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["code"], result["country"], result["sector"], result["canonical"]) == (
        "MLI",
        "MLI",
        "GOV",
        "Assimi Goïta",
    )


def test_resolve_input_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    requests = tmp_path / "in.jsonl"
    requests.write_text(
        '{"text": "the Kremlin"}\n'
        "not json\n"
        '{"text": "President of Mali", "date": "2012-01-01"}\n'
        '{"text": "Turkey", "context": "We roasted a turkey for Thanksgiving."}\n',
        encoding="utf-8",
    )
    out = run("resolve", "--input", str(requests))
    assert out.returncode == 1  # some lines failed
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["country"] == "RUS"
    assert "error" in lines[1] and lines[1]["line"] == 2
    assert lines[2]["canonical"] == "Amadou Toumani Touré"
    assert lines[3]["country"] == ""
    assert f"{requests}:2" in out.stderr


def test_extract_reports_bad_items_and_goes_on(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"id": "a", "text": "Japan and South Korea signed an intelligence-sharing pact."}\n'
        '{"id": "b"}\n'
        '{"id": "c", "text": "Germany urged Iran to return to the negotiating table."}\n',
        encoding="utf-8",
    )
    out = run("extract", str(batch))
    assert out.returncode == 1
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "c"]
    assert {(e["source"]["code"], e["type"], e["target"]["code"]) for e in records[1]["events"]} == {
        ("DEU", "REQUEST", "IRN")
    }
    assert f"{batch}:2" in out.stderr and "missing 'text'" in out.stderr


def test_extract_output_contract_on_the_seeds() -> None:
    out = run("extract", str(shared_path("seeds", "seeds.jsonl")))
    assert out.returncode == 0, out.stderr
    records = {r["id"]: r for r in map(json.loads, out.stdout.splitlines())}
    seed = records["seed-002"]
    assert set(seed) >= {"id", "published", "actors", "events", "agreements", "projects", "quotes", "errors"}
    event = seed["events"][0]
    assert set(event) >= {"type", "cameo", "source", "target", "date", "date_source", "confidence", "evidence"}
    assert set(event["source"]) >= {"code", "name", "sector"}
    for ev in event["evidence"]:
        assert ev["text"] and ev["end"] > ev["start"]
    titles = {a["title"] for a in seed["agreements"]}
    assert "Agreement on cooperation in the peaceful use of nuclear energy" in titles
    commission = [a for a in seed["agreements"] if a["creates"]]
    assert commission and commission[0]["creates"].startswith("Intergovernmental Russia–Mali Commission")
    assert all(a["date"] == "2025-06-23" and a["parties"] == ["MLI", "RUS"] for a in seed["agreements"])
    plant = [p for p in records["seed-000"]["projects"] if "nuclear power plant" in p["name"]]
    assert plant and plant[0]["stage"] == "discussed"
    speakers = {(q["speaker"]["name"], q["text"][:20]) for r in records.values() for q in r["quotes"]}
    assert ("Andrei Belousov", "This approach is the") in speakers
    assert ("Vladimir Putin", "modest") in speakers


def test_eval_matches_the_shared_scorer(tmp_path: Path) -> None:
    gold = shared_path("eval", "dev.jsonl")
    scorer = shared_path("tools", "score.py")
    ours = run("eval", str(gold), "--json")
    assert ours.returncode == 0, ours.stderr
    figures = json.loads(ours.stdout)
    predicted = tmp_path / "pred.jsonl"
    predicted.write_text(run("extract", str(gold)).stdout, encoding="utf-8")
    theirs = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(predicted), "--json"], capture_output=True, text=True, check=True
    )
    reference = json.loads(theirs.stdout)
    for name in ("events", "dyads", "agreements"):
        assert {k: figures[name][k] for k in ("tp", "fp", "fn")} == {k: reference[name][k] for k in ("tp", "fp", "fn")}
    assert figures["by_type"] and figures["confidence_curve"][0]["threshold"] == 0.0


def test_extract_formats() -> None:
    seeds = str(shared_path("seeds", "seeds.jsonl"))
    as_json = json.loads(run("extract", seeds, "--format", "json").stdout)
    assert [r["id"] for r in as_json] == ["seed-000", "seed-002"]
    rows = list(csv.DictReader(io.StringIO(run("extract", seeds, "--format", "csv").stdout)))
    assert len(rows) == sum(len(r["events"]) for r in as_json)
    first = rows[0]
    assert first["id"] == "seed-000" and first["type"] and first["source_code"] and first["evidence"]
    assert run("extract", seeds, "--format", "xml").returncode == 2
