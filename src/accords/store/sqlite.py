"""The SQLite backend: one file, WAL mode, FTS5 full-text search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .base import SCHEMA_VERSION, Row, Store, StoreError
from .sql import DIALECTS, MIGRATIONS, SCHEMA_VERSION_TABLE, SQLITE_FTS, SQLITE_PRAGMAS, SQLITE_STATEMENTS


class SQLiteStore(Store):
    dialect = "sqlite"
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, path: str | Path, readonly: bool = False):
        self.location = str(path)
        if readonly:
            uri = Path(path).resolve().as_uri() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True) if str(path) != ":memory:" else None
            self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._depth = 0
        for pragma in SQLITE_PRAGMAS:
            if readonly and "journal_mode" in pragma:
                continue
            self.conn.execute(pragma)
        self._migrate(readonly)

    # -- schema -------------------------------------------------------------
    def _migrate(self, readonly: bool) -> None:
        if not readonly:
            self.conn.execute(SCHEMA_VERSION_TABLE)
        try:
            current = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.location}: not an accords knowledge base ({exc})") from exc
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location}: database schema version {current} is newer than this accords "
                f"understands ({SCHEMA_VERSION}); upgrade accords to use it"
            )
        if current == SCHEMA_VERSION or readonly:
            if current < SCHEMA_VERSION:
                raise StoreError(f"{self.location}: schema version {current} needs migration; open it read-write")
            return
        dialect = DIALECTS[self.dialect]
        with self.transaction():
            for version, note, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    self.conn.execute(statement.format(**dialect))
                self.conn.execute(
                    self.sql("schema_record"),
                    {"version": version, "applied": datetime.now(UTC).isoformat(timespec="seconds"), "note": note},
                )
            for statement in SQLITE_FTS:
                self.conn.execute(statement)

    def schema_versions(self) -> list[Row]:
        return self.rows("schema_versions")

    # -- statements ---------------------------------------------------------
    def sql(self, name: str) -> str:
        return SQLITE_STATEMENTS.get(name) or super().sql(name)

    def rows(self, name: str, /, **params: Any) -> list[Row]:
        cur = self.conn.execute(self.sql(name), params)
        return [dict(r) for r in cur.fetchall()]

    def run(self, name: str, /, **params: Any) -> int:
        return self.conn.execute(self.sql(name), params).rowcount

    def insert(self, name: str, /, **params: Any) -> int:
        return self.conn.execute(self.sql(name), params).fetchone()[0]

    def run_many(self, name: str, params: list[dict[str, Any]]) -> None:
        if params:
            self.conn.executemany(self.sql(name), params)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        if self._depth:  # nested: a savepoint inside the outer transaction, rolled back alone on failure
            self._depth += 1
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """One commit for several documents (each in its own savepoint): SQLite's single writer pays
        for every commit, and a crash still leaves only whole documents."""
        with self.transaction():
            yield self

    # -- full text ------------------------------------------------------------
    def index_text(self, doc: int, title: str, text: str) -> None:
        self.run("fts_insert", id=doc, title=title, text=text)

    def unindex_text(self, doc: int) -> None:
        self.run("fts_delete", id=doc)

    def search(self, query: str, limit: int = 20) -> list[Row]:
        query = "".join(ch if ch.isprintable() else " " for ch in query)  # NUL and controls break FTS5 strings
        try:
            return self.rows("search", query=query, limit=limit)
        except sqlite3.OperationalError:
            # Not valid FTS5 syntax (stray quotes, operators): search for the words as a phrase.
            words = " ".join(w for w in query.replace('"', " ").split())
            return self.rows("search", query=f'"{words}"', limit=limit) if words else []

    def integrity(self) -> list[str]:
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in self.conn.execute("PRAGMA foreign_key_check").fetchall()]
        return problems

    def close(self) -> None:
        self.conn.close()
