"""Server-side SVG charts (no JavaScript, no external library).

* :func:`monthly_chart` - stacked bars of happenings per month by PLOVER type, with the
  cooperation-conflict index as a line on its own axis (-10..+10).
* :func:`timeline` - event clusters as dots on a time axis (size: sources, colour: weight).
* :func:`network` - a state's (or a person's) partners around it, edges weighted by events.

Every chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>``, and each mark
carries a ``<title>`` tooltip; the pages put the same numbers in a table for screen readers.
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

from markupsafe import Markup

# PLOVER types from most cooperative to most conflictual, with a colour each
TYPE_COLORS: dict[str, str] = {
    "AID": "#1b7837",
    "COOPERATE": "#4dac26",
    "CONCEDE": "#7fbc41",
    "AGREE": "#2166ac",
    "SUPPORT": "#4393c3",
    "REQUEST": "#92c5de",
    "RETREAT": "#80cdc1",
    "CONSULT": "#5e81b5",
    "ACCUSE": "#fdb863",
    "REJECT": "#e08214",
    "SANCTION": "#b35806",
    "THREATEN": "#f46d43",
    "PROTEST": "#d6604d",
    "MOBILIZE": "#b2182b",
    "COERCE": "#8c2d04",
    "ASSAULT": "#67001f",
}
OTHER_COLOR = "#888888"


def type_color(t: str) -> str:
    return TYPE_COLORS.get(t, OTHER_COLOR)


def type_order(types: set[str] | list[str]) -> list[str]:
    known = [t for t in TYPE_COLORS if t in types]
    return known + sorted(t for t in types if t not in TYPE_COLORS)


def weight_color(w: float | None) -> str:
    """Green for cooperation, red for conflict, grey around zero."""
    if w is None:
        return "#777777"
    w = max(-10.0, min(10.0, w))
    if w >= 0:
        t = w / 10
        return _mix((150, 150, 150), (27, 120, 55), min(1.0, t * 1.6))
    t = -w / 10
    return _mix((150, 150, 150), (178, 24, 43), min(1.0, t * 1.6))


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm) and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def _axis(v: float) -> tuple[int, int]:
    """A round top for an axis holding ``v``, and the step between its ticks (whole numbers)."""
    if v <= 5:
        return max(1, math.ceil(v)), 1
    raw = v / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if raw <= m * mag)
    step = max(1, round(step))
    return step * math.ceil(v / step), step


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def monthly_chart(by_month: dict[str, dict[str, int]], index: list[dict], title: str) -> Markup:
    """Stacked monthly bars by PLOVER type, and the index line."""
    if not by_month:
        return Markup('<p class="empty">No dated happenings.</p>')
    months = _months(min(by_month), max(by_month))
    types = type_order({t for v in by_month.values() for t in v})
    totals = [sum(by_month.get(m, {}).values()) for m in months]
    top, tick = _axis(max(totals) or 1)
    with_index = any(p.get("index") is not None for p in index)
    width, height = 1000, 260
    left, right, top_pad, bottom = 40, 40, 12, 34
    pw, ph = width - left - right, height - top_pad - bottom
    n = len(months)
    step = pw / n
    bar = min(48.0, max(1.0, step * 0.8))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="mc-t mc-d" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="mc-t">{escape(title)}</title>',
        f'<desc id="mc-d">Happenings per month by PLOVER type, {escape(months[0])} to {escape(months[-1])}, '
        f"and the monthly cooperation-conflict index (right axis, -10 to +10).</desc>",
    ]
    # grid and left axis
    for v in range(0, top + 1, tick):
        y = top_pad + ph - ph * v / top
        out.append(f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    # right axis for the index
    if with_index:
        for v in (-10, 0, 10):
            y = top_pad + ph * (10 - v) / 20
            out.append(f'<text class="axis idx" x="{left + pw + 6}" y="{y + 4:.1f}">{v:+d}</text>')
        zero = top_pad + ph / 2
        out.append(f'<line class="zero" x1="{left}" x2="{left + pw}" y1="{zero:.1f}" y2="{zero:.1f}"/>')
    # bars
    for i, m in enumerate(months):
        counts = by_month.get(m, {})
        x = left + i * step + (step - bar) / 2
        y = top_pad + ph
        for t in types:
            c = counts.get(t, 0)
            if not c:
                continue
            h = ph * c / top
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{type_color(t)}">'
                f"<title>{escape(m)} {escape(t)}: {c}</title></rect>"
            )
    # x labels: months when few, years otherwise
    if n <= 24:
        every = 1 if n <= 12 else 2
        for i, m in enumerate(months):
            if i % every == 0:
                x = left + i * step + step / 2
                out.append(f'<text class="axis" x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{m}</text>')
    else:
        for i, m in enumerate(months):
            if m.endswith("-01") or i == 0:
                x = left + i * step
                out.append(
                    f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad + ph}" y2="{top_pad + ph + 4}"/>'
                )
                out.append(f'<text class="axis" x="{x + 2:.1f}" y="{height - bottom + 16}">{m[:4]}</text>')
    # index line (broken where a month has no happenings)
    idx = {p["month"]: p["index"] for p in index if p.get("index") is not None}
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, m in enumerate(months):
        if m in idx:
            x = left + i * step + step / 2
            y = top_pad + ph * (10 - max(-10, min(10, idx[m]))) / 20
            segment.append(f"{x:.1f},{y:.1f}")
            out.append(
                f'<circle class="idx-dot" cx="{x:.1f}" cy="{y:.1f}" r="{5 if n <= 24 else (3 if n <= 60 else 1.8)}">'
                f"<title>{escape(m)} index {idx[m]:+.2f}</title></circle>"
            )
        elif segment:
            segments.append(segment)
            segment = []
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            out.append(f'<polyline class="idx-line" points="{" ".join(seg)}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def legend(types: list[str], index: bool = True) -> Markup:
    items = "".join(
        f'<li><span class="swatch" style="background:{type_color(t)}"></span>{escape(t)}</li>'
        for t in type_order(types)
    )
    if index:
        items += '<li><span class="swatch idx"></span>cooperation–conflict index (right axis)</li>'
    return Markup(f'<ul class="legend">{items}</ul>')


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def timeline(clusters: list[dict], title: str) -> Markup:
    """Clusters as dots on a time axis; each dot links to its cluster page."""
    dated = [(d, c) for c in clusters if (d := _day(c.get("date")))]
    if not dated:
        return Markup('<p class="empty">No dated happenings.</p>')
    dated.sort(key=lambda x: x[0])
    first, last = dated[0][0], dated[-1][0]
    span = max(1, (last - first).days)
    width, left, right = 1000, 60, 60
    pw = width - left - right
    rows: list[float] = []  # last x used in each row
    placed = []
    for d, c in dated:
        r = 4 + min(6, 2 * (c.get("sources") or 1))
        x = left + (pw * (d - first).days / span if last > first else pw / 2)
        for i, last_x in enumerate(rows):
            if x - last_x > 2 * r + 2:
                rows[i] = x
                row = i
                break
        else:
            rows.append(x)
            row = len(rows) - 1
        placed.append((x, row, r, d, c))
    nrows = min(len(rows), 12)
    height = 40 + nrows * 22
    out = [
        f'<svg class="chart timeline" viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="tl-t">{escape(title)}</title>',
        f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{height - 24}" y2="{height - 24}"/>',
        f'<text class="axis" x="{left}" y="{height - 6}" text-anchor="middle">{first.isoformat()}</text>',
    ]
    if last != first:
        out.append(
            f'<text class="axis" x="{left + pw}" y="{height - 6}" text-anchor="middle">{last.isoformat()}</text>'
        )
    for x, row, r, d, c in placed:
        y = height - 36 - min(row, nrows - 1) * 22
        label = f"{d.isoformat()}: {c.get('label', '')} ({c.get('sources', 1)} source(s))"
        out.append(
            f'<a href="/cluster/{int(c["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" '
            f'fill="{weight_color(c.get("weight"))}" class="dot"><title>{escape(label)}</title></circle></a>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def network(center: dict, partners: list[dict], title: str, link_prefix: str = "") -> Markup:
    """The partners of an actor around it; edge width by events, colour by mean weight."""
    if not partners:
        return Markup('<p class="empty">No partners yet.</p>')
    size, cx, cy = 520, 260, 260
    radius = 190
    most = max(p["events"] for p in partners) or 1
    out = [
        f'<svg class="chart network" viewBox="0 0 {size} {size}" role="img" aria-labelledby="nw-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="nw-t">{escape(title)}</title>'
    ]
    n = len(partners)
    nodes = []
    for i, p in enumerate(partners):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        w = 1 + 11 * math.sqrt(p["events"] / most)
        color = weight_color(p.get("mean_weight"))
        out.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{color}" stroke-width="{w:.1f}" '
            f'stroke-opacity="0.7"><title>{escape(p["name"])}: {p["events"]} events</title></line>'
        )
        nodes.append((x, y, angle, p, color))
    for x, y, angle, p, color in nodes:
        r = 6 + 10 * math.sqrt(p["events"] / most)
        anchor = "start" if math.cos(angle) > 0.2 else ("end" if math.cos(angle) < -0.2 else "middle")
        lx = x + (r + 4) * math.cos(angle)
        ly = y + (r + 4) * math.sin(angle) + (4 if anchor != "middle" else (14 if math.sin(angle) > 0 else -6))
        href = f"{link_prefix}{escape(p['code'])}"
        tip = f"{p['name']}: {p['events']} events in {p['clusters']} happenings"
        if p.get("mean_weight") is not None:
            tip += f", mean weight {p['mean_weight']:+.1f}"
        out.append(
            f'<a href="{href}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}" class="node">'
            f'<title>{escape(tip)}</title></circle><text class="label" x="{lx:.1f}" y="{ly:.1f}" '
            f'text-anchor="{anchor}">{escape(p["code"])}</text></a>'
        )
    out.append(
        f'<circle cx="{cx}" cy="{cy}" r="26" class="center"/><text class="label center-label" x="{cx}" '
        f'y="{cy + 5}" text-anchor="middle">{escape(center.get("code") or center.get("name", "")[:10])}</text>'
    )
    out.append("</svg>")
    return Markup("".join(out))
