"""The output contract of ``accords extract``: one JSON object per document.

Fields (stable; documented in the README):
``id``, ``published``, ``title``, ``source``, ``url``, ``actors``, ``events``,
``agreements``, ``projects``, ``quotes``, ``errors``.
"""

from __future__ import annotations

from datetime import date

from .model import Agreement, Analysis, Event, Project, Quote


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def event_record(ev: Event) -> dict:
    return {
        "type": ev.type,
        "cameo": ev.cameo,
        "source": ev.source.as_dict(),
        "target": ev.target.as_dict(),
        "date": _day(ev.date),
        "date_source": ev.date_source,
        "confidence": round(ev.confidence, 3),
        "trigger": ev.trigger,
        "sectors": ev.sectors,
        "evidence": [e.as_dict() for e in ev.evidence],
    }


def agreement_record(ag: Agreement) -> dict:
    return {
        "title": ag.title,
        "parties": ag.parties,
        "status": ag.status,
        "stage": ag.stage,
        "date": _day(ag.date),
        "sectors": ag.sectors,
        "count": ag.count,
        "named": ag.named,
        "creates": ag.creates,
        "evidence": [e.as_dict() for e in ag.evidence],
    }


def project_record(p: Project) -> dict:
    return {
        "name": p.name,
        "parties": p.parties,
        "stage": p.stage,
        "sectors": p.sectors,
        "evidence": [e.as_dict() for e in p.evidence],
    }


def quote_record(q: Quote) -> dict:
    return {
        "text": q.text,
        "speaker": q.speaker.as_dict() if q.speaker else None,
        "person": q.person,
        "verb": q.verb,
        "evidence": q.evidence.as_dict() if q.evidence else None,
    }


def analysis_record(analysis: Analysis) -> dict:
    doc = analysis.document
    return {
        "id": doc.id,
        "published": _day(doc.published),
        "title": doc.title,
        "source": doc.source,
        "url": doc.url,
        "actors": [a.as_dict() for a in analysis.actors],
        "events": [event_record(e) for e in analysis.events],
        "agreements": [agreement_record(a) for a in analysis.agreements],
        "projects": [project_record(p) for p in analysis.projects],
        "quotes": [quote_record(q) for q in analysis.quotes],
        "errors": list(analysis.errors),
    }
