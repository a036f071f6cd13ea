"""The per-document pipeline: text -> sentences -> mentions/actors -> facts.

:class:`Pipeline` is built once (it holds the lexicon and the matchers) and
then analyzes documents one at a time; :func:`Pipeline.analyze` is a pure
function of the document, so it can run in worker processes or on Spark.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from .extract.agreements import AgreementExtractor
from .extract.context import DocContext
from .extract.events import EventExtractor
from .extract.quotes import QuoteExtractor
from .extract.triggers import TriggerLexicon
from .extract.vocabulary import Vocabulary
from .knowledge import Lexicon, load_lexicon
from .model import Analysis, Document, Mention
from .normalize import fold, normalize_text
from .resolve import Resolver
from .sentences import split_sentences


class Pipeline:
    def __init__(self, lexicon: Lexicon | None = None, dictionaries: Iterable[str | Path] = ()):
        self.lexicon = lexicon or load_lexicon(dictionaries)
        self.resolver = Resolver(self.lexicon)
        triggers = TriggerLexicon(self.lexicon)
        self.events = EventExtractor(triggers)
        vocabulary = Vocabulary(self.lexicon)
        self.agreements = AgreementExtractor(vocabulary)
        self.quotes = QuoteExtractor(vocabulary)
        self.verbs = triggers.verb_words | vocabulary.reporting_verbs

    def analyze(self, doc: Document) -> Analysis:
        analysis = Analysis(document=doc)
        analysis.sentences = split_sentences(doc.text)
        analysis.mentions, analysis.actors = self.resolver.resolve(doc.text, analysis.sentences, doc.published)
        ctx = DocContext.of(analysis, self.lexicon, self.verbs)
        analysis.events = self.events.extract(ctx)
        analysis.agreements = self.agreements.extract(ctx, analysis.events)
        analysis.events = self.events.with_agreements(ctx, analysis.events, analysis.agreements)
        analysis.projects = self.agreements.projects(ctx, analysis.events)
        analysis.quotes = self.quotes.extract(ctx)
        return analysis

    def resolve_phrase(self, text: str, day: date | None = None, context: str = "") -> dict:
        """Resolve one mention, optionally inside a context sentence (``accords resolve``)."""
        text = normalize_text(text)
        context = normalize_text(context) if context else ""
        where = _locate(text, context) if context else None
        body = context if where is not None else text
        start, end = where if where is not None else (0, len(text))
        analysis = self.analyze(Document(id="resolve", text=body, published=day))
        best = _best_mention(analysis.mentions, start, end)
        result = {
            "text": text,
            "code": "",
            "country": "",
            "sector": "",
            "canonical": "",
            "kind": "",
            "role": "",
            "person": "",
            "span": None,
        }
        if best is None:
            return result
        actor = next(a for a in analysis.actors if a.id == best.actor)
        entry = best.entry
        canonical = actor.person or (getattr(entry, "name", "") if entry is not None else "") or actor.name
        result.update(
            code=actor.code,
            country=actor.country,
            sector=actor.sector,
            canonical=canonical if actor.kind != "group" or entry is not None else "",
            kind=actor.kind,
            role=actor.role,
            person=actor.person,
            span=[best.start - start, best.end - start],
        )
        return result


def _locate(text: str, context: str) -> tuple[int, int] | None:
    i = context.find(text)
    if i < 0:
        i = fold(context).find(fold(text))
    return (i, i + len(text)) if i >= 0 else None


def _best_mention(mentions: list[Mention], start: int, end: int) -> Mention | None:
    """The mention overlapping [start, end) the most (ties: the longer mention)."""
    best, best_key = None, (0, 0)
    for m in mentions:
        overlap = min(end, m.end) - max(start, m.start)
        if overlap <= 0:
            continue
        key = (overlap, m.end - m.start)
        if key > best_key:
            best, best_key = m, key
    return best
