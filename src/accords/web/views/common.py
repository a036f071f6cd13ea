"""What the page modules share: the store of a request, the not-found error, code checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from ...store import Store
from ..app import ApiError

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@contextmanager
def store_of(request: Request) -> Iterator[Store]:
    with request.app.state.pool.reader() as store:
        yield store


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def check_code(value: str) -> str:
    if not CODE.match(value):
        raise not_found(f"{value!r} is not an actor code")
    return value.upper()


def check_day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    from datetime import date

    try:
        if not DAY.match(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(
            422,
            "invalid_parameter",
            f"{name}: {value!r} is not a YYYY-MM-DD date",
            [{"loc": ["query", name], "msg": "not a YYYY-MM-DD date", "type": "value_error"}],
        ) from None


def check_id(value: str, what: str) -> str:
    if not value.isdigit() or len(value) > 15:
        raise not_found(f"no {what} {value!r}")
    return value
