"""The one data model that flows through the pipeline.

A :class:`Document` is read and normalized once; every later stage adds
objects that point back into ``Document.text`` by character offsets, so any
fact can be traced to the sentence and span it came from.

readers -> normalize -> sentences -> mentions -> actors -> events/agreements/
projects/quotes -> fusion -> store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class Document:
    """A news item. ``text`` is the normalized text every offset refers to.

    When a reader gets a separate title, ``text`` starts with the title on its
    own line, so headlines are analyzed like any other sentence.
    """

    id: str
    text: str
    title: str = ""
    published: date | None = None
    source: str = ""
    url: str = ""
    origin: str = ""  # where it was read from ("file.jsonl:12"), for error messages


@dataclass(slots=True, frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class Evidence:
    """Where a fact was read: sentence index and a character span in ``Document.text``."""

    sentence: int
    start: int
    end: int
    text: str = ""

    def as_dict(self) -> dict:
        return {"sentence": self.sentence, "start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Mention:
    """A span of text that names or describes an actor."""

    start: int
    end: int
    text: str
    sentence: int
    kind: str  # the lexicon table that matched: country, capital, seat, demonym, organization, person, ...
    entry: object = None  # the lexicon entry (knowledge.Entry) or None for unresolved role phrases
    role: str = ""  # role code for role phrases / people ("head_of_state", ...)
    noun: str = ""  # the role word heading the mention, if any ("troops", "defence minister")
    sector: str = ""  # actor-type code of this mention (GOV, MIL, ...)
    actor: str = ""  # Actor.id this mention resolved to ("" when unresolved)
    code: str = ""  # the actor code it stands for in events ("" for non-state or unresolved)


@dataclass(slots=True)
class Actor:
    """A resolved actor: a state, organization, person, force or group."""

    id: str  # stable key within a document: the code for states/orgs, "person:NAME", "entity:NAME"
    code: str  # ISO3 or organization code; officials/forces take their state's code; "" if non-state
    name: str  # canonical name
    kind: str  # state | organization | person | force | group
    sector: str = ""  # GOV, MIL, REB, ...
    country: str = ""  # ISO3 of the state it belongs to or acts for ("" for organizations)
    person: str = ""  # canonical person name when kind == "person"
    role: str = ""  # role code for people ("head_of_state", "defence_minister", ...)
    state_actor: bool = True  # False for non-state groups: they never get coded events
    mentions: list[Mention] = field(default_factory=list)

    def as_dict(self, mentions: bool = True) -> dict:
        out = {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "sector": self.sector,
            "country": self.country,
            "person": self.person,
            "role": self.role,
            "state_actor": self.state_actor,
        }
        if mentions:
            out["mentions"] = [
                {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence} for m in self.mentions
            ]
        return out


@dataclass(slots=True)
class ActorRef:
    """An actor as it appears in an event, agreement or quote."""

    code: str
    name: str
    sector: str = ""
    actor: str = ""  # Actor.id of the document-level actor

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "sector": self.sector, "actor": self.actor}


@dataclass(slots=True)
class Event:
    type: str  # PLOVER type
    cameo: str  # CAMEO root code
    source: ActorRef
    target: ActorRef
    date: date | None = None
    date_source: str = "published"  # text | published
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    trigger: str = ""  # the word(s) that signalled the event
    sectors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Agreement:
    title: str
    parties: list[str]
    status: str  # signed | negotiating
    stage: str  # proposed | negotiating | signed | ratified | in force | suspended | withdrawn
    date: date | None = None
    sectors: list[str] = field(default_factory=list)
    count: int | None = None
    named: bool = True  # False for "a series of agreements" style mentions
    creates: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    name: str
    parties: list[str]
    stage: str  # discussed | planned | under construction | completed | cancelled
    sectors: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    text: str
    speaker: ActorRef | None
    person: str
    verb: str
    evidence: Evidence | None = None


@dataclass(slots=True)
class DocumentError:
    """A problem with one input item; the rest of the batch goes on."""

    origin: str  # "file.jsonl:12"
    message: str
    doc_id: str = ""

    def __str__(self) -> str:
        where = f"{self.origin}" + (f" (document {self.doc_id})" if self.doc_id else "")
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Analysis:
    """Everything the pipeline read from one document."""

    document: Document
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
