"""Small hand-built analyses for the knowledge-base tests (storage mechanics, fusion rules).

The texts are written for the tests (one sentence per line); spans and
sentence numbers are computed from them, so every fact has real evidence.
"""

from __future__ import annotations

from datetime import date

from accords.model import (
    Actor,
    ActorRef,
    Agreement,
    Analysis,
    Document,
    Event,
    Evidence,
    Mention,
    Project,
    Quote,
    Sentence,
)

CAMEO = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "MOBILIZE": "15",
    "RETREAT": "08",
    "ASSAULT": "18",
    "ACCUSE": "11",
}

STATES = {"RUS": "Russia", "MLI": "Mali", "FRA": "France", "USA": "United States", "CHN": "China"}
PEOPLE = {
    "Assimi Goïta": ("MLI", "head_of_state"),
    "Assimi Goita": ("MLI", "head_of_state"),
    "Vladimir Putin": ("RUS", "head_of_state"),
    "Andrei Belousov": ("RUS", "defence_minister"),
}


class Builder:
    def __init__(self, doc_id: str, text: str, published: date | None = None, source: str = "test", url: str = ""):
        self.doc = Document(
            id=doc_id, text=text, title=text.split("\n", 1)[0], published=published, source=source, url=url
        )
        self.analysis = Analysis(document=self.doc)
        pos = 0
        for i, line in enumerate(text.split("\n")):
            self.analysis.sentences.append(Sentence(i, pos, pos + len(line), line))
            pos += len(line) + 1
        self.actors: dict[str, Actor] = {}

    def span(self, phrase: str, after: int = 0) -> Evidence:
        start = self.doc.text.index(phrase, after)
        sentence = next(s.index for s in self.analysis.sentences if s.start <= start < s.end)
        return Evidence(sentence, start, start + len(phrase), phrase)

    def actor(self, key: str) -> Actor:
        if key in self.actors:
            return self.actors[key]
        if key in STATES:
            actor = Actor(id=key, code=key, name=STATES[key], kind="state", sector="GOV", country=key)
        else:
            country, role = PEOPLE[key]
            actor = Actor(
                id=f"person:{key}",
                code=country,
                name=key,
                kind="person",
                sector="GOV",
                country=country,
                person=key,
                role=role,
            )
        self.actors[key] = actor
        self.analysis.actors.append(actor)
        return actor

    def mention(self, key: str, phrase: str, kind: str | None = None) -> None:
        actor = self.actor(key)
        ev = self.span(phrase)
        m = Mention(
            ev.start,
            ev.end,
            phrase,
            ev.sentence,
            kind or ("person" if actor.kind == "person" else "country"),
            actor=actor.id,
            code=actor.code,
        )
        actor.mentions.append(m)
        self.analysis.mentions.append(m)

    def ref(self, key: str) -> ActorRef:
        actor = self.actor(key)
        return ActorRef(actor.code, actor.name, actor.sector, actor.id)

    def event(
        self,
        type_: str,
        source: str,
        target: str,
        phrase: str,
        day: date | None = None,
        date_source: str = "text",
        trigger: str = "",
        sectors: list[str] | None = None,
    ) -> None:
        self.analysis.events.append(
            Event(
                type_,
                CAMEO.get(type_, "01"),
                self.ref(source),
                self.ref(target),
                date=day or self.doc.published,
                date_source=date_source if day else "published",
                confidence=0.8,
                evidence=[self.span(phrase)],
                trigger=trigger or phrase.split()[0],
                sectors=sectors or [],
            )
        )

    def agreement(
        self,
        title: str,
        phrase: str,
        day: date | None,
        named: bool = True,
        count: int | None = None,
        sectors: list[str] | None = None,
        status: str = "signed",
        creates: str = "",
        parties: tuple[str, ...] = ("MLI", "RUS"),
    ) -> None:
        self.analysis.agreements.append(
            Agreement(
                title, list(parties), status, status, day, sectors or [], count, named, creates, [self.span(phrase)]
            )
        )

    def project(self, name: str, phrase: str, stage: str = "discussed", sectors: list[str] | None = None) -> None:
        self.analysis.projects.append(Project(name, ["MLI", "RUS"], stage, sectors or [], [self.span(phrase)]))

    def quote(self, text: str, speaker: str, verb: str = "said") -> None:
        self.analysis.quotes.append(Quote(text, self.ref(speaker), speaker, verb, self.span(text)))


VISIT = date(2025, 6, 23)

WIRE_TEXT = """Mali and Russia sign several pacts during Goïta visit
Mali and Russia signed a comprehensive series of agreements on Monday, the Kremlin said.
Col Assimi Goïta held talks with Vladimir Putin in Moscow during his official visit.
The two sides also signed an agreement on nuclear energy cooperation.
Goïta thanked Russia for the warm welcome.
Russian troops now operate in Mali under Russian command.
"This visit will deepen our relationship," said Goïta."""

SITE_TEXT = """Putin receives Mali's interim president
On June 23, Vladimir Putin met Assimi Goita in Moscow during an official visit to Russia.
Three documents were signed at the Kremlin.
They are an agreement on the fundamentals of relations, an agreement on an intergovernmental commission for trade, and an agreement on cooperation in the peaceful use of nuclear energy.
Goita thanked Russia for its support.
"We enjoy good bilateral relations," Goita said."""


def wire_analysis() -> Analysis:
    b = Builder("wire-1", WIRE_TEXT, date(2025, 6, 24), source="wire")
    b.mention("MLI", "Mali")
    b.mention("RUS", "Russia")
    b.mention("Assimi Goïta", "Col Assimi Goïta")
    b.mention("Vladimir Putin", "Vladimir Putin")
    b.mention("RUS", "Moscow", kind="capital")
    b.event(
        "AGREE", "MLI", "RUS", "Mali and Russia signed a comprehensive series of agreements", VISIT, trigger="signed"
    )
    b.event(
        "CONSULT",
        "Assimi Goïta",
        "Vladimir Putin",
        "Col Assimi Goïta held talks with Vladimir Putin in Moscow during his official visit",
        VISIT,
        trigger="talks",
    )
    b.event("SUPPORT", "Assimi Goïta", "RUS", "Goïta thanked Russia for the warm welcome", None, trigger="thanked")
    b.event(
        "MOBILIZE",
        "RUS",
        "MLI",
        "Russian troops now operate in Mali under Russian command",
        None,
        trigger="operate",
        sectors=["military"],
    )
    b.agreement(
        "a comprehensive series of agreements",
        "a comprehensive series of agreements",
        VISIT,
        named=False,
        sectors=["trade", "military"],
    )
    b.agreement(
        "Agreement on nuclear energy cooperation",
        "an agreement on nuclear energy cooperation",
        VISIT,
        sectors=["nuclear energy"],
    )
    b.quote("This visit will deepen our relationship,", "Assimi Goïta")
    return b.analysis


def site_analysis() -> Analysis:
    b = Builder("site-2", SITE_TEXT, date(2025, 6, 25), source="site")
    b.mention("Vladimir Putin", "Vladimir Putin")
    b.mention("Assimi Goita", "Assimi Goita")
    b.mention("RUS", "Moscow", kind="capital")
    b.mention("RUS", "Russia")
    b.event(
        "CONSULT",
        "Vladimir Putin",
        "Assimi Goita",
        "Vladimir Putin met Assimi Goita in Moscow during an official visit to Russia",
        VISIT,
        trigger="met",
    )
    b.event("AGREE", "MLI", "RUS", "Three documents were signed at the Kremlin", VISIT, trigger="signed")
    b.event("SUPPORT", "Assimi Goita", "RUS", "Goita thanked Russia for its support", None, trigger="thanked")
    b.agreement("three documents", "Three documents were signed", VISIT, named=False, count=3)
    b.agreement("Agreement on the fundamentals of relations", "an agreement on the fundamentals of relations", VISIT)
    b.agreement(
        "Agreement on an intergovernmental commission for trade",
        "an agreement on an intergovernmental commission for trade",
        VISIT,
        creates="intergovernmental commission",
        sectors=["trade"],
    )
    b.agreement(
        "Agreement on cooperation in the peaceful use of nuclear energy",
        "an agreement on cooperation in the peaceful use of nuclear energy",
        VISIT,
        sectors=["nuclear energy"],
    )
    b.quote("We enjoy good bilateral relations,", "Assimi Goita")
    return b.analysis
