"""Fusion across documents: near-duplicates, event clusters, the agreement registry,
discrepancies, and cross-document actors.

All of it is recomputed per *dyad* (unordered pair of actor codes) and per
*party set* (of agreements and projects), for exactly the dyads and party
sets that an ingest touched (``fusion_dirty``). :func:`refresh` does it in one
transaction that also clears the marks, so the fused view is correct after
any sequence of ingests, replacements and interrupted runs.

Near-duplicates
    Each document gets a 64-bin one-permutation MinHash over word 3-shingles
    (accent- and case-folded). 16 bands of 4 bins are indexed (LSH); candidate
    pairs whose estimated Jaccard similarity is at least
    :data:`DUPLICATE_THRESHOLD` are linked in ``duplicates``. Linked documents
    (transitively) count as ONE independent source.

Event clusters (one real-world happening)
    * AGREE, CONSULT, SUPPORT and COOPERATE between the same *unordered* pair
      form the "meeting" family: a visit or summit is one happening that the
      reports describe as talks, signings, praise and cooperation. A cluster
      of this family is a same-dyad happening with several event types.
    * every other type clusters only with the same type and the same ordered
      (source, target).
    * events dated from the text are placed first (they anchor clusters on
      the day the text gives); events dated only by publication follow. An
      event joins the cluster of its family whose anchor day is nearest and
      within :data:`WINDOW_DAYS`; beyond one day apart it also needs similar
      evidence (word overlap >= :data:`MIN_EVIDENCE_SIMILARITY`). Otherwise it
      starts a new cluster.
    * ``sources`` = number of independent documents (near-duplicates once).

Agreement registry
    Named agreement mentions with the same party set are one record when
    their titles share content words (overlap coefficient >= 0.5 after
    removing generic words such as "agreement", "government", party names),
    or one title is generic and their sectors overlap, and their dates are
    within :data:`WINDOW_DAYS` (or unknown). Unnamed mentions ("a series of
    agreements") are never registry records: they are linked to the event
    cluster of their document.

Discrepancies (each with the documents on each side)
    ``date``: reports of one cluster or agreement give different days;
    ``count``: reports of one cluster give different numbers of agreements
    ("a series" vs "three documents"); ``status``: reports of one agreement
    give different statuses; ``single_source``: within a happening reported
    by several independent sources, an agreement, an event type, or a
    related fact (a cluster within :data:`RELATED_DAYS` from the same
    document) that only one source reports.

Actors
    Merged across documents by :func:`actor_key`: people by their folded
    canonical name ("Goita" = "Goïta"), states and organizations by code,
    other entities by folded name. All spellings are kept in ``actor_names``.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .model import Actor
from .normalize import fold
from .store import Store

WINDOW_DAYS = 3
RELATED_DAYS = 7
MIN_EVIDENCE_SIMILARITY = 0.1
DUPLICATE_THRESHOLD = 0.5
MAX_CANDIDATES = 50  # per LSH bucket, most recent first: a crowded bucket is boilerplate, not news
BINS = 64
BANDS = 16
MEETING = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE"})
UNORDERED = frozenset({"AGREE", "CONSULT", "COOPERATE"})
STAGE_ORDER = {
    "proposed": 0,
    "negotiating": 1,
    "signed": 2,
    "ratified": 3,
    "in force": 4,
    "suspended": 5,
    "withdrawn": 6,
}

# ------------------------------------------------------------------ actors


def actor_key(actor: Actor) -> str:
    """The cross-document identity of an actor."""
    if actor.kind == "person" and (actor.person or actor.name):
        return "person:" + _squash(actor.person or actor.name)
    if actor.kind in ("state", "organization") and actor.code:
        return f"code:{actor.code}"
    if actor.id.startswith(("person:", "entity:", "org:")):
        prefix, _, name = actor.id.partition(":")
        return f"{prefix}:{_squash(name)}"
    name = actor.name or actor.id
    return f"{actor.kind or 'actor'}:{actor.code}:{actor.sector}:{_squash(name)}"


def _squash(name: str) -> str:
    return " ".join(re.findall(r"\w+", fold(name)))


def better_name(new: str, old: str) -> bool:
    """Prefer the spelling with diacritics ("Goïta" over "Goita") for the same folded name."""
    if not new or new == old:
        return False
    if _squash(new) != _squash(old):
        return False
    return sum(not c.isascii() for c in new) > sum(not c.isascii() for c in old)


# ------------------------------------------------------------ near-duplicates
_MAX = (1 << 64) - 1


def shingles(text: str, k: int = 3) -> set[str]:
    words = re.findall(r"\w+", fold(text))
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def minhash(text: str) -> list[int]:
    """One-permutation MinHash with rotation densification (``BINS`` values)."""
    sig = [_MAX] * BINS
    for sh in shingles(text):
        data = sh.encode("utf-8")
        h = (zlib.crc32(data) << 32) | zlib.crc32(data, 0x9E3779B9)  # two CRCs: a fast, stable 64-bit hash
        b, v = h % BINS, h // BINS
        if v < sig[b]:
            sig[b] = v
    filled = [i for i, v in enumerate(sig) if v != _MAX]
    if not filled:
        return sig
    out = list(sig)
    for i in range(BINS):
        if sig[i] == _MAX:
            j, dist = i, 0
            while sig[j] == _MAX:
                j, dist = (j + 1) % BINS, dist + 1
            out[i] = (sig[j] + dist * 0x9E3779B97F4A7C15) & ((1 << 58) - 1)
    return out


def signature_text(sig: list[int]) -> str:
    return "".join(f"{v:016x}" for v in sig)


def parse_signature(text: str) -> list[int]:
    return [int(text[i : i + 16], 16) for i in range(0, len(text), 16)]


def bands(sig: list[int]) -> list[str]:
    rows = BINS // BANDS
    return [
        hashlib.blake2b(signature_text(sig[i * rows : (i + 1) * rows]).encode(), digest_size=8).hexdigest()
        for i in range(BANDS)
    ]


def similarity(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=False)) / max(len(a), len(b))


class Independence:
    """Union-find over near-duplicate links: which documents are one source."""

    def __init__(self, store: Store):
        self.store = store
        self.parent: dict[int, int] = {}
        self.loaded: set[int] = set()

    def _find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def _load(self, doc: int) -> None:
        todo = [doc]
        while todo:
            d = todo.pop()
            if d in self.loaded:
                continue
            self.loaded.add(d)
            for row in self.store.rows("dup_of_doc", doc=d):
                self.parent[self._find(row["doc"])] = self._find(d)
                todo.append(row["doc"])

    def group(self, doc: int) -> int:
        self._load(doc)
        return self._find(doc)

    def count(self, docs) -> int:
        return len({self.group(d) for d in docs})


# ------------------------------------------------------------------- words
_STOP = set(
    """a an the of on in and or for to with between about by at from its their this that these those
    agreement agreements accord accords treaty treaties pact pacts deal deals memorandum memorandums
    understanding mou protocol convention document documents declaration joint new signed
    government governments republic federation state states kingdom people peoples
    cooperation cooperate field fields sphere spheres area areas""".split()
)


def content_words(text: str, drop: set[str] = frozenset()) -> set[str]:
    words = set()
    for w in re.findall(r"[a-z0-9]+", fold(text)):
        if w in _STOP or w in drop or len(w) < 2:
            continue
        words.add(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w)
    return words


def overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# ----------------------------------------------------------------- refresh


@dataclass
class FusionStats:
    dyads: int = 0
    party_sets: int = 0
    project_sets: int = 0
    clusters: int = 0
    registry: int = 0
    discrepancies: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def refresh(store: Store) -> dict:
    """Recompute fusion for everything marked dirty; one transaction, while no document is being
    written (:meth:`Store.atomic` with ``exclusive``: ingests in other processes wait)."""
    return store.atomic(lambda: _refresh(store), exclusive=True)


def _refresh(store: Store) -> dict:
    stats = FusionStats()
    marks = store.rows("dirty_list")
    if not marks:
        return stats.as_dict()
    fuser = _Fuser(store)
    dyads = sorted({tuple(m["fkey"].split("|", 1)) for m in marks if m["scope"] == "dyad"})
    party_sets = {m["fkey"] for m in marks if m["scope"] == "parties"}
    project_sets = {m["fkey"] for m in marks if m["scope"] == "projects"}
    for a, b in dyads:
        stats.clusters += fuser.cluster_dyad(a, b)
        fuser.link_agreements(a, b)
        for row in store.rows("agreement_parties_like", pattern=f"%,{a},%"):
            if b in row["parties"].split(","):
                party_sets.add(row["parties"])
    for parties in sorted(party_sets):
        stats.registry += fuser.build_registry(parties)
    for parties in sorted(project_sets):
        fuser.build_projects(parties)
    all_dyads = set(dyads)
    for parties in party_sets:
        codes = [c for c in parties.split(",") if c]
        all_dyads |= {(x, y) for i, x in enumerate(codes) for y in codes[i + 1 :]}
    for a, b in sorted(all_dyads):
        stats.discrepancies += fuser.discrepancies(a, b)
    for m in marks:
        store.run("dirty_clear", scope=m["scope"], key=m["fkey"])
    stats.dyads, stats.party_sets, stats.project_sets = len(all_dyads), len(party_sets), len(project_sets)
    return stats.as_dict()


def _parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class _Cluster:
    family: str
    source: str
    target: str
    anchor: date | None
    members: list[dict] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    text_days: Counter = field(default_factory=Counter)

    def day(self) -> date | None:
        if self.text_days:
            best = max(self.text_days.values())
            return min(d for d, n in self.text_days.items() if n == best)
        days = [m["_day"] for m in self.members if m["_day"]]
        return min(days) if days else self.anchor


class _Fuser:
    def __init__(self, store: Store):
        self.store = store
        self.independence = Independence(store)
        self._actors: dict[int, dict | None] = {}
        self._names: dict[str, str] = {}
        self.weights = {r["type"]: r["weight"] for r in store.rows("plover_all")}

    # -- helpers ------------------------------------------------------------
    def actor(self, actor_id: int | None) -> dict | None:
        if actor_id is None:
            return None
        if actor_id not in self._actors:
            self._actors[actor_id] = self.store.one("actor_get", id=actor_id)
        return self._actors[actor_id]

    def state_name(self, code: str) -> str:
        if code not in self._names:
            row = self.store.one("actor_by_key", key=f"code:{code}")
            name = row["name"] if row else ""
            if not name:
                try:
                    import pycountry

                    country = pycountry.countries.get(alpha_3=code)
                    name = getattr(country, "common_name", None) or country.name if country else code
                except (ImportError, LookupError, KeyError):
                    name = code
            self._names[code] = name
        return self._names[code]

    # -- clusters -------------------------------------------------------------
    def cluster_dyad(self, a: str, b: str) -> int:
        store = self.store
        store.run("clusters_delete_dyad", a=a, b=b)
        events = store.rows("dyad_events_for_fusion", a=a, b=b)
        if not events:
            return 0
        for ev in events:
            ev["_day"] = _parse_day(ev["day"]) or _parse_day(ev["published"])
            ev["_words"] = content_words(ev["evidence"] or "")
            ev["_text"] = ev["date_source"] == "text" and ev["day"] is not None
        ordered = sorted(events, key=lambda e: (not e["_text"], e["_day"] or date.max, e["doc"], e["id"]))
        by_key: dict[tuple, dict[int, list[_Cluster]]] = defaultdict(lambda: defaultdict(list))
        undated: dict[tuple, _Cluster] = {}
        clusters: list[_Cluster] = []
        for ev in ordered:
            fkey = ("meeting", a, b) if ev["type"] in MEETING else (ev["type"], ev["source_code"], ev["target_code"])
            day = ev["_day"]
            if day is None:
                key = (*fkey, ev["doc"])
                if key not in undated:
                    undated[key] = _Cluster(fkey[0], fkey[1], fkey[2], None)
                    clusters.append(undated[key])
                self._add(undated[key], ev)
                continue
            best, best_rank = None, None
            slots = by_key[fkey]
            for delta in range(-WINDOW_DAYS, WINDOW_DAYS + 1):
                for cl in slots.get(day.toordinal() + delta, ()):
                    sim = jaccard(cl.words, ev["_words"])
                    same_doc = any(m["doc"] == ev["doc"] for m in cl.members)
                    if abs(delta) > 1 and sim < MIN_EVIDENCE_SIMILARITY and not same_doc:
                        continue
                    rank = (abs(delta), -sim)
                    if best_rank is None or rank < best_rank:
                        best, best_rank = cl, rank
            if best is None:
                best = _Cluster(fkey[0], fkey[1], fkey[2], day)
                slots[day.toordinal()].append(best)
                clusters.append(best)
            self._add(best, ev)
        for cl in clusters:
            self._store_cluster(cl, a, b)
        return len(clusters)

    @staticmethod
    def _add(cl: _Cluster, ev: dict) -> None:
        cl.members.append(ev)
        cl.words |= ev["_words"]
        if ev["_text"]:
            cl.text_days[ev["_day"]] += 1

    def _store_cluster(self, cl: _Cluster, a: str, b: str) -> int:
        day = cl.day()
        docs = sorted({m["doc"] for m in cl.members})
        types = sorted({m["type"] for m in cl.members})
        place = self._place(cl, a, b) if cl.family == "meeting" else None
        label = self.label(cl, a, b, day, place)
        weight = sum(self.weights.get(t, 0.0) for t in types) / len(types)
        base = f"{a}-{b}/{day.isoformat() if day else 'undated'}/{cl.family}"
        if cl.family != "meeting":
            base += f"/{cl.source}>{cl.target}"
        key, n = base, 1
        while self.store.one("cluster_by_key", key=key) is not None:
            n += 1
            key = f"{base}/{n}"
        cluster_id = self.store.insert(
            "cluster_insert",
            key=key,
            a=a,
            b=b,
            family=cl.family,
            source_code=cl.source,
            target_code=cl.target,
            day=day.isoformat() if day else None,
            month=day.isoformat()[:7] if day else None,
            label=label,
            types=",".join(types),
            place=place[0] if place else "",
            sources=self.independence.count(docs),
            documents=len(docs),
            events=len(cl.members),
            weight=round(weight, 4),
        )
        self.store.run_many("event_set_cluster", [{"cluster": cluster_id, "id": m["id"]} for m in cl.members])
        return cluster_id

    def _place(self, cl: _Cluster, a: str, b: str) -> tuple[str, str] | None:
        places: Counter = Counter()
        for m in cl.members:
            if m["sentence"] is None:
                continue
            for row in self.store.rows("place_mentions", doc=m["doc"], sentence=m["sentence"]):
                if row["code"] in (a, b):
                    places[(row["text"], row["code"])] += 1
        return places.most_common(1)[0][0] if places else None

    def _person(self, cl: _Cluster, code: str) -> str:
        people: Counter = Counter()
        for m in cl.members:
            for side in ("source", "target"):
                if m[f"{side}_code"] != code:
                    continue
                actor = self.actor(m[f"{side}_actor"])
                if actor and actor["kind"] == "person":
                    people[actor["name"]] += 1
        return people.most_common(1)[0][0] if people else ""

    def label(self, cl: _Cluster, a: str, b: str, day: date | None, place: tuple[str, str] | None) -> str:
        """A readable name for the happening, built from its events, actors and place."""
        text = " ".join(f"{m['trigger_text']} {m['evidence'] or ''}" for m in cl.members).lower()
        types = {m["type"] for m in cl.members}

        def who(code: str) -> str:
            return self._person(cl, code) or self.state_name(code)

        if cl.family == "meeting":
            if "visit" in text:
                host = place[1] if place else ""
                if not host:
                    visits = [m for m in cl.members if "visit" in f"{m['trigger_text']} {m['evidence'] or ''}".lower()]
                    host = visits[0]["target_code"] if visits else b
                visitor = a if host == b else b
                kind = (
                    "Official visit"
                    if "official visit" in text
                    else "State visit"
                    if "state visit" in text
                    else "Visit"
                )
                head = f"{kind} of {who(visitor)} to {self.state_name(host)}"
                if "CONSULT" in types and re.search(r"\b(talks|met|meeting|meet|discuss|held)\b", text):
                    head += f", talks with {who(host)}"
            elif "CONSULT" in types:
                head = f"Talks between {who(a)} and {who(b)}"
            elif "AGREE" in types:
                head = f"Agreement between {self.state_name(a)} and {self.state_name(b)}"
            elif "COOPERATE" in types:
                head = f"Cooperation between {self.state_name(a)} and {self.state_name(b)}"
            else:
                first = cl.members[0]
                head = f"{who(first['source_code'])} supports {who(first['target_code'])}"
        else:
            verb = _VERBS.get(cl.family, cl.family.lower())
            head = f"{self.state_name(cl.source)} {verb} {self.state_name(cl.target)}"
        parts = [head]
        if place:
            parts.append(place[0])
        if day:
            parts.append(day.isoformat())
        return ", ".join(parts)

    # -- agreements -----------------------------------------------------------
    def link_agreements(self, a: str, b: str) -> None:
        """Attach agreement mentions (named and unnamed) of this dyad to their document's cluster."""
        store = self.store
        rows = [r for r in store.rows("agreement_parties_like", pattern=f"%,{a},%") if b in r["parties"].split(",")]
        for parties_row in rows:
            for ag in store.rows("agreement_link_candidates", parties=parties_row["parties"]):
                candidates = store.rows("doc_clusters_of_dyad", doc=ag["doc"], a=a, b=b)
                ref = _parse_day(ag["day"]) or _parse_day(ag["published"])

                def rank(c: dict, ref: date | None = ref) -> tuple:
                    cday = _parse_day(c["day"])
                    gap = abs((cday - ref).days) if cday and ref else 10**6
                    return (c["family"] != "meeting", "AGREE" not in c["types"].split(","), gap)

                best = min(candidates, key=rank) if candidates else None
                if best is not None and rank(best)[2] > RELATED_DAYS and ref is not None:
                    best = None
                store.run("agreement_set_cluster", id=ag["id"], cluster=best["cluster"] if best else None)

    def build_registry(self, parties: str) -> int:
        store = self.store
        store.run("registry_delete_parties", parties=parties)
        mentions = store.rows("agreements_for_registry", parties=parties)
        drop = self._party_words(parties)
        records: list[list[dict]] = []
        for m in mentions:
            m["_words"] = content_words(m["title"], drop)
            m["_sectors"] = set(json.loads(m["sectors"] or "[]"))
            m["_day"] = _parse_day(m["day"])
            best, best_score = None, 0.0
            for rec in records:
                score = self._same_agreement(m, rec)
                if score > best_score:
                    best, best_score = rec, score
            if best is None:
                records.append([m])
            else:
                best.append(m)
        for rec in records:
            self._store_record(parties, rec)
        return len(records)

    def _party_words(self, parties: str) -> set[str]:
        words: set[str] = set()
        for code in parties.split(","):
            if code:
                words |= set(re.findall(r"[a-z0-9]+", fold(self.state_name(code))))
                words.add(code.lower())
        return words

    @staticmethod
    def _same_agreement(m: dict, rec: list[dict]) -> float:
        best = 0.0
        for other in rec:
            if m["doc"] == other["doc"] and m["title"] != other["title"]:
                continue  # one report names them separately: they are different agreements
            if m["_day"] and other["_day"] and abs((m["_day"] - other["_day"]).days) > WINDOW_DAYS:
                continue
            score = overlap(m["_words"], other["_words"])
            if (not m["_words"] or not other["_words"]) and m["_sectors"] & other["_sectors"]:
                score = max(score, 0.5)
            if score >= 0.5:
                best = max(best, score)
        return best

    def _store_record(self, parties: str, rec: list[dict]) -> int:
        title = max((m["title"] for m in rec), key=_title_rank)
        days = Counter(m["_day"] for m in rec if m["_day"])
        day = min(d for d, n in days.items() if n == max(days.values())) if days else None
        statuses = Counter(m["status"] for m in rec)
        top = max(statuses.values())
        status = "signed" if statuses.get("signed") == top else sorted(s for s, n in statuses.items() if n == top)[0]
        stage = max((m["stage"] for m in rec), key=lambda s: STAGE_ORDER.get(s, -1))
        sectors = sorted({s for m in rec for s in m["_sectors"]})
        creates = next((m["creates"] for m in rec if m["creates"]), "")
        docs = sorted({m["doc"] for m in rec})
        clusters = Counter(m["cluster"] for m in rec if m["cluster"] is not None)
        slug = "-".join(sorted(content_words(title, self._party_words(parties))))[:80] or "agreement"
        base = f"{parties}/{slug}/{day.isoformat() if day else 'undated'}"
        key, n = base, 1
        while self.store.one("registry_by_key", key=key) is not None:
            n += 1
            key = f"{base}/{n}"
        record_id = self.store.insert(
            "registry_insert",
            key=key,
            title=title,
            parties=parties,
            status=status,
            stage=stage,
            day=day.isoformat() if day else None,
            sectors=json.dumps(sectors, ensure_ascii=False),
            creates=creates,
            sources=self.independence.count(docs),
            documents=len(docs),
            cluster=clusters.most_common(1)[0][0] if clusters else None,
        )
        self.store.run_many(
            "registry_party_insert", [{"registry": record_id, "code": c} for c in parties.split(",") if c]
        )
        self.store.run_many("registry_sector_insert", [{"registry": record_id, "sector": s} for s in sectors])
        self.store.run_many("agreement_set_registry", [{"registry": record_id, "id": m["id"]} for m in rec])
        return record_id

    # -- projects -------------------------------------------------------------
    def build_projects(self, parties: str) -> None:
        store = self.store
        store.run("project_registry_delete", parties=parties)
        drop = self._party_words(parties)
        records: list[list[dict]] = []
        for p in store.rows("projects_for_registry", parties=parties):
            p["_words"] = content_words(p["name"], drop)
            for rec in records:
                if any(overlap(p["_words"], o["_words"]) >= 0.5 for o in rec):
                    rec.append(p)
                    break
            else:
                records.append([p])
        for rec in records:
            name = max((p["name"] for p in rec), key=len)
            docs = sorted({p["doc"] for p in rec})
            stage = max((p["stage"] for p in rec), key=lambda s: _PROJECT_STAGES.get(s, -1))
            sectors = sorted({s for p in rec for s in json.loads(p["sectors"] or "[]")})
            base = f"{parties}/{'-'.join(sorted(content_words(name, drop)))[:80] or 'project'}"
            key, n = base, 1
            while store.one("project_by_key", key=key) is not None:
                n += 1
                key = f"{base}/{n}"
            pid = store.insert(
                "project_registry_insert",
                key=key,
                name=name,
                parties=parties,
                stage=stage,
                sectors=json.dumps(sectors, ensure_ascii=False),
                sources=self.independence.count(docs),
                documents=len(docs),
            )
            store.run_many("project_set_registry", [{"registry": pid, "id": p["id"]} for p in rec])

    # -- discrepancies --------------------------------------------------------
    def discrepancies(self, a: str, b: str) -> int:
        store = self.store
        store.run("discrepancies_delete_dyad", a=a, b=b)
        found = 0
        clusters = store.rows("clusters_of_dyad", a=a, b=b, since=None, until=None, limit=10**9)
        multi = [c for c in clusters if c["sources"] >= 2]
        events_of: dict[int, list[dict]] = {c["id"]: store.rows("cluster_events", cluster=c["id"]) for c in multi}

        def record(subject: str, subject_id: int, kind: str, detail: str, sides: list[tuple[str, list[int]]]) -> None:
            nonlocal found
            did = store.insert(
                "discrepancy_insert", a=a, b=b, subject=subject, subject_id=subject_id, kind=kind, detail=detail
            )
            store.run_many(
                "discrepancy_side_insert",
                [
                    {"discrepancy": did, "side": i, "value": value, "doc": doc}
                    for i, (value, docs) in enumerate(sides)
                    for doc in docs
                ],
            )
            found += 1

        for c in multi:
            members = events_of[c["id"]]
            docs = sorted({e["doc"] for e in members})
            # dates: each document's text-given day
            per_doc: dict[int, Counter] = defaultdict(Counter)
            for e in members:
                if e["date_source"] == "text" and e["day"]:
                    per_doc[e["doc"]][e["day"]] += 1
            by_day: dict[str, list[int]] = defaultdict(list)
            for doc, days in per_doc.items():
                by_day[days.most_common(1)[0][0]].append(doc)
            if len(by_day) > 1:
                record(
                    "cluster",
                    c["id"],
                    "date",
                    f"reports of '{c['label']}' give different dates",
                    sorted(by_day.items()),
                )
            # counts of agreements
            claims: dict[int, str] = {}
            explicit = False
            for doc in docs:
                rows = [r for r in store.rows("doc_agreements", doc=doc) if r["cluster"] == c["id"]]
                if not rows:
                    continue
                unnamed = [r for r in rows if not r["named"]]
                counted = [r["count"] for r in unnamed if r["count"]]
                if counted:
                    claims[doc], explicit = str(max(counted)), True
                elif unnamed:
                    claims[doc], explicit = "several (number not given)", True
                else:
                    claims[doc] = str(len(rows))
            values: dict[str, list[int]] = defaultdict(list)
            for doc, value in claims.items():
                values[value].append(doc)
            if explicit and len(values) > 1:
                record(
                    "cluster",
                    c["id"],
                    "count",
                    f"reports of '{c['label']}' give different numbers of agreements",
                    sorted(values.items()),
                )
            # event types reported by one source only
            groups = {d: self.independence.group(d) for d in docs}
            by_fact: dict[tuple, set[int]] = defaultdict(set)
            for e in members:
                src, tgt = e["source_code"], e["target_code"]
                if e["type"] in UNORDERED:
                    src, tgt = sorted((src, tgt))
                by_fact[(e["type"], src, tgt)].add(e["doc"])
            for (etype, src, tgt), fact_docs in sorted(by_fact.items()):
                if len({groups[d] for d in fact_docs}) == 1:
                    others = [d for d in docs if groups[d] not in {groups[x] for x in fact_docs}]
                    record(
                        "cluster",
                        c["id"],
                        "single_source",
                        f"{src} {etype} {tgt}: reported by one source only",
                        [("reported", sorted(fact_docs)), ("not reported", others)],
                    )
            # agreements of this happening reported by one source only
            for reg_id in sorted(
                {r["registry"] for r in store.rows("named_of_cluster", cluster=c["id"]) if r["registry"]}
            ):
                reg = store.one("registry_get", id=reg_id)
                reg_docs = sorted({r["doc"] for r in store.rows("registry_mentions", registry=reg_id)})
                if reg and reg["sources"] == 1:
                    others = [
                        d
                        for d in docs
                        if groups[d] not in {groups.get(x, self.independence.group(x)) for x in reg_docs}
                    ]
                    record(
                        "agreement",
                        reg_id,
                        "single_source",
                        f"'{reg['title']}': reported by one source only",
                        [("reported", reg_docs), ("not reported", others)],
                    )
        # facts near a multi-source happening that only one of its sources reports
        for c in clusters:
            if c["sources"] != 1 or c["id"] in events_of or not c["day"]:
                continue
            cday = date.fromisoformat(c["day"])
            cdocs = {r["doc"] for r in store.rows("cluster_docs", cluster=c["id"])}
            for m in multi:
                if not m["day"] or abs((date.fromisoformat(m["day"]) - cday).days) > RELATED_DAYS:
                    continue
                mdocs = {e["doc"] for e in events_of[m["id"]]}
                if cdocs & mdocs:
                    others = sorted(
                        d
                        for d in mdocs
                        if self.independence.group(d) not in {self.independence.group(x) for x in cdocs}
                    )
                    record(
                        "cluster",
                        c["id"],
                        "single_source",
                        f"'{c['label']}': reported by one of the sources of '{m['label']}' only",
                        [("reported", sorted(cdocs)), ("not reported", others)],
                    )
                    break
        # agreements: statuses and dates
        for reg in self._registry_of(a, b):
            mentions = store.rows("registry_mentions", registry=reg["id"])
            statuses: dict[str, list[int]] = defaultdict(list)
            days: dict[str, list[int]] = defaultdict(list)
            for m in mentions:
                if m["doc"] not in statuses[m["status"]]:
                    statuses[m["status"]].append(m["doc"])
                if m["day"] and m["doc"] not in days[m["day"]]:
                    days[m["day"]].append(m["doc"])
            if len(statuses) > 1:
                record(
                    "agreement",
                    reg["id"],
                    "status",
                    f"'{reg['title']}': reports give different statuses",
                    sorted(statuses.items()),
                )
            if len(days) > 1:
                record(
                    "agreement",
                    reg["id"],
                    "date",
                    f"'{reg['title']}': reports give different dates",
                    sorted(days.items()),
                )
        return found

    def _registry_of(self, a: str, b: str) -> list[dict]:
        return self.store.rows("registry_of_dyad", a=a, b=b, since=None, until=None)


_FORMAL = re.compile(
    r"^(?:the\s+|an?\s+)?(?:agreement|treaty|accord|convention|memorandum|protocol|pact|charter)\b", re.I
)


def _title_rank(title: str) -> tuple:
    """Prefer a formal title ("Agreement on ...") and then the most specific one."""
    return (bool(_FORMAL.match(title)), len(content_words(title)), len(title))


_PROJECT_STAGES = {"discussed": 0, "planned": 1, "under construction": 2, "completed": 3, "cancelled": 4}

_VERBS = {
    "REQUEST": "appeals to",
    "AID": "gives aid to",
    "CONCEDE": "makes concessions to",
    "RETREAT": "withdraws from",
    "ACCUSE": "accuses",
    "REJECT": "rejects",
    "THREATEN": "threatens",
    "PROTEST": "protests against",
    "SANCTION": "sanctions",
    "MOBILIZE": "deploys forces in",
    "COERCE": "coerces",
    "ASSAULT": "attacks",
}


def dyad_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def as_list(value: Any) -> list:
    if not value:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)
