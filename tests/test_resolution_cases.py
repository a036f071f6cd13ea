"""Resolution cases across regions, periods, spellings and role phrases (tests/cases/resolve-*.tsv).

Columns: text, date, context, code, country, sector, canonical. ``code`` and
``country`` are always checked (empty means "not a coded actor" / "no
country"); ``sector`` and ``canonical`` only when given.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from accords.pipeline import Pipeline

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list:
    cases = []
    for path in sorted(CASES_DIR.glob("resolve-*.tsv")):
        with path.open(encoding="utf-8") as fh:
            rows = [line for line in fh if line.strip() and not line.startswith("#")]
        for n, row in enumerate(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
            cases.append(pytest.param(row, id=f"{path.stem}:{n}:{row['text']}"))
    return cases


CASES = load_cases()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 200
    negative = [c for c in CASES if not c.values[0]["code"] and not c.values[0]["country"]]
    assert len(negative) >= 20


@pytest.mark.parametrize("case", CASES)
def test_resolve(pipeline: Pipeline, case: dict) -> None:
    day = date.fromisoformat(case["date"]) if case["date"] else None
    got = pipeline.resolve_phrase(case["text"], day, case["context"] or "")
    expected = {"code": case["code"], "country": case["country"]}
    actual = {"code": got["code"], "country": got["country"]}
    if case["sector"]:
        expected["sector"], actual["sector"] = case["sector"], got["sector"]
    if case["canonical"]:
        expected["canonical"], actual["canonical"] = case["canonical"], got["canonical"]
    assert actual == expected, got


def load_places() -> list:
    path = CASES_DIR / "places.tsv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [pytest.param(row, id=f"places:{row['text']}") for row in csv.DictReader(rows, delimiter="\t")]


@pytest.mark.parametrize("case", load_places())
def test_places_locate_their_state(pipeline: Pipeline, case: dict) -> None:
    """Cities and regions are not actors (territories with their own code are), but they say which state an
    event happens in."""
    got = pipeline.resolve_phrase(case["text"])
    assert got["country"] == case["country"], got
    assert got["kind"] in ("place", "state", "territory"), got
