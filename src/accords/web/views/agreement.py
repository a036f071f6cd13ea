"""An agreement: parties, status and stage history, sectors, institution, evidence from every source."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import queries
from .. import data
from ..render import respond
from .common import check_id, not_found, store_of

router = APIRouter(include_in_schema=False)


@router.get("/agreement/{ident}")
@router.get("/agreement/{ident}.json")
def agreement(request: Request, ident: str) -> Response:
    ident = check_id(ident, "agreement")
    with store_of(request) as store:
        try:
            result = data.agreement_detail(store, ident)
        except queries.NotFound as exc:
            raise not_found(str(exc)) from exc
    return respond(request, "agreement.html", result, title=result["agreement"]["title"])
