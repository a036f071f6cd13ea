"""Knowledge-base commands (ingest, dyad, agreements, events, actors, search, show, export).

Registered on the main ``accords`` app; every command takes ``--db PATH`` (a SQLite file) or
``--db postgresql://...`` (default: ``$ACCORDS_DB`` or ``./accords.db``) and ``--json`` for scripts.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .cli import DictionaryOpt, JobsOpt, _parse_day, _pipeline, _reader_options, _tick, app, progress_bar, stderr

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Knowledge base: a SQLite file or a postgresql:// URL (default: $ACCORDS_DB or ./accords.db).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this day, YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this day, YYYY-MM-DD.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="At most this many rows.")]
stdout = Console()


def _open(db: str | None, fuse: bool = True):
    from . import fusion
    from .store import StoreError, open_store

    try:
        store = open_store(db)
    except StoreError as exc:
        stderr.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if fuse and store.scalar("dirty_count"):
        fusion.refresh(store)  # an interrupted ingest left work to do: finish it first
    return store


def _day(value: str | None, what: str) -> str | None:
    day = _parse_day(value, what)
    return day.isoformat() if day else None


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, directories, - (JSONL on stdin) or article URLs.")
    ] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="RSS/Atom feed URL; repeatable.")] = None,
    db: DbOpt = None,
    dictionary: DictionaryOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Re-analyze documents already stored.")] = False,
    text_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the text.")] = None,
    id_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the id.")] = None,
    date_column: Annotated[str | None, typer.Option(help="CSV/JSON field holding the date.")] = None,
    delay: Annotated[float, typer.Option(help="Seconds between requests to one host.")] = 1.0,
    timeout: Annotated[float, typer.Option(help="HTTP timeout in seconds.")] = 20.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    jobs: JobsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Extract and store documents (files, URLs, feeds); then fuse them across sources."""
    from .fetch import Fetcher, is_url
    from .ingest import Ingester
    from .readers import read_inputs

    if not paths and not feed:
        raise typer.BadParameter("give PATH/URL arguments or --feed URL")
    store = _open(db, fuse=False)
    options = _reader_options(text_column, id_column, date_column)
    fetcher = None
    if feed or any(is_url(p) for p in paths or ()):
        fetcher = Fetcher(known=lambda url: store.one("doc_by_url", url=url) is not None, timeout=timeout, delay=delay)

    def items() -> Iterator:
        for spec in paths or ():
            if is_url(spec):
                item = fetcher.article(spec)
                if item is not None:
                    yield item
            else:
                yield from read_inputs([spec], options)
        for url in feed or ():
            yield from fetcher.feed(url)

    if jobs == 1:
        pipeline = _pipeline(dictionary)
    else:
        # the workers build their own pipelines; here only check the dictionaries, early and cheaply
        from .knowledge import KnowledgeError, load_tables

        try:
            load_tables([str(p) for p in dictionary or ()])
        except KnowledgeError as exc:
            stderr.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        pipeline = None
    ingester = Ingester(store, pipeline, force=force)
    started = time.perf_counter()
    done = failed = 0
    with progress_bar("ingesting", quiet) as progress:

        def on_outcome(outcome) -> None:
            nonlocal done, failed
            done += 1
            if outcome.status == "failed":
                failed += 1
                progress.console.print(f"[red]error:[/red] {outcome.message}")
            _tick(progress, done, failed, started)

        report = ingester.ingest(
            items(), on_outcome=on_outcome, jobs=jobs, dictionaries=[str(p) for p in dictionary or ()]
        )
    if fetcher is not None:
        fetcher.close()
    elapsed = max(report.seconds, 1e-9)
    stored = report.added + report.replaced
    summary = (
        f"{report.seen} document(s): {report.added} added, {report.replaced} replaced, "
        f"{report.unchanged} unchanged, {report.duplicate} duplicate, {report.failed} failed "
        f"in {elapsed:.1f}s ({report.seen / elapsed:,.1f} documents/s); "
        f"fusion: {report.fusion.get('dyads', 0)} dyad(s), {report.fusion.get('clusters', 0)} cluster(s), "
        f"{report.fusion.get('registry', 0)} agreement record(s)"
    )
    if fetcher is not None:
        summary += f"; fetched {fetcher.fetched}, skipped {fetcher.skipped} known URL(s)"
    stderr.print(summary)
    if json_out:
        _print_json({**report.as_dict(), "stored": stored, "database": store.location})
    store.close()
    if report.failed:
        raise typer.Exit(1)


@app.command()
def dyad(
    a: Annotated[str, typer.Argument(help="Actor code, e.g. RUS.")],
    b: Annotated[str, typer.Argument(help="Actor code, e.g. MLI.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 100,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The relationship between two actors at a glance."""
    from . import queries

    store = _open(db)
    result = queries.dyad(store, a, b, _day(since, "--since"), _day(until, "--until"), limit)
    if json_out:
        _print_json(result)
        return
    names = result["names"]
    s = result["summary"]
    stdout.print(
        f"[bold]{names[result['dyad'][0]]} – {names[result['dyad'][1]]}[/bold]: {s['documents']} document(s), "
        f"{s['clusters']} event cluster(s), {s['agreements']} agreement(s), {s['projects']} project(s)"
    )
    if result["agreements"]:
        t = Table("#", "agreement", "parties", "status", "date", "reported by", title="Agreements (registry)")
        for r in result["agreements"]:
            t.add_row(
                str(r["id"]),
                r["title"],
                ", ".join(r["parties"]),
                r["status"],
                r["date"] or "",
                ", ".join(r["reported_by"]),
            )
        stdout.print(t)
    if result["clusters"]:
        t = Table("date", "happening", "types", "sources", title="Timeline (event clusters)")
        for c in result["clusters"]:
            t.add_row(c["date"] or "", c["label"], ", ".join(c["types"]), str(c["sources"]))
        stdout.print(t)
    if result["index"]:
        t = Table("month", "events by type", "index", title="Cooperation–conflict index (mean Goldstein-style weight)")
        for row in result["index"]:
            counts = result["by_month"].get(row["month"], {})
            t.add_row(row["month"], ", ".join(f"{k} {v}" for k, v in counts.items()), f"{row['index']:+.2f}")
        stdout.print(t)
    for title, key, fmt in (
        ("Projects", "projects", lambda p: f"{p['name']} ({p['stage']}; {', '.join(p['reported_by'])})"),
        ("Quotes", "quotes", lambda q: f"{q['speaker']}: “{q['text']}” ({', '.join(q['reported_by'])})"),
        ("People", "people", lambda p: f"{p['name']} ({p['country']}, {p['role'] or p['sector']})"),
        ("Sectors", "sectors", lambda x: f"{x['sector']} ({', '.join(x['documents'])})"),
        (
            "Discrepancies",
            "discrepancies",
            lambda d: (
                f"[{d['kind']}] {d['detail']}: "
                + "; ".join(f"{s['value']}: {', '.join(s['documents'])}" for s in d["sides"])
            ),
        ),
        ("Sources", "sources", lambda x: f"{x['document']} {x['source']} {x['published'] or ''} {x['title']}"),
    ):
        if result[key]:
            stdout.print(f"[bold]{title}[/bold]")
            for item in result[key]:
                stdout.print("  " + fmt(item), highlight=False)


@app.command()
def agreements(
    party: Annotated[list[str] | None, typer.Option("--party", help="A party code; repeat for several.")] = None,
    sector: Annotated[str | None, typer.Option(help="A sector, e.g. energy.")] = None,
    status: Annotated[str | None, typer.Option(help="signed, negotiating, or a stage.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 100,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The agreement registry."""
    from . import queries

    parties = [p.upper() for p in party or []]
    if len(parties) > 2:
        raise typer.BadParameter("at most two --party", param_hint="--party")
    store = _open(db)
    rows = queries.agreements(
        store,
        party=parties[0] if parties else None,
        party2=parties[1] if len(parties) > 1 else None,
        sector=sector,
        status=status,
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        limit=limit,
    )
    if json_out:
        _print_json(rows)
        return
    t = Table("#", "agreement", "parties", "status", "date", "sectors", "reported by")
    for r in rows:
        t.add_row(
            str(r["id"]),
            r["title"],
            ", ".join(r["parties"]),
            r["status"],
            r["date"] or "",
            ", ".join(r["sectors"]),
            ", ".join(r["reported_by"]),
        )
    stdout.print(t)


@app.command()
def events(
    type_: Annotated[str | None, typer.Option("--type", help="PLOVER type, e.g. CONSULT.")] = None,
    between: Annotated[tuple[str, str] | None, typer.Option("--between", help="Two actor codes.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Events with this actor on either side.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 100,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stored events (one row per report), newest first."""
    from . import queries

    store = _open(db)
    rows = queries.events(store, type_, between, actor, _day(since, "--since"), _day(until, "--until"), limit)
    if json_out:
        _print_json(rows)
        return
    t = Table("#", "date", "source", "type", "target", "document", "evidence")
    for r in rows:
        ev = r["evidence"][0]["text"] if r.get("evidence") else ""
        t.add_row(
            str(r["id"]),
            r["date"] or "",
            r["source"]["code"],
            r["type"],
            r["target"]["code"],
            r["document"] or "",
            ev[:80],
        )
    stdout.print(t)


@app.command()
def actors(
    country: Annotated[str | None, typer.Option(help="Actors of this state (code).")] = None,
    kind: Annotated[str | None, typer.Option(help="state, organization, person, force, group.")] = None,
    limit: LimitOpt = 100,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Actors merged across documents, with their spellings."""
    from . import queries

    store = _open(db)
    rows = queries.actors(store, country, kind, limit)
    if json_out:
        _print_json(rows)
        return
    t = Table("#", "name", "kind", "code", "country", "role", "documents", "spellings")
    for r in rows:
        t.add_row(
            str(r["id"]),
            r["name"],
            r["kind"],
            r["code"],
            r["country"],
            r["role"],
            str(r["documents"]),
            ", ".join(r["names"][:6]),
        )
    stdout.print(t)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words or an FTS5 query.")],
    limit: LimitOpt = 20,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Full-text search over stored documents."""
    from . import queries

    store = _open(db, fuse=False)
    rows = queries.search(store, text, limit)
    if json_out:
        _print_json(rows)
        return
    for r in rows:
        stdout.print(
            f"[bold]{r['document']}[/bold] {r['published'] or ''} {r['source']}: {r['title']}", highlight=False
        )
        stdout.print(f"  {r['snippet']}", highlight=False)


@app.command()
def show(
    what: Annotated[str, typer.Argument(help="agreement | cluster | event | document")],
    ident: Annotated[str, typer.Argument(help="Its id (or key / document id).")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """One agreement, cluster, event or document with full provenance."""
    from . import queries

    store = _open(db)
    try:
        result = queries.show(store, what, ident)
    except queries.NotFound as exc:
        stderr.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    if json_out:
        _print_json(result)
        return
    stdout.print_json(json.dumps(result, ensure_ascii=False))


@app.command()
def export(
    format_: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv, parquet, gdelt or polecat.")] = "jsonl",
    table: Annotated[str, typer.Option(help="events, agreements, clusters or all (jsonl/csv/parquet).")] = "all",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (or directory for several tables).")
    ] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export events, agreements and clusters; or GDELT/POLECAT event tables."""
    from .export import TABLES, write

    tables = list(TABLES) if table == "all" else [table]
    if any(t not in TABLES for t in tables):
        raise typer.BadParameter(f"unknown table {table!r}", param_hint="--table")
    store = _open(db)
    try:
        counts = write(store, format_, tables, sys.stdout, output)
    except ValueError as exc:
        stderr.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    summary = {"format": format_, "rows": counts, "output": str(output) if output else "-"}
    if json_out and output is not None:
        _print_json(summary)
    else:
        stderr.print(f"exported {', '.join(f'{n} {t}' for t, n in counts.items())}")
