"""Sentence-level structure shared by the extractors: clauses, subjects, objects, coordination, pronouns.

This is a shallow grammar of news English, written over the actor mentions
the resolver found: it knows prepositions, determiners, coordination
("A, B and C"), possessives ("Iran's"), pronouns and clause boundaries, and
uses them to decide who acts and who is acted upon. No parser is needed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..knowledge import Lexicon
from ..model import Analysis, Mention

PREPOSITIONS = frozenset(
    """in at from to into of with on for against over near toward towards by between about under across through
    inside outside within during after before than like including among amid around beyond via vs versus upon onto
    along behind beside besides""".split()
)
DETERMINERS = frozenset(
    """the a an its their his her our this that these those some two three four five six seven eight nine ten
    several many both all new top senior visiting fellow""".split()
)
# Non-state actor types whose country stands for the state's people when they are acted upon
# ("killed Iraqi civilians", "aid to Sudanese refugees").
PEOPLE_SECTORS = frozenset({"CVL", "REF", "HLH", "NGO", "EDU", "LAB", "MED", "REL", "BUS", "AGR"})
# Words after which a clause ends and a new subject begins.
_CLAUSE_BREAK = re.compile(
    r";|:\s|\s[—–]\s|\s-\s|,?\s(?:but|while|whereas|although|though|because|after|before|when|where|which|who|"
    r"amid|despite|even as|since|so that|until|unless)\s|^(?:though|although|while|as|after|before|when)\s",
    re.I,
)
_PRONOUN = re.compile(r"\b(he|she|his|her|him|who|whom|they|their|them|it|its|both of whom|which|we|our)\b", re.I)
_PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him", "who", "whom"})
_SINGULAR_PRONOUNS = frozenset({"it", "its"})
_FIRST_PERSON = frozenset({"we", "our"})
_COORD = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+as well as\s+|\s*/\s*)(?:the\s+)?$", re.I)
_MODIFIER_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}$", re.I)
_COMPOUND_AFTER = re.compile(r"^-?(?:led|backed|based|brokered|sponsored|funded|designed|built|made|run|owned|style)\b")
_WORD = re.compile(r"[\w'’-]+")


def clause_bounds(text: str, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """The clause around [start, end): from the last break before it to the first break after it."""
    clause_start = sent_start
    for m in _CLAUSE_BREAK.finditer(text, sent_start, start):
        clause_start = m.end()
    clause_end = sent_end
    m = _CLAUSE_BREAK.search(text, end, sent_end)
    if m:
        clause_end = m.start()
    return clause_start, clause_end


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(slots=True)
class DocContext:
    """An analyzed document, indexed for the extractors."""

    analysis: Analysis
    lexicon: Lexicon
    text: str
    mentions: list[Mention]
    starts: list[int]

    @classmethod
    def of(cls, analysis: Analysis, lexicon: Lexicon) -> DocContext:
        mentions = sorted(analysis.mentions, key=lambda m: m.start)
        return cls(analysis, lexicon, analysis.document.text, mentions, [m.start for m in mentions])

    def actor(self, mention: Mention):
        return next((a for a in self.analysis.actors if a.id == mention.actor), None)

    def in_range(self, start: int, end: int) -> list[Mention]:
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    def before(self, position: int, limit_start: int) -> list[Mention]:
        return [m for m in self.in_range(limit_start, position) if m.end <= position]

    # -- codes ----------------------------------------------------------------------------------------------

    def code(self, mention: Mention, as_target: bool = False) -> str:
        """The event code of a mention: a coded state or organization, or ""."""
        entry = mention.entry
        if entry is not None and getattr(entry, "kind", "") == "organization" and not entry.coded:
            return ""
        if mention.code:
            return mention.code
        if as_target and mention.sector in PEOPLE_SECTORS:
            actor = self.actor(mention)
            return actor.country if actor is not None else ""
        return ""

    # -- structure ------------------------------------------------------------------------------------------

    def after_preposition(self, mention: Mention, floor: int = 0) -> str:
        """The preposition right before a mention ("in Mali" -> "in"), or ""."""
        before = words(self.text[max(floor, mention.start - 30) : mention.start])
        while before and before[-1] in DETERMINERS:
            before.pop()
        return before[-1] if before and before[-1] in PREPOSITIONS else ""

    def is_modifier(self, mention: Mention) -> bool:
        """A mention used as a modifier: "a UN resolution", "U.S.-led", "the Iraqi elections"."""
        text = self.text
        if _COMPOUND_AFTER.match(text, mention.end):
            return True
        if _MODIFIER_BEFORE.search(text[max(0, mention.start - 40) : mention.start]) and not mention.role:
            nxt = _WORD.match(text, mention.end + 1) if mention.end < len(text) and text[mention.end] == " " else None
            return bool(nxt and nxt.group(0)[:1].islower())
        if mention.kind == "demonym" and not mention.role:
            plural = mention.text.endswith("s") and not mention.text.endswith(("ss", "ese", "is"))
            if not plural:
                nxt = (
                    _WORD.match(text, mention.end + 1) if mention.end < len(text) and text[mention.end] == " " else None
                )
                return bool(nxt and nxt.group(0)[:1].islower())
        return False

    def coordinated(self, mention: Mention, lo: int, hi: int) -> list[Mention]:
        """The mention with its coordinated siblings ("Britain, France and Germany") inside [lo, hi)."""
        pool = self.in_range(lo, hi)
        if mention not in pool:
            return [mention]
        i = pool.index(mention)
        group = [mention]
        j = i
        while j > 0 and _COORD.match(self.text[pool[j - 1].end : pool[j].start]):
            group.insert(0, pool[j - 1])
            j -= 1
        j = i
        while j + 1 < len(pool) and _COORD.match(self.text[pool[j].end : pool[j + 1].start]):
            group.append(pool[j + 1])
            j += 1
        return group

    def resolve_pronoun(self, pronoun: str, position: int, sent_start: int, exclude: set[str]) -> list[Mention]:
        """What a pronoun at ``position`` refers to: the latest fitting mention (plural: its coordination)."""
        word = pronoun.lower()
        window = self.in_range(max(0, sent_start - 600), position)
        window = [m for m in window if m.end <= position and self.code(m) and self.code(m) not in exclude]
        if word in _FIRST_PERSON:
            return []
        if word in _PERSON_PRONOUNS:
            people = [m for m in window if m.kind == "person"]
            if word in ("who", "whom") and window and window[-1].kind != "person":
                return [window[-1]]
            return people[-1:] if people else []
        if not window:
            return []
        last = window[-1]
        if word in _SINGULAR_PRONOUNS:
            states = [m for m in window if m.kind != "person"]
            return states[-1:] if states else []
        group = self.coordinated(last, max(0, sent_start - 600), position)
        if len(group) > 1:
            return group
        same_sentence = [m for m in window if m.start >= sent_start]
        codes = {self.code(m) for m in same_sentence}
        if len(codes) >= 2:
            return same_sentence
        return [last]

    def last_pronoun(self, start: int, end: int) -> re.Match | None:
        found = None
        for m in _PRONOUN.finditer(self.text, start, end):
            found = m
        return found
