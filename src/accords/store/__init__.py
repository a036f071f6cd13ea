"""The knowledge-base store: a backend-neutral interface and its backends.

``open_store(location)`` opens (creating and migrating if needed) a store:
a file path (or ``:memory:``) opens SQLite; a ``postgresql://`` (or
``postgres://``) URL opens the PostgreSQL backend (psycopg 3, the ``postgres``
extra), which implements the same :class:`Store` interface with the same
schema, migrations and statements.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import SCHEMA_VERSION, Row, Store, StoreError

DEFAULT_DB = "accords.db"

__all__ = [
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "Row",
    "Store",
    "StoreError",
    "default_location",
    "is_postgres",
    "open_store",
]


def default_location() -> str:
    return os.environ.get("ACCORDS_DB") or DEFAULT_DB


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path | None = None, readonly: bool = False) -> Store:
    location = str(location or default_location())
    if is_postgres(location):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(str(exc)) from exc
        return PostgresStore(location, readonly=readonly)
    from .sqlite import SQLiteStore

    return SQLiteStore(location, readonly=readonly)
