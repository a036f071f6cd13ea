"""Cue phrases (``cues.tsv``) and the sector vocabulary (``sectors.tsv``), compiled once."""

from __future__ import annotations

import re
from collections import defaultdict

from ..knowledge import Lexicon, split_list


def _alternation(phrases: list[str]) -> str:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


class Vocabulary:
    """Regexes and tables for the agreement, project, plan and quote extractors."""

    def __init__(self, lexicon: Lexicon):
        by_kind: dict[str, dict[str, str]] = defaultdict(dict)
        for row in lexicon.tables.get("cues", []):
            by_kind[row["kind"]][row["phrase"].lower()] = row["value"]
        self.values = by_kind

        def regex(kind: str, flags: int = re.I) -> re.Pattern:
            alternation = _alternation(list(by_kind.get(kind, {})))
            return re.compile(rf"\b(?:{alternation})\b", flags) if alternation else re.compile(r"(?!x)x")

        self.agreement_noun = regex("agreement_noun")
        self.commitment_noun = regex("commitment_noun")
        self.status = regex("agreement_status")
        self.creates = regex("creates")
        self.unnamed = regex("unnamed")
        self.project_noun = regex("project_noun")
        self.project_stage = regex("project_stage")
        self.plan_cue = regex("plan_cue")
        self.reporting_verb = regex("reporting_verb")
        self.reporting_verbs = frozenset(p for p in by_kind.get("reporting_verb", {}) if " " not in p)
        self.light_verbs = frozenset(by_kind.get("light_verb", {}))
        self.sector_terms: list[tuple[str, str]] = []
        for row in lexicon.tables.get("sectors", []):
            for term in split_list(row["terms"]):
                self.sector_terms.append((term.lower(), row["sector"]))
        self.sector_terms.sort(key=lambda t: -len(t[0]))
        alternation = _alternation([t for t, _ in self.sector_terms])
        self._sector_re = re.compile(rf"\b(?:{alternation})\b", re.I) if alternation else None
        self._sector_of = {re.sub(r"\s+", " ", t): s for t, s in self.sector_terms}
        self.sector_names = [row["sector"] for row in lexicon.tables.get("sectors", [])]

    def value(self, kind: str, phrase: str) -> str:
        return self.values.get(kind, {}).get(re.sub(r"\s+", " ", phrase.lower()), "")

    def sectors(self, text: str) -> list[str]:
        """Sectors named in ``text``, in vocabulary order, each once (longest terms win)."""
        if self._sector_re is None:
            return []
        found = {
            self._sector_of.get(re.sub(r"\s+", " ", m.group(0).lower()), "") for m in self._sector_re.finditer(text)
        }
        found.discard("")
        return [s for s in self.sector_names if s in found]
