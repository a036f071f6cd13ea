"""The knowledge-base store: a backend-neutral interface and its backends.

``open_store(location)`` opens (creating and migrating if needed) a store:
a file path (or ``:memory:``) opens SQLite. A ``postgresql://`` URL is
reserved for the PostgreSQL backend (psycopg 3) that implements the same
:class:`Store` interface with the same schema and statements.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import SCHEMA_VERSION, Row, Store, StoreError

DEFAULT_DB = "accords.db"

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "Row", "Store", "StoreError", "default_location", "open_store"]


def default_location() -> str:
    return os.environ.get("ACCORDS_DB") or DEFAULT_DB


def open_store(location: str | Path | None = None, readonly: bool = False) -> Store:
    location = str(location or default_location())
    if location.startswith(("postgresql://", "postgres://")):
        raise StoreError("the PostgreSQL backend is not available yet; use a SQLite file path")
    from .sqlite import SQLiteStore

    return SQLiteStore(location, readonly=readonly)
