"""The ``accords`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .knowledge import KnowledgeError
from .model import DocumentError
from .readers import ReaderOptions, read_inputs

app = typer.Typer(
    help="accords: a source-linked knowledge base of relations between states, read from the news.",
    no_args_is_help=True,
    add_completion=False,
)
stderr = Console(stderr=True)

DictionaryOpt = Annotated[
    list[Path] | None,
    typer.Option("--dictionary", "-d", help="Extra knowledge file (TSV, see data/SCHEMA.md); repeatable."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def _pipeline(dictionaries: list[Path] | None):
    from .pipeline import Pipeline

    try:
        return Pipeline(dictionaries=dictionaries or ())
    except KnowledgeError as exc:
        stderr.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _parse_day(value: str | None, what: str = "--date") -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a YYYY-MM-DD date", param_hint=what) from exc


@contextmanager
def progress_bar(label: str, quiet: bool, total: int | None = None) -> Iterator[Progress]:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("[red]{task.fields[errors]}"),
        TimeElapsedColumn(),
        console=stderr,
        disable=quiet or (not stderr.is_terminal and not _force_progress()),
        transient=False,
    )
    with progress:
        progress.add_task(label, total=total, rate="", errors="")
        yield progress


def _force_progress() -> bool:
    import os

    return os.environ.get("ACCORDS_PROGRESS") == "1"


def _tick(progress: Progress, done: int, errors: int, started: float) -> None:
    import time

    elapsed = max(time.perf_counter() - started, 1e-9)
    task = progress.tasks[0].id
    progress.update(task, completed=done, rate=f"{done / elapsed:,.0f}/s", errors=f"{errors} failed" if errors else "")


@app.command()
def resolve(
    text: Annotated[str | None, typer.Argument(help="The mention to resolve.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Document date, YYYY-MM-DD.")] = None,
    context: Annotated[str, typer.Option(help="The sentence the mention appears in.")] = "",
    input_file: Annotated[
        Path | None,
        typer.Option("--input", "-i", help="JSONL of {text, date?, context?}; one result line per input line."),
    ] = None,
    dictionary: DictionaryOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Resolve a mention ("Mali's junta leader", "the Kremlin") to an actor, printed as JSON."""
    if (text is None) == (input_file is None):
        raise typer.BadParameter("give either TEXT or --input FILE")
    pipeline = _pipeline(dictionary)
    if text is not None:
        print(json.dumps(pipeline.resolve_phrase(text, _parse_day(day), context), ensure_ascii=False))
        return
    import time

    failed = 0
    out = sys.stdout
    started = time.perf_counter()
    stream = sys.stdin if str(input_file) == "-" else input_file.open(encoding="utf-8", errors="replace")
    with progress_bar("resolving", quiet) as progress:
        for lineno, line in enumerate(stream, 1):
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("expected an object with a 'text' string")
                result = pipeline.resolve_phrase(
                    record["text"], _parse_day(record.get("date")), record.get("context") or ""
                )
            except (ValueError, typer.BadParameter) as exc:
                failed += 1
                stderr.print(f"[red]error:[/red] {input_file}:{lineno}: {exc}")
                result = {"error": str(exc), "line": lineno}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            if lineno % 256 == 0:
                _tick(progress, lineno, failed, started)
        _tick(progress, lineno if "lineno" in locals() else 0, failed, started)
    if failed:
        raise typer.Exit(1)


JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes for extraction (default: all cores)."),
]


FORMATS = ("jsonl", "json", "csv")
EVENT_CSV_COLUMNS = (
    "id",
    "published",
    "type",
    "cameo",
    "source_code",
    "source_name",
    "source_sector",
    "target_code",
    "target_name",
    "target_sector",
    "date",
    "date_source",
    "confidence",
    "trigger",
    "sentence",
    "start",
    "end",
    "evidence",
)


def event_rows(record: dict):
    """``--format csv``: one row per event, with its first piece of evidence."""
    for event in record["events"]:
        evidence = event["evidence"][0] if event["evidence"] else {}
        yield (
            record["id"],
            record["published"],
            event["type"],
            event["cameo"],
            event["source"]["code"],
            event["source"]["name"],
            event["source"]["sector"],
            event["target"]["code"],
            event["target"]["name"],
            event["target"]["sector"],
            event["date"],
            event["date_source"],
            event["confidence"],
            event["trigger"],
            evidence.get("sentence"),
            evidence.get("start"),
            evidence.get("end"),
            evidence.get("text", ""),
        )


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for JSONL on stdin.")],
    dictionary: DictionaryOpt = None,
    text_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the text.")] = None,
    id_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the id.")] = None,
    date_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the date.")] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", help="jsonl (one object per document), json (one array) or csv (one row per event)."),
    ] = "jsonl",
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Read documents and print them analyzed: actors, events, agreements, projects, quotes."""
    import csv
    import time

    from .parallel import extract_json_lines, extract_records

    if output_format not in FORMATS:
        raise typer.BadParameter(f"{output_format!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    _pipeline(dictionary)  # fail early, with a clear message, on a bad dictionary
    options = _reader_options(text_column, id_column, date_column)
    failed = done = 0
    started = time.perf_counter()
    out = sys.stdout
    dictionaries = [str(p) for p in dictionary or ()]
    items = read_inputs(paths, options)
    results = (extract_json_lines if output_format == "jsonl" else extract_records)(items, jobs, dictionaries)
    writer = csv.writer(out) if output_format == "csv" else None
    if writer is not None:
        writer.writerow(EVENT_CSV_COLUMNS)
    elif output_format == "json":
        out.write("[")
    with progress_bar("extracting", quiet) as progress:
        for item in results:
            if isinstance(item, DocumentError):
                failed += 1
                progress.console.print(f"[red]error:[/red] {item}")
                continue
            if output_format == "jsonl":
                out.write(item + "\n")
            elif writer is not None:
                writer.writerows(event_rows(item))
            else:
                out.write(("," if done else "") + "\n" + json.dumps(item, ensure_ascii=False))
            done += 1
            if done % 64 == 0:
                _tick(progress, done, failed, started)
        _tick(progress, done, failed, started)
    if output_format == "json":
        out.write("\n]\n")
    if failed:
        stderr.print(f"{failed} input item(s) failed; {done} document(s) processed")
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL (the evaluation guidelines' record format).")],
    errors: Annotated[int, typer.Option("--errors", help="Show what was missed and extra in the N worst items.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    dictionary: DictionaryOpt = None,
) -> None:
    """Extract from a gold file's items and score them: events, dyads, agreements, per type, worst items."""
    from rich.table import Table

    from .evaluate import confidence_curve, score
    from .output import analysis_record

    pipeline = _pipeline(dictionary)
    records = [r for r in _read_gold(gold)]
    predicted = {}
    for item in read_inputs([str(gold)]):
        if isinstance(item, DocumentError):
            stderr.print(f"[red]error:[/red] {item}")
            continue
        predicted[item.id] = analysis_record(pipeline.analyze(item))
    report = score(records, predicted)
    curve = confidence_curve(records, predicted)
    if as_json:
        print(
            json.dumps(
                {**report.as_dict(), "confidence_curve": curve, "errors": report.errors[:errors]}, ensure_ascii=False
            )
        )
        return
    console = Console()
    console.print(f"items scored: {report.items}")
    for name in ("events", "dyads", "agreements"):
        m = getattr(report, name)
        console.print(
            f"{name:<11} P {m.precision:.3f}  R {m.recall:.3f}  F1 {m.f1:.3f}  (tp {m.tp}, fp {m.fp}, fn {m.fn})"
        )
    table = Table("type", "P", "R", "F1", "tp", "fp", "fn", title="events by type")
    for kind, m in sorted(report.by_type.items()):
        table.add_row(kind, f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.f1:.2f}", str(m.tp), str(m.fp), str(m.fn))
    console.print(table)
    curve_table = Table("confidence >=", "P", "R", "F1", title="precision as the confidence threshold rises")
    for row in curve:
        curve_table.add_row(
            f"{row['threshold']:.1f}", f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}"
        )
    console.print(curve_table)
    for err in report.errors[:errors]:
        console.print(f"[bold]{err['id']}[/bold] {err['text'][:160]}")
        for label in ("missing", "extra", "missing_agreements", "extra_agreements"):
            if err[label]:
                console.print(f"   {label}: {', '.join(err[label])}")


def _read_gold(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise typer.BadParameter(f"{path}:{lineno}: invalid JSON: {exc.msg}") from exc
    return records


def _reader_options(text_column: str | None, id_column: str | None, date_column: str | None) -> ReaderOptions:
    columns = {k: v for k, v in (("text", text_column), ("id", id_column), ("published", date_column)) if v}
    return ReaderOptions().with_columns(columns)


def main() -> None:  # pragma: no cover - console entry point
    app()


# Command groups that live in their own modules register themselves on ``app``.
from . import kb_cli, serve_cli, spark_cli  # noqa: E402,F401
