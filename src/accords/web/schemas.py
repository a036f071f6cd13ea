"""Response and request models of the REST API: the OpenAPI document is generated from these.

They describe exactly the JSON-ready dicts of :mod:`accords.queries` and
:mod:`accords.web.data`; the API validates every answer against them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


# ----------------------------------------------------------------- errors
class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['query', 'limit'].")
    msg: str
    type: str


class ErrorInfo(BaseModel):
    status: int = Field(description="The HTTP status code.")
    code: str = Field(description="A stable machine-readable code, e.g. not_found, invalid_parameter.")
    message: str = Field(description="What went wrong, for people.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error answer has this shape."""

    error: ErrorInfo


# ----------------------------------------------------------------- provenance
class Evidence(BaseModel):
    """Where a fact was read: a document, a sentence and a character span of its text."""

    document: str
    source: str
    sentence: int
    start: int
    end: int
    text: str
    sentence_text: str | None = Field(None, description="The whole sentence (on single-object answers).")
    title: str | None = None
    url: str | None = None
    published: str | None = None


class DiscrepancySide(BaseModel):
    value: str
    documents: list[str]


class Discrepancy(BaseModel):
    id: int
    kind: str = Field(description="date, count, status or single_source.")
    subject: str
    subject_id: int
    detail: str
    sides: list[DiscrepancySide]


# ----------------------------------------------------------------- facts
class ClusterRef(BaseModel):
    id: int
    key: str
    label: str


class AgreementMention(BaseModel):
    id: int
    document: str
    title: str
    status: str
    stage: str
    date: str | None
    count: int | None
    sectors: list[str]


class Agreement(BaseModel):
    """A record of the agreement registry (mentions merged across sources)."""

    id: int
    key: str
    title: str
    parties: list[str]
    status: str
    stage: str
    date: str | None
    sectors: list[str]
    creates: str
    sources: int
    reported_by: list[str]
    cluster: ClusterRef | None
    evidence: list[Evidence]
    discrepancies: list[Discrepancy]
    mentions: list[AgreementMention] | None = None


class UnnamedAgreement(BaseModel):
    id: int
    document: str
    title: str
    parties: list[str]
    status: str
    date: str | None
    count: int | None
    sectors: list[str]
    cluster: int | None
    evidence: list[Evidence]


class EventSide(BaseModel):
    code: str
    name: str
    sector: str


class Event(BaseModel):
    id: int
    document: str | None
    type: str
    cameo: str
    source: EventSide
    target: EventSide
    date: str | None
    date_source: str
    confidence: float
    trigger: str
    sectors: list[str]
    cluster: int | None
    evidence: list[Evidence] = Field(default_factory=list)


class Cluster(BaseModel):
    """A real-world happening: events from one or more reports."""

    id: int
    key: str
    label: str
    date: str | None
    types: list[str]
    source: str
    target: str
    family: str
    place: str
    sources: int
    documents: list[str]
    events: int
    weight: float
    agreements: list[int]
    unnamed_agreements: list[UnnamedAgreement]
    members: list[Event] | None = None
    discrepancies: list[Discrepancy] | None = None


class Actor(BaseModel):
    id: int
    name: str
    code: str
    kind: str
    sector: str
    country: str
    person: str
    role: str
    state_actor: bool
    documents: int
    names: list[str]


class Project(BaseModel):
    id: int
    name: str
    parties: list[str]
    stage: str
    sectors: list[str]
    sources: int
    reported_by: list[str]
    evidence: list[Evidence]


class DyadQuote(BaseModel):
    speaker: str
    code: str
    text: str
    verb: str
    reported_by: list[str]
    evidence: list[Evidence]


class Person(BaseModel):
    id: int
    name: str
    country: str
    role: str
    sector: str
    documents: int


class DyadSource(BaseModel):
    document: str
    source: str
    title: str
    published: str | None
    url: str
    events: int
    duplicates: list[str]


class SectorCount(BaseModel):
    sector: str
    documents: list[str]
    count: int


class IndexPoint(BaseModel):
    month: str
    events: int
    sum: float
    index: float | None = Field(description="Mean Goldstein-style weight of the month's happenings (-10..+10).")


class DyadSummaryCounts(BaseModel):
    documents: int
    clusters: int
    agreements: int
    unnamed_agreements: int
    projects: int
    discrepancies: int


class Dyad(BaseModel):
    """The relationship between two actors at a glance (``accords dyad``)."""

    dyad: list[str]
    names: dict[str, str]
    since: str | None
    until: str | None
    summary: DyadSummaryCounts
    agreements: list[Agreement]
    unnamed_agreements: list[UnnamedAgreement]
    clusters: list[Cluster]
    by_month: dict[str, dict[str, int]]
    index: list[IndexPoint]
    sectors: list[SectorCount]
    projects: list[Project]
    quotes: list[DyadQuote]
    people: list[Person]
    sources: list[DyadSource]
    discrepancies: list[Discrepancy]


class DyadActivity(BaseModel):
    dyad: list[str]
    names: list[str]
    clusters: int
    events: int
    last_date: str | None
    mean_weight: float | None


class DocumentSummary(BaseModel):
    id: str
    db_id: int
    source: str
    title: str
    published: str | None
    url: str
    events: int


class SentenceSpan(BaseModel):
    index: int
    start: int
    end: int


class DuplicateRef(BaseModel):
    document: str
    similarity: float


class DocumentActor(BaseModel):
    id: int
    name: str
    code: str
    kind: str
    local_id: str


class DocumentAgreement(BaseModel):
    id: int
    title: str
    parties: list[str]
    status: str
    stage: str
    date: str | None
    named: bool
    count: int | None
    registry: int | None
    cluster: int | None
    evidence: list[Evidence]


class DocumentProject(BaseModel):
    id: int
    name: str
    parties: list[str]
    stage: str
    registry: int | None
    evidence: list[Evidence]


class DocumentQuote(BaseModel):
    id: int
    text: str
    speaker: str
    code: str
    evidence: list[Evidence]


class Document(BaseModel):
    """A stored document with everything read from it."""

    id: str
    db_id: int
    source: str
    url: str
    title: str
    published: str | None
    origin: str
    ingested: str
    content_hash: str
    text: str
    sentences: list[SentenceSpan]
    duplicates: list[DuplicateRef]
    actors: list[DocumentActor]
    events: list[Event]
    agreements: list[DocumentAgreement]
    projects: list[DocumentProject]
    quotes: list[DocumentQuote]


class SearchHit(BaseModel):
    document: str
    source: str
    title: str
    published: str | None
    url: str
    snippet: str
    rank: float | None


class SearchResults(BaseModel):
    query: str
    agreements: list[Agreement]
    clusters: list[Cluster]
    actors: list[Actor]
    documents: list[SearchHit]


class ActorQuote(BaseModel):
    id: int
    text: str
    speaker: str
    code: str
    verb: str
    document: str
    published: str | None
    evidence: list[Evidence]


class Partner(BaseModel):
    code: str
    name: str
    clusters: int
    events: int
    mean_weight: float | None
    last_date: str | None


class ActorDetail(BaseModel):
    """A person's or a state's events, agreements, quotes and partners."""

    actor: Actor
    events: list[Event]
    by_month: dict[str, dict[str, int]]
    agreements: list[Agreement]
    quotes: list[ActorQuote]
    partners: list[Partner]


class Page(BaseModel, Generic[T]):
    """A page of results. Ask for the next one with ``offset=next_offset``; ``null`` when this is the last."""

    items: list[T]
    limit: int
    offset: int
    next_offset: int | None


class Stats(BaseModel):
    documents: int
    sentences: int
    actors: int
    mentions: int
    events: int
    evidence: int
    agreements: int
    registry: int
    projects: int
    quotes: int
    clusters: int
    discrepancies: int
    duplicates: int


# ----------------------------------------------------------------- writing
class DocumentIn(BaseModel):
    """A document to analyze and store (needs the server's bearer token)."""

    id: str = Field(min_length=1, max_length=200, description="Your id for the document.")
    text: str = Field(min_length=1, max_length=200_000, pattern=r"\S", description="The article text.")
    title: str = Field("", max_length=1000)
    published: date | None = Field(None, description="Publication day; relative dates in the text resolve to it.")
    source: str = Field("", max_length=200, description="The outlet.")
    url: str = Field("", max_length=2000)


class IngestResult(BaseModel):
    status: str = Field(description="added, replaced, unchanged or duplicate.")
    document: str
    db_id: int | None
    message: str
    fusion: dict[str, Any]


__all__ = [name for name in dir() if name[:1].isupper()]
