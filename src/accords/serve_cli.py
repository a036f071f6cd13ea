"""``accords serve``: the REST API and the web dashboard (FastAPI + uvicorn).

Registered on the main ``accords`` app (``from . import serve_cli`` in :mod:`accords.cli`).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .cli import app, stderr


@app.command()
def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Knowledge base: a SQLite file or a postgresql:// URL (default: $ACCORDS_DB or ./accords.db).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="ACCORDS_TOKEN",
            help="Enable writing (POST /api/documents) with this bearer token (or $ACCORDS_TOKEN).",
            show_default=False,
        ),
    ] = None,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes.", min=1)] = 1 << 20,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the REST API (/api, OpenAPI at /api/docs) and the dashboard (/) over the knowledge base."""
    import uvicorn

    from .store import StoreError, default_location
    from .web import create_app

    location = db or default_location()
    if "://" not in location and not os.path.exists(location):
        stderr.print(f"[yellow]note:[/yellow] {location} does not exist yet: serving an empty knowledge base")
    try:
        web = create_app(location, token=token or None, max_body=max_body)
    except StoreError as exc:
        stderr.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    mode = "read-write (bearer token required)" if token else "read-only"
    stderr.print(f"accords: serving {location} ({mode}) on http://{host}:{port}/  ·  API docs: /api/docs")
    uvicorn.run(web, host=host, port=port, log_level=log_level)
