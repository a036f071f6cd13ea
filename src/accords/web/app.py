"""The FastAPI application: the REST API under ``/api`` and the dashboard at ``/``.

``create_app(db_path, token=None)`` builds it. The knowledge base is opened
once read-write (migrating it and finishing any pending fusion); requests
then read through a small pool of read-only connections (one per concurrent
request: a :class:`~accords.store.Store` is not thread-safe). Writing
(``POST /api/documents``) exists only when a token is given and needs it as a
bearer token; request bodies are size-limited before they are read.
"""

from __future__ import annotations

import hmac
import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import fusion
from ..store import Store, StoreError, open_store

log = logging.getLogger("accords.web")

DEFAULT_MAX_BODY = 1 << 20  # 1 MiB
WRITE_PATHS = {("POST", "/api/documents")}


class ApiError(Exception):
    """An error answered with the common error body."""

    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


def error_body(status: int, code: str, message: str, details: list[dict] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith(".json") or request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and "application/json" in accept


class StorePool:
    """Read connections for request threads, and one writer behind a lock.

    Connections are opened on demand and closed by :meth:`close` (at shutdown); a pool
    that was closed opens new ones if it is used again (a test client restarts the app).
    """

    def __init__(self, location: str):
        self.location = location
        self.writer_lock = threading.Lock()
        self._writer: Store | None = None
        self.readonly = False
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        with self.writer_lock:
            self._open_writer()  # create/migrate the file now: errors show at startup
        self.refresh()

    def _open_writer(self) -> Store | None:
        if self._writer is None and not self.readonly:
            try:
                self._writer = open_store(self.location)
            except StoreError:
                raise
            except Exception:  # e.g. a read-only file: serve it as it is
                log.warning("%s: cannot open for writing; serving read-only", self.location)
                self.readonly = True
        return self._writer

    def _open_reader(self) -> Store:
        try:
            store = open_store(self.location, readonly=True)
        except StoreError:
            raise
        except Exception:
            store = open_store(self.location)
        with self._lock:
            self._all.append(store)
        return store

    def refresh(self) -> None:
        """Finish fusion left pending by an ingest (this process's or another's)."""
        with self.writer_lock:
            writer = self._open_writer()
            if writer is not None and writer.scalar("dirty_count"):
                fusion.refresh(writer)

    @contextmanager
    def reader(self) -> Iterator[Store]:
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = self._open_reader()
        try:
            if not self.readonly and store.scalar("dirty_count"):
                self.refresh()
            yield store
        finally:
            self._idle.put(store)

    @contextmanager
    def write(self) -> Iterator[Store]:
        with self.writer_lock:
            writer = self._open_writer()
            if writer is None:
                raise ApiError(403, "read_only", "this knowledge base is served read-only")
            yield writer

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    self._idle.get_nowait()
                except queue.Empty:
                    break
            for store in self._all:
                store.close()
            self._all.clear()
        with self.writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None


class WriteGuard:
    """Authorize writes and cap request bodies before the body is read.

    Writes without a configured token are refused (403), writes without the
    right ``Authorization: Bearer`` token get 401; any body larger than
    ``max_body`` bytes gets 413 (by ``Content-Length``, or while streaming).
    """

    def __init__(self, app: ASGIApp, token: str | None, max_body: int):
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if (scope["method"], scope["path"].rstrip("/")) in WRITE_PATHS:
            problem = self.authorize(headers.get("authorization", ""))
            if problem is not None:
                await problem(scope, receive, send)
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await _json(400, "bad_request", "invalid Content-Length header")(scope, receive, send)
                return
            if int(length) > self.max_body:
                await self.too_large()(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # raised inside the route's body reading: answered by the app's error handler
                    raise StarletteHTTPException(413, f"request body over the limit of {self.max_body} bytes")
            return message

        await self.app(scope, limited, send)

    def too_large(self) -> Response:
        return _json(413, "body_too_large", f"request body over the limit of {self.max_body} bytes")

    def authorize(self, header: str) -> Response | None:
        if not self.token:
            return _json(403, "writing_disabled", "writing is disabled: start the server with --token or ACCORDS_TOKEN")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            response = _json(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer TOKEN)")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return None


def _json(status: int, code: str, message: str, details: list[dict] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, details), status_code=status)


def _validation_details(exc: RequestValidationError) -> tuple[str, list[dict]]:
    details = []
    for err in exc.errors():
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        details.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    parts = []
    for d in details:
        where = ".".join(str(p) for p in d["loc"][1:]) or ".".join(str(p) for p in d["loc"])
        parts.append(f"{where}: {d['msg']}" if where else d["msg"])
    return "; ".join(parts) or "invalid request", details


def create_app(
    db_path: str | Path | None = None,
    token: str | None = None,
    *,
    max_body: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    """The accords web application over the knowledge base at ``db_path``."""
    from . import api, render
    from .views import ROUTERS

    pool = StorePool(str(db_path) if db_path is not None else _default_db())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        pool.close()

    app = FastAPI(
        title="accords",
        version=_version(),
        summary="A source-linked knowledge base of relations between states, read from the news.",
        description=(
            "Read-only unless the server was started with a token. Every list is paginated "
            "(`limit`, `offset`; the answer's `next_offset` is null on the last page). "
            "Every error has the body `{error: {status, code, message, details}}`. "
            "Every dashboard page has a JSON twin (`.json` suffix or `?format=json`)."
        ),
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI loads from a CDN: /api/docs is rendered here instead
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.pool = pool
    app.state.token = token
    app.state.pipeline = None
    app.state.pipeline_lock = threading.Lock()

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _error_response(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        message, details = _validation_details(exc)
        return _error_response(request, 422, "invalid_parameter", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "body_too_large",
        }
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        response = _error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return _error_response(request, 500, "internal_error", f"internal error: {type(exc).__name__}")

    def _error_response(request: Request, status: int, code: str, message: str, details=None) -> Response:
        if wants_json(request):
            return _json(status, code, message, details)
        return render.error_page(request, status, message)

    app.include_router(api.router)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(files("accords.web") / "static")), name="static")
    app.add_middleware(WriteGuard, token=token, max_body=max_body)
    return app


def _default_db() -> str:
    from ..store import default_location

    return default_location()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("accords")
    except Exception:  # pragma: no cover - not installed
        return "0"
