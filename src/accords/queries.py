"""Questions to the knowledge base; every answer is a JSON-ready dict with provenance.

The cooperation-conflict index
    For each month, the index is computed over *happenings*, not over
    reports: every (event cluster, PLOVER type) pair counts once, whatever
    the number of articles that report it. Each pair carries the
    Goldstein-style weight of its type from ``data/plover.tsv`` (column
    ``weight``: -10 = most conflictual, +10 = most cooperative). ``sum`` is
    the sum of the weights, ``mean`` their mean (the index reported as
    ``index``), ``events`` the number of pairs. Counts by PLOVER type per
    month use the same unit.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from . import fusion
from .store import Row, Store

DEFAULT_LIMIT = 100


def _json_list(value: Any) -> list:
    return fusion.as_list(value)


def evidence(store: Store, fact: str, fact_id: int, text: bool = False) -> list[dict]:
    """Where a fact was read: document, sentence and character span (and the sentence text)."""
    out = []
    for row in store.rows("evidence_of", fact=fact, fact_id=fact_id):
        item = {
            "document": row["doc_key"],
            "source": row["source"],
            "sentence": row["sentence"],
            "start": row["start_char"],
            "end": row["end_char"],
            "text": row["text"],
        }
        if text and row["sentence_start"] is not None:
            doc = store.one("doc_get", id=row["doc"])
            item["sentence_text"] = doc["text"][row["sentence_start"] : row["sentence_end"]] if doc else ""
            item["title"] = row["title"]
            item["url"] = row["url"]
            item["published"] = row["published"]
        out.append(item)
    return out


def _doc_keys(store: Store, doc_ids: list[int]) -> list[str]:
    keys = []
    for d in doc_ids:
        row = store.one("doc_get", id=d)
        if row:
            keys.append(row["doc_key"])
    return keys


def discrepancy_record(store: Store, row: Row) -> dict:
    sides: dict[int, dict] = {}
    for s in store.rows("discrepancy_sides", discrepancy=row["id"]):
        side = sides.setdefault(s["side"], {"value": s["value"], "documents": []})
        side["documents"].append(s["doc_key"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "subject": row["subject"],
        "subject_id": row["subject_id"],
        "detail": row["detail"],
        "sides": [sides[k] for k in sorted(sides)],
    }


def registry_record(store: Store, row: Row, full: bool = False) -> dict:
    mentions = store.rows("registry_mentions", registry=row["id"])
    cluster = store.one("cluster_get", id=row["cluster"]) if row["cluster"] else None
    out = {
        "id": row["id"],
        "key": row["rkey"],
        "title": row["title"],
        "parties": row["parties"].split(",") if row["parties"] else [],
        "status": row["status"],
        "stage": row["stage"],
        "date": row["day"],
        "sectors": _json_list(row["sectors"]),
        "creates": row["creates"],
        "sources": row["sources"],
        "reported_by": sorted({m["doc_key"] for m in mentions}),
        "cluster": {"id": cluster["id"], "key": cluster["ckey"], "label": cluster["label"]} if cluster else None,
        "evidence": [e for m in mentions for e in evidence(store, "agreement", m["id"], text=full)],
        "discrepancies": [
            discrepancy_record(store, d)
            for d in store.rows("discrepancies_of_subject", subject="agreement", subject_id=row["id"])
        ],
    }
    if full:
        out["mentions"] = [
            {
                "id": m["id"],
                "document": m["doc_key"],
                "title": m["title"],
                "status": m["status"],
                "stage": m["stage"],
                "date": m["day"],
                "count": m["count"],
                "sectors": _json_list(m["sectors"]),
            }
            for m in mentions
        ]
    return out


def unnamed_record(store: Store, row: Row) -> dict:
    return {
        "id": row["id"],
        "document": row["doc_key"],
        "title": row["title"],
        "parties": row["parties"].split(",") if row["parties"] else [],
        "status": row["status"],
        "date": row["day"],
        "count": row["count"],
        "sectors": _json_list(row["sectors"]),
        "cluster": row["cluster"],
        "evidence": evidence(store, "agreement", row["id"]),
    }


def event_record(row: Row, store: Store | None = None, full: bool = False) -> dict:
    out = {
        "id": row["id"],
        "document": row.get("doc_key"),
        "type": row["type"],
        "cameo": row["cameo"],
        "source": {"code": row["source_code"], "name": row["source_name"], "sector": row["source_sector"]},
        "target": {"code": row["target_code"], "name": row["target_name"], "sector": row["target_sector"]},
        "date": row["day"],
        "date_source": row["date_source"],
        "confidence": row["confidence"],
        "trigger": row["trigger_text"],
        "sectors": _json_list(row["sectors"]),
        "cluster": row["cluster"],
    }
    if store is not None:
        out["evidence"] = evidence(store, "event", row["id"], text=full)
    return out


def cluster_record(store: Store, row: Row, docs: list[str] | None = None, full: bool = False) -> dict:
    if docs is None:
        docs = _doc_keys(store, [r["doc"] for r in store.rows("cluster_docs", cluster=row["id"])])
    named = store.rows("named_of_cluster", cluster=row["id"])
    out = {
        "id": row["id"],
        "key": row["ckey"],
        "label": row["label"],
        "date": row["day"],
        "types": row["types"].split(",") if row["types"] else [],
        "source": row["source_code"],
        "target": row["target_code"],
        "family": row["family"],
        "place": row["place"],
        "sources": row["sources"],
        "documents": sorted(docs),
        "events": row["events"],
        "weight": row["weight"],
        "agreements": sorted({r["registry"] for r in named if r["registry"]}),
        "unnamed_agreements": [unnamed_record(store, r) for r in store.rows("unnamed_of_cluster", cluster=row["id"])],
    }
    if full:
        out["members"] = [event_record(e, store, full=True) for e in store.rows("cluster_events", cluster=row["id"])]
        out["discrepancies"] = [
            discrepancy_record(store, d)
            for d in store.rows("discrepancies_of_subject", subject="cluster", subject_id=row["id"])
        ]
    return out


def _names(store: Store, codes: list[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        row = store.one("actor_by_key", key=f"code:{code}")
        out[code] = row["name"] if row else code
    return out


def dyad(
    store: Store, a: str, b: str, since: str | None = None, until: str | None = None, limit: int = DEFAULT_LIMIT
) -> dict:
    """The relationship at a glance."""
    a, b = fusion.dyad_key(a.upper(), b.upper())
    span = {"a": a, "b": b, "since": since, "until": until}
    # clusters on a timeline, with the documents reporting each
    cluster_rows = store.rows("clusters_of_dyad", **span, limit=limit)
    docs_of: dict[int, list[str]] = defaultdict(list)
    oldest = cluster_rows[-1]["day"] if len(cluster_rows) == limit else None
    shown = {**span, "since": max(filter(None, (since, oldest)), default=None)}
    for r in store.rows("cluster_documents_of_dyad", **shown):
        docs_of[r["cluster"]].append(r["doc_key"])
    clusters = [cluster_record(store, r, docs_of.get(r["id"], [])) for r in reversed(cluster_rows)]
    # counts by type and month, and the index
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    weights = {r["type"]: r["weight"] for r in store.rows("plover_all")}
    index = []
    for r in store.rows("dyad_type_month", **span):
        if r["month"]:
            by_month[r["month"]][r["type"]] = r["n"]
    for month in sorted(by_month):
        n = sum(by_month[month].values())
        total = sum(weights.get(t, 0.0) * k for t, k in by_month[month].items())
        index.append({"month": month, "events": n, "sum": round(total, 3), "index": round(total / n, 3) if n else None})
    # agreements
    registry_rows = store.rows("registry_of_dyad", **span)  # oldest first; the most recent `limit` are detailed
    agreements = [registry_record(store, r) for r in registry_rows[-limit:]]
    unnamed_rows = store.rows("unnamed_of_dyad", pattern1=f"%,{a},%", pattern2=f"%,{b},%", since=since, until=until)
    unnamed = [unnamed_record(store, r) for r in unnamed_rows[-limit:]]
    # projects
    projects = []
    for p in store.rows("project_registry_of_dyad", pattern1=f"%,{a},%", pattern2=f"%,{b},%"):
        mentions = store.rows("project_mentions", registry=p["id"])
        projects.append(
            {
                "id": p["id"],
                "name": p["name"],
                "parties": p["parties"].split(","),
                "stage": p["stage"],
                "sectors": _json_list(p["sectors"]),
                "sources": p["sources"],
                "reported_by": sorted({m["doc_key"] for m in mentions}),
                "evidence": [e for m in mentions for e in evidence(store, "project", m["id"])],
            }
        )
    # sectors
    sector_docs: dict[str, set[str]] = defaultdict(set)
    doc_keys: dict[int, str] = {}
    for r in store.rows("dyad_sectors", **span):
        for s in _json_list(r["sectors"]):
            sector_docs[s].add(r["doc"])
    for rec in agreements:
        for s in rec["sectors"]:
            sector_docs[s] |= set(rec["reported_by"])
    for p in projects:
        for s in p["sectors"]:
            sector_docs[s] |= set(p["reported_by"])
    sources = []
    for r in store.rows("dyad_docs", **span, limit=limit):
        doc_keys[r["id"]] = r["doc_key"]
        sources.append(
            {
                "document": r["doc_key"],
                "source": r["source"],
                "title": r["title"],
                "published": r["published"],
                "url": r["url"],
                "events": r["events"],
                "duplicates": _doc_keys(store, [d["doc"] for d in store.rows("dup_of_doc", doc=r["id"])]),
            }
        )
    sectors = []
    for s, ds in sector_docs.items():
        keys = sorted({doc_keys.get(d, d) if isinstance(d, int) else d for d in ds}, key=str)
        sectors.append({"sector": s, "documents": keys, "count": len(keys)})
    sectors.sort(key=lambda x: (-x["count"], x["sector"]))
    return {
        "dyad": [a, b],
        "names": _names(store, [a, b]),
        "since": since,
        "until": until,
        "summary": {
            "documents": store.scalar("dyad_doc_count", **span),
            "clusters": store.scalar("clusters_count_dyad", **span),
            "agreements": len(registry_rows),
            "unnamed_agreements": len(unnamed_rows),
            "projects": len(projects),
            "discrepancies": store.scalar("discrepancies_count_dyad", a=a, b=b),
        },
        "agreements": agreements,
        "unnamed_agreements": unnamed,
        "clusters": clusters,
        "by_month": {m: dict(sorted(v.items())) for m, v in sorted(by_month.items())},
        "index": index,
        "sectors": sectors,
        "projects": projects,
        "quotes": _quotes(store, span, limit),
        "people": [
            {
                "id": p["id"],
                "name": p["name"],
                "country": p["country"] or p["code"],
                "role": p["role"],
                "sector": p["sector"],
                "documents": p["documents"],
            }
            for p in store.rows("people_of_docs_dyad", **span, limit=limit)
        ],
        "sources": sources,
        "discrepancies": [
            discrepancy_record(store, d) for d in reversed(store.rows("discrepancies_of_dyad", a=a, b=b, limit=limit))
        ],
    }


def _quotes(store: Store, span: dict, limit: int) -> list[dict]:
    """Quotes by people of either side in documents about the dyad; the same words in several reports once."""
    groups: list[dict] = []
    for q in store.rows("dyad_quotes", **span, limit=limit):
        words = fusion.content_words(q["text"])
        speaker = q["actor_name"] or q["person"] or q["speaker_name"]
        for g in groups:
            if g["speaker"] == speaker and fusion.jaccard(g["_words"], words) >= 0.5:
                break
        else:
            g = {
                "speaker": speaker,
                "code": q["speaker_code"],
                "text": q["text"],
                "verb": q["verb"],
                "reported_by": [],
                "evidence": [],
                "_words": words,
            }
            groups.append(g)
        if q["doc_key"] not in g["reported_by"]:
            g["reported_by"].append(q["doc_key"])
        g["evidence"] += evidence(store, "quote", q["id"])
    for g in groups:
        del g["_words"]
    return groups


def agreements(
    store: Store,
    party: str | None = None,
    party2: str | None = None,
    sector: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[dict]:
    rows = store.rows(
        "registry_search",
        party=party.upper() if party else None,
        party2=party2.upper() if party2 else None,
        sector=sector,
        status=status,
        since=since,
        until=until,
        limit=limit,
    )
    return [registry_record(store, r) for r in rows]


def events(
    store: Store,
    type_: str | None = None,
    between: tuple[str, str] | None = None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[dict]:
    a, b = fusion.dyad_key(between[0].upper(), between[1].upper()) if between else (None, None)
    rows = store.rows(
        "events_search",
        type=type_.upper() if type_ else None,
        a=a,
        b=b,
        actor=actor.upper() if actor else None,
        since=since,
        until=until,
        limit=limit,
    )
    return [event_record(r, store) for r in rows]


def actors(store: Store, country: str | None = None, kind: str | None = None, limit: int = DEFAULT_LIMIT) -> list[dict]:
    out = []
    for r in store.rows("actor_list", country=country.upper() if country else None, kind=kind, limit=limit):
        out.append(
            {
                "id": r["id"],
                "name": r["name"],
                "code": r["code"],
                "kind": r["kind"],
                "sector": r["sector"],
                "country": r["country"],
                "person": r["person"],
                "role": r["role"],
                "state_actor": bool(r["state_actor"]),
                "documents": r["documents"],
                "names": [n["name"] for n in store.rows("actor_names", actor=r["id"])],
            }
        )
    return out


def search(store: Store, text: str, limit: int = 20) -> list[dict]:
    return [
        {
            "document": r["doc_key"],
            "source": r["source"],
            "title": r["title"],
            "published": r["published"],
            "url": r["url"],
            "snippet": r["snippet"],
            "rank": round(r["rank"], 4) if r["rank"] is not None else None,
        }
        for r in store.search(text, limit)
    ]


class NotFound(LookupError):
    pass


def _by_id_or_key(store: Store, ident: str, by_id: str, by_key: str) -> Row | None:
    if ident.isdigit():
        row = store.one(by_id, id=int(ident))
        if row is not None:
            return row
    return store.one(by_key, key=ident)


def show(store: Store, what: str, ident: str) -> dict:
    """One agreement (registry record), cluster, event or document with full provenance."""
    if what == "agreement":
        row = _by_id_or_key(store, ident, "registry_get", "registry_by_key")
        if row is None:
            raise NotFound(f"no agreement {ident!r}")
        return {"agreement": registry_record(store, row, full=True)}
    if what == "cluster":
        row = _by_id_or_key(store, ident, "cluster_get", "cluster_by_key")
        if row is None:
            raise NotFound(f"no cluster {ident!r}")
        return {"cluster": cluster_record(store, row, full=True)}
    if what == "event":
        row = store.one("event_get", id=int(ident)) if ident.isdigit() else None
        if row is None:
            raise NotFound(f"no event {ident!r}")
        return {"event": event_record(row, store, full=True)}
    if what == "document":
        row = None
        found = store.rows("doc_find", key=ident)
        if found:
            row = found[0]
        elif ident.isdigit():
            row = store.one("doc_get", id=int(ident))
        if row is None:
            raise NotFound(f"no document {ident!r}")
        return {"document": document_record(store, row)}
    raise NotFound(f"unknown kind {what!r} (agreement, cluster, event, document)")


def document_record(store: Store, row: Row) -> dict:
    doc = row["id"]
    return {
        "id": row["doc_key"],
        "db_id": doc,
        "source": row["source"],
        "url": row["url"],
        "title": row["title"],
        "published": row["published"],
        "origin": row["origin"],
        "ingested": row["ingested"],
        "content_hash": row["content_hash"],
        "text": row["text"],
        "sentences": [
            {"index": s["idx"], "start": s["start_char"], "end": s["end_char"]}
            for s in store.rows("sentences_of_doc", doc=doc)
        ],
        "duplicates": [
            {"document": k, "similarity": d["similarity"]}
            for d in store.rows("dup_of_doc", doc=doc)
            for k in _doc_keys(store, [d["doc"]])
        ],
        "actors": [
            {"id": a["id"], "name": a["name"], "code": a["code"], "kind": a["kind"], "local_id": a["local_id"]}
            for a in store.rows("doc_actor_list", doc=doc)
        ],
        "events": [event_record(e, store) for e in store.rows("doc_events", doc=doc)],
        "agreements": [
            {
                "id": g["id"],
                "title": g["title"],
                "parties": g["parties"].split(",") if g["parties"] else [],
                "status": g["status"],
                "stage": g["stage"],
                "date": g["day"],
                "named": bool(g["named"]),
                "count": g["count"],
                "registry": g["registry"],
                "cluster": g["cluster"],
                "evidence": evidence(store, "agreement", g["id"]),
            }
            for g in store.rows("doc_agreements", doc=doc)
        ],
        "projects": [
            {
                "id": p["id"],
                "name": p["name"],
                "parties": p["parties"].split(",") if p["parties"] else [],
                "stage": p["stage"],
                "registry": p["registry"],
                "evidence": evidence(store, "project", p["id"]),
            }
            for p in store.rows("doc_projects", doc=doc)
        ],
        "quotes": [
            {
                "id": q["id"],
                "text": q["text"],
                "speaker": q["person"] or q["speaker_name"],
                "code": q["speaker_code"],
                "evidence": evidence(store, "quote", q["id"]),
            }
            for q in store.rows("doc_quotes", doc=doc)
        ],
    }


def stats(store: Store) -> dict:
    return store.one("counts") or {}


def type_counts(rows: list[dict]) -> dict[str, int]:
    return dict(Counter(r["type"] for r in rows))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
