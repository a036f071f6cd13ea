"""The PostgreSQL backend (psycopg 3): a shared server, several writers at once.

Same schema, migrations and named statements as SQLite (rewritten for psycopg by
:func:`accords.store.sql.postgres_sql`); full-text search through a ``tsvector`` table.

Concurrency comes from the database, not from locks in this process: every write
transaction runs at ``SERIALIZABLE`` isolation, so concurrent writers behave as if they ran
one after the other (as SQLite's single writer does), and unique constraints make a second
copy of a document impossible. A transaction that loses a race is rolled back by the server
(serialization failure, deadlock, or a unique key taken meanwhile); :meth:`PostgresStore.atomic`
runs the work again, and the rerun sees what the winner committed (the document is then
"unchanged"). Fusion, which reads all that ingests write and clears their marks, runs alone:
it holds an advisory lock exclusively that document writes hold shared. Schema migrations take
a transaction-scoped advisory lock so that processes opening a new database at once create it
exactly once.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg.rows import dict_row
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "the PostgreSQL backend needs psycopg 3: pip install 'accords[postgres]' (or 'psycopg[binary]')"
    ) from exc

from ..normalize import fold
from .base import SCHEMA_VERSION, Row, Store, StoreError
from .sql import (
    DIALECTS,
    MIGRATIONS,
    POSTGRES_FTS,
    POSTGRES_FUSION_LOCK,
    POSTGRES_MIGRATION_LOCK,
    POSTGRES_PLAIN,
    POSTGRES_STATEMENTS,
    POSTGRES_UNACCENT,
    SCHEMA_VERSION_TABLE,
    postgres_sql,
)

T = TypeVar("T")

# Conflicts that a rerun of the same work resolves. A unique violation is retried only a few
# times: under SERIALIZABLE a race normally surfaces as a serialization failure, and a unique
# violation that persists is a real error in the data (it must not be retried forever).
RETRY_ATTEMPTS = 30
UNIQUE_ATTEMPTS = 10
_TEXT = re.compile(r"\bTEXT\b")


def _quiet_pipeline_abort(record: logging.LogRecord) -> bool:
    """psycopg warns when a batch (``executemany`` runs in pipeline mode) ends on an error; the
    error itself is raised and handled (a lost race is rerun), so the warning is noise."""
    return not str(record.msg).startswith("error ignored terminating")


logging.getLogger("psycopg").addFilter(_quiet_pipeline_abort)
log = logging.getLogger(__name__)


def redact(location: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", location)


class PostgresStore(Store):
    dialect = "postgres"
    IntegrityError = psycopg.IntegrityError
    OperationalError = psycopg.OperationalError

    def __init__(self, url: str, readonly: bool = False):
        self.location = redact(url)
        self.readonly = readonly
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        except psycopg.OperationalError as exc:
            raise StoreError(f"{self.location}: cannot connect: {str(exc).strip()}") from exc
        self._depth = 0
        self._sql: dict[str, str] = {}
        self.retries = 0  # transactions rerun after losing a race (for tests and reports)
        if readonly:
            self.conn.execute("SET default_transaction_read_only = on")
        self._migrate(readonly)
        self.unaccent = bool(self.scalar("fts_unaccent"))

    # -- schema -------------------------------------------------------------
    def _current_version(self) -> int | None:
        """The stored schema version; None when there is no schema yet."""
        try:
            with self.conn.transaction():
                row = self.conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()
        except pg_errors.UndefinedTable:
            return None
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: not an accords knowledge base ({str(exc).strip()})") from exc
        return row["v"] or 0

    def _check(self, current: int) -> None:
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location}: database schema version {current} is newer than this accords "
                f"understands ({SCHEMA_VERSION}); upgrade accords to use it"
            )

    def _migrate(self, readonly: bool) -> None:
        current = self._current_version()
        if current is not None:
            self._check(current)
            if current == SCHEMA_VERSION and self.one("fts_config") is not None:
                return
        if readonly:
            if current is None:
                raise StoreError(f"{self.location}: not an accords knowledge base (no schema_version table)")
            raise StoreError(f"{self.location}: schema version {current} needs migration; open it read-write")
        dialect = DIALECTS[self.dialect]
        with self.conn.transaction():
            # One migrating process at a time; the others wait here, then find the work done.
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
            self.conn.execute(_ddl(SCHEMA_VERSION_TABLE))
            current = self.conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()["v"] or 0
            self._check(current)
            for version, note, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    self.conn.execute(_ddl(statement.format(**dialect)))
                self.conn.execute(
                    self.sql("schema_record"),
                    {"version": version, "applied": datetime.now(UTC).isoformat(timespec="seconds"), "note": note},
                )
            for statement in POSTGRES_FTS:
                self.conn.execute(statement)
            if self.one("fts_config") is None:
                self._create_fts_config()

    def _create_fts_config(self) -> None:
        """The ``accords`` text search configuration: accent-insensitive with ``unaccent`` if it can be had."""
        try:
            with self.conn.transaction():  # a savepoint: a missing extension or privilege is not fatal
                for statement in POSTGRES_UNACCENT:
                    self.conn.execute(statement)
        except psycopg.Error:
            for statement in POSTGRES_PLAIN:
                self.conn.execute(statement)

    def schema_versions(self) -> list[Row]:
        return self.rows("schema_versions")

    # -- statements ---------------------------------------------------------
    def sql(self, name: str) -> str:
        found = self._sql.get(name)
        if found is None:
            found = self._sql[name] = postgres_sql(POSTGRES_STATEMENTS.get(name) or super().sql(name))
        return found

    def rows(self, name: str, /, **params: Any) -> list[Row]:
        return self.conn.execute(self.sql(name), params).fetchall()

    def run(self, name: str, /, **params: Any) -> int:
        return self.conn.execute(self.sql(name), params).rowcount

    def insert(self, name: str, /, **params: Any) -> int:
        row = self.conn.execute(self.sql(name), params).fetchone()
        return next(iter(row.values()))

    def run_many(self, name: str, params: list[dict[str, Any]]) -> None:
        if params:
            with self.conn.cursor() as cur:
                cur.executemany(self.sql(name), params)

    # -- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        if self._depth:  # nested: part of the outer transaction
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            if not self.conn.closed:
                self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")  # a serialization failure may surface here too

    def atomic(self, work: Callable[[], T], exclusive: bool = False) -> T:
        if self._depth:  # inside an outer transaction: the outermost atomic() reruns everything
            return work()
        mode = "" if exclusive else "_shared"
        # A session-level lock taken before BEGIN (released on disconnect too), so the transaction's
        # snapshot is taken after the lock is granted.
        self.conn.execute(f"SELECT pg_advisory_lock{mode}(%s)", (POSTGRES_FUSION_LOCK,))
        try:
            return self._rerun(work)
        finally:
            if not self.conn.closed:
                self.conn.execute(f"SELECT pg_advisory_unlock{mode}(%s)", (POSTGRES_FUSION_LOCK,))

    def _rerun(self, work: Callable[[], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.transaction():
                    return work()
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as exc:
                if attempt >= RETRY_ATTEMPTS:
                    raise
                last = exc
            except pg_errors.UniqueViolation as exc:
                if attempt >= UNIQUE_ATTEMPTS:
                    raise
                last = exc
            self.retries += 1
            log.debug("%s: rerun %d after %s: %s", self.location, attempt, type(last).__name__, last)
            time.sleep(random.uniform(0, min(0.25, 0.005 * 2**attempt)))

    # -- full text ------------------------------------------------------------
    def index_text(self, doc: int, title: str, text: str) -> None:
        if not self.unaccent:
            title, text = fold(title), fold(text)
        self.run("fts_insert", id=doc, title=title, text=text)

    def unindex_text(self, doc: int) -> None:
        self.run("fts_delete", id=doc)

    def search(self, query: str, limit: int = 20) -> list[Row]:
        query = "".join(ch if ch.isprintable() else " " for ch in query)  # as SQLite (and no NUL for the server)
        query = websearch_query(query)
        if not self.unaccent:
            query = fold(query)
        return self.rows("search", query=query, limit=limit) if query.strip() else []

    def integrity(self) -> list[str]:
        problems = [f"invalid index: {r['name']}" for r in self.rows("integrity_indexes")]
        problems += [f"constraint not validated: {r['name']}" for r in self.rows("integrity_constraints")]
        return problems

    def close(self) -> None:
        self.conn.close()


def _ddl(statement: str) -> str:
    """Text columns compare and sort by code point (``COLLATE "C"``), as in SQLite, whatever the
    database's locale."""
    return _TEXT.sub('TEXT COLLATE "C"', statement)


_FTS_WORD = re.compile(r'"[^"]*"?|\S+')


def websearch_query(query: str) -> str:
    """An FTS5-style query (``a AND b``, ``a OR b``, ``NOT a``, ``"a phrase"``, ``pre*``) in the
    syntax of ``websearch_to_tsquery`` (which never fails on bad syntax)."""
    out: list[str] = []
    negate = False
    for token in _FTS_WORD.findall(query):
        if token == "AND":
            continue
        if token == "OR":
            out.append("or")
            continue
        if token == "NOT":
            negate = True
            continue
        if token.startswith('"'):
            words = token.strip('"').split()
            token = f'"{" ".join(words)}"' if words else ""
        else:
            token = token.rstrip("*")
        if token:
            out.append(("-" if negate else "") + token)
        negate = False
    return " ".join(out)
