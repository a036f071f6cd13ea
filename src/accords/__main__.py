"""``python -m accords``: the command line."""

from .cli import app

app()
