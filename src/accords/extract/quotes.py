"""Direct quotes and their speakers.

A quote is text between quotation marks in one paragraph. Its speaker is
found in the attribution next to it: after the quote (“…,” said Col Goïta /
“…,” Belousov said), before it (Putin said: “…”), or, for a partial quote
inside a sentence, the sentence's subject with a reporting verb
(``cues.tsv``: said, stressed, called, ...). A quote split by its
attribution (“This approach,” Belousov said, “is the key …”) is joined. A
pronoun speaker ("he said") is the last person named. Quotes with no
reporting verb or no speaker (headlines, names in quotes) are left out.
"""

from __future__ import annotations

import re

from ..model import ActorRef, Evidence, Mention, Quote, Sentence
from .context import DocContext
from .vocabulary import Vocabulary

_QUOTED = re.compile(r"“([^”\n]{1,1500})”|\"([^\"\n]{1,1500})\"")
_PRONOUN_SPEAKER = re.compile(r"\b(he|she)\b", re.I)
_ATTRIBUTION_WINDOW = 90


class QuoteExtractor:
    def __init__(self, vocabulary: Vocabulary):
        self.vocab = vocabulary

    def extract(self, ctx: DocContext) -> list[Quote]:
        text = ctx.text
        spans = [
            (m.start(), m.end(), m.group(1) if m.group(1) is not None else m.group(2)) for m in _QUOTED.finditer(text)
        ]
        quotes: list[Quote] = []
        used: set[int] = set()
        sentences = ctx.analysis.sentences
        for i, (start, end, body) in enumerate(spans):
            if i in used:
                continue
            body = body.strip()
            if self._is_name(ctx, start, end, body):
                continue
            after = text[end : min(len(text), end + _ATTRIBUTION_WINDOW)]
            before_start = max(0, start - _ATTRIBUTION_WINDOW)
            speaker, verb, attribution_end = self._after(ctx, end, after)
            if speaker is None:
                speaker, verb = self._before(ctx, before_start, start)
            if speaker is None:
                speaker, verb = self._subject(ctx, start, sentences)
            if speaker is None or not verb:
                continue
            # a quote split by its attribution: “A,” X said, “B.”
            if attribution_end is not None and i + 1 < len(spans):
                nxt = spans[i + 1]
                between = text[attribution_end : nxt[0]]
                if re.fullmatch(r"[\s,:]*", between):
                    body = f"{body.rstrip(',')} {(nxt[2] or '').strip()}"
                    used.add(i + 1)
                    end = nxt[1]
            sentence = _sentence_at(sentences, start)
            actor = ctx.actor(speaker)
            code = ctx.code(speaker)
            ref = ActorRef(
                code=code,
                name=(actor.person or actor.name) if actor else speaker.text,
                sector=speaker.sector,
                actor=speaker.actor,
            )
            quotes.append(
                Quote(
                    text=body.strip(" ,"),
                    speaker=ref,
                    person=actor.person if actor else "",
                    verb=verb.lower(),
                    evidence=Evidence(sentence.index if sentence else 0, start, end, text[start:end]),
                )
            )
        return quotes

    def _is_name(self, ctx: DocContext, start: int, end: int, body: str) -> bool:
        """Quotation marks around a name or a title ("Africa Corps") are not a quote."""
        inside = ctx.in_range(start, end)
        if inside and inside[0].start <= start + 1 and inside[-1].end >= end - 1 and len(inside) == 1:
            return True
        tokens = body.split()
        return len(tokens) <= 4 and all(t[:1].isupper() for t in tokens) and len(tokens) > 1

    def _speaker_in(self, ctx: DocContext, lo: int, hi: int, last: bool) -> Mention | None:
        """The speaker among the mentions in [lo, hi): a person not inside a prepositional phrase first."""
        people = [m for m in ctx.in_range(lo, hi) if m.kind in ("person", "entity") or ctx.code(m)]
        people = [m for m in people if not ctx.after_preposition(m, lo)] or people
        people = [m for m in people if m.kind == "person"] or people
        if not people:
            return None
        return people[-1] if last else people[0]

    def _pronoun(self, ctx: DocContext, lo: int, hi: int) -> Mention | None:
        if not _PRONOUN_SPEAKER.search(ctx.text, lo, hi):
            return None
        earlier = [m for m in ctx.in_range(max(0, lo - 1500), lo) if m.kind == "person"]
        return earlier[-1] if earlier else None

    def _after(self, ctx: DocContext, end: int, after: str) -> tuple[Mention | None, str, int | None]:
        """“…,” said X / “…,” X said / “…,” X, the …, said"""
        stop = re.search(r"[.!?]\s|“|\"|\n", after)
        window = after[: stop.start() + 1] if stop else after
        verb = self.vocab.reporting_verb.search(window)
        if verb is None or not re.match(r"^[\s,.!?;:–—-]*", window):
            return None, "", None
        head = window[: verb.start()]
        if head.strip(" ,.–—-") and len(head.split()) > 10:
            return None, "", None
        speaker = self._speaker_in(ctx, end, end + len(window), last=False)
        if speaker is None:
            speaker = self._pronoun(ctx, end, end + len(window))
        if speaker is None:
            return None, "", None
        attribution_end = end + verb.end()
        if speaker.end > attribution_end:
            attribution_end = speaker.end
        tail = re.match(r"[^,“\"]*,", ctx.text[attribution_end : attribution_end + 40])
        if tail and len(tail.group(0).split()) <= 3:
            attribution_end += tail.end()
        return speaker, verb.group(0), attribution_end

    def _before(self, ctx: DocContext, lo: int, start: int) -> tuple[Mention | None, str]:
        """X said: “…” / X said that “…”"""
        window = ctx.text[lo:start]
        cut = max(window.rfind(". "), window.rfind("\n"), window.rfind("”"))
        if cut >= 0:
            lo, window = lo + cut + 1, window[cut + 1 :]
        verbs = list(self.vocab.reporting_verb.finditer(window))
        if not verbs:
            return None, ""
        verb = verbs[-1]
        if len(window[verb.end() :].split()) > 12:
            return None, ""
        speaker = self._speaker_in(ctx, lo, lo + verb.start(), last=True) or self._pronoun(ctx, lo, lo + verb.start())
        return speaker, verb.group(0)

    def _subject(self, ctx: DocContext, start: int, sentences: list[Sentence]) -> tuple[Mention | None, str]:
        """A partial quote: the sentence's speaker with a reporting verb before the quote."""
        sentence = _sentence_at(sentences, start)
        if sentence is None:
            return None, ""
        return self._before(ctx, sentence.start, start)


def _sentence_at(sentences: list[Sentence], position: int) -> Sentence | None:
    for s in sentences:
        if s.start <= position < s.end:
            return s
    return sentences[-1] if sentences else None
