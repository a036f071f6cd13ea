"""Scoring extraction against a gold file (the rules of the evaluation guidelines).

Events are compared as (item, source, type, target) tuples, with AGREE,
CONSULT and COOPERATE as unordered pairs; "dyads" ignore the type;
agreements match on (party set, status), each gold record at most once.
Besides the micro figures this reports per-type precision and recall, the
items with the most errors, and what was missed and extra in each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

UNORDERED = frozenset({"AGREE", "CONSULT", "COOPERATE"})
NEGOTIATING = frozenset({"negotiating", "proposed", "expected", "under negotiation"})


def _code(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("code") or value.get("country") or ""
    return str(value or "").strip().upper()


def event_key(event: dict) -> tuple[str, str, str] | None:
    source, target = _code(event.get("source")), _code(event.get("target"))
    kind = str(event.get("type", "")).upper()
    if not source or not target or source == target or not kind:
        return None
    if kind in UNORDERED:
        source, target = sorted((source, target))
    return source, kind, target


def dyad_key(event: dict) -> tuple[str, str] | None:
    key = event_key(event)
    return tuple(sorted((key[0], key[2]))) if key else None


def agreement_key(agreement: dict) -> tuple[tuple[str, ...], str] | None:
    parties = tuple(sorted({_code(p) for p in agreement.get("parties", []) if _code(p)}))
    status = "negotiating" if str(agreement.get("status", "signed")).lower() in NEGOTIATING else "signed"
    return (parties, status) if len(parties) >= 2 else None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    items: int = 0
    events: Score = field(default_factory=Score)
    dyads: Score = field(default_factory=Score)
    agreements: Score = field(default_factory=Score)
    by_type: dict[str, Score] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "events": self.events.as_dict(),
            "dyads": self.dyads.as_dict(),
            "agreements": self.agreements.as_dict(),
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
            "errors": self.errors,
        }


def _compare(score: Score, gold: Counter, predicted: Counter) -> tuple[list, list]:
    hit = sum((gold & predicted).values())
    score.tp += hit
    score.fp += sum(predicted.values()) - hit
    score.fn += sum(gold.values()) - hit
    return sorted((gold - predicted).elements()), sorted((predicted - gold).elements())


def score(gold: Iterable[dict], predicted: dict[str, dict]) -> Report:
    """Score predictions (by item id) against gold records."""
    report = Report()
    for item in gold:
        report.items += 1
        pred = predicted.get(str(item.get("id")), {})
        gold_events = Counter({k for k in map(event_key, item.get("events", [])) if k})
        pred_events = Counter({k for k in map(event_key, pred.get("events", []) or []) if k})
        missing, extra = _compare(report.events, gold_events, pred_events)
        _compare(
            report.dyads,
            Counter({k for k in map(dyad_key, item.get("events", [])) if k}),
            Counter({k for k in map(dyad_key, pred.get("events", []) or []) if k}),
        )
        gold_agreements = Counter(k for k in map(agreement_key, item.get("agreements", [])) if k)
        pred_agreements = Counter(k for k in map(agreement_key, pred.get("agreements", []) or []) if k)
        missing_ag, extra_ag = _compare(report.agreements, gold_agreements, pred_agreements)
        for kind in {k[1] for k in gold_events} | {k[1] for k in pred_events}:
            _compare(
                report.by_type.setdefault(kind, Score()),
                Counter({k for k in gold_events if k[1] == kind}),
                Counter({k for k in pred_events if k[1] == kind}),
            )
        if missing or extra or missing_ag or extra_ag:
            report.errors.append(
                {
                    "id": item.get("id"),
                    "text": str(item.get("text", ""))[:300],
                    "missing": ["/".join(k) for k in missing],
                    "extra": ["/".join(k) for k in extra],
                    "missing_agreements": ["+".join(k[0]) + f" {k[1]}" for k in missing_ag],
                    "extra_agreements": ["+".join(k[0]) + f" {k[1]}" for k in extra_ag],
                }
            )
    report.errors.sort(
        key=lambda e: -(len(e["missing"]) + len(e["extra"]) + len(e["missing_agreements"]) + len(e["extra_agreements"]))
    )
    return report


def confidence_curve(
    gold: list[dict], predicted: dict[str, dict], thresholds: Iterable[float] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
) -> list[dict]:
    """Event precision and recall when only events at or above each confidence threshold are kept."""
    rows = []
    for threshold in thresholds:
        kept = {
            item_id: {**rec, "events": [e for e in rec.get("events", []) if e.get("confidence", 1.0) >= threshold]}
            for item_id, rec in predicted.items()
        }
        report = score(gold, kept)
        rows.append({"threshold": threshold, **report.events.as_dict()})
    return rows
