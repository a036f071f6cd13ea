"""The backend-neutral storage interface.

Everything above the store (ingest, fusion, queries, export) talks to a
:class:`Store` through named statements from :mod:`accords.store.sql` with
bound parameters, plus a handful of operations that differ by engine
(full-text search). A backend implements the abstract methods; SQLite is the
default, PostgreSQL (psycopg 3) a second implementation with the same schema
and statements.

Writes that must be atomic go through :meth:`Store.atomic`: a function run in
one transaction, which a backend with concurrent writers (PostgreSQL) reruns
when the database rolled it back for losing a race to another writer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .sql import MIGRATIONS, STATEMENTS

Row = dict[str, Any]
T = TypeVar("T")

SCHEMA_VERSION = max(v for v, _, _ in MIGRATIONS)


class StoreError(Exception):
    """A problem with the database file (e.g. written by a newer accords)."""


class Store(ABC):
    """A knowledge-base connection. Not thread-safe: one per thread/process."""

    dialect: str = ""
    location: str = ""
    # The driver's exception for a violated constraint (unique key, foreign key, NOT NULL).
    IntegrityError: type[Exception] = Exception

    # -- statements ---------------------------------------------------------
    def sql(self, name: str) -> str:
        return STATEMENTS[name]

    @abstractmethod
    def rows(self, name: str, /, **params: Any) -> list[Row]:
        """Run a named SELECT and return its rows as dicts."""

    def one(self, name: str, /, **params: Any) -> Row | None:
        found = self.rows(name, **params)
        return found[0] if found else None

    def scalar(self, name: str, /, **params: Any) -> Any:
        row = self.one(name, **params)
        return next(iter(row.values())) if row else None

    @abstractmethod
    def run(self, name: str, /, **params: Any) -> int:
        """Run a named INSERT/UPDATE/DELETE; return the number of rows changed."""

    @abstractmethod
    def insert(self, name: str, /, **params: Any) -> int:
        """Run a named ``INSERT ... RETURNING id`` and return the new id."""

    @abstractmethod
    def run_many(self, name: str, params: list[dict[str, Any]]) -> None:
        """Run a named statement once per parameter set."""

    # -- transactions ---------------------------------------------------------
    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements inside commit together or not at all."""

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Group several documents' transactions into one commit where the backend gains from it.
        Each document stays whole: a failing one is rolled back alone. The default groups nothing."""
        yield self

    def atomic(self, work: Callable[[], T], exclusive: bool = False) -> T:
        """``work()`` in one transaction, and its result. Backends whose transactions can lose a race
        to another writer (PostgreSQL) roll back and rerun ``work`` then, so it must be safe to rerun
        (it reads what it needs inside). ``exclusive`` work (fusion) runs while no other atomic work
        does, in any process; other work may run side by side (SQLite has one writer anyway).
        Inside an outer transaction it is simply part of it."""
        with self.transaction():
            return work()

    # -- engine-specific ----------------------------------------------------
    @abstractmethod
    def index_text(self, doc: int, title: str, text: str) -> None:
        """Add a document to the full-text index (inside the caller's transaction)."""

    @abstractmethod
    def unindex_text(self, doc: int) -> None:
        """Remove a document from the full-text index."""

    @abstractmethod
    def search(self, query: str, limit: int = 20) -> list[Row]:
        """Full-text search over documents: id, doc_key, source, title, published, url, snippet, rank."""

    @abstractmethod
    def schema_versions(self) -> list[Row]: ...

    @abstractmethod
    def integrity(self) -> list[str]:
        """Problems found by the engine's consistency check ([] when the database is sound)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
