"""Mention finding: every known name, role word and descriptor in a text.

One Aho-Corasick automaton over the accent- and case-folded surface forms of
the whole lexicon, built once and reused. A hit is kept when it sits on word
boundaries, respects the capitalization of the name (``Turkey`` is not
``turkey``; acronyms like ``US`` match only as written), survives the
ambiguity rules of ``ambiguity.tsv``, and is not inside a longer hit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar

import ahocorasick

from .knowledge import Lexicon, Sense
from .model import Sentence
from .normalize import fold


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    text: str
    sentence: int
    senses: list[Sense]

    @property
    def forms(self) -> set[str]:
        return {s.form for s in self.senses}


@dataclass(slots=True, frozen=True)
class _Pattern:
    senses: tuple[Sense, ...]
    upper_tokens: frozenset[int]  # token positions that must start with a capital letter
    exact: frozenset[str]  # when non-empty, the text must be one of these strings exactly
    length: int


_WORD = re.compile(r"\w+", re.UNICODE)


def _upper_positions(surface: str) -> frozenset[int]:
    return frozenset(i for i, tok in enumerate(surface.split()) if tok[:1].isupper())


class Matcher:
    """Finds lexicon hits in text. Build once per lexicon (``Matcher.for_lexicon``)."""

    _instances: ClassVar[dict[int, Matcher]] = {}

    def __init__(self, lexicon: Lexicon, originals: dict[str, list[str]]):
        self.lexicon = lexicon
        self.automaton = ahocorasick.Automaton()
        for folded, senses in lexicon.surfaces.items():
            surfaces = originals.get(folded) or [folded]
            names = [s for s in senses if s.form not in ("role", "descriptor")]
            upper: frozenset[int] = frozenset()
            if names:
                upper = frozenset.intersection(*(_upper_positions(s) for s in surfaces))
            exact = frozenset(s for s in surfaces if s in lexicon.exact_case)
            if len(exact) != len(surfaces):
                exact = frozenset()
            self.automaton.add_word(folded, _Pattern(tuple(senses), upper, exact, len(folded)))
        self.automaton.make_automaton()

    @classmethod
    def for_lexicon(cls, lexicon: Lexicon) -> Matcher:
        matcher = cls._instances.get(id(lexicon))
        if matcher is None or matcher.lexicon is not lexicon:
            matcher = cls(lexicon, lexicon.originals)
            cls._instances[id(lexicon)] = matcher
        return matcher

    def find(self, text: str, sentences: list[Sentence], folded: str | None = None) -> list[Hit]:
        """All accepted hits in ``text``, left to right, longest first, non-overlapping."""
        folded = folded if folded is not None else fold(text)
        folded_sentences: dict[int, str] = {}
        n = len(text)
        candidates: list[tuple[int, int, _Pattern]] = []
        for end_index, pattern in self.automaton.iter(folded):
            end = end_index + 1
            start = end - pattern.length
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < n and folded[end].isalnum():
                continue
            if (
                end + 1 < n
                and folded[end] == "-"
                and folded[end + 1].isalpha()
                and all(sense.form == "surname" for sense in pattern.senses)
            ):
                continue  # "Tan-sun": a fragment of a compound name, not the surname "Tan"
            candidates.append((start, end, pattern))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        starts = [s.start for s in sentences]
        hits: list[Hit] = []
        last_end = -1
        for start, end, pattern in candidates:
            if start < last_end:
                continue
            surface = text[start:end]
            if not self._case_ok(surface, pattern, text, start):
                continue
            sentence = max(0, bisect_right(starts, start) - 1)
            senses = list(pattern.senses)
            if not self._ambiguity_ok(
                surface, text, start, end, sentences[sentence] if sentences else None, folded, folded_sentences
            ):
                continue
            hits.append(Hit(start, end, surface, sentence, senses))
            last_end = end
        return hits

    @staticmethod
    def _case_ok(surface: str, pattern: _Pattern, text: str, start: int) -> bool:
        if pattern.exact:
            return surface in pattern.exact
        if not pattern.upper_tokens:
            return True
        tokens = surface.split()
        for i in pattern.upper_tokens:
            if i < len(tokens) and not (tokens[i][:1].isupper() or tokens[i][:1].isdigit()):
                return False
        return True

    def _ambiguity_ok(
        self,
        surface: str,
        text: str,
        start: int,
        end: int,
        sentence: Sentence | None,
        folded: str,
        cache: dict[int, str],
    ) -> bool:
        rules = self.lexicon.ambiguities.get(folded[start:end])
        if not rules:
            return True
        if sentence is None:
            context = folded
        else:
            context = cache.get(sentence.index)
            if context is None:
                context = cache[sentence.index] = folded[sentence.start : sentence.end]
        words = set(_WORD.findall(context))
        for rule in rules:
            if rule.rule == "lowercase" and surface[:1].islower():
                return False
            if rule.rule == "given-name" and _followed_by_surname(text, end):
                return False
            for cue in rule.cues:
                if (cue in words) if " " not in cue else (cue in context):
                    return False
        return True


_SURNAME_AFTER = re.compile(r" ([A-Z][a-z]+)\b")


def _followed_by_surname(text: str, end: int) -> bool:
    """True when a given name is followed by a capitalized word ("Chad Smith", "Jordan Peterson")."""
    m = _SURNAME_AFTER.match(text, end)
    return bool(m) and m.group(1) not in _NOT_SURNAMES


# Capitalized words that commonly follow a country name without being a surname.
_NOT_SURNAMES = frozenset(
    """On In At And But For With From To The By Of As After Before Since During Under Over Into Is Was Are
    Were Has Had Have Will Would Said Says Told Government President Prime Minister Army Police Forces
    Troops Foreign Defence Defense State Republic Kingdom River Valley""".split()
)
