"""Event trigger lexicon: ``events.tsv`` rows, inflected and compiled into one automaton.

Verbs are inflected by rule (``sign`` -> signs, signed, signing) with
``irregular_verbs.tsv`` for the exceptions; for a multi-word verb the first
word is inflected ("hold talks" -> "held talks"). The cue table
``modality.tsv`` and the type table ``plover.tsv`` are loaded here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from ..knowledge import Lexicon, split_list
from ..normalize import fold

VOWELS = set("aeiou")


@dataclass(slots=True, frozen=True)
class TriggerDef:
    lemma: str
    pos: str  # verb | noun
    type: str
    preps: tuple[str, ...]  # "0" = direct object
    flags: frozenset[str]


@dataclass(slots=True, frozen=True)
class TriggerForm:
    definition: TriggerDef
    form: str  # base | s | past | pp | ing | noun


@dataclass(slots=True, frozen=True)
class Cue:
    cue: str
    effect: str
    window: int


@dataclass(slots=True, frozen=True)
class EventType:
    type: str
    cameo: str
    weight: float
    quad: str
    meaning: str
    prior: float = 0.85  # how often rule-read events of this type are right


def _double_final(word: str) -> bool:
    """Short consonant-vowel-consonant verbs double their last letter (ban -> banned)."""
    return (
        len(word) <= 4
        and len(word) >= 3
        and word[-1] not in VOWELS | {"w", "x", "y"}
        and word[-2] in VOWELS
        and word[-3] not in VOWELS
    )


def inflect(lemma: str, irregular: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Forms of a verb: base, s (3rd person), past, pp (participle), ing."""
    if lemma in irregular:
        past, pp = irregular[lemma]
    elif lemma.endswith("e"):
        past = pp = lemma + "d"
    elif lemma.endswith("y") and lemma[-2:-1] not in VOWELS:
        past = pp = lemma[:-1] + "ied"
    elif _double_final(lemma):
        past = pp = lemma + lemma[-1] + "ed"
    else:
        past = pp = lemma + "ed"
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in VOWELS:
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if lemma.endswith("ie"):
        ing = lemma[:-2] + "ying"
    elif lemma.endswith("e") and not lemma.endswith("ee"):
        ing = lemma[:-1] + "ing"
    elif (lemma in irregular and irregular[lemma][0].endswith(lemma[-1] * 2 + "ed")) or _double_final(lemma):
        ing = lemma + lemma[-1] + "ing"
    else:
        ing = lemma + "ing"
    return {"base": lemma, "s": third, "past": past, "pp": pp, "ing": ing}


class TriggerLexicon:
    """All event-trigger forms in one automaton, plus cues and type metadata."""

    def __init__(self, lexicon: Lexicon):
        tables = lexicon.tables
        irregular = {r["lemma"]: (r["past"], r["participle"]) for r in tables.get("irregular_verbs", [])}
        self.types = {
            r["type"]: EventType(
                r["type"], r["cameo"], float(r["weight"] or 0), r["quad"], r["meaning"], float(r.get("prior") or 0.85)
            )
            for r in tables.get("plover", [])
        }
        self.cue_words = frozenset(w for r in tables.get("modality", []) for w in fold(r["cue"]).split())
        self.cues = sorted(
            (Cue(fold(r["cue"]), r["effect"], int(r["window"] or 4)) for r in tables.get("modality", [])),
            key=lambda c: -len(c.cue),
        )
        plain = [c for c in self.cues if c.effect != "conditional"]
        self.cue_by_text = {c.cue: c for c in plain}
        self.cue_pattern = re.compile(
            r"(?<= )(" + "|".join(re.escape(c.cue) for c in plain) + r")(?= )" if plain else r"(?!x)x"
        )
        conditional = [c.cue for c in self.cues if c.effect == "conditional"]
        self.conditional_pattern = re.compile(
            r" (?:" + "|".join(re.escape(c) for c in conditional) + r") " if conditional else r"(?!x)x"
        )
        forms: dict[str, list[TriggerForm]] = {}
        self.gapped: dict[str, list[tuple[re.Pattern, TriggerForm]]] = {}  # head surface -> patterns
        verb_words: set[str] = set()
        for row in tables.get("events", []):
            if row["type"] not in self.types:
                raise ValueError(f"{row.get('_line', 'events.tsv')}: unknown event type {row['type']!r}")
            definition = TriggerDef(
                lemma=row["trigger"].lower(),
                pos=row["pos"],
                type=row["type"],
                preps=tuple(split_list(row["preps"])) or ("0",),
                flags=frozenset(f.strip() for f in row["flags"].split(",") if f.strip()),
            )
            if definition.pos == "verb":
                phrase, _, tail = definition.lemma.partition("…")
                head, _, rest = phrase.strip().partition(" ")
                for form, word in inflect(head, irregular).items():
                    verb_words.add(word)
                    if form == "base" and "nobase" in definition.flags:
                        form = (
                            "headline-base"  # "Israeli forces raid camp": only a headline verb right after its subject
                        )
                    surface = f"{word} {rest}".strip()
                    if tail:
                        # "cut … troops": up to four words may stand in the gap
                        self._add_gapped(fold(surface), fold(tail.strip()), TriggerForm(definition, form))
                    else:
                        forms.setdefault(fold(surface), []).append(TriggerForm(definition, form))
            elif "…" in definition.lemma:
                head, _, tail = definition.lemma.partition("…")
                self._add_gapped(fold(head.strip()), fold(tail.strip()), TriggerForm(definition, "noun"))
            else:
                forms.setdefault(fold(definition.lemma), []).append(TriggerForm(definition, "noun"))
        self.verb_words = frozenset(verb_words)
        self.automaton = ahocorasick.Automaton()
        for surface, values in forms.items():
            self.automaton.add_word(surface, (len(surface), tuple(values), ()))
        for head, patterns in self.gapped.items():
            # a gapped trigger is tried only where its head word occurs
            if head in forms:
                self.automaton.add_word(head, (len(head), tuple(forms[head]), tuple(patterns)))
            else:
                self.automaton.add_word(head, (len(head), (), tuple(patterns)))
        self.automaton.make_automaton()

    def _add_gapped(self, head: str, tail: str, form: TriggerForm) -> None:
        """ "cut … troops": the head, up to four words, then the tail."""
        pattern = re.compile(rf"{re.escape(head)}(?:\s+[\w'’$€£.,%-]+){{0,4}}?\s+{re.escape(tail)}\b")
        self.gapped.setdefault(head, []).append((pattern, form))

    def find(self, folded: str) -> list[tuple[int, int, tuple[TriggerForm, ...]]]:
        """Trigger hits on word boundaries, longest first, non-overlapping."""
        n = len(folded)
        hits = []
        for end_index, (length, values, patterns) in self.automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "-"):
                continue  # "U.S.-backed", "Russian-designed": compound modifiers are not events
            if end < n and (folded[end].isalnum() or folded[end] == "-"):
                continue
            if values:
                hits.append((start, end, values))
            for pattern, form in patterns:
                m = pattern.match(folded, start)
                if m is not None:
                    hits.append((start, m.end(), (form,)))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        chosen = []
        last = -1
        for start, end, values in hits:
            if start >= last:
                chosen.append((start, end, values))
                last = end
        return chosen
