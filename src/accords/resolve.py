"""Actor resolution: from lexicon hits to the actors a document talks about.

Adjacent hits are first joined into mention groups ("Russian" + "Defence
Minister" + "Andrei Belousov"; "Mali" + "'s" + "junta leader"; "Interim
President" + "of the" + "Republic of Mali" + ", " + "Assimi Goïta"). A group
then resolves by what it contains:

1. a person name -> that person, with their office on the document's date;
2. an organization or entity (force, agency, group) -> that entity;
3. a state and an office ("Pakistan's prime minister") -> whoever held the
   office on the date; a state and a group word ("Malian soldiers") -> the
   state with that actor type;
4. a state name, capital, seat or demonym alone -> the state;
5. an office alone ("the president"), a surname alone ("Putin") or a
   descriptor ("the West African nation") -> coreference with what the
   document already named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .knowledge import Entry, Lexicon, Role, Sense
from .mentions import Hit, Matcher
from .model import Actor, Mention, Sentence

STATE_FORMS = frozenset({"name", "variant", "demonym", "capital", "seat"})
PERSON_FORMS = frozenset({"name", "alias", "surname"})
_STATE_KINDS = frozenset({"state", "territory"})
# Text allowed between two hits of one mention group.
_JOIN = re.compile(r"^(?:\s?|\s?['’]s\s|\s(?:of|of the|for|for the|to|to the)\s|,\s)$")
_APPOSITION = ", "
_GOVERNMENT_NOUNS = re.compile(r"^\s(nation|country|state|republic|kingdom|government|authorities)\b", re.I)
_FORMER_BEFORE = re.compile(r"\b(?:former|ex-|retired|late|onetime|erstwhile|then-)\s*$", re.I)
# Past this many days after a person's last term ends, they no longer act for the state.
FORMER_AFTER_DAYS = 45


@dataclass(slots=True)
class Group:
    hits: list[Hit]
    state: Entry | None = None
    person: list[Entry] = field(default_factory=list)
    surname_only: bool = False
    entity: Entry | None = None
    roles: list[Role] = field(default_factory=list)
    descriptor: tuple[str, str] | None = None
    place: Entry | None = None

    @property
    def start(self) -> int:
        return self.hits[0].start

    @property
    def end(self) -> int:
        return self.hits[-1].end

    @property
    def sentence(self) -> int:
        return self.hits[0].sentence


def _classify(hit: Hit) -> tuple[str, list[Sense]]:
    """The dominant category of a hit: person, state, entity, role or descriptor."""
    people = [s for s in hit.senses if s.entry is not None and s.entry.kind == "person"]
    states = [s for s in hit.senses if s.entry is not None and s.entry.kind in _STATE_KINDS]
    entities = [s for s in hit.senses if s.entry is not None and s.entry.kind not in _STATE_KINDS | {"person", "place"}]
    roles = [s for s in hit.senses if s.role is not None]
    descriptors = [s for s in hit.senses if s.descriptor is not None]
    places = [s for s in hit.senses if s.form == "place"]
    full_people = [s for s in people if s.form != "surname"]
    if full_people:
        return "person", full_people
    if states:
        return "state", states
    if entities:
        return "entity", entities
    if places:  # "Djibo" the town before Salou Djibo: a bare surname yields to a place of that name
        return "place", places
    if people:
        return "person", people
    if roles:
        return "role", roles
    return "descriptor", descriptors


def _add(group: Group, category: str, senses: list[Sense]) -> bool:
    """Add a hit's senses to a group; False if it would mix two states or two people."""
    if category == "person":
        if group.person:
            return False
        entries = [s.entry for s in senses]
        if group.state is not None:
            matching = [e for e in entries if any(t.country == group.state.code for t in e.terms)]
            if not matching:
                return False
            entries = matching
        group.person = entries
        group.surname_only = all(s.form == "surname" for s in senses)
    elif category == "state":
        if group.state is not None or group.entity is not None:
            return False
        state = senses[0].entry
        if group.person and not any(t.country == state.code for p in group.person for t in p.terms):
            return False
        group.state = state
    elif category == "entity":
        if group.entity is not None or group.person:
            return False
        group.entity = senses[0].entry
    elif category == "place":
        if group.hits or group.place is not None:
            return False
        group.place = senses[0].entry
    elif category == "role":
        group.roles.extend(s.role for s in senses[:1])
    else:
        if group.descriptor is not None:
            return False
        group.descriptor = senses[0].descriptor
    return True


def group_hits(text: str, hits: list[Hit]) -> list[Group]:
    groups: list[Group] = []
    current: Group | None = None
    for hit in hits:
        category, senses = _classify(hit)
        if current is not None and hit.sentence == current.sentence:
            gap = text[current.end : hit.start]
            if _JOIN.match(gap) and _joinable(current, category, gap):
                saved = (
                    current.state,
                    list(current.person),
                    current.entity,
                    list(current.roles),
                    current.descriptor,
                )
                if _add(current, category, senses):
                    current.hits.append(hit)
                    continue
                current.state, current.person, current.entity, current.roles, current.descriptor = saved
        current = Group([])
        _add(current, category, senses)
        current.hits.append(hit)
        groups.append(current)
    return groups


def _joinable(group: Group, category: str, gap: str) -> bool:
    has_role = bool(group.roles)
    if gap == _APPOSITION:
        # "Interim President of Mali, Assimi Goïta" / "Assimi Goïta, Mali's president"
        return (category == "person" and has_role and not group.person) or (
            category in ("role", "state") and bool(group.person) and not has_role
        )
    if gap.strip() in ("of", "of the", "for", "for the", "to", "to the"):
        # "President of Mali", "Secretary-General of the UN", "ambassador to France"
        return has_role and category in ("state", "entity") and not group.person
    if "'" in gap or "’" in gap:
        return category in ("role", "entity", "person") and (group.state is not None or group.entity is not None)
    # "President Putin Russia" / "troops Russia": a state does not follow a title
    return not (category == "state" and (group.person or group.roles) and not group.state)


@dataclass(slots=True)
class _DocState:
    """What a document has named so far, for coreference."""

    day: date | None
    actors: dict[str, Actor] = field(default_factory=dict)
    people: dict[str, Entry] = field(default_factory=dict)  # entry key -> entry, in order
    by_role: dict[str, Entry] = field(default_factory=dict)
    recent_states: list[tuple[int, Entry]] = field(default_factory=list)
    sentence_starts: dict[int, int] = field(default_factory=dict)
    text: str = ""


class Resolver:
    """Resolves the mentions of a document into actors. Build once per lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.matcher = Matcher.for_lexicon(lexicon)
        self.verbs: frozenset[str] = frozenset()  # known verb forms, set by the pipeline

    def resolve(
        self, text: str, sentences: list[Sentence], day: date | None, folded: str | None = None
    ) -> tuple[list[Mention], list[Actor]]:
        hits = self.matcher.find(text, sentences, folded)
        groups = group_hits(text, hits)
        state = _DocState(day, sentence_starts={s.index: s.start for s in sentences}, text=text)
        mentions: list[Mention] = []
        for group in groups:
            mention = self._resolve_group(text, group, state)
            if mention is not None:
                mentions.append(mention)
        return mentions, list(state.actors.values())

    # -- one group ------------------------------------------------------------------------------------------

    def _resolve_group(self, text: str, group: Group, st: _DocState) -> Mention | None:
        start, end = group.start, group.end
        if group.place is not None:
            place = group.place
            mention = Mention(
                start=start,
                end=end,
                text=text[start:end],
                sentence=group.sentence,
                kind="place",
                entry=place,
                sector="",
                actor="",
                code=place.country,
            )
            return mention
        if group.descriptor is not None:
            noun = _GOVERNMENT_NOUNS.match(text, end)
            if noun:
                end = noun.end()
        # include a leading "the" in the span: "the Kremlin", "the president"
        if start >= 4 and text[start - 4 : start].lower() == "the ":
            start -= 4
        surface = text[start:end]
        former = any(r.former for r in group.roles) or (
            bool(group.roles or group.person) and bool(_FORMER_BEFORE.search(text, max(0, start - 12), start))
        )
        role = next((r for r in reversed(group.roles) if r.role), None)
        # the most specific word decides the actor type: "mujahideen fighters" are rebels, "riot police
        # officers" police; an office ("Defence Minister") decides when there is one
        group_sector = next((r.sector for r in group.roles if r.role and r.sector), "") or next(
            (r.sector for r in group.roles if r.sector), ""
        )

        if group.person:
            person = self._pick_person(group, st)
            if person is not None:
                return self._person_mention(surface, start, end, group, person, former, st)
            if group.state is None and group.entity is None and not group.roles:
                return None
            # the name did not resolve ("Foreign Minister Chen Tan-sun"): keep what the rest of the group says
            end = max((h.end for h in group.hits if not any(s.entry in group.person for s in h.senses)), default=end)
            surface = text[start:end]
            group.person = []
        if group.entity is not None:
            entity = group.entity
            if role and role.role in ("org_leader", "org_foreign_policy") and entity.kind == "organization":
                holder = self.lexicon.holder(entity.code, role.role, st.day)
                if holder is not None:
                    return self._person_mention(surface, start, end, group, holder, former, st)
            actor = self._actor_for_entry(entity, st, sector=group_sector or entity.sector)
            return self._mention(surface, start, end, group, "entity", actor, entity)
        if group.state is not None:
            state = group.state
            self._note_state(st, group.sentence, state)
            if role and not former:
                holder = self._office_holder(state, role, st.day)
                if holder is not None:
                    return self._person_mention(surface, start, end, group, holder, former, st)
            # a state named alone has no actor type; a seat of government ("the Kremlin") is the government
            sector = "ELI" if former else (group_sector or ("GOV" if _form(group) == "seat" else ""))
            actor = self._state_actor(state, sector, st, former)
            return self._mention(surface, start, end, group, _form(group), actor, state)
        if group.descriptor is not None:
            kind, value = group.descriptor
            target = self._recent_state(st, group.sentence, kind, value)
            if target is None or end == group.end:  # "West African" alone is not a reference
                return None
            actor = self._state_actor(target, "GOV", st, False)
            return self._mention(surface, start, end, group, "descriptor", actor, target)
        if role is not None and not former:
            # an office alone: "the president", "the foreign minister"
            person = st.by_role.get(role.role)
            if person is None:
                recent = self._recent_state(st, group.sentence, "", "")
                if recent is not None:
                    person = self._office_holder(recent, role, st.day)
            if person is not None:
                return self._person_mention(surface, start, end, group, person, False, st)
        sector = "ELI" if former else group_sector
        if not sector:
            return None
        actor_id = f"/{sector}"
        actor = st.actors.get(actor_id) or Actor(
            actor_id, "", sector_name(sector), "group", sector, "", state_actor=False
        )
        st.actors[actor_id] = actor
        return self._mention(surface, start, end, group, "role", actor, None)

    def _office_holder(self, state: Entry, role: Role, day: date | None) -> Entry | None:
        office = role.role
        if office == "leader":
            office = state.executive or "head_of_state"
        if office not in (
            "head_of_state",
            "head_of_government",
            "foreign_minister",
            "defence_minister",
            "deputy_head_of_state",
            "interior_minister",
            "finance_minister",
            "military_chief",
        ):
            return None
        if office == "head_of_state" and "president" in role.phrase:
            # where the president heads the government under another head of state (Iran), the
            # office-holder data says so in the term notes ("President of Iran: heads the government")
            head = self.lexicon.holder(state.code, "head_of_government", day)
            term = head.term_on(day) if head is not None else None
            if term is not None and term.notes.lower().startswith(f"president of {state.name.lower()}"):
                return head
        return self.lexicon.holder(state.code, office, day)

    def _pick_person(self, group: Group, st: _DocState) -> Entry | None:
        candidates = group.person
        if group.surname_only:
            seen = [c for c in candidates if c.key in st.people]
            if seen:
                return seen[-1]
            hit = next((h for h in group.hits if any(s.entry in group.person for s in h.senses)), group.hits[0])
            if _beside_unknown_name(self.text_of(st), hit, self.verbs):
                return None  # "Chad Smith", "Joseph Smith": someone else with a leader's surname
            if st.day is not None:
                candidates = [c for c in candidates if c.term_on(st.day) is not None]
            elif len(hit.text) < 4:
                return None  # no date to check the office against: a short surname alone is too weak
            offices = {
                (st_code, r.role)
                for r in group.roles
                if r.role
                for st_code in ([group.state.code] if group.state is not None else [])
            }
            if offices:
                candidates = [c for c in candidates if any((t.country, t.role) in offices for t in c.terms)]
            if len(candidates) != 1:
                return None
            if self._coref_only(hit.text) and (st.day is None or hit.start == st.sentence_starts.get(hit.sentence)):
                return None  # "May", "Friday", "Key": a common word unless the date and position say otherwise
            return candidates[0]
        if len(candidates) == 1:
            return candidates[0]
        if group.state is not None:
            candidates = [c for c in candidates if any(t.country == group.state.code for t in c.terms)] or candidates
        if st.day is not None:
            active = [c for c in candidates if c.term_on(st.day) is not None]
            if active:
                return active[0]
        return candidates[0]

    @staticmethod
    def text_of(st: _DocState) -> str:
        return st.text

    def _coref_only(self, surface: str) -> bool:
        from .normalize import fold

        return any(a.rule == "coref-only" for a in self.lexicon.ambiguities.get(fold(surface), ()))

    def _person_mention(
        self, surface: str, start: int, end: int, group: Group, person: Entry, former: bool, st: _DocState
    ) -> Mention:
        term = person.term_on(st.day)
        nearest = term or person.nearest_term(st.day)
        country = nearest.country if nearest else person.country
        sector = nearest.sector if nearest else "GOV"
        role_sector = next((r.sector for r in reversed(group.roles) if r.sector), "")
        if term is None and st.day is not None and role_sector and not former:
            # "US Senator Marco Rubio" before he held any office we know of: the title says what he is
            sector = role_sector
        acting = not former
        ended = term is None and st.day is not None and nearest is not None and nearest.end is not None
        if ended and (st.day - nearest.end).days > FORMER_AFTER_DAYS:
            acting = False
        if not acting:
            sector = "ELI"
        organization = country in self.lexicon.org_codes
        actor = st.actors.get(person.key)
        if actor is None:
            actor = Actor(
                id=person.key,
                code=country if acting else "",
                name=person.name,
                kind="person",
                sector=sector,
                country="" if organization else country,
                person=person.name,
                role=nearest.role if nearest else "",
                state_actor=acting,
            )
            st.actors[person.key] = actor
        st.people[person.key] = person
        if nearest is not None:
            st.by_role[nearest.role] = person
            if not organization:
                state = self.lexicon.state(country)
                if state is not None:
                    self._note_state(st, group.sentence, state)
        return self._mention(surface, start, end, group, "person", actor, person)

    def _actor_for_entry(self, entry: Entry, st: _DocState, sector: str) -> Actor:
        actor = st.actors.get(entry.key)
        if actor is None:
            kind = {"organization": "organization", "group": "group", "pmc": "group"}.get(entry.kind, "force")
            actor = Actor(
                id=entry.key,
                code=entry.code,
                name=entry.name,
                kind=kind,
                sector=sector or entry.sector,
                country=entry.country,
                state_actor=entry.state_actor,
            )
            st.actors[entry.key] = actor
        return actor

    def _state_actor(self, state: Entry, sector: str, st: _DocState, former: bool) -> Actor:
        actor_id = state.code if sector in ("", "GOV") else f"{state.code}/{sector}"
        actor = st.actors.get(actor_id)
        if actor is None:
            acting = not former and sector not in NON_STATE_SECTORS
            actor = Actor(
                id=actor_id,
                code=state.code if acting else "",
                name=state.name if sector in ("", "GOV") else f"{state.name} ({sector_name(sector)})",
                kind="state" if sector in ("", "GOV") else ("force" if acting else "group"),
                sector=sector,
                country=state.code,
                state_actor=acting,
            )
            st.actors[actor_id] = actor
        return actor

    @staticmethod
    def _mention(
        surface: str, start: int, end: int, group: Group, kind: str, actor: Actor, entry: Entry | None
    ) -> Mention:
        role = next((r.role for r in reversed(group.roles) if r.role), "")
        mention = Mention(
            start=start,
            end=end,
            text=surface,
            sentence=group.sentence,
            kind=kind,
            entry=entry,
            role=role,
            noun=group.roles[-1].phrase if group.roles else "",
            sector=actor.sector,
            actor=actor.id,
            code=actor.code,
        )
        actor.mentions.append(mention)
        return mention

    @staticmethod
    def _note_state(st: _DocState, sentence: int, state: Entry) -> None:
        st.recent_states.append((sentence, state))

    def _recent_state(self, st: _DocState, sentence: int, kind: str, value: str) -> Entry | None:
        for sent, state in reversed(st.recent_states):
            if sentence - sent > 3:
                break
            if not kind or getattr(state, kind, "") == value:
                return state
        return None


_CAPITALIZED_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s$")
_CAPITALIZED_AFTER = re.compile(r"^\s([A-Z][a-z]+)\b")


def _beside_unknown_name(text: str, hit: Hit, verbs: frozenset[str]) -> bool:
    """A surname right after or before another capitalized name that is not part of the mention."""
    before = _CAPITALIZED_BEFORE.search(text[max(0, hit.start - 30) : hit.start])
    after = _CAPITALIZED_AFTER.match(text[hit.end : hit.end + 30])

    def name_like(word: str) -> bool:
        return word not in _TITLE_WORDS and word.lower() not in verbs

    return bool(before and name_like(before.group(1))) or bool(
        after and not after.group(1).endswith("s") and name_like(after.group(1))
    )


_TITLE_WORDS = frozenset(
    """The A An In On At As By For From With And But Of To President Prime Minister Premier Chancellor King Queen
    Emir Sultan Gen General Col Colonel Lt Mr Mrs Ms Dr Sen Senator Rep Gov Governor Secretary Foreign Defence
    Defense Interior Finance Leader Chief Commander Ambassador Envoy Spokesman Spokeswoman Said Says Told Asked
    Mayor Judge Justice Sheikh Crown Prince Pope Vice Deputy Acting Interim Former Opposition Minister's Marshal
    Field Admiral Major Captain Brigadier Lieutenant Sergeant Commander Ayatollah Imam Archbishop Cardinal Lord
    Sir Dame Speaker Chairman President-elect Premier-elect Comrade Supreme Grand Mullah Emperor Tsar""".split()
)


def _form(group: Group) -> str:
    for hit in group.hits:
        for sense in hit.senses:
            if sense.entry is group.state:
                return sense.form
    return "name"


# Actor types that never act for a state even when a country is named ("Malian jihadists").
NON_STATE_SECTORS = frozenset(
    """REB SEP INS OPP PTY CRM CVL BUS LAB AGR EDU MED JRN HLH REL REF NGO ELI UAF PRM HRI ENV DEV SET UNK""".split()
)

_SECTOR_NAMES = {
    "MIL": "military",
    "COP": "police",
    "SPY": "intelligence",
    "GOV": "government",
    "JUD": "judiciary",
    "LEG": "legislature",
    "REB": "rebels",
    "ELI": "elites",
    "CVL": "civilians",
    "UAF": "armed group",
}


def sector_name(code: str) -> str:
    return _SECTOR_NAMES.get(code, code.lower())
