"""An actor (person or state): events, agreements and quotes over time; a state's partners as a network."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from starlette.responses import Response

from .. import data
from ..render import respond
from .common import not_found, store_of

router = APIRouter(include_in_schema=False)
IDENT = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@router.get("/actor/{ident}")
@router.get("/actor/{ident}.json")
def actor(request: Request, ident: str) -> Response:
    if not IDENT.match(ident):
        raise not_found(f"no actor {ident!r}")
    with store_of(request) as store:
        row = data.find_actor(store, ident)
        if row is None:
            raise not_found(f"no actor {ident!r}")
        result = data.actor_detail(store, row)
    a = result["actor"]
    state = a["kind"] in ("state", "organization") and a["code"]
    prefix = f"/dyad/{a['code']}/" if state else "/actor/"
    types = sorted({t for counts in result["by_month"].values() for t in counts})
    return respond(request, "actor.html", result, title=a["name"], partner_prefix=prefix, types=types)
