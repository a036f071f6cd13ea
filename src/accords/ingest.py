"""Ingest: run extraction on documents and store each one's analysis in one transaction.

Idempotent: a document whose content hash is already stored, or whose
``(id, source)`` is stored with the same hash, is skipped; a document whose
``(id, source)`` is stored with a different text replaces the old one (its
facts are deleted and the new ones stored, in the same transaction).

Every stored document marks the dyads and party sets it touches as needing
fusion (``fusion_dirty``) in its own transaction; :func:`accords.fusion.refresh`
recomputes exactly those and clears the marks in the same transaction, so
the fused view is correct after any sequence of ingests, even interrupted
ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice

from . import fusion
from .model import Actor, ActorRef, Analysis, Document, DocumentError, Evidence
from .readers import content_hash
from .store import Store

ADDED, REPLACED, UNCHANGED, DUPLICATE, FAILED = "added", "replaced", "unchanged", "duplicate", "failed"


@dataclass(slots=True)
class Outcome:
    status: str
    doc_id: str
    message: str = ""
    db_id: int | None = None


@dataclass(slots=True)
class IngestReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    fusion: dict = field(default_factory=dict)

    @property
    def seen(self) -> int:
        return self.added + self.replaced + self.unchanged + self.duplicate + self.failed

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.status == FAILED:
            self.errors.append(outcome.message)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "duplicate": self.duplicate,
            "failed": self.failed,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "fusion": self.fusion,
        }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def parties_key(parties: Iterable[str]) -> str:
    return ",".join(sorted({p for p in parties if p}))


def dyad(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def lookup(store: Store, doc: Document) -> tuple[str, dict | None]:
    """What storing ``doc`` would do: ``(status, existing row)`` before any analysis."""
    digest = content_hash(doc)
    same = store.one("doc_by_hash", hash=digest)
    if same is not None:
        if same["doc_key"] == doc.id and same["source"] == doc.source:
            return UNCHANGED, same
        return DUPLICATE, same
    old = store.one("doc_by_key", key=doc.id, source=doc.source)
    return (REPLACED, old) if old is not None else (ADDED, None)


def delete_document(store: Store, doc_id: int) -> None:
    """Remove a stored document and all its facts; mark what it touched for fusion."""

    def work() -> None:
        _mark_doc(store, doc_id)
        store.unindex_text(doc_id)
        store.run("doc_delete", id=doc_id)

    store.atomic(work)


def _mark_doc(store: Store, doc_id: int) -> None:
    for row in store.rows("doc_dyads", doc=doc_id):
        store.run("dirty_mark", scope="dyad", key=f"{row['dyad_a']}|{row['dyad_b']}")
    for row in store.rows("doc_agreement_parties", doc=doc_id):
        _mark_parties(store, "parties", row["parties"])
    for row in store.rows("doc_project_parties", doc=doc_id):
        _mark_parties(store, "projects", row["parties"])


def _mark_parties(store: Store, scope: str, key: str) -> None:
    store.run("dirty_mark", scope=scope, key=key)
    codes = [c for c in key.split(",") if c]
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            store.run("dirty_mark", scope="dyad", key="{}|{}".format(*dyad(a, b)))


def store_analysis(store: Store, analysis: Analysis, force: bool = False) -> Outcome:
    """Store one analysis in one transaction (replacing an older version of the document).

    The checks run inside the transaction, so when several processes store the same document at
    once exactly one adds it; the others' transactions are rolled back by the database and rerun
    (:meth:`Store.atomic`), and then find it stored."""
    doc = analysis.document
    digest = content_hash(doc)

    def work() -> Outcome:
        same = store.one("doc_by_hash", hash=digest)
        if same is not None and not force:
            status = UNCHANGED if (same["doc_key"], same["source"]) == (doc.id, doc.source) else DUPLICATE
            message = "" if status == UNCHANGED else f"same text as stored document {same['doc_key']!r}"
            return Outcome(status, doc.id, message, same["id"])
        replaced = False
        if same is not None:
            delete_document(store, same["id"])
            replaced = True
        old = store.one("doc_by_key", key=doc.id, source=doc.source)
        if old is not None:
            delete_document(store, old["id"])
            replaced = True
        doc_db = _insert_document(store, doc, digest)
        _insert_facts(store, doc_db, analysis)
        store.index_text(doc_db, doc.title, doc.text)
        _mark_doc(store, doc_db)
        return Outcome(REPLACED if replaced else ADDED, doc.id, "", doc_db)

    return store.atomic(work)


def _insert_document(store: Store, doc: Document, digest: str) -> int:
    signature = fusion.minhash(doc.text)
    doc_db = store.insert(
        "doc_insert",
        key=doc.id,
        source=doc.source,
        url=doc.url,
        title=doc.title,
        published=_day(doc.published),
        text=doc.text,
        hash=digest,
        origin=doc.origin,
        ingested=datetime.now(UTC).isoformat(timespec="seconds"),
        minhash=fusion.signature_text(signature),
    )
    bands = fusion.bands(signature)
    store.run_many("band_insert", [{"doc": doc_db, "band": i, "bucket": b} for i, b in enumerate(bands)])
    seen: set[int] = set()
    for i, bucket in enumerate(bands):
        for cand in store.rows("band_candidates", band=i, bucket=bucket, doc=doc_db, limit=fusion.MAX_CANDIDATES):
            if cand["doc"] in seen:
                continue
            seen.add(cand["doc"])
            sim = fusion.similarity(signature, fusion.parse_signature(cand["minhash"]))
            if sim >= fusion.DUPLICATE_THRESHOLD:
                store.run("dup_insert", doc=doc_db, other=cand["doc"], similarity=round(sim, 4))
    return doc_db


def _evidence_rows(doc_db: int, fact: str, fact_id: int, evidence: Iterable[Evidence | None]) -> list[dict]:
    return [
        {
            "doc": doc_db,
            "fact": fact,
            "fact_id": fact_id,
            "sentence": e.sentence,
            "start": e.start,
            "end": e.end,
            "text": e.text,
        }
        for e in evidence
        if e is not None
    ]


def _insert_facts(store: Store, doc_db: int, analysis: Analysis) -> None:
    store.run_many(
        "sentence_insert",
        [{"doc": doc_db, "idx": s.index, "start": s.start, "end": s.end} for s in analysis.sentences],
    )
    local: dict[str, int] = {}
    for actor in analysis.actors:
        local[actor.id] = _upsert_actor(store, actor)
        store.run(
            "doc_actor_insert",
            doc=doc_db,
            local_id=actor.id,
            actor=local[actor.id],
            name=actor.name,
            sector=actor.sector,
            role=actor.role,
        )
    mentions = analysis.mentions or [m for a in analysis.actors for m in a.mentions]
    store.run_many(
        "mention_insert",
        [
            {
                "doc": doc_db,
                "actor": local.get(m.actor),
                "sentence": m.sentence,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "kind": m.kind,
            }
            for m in mentions
        ],
    )

    def ref_actor(ref: ActorRef | None) -> int | None:
        if ref is None:
            return None
        if ref.actor and ref.actor in local:
            return local[ref.actor]
        if ref.code:
            key = f"code:{ref.code}"
            if key not in local:
                kind = "state" if len(ref.code) == 3 and ref.code.isupper() else "organization"
                local[key] = _upsert_actor(
                    store, Actor(id=ref.code, code=ref.code, name=ref.name or ref.code, kind=kind, sector=ref.sector)
                )
            return local[key]
        return None

    evidence: list[dict] = []
    for seq, ev in enumerate(analysis.events):
        a, b = dyad(ev.source.code, ev.target.code)
        event_id = store.insert(
            "event_insert",
            doc=doc_db,
            seq=seq,
            type=ev.type,
            cameo=ev.cameo,
            source_code=ev.source.code,
            source_name=ev.source.name,
            source_sector=ev.source.sector,
            source_actor=ref_actor(ev.source),
            target_code=ev.target.code,
            target_name=ev.target.name,
            target_sector=ev.target.sector,
            target_actor=ref_actor(ev.target),
            dyad_a=a,
            dyad_b=b,
            day=_day(ev.date),
            month=ev.date.isoformat()[:7] if ev.date else None,
            date_source=ev.date_source,
            confidence=float(ev.confidence),
            trigger=ev.trigger,
            sectors=json.dumps(list(ev.sectors), ensure_ascii=False),
        )
        evidence += _evidence_rows(doc_db, "event", event_id, ev.evidence)
    for seq, ag in enumerate(analysis.agreements):
        ag_id = store.insert(
            "agreement_insert",
            doc=doc_db,
            seq=seq,
            title=ag.title,
            parties=parties_key(ag.parties),
            status=ag.status,
            stage=ag.stage,
            day=_day(ag.date),
            sectors=json.dumps(list(ag.sectors), ensure_ascii=False),
            count=ag.count,
            named=1 if ag.named else 0,
            creates=ag.creates or "",
        )
        evidence += _evidence_rows(doc_db, "agreement", ag_id, ag.evidence)
    for seq, pr in enumerate(analysis.projects):
        pr_id = store.insert(
            "project_insert",
            doc=doc_db,
            seq=seq,
            name=pr.name,
            parties=parties_key(pr.parties),
            stage=pr.stage,
            sectors=json.dumps(list(pr.sectors), ensure_ascii=False),
        )
        evidence += _evidence_rows(doc_db, "project", pr_id, pr.evidence)
    for seq, q in enumerate(analysis.quotes):
        q_id = store.insert(
            "quote_insert",
            doc=doc_db,
            seq=seq,
            text=q.text,
            speaker_code=q.speaker.code if q.speaker else "",
            speaker_name=q.speaker.name if q.speaker else "",
            speaker_actor=ref_actor(q.speaker),
            person=q.person or "",
            verb=q.verb or "",
        )
        evidence += _evidence_rows(doc_db, "quote", q_id, [q.evidence])
    store.run_many("evidence_insert", evidence)


def _upsert_actor(store: Store, actor: Actor) -> int:
    """The knowledge-base actor for a document actor: merged across documents by :func:`fusion.actor_key`."""
    key = fusion.actor_key(actor)
    name = actor.person or actor.name or actor.id
    row = store.one("actor_by_key", key=key)
    if row is None:
        actor_id = store.insert(
            "actor_insert",
            key=key,
            code=actor.code,
            name=name,
            kind=actor.kind,
            sector=actor.sector,
            country=actor.country,
            person=actor.person,
            role=actor.role,
            state_actor=1 if actor.state_actor else 0,
        )
    else:
        actor_id = row["id"]
        if fusion.better_name(name, row["name"]):
            store.run("actor_rename", id=actor_id, name=name)
        store.run(
            "actor_fill", id=actor_id, code=actor.code, country=actor.country, sector=actor.sector, role=actor.role
        )
    for spelling in {name, actor.name, *(m.text for m in actor.mentions)}:
        if spelling:
            store.run("actor_name_insert", actor=actor_id, name=spelling)
    return actor_id


def sync_plover(store: Store, lexicon=None, dictionaries: Sequence[str] = ()) -> None:
    """Copy the PLOVER types and their weights (``data/plover.tsv``) into the store, for queries."""
    if lexicon is None:
        if store.rows("plover_all"):
            return
        from .knowledge import load_tables  # the tables alone: no need to build the whole lexicon

        tables = load_tables(dictionaries)
    else:
        tables = lexicon.tables
    rows = [
        {
            "type": r["type"],
            "cameo": r.get("cameo", ""),
            "weight": float(r.get("weight") or 0),
            "quad": r.get("quad", ""),
        }
        for r in tables.get("plover", [])
    ]
    store.atomic(lambda: store.run_many("plover_upsert", rows))


BATCH = 32
"""Documents committed together by a parallel ingest (see ``Store.batch``)."""


class Ingester:
    """Analyze and store documents; the pipeline is built once."""

    def __init__(self, store: Store, pipeline=None, force: bool = False):
        self.store = store
        self._pipeline = pipeline
        self.force = force
        if pipeline is not None and hasattr(pipeline, "lexicon"):
            sync_plover(store, pipeline.lexicon)

    @property
    def pipeline(self):
        if self._pipeline is None:
            from .pipeline import Pipeline

            self._pipeline = Pipeline()
            sync_plover(self.store, self._pipeline.lexicon)
        return self._pipeline

    def ingest_document(self, doc: Document) -> Outcome:
        try:
            if not self.force:
                status, row = lookup(self.store, doc)
                if status in (UNCHANGED, DUPLICATE):
                    msg = "" if status == UNCHANGED else f"same text as stored document {row['doc_key']!r}"
                    return Outcome(status, doc.id, msg, row["id"])
            analysis = self.pipeline.analyze(doc)
            return store_analysis(self.store, analysis, force=self.force)
        except Exception as exc:  # one bad document never stops the batch
            where = doc.origin or doc.url or doc.id
            return Outcome(FAILED, doc.id, f"{where} (document {doc.id}): {type(exc).__name__}: {exc}")

    def ingest(
        self,
        items: Iterable[Document | DocumentError],
        on_outcome: Callable[[Outcome], None] | None = None,
        fuse: bool = True,
        jobs: int | None = 1,
        dictionaries: Sequence[str] = (),
    ) -> IngestReport:
        """Store every item; with ``jobs`` other than 1, analysis runs in worker processes while this
        process stays the single writer (documents already stored are skipped before analysis)."""
        import time

        started = time.perf_counter()
        report = IngestReport()
        sync_plover(self.store, getattr(self._pipeline, "lexicon", None), dictionaries)

        def record(outcome: Outcome) -> None:
            report.count(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        if jobs == 1:
            for item in items:
                record(
                    Outcome(FAILED, item.doc_id, str(item))
                    if isinstance(item, DocumentError)
                    else self.ingest_document(item)
                )
        else:
            from .parallel import analyze_many

            def pending() -> Iterator[Document | DocumentError]:
                for item in items:
                    if not isinstance(item, DocumentError) and not self.force:
                        status, row = lookup(self.store, item)
                        if status in (UNCHANGED, DUPLICATE):
                            msg = "" if status == UNCHANGED else f"same text as stored document {row['doc_key']!r}"
                            record(Outcome(status, item.doc_id if hasattr(item, "doc_id") else item.id, msg, row["id"]))
                            continue
                    yield item

            results = analyze_many(pending(), jobs, dictionaries)
            while chunk := list(islice(results, BATCH)):
                # commit every BATCH documents (each stays whole: a failing one rolls back alone)
                with self.store.batch():
                    for result in chunk:
                        if isinstance(result, DocumentError):
                            record(Outcome(FAILED, result.doc_id, str(result)))
                            continue
                        try:
                            record(store_analysis(self.store, result, force=self.force))
                        except Exception as exc:  # one bad document never stops the batch
                            doc = result.document
                            where = f"{doc.origin or doc.id} (document {doc.id})"
                            record(Outcome(FAILED, doc.id, f"{where}: {type(exc).__name__}: {exc}"))
        if fuse:
            report.fusion = fusion.refresh(self.store)
        report.seconds = time.perf_counter() - started
        return report
