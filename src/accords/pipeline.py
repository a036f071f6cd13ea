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
from .resolve import NON_STATE_SECTORS, Resolver
from .sentences import split_sentences


class Pipeline:
    def __init__(self, lexicon: Lexicon | None = None, dictionaries: Iterable[str | Path] = ()):
        self.lexicon = lexicon or load_lexicon(dictionaries)
        self.resolver = Resolver(self.lexicon)
        triggers = TriggerLexicon(self.lexicon)
        vocabulary = Vocabulary(self.lexicon)
        self.events = EventExtractor(triggers, vocabulary.light_verbs)
        self.agreements = AgreementExtractor(vocabulary)
        self.quotes = QuoteExtractor(vocabulary)
        self.verbs = triggers.verb_words | vocabulary.reporting_verbs
        self.resolver.verbs = self.verbs

    def analyze(self, doc: Document) -> Analysis:
        analysis = Analysis(document=doc)
        analysis.sentences = split_sentences(doc.text)
        folded = fold(doc.text)
        analysis.mentions, analysis.actors = self.resolver.resolve(doc.text, analysis.sentences, doc.published, folded)
        ctx = DocContext.of(analysis, self.lexicon, self.verbs, folded)
        analysis.events = self.events.extract(ctx)
        analysis.agreements = self.agreements.extract(ctx, analysis.events)
        analysis.events = self.events.with_agreements(ctx, analysis.events, analysis.agreements)
        analysis.projects = self.agreements.projects(ctx, analysis.events)
        analysis.quotes = self.quotes.extract(ctx)
        return analysis

    def resolve_phrase(self, text: str, day: date | None = None, context: str = "") -> dict:
        """Resolve one mention, optionally inside a context sentence (``accords resolve``).

        The answer is the mention covering most of ``text``; when that mention names no state but
        another part of the phrase does ("trade unions in Denmark"), the phrase's state is used.
        """
        text = normalize_text(text)
        context = normalize_text(context) if context else ""
        where = _locate(text, context) if context else None
        body = context if where is not None else text
        start, end = where if where is not None else (0, len(text))
        sentences = split_sentences(body)
        mentions, actors = self.resolver.resolve(body, sentences, day)
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
        best = _best_mention(mentions, start, end)
        if best is None:
            return result
        by_id = {a.id: a for a in actors}
        actor = by_id.get(best.actor)
        entry = best.entry
        if actor is None:  # a place: it locates, it does not act
            result.update(
                country=best.code,
                canonical=getattr(entry, "name", ""),
                kind="place",
                span=[best.start - start, best.end - start],
            )
            return result
        canonical = actor.person or (getattr(entry, "name", "") if entry is not None else "") or actor.name
        country = actor.country
        code = actor.code
        if not country and not code and actor.kind != "organization":
            states = ("name", "variant", "demonym", "capital", "seat", "place")
            inside = [
                m
                for m in mentions
                if m is not best and start <= m.start and m.end <= end and m.code and m.kind in states
            ]
            if not inside and where is not None:
                # the phrase names no state, its sentence names exactly one: "police" in "Police in Kenya ..."
                around = {m.code for m in mentions if m.code and m.kind in states and not start <= m.start < end}
                inside = [m for m in mentions if m.code in around and m.kind in states] if len(around) == 1 else []
            if inside:
                country = inside[0].code
                code = country if actor.sector not in NON_STATE_SECTORS and actor.sector != "ELI" else ""
        result.update(
            code=code,
            country=country,
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
