"""The REST API: every endpoint, filters and pagination, errors, auth on writes, body limits,
and schemathesis against the OpenAPI document (in-process through ASGI: no network)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from accords.web import create_app
from tests.conftest import shared_path

with warnings.catch_warnings():  # starlette's note about httpx2
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, pipeline) -> Path:
    from accords.ingest import Ingester
    from accords.readers import read_inputs
    from accords.store import open_store

    db = tmp_path_factory.mktemp("api") / "seeds.db"
    store = open_store(db)
    Ingester(store, pipeline).ingest(read_inputs([str(shared_path("seeds", "seeds.jsonl"))]))
    store.close()
    return db


@pytest.fixture(scope="module")
def client(seeded_db: Path):
    with TestClient(create_app(seeded_db)) as c:
        yield c


@pytest.fixture()
def writable(seeded_db: Path, tmp_path: Path, pipeline):
    """A server over a copy of the seeds database that accepts writes with TOKEN."""
    db = tmp_path / "copy.db"
    shutil.copyfile(seeded_db, db)
    app = create_app(db, token=TOKEN, max_body=4096)
    app.state.pipeline = pipeline  # the session's pipeline: no second 2-second build
    with TestClient(app) as c:
        yield c


def error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert err["status"] == status and err["message"]
    if code:
        assert err["code"] == code
    return err


# ----------------------------------------------------------------- reading
def test_dyad(client) -> None:
    d = client.get("/api/dyads/RUS/MLI").json()
    assert d["dyad"] == ["MLI", "RUS"] and d["names"] == {"MLI": "Mali", "RUS": "Russia"}
    assert d["summary"]["agreements"] == 3 and len(d["agreements"]) == 3
    visit = [c for c in d["clusters"] if c["label"].startswith("Official visit of Assimi Goïta")]
    assert len(visit) == 1 and visit[0]["sources"] == 2
    assert d["index"] and d["by_month"]["2025-06"]
    assert client.get("/api/dyads/MLI/RUS").json()["summary"] == d["summary"]  # either order
    error(client.get("/api/dyads/mli/rus"), 422, "invalid_parameter")  # codes are in capitals
    later = client.get("/api/dyads/RUS/MLI", params={"since": "2025-07-01"}).json()
    assert later["summary"]["clusters"] == 0


def test_most_active_dyads(client) -> None:
    page = client.get("/api/dyads").json()
    assert page["items"][0]["dyad"] == ["MLI", "RUS"] and page["items"][0]["clusters"] == 2
    assert page["next_offset"] is None
    first = client.get("/api/dyads", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1


def test_agreements_filters_and_pagination(client) -> None:
    def titles(**params) -> list[str]:
        return [a["title"] for a in client.get("/api/agreements", params=params).json()["items"]]

    assert len(titles()) == 3
    assert len(titles(party="MLI")) == 3
    assert len(titles(party=["MLI", "RUS"])) == 3
    assert titles(party="FRA") == []
    assert titles(sector="nuclear energy") == ["Agreement on cooperation in the peaceful use of nuclear energy"]
    assert len(titles(status="signed")) == 3
    assert titles(status="ratified") == []
    assert len(titles(since="2025-06-23", until="2025-06-23")) == 3
    assert titles(since="2025-06-24") == []
    assert titles(since="2025-07-01", until="2025-06-01") == []  # an empty window
    pages, offset = [], 0
    while offset is not None:
        page = client.get("/api/agreements", params={"limit": 2, "offset": offset}).json()
        pages.append([a["id"] for a in page["items"]])
        offset = page["next_offset"]
    assert [len(p) for p in pages] == [2, 1]
    assert len({i for p in pages for i in p}) == 3


def test_agreement_by_id_with_provenance(client) -> None:
    nuclear = client.get("/api/agreements", params={"sector": "nuclear energy"}).json()["items"][0]
    a = client.get(f"/api/agreements/{nuclear['id']}").json()
    assert a["reported_by"] == ["seed-000", "seed-002"] and a["sources"] == 2
    assert {e["document"] for e in a["evidence"]} == {"seed-000", "seed-002"}
    for e in a["evidence"]:
        assert e["text"] in e["sentence_text"] and "nuclear energy" in e["text"]
    assert {m["document"] for m in a["mentions"]} == {"seed-000", "seed-002"}
    err = error(client.get("/api/agreements/99999"), 404, "not_found")
    assert "99999" in err["message"]


def test_events_and_one_event(client) -> None:
    page = client.get("/api/events", params={"actor": ["RUS", "MLI"], "limit": 500}).json()
    assert page["next_offset"] is None
    assert page["items"] and all({e["source"]["code"], e["target"]["code"]} == {"MLI", "RUS"} for e in page["items"])
    consult = client.get("/api/events", params={"type": "CONSULT"}).json()["items"]
    assert consult and {e["type"] for e in consult} == {"CONSULT"}
    assert client.get("/api/events", params={"actor": "ZZZ"}).json()["items"] == []
    e = client.get(f"/api/events/{consult[0]['id']}").json()
    assert e["evidence"] and e["evidence"][0]["sentence_text"]
    error(client.get("/api/events/424242"), 404, "not_found")


def test_clusters_and_one_cluster(client) -> None:
    page = client.get("/api/clusters", params={"actor": ["MLI", "RUS"], "type": "CONSULT"}).json()
    assert len(page["items"]) == 1
    visit = page["items"][0]
    assert visit["sources"] == 2 and visit["documents"] == ["seed-000", "seed-002"]
    assert client.get("/api/clusters", params={"type": "ASSAULT"}).json()["items"] == []
    assert len(client.get("/api/clusters", params={"actor": "MLI"}).json()["items"]) >= 3
    full = client.get(f"/api/clusters/{visit['id']}").json()
    assert {m["document"] for m in full["members"]} == {"seed-000", "seed-002"}
    assert full["discrepancies"] is not None
    error(client.get("/api/clusters/0"), 404, "not_found")


def test_actors_and_one_actor(client) -> None:
    found = client.get("/api/actors", params={"q": "goita"}).json()["items"]  # accents folded
    assert [a["name"] for a in found] == ["Assimi Goïta"]
    people = client.get("/api/actors", params={"country": "MLI", "kind": "person"}).json()["items"]
    assert "Assimi Goïta" in [p["name"] for p in people]
    assert client.get("/api/actors", params={"q": "%"}).json()["items"] == []  # no LIKE wildcards
    russia = client.get("/api/actors/RUS").json()
    assert russia["actor"]["name"] == "Russia"
    assert [p["code"] for p in russia["partners"]] == ["MLI"]
    assert len(russia["agreements"]) == 3
    goita = client.get(f"/api/actors/{found[0]['id']}").json()
    assert any("mutual trust" in q["text"] for q in goita["quotes"])
    assert goita["events"]
    error(client.get("/api/actors/ZZZ"), 404, "not_found")


def test_documents_and_one_document(client) -> None:
    page = client.get("/api/documents").json()
    assert [d["id"] for d in page["items"]] == ["seed-002", "seed-000"]  # newest first
    assert client.get("/api/documents", params={"source": "nowhere"}).json()["items"] == []
    doc = client.get("/api/documents/seed-002").json()
    assert doc["id"] == "seed-002" and len(doc["agreements"]) == 3 and doc["sentences"]
    assert doc["text"].startswith(doc["text"][: doc["sentences"][0]["end"]])
    error(client.get("/api/documents/nope"), 404, "not_found")


def test_search(client) -> None:
    r = client.get("/api/search", params={"q": "nuclear"}).json()
    assert r["agreements"][0]["title"] == "Agreement on cooperation in the peaceful use of nuclear energy"
    assert {d["document"] for d in r["documents"]} == {"seed-000", "seed-002"}
    assert client.get("/api/search", params={"q": "Goïta"}).json()["actors"][0]["name"] == "Assimi Goïta"
    hostile = client.get("/api/search", params={"q": "x' OR '1'='1\" AND"})
    assert hostile.status_code == 200 and hostile.json()["agreements"] == []


def test_stats(client) -> None:
    s = client.get("/api/stats").json()
    assert s["documents"] == 2 and s["registry"] == 3


def test_json_twins_of_pages(client) -> None:
    api = client.get("/api/dyads/RUS/MLI").json()
    assert client.get("/dyad/RUS/MLI.json").json() == api
    assert client.get("/dyad/RUS/MLI", params={"format": "json"}).json() == api
    assert client.get("/.json").json()["counts"]["documents"] == 2
    nuclear = client.get("/search.json", params={"q": "nuclear"}).json()["agreements"][0]
    assert client.get(f"/agreement/{nuclear['id']}.json").json()["agreement"]["title"] == nuclear["title"]
    cluster = client.get(f"/cluster/{nuclear['cluster']['id']}.json").json()
    assert len(cluster["reports"]) == 2
    assert client.get("/actor/RUS.json").json()["actor"]["code"] == "RUS"
    assert client.get("/document/seed-000.json").json()["document"]["id"] == "seed-000"
    assert (
        client.get("/document/seed-000", headers={"accept": "text/html"})
        .headers["content-type"]
        .startswith("text/html")
    )


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("url", "params", "needle"),
    [
        ("/api/agreements", {"limit": 0}, "limit"),
        ("/api/agreements", {"limit": 501}, "less than or equal to 500"),
        ("/api/agreements", {"offset": -1}, "offset"),
        ("/api/agreements", {"since": "last tuesday"}, "since"),
        ("/api/agreements", {"party": "MLI' OR '1'='1"}, "party.0: String should match pattern"),
        ("/api/agreements", {"party": ["MLI", "RUS", "FRA"]}, "party"),
        ("/api/events", {"type": "CONSULT;DROP"}, "type"),
        ("/api/events", {"actor": ["A", "B", "C"]}, "actor"),
        ("/api/events", {"actor": ""}, "actor"),
        ("/api/clusters", {"until": "2025-13-01"}, "until"),
        ("/api/documents", {"since": "0.0"}, "YYYY-MM-DD"),
        ("/api/dyads/RUS/M%20L", {}, "b"),
        ("/api/events/abc", {}, "event_id"),
        ("/api/search", {}, "q"),
        ("/api/search", {"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_get_422_with_a_clear_message(client, url, params, needle) -> None:
    err = error(client.get(url, params=params), 422, "invalid_parameter")
    assert needle in err["message"], err
    assert err["details"] and err["details"][0]["loc"]


def test_unknown_paths_and_methods(client) -> None:
    error(client.get("/api/nothing-here"), 404, "not_found")
    error(client.delete("/api/agreements"), 405, "method_not_allowed")
    page = client.get("/agreement/99999", headers={"accept": "text/html"})
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


# ----------------------------------------------------------------- writing
ARTICLE = {
    "id": "post-1",
    "title": "Mali and Russia sign energy deal",
    "text": "Mali and Russia signed an agreement on cooperation in the field of energy on Monday in Bamako.",
    "published": "2025-07-02",
    "source": "test wire",
}


def test_writing_is_disabled_without_a_token(client) -> None:
    error(client.post("/api/documents", json=ARTICLE), 403, "writing_disabled")
    error(client.post("/api/documents", json=ARTICLE, headers={"Authorization": "Bearer x"}), 403)


def test_writing_needs_the_bearer_token(writable) -> None:
    err = error(writable.post("/api/documents", json=ARTICLE), 401, "unauthorized")
    assert "bearer" in err["message"]
    r = writable.post("/api/documents", json=ARTICLE, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    error(writable.post("/api/documents", json=ARTICLE, headers={"Authorization": f"Basic {TOKEN}"}), 401)
    assert writable.get("/api/stats").json()["documents"] == 2  # nothing was written


def test_posting_a_document_ingests_it(writable) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writable.post("/api/documents", json=ARTICLE, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "added" and body["document"] == "post-1" and body["db_id"]
    assert writable.get("/api/stats").json()["documents"] == 3
    doc = writable.get("/api/documents/post-1").json()
    assert doc["source"] == "test wire" and doc["published"] == "2025-07-02"
    again = writable.post("/api/documents", json=ARTICLE, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    error(writable.post("/api/documents", json={"id": "x", "text": "   "}, headers=auth), 422)
    error(writable.post("/api/documents", json={"text": "no id"}, headers=auth), 422, "invalid_parameter")
    error(
        writable.post("/api/documents", content=b"{not json", headers={**auth, "content-type": "application/json"}), 422
    )


def test_oversized_bodies_are_rejected(writable) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {**ARTICLE, "text": "Mali and Russia talk. " * 400}  # ~8.8 kB > the 4 kB limit of this server
    err = error(writable.post("/api/documents", json=big, headers=auth), 413, "body_too_large")
    assert "4096" in err["message"]

    def chunks():  # no Content-Length: counted while streaming
        yield b'{"id": "big", "text": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    r = writable.post("/api/documents", content=chunks(), headers={**auth, "content-type": "application/json"})
    error(r, 413, "body_too_large")
    assert writable.get("/api/stats").json()["documents"] == 2


# ----------------------------------------------------------------- the OpenAPI document
def test_openapi_document_lists_every_endpoint(client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/dyads",
        "/api/dyads/{a}/{b}",
        "/api/agreements",
        "/api/agreements/{agreement_id}",
        "/api/events",
        "/api/events/{event_id}",
        "/api/clusters",
        "/api/clusters/{cluster_id}",
        "/api/actors",
        "/api/actors/{ident}",
        "/api/documents",
        "/api/documents/{ident}",
        "/api/search",
        "/api/stats",
    ):
        assert "get" in paths[path], path
        assert "422" in paths[path]["get"]["responses"]
    post = paths["/api/documents"]["post"]
    assert post["security"] == [{"HTTPBearer": []}]
    assert {"201", "401", "403", "413", "422"} <= set(post["responses"])
    assert not any(p.startswith(("/dyad", "/agreement", "/static")) for p in paths)  # pages are not the API
    assert client.get("/api/docs").status_code == 200


# The OpenAPI document does not depend on the data: list its operations at collection time.
OPERATIONS = [
    f"{method.upper()} {path}" for path, ops in create_app(":memory:").openapi()["paths"].items() for method in ops
]


@pytest.fixture(scope="module")
def api_schema(seeded_db: Path):
    return schemathesis.openapi.from_asgi("/api/openapi.json", create_app(seeded_db))


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_conforms_to_its_openapi_document(api_schema, label: str, mode) -> None:
    """Generated requests (valid, then invalid) for every operation, sent in-process through ASGI: no
    server error, every answer (status, content type, headers, body) as documented, invalid input rejected."""
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    if mode == schemathesis.GenerationMode.NEGATIVE and not (
        operation.query or operation.path_parameters or operation.body
    ):
        pytest.skip("no input to make invalid")

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def check(case) -> None:
        case.call_and_validate()

    check()
