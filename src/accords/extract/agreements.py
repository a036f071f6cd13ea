"""Agreements, projects and plans.

Agreements: every agreement noun (``cues.tsv``: agreement, accord, treaty,
pact, memorandum, deal, protocol, ...) with a status cue in its sentence
("signed", "ratified", "negotiating", "expected to sign") becomes a record.
Enumerations ("(i) an agreement on ...; (ii) ...", numbered or bulleted
lists) give one record per item and inherit status and parties from the
sentence that introduces them. A title is built from the noun and its
complement ("Agreement on cooperation in the peaceful use of nuclear
energy"); "between A and B" gives the parties; coordinated topical modifiers
("air, rail and energy deals") give one record each; "a series of
agreements" or "three accords" without names give one unnamed record with
its ``count``. An agreement "on creating" a capitalized institution records
it in ``creates``. Parties come from the agreement's own words, else from
the AGREE events of its sentence, else from the actors of its sentence, else
from the document's main dyad.

Projects: a project noun (plant, pipeline, railway, port, ...) with a stage
cue ("discussions included", "under construction", "inaugurated") and at
least one state in its noun phrase. Plans: "cooperation set to extend into
X, Y and Z" and similar cues give a planned-cooperation record.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ..model import Agreement, Event, Evidence, Mention, Project, Sentence
from .context import DocContext, clause_bounds, words
from .dates import find_dates, nearest_date
from .vocabulary import Vocabulary

SIGNED_STAGES = frozenset({"signed", "ratified", "in force", "suspended", "withdrawn"})
_ENUM_MARK = re.compile(
    r"(?:^|\s)\((?:i{1,3}|iv|vi{0,3}|ix|x|[a-h]|\d{1,2})\)\s+|(?:^|\n)\s*(?:[-•*▪]|\d{1,2}[.)])\s+"
    r"|(?:(?<=:)|(?<=;))\s+(?:first|second|third|fourth|fifth|sixth),\s+"
)
_COMPLEMENT = re.compile(
    r"^\s+(on|for|concerning|regarding|about)\s+(?!(?:the\s+)?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|sidelines)\b)",
    re.I,
)
_BETWEEN = re.compile(r"^\s+(?:signed\s+)?between\s+", re.I)
_COMPLEMENT_END = re.compile(
    r";|\.\s|\.$|,\s+(?:which|who|that|while|whereas|but|after|as|and\s+(?:the|a|an)\s+(?:other|another))|"
    r"\s+and\s+another\b|"
    r"\s+as well as\b|\s+was\s+signed|\s+were\s+signed|,\s+(?:signed|sealed|reached)\b|\s+\("
)
_TEMPORAL = re.compile(
    r"(?:the\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|sidelines|margins|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"\d{1,4}\b|this\s+week|last\s+week|the\s+occasion)\b",
    re.I,
)
_ANAPHOR = re.compile(r"\b(?:the|these|those|this|that|such|both|all|its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozens": None,
    "several": None,
}
_COUNT_BEFORE = re.compile(
    r"\b(\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:[\w-]+\s+){0,2}$", re.I
)
_MODIFIER_LIST = re.compile(
    r"((?:[\w-]+\s+){0,3}[\w-]+(?:\s*,\s*(?:[\w-]+\s+){0,3}[\w-]+)*\s*(?:,\s*)?(?:and|&)\s+(?:[\w-]+\s+){0,3}[\w-]+)\s+$",
    re.I,
)
_STOP_MODIFIERS = frozenset(
    """a an the new several series of flurry raft set number package slew range host signed three two four five
    bilateral intergovernmental comprehensive some many various other further key major landmark historic its their
    following""".split()
)
_CAPITALIZED_RUN = re.compile(
    r"(?:an?\s+|the\s+)?((?:[A-Z][\w’'–-]*,?)(?:\s+(?:[A-Z][\w’'–-]*,?|of|for|and|on|the|in|&))*)"
)


def _agreement_title(noun: str, complement: str) -> str:
    head = noun[:1].upper() + noun[1:]
    return f"{head} {complement}".strip() if complement else head


class AgreementExtractor:
    def __init__(self, vocabulary: Vocabulary):
        self.vocab = vocabulary

    # -- agreements -----------------------------------------------------------------------------------------

    def extract(self, ctx: DocContext, events: list[Event]) -> list[Agreement]:
        text = ctx.text
        analysis = ctx.analysis
        published = analysis.document.published
        main = _main_dyad(events)
        records: list[tuple[Agreement, int]] = []  # (agreement, sentence index)
        covered: list[tuple[int, int]] = []
        # enumerations first: their items are read as a unit
        for sentence in analysis.sentences:
            items = list(self._enumeration_items(sentence))
            if len(items) < 2:
                continue
            header_status, header_date, header_parties = self._header(ctx, sentence, events, published)
            first = _ENUM_MARK.search(sentence.text)
            header_noun = self.vocab.agreement_noun.search(
                text, max(sentence.start - 200, 0), sentence.start + (first.start() if first else 0)
            )
            if header_noun is not None and header_noun.start() >= sentence.start:
                # "signed three accords: (1) ...": the header counts the items, it is not one more agreement
                covered.append((header_noun.start(), header_noun.end()))
                count = _COUNT_BEFORE.search(text[max(sentence.start, header_noun.start() - 40) : header_noun.start()])
                number = None
                if count:
                    word = count.group(1).lower()
                    number = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
                if number and number > len(items) and header_parties:
                    records.append(
                        (
                            Agreement(
                                title=f"unnamed {self.vocab.value('agreement_noun', header_noun.group(0).lower()) or 'agreement'}s",
                                parties=header_parties,
                                status=(header_status or ("signed", "signed"))[0],
                                stage=(header_status or ("signed", "signed"))[1],
                                date=header_date or published,
                                count=number - len(items),
                                named=False,
                                evidence=[Evidence(sentence.index, sentence.start, sentence.end, sentence.text)],
                            ),
                            sentence.index,
                        )
                    )
            for start, end in items:
                m = self.vocab.agreement_noun.search(text, start, end)
                item_status = self._item_status(text, start, end) or header_status or ("signed", "signed")
                if m is None:
                    if header_noun is None:
                        continue
                    # "signed three accords: (1) a maritime boundary ...; (2) ...": the header names the kind
                    covered.append((start, end))
                    agreement = self._from_item(
                        ctx, sentence, header_noun, start, end, item_status, events, main, published, header_parties
                    )
                else:
                    covered.append((start, end))
                    agreement = self._from_phrase(
                        ctx,
                        sentence,
                        m,
                        end,
                        item_status,
                        events,
                        main,
                        published,
                        header_parties,
                    )
                if agreement is not None:
                    if header_date is not None and agreement.date == published:
                        agreement.date = header_date
                    records.append((agreement, sentence.index))
        headline_status = None
        if analysis.sentences and self.vocab.agreement_noun.search(analysis.sentences[0].text):
            first = analysis.sentences[0]
            headline_status = self._status(ctx, first, first.start)
        for sentence in analysis.sentences:
            for m in self.vocab.agreement_noun.finditer(text, sentence.start, sentence.end):
                if any(s <= m.start() < e for s, e in covered):
                    continue
                status = self._status(ctx, sentence, m.start())
                if status is None and sentence.index > 0:
                    status = headline_status
                if status is None:
                    continue
                for agreement in self._from_mention(ctx, sentence, m, status, events, main, published):
                    records.append((agreement, sentence.index))
            for m in self.vocab.commitment_noun.finditer(text, sentence.start, sentence.end):
                # "a pledge to strengthen collaboration on nuclear energy" inside reported agreements
                if not self.vocab.agreement_noun.search(text, sentence.start, sentence.end):
                    continue
                if any(s <= m.start() < e for s, e in covered):
                    continue
                agreement = self._commitment(ctx, sentence, m, events, main, published)
                if agreement is not None:
                    records.append((agreement, sentence.index))
        merged = _merge([a for a, _ in records])
        merged = self._drop_redundant(merged, analysis.sentences, records)
        merged.extend(self._from_events(ctx, events, merged))
        return merged

    def _enumeration_items(self, sentence: Sentence):
        text = sentence.text
        marks = list(_ENUM_MARK.finditer(text))
        for i, mark in enumerate(marks):
            start = mark.end()
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            yield sentence.start + start, sentence.start + end

    def _header(
        self, ctx: DocContext, sentence: Sentence, events: list[Event], published: date | None
    ) -> tuple[tuple[str, str] | None, date | None, list[str]]:
        """Status, date and parties stated before an enumeration (same sentence or up to 3 before)."""
        sentences = ctx.analysis.sentences
        first = _ENUM_MARK.search(sentence.text)
        scopes = [(sentence.start, sentence.start + (first.start() if first else 0))]
        scopes += [(s.start, s.end) for s in reversed(sentences[max(0, sentence.index - 3) : sentence.index])]
        status = None
        when = None
        parties: list[str] = []
        for start, end in scopes:
            chunk = ctx.text[start:end]
            if status is None:
                cues = list(self.vocab.status.finditer(chunk))
                cue = cues[-1] if cues else None
                if cue is not None:
                    stage = self.vocab.value("agreement_status", cue.group(0))
                    status = ("signed" if stage in SIGNED_STAGES else "negotiating", stage)
            if when is None:
                dates = [d for d in find_dates(chunk, published) if d.precision == "day"]
                if dates:
                    when = dates[0].value
        for s in reversed(sentences[: sentence.index + 1]):
            if when is None:
                dates = [d for d in find_dates(s.text, published) if d.precision == "day"]
                if dates:
                    when = dates[0].value
        return status, when, parties

    def _status(self, ctx: DocContext, sentence: Sentence, position: int) -> tuple[str, str] | None:
        """The status cue nearest to an agreement noun in its clause (else its sentence)."""
        clause_start, clause_end = clause_bounds(ctx.text, position, position, sentence.start, sentence.end)
        best = None
        for lo, hi in ((clause_start, clause_end), (sentence.start, sentence.end)):
            for cue in self.vocab.status.finditer(ctx.text, lo, hi):
                distance = abs(cue.start() - position)
                if len(ctx.text[min(cue.start(), position) : max(cue.start(), position)].split()) > 10:
                    continue  # too far to be this agreement's status
                if best is None or distance < best[0]:
                    best = (distance, cue.group(0))
            if best is not None:
                break
        if best is None:
            return None
        stage = self.vocab.value("agreement_status", best[1])
        before = words(ctx.text[max(sentence.start, position - 40) : position])
        if any(w in ("not", "never", "no") for w in before[-3:]):
            return None
        if re.search(r"\b(?:if|unless|whether)\b", ctx.text[clause_start:position], re.I):
            return None  # "if it struck a deal": a condition, not an agreement
        return ("signed" if stage in SIGNED_STAGES else "negotiating", stage)

    def _from_mention(
        self,
        ctx: DocContext,
        sentence: Sentence,
        m: re.Match,
        status: tuple[str, str],
        events: list[Event],
        main: tuple[str, str] | None,
        published: date | None,
    ) -> list[Agreement]:
        text = ctx.text
        noun_text = m.group(0).lower()
        noun = self.vocab.value("agreement_noun", noun_text) or noun_text
        before = text[max(sentence.start, m.start() - 80) : m.start()]
        after_end = self._complement_end(text, m.end(), sentence.end)
        complement = text[m.end() : after_end]
        has_complement = bool(_COMPLEMENT.match(complement)) or bool(_BETWEEN.match(complement))
        unnamed = bool(self.vocab.unnamed.search(before[-40:] + " " + m.group(0)))
        anaphoric = bool(_ANAPHOR.search(before)) and not has_complement
        if noun == "document" and not (unnamed or _COUNT_BEFORE.search(before)):
            return []
        if anaphoric and not unnamed:
            return []
        count_match = _COUNT_BEFORE.search(before)
        count = None
        if count_match:
            word = count_match.group(1).lower()
            count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
        modifiers = self._modifiers(before)
        parties = self._parties(ctx, sentence, m.start(), after_end, events, main)
        if len(parties) < 2:
            return []
        when = self._date(ctx, sentence, m.start(), published)
        evidence = [Evidence(sentence.index, sentence.start, sentence.end, sentence.text)]
        agreements = []
        if len(modifiers) >= 2 and not has_complement:
            for modifier in modifiers:
                agreements.append(
                    Agreement(
                        title=f"{modifier[:1].upper()}{modifier[1:]} {noun}",
                        parties=parties,
                        status=status[0],
                        stage=status[1],
                        date=when,
                        sectors=self.vocab.sectors(modifier),
                        evidence=list(evidence),
                    )
                )
            return agreements
        title_complement = self._title_complement(complement)
        named = (has_complement and bool(title_complement)) or (bool(modifiers) and not unnamed and count is None)
        if named:
            if title_complement:
                title = _agreement_title(noun, title_complement)
            else:
                title = f"{modifiers[0][:1].upper()}{modifiers[0][1:]} {noun}"
            sectors = self.vocab.sectors(title)
        else:
            title = f"unnamed {noun}s" if not noun.endswith("s") else f"unnamed {noun}"
            sectors = self.vocab.sectors(ctx.text[sentence.start : sentence.end])
        return [
            Agreement(
                title=title,
                parties=parties,
                status=status[0],
                stage=status[1],
                date=when,
                sectors=sectors,
                count=count if not named else None,
                named=named,
                creates=self._creates(complement) if named else "",
                evidence=evidence,
            )
        ]

    def _from_phrase(
        self,
        ctx: DocContext,
        sentence: Sentence,
        m: re.Match,
        item_end: int,
        status: tuple[str, str],
        events: list[Event],
        main: tuple[str, str] | None,
        published: date | None,
        header_parties: list[str],
    ) -> Agreement | None:
        """One enumeration item: "an agreement between A and B on X"."""
        text = ctx.text
        noun_text = m.group(0).lower()
        noun = self.vocab.value("agreement_noun", noun_text) or noun_text
        complement = text[m.end() : item_end].rstrip(" ;,.")
        complement = re.sub(r"\s*;?\s*(?:and)?\s*$", "", complement)
        parties = self._parties(ctx, sentence, m.start(), item_end, events, main) or header_parties
        if len(parties) < 2:
            return None
        title_complement = self._title_complement(complement)
        title = _agreement_title(noun, title_complement)
        return Agreement(
            title=title,
            parties=parties,
            status=status[0],
            stage=status[1],
            date=self._date(ctx, sentence, m.start(), published),
            sectors=self.vocab.sectors(title),
            named=True,
            creates=self._creates(complement),
            evidence=[Evidence(sentence.index, m.start(), item_end, text[m.start() : item_end])],
        )

    def _item_status(self, text: str, start: int, end: int) -> tuple[str, str] | None:
        """A status stated inside an enumeration item ("(iii) an education accord is still being negotiated")."""
        cues = list(self.vocab.status.finditer(text, start, end))
        if not cues:
            return None
        stage = self.vocab.value("agreement_status", cues[-1].group(0))
        return ("signed" if stage in SIGNED_STAGES else "negotiating", stage)

    def _from_item(
        self,
        ctx: DocContext,
        sentence: Sentence,
        header_noun: re.Match,
        start: int,
        end: int,
        status: tuple[str, str],
        events: list[Event],
        main: tuple[str, str] | None,
        published: date | None,
        header_parties: list[str],
    ) -> Agreement | None:
        """An enumeration item without its own noun: the header's noun and the item's words make the title."""
        text = ctx.text
        body = re.sub(r"\s+", " ", text[start:end]).strip(" ;,.")
        body = re.sub(r"^(?:and|or)\s+", "", body)
        body = re.sub(r"\s*;?\s*(?:and|or)$", "", body).strip(" ;,.")
        body = re.sub(r"^(?:on|for|covering|concerning|regarding)\s+", "", body, flags=re.I)
        body = re.sub(r"^(?:a|an|the)\s+", "", body, flags=re.I)
        if len(body.split()) < 2:
            return None
        noun_text = header_noun.group(0).lower()
        noun = self.vocab.value("agreement_noun", noun_text) or noun_text
        if noun == "document":
            noun = "agreement"
        parties = self._parties(ctx, sentence, start, end, events, main) or header_parties
        if len(parties) < 2:
            return None
        title = _agreement_title(noun, f"on {body}")
        return Agreement(
            title=title,
            parties=parties,
            status=status[0],
            stage=status[1],
            date=self._date(ctx, sentence, start, published),
            sectors=self.vocab.sectors(title),
            named=True,
            creates=self._creates(text[start:end]),
            evidence=[Evidence(sentence.index, start, end, text[start:end])],
        )

    def _commitment(
        self,
        ctx: DocContext,
        sentence: Sentence,
        m: re.Match,
        events: list[Event],
        main: tuple[str, str] | None,
        published: date | None,
    ) -> Agreement | None:
        text = ctx.text
        end = self._complement_end(text, m.end(), sentence.end)
        complement = text[m.end() : end].strip()
        if not complement.lower().startswith("to "):
            return None
        status = self._status(ctx, sentence, m.start()) or ("signed", "signed")
        parties = self._parties(ctx, sentence, m.start(), end, events, main)
        if len(parties) < 2:
            return None
        noun = self.vocab.value("commitment_noun", m.group(0).lower()) or m.group(0).lower()
        title = _agreement_title(noun, complement)
        return Agreement(
            title=title,
            parties=parties,
            status=status[0],
            stage=status[1],
            date=self._date(ctx, sentence, m.start(), published),
            sectors=self.vocab.sectors(title),
            named=True,
            evidence=[Evidence(sentence.index, sentence.start, sentence.end, sentence.text)],
        )

    # -- pieces ---------------------------------------------------------------------------------------------

    def _complement_end(self, text: str, start: int, limit: int) -> int:
        m = _COMPLEMENT_END.search(text, start, limit)
        return m.start() if m else limit

    @staticmethod
    def _title_complement(complement: str) -> str:
        """The "on X" part of a complement, without the "between A and B" that names the parties."""
        rest = complement.strip()
        between = re.match(r"^(?:signed\s+)?between\s+.+?\s+(?=(?:on|for|concerning|regarding|to)\s)", rest, re.I)
        if between:
            rest = rest[between.end() :]
        elif re.match(r"^(?:signed\s+)?between\s", rest, re.I):
            return ""
        m = re.match(r"^(on|for|concerning|regarding|about)\s+(.+)$", rest, re.I | re.S)
        if not m or _TEMPORAL.match(m.group(2)):
            return ""  # "signed on Friday", "on the sidelines of": when or where, not what
        body = re.sub(r"\s+", " ", m.group(2)).strip(" ,;.")
        body = re.split(r"\s+(?:signed|sealed|reached|concluded|which|that was)\b", body)[0]
        return f"{m.group(1).lower()} {body}" if body else ""

    def _creates(self, complement: str) -> str:
        cue = self.vocab.creates.search(complement)
        if cue is None:
            return ""
        run = _CAPITALIZED_RUN.match(
            complement, cue.end() + 1 if complement[cue.end() : cue.end() + 1] == " " else cue.end()
        )
        if run is None:
            return ""
        name = run.group(1).strip(" ,")
        name = re.sub(r"\s+(?:of|for|and|on|the|in)$", "", name)
        return name if any(c.isupper() for c in name[:1]) and len(name.split()) >= 2 else ""

    def _modifiers(self, before: str) -> list[str]:
        """Topical modifiers right before the noun: "air, rail and energy" -> [air, rail, energy]."""
        m = _MODIFIER_LIST.search(before)
        if m:
            parts = re.split(r"\s*,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*", m.group(1))
            items = []
            for part in parts:
                tokens = [t for t in part.split() if t.lower() not in _STOP_MODIFIERS]
                if tokens:
                    items.append(" ".join(tokens))
            # topics are common nouns ("air, rail and energy"); names or verbs mean this is no modifier list
            if len(items) >= 2 and all(
                (self.vocab.sectors(i) or len(i.split()) <= 2) and i == i.lower() and not i.endswith("ed")
                for i in items
            ):
                return [i.lower() if not i.isupper() else i for i in items]
        tail = before.split()[-3:]
        tokens = []
        for token in reversed(tail):
            clean = token.strip(",;:()\"'“”")
            if not clean or clean.lower() in _STOP_MODIFIERS or clean != token or not clean[:1].isalpha():
                break
            tokens.insert(0, clean)
        phrase = " ".join(tokens)
        return [phrase.lower()] if phrase and self.vocab.sectors(phrase) else []

    def _parties(
        self,
        ctx: DocContext,
        sentence: Sentence,
        start: int,
        end: int,
        events: list[Event],
        main: tuple[str, str] | None,
    ) -> list[str]:
        """The parties of an agreement mentioned at [start, end).

        In order: its own words ("between A and B"), the AGREE/CONSULT events of its sentence, the
        document's main dyad when the sentence names no one else. Actors merely mentioned in the sentence
        do not make parties.
        """
        text = ctx.text
        between = re.search(r"\bbetween\s+", text[start:end], re.I)
        if between:
            codes = _codes(ctx, ctx.in_range(start + between.end(), end))
            if len(codes) >= 2:
                return codes
        sentence_events = [
            e
            for e in events
            if any(ev.sentence == sentence.index for ev in e.evidence)
            and e.type in ("AGREE", "CONSULT")
            and e.trigger != "agreement"
        ]
        codes = sorted({c for e in sentence_events for c in (e.source.code, e.target.code)})
        if len(codes) >= 2:
            return codes
        in_sentence = _codes(
            ctx, [m for m in ctx.in_range(sentence.start, sentence.end) if not ctx.is_modifier(m) and m.kind != "place"]
        )
        if main is not None and set(in_sentence) <= set(main):
            return sorted(main)
        return []

    def _date(self, ctx: DocContext, sentence: Sentence, position: int, published: date | None) -> date | None:
        found = nearest_date(find_dates(sentence.text, published), position - sentence.start)
        if found is not None and found.precision == "day":
            return found.value
        for s in reversed(ctx.analysis.sentences[: sentence.index]):
            days = [d for d in find_dates(s.text, published) if d.precision == "day"]
            if days:
                return days[-1].value
        return published

    def _drop_redundant(
        self, agreements: list[Agreement], sentences: list[Sentence], records: list[tuple[Agreement, int]]
    ) -> list[Agreement]:
        """Headline summaries and unnamed mentions that add nothing to the named records are dropped."""
        named = [a for a in agreements if a.named]
        kept = []
        for a in agreements:
            in_headline = all(ev.sentence == 0 for ev in a.evidence) and len(sentences) > 1
            body_same = [
                b
                for b in agreements
                if b is not a and set(b.parties) == set(a.parties) and not all(ev.sentence == 0 for ev in b.evidence)
            ]
            if in_headline and body_same:
                continue
            if not a.named:
                same = [b for b in named if set(b.parties) == set(a.parties)]
                covered = {s for b in same for s in b.sectors}
                if same and set(a.sectors) <= covered and (a.count is None or a.count <= len(same)):
                    continue
            kept.append(a)
        return kept

    def _from_events(self, ctx: DocContext, events: list[Event], agreements: list[Agreement]) -> list[Agreement]:
        """An AGREE event with no agreement noun ("promised to work together") is itself an agreement reached."""
        out = []
        for event in events:
            if event.type != "AGREE":
                continue
            pair = sorted({event.source.code, event.target.code})
            if any(set(pair) <= set(a.parties) for a in agreements):
                continue
            sentence = ctx.analysis.sentences[event.evidence[0].sentence]
            if self.vocab.agreement_noun.search(sentence.text):
                continue
            trigger_at = sentence.text.lower().find(event.trigger.lower())
            rest = sentence.text[trigger_at + len(event.trigger) :] if trigger_at >= 0 else ""
            topic = re.split(r"[.;]", rest, maxsplit=1)[0].strip(" ,")
            topic = " ".join(topic.split()[:12])
            out.append(
                Agreement(
                    title=f"Agreement: {event.trigger} {topic}".strip(),
                    parties=pair,
                    status="signed",
                    stage="signed",
                    date=event.date,
                    sectors=self.vocab.sectors(sentence.text),
                    named=True,
                    evidence=list(event.evidence),
                )
            )
        return out

    # -- projects and plans ---------------------------------------------------------------------------------

    def projects(self, ctx: DocContext, events: list[Event]) -> list[Project]:
        text = ctx.text
        main = _main_dyad(events)
        projects: dict[str, Project] = {}
        for sentence in ctx.analysis.sentences:
            stage_cue = self.vocab.project_stage.search(text, sentence.start, sentence.end)
            if stage_cue is not None:
                for m in self.vocab.project_noun.finditer(text, sentence.start, sentence.end):
                    project = self._project(ctx, sentence, m, stage_cue)
                    if project is not None and project.name.lower() not in projects:
                        projects[project.name.lower()] = project
            cue = self.vocab.plan_cue.search(text, sentence.start, sentence.end)
            if cue is not None:
                plan = self._plan(ctx, sentence, cue, main)
                if plan is not None and plan.name.lower() not in projects:
                    projects[plan.name.lower()] = plan
        return list(projects.values())

    def _project(self, ctx: DocContext, sentence: Sentence, m: re.Match, stage_cue: re.Match) -> Project | None:
        text = ctx.text
        # the noun phrase: modifiers back to a determiner or preposition, then "in X"
        left = text[sentence.start : m.start()]
        tokens = left.split()
        taken = 0
        for token in reversed(tokens[-6:]):
            if token.lower() in _NP_STOP or not token[:1].isalnum():
                break
            taken += 1
        start = m.start()
        for token in reversed(tokens[len(tokens) - taken :]):
            start = text.rfind(token, sentence.start, start)
        end = m.end()
        place = re.match(r"\s+in\s+(?:the\s+)?((?:[A-Z][\w’'-]*\s?){1,4})", text[m.end() : sentence.end])
        if place:
            end = m.end() + place.end()
        name = text[start:end].strip()
        mentions = ctx.in_range(start, end)
        parties = _codes(ctx, mentions)
        if not parties or len(name.split()) < 2:
            return None
        stage = self.vocab.value("project_stage", stage_cue.group(0)) or "discussed"
        return Project(
            name=name,
            parties=parties,
            stage=stage,
            sectors=self.vocab.sectors(name),
            evidence=[Evidence(sentence.index, sentence.start, sentence.end, sentence.text)],
        )

    def _plan(self, ctx: DocContext, sentence: Sentence, cue: re.Match, main: tuple[str, str] | None) -> Project | None:
        text = ctx.text
        rest = text[cue.end() : sentence.end]
        items = re.split(r",\s*(?:and\s+)?|\s+and\s+", re.split(r"[.;:]", rest, maxsplit=1)[0])
        fields = [re.sub(r"\b(?:sectors?|projects?|areas?|fields?)\b", "", i).strip() for i in items]
        fields = [f for f in fields if f and len(f.split()) <= 4]
        if len(fields) < 2:
            return None
        parties = _codes(ctx, ctx.in_range(sentence.start, sentence.end))
        if len(parties) < 2 and main is not None:
            parties = sorted(set(parties) | set(main))
        if len(parties) < 2:
            return None
        return Project(
            name="Cooperation in " + ", ".join(fields),
            parties=parties,
            stage="planned",
            sectors=self.vocab.sectors(", ".join(fields)),
            evidence=[Evidence(sentence.index, sentence.start, sentence.end, sentence.text)],
        )


_NP_STOP = frozenset({"a", "an", "the", "of", "to", "for", "in", "on", "with", "and", "its", "their", "this", "that"})


def _codes(ctx: DocContext, mentions: list[Mention]) -> list[str]:
    return sorted({c for c in (ctx.code(m) for m in mentions) if c})


def _main_dyad(events: list[Event]) -> tuple[str, str] | None:
    counts = Counter(tuple(sorted((e.source.code, e.target.code))) for e in events)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _merge(agreements: list[Agreement]) -> list[Agreement]:
    """One record per agreement within a document: same parties and status, same title or sectors."""
    out: list[Agreement] = []
    for a in agreements:
        for b in out:
            if set(a.parties) != set(b.parties) or a.status != b.status or a.named != b.named:
                continue
            same_title = a.title.lower() == b.title.lower()
            same_sectors = a.named and bool(a.sectors) and a.sectors == b.sectors
            if same_title or same_sectors or not a.named:
                if len(a.title) > len(b.title) and a.named:
                    b.title = a.title
                b.creates = b.creates or a.creates
                b.sectors = sorted(set(b.sectors) | set(a.sectors), key=(a.sectors + b.sectors).index)
                b.count = b.count or a.count
                b.evidence.extend(e for e in a.evidence if e not in b.evidence)
                break
        else:
            out.append(a)
    return out
