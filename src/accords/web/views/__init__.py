"""Dashboard pages, one module per page type; each page has a JSON twin (``.json`` or ``?format=json``)."""

from . import actor, agreement, apidocs, cluster, document, dyad, home, search

ROUTERS = [
    apidocs.router,
    home.router,
    search.router,
    dyad.router,
    agreement.router,
    cluster.router,
    actor.router,
    document.router,
]

__all__ = ["ROUTERS"]
