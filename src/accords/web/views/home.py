"""Home: the most active dyads, the latest agreements and clusters, a search box."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from .. import data
from ..render import respond
from .common import store_of

router = APIRouter(include_in_schema=False)


@router.get("/")
@router.get("/.json")
@router.get("/index.json")
def home(request: Request) -> Response:
    with store_of(request) as store:
        result = data.home(store, limit=10)
    return respond(request, "home.html", result, title="accords")
