"""Questions the dashboard and the API ask that :mod:`accords.queries` does not answer (yet).

Built on the :class:`~accords.store.Store` interface only: every statement is a
named statement with bound parameters, registered once in the store's shared
statement table under a ``web_`` prefix (so any backend that runs the shared
statements runs these too). Nothing here ever pastes user input into SQL: LIKE
patterns are built in Python with ``\\`` escaping and passed as parameters.

Every function returns JSON-ready dicts in the same shapes as
:mod:`accords.queries` (it reuses its record builders).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from typing import Any

from .. import fusion, queries
from ..normalize import fold
from ..store import Row, Store
from ..store.sql import STATEMENTS

log = logging.getLogger("accords.web")

_FILTER_DAYS = """
          AND (CAST(:since AS TEXT) IS NULL OR {col} >= :since)
          AND (CAST(:until AS TEXT) IS NULL OR {col} <= :until)"""

WEB_STATEMENTS: dict[str, str] = {
    "web_top_dyads": """
        SELECT dyad_a, dyad_b, count(*) AS clusters, sum(events) AS events, max(day) AS last_day,
               avg(weight) AS mean_weight
        FROM clusters GROUP BY dyad_a, dyad_b
        ORDER BY clusters DESC, last_day DESC, dyad_a, dyad_b LIMIT :limit OFFSET :offset""",
    "web_latest_clusters": "SELECT * FROM clusters ORDER BY day DESC, id DESC LIMIT :limit",
    "web_clusters_search": """
        SELECT * FROM clusters
        WHERE (CAST(:type_pattern AS TEXT) IS NULL OR (',' || types || ',') LIKE :type_pattern)
          AND (CAST(:a AS TEXT) IS NULL OR (dyad_a = :a AND dyad_b = :b))
          AND (CAST(:actor AS TEXT) IS NULL OR dyad_a = :actor OR dyad_b = :actor)"""
    + _FILTER_DAYS.format(col="day")
    + """
        ORDER BY day DESC, id DESC LIMIT :limit OFFSET :offset""",
    "web_registry_search": """
        SELECT r.* FROM registry r
        WHERE (CAST(:party AS TEXT) IS NULL OR r.id IN (SELECT registry FROM registry_parties WHERE code = :party))
          AND (CAST(:party2 AS TEXT) IS NULL OR r.id IN (SELECT registry FROM registry_parties WHERE code = :party2))
          AND (CAST(:sector AS TEXT) IS NULL OR r.id IN (SELECT registry FROM registry_sectors WHERE sector = :sector))
          AND (CAST(:status AS TEXT) IS NULL OR r.status = :status OR r.stage = :status)"""
    + _FILTER_DAYS.format(col="r.day")
    + """
        ORDER BY r.day DESC, r.id DESC LIMIT :limit OFFSET :offset""",
    "web_events_search": """
        SELECT e.*, d.doc_key FROM events e JOIN documents d ON d.id = e.doc
        WHERE (CAST(:type AS TEXT) IS NULL OR e.type = :type)
          AND (CAST(:a AS TEXT) IS NULL OR (e.dyad_a = :a AND e.dyad_b = :b))
          AND (CAST(:actor AS TEXT) IS NULL OR e.source_code = :actor OR e.target_code = :actor)"""
    + _FILTER_DAYS.format(col="e.day")
    + """
        ORDER BY e.day DESC, e.id DESC LIMIT :limit OFFSET :offset""",
    "web_actor_list": """
        SELECT a.id, a.code, a.name, a.kind, a.sector, a.country, a.person, a.role, a.state_actor,
               count(DISTINCT da.doc) AS documents
        FROM actors a JOIN doc_actors da ON da.actor = a.id
        WHERE (CAST(:country AS TEXT) IS NULL OR a.country = :country OR a.code = :country)
          AND (CAST(:kind AS TEXT) IS NULL OR a.kind = :kind)
        GROUP BY a.id, a.code, a.name, a.kind, a.sector, a.country, a.person, a.role, a.state_actor
        ORDER BY documents DESC, a.name, a.id LIMIT :limit OFFSET :offset""",
    "web_actor_docs_count": "SELECT count(DISTINCT doc) AS n FROM doc_actors WHERE actor = :actor",
    "web_actor_names_all": "SELECT actor, name FROM actor_names ORDER BY actor",
    "web_actor_names_count": "SELECT count(*) AS n, max(actor) AS last FROM actor_names",
    "web_documents": """
        SELECT d.id, d.doc_key, d.source, d.title, d.published, d.url,
               (SELECT count(*) FROM events e WHERE e.doc = d.id) AS events
        FROM documents d
        WHERE (CAST(:source AS TEXT) IS NULL OR d.source = :source)"""
    + _FILTER_DAYS.format(col="d.published")
    + """
        ORDER BY d.published DESC, d.id DESC LIMIT :limit OFFSET :offset""",
    # an actor's events: a state by code (either side), anyone else by actor id
    "web_actor_events": """
        SELECT e.*, d.doc_key FROM events e JOIN documents d ON d.id = e.doc
        WHERE ((CAST(:code AS TEXT) IS NOT NULL AND (e.source_code = :code OR e.target_code = :code))
            OR (CAST(:actor AS INTEGER) IS NOT NULL AND (e.source_actor = :actor OR e.target_actor = :actor)))
        ORDER BY e.day DESC, e.id DESC LIMIT :limit OFFSET :offset""",
    "web_actor_type_month": """
        SELECT e.month, e.type, count(DISTINCT e.cluster) AS n FROM events e
        WHERE e.cluster IS NOT NULL AND e.month IS NOT NULL
          AND ((CAST(:code AS TEXT) IS NOT NULL AND (e.source_code = :code OR e.target_code = :code))
            OR (CAST(:actor AS INTEGER) IS NOT NULL AND (e.source_actor = :actor OR e.target_actor = :actor)))
        GROUP BY e.month, e.type ORDER BY e.month, e.type""",
    "web_state_partners": """
        SELECT CASE WHEN dyad_a = :code THEN dyad_b ELSE dyad_a END AS partner,
               count(*) AS clusters, sum(events) AS events, avg(weight) AS mean_weight, max(day) AS last_day
        FROM clusters WHERE dyad_a = :code OR dyad_b = :code
        GROUP BY CASE WHEN dyad_a = :code THEN dyad_b ELSE dyad_a END
        ORDER BY events DESC, partner LIMIT :limit""",
    "web_person_partners": """
        SELECT CASE WHEN e.source_actor = :actor THEN e.target_code ELSE e.source_code END AS partner,
               count(DISTINCT e.cluster) AS clusters, count(*) AS events, NULL AS mean_weight, max(e.day) AS last_day
        FROM events e WHERE e.source_actor = :actor OR e.target_actor = :actor
        GROUP BY CASE WHEN e.source_actor = :actor THEN e.target_code ELSE e.source_code END
        ORDER BY events DESC, partner LIMIT :limit""",
    "web_actor_quotes": """
        SELECT q.*, d.doc_key, d.published, a.name AS actor_name FROM quotes q JOIN documents d ON d.id = q.doc
        LEFT JOIN actors a ON a.id = q.speaker_actor
        WHERE (CAST(:actor AS INTEGER) IS NOT NULL AND q.speaker_actor = :actor)
           OR (CAST(:code AS TEXT) IS NOT NULL AND q.speaker_code = :code)
        ORDER BY d.published DESC, q.doc DESC, q.seq LIMIT :limit""",
    "web_person_agreements": """
        SELECT r.* FROM registry r WHERE r.id IN (
            SELECT a.registry FROM agreements a JOIN doc_actors da ON da.doc = a.doc
            WHERE da.actor = :actor AND a.registry IS NOT NULL)
        ORDER BY r.day DESC, r.id DESC LIMIT :limit""",
    "web_registry_by_title": """
        SELECT * FROM registry WHERE lower(title) LIKE :pattern ESCAPE '\\'
        ORDER BY day DESC, id DESC LIMIT :limit""",
    "web_clusters_by_label": """
        SELECT * FROM clusters WHERE lower(label) LIKE :pattern ESCAPE '\\'
        ORDER BY day DESC, id DESC LIMIT :limit""",
    "web_actor_by_code": """
        SELECT id FROM actors WHERE code = :code AND kind IN ('state', 'organization')
        ORDER BY CASE kind WHEN 'state' THEN 0 ELSE 1 END, id LIMIT 1""",
    "web_code_known": """
        SELECT 1 AS known FROM clusters WHERE dyad_a = :code OR dyad_b = :code LIMIT 1""",
}


def register() -> None:
    """Make the web statements known to every store (idempotent)."""
    for name, sql in WEB_STATEMENTS.items():
        STATEMENTS.setdefault(name, sql)


register()


# ----------------------------------------------------------------- helpers
def like_pattern(text: str) -> str:
    """A case-insensitive LIKE pattern matching the words of ``text`` in order (``\\`` escapes)."""
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in text.lower().split()]
    return "%" + "%".join(words) + "%"


def names(store: Store, codes: list[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        if code in out:
            continue
        row = store.one("actor_by_key", key=f"code:{code}")
        out[code] = row["name"] if row else code
    return out


def page(rows: list[Any], limit: int, offset: int) -> dict:
    """A page of results from ``limit + 1`` fetched rows."""
    more = len(rows) > limit
    return {
        "items": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


# ----------------------------------------------------------------- lists
def top_dyads(store: Store, limit: int = 10, offset: int = 0) -> list[dict]:
    rows = store.rows("web_top_dyads", limit=limit, offset=offset)
    named = names(store, [c for r in rows for c in (r["dyad_a"], r["dyad_b"])])
    return [
        {
            "dyad": [r["dyad_a"], r["dyad_b"]],
            "names": [named[r["dyad_a"]], named[r["dyad_b"]]],
            "clusters": r["clusters"],
            "events": r["events"] or 0,
            "last_date": r["last_day"],
            "mean_weight": round(r["mean_weight"], 3) if r["mean_weight"] is not None else None,
        }
        for r in rows
    ]


def cluster_summary(store: Store, row: Row) -> dict:
    """A cluster without its members (cheap: for lists)."""
    return queries.cluster_record(store, row)


def latest_clusters(store: Store, limit: int = 10) -> list[dict]:
    return [cluster_summary(store, r) for r in store.rows("web_latest_clusters", limit=limit)]


def _actor_filter(actors: list[str] | None) -> tuple[str | None, str | None, str | None]:
    """Two codes filter a dyad (as its sorted pair), one code an actor on either side."""
    codes = [a.upper() for a in actors or []]
    if len(codes) == 2:
        a, b = fusion.dyad_key(codes[0], codes[1])
        return a, b, None
    return None, None, codes[0] if codes else None


def clusters(
    store: Store,
    type_: str | None = None,
    actors: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    a, b, actor = _actor_filter(actors)
    rows = store.rows(
        "web_clusters_search",
        type_pattern=f"%,{type_.upper()},%" if type_ else None,
        a=a,
        b=b,
        actor=actor,
        since=since,
        until=until,
        limit=limit + 1,
        offset=offset,
    )
    return page([cluster_summary(store, r) for r in rows], limit, offset)


def agreements(
    store: Store,
    parties: list[str] | None = None,
    sector: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    parties = [p.upper() for p in parties or []]
    rows = store.rows(
        "web_registry_search",
        party=parties[0] if parties else None,
        party2=parties[1] if len(parties) > 1 else None,
        sector=sector,
        status=status,
        since=since,
        until=until,
        limit=limit + 1,
        offset=offset,
    )
    return page([queries.registry_record(store, r) for r in rows], limit, offset)


def events(
    store: Store,
    type_: str | None = None,
    actors: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    a, b, actor = _actor_filter(actors)
    rows = store.rows(
        "web_events_search",
        type=type_.upper() if type_ else None,
        a=a,
        b=b,
        actor=actor,
        since=since,
        until=until,
        limit=limit + 1,
        offset=offset,
    )
    return page([queries.event_record(r, store) for r in rows], limit, offset)


def actor_record(store: Store, r: Row, documents: int | None = None) -> dict:
    if documents is None:
        documents = r.get("documents")
        if documents is None:
            documents = store.scalar("web_actor_docs_count", actor=r["id"]) or 0
    return {
        "id": r["id"],
        "name": r["name"],
        "code": r["code"],
        "kind": r["kind"],
        "sector": r["sector"],
        "country": r["country"],
        "person": r["person"],
        "role": r["role"],
        "state_actor": bool(r["state_actor"]),
        "documents": documents,
        "names": [n["name"] for n in store.rows("actor_names", actor=r["id"])],
    }


_NAMES_CACHE: dict[str, tuple[tuple, list[tuple[int, str]]]] = {}


def _folded_names(store: Store) -> list[tuple[int, str]]:
    """Every (actor, folded spelling), cached until the table changes."""
    stamp = tuple(store.one("web_actor_names_count").values())
    cached = _NAMES_CACHE.get(store.location)
    if cached is None or cached[0] != stamp:
        names_ = [(r["actor"], fold(r["name"])) for r in store.rows("web_actor_names_all")]
        cached = (stamp, names_)
        _NAMES_CACHE[store.location] = cached
    return cached[1]


def matching_actors(store: Store, text: str) -> list[int]:
    """Actors with a spelling containing the words of ``text``, accents and case folded ("goita" finds Goïta)."""
    words = fold(text).split()
    found: dict[int, None] = {}
    for actor, folded in _folded_names(store):
        if actor not in found and all(w in folded for w in words):
            found[actor] = None
    return list(found)


def actors(
    store: Store,
    country: str | None = None,
    kind: str | None = None,
    name: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    country = country.upper() if country else None
    if not (name and name.strip()):
        rows = store.rows("web_actor_list", country=country, kind=kind, limit=limit + 1, offset=offset)
        return page([actor_record(store, r) for r in rows], limit, offset)
    records = []
    for actor_id in matching_actors(store, name):
        row = store.one("actor_get", id=actor_id)
        if row is None or (kind and row["kind"] != kind):
            continue
        if country and country not in (row["country"], row["code"]):
            continue
        documents_ = store.scalar("web_actor_docs_count", actor=actor_id) or 0
        if documents_:
            records.append((row, documents_))
    records.sort(key=lambda x: (-x[1], x[0]["name"], x[0]["id"]))
    chosen = records[offset : offset + limit + 1]
    return page([actor_record(store, r, d) for r, d in chosen], limit, offset)


def documents(
    store: Store,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    rows = store.rows("web_documents", source=source, since=since, until=until, limit=limit + 1, offset=offset)
    items = [
        {
            "id": r["doc_key"],
            "db_id": r["id"],
            "source": r["source"],
            "title": r["title"],
            "published": r["published"],
            "url": r["url"],
            "events": r["events"],
        }
        for r in rows
    ]
    return page(items, limit, offset)


# ----------------------------------------------------------------- objects
def find_actor(store: Store, ident: str) -> Row | None:
    """An actor by numeric id or by state/organization code."""
    if ident.isdigit():
        row = store.one("actor_get", id=int(ident))
        if row is not None:
            return row
    code = ident.upper()
    found = store.one("actor_by_key", key=f"code:{code}") or store.one("web_actor_by_code", code=code)
    return store.one("actor_get", id=found["id"]) if found else None


def code_known(store: Store, code: str) -> bool:
    return bool(store.one("web_code_known", code=code.upper()))


def actor_detail(store: Store, row: Row, limit: int = 50) -> dict:
    """A person's or state's events, agreements, quotes and partners over time."""
    is_code = row["kind"] in ("state", "organization") and bool(row["code"])
    code = row["code"] if is_code else None
    actor = None if is_code else row["id"]
    ev_rows = store.rows("web_actor_events", code=code, actor=actor, limit=limit, offset=0)
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    for r in store.rows("web_actor_type_month", code=code, actor=actor):
        by_month[r["month"]][r["type"]] = r["n"]
    if is_code:
        registry = store.rows(
            "web_registry_search",
            party=code,
            party2=None,
            sector=None,
            status=None,
            since=None,
            until=None,
            limit=limit,
            offset=0,
        )
        partner_rows = store.rows("web_state_partners", code=code, limit=40)
    else:
        registry = store.rows("web_person_agreements", actor=actor, limit=limit)
        partner_rows = store.rows("web_person_partners", actor=actor, limit=40)
    partner_names = names(store, [p["partner"] for p in partner_rows if p["partner"]])
    quotes = []
    for q in store.rows("web_actor_quotes", actor=actor, code=code, limit=limit):
        quotes.append(
            {
                "id": q["id"],
                "text": q["text"],
                "speaker": q["actor_name"] or q["person"] or q["speaker_name"],
                "code": q["speaker_code"],
                "verb": q["verb"],
                "document": q["doc_key"],
                "published": q["published"],
                "evidence": queries.evidence(store, "quote", q["id"]),
            }
        )
    return {
        "actor": actor_record(store, row),
        "events": [queries.event_record(r, store) for r in ev_rows],
        "by_month": {m: dict(sorted(v.items())) for m, v in sorted(by_month.items())},
        "agreements": [queries.registry_record(store, r) for r in registry],
        "quotes": quotes,
        "partners": [
            {
                "code": p["partner"],
                "name": partner_names.get(p["partner"], p["partner"]),
                "clusters": p["clusters"],
                "events": p["events"] or 0,
                "mean_weight": round(p["mean_weight"], 3) if p["mean_weight"] is not None else None,
                "last_date": p["last_day"],
            }
            for p in partner_rows
            if p["partner"]
        ],
    }


def _fact_key(event: dict) -> tuple[str, str, str]:
    return (event["type"], event["source"]["code"], event["target"]["code"])


def cluster_detail(store: Store, ident: str) -> dict:
    """A cluster with its reports side by side: what each says, what only one says."""
    record = queries.show(store, "cluster", ident)["cluster"]
    docs = record["documents"]
    reports: dict[str, dict] = {}
    for key in docs:
        found = store.rows("doc_find", key=key)
        d = found[0] if found else {}
        reports[key] = {
            "document": key,
            "source": d.get("source", ""),
            "title": d.get("title", ""),
            "published": d.get("published"),
            "url": d.get("url", ""),
            "events": [],
            "agreements": [],
        }
    facts: dict[tuple, dict] = {}
    for member in record["members"]:
        doc = member["document"]
        if doc not in reports:
            continue
        reports[doc]["events"].append(member)
        key = _fact_key(member)
        fact = facts.setdefault(
            key,
            {
                "kind": "event",
                "label": f"{member['source']['name'] or member['source']['code']} {member['type']} "
                f"{member['target']['name'] or member['target']['code']}",
                "type": member["type"],
                "reported_by": [],
            },
        )
        if doc not in fact["reported_by"]:
            fact["reported_by"].append(doc)
    for rid in record["agreements"]:
        row = store.one("registry_get", id=rid)
        if row is None:
            continue
        mentions = store.rows("registry_mentions", registry=rid)
        fact = facts.setdefault(
            ("agreement", rid),
            {"kind": "agreement", "label": row["title"], "agreement": rid, "type": "", "reported_by": []},
        )
        for m in mentions:
            if m["doc_key"] in reports and m["doc_key"] not in fact["reported_by"]:
                fact["reported_by"].append(m["doc_key"])
                reports[m["doc_key"]]["agreements"].append(
                    {
                        "id": rid,
                        "title": row["title"],
                        "as_reported": m["title"],
                        "status": m["status"],
                        "date": m["day"],
                        "evidence": queries.evidence(store, "agreement", m["id"], text=True),
                    }
                )
    for u in record["unnamed_agreements"]:
        fact = facts.setdefault(
            ("unnamed", u["id"]),
            {"kind": "unnamed agreements", "label": u["title"], "type": "", "reported_by": []},
        )
        if u["document"] not in fact["reported_by"]:
            fact["reported_by"].append(u["document"])
    fact_list = []
    for fact in facts.values():
        fact["reported_by"].sort()
        fact["only"] = fact["reported_by"][0] if len(docs) > 1 and len(fact["reported_by"]) == 1 else None
        fact_list.append(fact)
    fact_list.sort(key=lambda f: (f["only"] is not None, f["kind"], f["label"]))
    return {
        "cluster": {k: v for k, v in record.items() if k != "members"},
        "names": names(store, [record["source"], record["target"]]),
        "reports": [reports[k] for k in docs],
        "facts": fact_list,
    }


def agreement_detail(store: Store, ident: str) -> dict:
    """An agreement record with its stage history and the reports compared field by field."""
    record = queries.show(store, "agreement", ident)["agreement"]
    mentions = record.get("mentions", [])
    history = sorted(
        ({"date": m["date"], "stage": m["stage"], "status": m["status"], "document": m["document"]} for m in mentions),
        key=lambda h: (h["date"] or "", h["document"]),
    )
    fields = ["title", "status", "stage", "date", "count", "sectors"]
    comparison = []
    for f in fields:
        values = {m["document"]: m[f] for m in mentions}
        shown = {d: ", ".join(v) if isinstance(v, list) else ("" if v is None else str(v)) for d, v in values.items()}
        comparison.append({"field": f, "values": shown, "differs": len(set(shown.values())) > 1})
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for e in record["evidence"]:
        by_doc[e["document"]].append(e)
    return {
        "agreement": record,
        "names": names(store, record["parties"]),
        "history": history,
        "comparison": comparison,
        "evidence_by_document": [{"document": d, "evidence": ev} for d, ev in by_doc.items()],
    }


def document_detail(store: Store, ident: str) -> dict:
    record = queries.show(store, "document", ident)["document"]
    return {"document": record}


def search(store: Store, text: str, limit: int = 20) -> dict:
    """Agreements and clusters by title, actors by name, documents by full text."""
    text = text.strip()
    pattern = like_pattern(text)
    return {
        "query": text,
        "agreements": [
            queries.registry_record(store, r) for r in store.rows("web_registry_by_title", pattern=pattern, limit=limit)
        ],
        "clusters": [
            cluster_summary(store, r) for r in store.rows("web_clusters_by_label", pattern=pattern, limit=limit)
        ],
        "actors": actors(store, name=text, limit=limit)["items"],
        "documents": _search_documents(store, text, limit),
    }


def _search_documents(store: Store, text: str, limit: int) -> list[dict]:
    """Full-text search that never fails on odd input (control characters, stray syntax)."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if not re.search(r"\w", clean):
        return []
    try:
        return queries.search(store, clean, limit)
    except Exception:  # the engine refused the query even as a phrase: no document matches it
        log.warning("full-text search failed for %r", clean, exc_info=True)
        return []


def home(store: Store, limit: int = 10) -> dict:
    latest = store.rows(
        "web_registry_search",
        party=None,
        party2=None,
        sector=None,
        status=None,
        since=None,
        until=None,
        limit=limit,
        offset=0,
    )
    return {
        "counts": queries.stats(store),
        "dyads": top_dyads(store, limit=limit),
        "agreements": [queries.registry_record(store, r) for r in latest],
        "clusters": latest_clusters(store, limit=limit),
    }
