"""A throwaway PostgreSQL server for the storage tests, and the ``store_url`` fixtures that run
those tests against both backends.

The server is a temporary cluster made with Debian's PostgreSQL binaries
(``/usr/lib/postgresql/<version>/bin``; ``scripts/system-deps.sh`` installs them): ``initdb``
into a temporary directory, started with ``pg_ctl`` on a Unix socket in that directory only (no
TCP port), trust authentication, C locale, fsync off, and stopped and removed at the end of the
session. PostgreSQL refuses to run as root, so under root the cluster runs as the ``postgres``
system user (``runuser``). Every test gets a fresh, uniquely named database, dropped after it.

``ACCORDS_TEST_POSTGRES=postgresql://user@host/db`` uses an existing server instead (the role
must be allowed to create databases). Without binaries or that variable the PostgreSQL tests
fail with an explanation in CI (``CI=true``) and are skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
_counter = itertools.count(1)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_bindir() -> Path | None:
    """The directory with initdb/pg_ctl: $ACCORDS_PG_BIN, Debian's newest version, or PATH."""
    if os.environ.get("ACCORDS_PG_BIN"):
        return Path(os.environ["ACCORDS_PG_BIN"])
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)] or [0],
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PgServer:
    """Creates and drops databases on a server reached with an administrator's URL."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url

    def url(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + quote(dbname)))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self, dbname: str) -> str:
        self._admin(f"CREATE DATABASE \"{dbname}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url(dbname)

    def drop(self, dbname: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, label: str) -> Iterator[str]:
        slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]
        name = f"accords_{os.getpid()}_{next(_counter)}_{slug}"
        url = self.create(name)
        try:
            yield url
        finally:
            self.drop(name)


class TempCluster:
    """``initdb`` + ``pg_ctl start`` into a temporary directory; ``stop`` removes it all."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="accords-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # the server refuses root: run it as an unprivileged system user
            user = "postgres"
            try:
                pwd.getpwnam(user)
            except KeyError:
                user = "nobody"
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.prefix = ["runuser", "-u", user, "--"]
        os.chmod(self.root, 0o700)

    def _run(self, *args: str, timeout: float = 120) -> None:
        cmd = [*self.prefix, *args]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")

    def start(self) -> str:
        bindir = str(self.bindir)
        self._run(
            f"{bindir}/initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.root}' -c port=5432 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            f"{bindir}/pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start"
        )
        return f"postgresql://postgres@/postgres?host={quote(str(self.root), safe='/')}&port=5432"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _unavailable(reason: str) -> None:
    message = (
        f"PostgreSQL tests cannot run: {reason}. Install Debian's packages postgresql and "
        "postgresql-contrib (bash scripts/system-deps.sh), or set ACCORDS_TEST_POSTGRES to a server URL."
    )
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg package is not installed (pip install -e '.[dev]')")
    if os.environ.get("ACCORDS_TEST_POSTGRES"):
        yield PgServer(os.environ["ACCORDS_TEST_POSTGRES"])
        return
    bindir = find_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH")
    cluster = TempCluster(bindir)
    try:
        url = cluster.start()
    except Exception as exc:
        cluster.stop()
        _unavailable(f"the temporary server did not start: {exc}")
    try:
        yield PgServer(url)
    finally:
        cluster.stop()


def _backend_url(request: pytest.FixtureRequest, backend: str, tmp: Path, label: str) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp / "kb.db")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    with server.database(label) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty knowledge base: a SQLite file path, or the URL of a new PostgreSQL database."""
    yield from _backend_url(request, request.param, tmp_path, request.node.name)


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``store_url``, shared by the tests of one module (one database per module and backend)."""
    yield from _backend_url(request, request.param, tmp_path_factory.mktemp("kb"), request.module.__name__)
