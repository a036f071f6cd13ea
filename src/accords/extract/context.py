"""Sentence-level structure shared by the extractors: clauses, subjects, objects, coordination, pronouns.

This is a shallow grammar of news English, written over the actor mentions
the resolver found: it knows prepositions, determiners, coordination
("A, B and C"), possessives ("Iran's"), pronouns and clause boundaries, and
uses them to decide who acts and who is acted upon. No parser is needed.
"""

from __future__ import annotations

import itertools
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
_PLURAL_OBJECT = frozenset({"them"})
_PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him", "who", "whom"})
_SINGULAR_PRONOUNS = frozenset({"it", "its"})
_FIRST_PERSON = frozenset({"we", "our"})
_COORD = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+as well as\s+|\s*/\s*)(?:the\s+)?$", re.I)
_MODIFIER_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}$", re.I)
_COMPOUND_AFTER = re.compile(r"^-?(?:led|backed|based|brokered|sponsored|funded|designed|built|made|run|owned|style)\b")
_AUXILIARIES = frozenset({"was", "were", "is", "are", "be", "been", "being", "has", "have", "had", "reportedly"})
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


# Words that can follow a state name used as a subject; any other lower-case word makes the name a
# modifier of the noun it precedes ("the Iraq war", "a UN resolution").
FUNCTION_WORDS = frozenset(
    """and or but nor is was are were has have had will would shall should can could may might must do does did
    also now then still already again reportedly formally officially recently later yesterday today tomorrow
    not never itself themselves alone together too jointly quickly finally immediately earlier once first
    said says say as that which who whom whose while when where if because though although until unless so
    than there here its their his her our this these those once whether""".split()
)


@dataclass(slots=True)
class DocContext:
    """An analyzed document, indexed for the extractors."""

    analysis: Analysis
    lexicon: Lexicon
    text: str
    mentions: list[Mention]
    starts: list[int]
    verbs: frozenset[str] = frozenset()  # word forms known to be verbs (event triggers, reporting verbs)
    headline_end: int = 0  # end of a title-case headline: capitals there do not mark names
    folded: str = ""  # normalize.fold(text), computed once per document

    @classmethod
    def of(
        cls, analysis: Analysis, lexicon: Lexicon, verbs: frozenset[str] = frozenset(), folded: str = ""
    ) -> DocContext:
        mentions = sorted(analysis.mentions, key=lambda m: m.start)
        headline_end = 0
        if analysis.sentences:
            # a headline: the document's title, a first line without final punctuation, or title case
            first = analysis.sentences[0]
            tokens = [t for t in first.text.split() if t[:1].isalpha() and len(t) > 3]
            title_case = bool(tokens) and sum(t[:1].isupper() for t in tokens) / len(tokens) > 0.7
            is_title = bool(analysis.document.title) and first.text == analysis.document.title
            if title_case or is_title or first.text.rstrip()[-1:] not in '.!?"”':
                headline_end = first.end
        return cls(
            analysis, lexicon, analysis.document.text, mentions, [m.start for m in mentions], verbs, headline_end
        )

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

    def place_code(self, mention: Mention) -> str:
        """The state a mention locates: places, and states named even inside a group ("Mali's insurgency")."""
        if mention.kind == "place" or self.code(mention):
            return mention.code or self.code(mention)
        if mention.kind in ("name", "variant", "capital"):
            actor = self.actor(mention)
            return actor.country if actor is not None else ""
        return ""

    # -- structure ------------------------------------------------------------------------------------------

    def after_preposition(self, mention: Mention, floor: int = 0) -> str:
        """The preposition right before a mention ("in Mali" -> "in"), or ""."""
        chunk = self.text[max(floor, mention.start - 30) : mention.start]
        chunk = re.split(r"[,;:()\"“”]", chunk)[-1]  # a comma ends the phrase: "Still On, China Tells"
        before = words(chunk)
        while before and before[-1] in DETERMINERS:
            before.pop()
        return before[-1] if before and before[-1] in PREPOSITIONS else ""

    def next_word(self, position: int) -> str:
        m = _WORD.match(self.text, position + 1) if position < len(self.text) and self.text[position] == " " else None
        return m.group(0) if m else ""

    def is_verb(self, word: str) -> bool:
        """A known verb or function word, or a word shaped like a finite verb ("vows", "signed")."""
        lower = word.lower()
        if lower in self.verbs or lower in FUNCTION_WORDS:
            return True
        return len(lower) > 3 and (lower.endswith("ed") or (lower.endswith("s") and not lower.endswith(("ss", "us"))))

    def is_modifier(self, mention: Mention) -> bool:
        """A mention used as a modifier of a noun: "a UN resolution", "U.S.-led", "the Iraq war"."""
        text = self.text
        if _COMPOUND_AFTER.match(text, mention.end):
            return True
        if mention.role or mention.noun or mention.kind == "person":
            return False
        nxt = self.next_word(mention.end)
        if not nxt or nxt.endswith("ly"):
            return False
        in_headline = mention.start < self.headline_end
        lowercase = nxt[:1].islower() or (in_headline and nxt[:1].isupper() and not self._mention_at(mention.end + 1))
        if not lowercase or nxt.lower() in PREPOSITIONS:
            return False
        if self.is_verb(nxt):
            # "U.S. Groups Ask": a word shaped like a verb but followed by a known verb is a noun
            if nxt.lower() in self.verbs or nxt.lower() in FUNCTION_WORDS:
                return False
            after = self.next_word(mention.end + 1 + len(nxt))
            return bool(after) and after.lower() in self.verbs
        if mention.kind == "demonym":
            return True
        return True

    def _mention_at(self, position: int) -> bool:
        i = bisect_left(self.starts, position)
        return i < len(self.starts) and self.starts[i] == position

    def heads_noun_phrase_to(self, mention: Mention, position: int, passive: bool = False) -> bool:
        """True when a modifier mention's noun phrase runs up to ``position`` ("American activist groups asked";
        with ``passive``, up to the auxiliary: "a Ukrainian patrol boat was seized")."""
        between = self.text[mention.end : position]
        if re.search(r"[,;:()\"“”]", between):
            return False
        tokens = between.split()
        if passive:
            while tokens and tokens[-1].lower() in _AUXILIARIES:
                tokens.pop()
        return 0 < len(tokens) <= 3 and not any(self.is_verb(t) or t.lower() in PREPOSITIONS for t in tokens)

    def coordinated(self, mention: Mention, lo: int, hi: int) -> list[Mention]:
        """The mention with its coordinated siblings ("Britain, France and Germany") inside [lo, hi)."""
        pool = [m for m in self.in_range(lo, hi) if m.kind != "place" or mention.kind == "place"]
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
        if len(group) > 1 and group[0].start >= self.headline_end:
            separators = [self.text[a.end : b.start] for a, b in itertools.pairwise(group)]
            if not any(re.search(r"\band\b|&|as well as|/", sep) for sep in separators):
                return [mention]  # "with Tony Blair, President Bush said": a comma alone is no list
        return group

    def resolve_pronoun(self, pronoun: str, position: int, sent_start: int, exclude: set[str]) -> list[Mention]:
        """What a pronoun at ``position`` refers to: the latest fitting mention (plural: its coordination).

        Non-state mentions count: "militants ... said they negotiated" refers to the militants, and the
        event is then dropped because they are not coded.
        """
        word = pronoun.lower()
        window = [
            m
            for m in self.in_range(max(0, sent_start - 600), position)
            if m.end <= position
            and m.kind != "place"
            and not self.is_modifier(m)
            and (not self.code(m) or self.code(m) not in exclude)
        ]
        if word in _FIRST_PERSON or not window:
            return []
        if word in _PERSON_PRONOUNS:
            if word in ("who", "whom") and window[-1].kind != "person":
                return [window[-1]]
            people = [m for m in window if m.kind == "person"]
            return people[-1:] if people else []
        last = window[-1]
        if word in _SINGULAR_PRONOUNS:
            things = [m for m in window if m.kind != "person"]
            return things[-1:] if things else []
        group = self.coordinated(last, max(0, sent_start - 600), position)
        if len(group) > 1:
            return group
        same_sentence = [m for m in window if m.start >= sent_start and self.code(m)]
        if len({self.code(m) for m in same_sentence}) >= 2:
            return same_sentence
        return [last]

    def last_pronoun(self, start: int, end: int) -> re.Match | None:
        found = None
        for m in _PRONOUN.finditer(self.text, start, end):
            found = m
        return found
