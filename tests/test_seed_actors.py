"""The actors of the seed articles, resolved as the acceptance record lists them (../shared/seeds/EXPECTED.md)."""

from __future__ import annotations

import pytest


def actor_by_name(analyses: dict, doc_id: str, name: str):
    for actor in analyses[doc_id].actors:
        if actor.name == name or actor.person == name:
            return actor
    names = [a.name for a in analyses[doc_id].actors]
    raise AssertionError(f"{name!r} not among the actors of {doc_id}: {names}")


def mention_texts(analyses: dict, doc_id: str, name: str) -> set[str]:
    return {m.text for m in actor_by_name(analyses, doc_id, name).mentions}


@pytest.mark.parametrize(
    ("doc_id", "name", "code", "kind", "role", "mentions"),
    [
        (
            "seed-000",
            "Assimi Goïta",
            "MLI",
            "person",
            "head_of_state",
            {"Mali’s junta leader Col Assimi Goïta", "Col Goïta", "Goïta"},
        ),
        (
            "seed-002",
            "Assimi Goïta",
            "MLI",
            "person",
            "head_of_state",
            {"the Interim President of the Republic of Mali, Assimi Goïta", "Malian President Assimi Goïta"},
        ),
        (
            "seed-000",
            "Vladimir Putin",
            "RUS",
            "person",
            "head_of_state",
            {"Russian President Vladimir Putin", "President Putin"},
        ),
        ("seed-002", "Vladimir Putin", "RUS", "person", "head_of_state", {"President Vladimir Putin"}),
        (
            "seed-000",
            "Andrei Belousov",
            "RUS",
            "person",
            "defence_minister",
            {"Russian Defence Minister Andrei Belousov", "Belousov"},
        ),
        ("seed-000", "Sadio Camara", "MLI", "person", "defence_minister", {"Malian Defense Minister Sadio Camara"}),
    ],
)
def test_people(seed_analyses: dict, doc_id: str, name: str, code: str, kind: str, role: str, mentions: set) -> None:
    actor = actor_by_name(seed_analyses, doc_id, name)
    assert (actor.code, actor.kind, actor.role, actor.sector) == (code, kind, role, "GOV")
    assert mentions <= mention_texts(seed_analyses, doc_id, name)


def test_states_and_their_metonyms(seed_analyses: dict) -> None:
    russia = mention_texts(seed_analyses, "seed-000", "Russia") | mention_texts(seed_analyses, "seed-002", "Russia")
    assert {"the Kremlin", "Moscow", "Russia"} <= russia
    assert "the Russian Federation" in russia
    mali = mention_texts(seed_analyses, "seed-000", "Mali") | mention_texts(seed_analyses, "seed-002", "Mali")
    assert {"Mali", "the Republic of Mali"} <= mali or {"Mali", "Republic of Mali"} <= mali


def test_forces_and_organizations(seed_analyses: dict) -> None:
    corps = actor_by_name(seed_analyses, "seed-000", "Africa Corps")
    assert (corps.code, corps.kind, corps.sector, corps.state_actor) == ("RUS", "force", "MIL", True)
    wagner = actor_by_name(seed_analyses, "seed-000", "Wagner Group")
    assert (wagner.code, wagner.country, wagner.state_actor) == ("", "RUS", False)
    france = actor_by_name(seed_analyses, "seed-000", "France")
    assert france.code == "FRA"
    un = actor_by_name(seed_analyses, "seed-000", "United Nations")
    assert (un.code, un.kind) == ("UN", "organization")


def test_mentions_point_into_the_text(seed_analyses: dict) -> None:
    for analysis in seed_analyses.values():
        text = analysis.document.text
        for actor in analysis.actors:
            for m in actor.mentions:
                assert text[m.start : m.end] == m.text
                sentence = analysis.sentences[m.sentence]
                assert sentence.start <= m.start < sentence.end
