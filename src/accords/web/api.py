"""The REST API (``/api``): the questions of the command line, each object by id with its provenance."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator, StringConstraints

from .. import queries
from ..ingest import FAILED, Ingester
from ..readers import ReaderOptions, make_document
from . import data
from .app import ApiError
from .schemas import Actor as ActorModel
from .schemas import (
    ActorDetail,
    Agreement,
    Cluster,
    Document,
    DocumentIn,
    DocumentSummary,
    Dyad,
    DyadActivity,
    ErrorBody,
    Event,
    IngestResult,
    Page,
    SearchResults,
    Stats,
)

MAX_ID = 2**53
MAX_OFFSET = 1_000_000
CODE = r"^[A-Z][A-Z0-9_-]{0,15}$"  # codes in capitals: RUS, MLI, UN, EU

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Invalid parameters"},
    500: {"model": ErrorBody, "description": "Internal error"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such object"}, **ERRORS}

router = APIRouter(prefix="/api", responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="At most this many items (1-500).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items.")]


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD (pydantic would also take numbers as timestamps)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a YYYY-MM-DD date")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
Since = Annotated[Day | None, Query(description="From this day (YYYY-MM-DD).")]
Until = Annotated[Day | None, Query(description="Up to this day (YYYY-MM-DD).")]
Code = Annotated[str, StringConstraints(pattern=CODE)]
Codes = Annotated[
    list[Code] | None,
    Query(
        max_length=2,
        description="Actor code(s): one for events on either side, two for events between them.",
    ),
]
TypeOpt = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,20}$", description="PLOVER type, e.g. CONSULT.")]


def _days(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """ISO days for the store (a window with since after until is empty, not an error)."""
    return (since.isoformat() if since else None, until.isoformat() if until else None)


def _codes(values: list[str] | None) -> list[str]:
    return [v.upper() for v in values or []]


def _store(request: Request):
    return request.app.state.pool.reader()


@router.get(
    "/stats", response_model=Stats, response_model_exclude_unset=True, summary="Counts of what the knowledge base holds"
)
def stats(request: Request) -> dict:
    with _store(request) as store:
        return queries.stats(store)


@router.get(
    "/dyads",
    response_model=Page[DyadActivity],
    response_model_exclude_unset=True,
    summary="The most active dyads (by event clusters)",
)
def dyads(request: Request, limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Offset = 0) -> dict:
    with _store(request) as store:
        rows = data.top_dyads(store, limit + 1, offset)
    return data.page(rows, limit, offset)


@router.get(
    "/dyads/{a}/{b}",
    response_model=Dyad,
    response_model_exclude_unset=True,
    summary="A relationship at a glance (accords dyad)",
    description="Timeline of event clusters, monthly counts by PLOVER type and the cooperation-conflict "
    "index, the agreement registry, projects, sectors, people, quotes, sources and discrepancies. "
    "`limit` caps the detailed clusters, agreements, quotes, people, sources and discrepancies.",
)
def dyad(
    request: Request,
    a: Annotated[str, Path(pattern=CODE, description="Actor code in capitals, e.g. RUS.")],
    b: Annotated[str, Path(pattern=CODE, description="Actor code in capitals, e.g. MLI.")],
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:
    s, u = _days(since, until)
    with _store(request) as store:
        return queries.dyad(store, a, b, s, u, limit)


@router.get(
    "/agreements",
    response_model=Page[Agreement],
    response_model_exclude_unset=True,
    summary="The agreement registry, newest first",
)
def agreements(
    request: Request,
    party: Annotated[
        list[Code] | None, Query(max_length=2, description="A party code; give two for agreements between both.")
    ] = None,
    sector: Annotated[str | None, Query(max_length=100, description="A sector, e.g. nuclear energy.")] = None,
    status: Annotated[
        str | None, Query(max_length=40, description="signed, negotiating, or a stage (ratified, in force, ...).")
    ] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    s, u = _days(since, until)
    parties = _codes(party)
    with _store(request) as store:
        return data.agreements(store, parties, sector, status, s, u, limit, offset)


@router.get(
    "/agreements/{agreement_id}",
    response_model=Agreement,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="One agreement",
)
def agreement(request: Request, agreement_id: Annotated[int, Path(ge=0, le=MAX_ID)]) -> dict:
    return _show(request, "agreement", str(agreement_id))


def _show(request: Request, kind: str, ident: str) -> dict:
    """One stored object with its provenance, or a 404 error body."""
    with _store(request) as store:
        try:
            return queries.show(store, kind, ident)[kind]
        except queries.NotFound as exc:
            raise ApiError(404, "not_found", str(exc)) from exc


@router.get(
    "/events",
    response_model=Page[Event],
    response_model_exclude_unset=True,
    summary="Stored events (one per report), newest first",
)
def events(
    request: Request,
    type: TypeOpt = None,
    actor: Codes = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    s, u = _days(since, until)
    codes = _codes(actor)
    with _store(request) as store:
        return data.events(store, type, codes, s, u, limit, offset)


@router.get(
    "/events/{event_id}",
    response_model=Event,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="One event",
)
def event(request: Request, event_id: Annotated[int, Path(ge=0, le=MAX_ID)]) -> dict:
    return _show(request, "event", str(event_id))


@router.get(
    "/clusters",
    response_model=Page[Cluster],
    response_model_exclude_unset=True,
    summary="Event clusters (happenings), newest first",
)
def clusters(
    request: Request,
    type: TypeOpt = None,
    actor: Codes = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    s, u = _days(since, until)
    codes = _codes(actor)
    with _store(request) as store:
        return data.clusters(store, type, codes, s, u, limit, offset)


@router.get(
    "/clusters/{cluster_id}",
    response_model=Cluster,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="One cluster with its events",
)
def cluster(request: Request, cluster_id: Annotated[int, Path(ge=0, le=MAX_ID)]) -> dict:
    return _show(request, "cluster", str(cluster_id))


@router.get(
    "/actors",
    response_model=Page[ActorModel],
    response_model_exclude_unset=True,
    summary="Actors merged across documents",
)
def actors(
    request: Request,
    country: Annotated[str | None, Query(pattern=CODE, description="Actors of this state (code).")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="state, organization, person, force, group.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or spelling.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    with _store(request) as store:
        return data.actors(store, country, kind, q, limit, offset)


@router.get(
    "/actors/{ident}",
    response_model=ActorDetail,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="One actor: events, agreements, quotes, partners",
)
def actor(
    request: Request,
    ident: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$", description="Actor id, or a state code.")],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    with _store(request) as store:
        row = data.find_actor(store, ident)
        if row is None:
            raise ApiError(404, "not_found", f"no actor {ident!r}")
        return data.actor_detail(store, row, limit)


@router.get(
    "/documents",
    response_model=Page[DocumentSummary],
    response_model_exclude_unset=True,
    summary="Stored documents, newest first",
)
def documents(
    request: Request,
    source: Annotated[str | None, Query(max_length=200, description="Only this outlet.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    s, u = _days(since, until)
    with _store(request) as store:
        return data.documents(store, source, s, u, limit, offset)


@router.get(
    "/documents/{ident:path}",
    response_model=Document,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
    summary="One document with everything read from it",
)
def document(request: Request, ident: Annotated[str, Path(min_length=1, max_length=2000)]) -> dict:
    return _show(request, "document", ident)


@router.get(
    "/search",
    response_model=SearchResults,
    response_model_exclude_unset=True,
    summary="Search agreements, clusters, actors and documents",
)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words; documents use full-text search.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict:
    with _store(request) as store:
        return data.search(store, q, limit)


bearer = HTTPBearer(auto_error=False, description="The token the server was started with (--token).")


def _writer(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    # WriteGuard has already checked the token before the body was read; this declares it in OpenAPI.
    token = request.app.state.token
    if not token:
        raise ApiError(403, "writing_disabled", "writing is disabled: start the server with --token")
    if credentials is None or credentials.credentials != token:
        raise ApiError(401, "unauthorized", "a valid bearer token is required")


@router.post(
    "/documents",
    response_model=IngestResult,
    response_model_exclude_unset=True,
    status_code=201,
    summary="Analyze and store a document (needs the bearer token)",
    responses={
        200: {"model": IngestResult, "description": "Already stored (unchanged or duplicate)"},
        401: {"model": ErrorBody, "description": "Missing or wrong bearer token"},
        403: {"model": ErrorBody, "description": "Writing is disabled on this server"},
        413: {"model": ErrorBody, "description": "Request body too large"},
    },
    dependencies=[Depends(_writer)],
)
def add_document(request: Request, response: Response, body: DocumentIn) -> dict:
    doc = make_document(
        body.model_dump(mode="json"), origin="POST /api/documents", fallback_id=body.id, options=ReaderOptions()
    )
    if not hasattr(doc, "text"):
        raise ApiError(422, "invalid_document", str(doc))
    pool = request.app.state.pool
    with pool.write() as store:
        ingester = Ingester(store, _pipeline(request))
        report = ingester.ingest([doc])
    outcome = report.errors
    if report.failed:
        raise ApiError(422, "invalid_document", "; ".join(outcome) or "the document could not be stored")
    status = next(s for s in ("added", "replaced", "unchanged", "duplicate") if getattr(report, s))
    with pool.reader() as reader:
        found = reader.rows("doc_find", key=doc.id)
    db_id = next((r["id"] for r in found if r["source"] == doc.source), found[0]["id"] if found else None)
    if status in ("unchanged", "duplicate"):
        response.status_code = 200
    return {
        "status": status,
        "document": doc.id,
        "db_id": db_id,
        "message": "" if status != "duplicate" else "the same text is already stored",
        "fusion": report.fusion,
    }


def _pipeline(request: Request):
    state = request.app.state
    with state.pipeline_lock:
        if state.pipeline is None:
            from ..pipeline import Pipeline

            state.pipeline = Pipeline()
        return state.pipeline


__all__ = ["FAILED", "router"]
