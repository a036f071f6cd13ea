"""A relationship: timeline, monthly chart and index, agreements, projects, sectors, people, quotes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import queries
from ..render import respond
from .common import check_code, check_day, store_of

router = APIRouter(include_in_schema=False)


@router.get("/dyad/{a}/{b}")
@router.get("/dyad/{a}/{b}.json")
def dyad(request: Request, a: str, b: str, since: str | None = None, until: str | None = None) -> Response:
    a, b = check_code(a), check_code(b)
    s, u = check_day(since, "since"), check_day(until, "until")
    with store_of(request) as store:
        result = queries.dyad(store, a, b, s, u)
    names = result["names"]
    title = f"{names.get(a, a)} – {names.get(b, b)}"
    types = sorted({t for counts in result["by_month"].values() for t in counts})
    return respond(request, "dyad.html", result, title=title, first=a, second=b, types=types)
