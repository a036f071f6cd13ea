"""Search: agreements and clusters by title, actors by name, documents by full text."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from .. import data
from ..app import ApiError
from ..render import respond, wants_json
from .common import store_of

router = APIRouter(include_in_schema=False)
DYAD_QUERY = re.compile(r"^\s*([A-Za-z]{2,4})\s*[-–/ ]\s*([A-Za-z]{2,4})\s*$")


@router.get("/search")
@router.get("/search.json")
def search(request: Request, q: str = "", limit: int = 20) -> Response:
    q = q.strip()
    if len(q) > 200:
        raise ApiError(422, "invalid_parameter", "q: at most 200 characters")
    limit = max(1, min(limit, 100))
    result: dict = {"query": q, "agreements": [], "clusters": [], "actors": [], "documents": []}
    with store_of(request) as store:
        if q:
            pair = DYAD_QUERY.match(q)
            if pair and not wants_json(request):
                a, b = pair.group(1).upper(), pair.group(2).upper()
                if data.code_known(store, a) and data.code_known(store, b):
                    return RedirectResponse(f"/dyad/{a}/{b}", status_code=303)
            result = data.search(store, q, limit)
    return respond(request, "search.html", result, title=f"Search: {q}" if q else "Search")
