"""The Spark runner writes exactly the records ``accords extract`` prints (local[2], one session per module)."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from accords.model import DocumentError
from accords.parallel import extract_records
from accords.readers import ReaderOptions, make_document, read_inputs

from .conftest import shared_path

pytest.importorskip("pyspark", reason="the spark extra is not installed")
pytest.importorskip("pyarrow", reason="the spark extra is not installed")
pytest.importorskip("pandas", reason="the spark extra is not installed")

from accords import spark as accords_spark
from accords.spark import (
    SparkUnavailable,
    detect_format,
    extract_dataframe,
    read_parquet_records,
    row_to_record,
    run,
)


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (scripts/system-deps.sh installs one)")
    session = accords_spark.spark_session(
        "local[2]",
        {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _records(items) -> list[dict]:
    return [r for r in extract_records(items, jobs=1) if not isinstance(r, DocumentError)]


def _by_id(records) -> list[dict]:
    return sorted(records, key=lambda r: r["id"])


def test_dev_jsonl_equals_extract(spark, tmp_path: Path) -> None:
    dev = shared_path("eval", "dev.jsonl")
    out = tmp_path / "out"
    summary = run(str(dev), str(out), spark=spark)
    assert summary["documents"] == 60 and summary["errors"] == 0
    got = list(read_parquet_records(out))
    assert got == _records(read_inputs([str(dev)]))
    assert not (out / "_errors").exists()


def test_parquet_input_equals_pipeline(spark, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dev = [json.loads(line) for line in shared_path("eval", "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [
        {
            "article_id": f"p{n}",
            "headline": "Talks" if n % 5 == 0 else None,
            "body": item["text"],
            "published": date(2010, 1, 1 + n % 28),
            "outlet": "dev",
        }
        for n, item in enumerate(dev[:30])
    ]
    rows.insert(7, {"article_id": "empty", "headline": None, "body": None, "published": None, "outlet": "dev"})
    table = pa.Table.from_pylist(rows)
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(table.slice(0, 15), src / "part-0.parquet")
    pq.write_table(table.slice(15), src / "part-1.parquet")

    out = tmp_path / "out"
    summary = run(str(src), str(out), spark=spark, text_column="body", id_column="article_id")
    assert summary["documents"] == 30 and summary["errors"] == 1
    assert "missing 'text' field" in summary["error_messages"][0]
    assert "empty" in summary["error_messages"][0]

    options = ReaderOptions().with_columns({"text": "body", "id": "article_id"})
    items = [make_document(row, "in", "x", options) for row in rows]
    # Spark reads the bigger file first: same records, in Spark's order
    assert _by_id(read_parquet_records(out)) == _by_id(_records(items))
    errors = list(read_parquet_records_errors(out))
    assert errors == [{"doc_id": "empty", "message": "missing 'text' field"}]

    # repartitioned input: the same records, in another order
    out2 = tmp_path / "out2"
    run(str(src), str(out2), spark=spark, text_column="body", id_column="article_id", partitions=3)
    assert _by_id(read_parquet_records(out2)) == _by_id(_records(items))


def read_parquet_records_errors(path: Path):
    import pyarrow.parquet as pq

    for row in pq.read_table(path / "_errors").to_pylist():
        yield {"doc_id": row["doc_id"], "message": row["message"]}


def test_bad_jsonl_items_are_reported_not_written(spark, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "France and Germany signed a defence agreement.", "published": "2020-05-01"}),
        "{broken",
        "",
        json.dumps({"id": "b", "title": "Sanctions", "text": "Russia condemned the United States."}),
        json.dumps({"id": "c", "text": "Iran warned Israel.", "published": "someday"}),
        json.dumps({"text": "China and India held border talks."}),
    ]
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run(str(src), str(out), spark=spark)
    assert summary["documents"] == 3 and summary["errors"] == 2
    messages = " | ".join(summary["error_messages"])
    assert "invalid JSON" in messages and "unreadable date" in messages

    got = list(read_parquet_records(out))
    expected = _records(read_inputs([str(src)]))
    assert [r["id"] for r in expected] == ["a", "b", "mixed-6"]
    assert got[2]["id"].startswith("mixed-") and len(got[2]["id"]) == len("mixed-") + 12  # content hash, no line
    got[2]["id"] = expected[2]["id"]
    assert got == expected


def test_extract_dataframe_in_a_user_job(spark, pipeline) -> None:
    from accords.output import analysis_record

    texts = [
        "France and Germany signed a defence agreement in Paris.",
        "Russia condemned the United States over new sanctions.",
    ]
    df = spark.createDataFrame(
        [(str(n), t, "2021-03-04") for n, t in enumerate(texts)], "id string, story string, day string"
    )
    out = extract_dataframe(df, date_column="day")
    assert out.columns == list(accords_spark.OUTPUT_COLUMNS)
    got = [row_to_record(r.asDict()) for r in out.orderBy("id").collect()]
    options = ReaderOptions().with_columns({"published": "day"})
    docs = [
        make_document({"id": str(n), "story": t, "day": "2021-03-04"}, "x", "x", options) for n, t in enumerate(texts)
    ]
    assert got == [analysis_record(pipeline.analyze(d)) for d in docs]


def test_cli_spark_extract(spark, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import accords.spark_cli  # noqa: F401  (registers the command)
    from accords.cli import app

    src = tmp_path / "docs.jsonl"
    src.write_text(
        json.dumps({"id": "1", "text": "Japan and South Korea agreed to resume talks."}) + "\n{bad\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["spark-extract", str(src), str(out), "--master", "local[2]", "--json"])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["documents"] == 1 and summary["errors"] == 1
    assert list(read_parquet_records(out)) == _records(read_inputs([str(src)]))
    assert spark.sparkContext._jsc is not None  # the running session was left alone


def test_detect_format(tmp_path: Path) -> None:
    assert detect_format("s3a://b/news.jsonl.gz") == "jsonl"
    assert detect_format("hdfs:///x/part.parquet") == "parquet"
    assert detect_format("/data/a.tsv") == "csv"
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "_SUCCESS").write_text("")
    (folder / "part-0.snappy.parquet").write_bytes(b"")
    assert detect_format(str(folder)) == "parquet"
    with pytest.raises(ValueError, match="--format"):
        detect_format(str(tmp_path / "nothing"))


def test_missing_pyspark_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(SparkUnavailable, match=r"accords\[spark\]"):
        accords_spark.spark_session("local[1]")


def test_cli_without_pyspark_names_the_extra(monkeypatch) -> None:
    from typer.testing import CliRunner

    import accords.spark_cli  # noqa: F401  (registers the command)
    from accords.cli import app

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = CliRunner().invoke(app, ["spark-extract", "in.jsonl", "out"])
    assert result.exit_code == 2
    assert "pip install 'accords[spark]'" in " ".join(result.output.split())
