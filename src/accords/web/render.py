"""HTML rendering (Jinja2 templates shipped in the package) and the JSON twins of pages."""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse, JSONResponse, Response

from . import charts


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.query_params.get("format") == "json"


class PrettyJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")


def respond(request: Request, template: str, data: dict, title: str, **extra: Any) -> Response:
    """The page, or its JSON twin (``.json`` suffix or ``?format=json``)."""
    if wants_json(request):
        return PrettyJSON(data)
    path = request.url.path
    json_href = f"{quote(path)}.json" if "?" not in path and not path.endswith("/") else "?format=json"
    if request.url.query:
        json_href = f"{quote(path)}?{request.url.query}&format=json"
    html = env().get_template(template).render(request=request, data=data, title=title, json_href=json_href, **extra)
    return HTMLResponse(html)


def error_page(request: Request, status: int, message: str) -> Response:
    titles = {404: "Not found", 422: "Invalid request", 500: "Something went wrong"}
    html = (
        env()
        .get_template("error.html")
        .render(
            request=request, status=status, message=message, title=titles.get(status, f"Error {status}"), json_href=None
        )
    )
    return HTMLResponse(html, status_code=status)


# ----------------------------------------------------------------- filters
def highlight(sentence: str | None, span: str | None) -> Markup:
    """The sentence with the evidence span marked (the whole sentence when the span is not in it)."""
    sentence = sentence or span or ""
    span = (span or "").strip()
    if span and span in sentence:
        i = sentence.index(span)
        return Markup(f"{escape(sentence[:i])}<mark>{escape(span)}</mark>{escape(sentence[i + len(span) :])}")
    return Markup(f"<mark>{escape(sentence)}</mark>")


def document_text(doc: dict) -> Markup:
    """The document text, sentence by sentence (``id="s{n}"``), with every fact's evidence marked."""
    text: str = doc["text"]
    spans: list[tuple[int, int, str]] = []
    for kind in ("events", "agreements", "projects", "quotes"):
        for fact in doc.get(kind, []):
            for e in fact.get("evidence", []):
                if 0 <= e["start"] < e["end"] <= len(text):
                    spans.append((e["start"], e["end"], kind))
    sentences = [(s["start"], s["end"], s["index"]) for s in doc.get("sentences", [])]
    cuts = {0, len(text)}
    for a, b, _ in spans:
        cuts.update((a, b))
    for a, b, _ in sentences:
        cuts.update((max(0, min(a, len(text))), max(0, min(b, len(text)))))
    points = sorted(cuts)
    out: list[str] = []
    current = None
    si = 0
    for p, q in itertools.pairwise(points):
        while si < len(sentences) and sentences[si][1] <= p:
            si += 1
        sent = sentences[si][2] if si < len(sentences) and sentences[si][0] <= p < sentences[si][1] else None
        if sent != current:
            if current is not None:
                out.append("</span>")
            if sent is not None:
                out.append(f'<span class="sent" id="s{sent}">')
            current = sent
        kinds = sorted({k for a, b, k in spans if a <= p and q <= b})
        piece = escape(text[p:q])
        if kinds:
            out.append(f'<mark class="{" ".join("m-" + k for k in kinds)}">{piece}</mark>')
        else:
            out.append(piece)
    if current is not None:
        out.append("</span>")
    return Markup("".join(out))


def snippet(value: str | None) -> Markup:
    """A full-text snippet: the matched words (between ``[`` and ``]``) marked."""
    out = escape(value or "").replace("[", "<mark>").replace("]", "</mark>")
    if out.count("<mark>") != out.count("</mark>"):
        out = escape(value or "")
    return Markup(out)


def pretty(value: str | None) -> str:
    return (value or "").replace("_", " ")


def weight_class(w: float | None) -> str:
    if w is None:
        return "w-none"
    return "w-coop" if w > 0.5 else ("w-conf" if w < -0.5 else "w-neutral")


def signed(w: float | None, digits: int = 2) -> str:
    return "" if w is None else f"{w:+.{digits}f}"


def doc_href(key: str) -> str:
    return "/document/" + quote(key, safe="")


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=PackageLoader("accords.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters.update(
        highlight=highlight,
        pretty=pretty,
        snippet=snippet,
        weight_class=weight_class,
        signed=signed,
        doc_href=doc_href,
        type_color=charts.type_color,
        document_text=document_text,
        urlquote=lambda s: quote(str(s), safe=""),
    )
    e.globals.update(charts=charts)
    return e
