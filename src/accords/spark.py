"""Run accords extraction on Apache Spark.

Needs the ``spark`` extra (``pip install 'accords[spark]'``: PySpark, pandas and
PyArrow) on the driver *and* on every executor, with accords itself installed
there too. PySpark is imported only inside the functions that need it, so the
base install works without it.

Two ways in:

* From the command line or Python, :func:`run` reads JSONL, Parquet or CSV from
  any path Spark reads (local, ``hdfs://``, ``s3a://``, ...) and writes Parquet::

      accords spark-extract news.jsonl out/ --master 'local[4]'
      accords spark-extract s3a://bucket/news/ s3a://bucket/accords/ --format parquet --text-column body

* From your own PySpark job, :func:`extract_dataframe` maps a DataFrame of
  documents (columns as in ``accords extract``: ``id``, ``text``, ``title``,
  ``published``, ``source``, ``url``, or the names you pass) to a DataFrame of
  output rows::

      from accords.spark import extract_dataframe
      docs = spark.read.parquet("s3a://bucket/news/")
      out = extract_dataframe(docs, text_column="body", id_column="article_id")
      out.write.parquet("s3a://bucket/accords/")

  It is ``DataFrame.mapInArrow`` over :func:`analyze_batches`, which runs the
  same pure per-document function as ``accords extract`` and the parallel
  runner (:func:`accords.parallel.document_record`). The pipeline is built once
  per Python worker process (Spark reuses its Python workers across tasks), not
  per row. With ``rdd.mapPartitions``, use :func:`output_rows` instead.

Output (one row per document; the shape of ``accords extract`` records):
``id``, ``published`` (ISO date or null), ``title``, ``source``, ``url`` are
strings; ``actors``, ``events``, ``agreements``, ``projects``, ``quotes`` and
``errors`` are JSON-encoded arrays (strings) holding exactly the lists of the
JSON record, so the contract can grow without a Parquet schema change. Query
them in Spark SQL with ``from_json``/``get_json_object``, e.g.
``explode(from_json(events, 'array<struct<type:string,cameo:string>>'))``.
:func:`read_parquet_records` turns the files back into the records
``accords extract`` prints (it needs only PyArrow, not Spark), for
``accords ingest`` to load.

Row order: one JSONL file is written in its line order; a folder of several
files (or a repartitioned input) in Spark's order, which may differ from the
order of the input files.

Input items that are not documents (invalid JSON, no text, an unreadable date)
are left out of the output, like ``accords extract`` leaves them out of its
output; :func:`run` reports them and writes them to ``OUTPUT/_errors/``
(``origin``, ``doc_id``, ``message``), which Parquet readers skip as a hidden
folder. A document without an id gets ``<file stem>-<first 12 hex digits of
the SHA-1 of its text>``: Spark has no line numbers, so unlike ``accords
extract`` (``<stem>-<line>``) the id does not depend on its position.

Local masters: the Python workers are started with the interpreter running
the driver (``PYSPARK_PYTHON`` is set to it unless already set). On a cluster,
set ``PYSPARK_PYTHON`` to a Python where accords is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .model import DocumentError
from .parallel import document_record, get_pipeline
from .readers import ReaderOptions, make_document

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

EXTRA_HINT = "pip install 'accords[spark]'"

SCALAR_COLUMNS = ("id", "published", "title", "source", "url")
LIST_COLUMNS = ("actors", "events", "agreements", "projects", "quotes", "errors")
OUTPUT_COLUMNS = SCALAR_COLUMNS + LIST_COLUMNS
OUTPUT_DDL = ", ".join(f"{name} string" for name in OUTPUT_COLUMNS)
"""The output schema as a Spark DDL string: every column is a string (lists are JSON)."""

ORIGIN, ERROR = "_origin", "_error"
"""Extra columns of :func:`analyze_batches`' rows: where a row came from, and why it is not a document."""
ROW_DDL = f"{OUTPUT_DDL}, {ORIGIN} string, {ERROR} string"
_SOURCE = "__accords_source"  # the input file of a row, added by run()
JSON_LINE = "value"  # the column spark.read.text gives: one JSONL line per row

FORMATS = ("jsonl", "parquet", "csv")
_SUFFIX_FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
}
_OUTPUT_BATCH = 512  # rows per Arrow batch handed back to Spark


class SparkUnavailable(ImportError):
    """PySpark (or PyArrow) is not installed."""


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SparkUnavailable(
            f"{module.split('.')[0]} is not installed: the Spark runner needs the 'spark' extra ({EXTRA_HINT})"
        ) from exc


# --- rows <-> records ------------------------------------------------------------------------------


def record_to_row(record: Mapping) -> dict:
    """An ``accords extract`` record as an output row: scalars as they are, lists as JSON strings."""
    row = {name: record.get(name) for name in SCALAR_COLUMNS}
    for name in LIST_COLUMNS:
        row[name] = json.dumps(record.get(name) or [], ensure_ascii=False)
    return row


def row_to_record(row: Mapping) -> dict:
    """The inverse of :func:`record_to_row`: the record ``accords extract`` prints for that document."""
    record = {name: row.get(name) for name in SCALAR_COLUMNS}
    record["title"] = record["title"] or ""
    record["source"] = record["source"] or ""
    record["url"] = record["url"] or ""
    for name in LIST_COLUMNS:
        value = row.get(name)
        record[name] = json.loads(value) if value else []
    return record


def _error_row(error: DocumentError) -> dict:
    row: dict = dict.fromkeys(OUTPUT_COLUMNS)
    row["id"] = error.doc_id or None
    row[ORIGIN] = error.origin
    row[ERROR] = error.message
    return row


# --- the per-partition functions ------------------------------------------------------------------


def _fallback_id(source: str, text: object) -> str:
    stem = PurePosixPath(source).stem if source else "row"
    digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:12]
    return f"{stem}-{digest}"


def _item(row: Mapping, kind: str, options: ReaderOptions, source_column: str | None) -> Any:
    """The Document (or DocumentError) for one input row, read exactly as ``accords extract`` reads it."""
    source = str(row.get(source_column) or "") if source_column else ""
    if kind == "jsonl":
        line = row.get(JSON_LINE) or ""
        origin = source or "<jsonl>"
        if not line.strip():
            return None  # blank lines are skipped, as in accords extract
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return DocumentError(origin, f"invalid JSON: {exc.msg} (column {exc.colno}) in line {line[:60]!r}")
        if not isinstance(record, dict):
            return DocumentError(origin, f"expected a JSON object, got {type(record).__name__}")
    else:
        record = dict(row)
        origin = source or "<dataframe>"
    text = next((record[c] for c in options.fields["text"] if record.get(c) not in (None, "")), "")
    return make_document(record, origin, _fallback_id(source, text), options)


def output_rows(
    rows: Iterable[Mapping],
    options: ReaderOptions | None = None,
    dictionaries: Sequence[str] = (),
    kind: str = "rows",
    source_column: str | None = None,
) -> Iterator[dict]:
    """Map input rows (dicts) to output rows: for ``rdd.mapPartitions`` or any other partition-wise runner.

    ``kind`` is ``"rows"`` (one document per row, columns named as in
    :class:`~accords.readers.ReaderOptions`) or ``"jsonl"`` (a ``value``
    column holding one JSONL line). The pipeline is built once per process.
    Each output row has the :data:`OUTPUT_COLUMNS` plus ``_origin`` and
    ``_error`` (set, and the others null, for an input item that is not a
    document).
    """
    options = options or ReaderOptions()
    pipeline = get_pipeline(dictionaries)
    for row in rows:
        item = _item(row, kind, options, source_column)
        if item is None:
            continue
        result = item if isinstance(item, DocumentError) else document_record(pipeline, item)
        if isinstance(result, DocumentError):
            yield _error_row(result)
        else:
            out = record_to_row(result)
            out[ORIGIN] = item.origin
            out[ERROR] = None
            yield out


def analyze_batches(
    batches: Iterable[pa.RecordBatch],
    options: ReaderOptions | None = None,
    dictionaries: Sequence[str] = (),
    kind: str = "rows",
    source_column: str | None = None,
) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: Arrow batches of input rows to batches of output rows (:data:`ROW_DDL`)."""
    import pyarrow as pa

    schema = pa.schema([(name, pa.string()) for name in (*OUTPUT_COLUMNS, ORIGIN, ERROR)])
    out: list[dict] = []
    for batch in batches:
        for row in output_rows(batch.to_pylist(), options, dictionaries, kind, source_column):
            out.append(row)
            if len(out) >= _OUTPUT_BATCH:
                yield pa.RecordBatch.from_pylist(out, schema=schema)
                out = []
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def extract_dataframe(
    df: DataFrame,
    text_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
    dictionaries: Sequence[str | Path] = (),
    keep_errors: bool = False,
    _kind: str = "rows",
    _source_column: str | None = None,
) -> DataFrame:
    """Extract from a DataFrame of documents; one output row per document (see the module docs).

    The column options are those of ``accords extract``. With ``keep_errors``
    the rows of input items that are not documents are kept, and every row has
    two more columns: ``_origin`` and ``_error`` (null for documents).
    ``dictionaries`` must be paths every executor can read.
    """
    _require("pyspark.sql")
    options = _reader_options(text_column, id_column, date_column)
    if _kind == "rows":
        wanted = {name for names in options.fields.values() for name in names}
        if _source_column:
            wanted.add(_source_column)
        df = df.select(*[c for c in df.columns if c in wanted])
        if not any(c in df.columns for c in options.fields["text"]):
            raise ValueError(
                f"no text column: looked for {', '.join(options.fields['text'])}; use text_column (--text-column)"
            )
    fn = partial(
        analyze_batches,
        options=options,
        dictionaries=tuple(str(d) for d in dictionaries),
        kind=_kind,
        source_column=_source_column,
    )
    out = df.mapInArrow(fn, ROW_DDL)
    if keep_errors:
        return out
    return out.filter(out[ERROR].isNull()).select(*OUTPUT_COLUMNS)


def _reader_options(text_column: str | None, id_column: str | None, date_column: str | None) -> ReaderOptions:
    columns = {k: v for k, v in (("text", text_column), ("id", id_column), ("published", date_column)) if v}
    return ReaderOptions().with_columns(columns)


# --- sessions, reading, writing -----------------------------------------------------------------


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession for accords jobs (the active one if there is one and no master is asked for)."""
    sql = _require("pyspark.sql")
    _require("pyarrow")
    _require("pandas")
    if master is None or master.startswith("local"):
        # local Python workers: the interpreter that runs the driver, where accords is installed
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = sql.SparkSession.builder.appName("accords")
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _active_session() -> SparkSession | None:
    return _require("pyspark.sql").SparkSession.getActiveSession()


def detect_format(path: str) -> str:
    """``jsonl``, ``parquet`` or ``csv`` from the path's suffix (or, for a local folder, its files')."""
    name = path.rstrip("/").lower()
    for compressed in (".gz", ".bz2", ".zst", ".snappy"):
        name = name.removesuffix(compressed)
    for suffix, fmt in _SUFFIX_FORMATS.items():
        if name.endswith(suffix):
            return fmt
    local = Path(path.removeprefix("file://"))
    if local.is_dir():
        for file in sorted(local.rglob("*")):
            if file.is_file() and not file.name.startswith(("_", ".")):
                try:
                    return detect_format(str(file))
                except ValueError:
                    continue
    raise ValueError(f"cannot tell the format of {path!r}: pass input_format (--format) jsonl, parquet or csv")


def read_documents(spark: SparkSession, input_path: str, input_format: str | None = None) -> tuple[DataFrame, str]:
    """The input as a DataFrame, with the file of each row in a column; and the row kind for :func:`output_rows`."""
    fmt = input_format or detect_format(input_path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "jsonl":
        df, kind = spark.read.text(input_path), "jsonl"
    elif fmt == "parquet":
        df, kind = spark.read.parquet(input_path), "rows"
    else:
        sep = "\t" if input_path.rstrip("/").lower().endswith(".tsv") else ","
        reader = spark.read.option("header", True).option("multiLine", True).option("escape", '"')
        df, kind = reader.option("sep", sep).csv(input_path), "rows"
    return df.withColumn(_SOURCE, df["_metadata.file_path"]), kind


def run(
    input_path: str,
    output_path: str,
    master: str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
    input_format: str | None = None,
    dictionaries: Sequence[str | Path] = (),
    partitions: int | None = None,
    conf: Mapping[str, str] | None = None,
    spark: SparkSession | None = None,
    max_error_messages: int = 20,
) -> dict:
    """Extract every document of ``input_path`` on Spark and write the output rows as Parquet to ``output_path``.

    Overwrites ``output_path``. ``partitions`` repartitions the input first
    (useful for one big JSONL file). Returns a summary: ``documents``,
    ``errors`` (count of input items that are not documents) and the first
    ``max_error_messages`` of them as ``error_messages``. A session created
    here is stopped at the end; one passed in is left running.
    """
    own = spark is None and _active_session() is None
    session = spark or spark_session(master, conf)
    storage = _require("pyspark").StorageLevel
    try:
        df, kind = read_documents(session, input_path, input_format)
        if partitions:
            df = df.repartition(partitions)
        rows = extract_dataframe(
            df,
            text_column,
            id_column,
            date_column,
            dictionaries,
            keep_errors=True,
            _kind=kind,
            _source_column=_SOURCE,
        ).persist(storage.MEMORY_AND_DISK)
        try:
            documents = rows.filter(rows[ERROR].isNull()).select(*OUTPUT_COLUMNS)
            documents.write.mode("overwrite").parquet(output_path)
            errors = rows.filter(rows[ERROR].isNotNull()).select(
                rows[ORIGIN].alias("origin"), rows["id"].alias("doc_id"), rows[ERROR].alias("message")
            )
            n_errors = errors.count()
            messages = []
            if n_errors:
                errors.write.mode("overwrite").parquet(output_path.rstrip("/") + "/_errors")
                messages = [
                    str(DocumentError(r["origin"] or "", r["message"] or "", r["doc_id"] or ""))
                    for r in errors.limit(max_error_messages).collect()
                ]
            n_documents = rows.count() - n_errors
        finally:
            rows.unpersist()
    finally:
        if own:
            session.stop()
    return {"documents": n_documents, "errors": n_errors, "error_messages": messages, "output": output_path}


def read_parquet_records(path: str | Path, batch_size: int = 1024) -> Iterator[dict]:
    """Stream the records of a Parquet output (file or folder, any path PyArrow reads), in file order.

    Each record equals the JSON object ``accords extract`` prints for that
    document. Needs PyArrow only. Hidden files and folders (``_errors``,
    ``_SUCCESS``, ``.crc``) are skipped.
    """
    ds = _require("pyarrow.dataset")
    dataset = ds.dataset(str(path), format="parquet")
    for file in sorted(dataset.files):
        fragment = ds.dataset(file, format="parquet", filesystem=dataset.filesystem)
        for batch in fragment.to_batches(columns=list(OUTPUT_COLUMNS), batch_size=batch_size):
            for row in batch.to_pylist():
                yield row_to_record(row)
