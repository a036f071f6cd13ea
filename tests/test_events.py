"""Event extraction, construction by construction, on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from accords.model import Document
from accords.pipeline import Pipeline

UNORDERED = {"AGREE", "CONSULT", "COOPERATE"}


def events(pipeline: Pipeline, text: str, published: date | None = None) -> set[tuple[str, str, str]]:
    analysis = pipeline.analyze(Document(id="t", text=text, published=published))
    out = set()
    for e in analysis.events:
        s, t = e.source.code, e.target.code
        if e.type in UNORDERED:
            s, t = sorted((s, t))
        out.add((s, e.type, t))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # active voice, direct object and prepositional objects
        ("Turkish warplanes struck Syrian army positions near the border on Tuesday.", {("TUR", "ASSAULT", "SYR")}),
        ("Germany urged Iran to return to the negotiating table.", {("DEU", "REQUEST", "IRN")}),
        ("Kenya withdrew its ambassador from Somalia.", {("KEN", "SANCTION", "SOM")}),
        # passive voice
        ("A Ukrainian patrol boat was seized by Russian forces in the Sea of Azov.", {("RUS", "COERCE", "UKR")}),
        ("Three Egyptian soldiers were killed by Israeli troops along the border.", {("ISR", "ASSAULT", "EGY")}),
        # reported speech
        (
            "Pakistan said India had violated the ceasefire and accused New Delhi of shelling villages.",
            {("PAK", "ACCUSE", "IND")},
        ),
        (
            "Mexico President Vicente Fox said Wednesday he will meet with US President George W. Bush in Chile.",
            {("MEX", "CONSULT", "USA")},
        ),
        # possessives and nominal events
        ("Iran's rejection of the EU offer angered diplomats.", {("IRN", "REJECT", "EU")}),
        ("Goïta's visit to Moscow was his second in two years.", {("MLI", "CONSULT", "RUS")}),
        ("The talks between Armenia and Azerbaijan resumed in Geneva.", {("ARM", "CONSULT", "AZE")}),
        # coordination
        (
            "Britain, France and Germany met Iran in Vienna.",
            {("GBR", "CONSULT", "IRN"), ("FRA", "CONSULT", "IRN"), ("DEU", "CONSULT", "IRN")},
        ),
        ("Japan and South Korea signed an intelligence-sharing pact.", {("JPN", "AGREE", "KOR")}),
        # headline grammar
        ("India, Myanmar sign three accords", {("IND", "AGREE", "MMR")}),
        # joint forces are cooperation
        ("US and Iraqi forces fought insurgents south of Baghdad.", {("IRQ", "COOPERATE", "USA")}),
        # the object's noun changes the act
        (
            "Spain and Italy shot down a Dutch proposal on fishing quotas.",
            {("ESP", "REJECT", "NLD"), ("ITA", "REJECT", "NLD")},
        ),
        ("Ghana welcomed Togo's decision to reopen the border.", {("GHA", "SUPPORT", "TGO")}),
        ("Ghana welcomed Togo's president in Accra.", {("GHA", "CONSULT", "TGO")}),
    ],
)
def test_constructions(pipeline: Pipeline, text: str, expected: set) -> None:
    assert events(pipeline, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # negation and denial
        "Russia did not attack Georgian positions, the defence ministry said.",
        "China denied sending troops to Myanmar.",
        # hypotheticals, conditions, expectations
        "Analysts said Israel could strike Iranian nuclear sites within months.",
        "Brazil is expected to sign the trade deal with Argentina next year.",
        "Poland should decide soon when to pull its troops out of Iraq.",
        # questions
        "Will France recognize Palestine?",
        # non-state actors and domestic events
        "Nigerian troops killed dozens of Boko Haram fighters in Borno state.",
        "The French president met the French prime minister in Paris.",
    ],
)
def test_not_events(pipeline: Pipeline, text: str) -> None:
    assert events(pipeline, text) == set()


def test_refusal_is_reject(pipeline: Pipeline) -> None:
    assert events(pipeline, "Hungary refused to sign the EU statement on Ukraine.") == {("HUN", "REJECT", "EU")}


def test_hedged_sanctions_are_a_threat(pipeline: Pipeline) -> None:
    found = events(pipeline, "The Bush administration may impose sanctions against leaders of Belarus.")
    assert found == {("USA", "THREATEN", "BLR")}


def test_conditional_withdrawal_is_a_threat(pipeline: Pipeline) -> None:
    text = "Iran would withdraw from the negotiations with the European Union if the talks failed."
    assert ("IRN", "THREATEN", "EU") in events(pipeline, text)


def test_relative_dates(pipeline: Pipeline) -> None:
    analysis = pipeline.analyze(
        Document(
            id="d",
            published=date(2025, 6, 24),
            text="Mali and Russia signed three agreements on Monday. Last week Senegal hosted Gambia's president.",
        )
    )
    by_type = {e.type: e for e in analysis.events}
    assert by_type["AGREE"].date == date(2025, 6, 23) and by_type["AGREE"].date_source == "text"
    consult = by_type["CONSULT"]
    assert consult.date == date(2025, 6, 17) and consult.date_source == "text"


def test_evidence_points_to_the_sentence(pipeline: Pipeline) -> None:
    text = "Officials met in the morning. Later, Egypt hosted talks with Sudan on the Nile dam."
    analysis = pipeline.analyze(Document(id="e", text=text, published=date(2021, 5, 2)))
    [event] = analysis.events
    [evidence] = event.evidence
    assert evidence.sentence == 1
    assert text[evidence.start : evidence.end] == "Later, Egypt hosted talks with Sudan on the Nile dam."
    assert 0 < event.confidence <= 1
