"""Dashboard pages, one module per page type; each page has a JSON twin (``.json`` or ``?format=json``)."""

from . import actor, agreement, cluster, document, dyad, home, search

ROUTERS = [home.router, search.router, dyad.router, agreement.router, cluster.router, actor.router, document.router]

__all__ = ["ROUTERS"]
