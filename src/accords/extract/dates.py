"""Date expressions in a sentence, resolved against the publication date.

"Monday" is the latest Monday on or before publication (the next one when the
sentence speaks of the future); "June 23" takes the publication year (the
previous year when that would put it well after publication); "yesterday",
"last week", "last month", "last year", "in 2023" and ISO dates are
understood. Each result has a precision: day, week, month or year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTH_RE = "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True)) + "|May"

_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("month_day", re.compile(rf"\b(?i:({_MONTH_RE}))\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")),
    ("day_month", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?i:({_MONTH_RE}))\b\.?(?:,?\s+(\d{{4}}))?")),
    (
        "weekday",
        re.compile(r"\b(?:(last|next|this|on)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ),
    (
        "relative",
        re.compile(
            r"\b(yesterday|today|tonight|tomorrow|last week|next week|last month|next month|"
            r"last year|next year|this year|this week|earlier this week|earlier this month)\b",
            re.I,
        ),
    ),
    ("month_year", re.compile(rf"\b(?:in\s+)?(?i:({_MONTH_RE}))\s+(\d{{4}})\b")),
    ("year", re.compile(r"(?:\b(?:in|since|by|during|of)\s+|^)((?:19|20)\d{2})\b")),
]
_FUTURE = re.compile(r"\b(will|next|scheduled|due to|to be held|upcoming|plans? to|is to|are to)\b", re.I)


@dataclass(slots=True, frozen=True)
class DateMention:
    start: int  # offsets relative to the text searched
    end: int
    value: date
    precision: str  # day | week | month | year


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """All date expressions in ``text`` that can be resolved."""
    future = bool(_FUTURE.search(text))
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = _resolve(kind, m, published, future)
            if resolved is not None:
                found.append(DateMention(m.start(), m.end(), *resolved))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


def _resolve(kind: str, m: re.Match, published: date | None, future: bool) -> tuple[date, str] | None:
    try:
        if kind == "iso":
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day"
        if kind in ("month_day", "day_month"):
            month_word, day_word = (m.group(1), m.group(2)) if kind == "month_day" else (m.group(2), m.group(1))
            month = MONTHS[month_word.lower().rstrip(".")]
            day = int(day_word)
            if m.group(3):
                return date(int(m.group(3)), month, day), "day"
            if published is None:
                return None
            value = date(published.year, month, day)
            if not future and value > published + timedelta(days=7):
                value = date(published.year - 1, month, day)
            return value, "day"
        if kind == "month_year":
            return date(int(m.group(2)), MONTHS[m.group(1).lower()], 1), "month"
        if kind == "year":
            return date(int(m.group(1)), 1, 1), "year"
    except ValueError:
        return None
    if published is None:
        return None
    if kind == "weekday":
        qualifier = (m.group(1) or "").lower()
        target = WEEKDAYS[m.group(2).lower()]
        delta = (published.weekday() - target) % 7
        if qualifier == "next" or (future and qualifier != "last"):
            ahead = (target - published.weekday()) % 7 or 7
            return published + timedelta(days=ahead), "day"
        if qualifier == "last" and delta == 0:
            delta = 7
        return published - timedelta(days=delta), "day"
    word = m.group(1).lower()
    table = {
        "yesterday": (published - timedelta(days=1), "day"),
        "today": (published, "day"),
        "tonight": (published, "day"),
        "tomorrow": (published + timedelta(days=1), "day"),
        "last week": (published - timedelta(days=7), "week"),
        "this week": (published, "week"),
        "earlier this week": (published, "week"),
        "next week": (published + timedelta(days=7), "week"),
        "last month": (_add_months(published, -1), "month"),
        "earlier this month": (published.replace(day=1), "month"),
        "next month": (_add_months(published, 1), "month"),
        "last year": (date(published.year - 1, 1, 1), "year"),
        "this year": (date(published.year, 1, 1), "year"),
        "next year": (date(published.year + 1, 1, 1), "year"),
    }
    return table.get(word)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def nearest_date(dates: list[DateMention], position: int) -> DateMention | None:
    """The date expression closest to ``position`` (a trigger), preferring day precision."""
    if not dates:
        return None
    return min(dates, key=lambda d: (abs((d.start + d.end) // 2 - position), d.precision != "day"))
