"""PLOVER events: who did what to whom, read from trigger words and the sentence around them.

For each trigger (``events.tsv``) the extractor finds:

- the source: a possessor ("Iran's rejection"), the agent of a passive ("was
  attacked by X"), or the subject: the nearest actor to the left in the same
  clause that is not inside a prepositional phrase or used as a modifier, or
  what a pronoun between them refers to; coordinated subjects all count;
- the target: the direct object or the object of one of the trigger's
  prepositions ("met X", "talks with X", "withdrew from X", "talks between X
  and Y"), with its coordinated siblings; for movement triggers a place
  ("deployed to Mali");
- the realis: cues before the trigger (``modality.tsv``) drop negated and
  hypothetical events, turn refusals into REJECT and threatened or
  conditional hostile acts into THREATEN; questions are dropped.

A few constructions need no trigger: joint forces ("US and Iraqi forces",
"US troops with Iraqi soldiers") are COOPERATE, and a head of state
"in" a foreign capital is on a visit (CONSULT).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..model import ActorRef, Event, Evidence, Mention, Sentence
from ..normalize import fold
from .context import FUNCTION_WORDS, PREPOSITIONS, DocContext, clause_bounds, words
from .dates import DateMention, find_dates, nearest_date
from .triggers import TriggerForm, TriggerLexicon

SYMMETRIC = frozenset({"AGREE", "CONSULT", "COOPERATE"})
_SCHEDULING_CUES = frozenset({"expected to", "would", "due to", "scheduled to", "set to"})
HOSTILE = frozenset({"ASSAULT", "SANCTION", "COERCE"})
CONDITIONAL_THREATS = HOSTILE | {"RETREAT", "REJECT"}
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|got|gets)\s+(?:\w+ly\s+)?$", re.I)
_BY = re.compile(r"^\s+by\s+(?:the\s+)?$", re.I)
_BETWEEN = re.compile(r"^\s+between\s+(?:the\s+)?$", re.I)
_POSSESSIVE = re.compile(r"^['’]s?\s+(?:[\w-]+\s+){0,2}$")
_HYPHEN_PAIR = re.compile(r"^\s*[-–]\s*$")
_JOINT_AND = re.compile(r"^\s+and\s+$", re.I)
_JOINT_WITH = re.compile(r"^\s+(?:with|alongside|and)\s+(?:[\w-]+\s+){0,2}$", re.I)
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her|our|this|that)\s+$", re.I)
_RECIPROCAL = re.compile(
    r"\s+(?:\w+\s+)?(?:exchanged|exchange|traded|trade|exchanging|trading)\s+(?:heavy\s+|small-arms\s+)?"
    r"(?:fire|gunfire|shots|artillery fire)|\s+(?:\w+\s+)?clashed\b",
    re.I,
)
_QUANTITY = re.compile(
    r"\s+(?:a total of|a group of|dozens of|hundreds of|thousands of|scores of|a number of|some of|"
    r"several of|more than|at least|about|nearly|around|up to|over)\s+(?:\d[\d,]*\s+)?",
    re.I,
)
_OBJECT_PRONOUN = re.compile(r"\s+(?:(with|to|on|for|from|against)\s+)?(him|her|them)\b", re.I)
_AS_ALLY = re.compile(
    r"^\s+(?:sees|saw|see|considers|considered|regards|regarded|views|viewed|calls|called|"
    r"described|describes|hailed|hails)\s+(?:the\s+)?$",
    re.I,
)
_ALLY_AFTER = re.compile(
    r"\s+as\s+(?:a|an|its|their|his|her|our)?\s*(?:[\w-]+\s+){0,2}(?:ally|allies|partner|partners|"
    r"friend|friends|brother|brothers)\b",
    re.I,
)
_IN_PLACE = re.compile(r"^,\s+(?:in|visiting)\s+$", re.I)
MAX_TARGET_WORDS = 12


@dataclass(slots=True)
class _Candidate:
    type: str
    sources: list[Mention]
    targets: list[Mention]
    symmetric: bool
    confidence: float
    trigger: str
    start: int
    end: int
    sentence: Sentence
    notes: list[str] = field(default_factory=list)
    place_target: bool = False  # the target is a place: a state named as a location counts


class EventExtractor:
    def __init__(self, triggers: TriggerLexicon, light_verbs: frozenset[str] = frozenset()):
        self.triggers = triggers
        self.light_verbs = light_verbs
        self._conditional_cache: dict = {}

    # -- entry point ----------------------------------------------------------------------------------------

    def extract(self, ctx: DocContext) -> list[Event]:
        analysis = ctx.analysis
        text = ctx.text
        folded = ctx.folded or fold(text)
        candidates: list[_Candidate] = []
        sentences = analysis.sentences
        starts = [s.start for s in sentences]
        from bisect import bisect_right

        for start, end, forms in self.triggers.find(folded):
            sentence = sentences[max(0, bisect_right(starts, start) - 1)]
            if sentence.text.rstrip().endswith("?"):
                continue
            if any(m.start <= start < m.end for m in ctx.in_range(max(0, start - 80), end)):
                continue  # a word inside a name: "Free Syrian Army", "Action Committee"
            if (
                text[start].isupper()
                and start > sentence.start
                and start >= ctx.headline_end
                and all(f.definition.pos == "verb" for f in forms)
            ):
                continue  # a capitalized verb mid-sentence is part of a name or title
            for form in forms:
                found = self._frame(ctx, sentence, start, end, form)
                if found is not None:
                    candidates.append(found)
                    break
        for sentence in sentences:
            candidates.extend(self._constructions(ctx, sentence))
        return self._events(ctx, candidates)

    # -- one trigger ----------------------------------------------------------------------------------------

    def _frame(self, ctx: DocContext, sentence: Sentence, start: int, end: int, form: TriggerForm) -> _Candidate | None:
        text = ctx.text
        definition = form.definition
        clause_start, clause_end = clause_bounds(text, start, end, sentence.start, sentence.end)
        event_type = definition.type
        effect, fired = self._modality(text, clause_start, start, sentence, end, ctx.headline_end)
        governing = self._governing_preposition(ctx, clause_start, start) if definition.pos == "noun" else ""
        if governing in _TOPIC_PREPOSITIONS:
            return None  # "a referendum on a pullout", "a debate over sanctions": a topic, not an event
        if governing and effect not in ("negate", ""):
            # "would withdraw from the negotiations with the EU": the modal belongs to "withdraw";
            # the negotiations themselves are a fact
            effect, fired = "", set()
        confidence = 0.75
        notes: list[str] = []
        if effect == "negate":
            return None
        if effect == "refuse":
            event_type, confidence = "REJECT", 0.6
        elif effect == "threat":
            if event_type in SYMMETRIC | {"SUPPORT", "AID"}:
                return None
            event_type, confidence = "THREATEN", 0.65
        elif effect == "conditional":
            if event_type not in CONDITIONAL_THREATS:
                return None
            event_type, confidence = "THREATEN", 0.55
        elif effect == "hypothetical":
            if event_type in HOSTILE and self._reported_by_other(ctx, sentence, clause_start, start):
                return None  # "Analysts said Israel could strike ...": speculation, not a threat
            if event_type in HOSTILE:
                event_type, confidence = "THREATEN", 0.55
            elif event_type != "CONSULT" or not fired <= _SCHEDULING_CUES:
                return None  # hopes, wishes and possibilities are not events; an expected visit is scheduled
            else:
                confidence = 0.6
        elif effect == "future":
            if event_type in HOSTILE and fired & {"plans to", "plan to", "planned to"}:
                return None  # plans to attack are not an attack (nor, unannounced, a threat)
            confidence = 0.65  # announced or scheduled ("will meet", "Poland to cut troops next year")

        if definition.pos == "verb" and form.form == "base" and _DETERMINER_BEFORE.search(text, clause_start, start):
            return None  # "the support of", "a visit": a noun, not the verb
        if form.form == "headline-base" and not (
            start < ctx.headline_end
            and any(m.end <= start and not text[m.end : start].strip() for m in ctx.before(start, clause_start))
        ):
            return None  # "a raid", "the strike": outside headlines these base forms are nouns
        passive = (
            definition.pos == "verb"
            and form.form in ("past", "pp")
            and (_PASSIVE_BEFORE.search(text, max(clause_start, start - 25), start) is not None)
        )
        sources: list[Mention] = []
        targets: list[Mention] = []
        pair: list[Mention] = []
        after = [m for m in ctx.in_range(end, clause_end)]
        if passive or (
            definition.pos == "verb" and form.form in ("past", "pp") and after and _BY.match(text[end : after[0].start])
        ):
            by = [m for m in after if _BY.match(text[end : m.start])]
            if by:
                sources = ctx.coordinated(by[0], end, clause_end)
                left = ctx.before(start, clause_start)
                if passive:
                    targets = self._subject(ctx, sentence, clause_start, start, set(), passive_target=True)
                elif left and text[left[-1].end : start].strip() == "":
                    targets = [left[-1]]
                confidence -= 0.05
            elif passive:
                targets = self._subject(ctx, sentence, clause_start, start, set(), passive_target=True)
                sources = []
            if not targets:
                return None  # "a deal mediated by Turkey and Saudi Arabia": the agents do not act on each other
        else:
            if definition.pos == "noun":
                if self._governed_reference(ctx, clause_start, start):
                    return None
                sources, pair = self._noun_arguments(ctx, start, end, clause_start, clause_end)
            if not sources and not pair and form.form == "ing":
                adjacent = [m for m in ctx.before(start, clause_start) if ctx.text[m.end : start].strip() == ""]
                if adjacent:  # "Israeli ministers calling for ...": the participle's subject stands right before it
                    sources = adjacent[-1:]
                elif re.search(r",\s*(?:and\s+)?$", text[clause_start:start]):
                    # "Trump called Erdoğan, urging him to ...": a participle after a comma shares the subject
                    opening = [
                        m
                        for m in ctx.before(start, clause_start)
                        if self._eligible_subject(ctx, m, clause_start) and not ctx.is_modifier(m)
                    ]
                    sources = ctx.coordinated(opening[0], clause_start, start) if opening else []
            if not sources and not pair:
                sources = self._subject(ctx, sentence, clause_start, start, set())
                if not sources and definition.pos == "noun":
                    # "At a news conference with X, President Bush said": the subject follows
                    sources = self._subject_after(ctx, end, sentence)
            if not pair:
                targets = self._objects(ctx, end, clause_end, definition.preps, "loc" in definition.flags)
                if not targets:
                    targets = self._object_pronoun(ctx, end, clause_end, sentence, sources, definition.preps)
                if not targets and definition.type not in SYMMETRIC:
                    targets = self._pronoun_target(ctx, end, clause_end, sentence, sources)
        if pair:
            sources, targets = pair[:1], pair[1:]
        target_codes = {ctx.code(t, as_target=True) for t in targets}
        if sources and targets and not passive and {ctx.code(m) for m in sources} <= target_codes:
            # "Pakistan said India had violated ... and accused New Delhi": India cannot accuse itself
            sources = self._subject(ctx, sentence, clause_start, start, target_codes)
        if "mil" in definition.flags and not any(m.sector == "MIL" for m in sources):
            return None
        if (
            event_type == "CONSULT"
            and "loc" in definition.flags
            and sources
            and all(m.sector == "MIL" for m in sources)
        ):
            event_type = "MOBILIZE"  # "Turkish soldiers arrived in Qatar": troops do not visit, they deploy
        symmetric = (event_type in SYMMETRIC and "sym" in definition.flags) or event_type in SYMMETRIC
        if targets and definition.pos == "verb":
            # the object's own noun can change the act: "shot down a German proposal" rejects it,
            # "welcomed Sudan's acceptance" supports it
            between = text[end : targets[0].end + 40]
            if event_type == "ASSAULT" and _PROPOSAL_OBJECT.match(between):
                event_type = "REJECT"
            elif definition.type == "CONSULT" and re.match(
                r"[^.;]{0,60}?['’]s\s+(?:[\w-]+\s+)?(?:" + _DECISION_NOUNS + r")\b",
                text[targets[0].start : targets[0].end + 60],
            ):
                event_type = "SUPPORT"
        place_target = "loc" in definition.flags
        if not targets and "self" in definition.flags:
            targets = self._place_in_sentence(ctx, sentence, sources, end)
            place_target = True
            confidence -= 0.15
            notes.append("target from place")
        if not targets and symmetric and len({ctx.code(m) for m in sources if ctx.code(m)}) < 2:
            hyphen = self._hyphen_pair(ctx, clause_start, clause_end)
            if hyphen:
                sources, targets = hyphen[:1], hyphen[1:]
                confidence -= 0.1
        if not sources:
            return None
        if not targets and "sym" in definition.flags and not symmetric and len(sources) > 1:
            # "Ukraine and Russia swapped prisoners": a reciprocal act goes both ways
            return _Candidate(
                event_type,
                sources,
                list(reversed(sources)),
                False,
                confidence,
                text[start:end],
                start,
                end,
                sentence,
                notes,
            )
        if not targets and not (symmetric and len(sources) > 1):
            return None
        return _Candidate(
            event_type,
            sources,
            targets,
            symmetric,
            confidence,
            text[start:end],
            start,
            end,
            sentence,
            notes,
            place_target,
        )

    def _modality(
        self, text: str, clause_start: int, start: int, sentence: Sentence, end: int, headline_end: int = 0
    ) -> tuple[str, set[str]]:
        """The strongest cue before the trigger: negate > refuse > threat > conditional > hypothetical > future.

        Cues are matched longest first, so "plans to" (future) is not also read as "plans" (hypothetical).
        """
        before = " " + " ".join(w for w in words(text[clause_start:start]) if w not in _ADVERBIALS) + " "
        effects: set[str] = set()
        fired: set[str] = set()
        for m in self.triggers.cue_pattern.finditer(before):  # one pass, longest cue first at each place
            cue = self.triggers.cue_by_text[m.group(1)]
            if len(before[m.end() :].split()) < cue.window:
                effects.add(cue.effect)
                fired.add(cue.cue)
        conditional = self._conditional(text, sentence)
        for effect in ("negate", "refuse", "threat"):
            if effect in effects:
                return effect, fired
        if conditional and fired & {"would", "will", "'ll"}:
            # "Iran would withdraw from the talks if they fail": a conditional act is a threat
            return "conditional", fired
        if "future" in effects and "hypothetical" not in effects and start >= headline_end:
            # in running text, "to <verb>" is a purpose or a wish unless a decision introduces it
            plain = words(text[clause_start:start])
            if fired <= {"to"} and not (len(plain) >= 2 and plain[-2] in _DECISION_VERBS):
                return "hypothetical", fired
        for effect in ("hypothetical", "future"):
            if effect in effects:
                return effect, fired
        return "", fired

    def _governing_preposition(self, ctx: DocContext, clause_start: int, start: int) -> str:
        """The preposition a nominal trigger is the object of ("from the negotiations" -> "from"), or ""."""
        tokens = words(ctx.text[clause_start:start])
        while tokens and (tokens[-1] in _NOMINAL_FILLERS or tokens[-1].isdigit()):
            tokens.pop()
        return tokens[-1] if tokens and tokens[-1] in PREPOSITIONS else ""

    def _governed_reference(self, ctx: DocContext, clause_start: int, start: int) -> bool:
        """A nominal event that is the object of another verb refers to it, it does not report it:
        "defended the U.S. invasion of Iraq". Light verbs ("held talks", "launched strikes") report it."""
        position = start
        for _ in range(6):
            before = [
                m
                for m in ctx.before(position, clause_start)
                if ctx.text[m.end : position].strip() in ("", "'s", "’s", "'", "’")
            ]
            if before:
                if ctx.text[before[-1].end : position].strip():
                    return False  # a possessor: "Iran's rejection" reports Iran's act
                position = before[-1].start
                continue
            m = re.search(r"([\w'’-]+)\s*$", ctx.text[clause_start:position])
            if m is None:
                return False
            token = m.group(1).lower()
            if token in _NOMINAL_FILLERS or token.isdigit():
                position = clause_start + m.start()
                continue
            if token in ("and", "or"):  # "restore normalcy and cooperation": skip the coordinated noun
                prev = re.search(r"([\w'’-]+)\s*$", ctx.text[clause_start : clause_start + m.start()])
                if prev is None:
                    return False
                position = clause_start + prev.start()
                continue
            return (
                ctx.is_verb(token)
                and token not in self.light_verbs
                and token not in FUNCTION_WORDS
                and token not in self.triggers.cue_words
            )
        return False

    def _conditional(self, text: str, sentence: Sentence) -> bool:
        """Whether the sentence states a condition ("if", "unless"), cached per sentence."""
        key = (text, sentence.index)
        if self._conditional_cache.get("key") != key:
            words_of = " " + " ".join(words(text[sentence.start : sentence.end])) + " "
            self._conditional_cache = {"key": key, "value": bool(self.triggers.conditional_pattern.search(words_of))}
        return self._conditional_cache["value"]

    def _reported_by_other(self, ctx: DocContext, sentence: Sentence, clause_start: int, position: int) -> bool:
        """Whether the clause is reported ("X said ...") by someone other than its own subject."""
        head = ctx.text[sentence.start : position]
        verbs = list(
            re.finditer(
                r"\b(?:said|says|say|believe|believes|believed|think|thinks|fear|fears|feared|"
                r"warned|warn|warns|suggested|speculated|predicted|estimated)\b",
                head,
            )
        )
        if not verbs:
            return False
        verb_at = sentence.start + verbs[-1].start()
        reporter = [m for m in ctx.in_range(sentence.start, verb_at) if ctx.code(m)]
        subject = self._subject(ctx, sentence, verb_at, position, set())
        if not reporter:
            return True
        return not subject or ctx.code(reporter[-1]) != ctx.code(subject[0])

    def _eligible_subject(self, ctx: DocContext, m: Mention, clause_start: int) -> bool:
        """Whether a mention can be a subject: not a place, not inside a prepositional phrase, and a bare
        demonym only in its collective forms ("Palestinians", "the French"), not "Australian threaten"."""
        if m.kind == "place" or ctx.after_preposition(m, clause_start):
            return False
        if m.kind == "demonym" and not m.role and not m.noun:
            return m.text.lower().startswith("the ") or m.text.endswith("s")
        return True

    def _subject(
        self,
        ctx: DocContext,
        sentence: Sentence,
        clause_start: int,
        position: int,
        exclude: set[str],
        passive_target: bool = False,
    ) -> list[Mention]:
        """The actor(s) acting before ``position``: the nearest eligible mention or what a pronoun stands for.

        A non-state subject is returned as is (the event is then not coded); a modifier whose noun phrase
        runs up to the trigger ("American activist groups asked") means the subject is not an actor.
        """
        if (
            clause_start > sentence.start
            and re.search(r"\bbut\s*$", ctx.text[sentence.start : clause_start], re.I)
            and not ctx.before(position, clause_start)
        ):
            # "Sudan vows to restore order but calls for peacekeepers": the subject is shared
            clause_start = clause_bounds(ctx.text, clause_start - 5, clause_start - 5, sentence.start, sentence.end)[0]
        chosen = None
        if passive_target:
            # the passive subject opens its clause: "Syrian air defence positions south of Damascus were struck"
            opening = [
                m
                for m in ctx.before(position, clause_start)
                if len(words(ctx.text[clause_start : m.start])) <= 3
                and m.kind != "place"
                and not ctx.after_preposition(m, clause_start)
            ]
            if opening:
                return opening[:1]
        for m in reversed(ctx.before(position, clause_start)):
            if (
                passive_target
                and ctx.is_modifier(m)
                and not ctx.after_preposition(m, clause_start)
                and ctx.heads_noun_phrase_to(m, position, passive=True)
            ):
                return [m]  # "a Ukrainian patrol boat was seized": the boat stands for its state
            if not self._eligible_subject(ctx, m, clause_start) or (ctx.code(m) and ctx.code(m) in exclude):
                continue
            if ctx.is_modifier(m):
                if ctx.heads_noun_phrase_to(m, position, passive=passive_target):
                    # "American activist groups asked": the subject is the group, not the state;
                    # but "a Ukrainian patrol boat was seized": the boat stands for its state
                    return [m] if passive_target else []
                continue
            chosen = m
            break
        pronoun = ctx.last_pronoun(chosen.end if chosen else clause_start, position)
        if pronoun is None and chosen is None:
            # the clause opens with a relative pronoun: "Chen, who dismissed Singapore ..."
            relative = re.search(r"\b(who|which|whom)\s*$", ctx.text[sentence.start : clause_start], re.I)
            if relative is not None:
                return ctx.resolve_pronoun(
                    relative.group(1), sentence.start + relative.start(), sentence.start, exclude
                )
        if pronoun is not None:
            resolved = ctx.resolve_pronoun(pronoun.group(1), pronoun.start(), sentence.start, exclude)
            if resolved or chosen is None:
                return resolved
        if chosen is None:
            return []
        return [
            m
            for m in ctx.coordinated(chosen, clause_start, position)
            if m is chosen or self._eligible_subject(ctx, m, clause_start)
        ]

    def _subject_after(self, ctx: DocContext, end: int, sentence: Sentence) -> list[Mention]:
        comma = ctx.text.find(", ", end, sentence.end)
        if comma < 0:
            return []
        following = ctx.in_range(comma, sentence.end)
        for m in following[:2]:
            if self._eligible_subject(ctx, m, comma) and not ctx.is_modifier(m):
                return [m]
        return []

    def _noun_arguments(
        self, ctx: DocContext, start: int, end: int, clause_start: int, clause_end: int
    ) -> tuple[list[Mention], list[Mention]]:
        """Sources of a nominal event: "X's visit", "visit by X", and pairs "talks between X and Y"."""
        text = ctx.text
        before = ctx.before(start, clause_start)
        if before and _POSSESSIVE.match(text[before[-1].end : start]):
            return [before[-1]], []
        if before and _HYPHEN_PAIR.match(text[before[-1].end - 0 : before[-1].end]) is None and len(before) >= 2:
            a, b = before[-2], before[-1]
            if _HYPHEN_PAIR.match(text[a.end : b.start]) and text[b.end : start].strip(" ") == "":
                return [], [a, b]
        after = ctx.in_range(end, clause_end)
        for i, m in enumerate(after):
            gap = text[end : m.start]
            if len(words(gap)) > 4:
                break
            if _BY.match(gap):
                return [m], []
            if _BETWEEN.match(gap) and i + 1 < len(after):
                return [], ctx.coordinated(m, end, clause_end)
        return [], []

    def _objects(self, ctx: DocContext, end: int, clause_end: int, preps: tuple[str, ...], loc: bool) -> list[Mention]:
        """The target after a trigger: a direct object, or the object of one of the trigger's prepositions.

        Up to two words may stand between the preposition and the mention ("with the interim Iraqi prime
        minister"), and an "of"/"from" chain may follow the preposition ("against leaders of Belarus").
        Places (cities, regions) are targets only for movement triggers (``loc``).
        """
        text = ctx.text
        pool = ctx.in_range(end, clause_end)
        quantity = _QUANTITY.match(text, end)
        if quantity:  # "expelled a total of 19 Russian diplomats", "freed more than 200 prisoners"
            end = quantity.end() - 1
        for i, m in enumerate(pool):
            if m.kind == "place" and not loc:
                continue
            if (ctx.is_modifier(m) or (m.kind == "role" and not ctx.code(m, as_target=True))) and _of_follows(
                text, m, pool[i + 1 :]
            ):
                continue  # "the former Soviet republic of Belarus": Belarus is the target, not "Soviet"
            gap = text[end : m.start]
            tokens = words(gap)
            if len(tokens) > MAX_TARGET_WORDS:
                break
            if (
                "0" in preps
                and "," not in gap
                and all(
                    (t in _DIRECT_FILLERS or t.isdigit() or (t not in PREPOSITIONS and not ctx.is_verb(t)))
                    for t in tokens
                )
                and len([t for t in tokens if t not in _DIRECT_FILLERS]) <= 1
            ):
                return ctx.coordinated(m, end, clause_end)
            found = _last_preposition(tokens)
            if found is None:
                continue
            if (
                "0" in preps
                and found[1] in ("of", "by", "from")
                and 1 <= found[0] <= 3
                and not any(t in PREPOSITIONS or ctx.is_verb(t) for t in tokens[: found[0]])
            ):
                return [m]  # "condemned statements by Israeli ministers": the object belongs to its author
            index, prep = found
            rest = [t for t in tokens[index + len(prep.split()) :] if t not in _DIRECT_FILLERS]
            if len(rest) > 2:
                continue
            if prep in preps or (prep == "between" and "between" in preps):
                return ctx.coordinated(m, end, clause_end)
            # "against leaders of the former Soviet republic of Belarus": walk back an of/from chain
            while prep in ("of", "from", "with"):
                earlier = _last_preposition(tokens[:index])
                if earlier is None or index - earlier[0] > 5:
                    break
                index, prep = earlier
                if prep in preps:
                    return [m]
        return []

    def _object_pronoun(
        self,
        ctx: DocContext,
        end: int,
        clause_end: int,
        sentence: Sentence,
        sources: list[Mention],
        preps: tuple[str, ...],
    ) -> list[Mention]:
        """ "thanked him", "met with them", "urged her to": an object pronoun stands for an earlier actor."""
        m = _OBJECT_PRONOUN.match(ctx.text, end, clause_end)
        if m is None or (m.group(1) and m.group(1).lower() not in preps) or (not m.group(1) and "0" not in preps):
            return []
        exclude = {ctx.code(x) for x in sources}
        return [
            r
            for r in ctx.resolve_pronoun(m.group(2), end + m.start(2) - end, sentence.start, exclude)
            if ctx.code(r, as_target=True) and ctx.code(r, as_target=True) not in exclude
        ]

    def _pronoun_target(
        self, ctx: DocContext, end: int, clause_end: int, sentence: Sentence, sources: list[Mention]
    ) -> list[Mention]:
        """ "threatening sanctions on its oil industry": a possessive pronoun after the trigger is the target."""
        window = ctx.text[end : min(clause_end, end + 60)]
        m = re.search(r"\b(its|their)\b", window, re.I)
        if m is None:
            return []
        exclude = {ctx.code(s) for s in sources}
        return [
            r
            for r in ctx.resolve_pronoun(m.group(1), end + m.start(), sentence.start, exclude)
            if ctx.code(r) and ctx.code(r) not in exclude
        ][:1]

    def _place_in_sentence(
        self, ctx: DocContext, sentence: Sentence, sources: list[Mention], after: int = 0
    ) -> list[Mention]:
        """The one state named as a place in the sentence (after the trigger first), other than the source."""
        source_codes = {ctx.code(m) for m in sources}
        places = [
            m
            for m in ctx.in_range(sentence.start, sentence.end)
            if m.kind in _PLACE_KINDS and not m.role and ctx.place_code(m) and ctx.place_code(m) not in source_codes
        ]
        for pool in ([m for m in places if m.start >= after], places):
            if len({ctx.place_code(m) for m in pool}) == 1:
                return pool[:1]
        return []

    def _hyphen_pair(self, ctx: DocContext, lo: int, hi: int) -> list[Mention]:
        pool = ctx.in_range(lo, hi)
        for a, b in itertools.pairwise(pool):
            if _HYPHEN_PAIR.match(ctx.text[a.end : b.start]) and ctx.code(a) and ctx.code(b):
                return [a, b]
        return []

    # -- constructions without a trigger --------------------------------------------------------------------

    def _constructions(self, ctx: DocContext, sentence: Sentence) -> list[_Candidate]:
        found = []
        pool = ctx.in_range(sentence.start, sentence.end)
        text = ctx.text
        for a, b in itertools.pairwise(pool):
            gap = text[a.end : b.start]
            # "Indian and Pakistani troops exchanged fire": reciprocal attacks, not cooperation
            if b.sector == "MIL" and _JOINT_AND.match(gap) and _RECIPROCAL.match(text, b.end):
                found.append(
                    _Candidate(
                        "ASSAULT", [a], [b], False, 0.7, "exchanged fire", a.start, b.end, sentence, ["reciprocal fire"]
                    )
                )
                found.append(
                    _Candidate(
                        "ASSAULT", [b], [a], False, 0.7, "exchanged fire", a.start, b.end, sentence, ["reciprocal fire"]
                    )
                )
                continue
            # "Iraqi and American forces", "US and Iraqi troops", "US troops with Iraqi soldiers"
            # (but "a clash between Turkish and Syrian forces" relates them, it does not join them)
            if re.search(r"\bbetween\s+(?:the\s+)?$", text[max(sentence.start, a.start - 20) : a.start]):
                continue
            if b.sector == "MIL" and (
                (_JOINT_AND.match(gap) and a.kind in ("demonym", "name", "variant"))
                or (a.sector == "MIL" and _JOINT_WITH.match(gap))
            ):
                found.append(
                    _Candidate(
                        "COOPERATE", [a], [b], True, 0.7, gap.strip(), a.start, b.end, sentence, ["joint forces"]
                    )
                )
            # "Mali sees Moscow as a strategic ally": regarding another state as an ally is support
            if _AS_ALLY.match(gap) and _ALLY_AFTER.match(text, b.end) and ctx.code(a) and ctx.code(b):
                found.append(
                    _Candidate(
                        "SUPPORT", [a], [b], False, 0.65, gap.strip(), a.start, b.end, sentence, ["regards as an ally"]
                    )
                )
            # "Chirac, in Beijing, ..." : an official in a foreign capital is on a visit
            if a.kind == "person" and b.kind == "capital" and _IN_PLACE.match(gap):
                found.append(
                    _Candidate(
                        "CONSULT",
                        [a],
                        [b],
                        True,
                        0.6,
                        gap.strip(),
                        a.start,
                        b.end,
                        sentence,
                        ["official in foreign capital"],
                    )
                )
        return found

    # -- assembling events ----------------------------------------------------------------------------------

    def _events(self, ctx: DocContext, candidates: list[_Candidate]) -> list[Event]:
        published = ctx.analysis.document.published
        date_cache: dict[int, list[DateMention]] = {}
        events: dict[tuple[str, str, str], Event] = {}
        for cand in candidates:
            pairs = []
            if cand.targets:
                for s in cand.sources:
                    for t in cand.targets:
                        pairs.append((s, t))
            elif cand.symmetric:
                for i, s in enumerate(cand.sources):
                    for t in cand.sources[i + 1 :]:
                        pairs.append((s, t))
            sentence = cand.sentence
            if sentence.index not in date_cache:
                date_cache[sentence.index] = find_dates(sentence.text, published)
            when = nearest_date(date_cache[sentence.index], cand.start - sentence.start)
            for s, t in pairs:
                src, tgt = ctx.code(s), ctx.code(t, as_target=True) or (ctx.place_code(t) if cand.place_target else "")
                if not src or not tgt or src == tgt:
                    continue
                key = (tgt, cand.type, src) if cand.symmetric and src > tgt else (src, cand.type, tgt)
                evidence = Evidence(sentence.index, sentence.start, sentence.end, sentence.text)
                event = events.get(key)
                if event is None:
                    event = Event(
                        type=cand.type,
                        cameo=self.triggers.types[cand.type].cameo,
                        source=self._ref(ctx, s, src),
                        target=self._ref(ctx, t, tgt),
                        date=when.value if when else published,
                        date_source="text" if when else "published",
                        # the construction's own certainty (0.75 = a plain clause) scaled by the type's prior
                        confidence=round(min(0.97, cand.confidence / 0.75 * self.triggers.types[cand.type].prior), 3),
                        trigger=cand.trigger,
                    )
                    events[key] = event
                else:
                    event.confidence = min(0.99, max(event.confidence, cand.confidence) + 0.05)
                    if event.date_source == "published" and when:
                        event.date, event.date_source = when.value, "text"
                if evidence not in event.evidence:
                    event.evidence.append(evidence)
        return list(events.values())

    def with_agreements(self, ctx: DocContext, events: list[Event], agreements: list) -> list[Event]:
        """Signing an agreement is an AGREE event between its parties: add those the triggers missed."""
        have = {(e.source.code, e.type, e.target.code) for e in events}
        names = {}
        for m in ctx.mentions:
            code = ctx.code(m)
            if code and m.kind != "person" and code not in names:
                names[code] = m
        for agreement in agreements:
            if agreement.status != "signed":
                continue
            parties = sorted(agreement.parties)
            for i, a in enumerate(parties):
                for b in parties[i + 1 :]:
                    if (a, "AGREE", b) in have or (b, "AGREE", a) in have or a not in names or b not in names:
                        continue
                    have.add((a, "AGREE", b))
                    events.append(
                        Event(
                            type="AGREE",
                            cameo=self.triggers.types["AGREE"].cameo,
                            source=self._ref(ctx, names[a], a),
                            target=self._ref(ctx, names[b], b),
                            date=agreement.date,
                            date_source="text" if agreement.date != ctx.analysis.document.published else "published",
                            confidence=0.7,
                            trigger="agreement",
                            evidence=list(agreement.evidence),
                        )
                    )
        return events

    @staticmethod
    def _ref(ctx: DocContext, mention: Mention, code: str) -> ActorRef:
        actor = ctx.actor(mention)
        name = actor.name if actor is not None else mention.text
        if actor is not None and actor.kind == "person":
            name = actor.person
        return ActorRef(code=code, name=name, sector=mention.sector, actor=mention.actor)


# Time words and adverbs that stand between a cue and its verb without changing it ("promised Friday to").
_DECISION_NOUNS = (
    "decision|decisions|move|moves|announcement|acceptance|agreement|offer|proposal|plan|initiative|election|"
    "victory|release|return|efforts|commitment|pledge|statement|readiness|willingness|reforms"
)
_PROPOSAL_OBJECT = re.compile(
    r"\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,3}(?:proposal|plan|bid|idea|motion|resolution|"
    r"request|offer|suggestion|initiative|draft|bill|amendment)s?\b",
    re.I,
)
_TOPIC_PREPOSITIONS = frozenset({"on", "about", "over", "regarding", "concerning"})
_DECISION_VERBS = frozenset(
    """agreed agree agrees decided decide decides announced began begun begin started start continued continue
    moved voted vote ordered order pledged vowed promised prepared prepares""".split()
)
_ADVERBIALS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight now also again
    reportedly formally officially publicly jointly quickly soon later earlier once still""".split()
)
_NOMINAL_FILLERS = frozenset(
    """the a an its their his her our this that new first second latest recent planned proposed joint bilateral
    official high-level two-day three-day one-day two three several more further fresh direct""".split()
)


def _of_follows(text: str, mention: Mention, later: list[Mention]) -> bool:
    """Whether a later mention is attached by "of" within a few words ("Soviet republic of Belarus")."""
    for m in later[:2]:
        between = text[mention.end : m.start]
        if re.search(r"\bof\s+(?:the\s+)?$", between) and len(between.split()) <= 7:
            return True
    return False


def _last_preposition(tokens: list[str]) -> tuple[int, str] | None:
    """The last preposition among ``tokens`` as (index, preposition); "out of" counts as one."""
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] in PREPOSITIONS:
            if tokens[i] == "of" and i > 0 and tokens[i - 1] == "out":
                return i - 1, "out of"
            return i, tokens[i]
    return None


_DIRECT_FILLERS = frozenset(
    """the a an its their his her our two three four five six seven eight nine ten dozens hundreds thousands
    several some many more new top senior visiting fellow former embattled neighbouring neighboring""".split()
)
_PLACE_KINDS = frozenset({"name", "variant", "capital", "seat", "place"})
