"""Parallel extraction gives exactly the sequential output, in input order, errors included."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from accords.knowledge import KnowledgeError
from accords.model import Analysis, Document, DocumentError
from accords.output import analysis_record
from accords.parallel import analyze_many, extract_json_lines, extract_records
from accords.readers import read_inputs

from .conftest import shared_path


def _key(item: object) -> object:
    """A comparable form of one result: the record, or the error's fields."""
    if isinstance(item, DocumentError):
        return ("error", item.origin, item.message, item.doc_id)
    if isinstance(item, Analysis):
        return analysis_record(item)
    return item


@pytest.fixture(scope="module")
def dev_items() -> list:
    return list(read_inputs([str(shared_path("eval", "dev.jsonl"))]))


@pytest.fixture
def mixed_input(tmp_path: Path) -> list[str]:
    good = [
        {"id": "a", "text": "France and Germany signed a defence agreement in Paris.", "published": "2020-01-02"},
        {"id": "b", "text": "Russia condemned the United States over sanctions."},
        {"id": "c", "title": "Talks", "text": "China and India held talks on the border dispute."},
    ]
    lines = [
        json.dumps(good[0]),
        "{not json",
        json.dumps(good[1]),
        json.dumps({"id": "no-text"}),
        "",
        json.dumps({"id": "bad-date", "text": "Iran warned Israel.", "published": "sometime"}),
        json.dumps(good[2]),
        "[1, 2]",
    ]
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(jsonl), str(tmp_path / "missing.jsonl"), str(jsonl)]


def test_dev_jobs2_equals_jobs1(dev_items: list) -> None:
    one = list(extract_records(dev_items, jobs=1))
    two = list(extract_records(dev_items, jobs=2, chunk_size=7, min_parallel=0))
    assert len(one) == len(dev_items) == 60
    assert two == one
    assert [r["id"] for r in two] == [d.id for d in dev_items]


def test_dev_analyses_match_records(dev_items: list, pipeline) -> None:
    analyses = list(analyze_many(iter(dev_items), jobs=2, chunk_size=16, min_parallel=0))
    assert all(isinstance(a, Analysis) for a in analyses)
    assert [analysis_record(a) for a in analyses] == [analysis_record(pipeline.analyze(d)) for d in dev_items]
    # what a single writer gets is the full analysis, sentences and mentions included
    assert [len(a.sentences) for a in analyses] == [len(pipeline.analyze(d).sentences) for d in dev_items]


def test_json_lines_are_the_records(dev_items: list) -> None:
    lines = list(extract_json_lines(dev_items[:20], jobs=2, chunk_size=4, min_parallel=0))
    records = list(extract_records(dev_items[:20], jobs=1))
    assert [json.loads(line) for line in lines] == records
    assert lines == [json.dumps(r, ensure_ascii=False) for r in records]


def test_mixed_input_order_and_errors(mixed_input: list[str]) -> None:
    items = list(read_inputs(mixed_input))
    expected = [_key(x) for x in extract_records(items, jobs=1)]
    for chunk_size in (1, 2, 3, 64):
        got = [
            _key(x) for x in extract_records(read_inputs(mixed_input), jobs=2, chunk_size=chunk_size, min_parallel=0)
        ]
        assert got == expected, chunk_size
    got = [_key(x) for x in analyze_many(read_inputs(mixed_input), jobs=2, chunk_size=2, min_parallel=0)]
    assert got == expected
    kinds = ["doc" if isinstance(x, dict) else x[2] for x in expected]
    first = [
        "doc",
        kinds[1],  # invalid JSON
        "doc",
        "missing 'text' field",
        kinds[4],  # bad date
        "doc",
        kinds[6],  # not an object
    ]
    assert kinds[:7] == first
    assert kinds[7] == "no such file or directory"
    assert kinds[8:] == first
    assert kinds[1].startswith("invalid JSON") and "date" in kinds[4] and "expected a JSON object" in kinds[6]
    assert [x["id"] for x in expected if isinstance(x, dict)] == ["a", "b", "c"] * 2


def test_failing_document_becomes_an_error_in_place() -> None:
    docs = [
        Document(id="ok1", text="France and Germany signed a treaty."),
        Document(id="broken", text=None, origin="x.jsonl:2"),  # type: ignore[arg-type]
        Document(id="ok2", text="Russia warned Ukraine."),
    ]
    for jobs in (1, 2):
        out = list(extract_records(docs, jobs=jobs, chunk_size=2, min_parallel=0))
        assert [type(x) for x in out] == [dict, DocumentError, dict]
        assert out[1].doc_id == "broken" and out[1].origin == "x.jsonl:2"
        assert out[1].message.startswith("extraction failed")


def test_input_is_streamed_with_bounded_read_ahead() -> None:
    pulled = 0

    def endless():
        nonlocal pulled
        n = 0
        while True:
            n += 1
            pulled += 1
            yield Document(id=str(n), text=f"Talks {n}: France and Germany agreed to cooperate.")

    gen = extract_records(endless(), jobs=2, chunk_size=4, max_chunks=3)
    first = [next(gen)["id"] for _ in range(10)]
    assert first == [str(n) for n in range(1, 11)]
    # read-ahead is bounded: the 3 chunks yielded from plus at most max_chunks chunks in flight
    assert pulled <= 4 * (3 + 3)
    gen.close()  # stopping early shuts the pool down without draining the input


def test_errors_only_and_empty_inputs() -> None:
    errors = [DocumentError(f"f:{n}", "bad") for n in range(5)]
    assert list(extract_records(errors, jobs=2, chunk_size=2, min_parallel=0)) == errors
    assert list(analyze_many([], jobs=2, min_parallel=0)) == []


def test_bad_dictionary_is_raised() -> None:
    docs = [Document(id="1", text="France and Germany signed a treaty.")]
    for jobs in (1, 2):
        with pytest.raises(KnowledgeError):
            list(extract_records(docs, jobs=jobs, dictionaries=["/nonexistent/extra.tsv"], min_parallel=0))


def test_analysis_pickles(dev_items: list, pipeline) -> None:
    analysis = pipeline.analyze(dev_items[1])
    copy = pickle.loads(pickle.dumps(analysis))
    assert analysis_record(copy) == analysis_record(analysis)
    assert copy.document == analysis.document


def test_small_input_runs_in_process(dev_items: list, monkeypatch) -> None:
    import accords.parallel as parallel

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a small input")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    small = list(extract_records(dev_items[:10], jobs=2))  # fewer than chunk_size * jobs documents
    assert small == list(extract_records(dev_items[:10], jobs=1))
    with pytest.raises(AssertionError, match="pool was started"):
        list(extract_records(dev_items, jobs=2, chunk_size=8))
