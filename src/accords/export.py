"""Export the knowledge base: events, agreements (registry) and clusters as JSONL, CSV or
Parquet, and event tables in the layouts of GDELT 2.0 and POLECAT.

See ``docs/export.md`` for the columns and the mapping to GDELT and POLECAT.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .fusion import UNORDERED
from .store import Store

TABLES = ("events", "agreements", "clusters")
FORMATS = ("jsonl", "csv", "parquet", "gdelt", "polecat")

QUAD = {"verbal cooperation": 1, "material cooperation": 2, "verbal conflict": 3, "material conflict": 4}
# CAMEO known-group codes for the organization codes of the guidelines (GDELT writes IGO + group).
CAMEO_GROUPS = {
    "UN": "UNO",
    "EU": "EEC",
    "NATO": "NAT",
    "AU": "AFU",
    "ASEAN": "ASN",
    "ECOWAS": "WAD",
    "IAEA": "IAE",
    "WTO": "WTO",
    "OPEC": "OPC",
    "ARL": "ARL",
    "ICC": "ICC",
    "IMF": "IMF",
    "WB": "WBK",
    "OSCE": "OSC",
    "SCO": "SCO",
    "BRICS": "BRI",
    "G7": "G7",
    "G20": "G20",
    "AES": "AES",
}

GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]  # fmt: skip

POLECAT_COLUMNS = [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "State", "Country", "Latitude", "Longitude", "GeoNames ID", "Raw Placename",
    "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations", "Story Locations",
    "Language", "Version",
]  # fmt: skip


def _list(value: Any) -> list:
    if not value:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


# ------------------------------------------------------------------ tables


def events_table(store: Store) -> Iterator[dict]:
    for r in store.rows("export_events"):
        yield {
            "id": r["id"],
            "document": r["doc_key"],
            "source_outlet": r["doc_source"],
            "url": r["doc_url"],
            "published": r["doc_published"],
            "type": r["type"],
            "cameo": r["cameo"],
            "source_code": r["source_code"],
            "source_name": r["source_name"],
            "source_sector": r["source_sector"],
            "target_code": r["target_code"],
            "target_name": r["target_name"],
            "target_sector": r["target_sector"],
            "date": r["day"],
            "date_source": r["date_source"],
            "confidence": r["confidence"],
            "trigger": r["trigger_text"],
            "sectors": _list(r["sectors"]),
            "cluster": r["cluster_key"],
            "cluster_sources": r["cluster_sources"],
            "sentence": r["sentence"],
            "evidence": r["evidence"],
        }


def agreements_table(store: Store) -> Iterator[dict]:
    for r in store.rows("export_registry"):
        mentions = store.rows("registry_mentions", registry=r["id"])
        cluster = store.one("cluster_get", id=r["cluster"]) if r["cluster"] else None
        yield {
            "id": r["id"],
            "key": r["rkey"],
            "title": r["title"],
            "parties": r["parties"].split(",") if r["parties"] else [],
            "status": r["status"],
            "stage": r["stage"],
            "date": r["day"],
            "sectors": _list(r["sectors"]),
            "creates": r["creates"],
            "sources": r["sources"],
            "documents": sorted({m["doc_key"] for m in mentions}),
            "cluster": cluster["ckey"] if cluster else None,
        }


def clusters_table(store: Store) -> Iterator[dict]:
    docs: dict[int, set[str]] = defaultdict(set)
    for r in store.rows("export_cluster_docs"):
        docs[r["cluster"]].add(r["doc_key"])
    for r in store.rows("export_clusters"):
        yield {
            "id": r["id"],
            "key": r["ckey"],
            "label": r["label"],
            "date": r["day"],
            "dyad": [r["dyad_a"], r["dyad_b"]],
            "family": r["family"],
            "source_code": r["source_code"],
            "target_code": r["target_code"],
            "types": r["types"].split(",") if r["types"] else [],
            "place": r["place"],
            "sources": r["sources"],
            "documents": sorted(docs.get(r["id"], ())),
            "events": r["events"],
            "weight": r["weight"],
        }


TABLE_FUNCS = {"events": events_table, "agreements": agreements_table, "clusters": clusters_table}


def _flat(row: dict) -> dict:
    """Lists as JSON text, for CSV and Parquet columns."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for k, v in row.items()}


# ------------------------------------------------------- GDELT / POLECAT


def _happenings(store: Store) -> list[dict]:
    """Event rows grouped per (cluster, source, type, target): one row per reported happening."""
    plover = {r["type"]: r for r in store.rows("plover_all")}
    groups: dict[tuple, dict] = {}
    for r in store.rows("export_events"):
        pair = (r["source_code"], r["target_code"])
        if r["type"] in UNORDERED:  # "A and B met": one happening whichever way a report words it
            pair = tuple(sorted(pair))
        key = (r["cluster_key"] or f"event-{r['id']}", pair, r["type"])
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"first": r, "mentions": 0, "docs": {}, "sources": r["cluster_sources"] or 1}
        g["mentions"] += 1
        g["docs"].setdefault(r["doc_key"], r)
        if r["sentence"] is not None and r["sentence"] <= 1:
            g["root"] = True
    clusters = {c["ckey"]: c for c in store.rows("export_clusters")}
    out = []
    for (ckey, _pair, _type), g in groups.items():
        first = g["first"]
        cluster = clusters.get(ckey)
        out.append(
            {
                "event": first,
                "date": (cluster["day"] if cluster and cluster["day"] else first["day"]) or first["doc_published"],
                "place": cluster["place"] if cluster else "",
                "mentions": g["mentions"],
                "articles": len(g["docs"]),
                "sources": min(g["sources"], len(g["docs"])) if cluster else 1,
                "root": g.get("root", False),
                "plover": plover.get(first["type"], {}),
                "docs": list(g["docs"].values()),
            }
        )
    out.sort(key=lambda h: (h["date"] or "", h["event"]["id"]))
    return out


def _cameo_actor(code: str) -> tuple[str, str, str]:
    """(ActorCode, CountryCode, KnownGroupCode) for a guideline actor code."""
    if code in CAMEO_GROUPS:
        return "IGO" + CAMEO_GROUPS[code], "", CAMEO_GROUPS[code]
    return code, code if len(code) == 3 else "", ""


def gdelt_rows(store: Store) -> Iterator[list[str]]:
    for h in _happenings(store):
        e, p = h["event"], h["plover"]
        day = (h["date"] or "").replace("-", "")
        a1, c1, g1 = _cameo_actor(e["source_code"])
        a2, c2, g2 = _cameo_actor(e["target_code"])
        year = day[:4]
        frac = ""
        if len(day) == 8:
            frac = f"{int(year) + (int(day[4:6]) * 30 + int(day[6:8])) / 365:.4f}"
        row = dict.fromkeys(GDELT_COLUMNS, "")
        row.update(
            GLOBALEVENTID=str(e["id"]),
            SQLDATE=day,
            MonthYear=day[:6],
            Year=year,
            FractionDate=frac,
            Actor1Code=a1,
            Actor1Name=(e["source_name"] or "").upper(),
            Actor1CountryCode=c1,
            Actor1KnownGroupCode=g1,
            Actor1Type1Code=e["source_sector"] or "",
            Actor2Code=a2,
            Actor2Name=(e["target_name"] or "").upper(),
            Actor2CountryCode=c2,
            Actor2KnownGroupCode=g2,
            Actor2Type1Code=e["target_sector"] or "",
            IsRootEvent="1" if h["root"] else "0",
            EventCode=f"{e['cameo']}0",
            EventBaseCode=f"{e['cameo']}0",
            EventRootCode=e["cameo"],
            QuadClass=str(QUAD.get(p.get("quad", ""), "")),
            GoldsteinScale=str(p.get("weight", "")),
            NumMentions=str(h["mentions"]),
            NumSources=str(h["sources"]),
            NumArticles=str(h["articles"]),
            ActionGeo_Type="1" if h["place"] else "",
            ActionGeo_FullName=h["place"] or "",
            DATEADDED=day + "000000" if day else "",
            SOURCEURL=e["doc_url"] or e["doc_key"],
        )
        yield [row[c] for c in GDELT_COLUMNS]


def polecat_rows(store: Store) -> Iterator[list[str]]:
    for h in _happenings(store):
        e, p = h["event"], h["plover"]
        row = dict.fromkeys(POLECAT_COLUMNS, "")
        row.update(
            {
                "Event ID": f"accords-{e['id']}",
                "Event Date": h["date"] or "",
                "Event Type": e["type"].lower(),
                "Intensity": str(p.get("weight", "")),
                "Quad Code": str(QUAD.get(p.get("quad", ""), "")),
                "Contexts": ";".join(_list(e["sectors"])),
                "Actor Name": e["source_name"] or "",
                "Actor Country": e["source_code"] if len(e["source_code"] or "") == 3 else "",
                "Primary Actor Sector": e["source_sector"] or "",
                "Actor Sectors": e["source_sector"] or "",
                "Actor Name Raw": e["source_name"] or "",
                "Recipient Name": e["target_name"] or "",
                "Recipient Country": e["target_code"] if len(e["target_code"] or "") == 3 else "",
                "Primary Recipient Sector": e["target_sector"] or "",
                "Recipient Sectors": e["target_sector"] or "",
                "Recipient Name Raw": e["target_name"] or "",
                "Placename": h["place"] or "",
                "Raw Placename": h["place"] or "",
                "Source": ";".join(sorted({d["doc_source"] or d["doc_key"] for d in h["docs"]})),
                "Publication Date": e["doc_published"] or "",
                "Language": "en",
                "Version": "accords",
            }
        )
        yield [row[c] for c in POLECAT_COLUMNS]


# ------------------------------------------------------------------ writers


def write(store: Store, fmt: str, tables: list[str], out: TextIO | None, path: Path | None) -> dict[str, int]:
    """Write the export; return rows written per table. ``path`` is a file, or a directory for several tables."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    counts: dict[str, int] = {}
    if fmt in ("gdelt", "polecat"):
        columns, rows = (GDELT_COLUMNS, gdelt_rows(store)) if fmt == "gdelt" else (POLECAT_COLUMNS, polecat_rows(store))
        handle = path.open("w", encoding="utf-8", newline="") if path else out
        try:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            if fmt == "polecat":
                writer.writerow(columns)  # POLECAT files have a header; GDELT event files do not
            n = 0
            for row in rows:
                writer.writerow([str(v).replace("\t", " ").replace("\n", " ") for v in row])
                n += 1
        finally:
            if path:
                handle.close()
        return {"events": n}
    several = len(tables) > 1
    if fmt == "jsonl":
        handle = path.open("w", encoding="utf-8") if path else out
        try:
            for table in tables:
                counts[table] = 0
                for row in TABLE_FUNCS[table](store):
                    record = {"table": table, **row} if several else row
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    counts[table] += 1
        finally:
            if path:
                handle.close()
        return counts
    if several and path is None:
        raise ValueError(f"--format {fmt} with several tables needs --output DIRECTORY")
    if fmt == "parquet" and path is None:
        raise ValueError("--format parquet needs --output PATH")
    for table in tables:
        rows = [_flat(r) for r in TABLE_FUNCS[table](store)]
        counts[table] = len(rows)
        target = (path / f"{table}.{fmt}") if several else path
        if several:
            path.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            buffer = io.StringIO() if target is None else None
            handle = target.open("w", encoding="utf-8", newline="") if target else buffer
            columns = list(rows[0]) if rows else _empty_columns(table)
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            if target:
                handle.close()
            else:
                out.write(buffer.getvalue())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = list(rows[0]) if rows else _empty_columns(table)
            data = {c: [r.get(c) for r in rows] for c in columns}
            pq.write_table(
                pa.table(data) if rows else pa.table({c: pa.array([], pa.string()) for c in columns}), target
            )
    return counts


def _empty_columns(table: str) -> list[str]:
    return {
        "events": ["id", "document", "type", "source_code", "target_code", "date"],
        "agreements": ["id", "key", "title", "parties", "status", "date"],
        "clusters": ["id", "key", "label", "date", "sources"],
    }[table]
