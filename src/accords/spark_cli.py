"""``accords spark-extract``: run extraction on Spark and write Parquet (see :mod:`accords.spark`)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .cli import DictionaryOpt, app, stderr


def _conf(values: list[str] | None) -> dict[str, str]:
    conf = {}
    for value in values or ():
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--conf")
        conf[key.strip()] = setting.strip()
    return conf


def _java_missing() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None


@app.command("spark-extract")
def spark_extract(
    input_path: Annotated[
        str, typer.Argument(metavar="INPUT", help="JSONL, Parquet or CSV: a file or folder Spark reads.")
    ],
    output_path: Annotated[str, typer.Argument(metavar="OUTPUT", help="Parquet folder to write (overwritten).")],
    master: Annotated[
        str | None, typer.Option(help="Spark master, e.g. local[2], spark://host:7077, yarn (default: local[*]).")
    ] = None,
    input_format: Annotated[
        str | None, typer.Option("--format", help="jsonl, parquet or csv (default: from the input's suffix).")
    ] = None,
    text_column: Annotated[str | None, typer.Option(help="Field holding the text.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Field holding the id.")] = None,
    date_column: Annotated[str | None, typer.Option(help="Field holding the date.")] = None,
    partitions: Annotated[int | None, typer.Option(help="Repartition the input into N partitions first.")] = None,
    conf: Annotated[list[str] | None, typer.Option("--conf", help="Spark setting KEY=VALUE; repeatable.")] = None,
    dictionary: DictionaryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    r"""Extract on Spark: one Parquet row per document, the same records as `accords extract` prints.

    The list fields (actors, events, agreements, projects, quotes, errors) are
    JSON strings; input items that are not documents go to OUTPUT/_errors/.
    Needs the spark extra (pip install 'accords\[spark]') and Java 17+.
    """
    from .spark import SparkUnavailable, _active_session, run, spark_session

    settings = _conf(conf)
    settings.setdefault("spark.ui.showConsoleProgress", "false")
    dictionaries = [str(d.resolve()) for d in dictionary or ()]
    try:
        own = _active_session() is None
        session = spark_session(master, settings)
        if own:
            session.sparkContext.setLogLevel("ERROR")  # Spark's warnings would bury the summary
    except SparkUnavailable as exc:
        stderr.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    except Exception as exc:  # the JVM did not start
        hint = " (no Java runtime found: install Java 17+, e.g. scripts/system-deps.sh)" if _java_missing() else ""
        stderr.print(f"[red]error:[/red] cannot start Spark: {escape(str(exc))}{hint}")
        raise typer.Exit(2) from exc
    from pyspark.errors import PySparkException

    try:
        summary = run(
            input_path,
            output_path,
            text_column=text_column,
            id_column=id_column,
            date_column=date_column,
            input_format=input_format,
            dictionaries=dictionaries,
            partitions=partitions,
            spark=session,
        )
    except (ValueError, PySparkException) as exc:  # a bad option, a missing input path, ...
        stderr.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    finally:
        if own:  # leave a session that was running before (an embedding job, tests) alone
            session.stop()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for message in summary["error_messages"]:
            stderr.print(f"[red]error:[/red] {escape(message)}")
        stderr.print(f"{summary['documents']} document(s) written to {output_path}")
    if summary["errors"]:
        stderr.print(f"{summary['errors']} input item(s) failed; see {output_path.rstrip('/')}/_errors/")
        raise typer.Exit(1)
