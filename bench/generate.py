"""Generate synthetic-but-realistic analyses for the knowledge-base benchmark.

The world: ~70 real dyads with their usual mix of interactions (cooperative
pairs meet, sign and cooperate; rival pairs accuse, sanction and mobilize;
some pairs do both), real capitals, leaders and foreign ministers, dates
spread over 2015-2025 with more news in recent years. Each *happening* (a
visit, a signing, a strike, a sanctions round) is reported by 1-4 documents
from different outlets, each naming some of its events in its own words;
about 5% of reports are wire copies of another report (near-duplicates).
Signing happenings carry named agreements (sector-specific titles) and
sometimes "a series of agreements" or "N documents" mentions, so the
registry, the clusters and the discrepancies all have work to do.

The output is a stream of :class:`accords.model.Analysis` objects, exactly
what ``Pipeline.analyze`` returns, so the benchmark measures the store and
fusion, not the extractor.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from accords.model import Actor, ActorRef, Agreement, Analysis, Document, Event, Evidence, Mention, Quote, Sentence

CAMEO = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06", "AID": "07", "CONCEDE": "08",
    "RETREAT": "08", "REQUEST": "02", "ACCUSE": "11", "REJECT": "12", "THREATEN": "13", "PROTEST": "14",
    "SANCTION": "16", "MOBILIZE": "15", "COERCE": "17", "ASSAULT": "18",
}  # fmt: skip

STATES = {
    "USA": ("United States", "Washington", ["Joe Biden", "Donald Trump"], "Antony Blinken"),
    "CHN": ("China", "Beijing", ["Xi Jinping"], "Wang Yi"),
    "RUS": ("Russia", "Moscow", ["Vladimir Putin"], "Sergei Lavrov"),
    "UKR": ("Ukraine", "Kyiv", ["Volodymyr Zelensky"], "Dmytro Kuleba"),
    "GBR": ("United Kingdom", "London", ["Rishi Sunak", "Keir Starmer"], "David Cameron"),
    "FRA": ("France", "Paris", ["Emmanuel Macron"], "Catherine Colonna"),
    "DEU": ("Germany", "Berlin", ["Olaf Scholz", "Angela Merkel"], "Annalena Baerbock"),
    "IND": ("India", "New Delhi", ["Narendra Modi"], "Subrahmanyam Jaishankar"),
    "PAK": ("Pakistan", "Islamabad", ["Shehbaz Sharif", "Imran Khan"], "Ishaq Dar"),
    "IRN": ("Iran", "Tehran", ["Ebrahim Raisi", "Hassan Rouhani"], "Abbas Araghchi"),
    "ISR": ("Israel", "Jerusalem", ["Benjamin Netanyahu"], "Israel Katz"),
    "PSE": ("Palestine", "Ramallah", ["Mahmoud Abbas"], "Riyad al-Maliki"),
    "SAU": ("Saudi Arabia", "Riyadh", ["Mohammed bin Salman"], "Faisal bin Farhan"),
    "TUR": ("Turkey", "Ankara", ["Recep Tayyip Erdoğan"], "Hakan Fidan"),
    "SYR": ("Syria", "Damascus", ["Bashar al-Assad"], "Faisal Mekdad"),
    "IRQ": ("Iraq", "Baghdad", ["Mohammed Shia al-Sudani"], "Fuad Hussein"),
    "EGY": ("Egypt", "Cairo", ["Abdel Fattah el-Sisi"], "Sameh Shoukry"),
    "JPN": ("Japan", "Tokyo", ["Fumio Kishida", "Shinzo Abe"], "Yoko Kamikawa"),
    "KOR": ("South Korea", "Seoul", ["Yoon Suk Yeol", "Moon Jae-in"], "Cho Tae-yul"),
    "PRK": ("North Korea", "Pyongyang", ["Kim Jong Un"], "Choe Son Hui"),
    "TWN": ("Taiwan", "Taipei", ["Lai Ching-te", "Tsai Ing-wen"], "Lin Chia-lung"),
    "MLI": ("Mali", "Bamako", ["Assimi Goïta"], "Abdoulaye Diop"),
    "BFA": ("Burkina Faso", "Ouagadougou", ["Ibrahim Traoré"], "Karamoko Traoré"),
    "NER": ("Niger", "Niamey", ["Abdourahamane Tchiani"], "Bakary Sangaré"),
    "NGA": ("Nigeria", "Abuja", ["Bola Tinubu"], "Yusuf Tuggar"),
    "ZAF": ("South Africa", "Pretoria", ["Cyril Ramaphosa"], "Naledi Pandor"),
    "ETH": ("Ethiopia", "Addis Ababa", ["Abiy Ahmed"], "Taye Atske Selassie"),
    "BRA": ("Brazil", "Brasília", ["Luiz Inácio Lula da Silva"], "Mauro Vieira"),
    "VEN": ("Venezuela", "Caracas", ["Nicolás Maduro"], "Yván Gil"),
    "CUB": ("Cuba", "Havana", ["Miguel Díaz-Canel"], "Bruno Rodríguez"),
    "MEX": ("Mexico", "Mexico City", ["Andrés Manuel López Obrador"], "Alicia Bárcena"),
    "AFG": ("Afghanistan", "Kabul", ["Hibatullah Akhundzada"], "Amir Khan Muttaqi"),
    "QAT": ("Qatar", "Doha", ["Tamim bin Hamad Al Thani"], "Mohammed bin Abdulrahman Al Thani"),
    "ARE": ("United Arab Emirates", "Abu Dhabi", ["Mohamed bin Zayed"], "Abdullah bin Zayed"),
    "VNM": ("Vietnam", "Hanoi", ["Tô Lâm"], "Bùi Thanh Sơn"),
    "PHL": ("Philippines", "Manila", ["Ferdinand Marcos Jr."], "Enrique Manalo"),
    "AZE": ("Azerbaijan", "Baku", ["Ilham Aliyev"], "Jeyhun Bayramov"),
    "ARM": ("Armenia", "Yerevan", ["Nikol Pashinyan"], "Ararat Mirzoyan"),
    "POL": ("Poland", "Warsaw", ["Donald Tusk", "Andrzej Duda"], "Radosław Sikorski"),
    "BLR": ("Belarus", "Minsk", ["Alexander Lukashenko"], "Maxim Ryzhenkov"),
}

COOP = {"CONSULT": 30, "AGREE": 14, "COOPERATE": 14, "SUPPORT": 12, "AID": 6, "REQUEST": 6, "CONCEDE": 2}
HOSTILE = {"ACCUSE": 20, "THREATEN": 10, "SANCTION": 10, "MOBILIZE": 10, "ASSAULT": 10, "REJECT": 8,
           "COERCE": 5, "PROTEST": 3, "CONSULT": 10, "REQUEST": 8, "RETREAT": 3}  # fmt: skip
MIXED = {t: COOP.get(t, 0) + HOSTILE.get(t, 0) for t in set(COOP) | set(HOSTILE)}

# (a, b, weight in the news, profile)
DYADS = [
    ("USA", "CHN", 30, MIXED), ("RUS", "UKR", 30, HOSTILE), ("ISR", "PSE", 22, HOSTILE), ("USA", "RUS", 18, HOSTILE),
    ("USA", "IRN", 14, HOSTILE), ("IND", "PAK", 12, HOSTILE), ("CHN", "TWN", 12, HOSTILE), ("USA", "UKR", 14, COOP),
    ("RUS", "CHN", 12, COOP), ("USA", "ISR", 12, COOP), ("ISR", "IRN", 10, HOSTILE), ("USA", "PRK", 8, HOSTILE),
    ("KOR", "PRK", 8, HOSTILE), ("USA", "JPN", 8, COOP), ("USA", "KOR", 7, COOP), ("JPN", "CHN", 6, MIXED),
    ("GBR", "UKR", 7, COOP), ("FRA", "UKR", 6, COOP), ("DEU", "UKR", 6, COOP), ("POL", "UKR", 5, COOP),
    ("RUS", "BLR", 5, COOP), ("RUS", "IRN", 6, COOP), ("RUS", "PRK", 4, COOP), ("RUS", "MLI", 4, COOP),
    ("RUS", "BFA", 3, COOP), ("RUS", "NER", 3, COOP), ("FRA", "MLI", 4, HOSTILE), ("FRA", "NER", 3, HOSTILE),
    ("MLI", "BFA", 3, COOP), ("MLI", "NER", 3, COOP), ("SAU", "IRN", 5, MIXED), ("SAU", "USA", 6, COOP),
    ("TUR", "SYR", 5, HOSTILE), ("TUR", "RUS", 5, MIXED), ("TUR", "USA", 4, MIXED), ("IRQ", "USA", 5, MIXED),
    ("IRQ", "IRN", 4, COOP), ("SYR", "ISR", 4, HOSTILE), ("EGY", "ISR", 4, MIXED), ("EGY", "PSE", 3, COOP),
    ("QAT", "PSE", 3, COOP), ("QAT", "USA", 3, COOP), ("ARE", "ISR", 3, COOP), ("IND", "CHN", 6, MIXED),
    ("IND", "USA", 6, COOP), ("IND", "RUS", 5, COOP), ("PAK", "CHN", 4, COOP), ("PAK", "AFG", 4, HOSTILE),
    ("BRA", "CHN", 3, COOP), ("BRA", "USA", 3, COOP), ("VEN", "USA", 4, HOSTILE), ("CUB", "USA", 3, HOSTILE),
    ("MEX", "USA", 5, MIXED), ("VNM", "CHN", 3, MIXED), ("PHL", "CHN", 5, HOSTILE), ("PHL", "USA", 3, COOP),
    ("AZE", "ARM", 5, HOSTILE), ("RUS", "ARM", 3, MIXED), ("ETH", "EGY", 3, HOSTILE), ("NGA", "NER", 3, MIXED),
    ("ZAF", "RUS", 2, COOP), ("ZAF", "USA", 2, MIXED), ("DEU", "FRA", 4, COOP), ("GBR", "FRA", 4, COOP),
    ("GBR", "USA", 5, COOP), ("DEU", "CHN", 4, MIXED), ("FRA", "CHN", 3, MIXED), ("GBR", "CHN", 3, MIXED),
]  # fmt: skip

SECTORS = ["energy", "nuclear energy", "trade", "defence", "security", "transport", "agriculture", "health",
           "education", "science and technology", "finance", "mining and geology", "culture", "space", "fisheries",
           "tourism", "digital economy", "infrastructure"]  # fmt: skip
TITLES = [
    "Agreement on cooperation in {s}",
    "Memorandum of understanding on {s} cooperation",
    "Intergovernmental agreement on {s}",
    "Agreement on the development of {s}",
    "Protocol on {s} exchanges",
]
OUTLETS = ["Reuters", "AFP", "AP", "Al Jazeera", "BBC", "TASS", "Xinhua", "Anadolu", "The Guardian", "Le Monde",
           "Times of India", "Dawn", "Haaretz", "Kyiv Independent", "Africanews", "Yonhap", "Kyodo", "NHK"]  # fmt: skip

FILLER = {
    "who": [
        "Analysts",
        "Diplomats",
        "Observers",
        "Officials",
        "Opposition politicians",
        "Economists",
        "Residents",
        "Military experts",
        "Business leaders",
        "Rights groups",
        "Local journalists",
        "Western envoys",
    ],
    "verb": ["said", "noted", "warned", "argued", "cautioned", "suggested", "insisted", "acknowledged", "predicted"],
    "topic": [
        "the talks",
        "the dispute",
        "the agreement",
        "the crisis",
        "the negotiations",
        "the visit",
        "the decision",
        "the new policy",
        "the border situation",
        "the trade figures",
        "the ceasefire",
    ],
    "effect": [
        "could reshape",
        "might complicate",
        "would strengthen",
        "risked undermining",
        "was unlikely to change",
        "reflected",
        "would test",
        "had already affected",
        "might accelerate",
        "could delay",
    ],
    "object": [
        "regional stability",
        "energy prices",
        "the balance of power",
        "investor confidence",
        "relations with neighbours",
        "the coming elections",
        "humanitarian access",
        "grain exports",
        "the security situation",
        "the reform agenda",
        "shipping routes",
        "the currency",
    ],
    "tail": [
        "in the coming months",
        "over the next year",
        "before the summit",
        "after years of tension",
        "despite earlier setbacks",
        "according to people familiar with the matter",
        "in the long run",
        "amid rising inflation",
        "as winter approaches",
        "following weeks of speculation",
    ],
}


def filler(rng: random.Random) -> str:
    f = {k: rng.choice(v) for k, v in FILLER.items()}
    n = rng.randint(2, 95)
    return f"{f['who']} {f['verb']} {f['topic']} {f['effect']} {f['object']} {f['tail']}, citing {n} cases."


SENTENCE = {
    "CONSULT": "{S} held talks with {T} in {place}.",
    "AGREE": "{S} and {T} signed {what} on {day}.",
    "COOPERATE": "{S} and {T} agreed to expand cooperation in {sector}.",
    "SUPPORT": "{S} praised {T} for its support.",
    "AID": "{S} sent humanitarian and technical aid to {T}.",
    "REQUEST": "{S} urged {T} to resume negotiations.",
    "CONCEDE": "{S} released detained nationals of {T}.",
    "ACCUSE": "{S} accused {T} of violating its commitments.",
    "THREATEN": "{S} warned {T} of serious consequences.",
    "SANCTION": "{S} imposed new sanctions on {T}.",
    "MOBILIZE": "{S} deployed additional troops near {T}.",
    "ASSAULT": "{S} forces struck positions of {T}.",
    "REJECT": "{S} rejected the proposal of {T}.",
    "COERCE": "{S} detained citizens of {T}.",
    "PROTEST": "Protesters in {S} rallied against {T}.",
    "RETREAT": "{S} withdrew its forces from {T}.",
}


class World:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.dyads = DYADS
        self.weights = [w for _, _, w, _ in DYADS]
        self.doc_no = 0

    def day(self) -> date:
        # more news in recent years
        year = self.rng.choices(range(2015, 2026), weights=[1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 6])[0]
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def happenings(self) -> Iterator[list[Analysis]]:
        """Each item: the reports (analyses) of one happening."""
        rng = self.rng
        while True:
            a, b, _, profile = rng.choices(self.dyads, weights=self.weights)[0]
            if rng.random() < 0.5:
                a, b = b, a
            main = rng.choices(list(profile), weights=list(profile.values()))[0]
            meeting = main in ("CONSULT", "AGREE", "COOPERATE", "SUPPORT")
            types = {main}
            if meeting:
                types |= set(rng.sample(["CONSULT", "AGREE", "COOPERATE", "SUPPORT"], rng.randint(1, 3)))
            day = self.day()
            agreements = []
            if "AGREE" in types:
                for s in rng.sample(SECTORS, rng.choice([1, 1, 2, 3])):
                    agreements.append((rng.choice(TITLES).format(s=s), s))
            n_reports = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
            reports = []
            for r in range(n_reports):
                reports.append(self.report(a, b, day, sorted(types), agreements, r, reports))
            yield reports

    def report(
        self, a: str, b: str, day: date, types: list[str], agreements: list, nth: int, earlier: list
    ) -> Analysis:
        rng = self.rng
        self.doc_no += 1
        if earlier and rng.random() < 0.05:  # a wire copy of an earlier report
            src = earlier[0].document
            doc = Document(
                id=f"syn-{self.doc_no}",
                text=src.text + "\nThis article was republished.",
                title=src.title,
                published=src.published,
                source=rng.choice(OUTLETS),
            )
            return self._analyze(doc, a, b, day, types, agreements, copy=True)
        sa, ta = STATES[a], STATES[b]
        leader_a = rng.choice(sa[2])
        leader_b = rng.choice(ta[2])
        place = rng.choice([sa[1], ta[1]])
        published = day + timedelta(days=rng.choice([0, 1, 1, 2]))
        dated = rng.random() < 0.7
        when = day.strftime("%B %-d") if dated else "this week"
        lines = [f"{sa[0]} and {ta[0]}: {types[0].lower()} news from {place}"]
        named = [t for t, _ in agreements if rng.random() < 0.8] if agreements else []
        what = "an agreement" if len(named) <= 1 else f"{len(named)} agreements"
        if agreements and rng.random() < 0.2:
            what = "a series of agreements"
        for t in rng.sample(types, len(types)):
            lines.append(
                SENTENCE[t].format(
                    S=leader_a if t == "CONSULT" else sa[0],
                    T=leader_b if t == "CONSULT" else ta[0],
                    place=place,
                    what=what,
                    day=when,
                    sector=rng.choice(SECTORS),
                )
            )
        for title in named:
            lines.append(f"The documents include the {title}.")
        for _ in range(rng.randint(3, 7)):
            lines.insert(rng.randint(2, len(lines)), filler(rng))
        lines.append(f'"We will continue to work together," {leader_a} said on {when}.')
        lines.append(f"Officials in {place} gave few details, according to {rng.choice(OUTLETS)} (report {nth}).")
        doc = Document(
            id=f"syn-{self.doc_no}",
            text="\n".join(lines),
            title=lines[0],
            published=published,
            source=rng.choice(OUTLETS),
            url=f"https://news.example/{self.doc_no}",
        )
        return self._analyze(
            doc, a, b, day if dated else None, types, agreements, leaders=(leader_a, leader_b), named=named, what=what
        )

    def _analyze(self, doc, a, b, day, types, agreements, copy=False, leaders=None, named=None, what=""):
        analysis = Analysis(document=doc)
        pos = 0
        for i, line in enumerate(doc.text.split("\n")):
            analysis.sentences.append(Sentence(i, pos, pos + len(line), line))
            pos += len(line) + 1
        actors = {}
        for code in (a, b):
            actors[code] = Actor(id=code, code=code, name=STATES[code][0], kind="state", sector="GOV", country=code)
        people = {}
        for line in analysis.sentences:
            for code in (a, b):
                for person in STATES[code][2]:
                    if person in line.text and person not in people:
                        people[person] = Actor(
                            id=f"person:{person}",
                            code=code,
                            name=person,
                            kind="person",
                            sector="GOV",
                            country=code,
                            person=person,
                            role="head_of_state",
                        )
        analysis.actors = list(actors.values()) + list(people.values())
        for actor in analysis.actors:
            at = doc.text.find(actor.name)
            if at >= 0:
                s = next(x.index for x in analysis.sentences if x.start <= at <= x.end)
                m = Mention(
                    at,
                    at + len(actor.name),
                    actor.name,
                    s,
                    "person" if actor.kind == "person" else "country",
                    actor=actor.id,
                    code=actor.code,
                )
                actor.mentions.append(m)
                analysis.mentions.append(m)
        for t in types:
            line = next((x for x in analysis.sentences[1:] if _matches(t, x.text)), analysis.sentences[0])
            src = people.get(leaders[0]) if leaders and t == "CONSULT" and leaders[0] in people else actors[a]
            tgt = people.get(leaders[1]) if leaders and t == "CONSULT" and leaders[1] in people else actors[b]
            analysis.events.append(Event(
                t, CAMEO[t], ActorRef(src.code, src.name, src.sector, src.id), ActorRef(tgt.code, tgt.name, tgt.sector, tgt.id),
                date=day or doc.published, date_source="text" if day else "published", confidence=0.7,
                evidence=[Evidence(line.index, line.start, line.end, line.text)], trigger=t.lower(),
            ))  # fmt: skip
        for line in analysis.sentences:
            for title, sector in agreements:
                if title in line.text:
                    analysis.agreements.append(Agreement(
                        title, sorted({a, b}), "signed", "signed", day or doc.published, [sector], None, True, "",
                        [Evidence(line.index, line.start, line.end, line.text)],
                    ))  # fmt: skip
            if what and ("a series of agreements" in line.text or ("agreements" in what and "signed" in line.text)):
                count = int(what.split()[0]) if what.split()[0].isdigit() else None
                analysis.agreements.append(Agreement(
                    what, sorted({a, b}), "signed", "signed", day or doc.published, [], count, False, "",
                    [Evidence(line.index, line.start, line.end, line.text)],
                ))  # fmt: skip
            if line.text.startswith('"') and leaders and leaders[0] in people:
                p = people[leaders[0]]
                analysis.quotes.append(
                    Quote(
                        "We will continue to work together,",
                        ActorRef(p.code, p.name, p.sector, p.id),
                        p.person,
                        "said",
                        Evidence(line.index, line.start + 1, line.start + 35, line.text[1:35]),
                    )
                )
        return analysis


_KEYS = {t: SENTENCE[t].split("{T}")[0].split("{S}")[-1].strip().split()[0:2] for t in SENTENCE}


def _matches(t: str, text: str) -> bool:
    words = _KEYS[t]
    return all(w in text for w in words if not w.startswith("{"))


def generate(target_events: int, seed: int = 7) -> Iterator[Analysis]:
    world = World(seed)
    events = 0
    for reports in world.happenings():
        for analysis in reports:
            yield analysis
            events += len(analysis.events)
        if events >= target_events:
            return
