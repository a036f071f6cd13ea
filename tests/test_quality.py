"""Extraction quality on annotated news, as floors that catch regressions.

The gold: the shared dev items and seed articles (../shared), the project's own 120 written
items (tests/gold/sentences.jsonl), and labels for 25 Guardian articles kept by row number
(tests/gold/guardian.jsonl), whose text is read from ../shared at test time.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from accords.evaluate import score
from accords.model import Document
from accords.output import analysis_record
from accords.pipeline import Pipeline
from accords.readers import parse_date, read_inputs

from .conftest import shared_path

GOLD = Path(__file__).parent / "gold"


def predict(pipeline: Pipeline, docs) -> dict[str, dict]:
    return {d.id: analysis_record(pipeline.analyze(d)) for d in docs if isinstance(d, Document)}


def jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def guardian_items() -> list[dict]:
    with shared_path("corpora", "guardian_sdf_sample.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for label in jsonl(GOLD / "guardian.jsonl"):
        row = rows[label["row"] - 1]
        items.append({**label, "id": f"guardian-{label['row']}", "text": row["text"], "published": row["date"]})
    return items


def test_seeds_are_read_completely(pipeline: Pipeline) -> None:
    gold = shared_path("seeds", "seeds.gold.jsonl")
    report = score(jsonl(gold), predict(pipeline, read_inputs([str(shared_path("seeds", "seeds.jsonl"))])))
    assert report.events.f1 == 1.0
    assert report.agreements.f1 == 1.0


def test_dev_items(pipeline: Pipeline) -> None:
    gold = shared_path("eval", "dev.jsonl")
    report = score(jsonl(gold), predict(pipeline, read_inputs([str(gold)])))
    assert report.events.precision >= 0.9 and report.events.f1 >= 0.8, report.events.as_dict()
    assert report.agreements.f1 >= 0.8, report.agreements.as_dict()


def test_written_sentences(pipeline: Pipeline) -> None:
    gold = GOLD / "sentences.jsonl"
    report = score(jsonl(gold), predict(pipeline, read_inputs([str(gold)])))
    assert report.events.precision >= 0.85 and report.events.f1 >= 0.68, report.events.as_dict()
    assert report.agreements.f1 >= 0.75, report.agreements.as_dict()


def test_guardian_articles(pipeline: Pipeline) -> None:
    items = guardian_items()
    docs = [Document(id=i["id"], text=i["text"], published=parse_date(i["published"])) for i in items]
    report = score(items, predict(pipeline, docs))
    assert report.dyads.precision >= 0.8, report.dyads.as_dict()
    assert report.events.f1 >= 0.38, report.events.as_dict()


@pytest.mark.parametrize("threshold", [0.7, 0.8])
def test_confidence_means_something(pipeline: Pipeline, threshold: float) -> None:
    """Keeping only confident events raises precision over all the gold."""
    gold = jsonl(GOLD / "sentences.jsonl") + jsonl(shared_path("eval", "dev.jsonl"))
    docs = [Document(id=g["id"], text=g["text"], published=parse_date(g.get("published"))) for g in gold]
    predicted = predict(pipeline, docs)
    everything = score(gold, predicted).events.precision
    confident = {
        k: {**r, "events": [e for e in r["events"] if e["confidence"] >= threshold]} for k, r in predicted.items()
    }
    assert score(gold, confident).events.precision > everything
