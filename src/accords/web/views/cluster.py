"""A cluster (one happening): its reports side by side, what each says, what only one says."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import queries
from .. import data
from ..render import respond
from .common import check_id, not_found, store_of

router = APIRouter(include_in_schema=False)


@router.get("/cluster/{ident}")
@router.get("/cluster/{ident}.json")
def cluster(request: Request, ident: str) -> Response:
    ident = check_id(ident, "cluster")
    with store_of(request) as store:
        try:
            result = data.cluster_detail(store, ident)
        except queries.NotFound as exc:
            raise not_found(str(exc)) from exc
    return respond(request, "cluster.html", result, title=result["cluster"]["label"])
