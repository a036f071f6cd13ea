"""The web dashboard and REST API (``accords serve``): ``create_app(db_path, token=None)``."""

from .app import create_app

__all__ = ["create_app"]
