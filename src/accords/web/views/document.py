"""A document: its text with every fact's evidence marked, and what was read from it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import queries
from .. import data
from ..render import PrettyJSON, respond
from .common import not_found, store_of

router = APIRouter(include_in_schema=False)


@router.get("/document/{ident:path}")
def document(request: Request, ident: str) -> Response:
    twin = False
    with store_of(request) as store:
        try:
            result = data.document_detail(store, ident)
        except queries.NotFound as exc:
            if not ident.endswith(".json"):
                raise not_found(str(exc)) from exc
            try:  # the JSON twin: /document/ID.json
                result = data.document_detail(store, ident[: -len(".json")])
            except queries.NotFound:
                raise not_found(str(exc)) from exc
            twin = True
    if twin:
        return PrettyJSON(result)
    doc = result["document"]
    return respond(request, "document.html", result, title=doc["title"] or doc["id"])
