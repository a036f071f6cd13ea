"""Actor knowledge: load the TSV knowledge files into one :class:`Lexicon`.

The files and their schema are described in ``data/SCHEMA.md``. Built-in files
ship in ``accords/data``; user files given with ``--dictionary`` (or the
``ACCORDS_DICTIONARY`` variable) are merged over them, record by record.
A table is recognized by its header row, so files can be split and named
freely.
"""

from __future__ import annotations

import calendar
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from .normalize import fold

DATA_DIR = Path(__file__).parent / "data"

TABLES: dict[str, tuple[str, ...]] = {
    "countries": ("code", "name", "variants", "demonyms", "capitals", "seats", "kind", "parent", "executive"),
    "organizations": ("code", "name", "aliases", "members", "coded"),
    "people": ("name", "country", "role", "start", "end", "aliases", "sector", "notes"),
    "entities": ("name", "aliases", "kind", "country", "state", "sector", "notes"),
    "roles": ("phrase", "sector", "role", "meaning"),
    "actor_types": ("code", "meaning"),
    "ambiguity": ("surface", "reading", "cues", "rule"),
    "regions": ("code", "region", "subregion"),
    "descriptors": ("phrase", "kind", "value"),
    "places": ("name", "country", "kind", "aliases"),
    "events": ("trigger", "pos", "type", "preps", "flags", "notes"),
    "modality": ("cue", "effect", "window"),
    "plover": ("type", "cameo", "weight", "quad", "prior", "meaning"),
    "irregular_verbs": ("lemma", "past", "participle"),
    "sectors": ("sector", "terms", "meaning"),
    "cues": ("phrase", "kind", "value"),
}
_HEADERS = {cols: name for name, cols in TABLES.items()}
_KEYS = {
    "countries": ("code", "name"),
    "organizations": ("code", "name"),
    "people": ("name", "country", "role", "start"),
    "entities": ("name",),
    "roles": ("phrase",),
    "actor_types": ("code",),
    "ambiguity": ("surface", "reading"),
    "regions": ("code",),
    "descriptors": ("phrase",),
    "places": ("name", "country"),
    "events": ("trigger", "pos", "type"),
    "modality": ("cue",),
    "plover": ("type",),
    "irregular_verbs": ("lemma",),
    "sectors": ("sector",),
    "cues": ("phrase", "kind"),
}
ROLE_CODES = frozenset(
    """head_of_state head_of_government deputy_head_of_state foreign_minister defence_minister
    interior_minister finance_minister org_leader org_foreign_policy military_chief spokesperson
    ambassador envoy minister""".split()
)


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and line."""


@dataclass(slots=True)
class Term:
    """One office held by a person for a period."""

    country: str
    role: str
    start: date | None
    end: date | None
    sector: str = "GOV"
    notes: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Entry:
    """Something a name can refer to: a state, organization, person or entity."""

    key: str
    kind: str  # state | territory | organization | person | force | agency | media | company | group | pmc
    name: str
    code: str = ""  # the code it takes in events ("" for non-state)
    country: str = ""
    sector: str = ""
    state_actor: bool = True
    coded: bool = True  # may be the source/target of a coded event
    terms: list[Term] = field(default_factory=list)
    members: tuple[str, ...] = ()
    executive: str = ""  # countries: which office "X's leader" means
    region: str = ""
    subregion: str = ""

    def term_on(self, day: date | None) -> Term | None:
        """The term in force on ``day``; without a date, the latest term."""
        if not self.terms:
            return None
        if day is None:
            return max(self.terms, key=lambda t: t.start or date.min)
        for term in self.terms:
            if term.covers(day):
                return term
        return None

    def nearest_term(self, day: date | None) -> Term | None:
        if not self.terms:
            return None
        if day is None:
            return self.term_on(None)

        def distance(t: Term) -> int:
            if t.covers(day):
                return 0
            if t.end is not None and t.end < day:
                return (day - t.end).days
            return ((t.start or day) - day).days

        return min(self.terms, key=distance)


@dataclass(slots=True, frozen=True)
class Role:
    phrase: str
    sector: str
    role: str  # role code, "" for groups ("soldiers")
    former: bool = False


@dataclass(slots=True, frozen=True)
class Sense:
    """One reading of a surface form: what it names and how (``form``)."""

    form: str  # name | variant | demonym | capital | seat | alias | surname | role | descriptor
    entry: Entry | None = None
    role: Role | None = None
    descriptor: tuple[str, str] | None = None  # (kind, value), e.g. ("subregion", "Western Africa")


@dataclass(slots=True, frozen=True)
class Ambiguity:
    reading: str
    cues: frozenset[str]
    rule: str


def parse_day(value: str, end: bool = False) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a partial end date is read as the last day."""
    value = value.strip()
    if not value:
        return None
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(parts[1])
    if len(parts) == 2:
        return date(year, month, calendar.monthrange(year, month)[1]) if end else date(year, month, 1)
    return date(year, month, int(parts[2]))


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def read_table(path: Path) -> tuple[str, list[dict[str, str]]]:
    """Read one knowledge file; return its table name and rows (with ``_line`` for messages)."""
    table = None
    columns: tuple[str, ...] = ()
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if table is None:
                columns = tuple(f.strip() for f in fields)
                table = _HEADERS.get(columns)
                if table is None:
                    raise KnowledgeError(
                        f"{path}:{lineno}: header {'/'.join(columns)} matches no knowledge table (see data/SCHEMA.md)"
                    )
                continue
            if len(fields) < len(columns):
                fields += [""] * (len(columns) - len(fields))
            if len(fields) > len(columns):
                raise KnowledgeError(f"{path}:{lineno}: {len(fields)} fields, the {table} table has {len(columns)}")
            row = dict(zip(columns, (f.strip() for f in fields), strict=True))
            row["_line"] = f"{path}:{lineno}"
            rows.append(row)
    if table is None:
        raise KnowledgeError(f"{path}: empty knowledge file (no header row)")
    return table, rows


def _merge(tables: dict[str, dict[tuple, dict]], table: str, rows: Iterable[dict[str, str]]) -> None:
    target = tables.setdefault(table, {})
    for row in rows:
        key = tuple(row[k].casefold() for k in _KEYS[table])
        removal = any(row.get(col) == "-" for col in ("aliases", "variants"))
        if removal:
            target.pop(key, None)
        else:
            target[key] = row


def user_dictionary_paths(extra: Iterable[str | Path] = ()) -> list[Path]:
    env = os.environ.get("ACCORDS_DICTIONARY", "")
    paths = [Path(p) for p in env.split(os.pathsep) if p] + [Path(p) for p in extra]
    for p in paths:
        if not p.is_file():
            raise KnowledgeError(f"{p}: dictionary file not found")
    return paths


def load_tables(extra: Iterable[str | Path] = ()) -> dict[str, list[dict[str, str]]]:
    tables: dict[str, dict[tuple, dict]] = {}
    for path in sorted(DATA_DIR.glob("*.tsv")):
        table, rows = read_table(path)
        _merge(tables, table, rows)
    for path in user_dictionary_paths(extra):
        table, rows = read_table(path)
        _merge(tables, table, rows)
    return {name: list(rows.values()) for name, rows in tables.items()}


class Lexicon:
    """All actor knowledge, indexed for matching and resolution. Build once, reuse."""

    def __init__(self, tables: dict[str, list[dict[str, str]]]):
        self.tables = tables  # raw rows, for the extractors that build their own indexes
        self.entries: dict[str, Entry] = {}
        self.surfaces: dict[str, list[Sense]] = defaultdict(list)
        self.originals: dict[str, list[str]] = defaultdict(list)  # folded surface -> spellings
        self.exact_case: set[str] = set()  # original surfaces that must match case exactly
        self.roles: dict[str, Role] = {}
        self.actor_types: dict[str, str] = {}
        self.ambiguities: dict[str, list[Ambiguity]] = defaultdict(list)
        self.office: dict[tuple[str, str], list[tuple[Term, Entry]]] = defaultdict(list)
        self.states: dict[str, Entry] = {}
        self.org_codes: set[str] = set()
        self._load_countries(tables.get("countries", []))
        self._load_regions(tables.get("regions", []))
        self._load_organizations(tables.get("organizations", []))
        self._load_entities(tables.get("entities", []))
        self._load_people(tables.get("people", []))
        self._load_roles(tables.get("roles", []))
        self._load_descriptors(tables.get("descriptors", []))
        self._load_places(tables.get("places", []))
        for row in tables.get("actor_types", []):
            self.actor_types[row["code"]] = row["meaning"]
        for row in tables.get("ambiguity", []):
            self.ambiguities[fold(row["surface"])].append(
                Ambiguity(row["reading"], frozenset(fold(c) for c in split_list(row["cues"])), row["rule"])
            )
        for terms in self.office.values():
            terms.sort(key=lambda te: te[0].start or date.min)

    # -- building -------------------------------------------------------------------------------------------

    def add_surface(self, surface: str, sense: Sense) -> None:
        surface = surface.strip()
        if len(surface) < 2:
            return
        folded = fold(surface)
        if sense not in self.surfaces[folded]:
            self.surfaces[folded].append(sense)
        if surface not in self.originals[folded]:
            self.originals[folded].append(surface)
        letters = [c for c in surface if c.isalpha()]
        if letters and len(letters) <= 5 and all(c.isupper() for c in letters):
            self.exact_case.add(surface)  # acronyms: "US" is not "us", "IS" is not "is"

    def _load_countries(self, rows: list[dict[str, str]]) -> None:
        import pycountry

        for row in rows:
            code = row["code"].upper()
            kind = row.get("kind") or "state"
            key = f"state:{code}" if kind == "state" else f"territory:{row['name']}"
            entry = Entry(
                key=key,
                kind="state" if kind == "state" else "territory",
                name=row["name"],
                code=code,
                country=code,
                sector="GOV",
                executive=row.get("executive", ""),
            )
            self.entries[key] = entry
            if kind == "state" or code not in self.states:
                self.states.setdefault(code, entry)
                if kind == "state":
                    self.states[code] = entry
            names = [row["name"], *split_list(row["variants"])]
            iso = pycountry.countries.get(alpha_3=code)
            if iso is not None and kind == "state":
                names += [getattr(iso, a) for a in ("name", "official_name", "common_name") if hasattr(iso, a)]
            for name in names:
                self.add_surface(name, Sense("name" if name == row["name"] else "variant", entry))
            for form, column in (("demonym", "demonyms"), ("capital", "capitals"), ("seat", "seats")):
                for name in split_list(row[column]):
                    self.add_surface(name, Sense(form, entry))

    def _load_regions(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            entry = self.states.get(row["code"].upper())
            if entry is not None:
                entry.region, entry.subregion = row["region"], row["subregion"]

    def _load_organizations(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            code = row["code"].upper()
            entry = Entry(
                key=f"org:{row['name']}",
                kind="organization",
                name=row["name"],
                code=code,
                sector="IGO",
                coded=row.get("coded", "yes").lower() != "no",
                members=tuple(split_list(row["members"])),
            )
            self.entries[entry.key] = entry
            self.org_codes.add(code)
            self.add_surface(row["name"], Sense("name", entry))
            for alias in split_list(row["aliases"]):
                self.add_surface(alias, Sense("alias", entry))

    def _load_entities(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            state = row.get("state", "yes").lower() != "no"
            country = row["country"].upper()
            entry = Entry(
                key=f"entity:{row['name']}",
                kind=row["kind"] or "group",
                name=row["name"],
                code=country if state else "",
                country=country,
                sector=row["sector"],
                state_actor=state,
                coded=state,
            )
            self.entries[entry.key] = entry
            self.add_surface(row["name"], Sense("name", entry))
            for alias in split_list(row["aliases"]):
                self.add_surface(alias, Sense("alias", entry))

    def _load_people(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            where = row.get("_line", "people")
            try:
                term = Term(
                    country=row["country"].upper(),
                    role=row["role"],
                    start=parse_day(row["start"]),
                    end=parse_day(row["end"], end=True),
                    sector=row.get("sector") or "GOV",
                    notes=row.get("notes", ""),
                )
            except ValueError as exc:
                raise KnowledgeError(f"{where}: bad date: {exc}") from exc
            key = f"person:{row['name']}"
            entry = self.entries.get(key)
            if entry is None:
                entry = Entry(key=key, kind="person", name=row["name"], sector="GOV")
                self.entries[key] = entry
                self.add_surface(row["name"], Sense("name", entry))
                for surname in surnames(row["name"]):
                    self.add_surface(surname, Sense("surname", entry))
            entry.terms.append(term)
            for alias in split_list(row["aliases"]):
                self.add_surface(alias, Sense("alias", entry))
            self.office[(term.country, term.role)].append((term, entry))
        for entry in self.entries.values():
            if entry.kind == "person" and entry.terms:
                latest = entry.term_on(None)
                entry.country = entry.code = latest.country
                entry.sector = latest.sector

    def _load_roles(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            phrase = row["phrase"].lower()
            role = Role(phrase, row["sector"], row["role"], phrase.startswith(("former ", "ex-", "ex ")))
            self.roles[fold(phrase)] = role
            self.add_surface(phrase, Sense("role", role=role))

    def _load_places(self, rows: list[dict[str, str]]) -> None:
        """Cities, regions and landmarks: they locate events in a state but never act."""
        for row in rows:
            country = row["country"].upper()
            entry = Entry(
                key=f"place:{row['name']}:{country}",
                kind="place",
                name=row["name"],
                code=country,
                country=country,
                sector="",
                state_actor=False,
                coded=False,
            )
            self.entries[entry.key] = entry
            for name in [row["name"], *split_list(row["aliases"])]:
                self.add_surface(name, Sense("place", entry))

    def _load_descriptors(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            self.add_surface(row["phrase"], Sense("descriptor", descriptor=(row["kind"], row["value"])))

    # -- queries --------------------------------------------------------------------------------------------

    def holder(self, country: str, role: str, day: date | None) -> Entry | None:
        """Who held ``role`` for ``country`` on ``day`` (the latest holder without a date)."""
        terms = self.office.get((country, role))
        if not terms:
            return None
        if day is None:
            return terms[-1][1]
        for term, entry in reversed(terms):
            if term.covers(day):
                return entry
        return None

    def state(self, code: str) -> Entry | None:
        return self.states.get(code)


_SURNAME_PARTICLES = {
    "al",
    "el",
    "bin",
    "ibn",
    "von",
    "van",
    "de",
    "da",
    "du",
    "di",
    "der",
    "den",
    "la",
    "le",
    "dos",
}


def surnames(name: str) -> list[str]:
    """Surname forms a news text uses alone: "Vladimir Putin" -> Putin; "Bashar al-Assad" -> al-Assad, Assad."""
    tokens = name.split()
    if len(tokens) < 2 or " of " in name or "(" in name:
        return []  # regnal names: "Abdullah II of Jordan" has no surname "Jordan"
    if re.fullmatch(r"[IVX]+|Jr\.?|Sr\.?", tokens[-1]) or re.fullmatch(r"[A-Z][a-z]+-[a-z]+", tokens[-1]):
        return []  # "Charles III"; Korean given names ("Ban Ki-moon") are not surnames
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower().rstrip("-") in _SURNAME_PARTICLES:
        start -= 1
    forms = [" ".join(tokens[start:])]
    last = tokens[-1]
    for prefix in ("al-", "el-", "Al-", "El-", "ad-", "as-", "ash-", "an-", "az-", "at-"):
        if last.startswith(prefix) and len(last) > len(prefix) + 2:
            forms.append(last[len(prefix) :])
    if len(forms) == 1 and start < len(tokens) - 1:
        forms.append(last)
    return [f for f in dict.fromkeys(forms) if len(f) > 2]


def iter_data_files() -> Iterator[Path]:
    yield from sorted(DATA_DIR.glob("*.tsv"))


@cache
def _default_lexicon(extra: tuple[str, ...]) -> Lexicon:
    return Lexicon(load_tables(extra))


def load_lexicon(extra: Iterable[str | Path] = ()) -> Lexicon:
    """The lexicon built from built-in files plus user dictionaries; built once per process."""
    return _default_lexicon(tuple(str(p) for p in extra))
