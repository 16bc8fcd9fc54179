"""Write a synthetic hthc workspace of N recommendations and N positions.

python benchmarks/generate.py N OUTDIR [--single-source] [--stamped] [--seed S]

The text is recombined from a small bilingual (da/en) vocabulary of health-policy sentences,
so that the files look and weigh like a policy team's: about 1 KB per recommendation and
2 KB per position. Recommendations are grouped in sources of 50-200 items, one file each;
positions are spread over files of 25-50 items; every source has a response. The output is
deterministic for a given N and seed, and checks clean under `hthc check`; a single source too
large for one file hthc reads (over about 15,000 recommendations) is refused. `--stamped`
then stamps every position as `hthc approve` does (without the copy of the texts that a
workspace outside git keeps), so that check verifies 10,000 fingerprints.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Pair = tuple[str, str]

LANGS = ("da", "en")
DEFAULT_SEED = 2024
HTHC_MAX_FILE_BYTES = 16 * 1024 * 1024
"""The largest file hthc reads (hthc_cli.workspace.source.MAX_FILE_BYTES; a test keeps the
two equal). One source is one file: about 10.6 MB at 10,000 recommendations."""

TOPICS: tuple[Pair, ...] = (
    ("deling af sundhedsdata", "sharing of health data"),
    ("en fælles digital infrastruktur", "a common digital infrastructure"),
    ("telemedicin i det nære sundhedsvæsen", "telemedicine in local health care"),
    ("kunstig intelligens i diagnostik", "artificial intelligence in diagnostics"),
    ("borgerens adgang til egne data", "citizens' access to their own data"),
    ("sammenhængende patientforløb", "coherent patient pathways"),
    ("datasikkerhed og privatliv", "data security and privacy"),
    ("interoperabilitet mellem it-systemer", "interoperability between IT systems"),
    ("det fælles medicinkort", "the shared medication record"),
    ("hjemmemonitorering af kronisk syge", "home monitoring of people with chronic illness"),
    ("forskning i sundhedsdata", "research on health data"),
    ("digitale kompetencer hos personalet", "digital skills among staff"),
    (
        "offentlig-privat samarbejde om sundhedsteknologi",
        "public-private collaboration on health technology",
    ),
    ("udbredelse af velafprøvede løsninger", "the spread of proven solutions"),
    ("fælles standarder for sundhedsdata", "common standards for health data"),
    ("det europæiske sundhedsdataområde", "the European Health Data Space"),
    (
        "samarbejdet mellem almen praksis og kommunerne",
        "cooperation between general practice and the municipalities",
    ),
    ("forebyggelse og tidlig opsporing", "prevention and early detection"),
    ("styring og finansiering af digitalisering", "governance and funding of digitalisation"),
    ("indkøb af sundheds-it", "procurement of health IT"),
)

REC_TITLES: tuple[Pair, ...] = (
    ("Styrket indsats for {t}", "A stronger effort on {t}"),
    ("Nationale rammer for {t}", "National frameworks for {t}"),
    ("Klare ansvarsforhold for {t}", "Clear responsibilities for {t}"),
    ("Fælles mål for {t}", "Common goals for {t}"),
    ("En national plan for {t}", "A national plan for {t}"),
    ("Bindende samarbejde om {t}", "Binding cooperation on {t}"),
)

REC_SENTENCES: tuple[Pair, ...] = (
    (
        "Kommissionen anbefaler, at der fastsættes nationale mål for {t}.",
        "The commission recommends that national goals be set for {t}.",
    ),
    (
        "Ansvaret for {t} bør placeres ét sted, så beslutninger kan træffes hurtigt.",
        "Responsibility for {t} should be placed in one body so that decisions can be made "
        "quickly.",
    ),
    (
        "Regioner og kommuner skal forpligtes til at samarbejde om {t}.",
        "Regions and municipalities should be obliged to cooperate on {t}.",
    ),
    (
        "Indsatsen skal gælde, uanset hvilken styringsmodel der vælges.",
        "The effort should apply whichever governance model is chosen.",
    ),
    (
        "Borgerne skal opleve et sammenhængende sundhedsvæsen på tværs af sektorer.",
        "Citizens should experience a coherent health system across sectors.",
    ),
    (
        "Løsninger, der virker ét sted, skal kunne udbredes til hele landet.",
        "Solutions that work in one place should be able to spread to the whole country.",
    ),
    (
        "Det skal være lettere for personalet at finde de oplysninger, de har brug for.",
        "It should be easier for staff to find the information they need.",
    ),
    (
        "Finansieringen skal understøtte drift og genbrug frem for nye enkeltprojekter.",
        "Funding should support operation and reuse rather than new one-off projects.",
    ),
    (
        "Der skal udarbejdes en fælles national strategi for digitalisering og data.",
        "A joint national strategy for digitalisation and data should be drawn up.",
    ),
    (
        "Små kommuner og sygehuse skal have den hjælp, de har brug for.",
        "Small municipalities and hospitals should get the help they need.",
    ),
    (
        "Anbefalingen bygger på kommissionens analyse af de nuværende barrierer.",
        "The recommendation builds on the commission's analysis of the current barriers.",
    ),
    (
        "Data skal kunne deles sikkert mellem sygehuse, kommuner og almen praksis.",
        "Data should be shared securely between hospitals, municipalities and general practice.",
    ),
)

ARG_SENTENCES: tuple[Pair, ...] = (
    (
        "Vi støtter den retning, kommissionen peger på, når det gælder {t}.",
        "We support the direction the commission sets out for {t}.",
    ),
    (
        "Værdien af digitalisering skabes hos borgerne og personalet, ikke i store "
        "it-organisationer.",
        "The value of digitalisation is created among citizens and staff, not in large IT "
        "organisations.",
    ),
    (
        "Det er dog afgørende, at ændringerne bygges ind i sundhedsvæsenets struktur.",
        "It is crucial, however, that the changes are built into the structure of the health "
        "system.",
    ),
    (
        "Forskellige arbejdsgange og dokumentationspraksis er i dag en væsentlig barriere.",
        "Different workflows and documentation practices are a major barrier today.",
    ),
    (
        "Erfaringerne viser, at nye strategier alene ikke skaber sammenhæng.",
        "Experience shows that new strategies alone do not create coherence.",
    ),
    (
        "Finansiering og incitamenter belønner i dag nyudvikling frem for genbrug af det, der "
        "virker.",
        "Funding and incentives today reward new development over reusing what works.",
    ),
    (
        "En koncernstruktur med fælles ledelse og selvstændige enheder er den gyldne middelvej.",
        "A group structure with common leadership and independent units is the golden middle way.",
    ),
    (
        "Uden klare rammer risikerer vi en kolos på lerfødder.",
        "Without clear frameworks we risk a colossus with feet of clay.",
    ),
    (
        "Personalet er under pres, og digitale løsninger skal lette deres arbejde.",
        "Staff are under pressure, and digital solutions must make their work easier.",
    ),
    (
        "Borgerne forventer, at deres oplysninger følger dem gennem hele forløbet.",
        "Citizens expect their information to follow them through the whole pathway.",
    ),
    (
        "Vores medlemmer oplever, at det tager for lang tid at få nye løsninger i brug.",
        "Our members find that it takes too long to put new solutions into use.",
    ),
    (
        "Et nationalt beslutningsorgan kan sikre en fælles retning for {t}.",
        "A national decision-making body can ensure a common direction for {t}.",
    ),
)

BULLETS: tuple[Pair, ...] = (
    ("fælles standarder for data og snitflader", "common standards for data and interfaces"),
    (
        "klare ansvarsforhold mellem stat, regioner og kommuner",
        "clear responsibilities between state, regions and municipalities",
    ),
    ("finansiering, der følger løsninger i drift", "funding that follows solutions in operation"),
    (
        "inddragelse af borgere og personale fra starten",
        "involvement of citizens and staff from the start",
    ),
    ("målbare mål, der følges op hvert år", "measurable goals followed up every year"),
    ("støtte til små kommuner og sygehuse", "support for small municipalities and hospitals"),
    (
        "åbne grænseflader, så virksomheder kan bidrage",
        "open interfaces so that companies can contribute",
    ),
    ("uddannelse i digitale arbejdsgange", "training in digital workflows"),
    ("sikker adgang til data for forskning", "secure access to data for research"),
    ("genbrug af løsninger, der allerede virker", "reuse of solutions that already work"),
)

STEPS: tuple[Pair, ...] = (
    ("Kortlæg de løsninger, der allerede er i drift.", "Map the solutions already in operation."),
    (
        "Fastlæg fælles krav til data og sikkerhed.",
        "Set common requirements for data and security.",
    ),
    ("Udpeg én ansvarlig myndighed.", "Appoint one responsible authority."),
    ("Afsæt midler til udbredelse og drift.", "Set aside funds for roll-out and operation."),
    ("Følg op på effekten efter to år.", "Follow up on the effect after two years."),
    (
        "Inddrag patientforeninger og faglige selskaber.",
        "Involve patient organisations and professional societies.",
    ),
    ("Afprøv løsningen i tre regioner først.", "Try the solution in three regions first."),
    ("Gør samarbejdet bindende i lovgivningen.", "Make the cooperation binding in law."),
)

SUMMARIES: tuple[Pair, ...] = (
    (
        "Vi støtter anbefalingen om {t}, men den skal bygges ind i strukturen.",
        "We support the recommendation on {t}, but it must be built into the structure.",
    ),
    (
        "Vi foreslår en fælles national retning for {t} med decentral udførelse.",
        "We propose a common national direction for {t} with local delivery.",
    ),
    (
        "Anbefalingen om {t} er rigtig, men kræver finansiering til drift.",
        "The recommendation on {t} is right, but it needs funding for operation.",
    ),
    (
        "Vi er uenige i, at {t} kan løses med endnu en strategi alene.",
        "We disagree that {t} can be solved by yet another strategy alone.",
    ),
    (
        "Små kommuner skal have hjælp, hvis {t} skal lykkes.",
        "Small municipalities need help if {t} is to succeed.",
    ),
)

POS_TITLES: tuple[Pair, ...] = (
    ("Ja til {t}, med klare rammer", "Yes to {t}, with clear frameworks"),
    ("Byg {t} ind i strukturen", "Build {t} into the structure"),
    ("Finansiering af {t}", "Funding for {t}"),
    ("Én retning for {t}", "One direction for {t}"),
    ("Hjælp til små aktører om {t}", "Help for small actors on {t}"),
    ("Genbrug frem for nyudvikling i {t}", "Reuse rather than new development in {t}"),
)

PROPOSALS: tuple[Pair, ...] = (
    (
        "Indfør bindende standarder for {t} senest om to år.",
        "Introduce binding standards for {t} within two years.",
    ),
    (
        "Giv det nationale beslutningsorgan ansvar for {t}.",
        "Give the national decision-making body responsibility for {t}.",
    ),
    (
        "Afsæt en fast pulje til drift af løsninger inden for {t}.",
        "Set aside a fixed budget for operating solutions in {t}.",
    ),
    (
        "Opret et telemedicinsk center i hver region.",
        "Set up a telemedicine centre in each region.",
    ),
    (
        "Gør teknologipartnerskaber mellem kommuner obligatoriske.",
        "Make technology partnerships between municipalities mandatory.",
    ),
    (
        "Lad virksomheder og forskere få sikker adgang til data om {t}.",
        "Give companies and researchers secure access to data on {t}.",
    ),
)

TABLE_HEAD: Pair = ("| Område | I dag | Med forslaget |", "| Area | Today | With the proposal |")
TABLE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("Regioner", "Regions", "{a} systemer", "{a} systems"),
    ("Kommuner", "Municipalities", "{a} løsninger", "{a} solutions"),
    ("Almen praksis", "General practice", "{a} platforme", "{a} platforms"),
    ("Sygehuse", "Hospitals", "{a} journaler", "{a} records"),
    ("Borgere", "Citizens", "{a} apps", "{a} apps"),
)

LEADS: tuple[tuple[Pair, Pair], ...] = (
    (
        ("Det kræver især:", "In particular, this requires:"),
        ("Vi foreslår følgende rækkefølge:", "We propose the following order:"),
    ),
    (
        ("Vi lægger vægt på:", "We emphasise:"),
        ("Konkret bør ministeriet:", "In concrete terms, the ministry should:"),
    ),
    (
        ("Forudsætningerne er:", "The preconditions are:"),
        ("Arbejdet kan tilrettelægges sådan:", "The work can be organised as follows:"),
    ),
)

CROSS_REFS: tuple[Pair, ...] = (
    ("Se også vores bemærkning til [[{id}]].", "See also our remark on [[{id}]]."),
    ("Forslaget hænger sammen med [[{id}]].", "The proposal is linked to [[{id}]]."),
    ("Det gælder også for [[{id}]].", "This also applies to [[{id}]]."),
)

PUBLISHERS: tuple[tuple[str, str, Pair], ...] = (
    (
        "SSK",
        "Sundhedsstrukturkommissionen",
        ("Sundhedsvæsenets struktur", "The structure of the health system"),
    ),
    (
        "EDS",
        "Ekspertudvalget om digital sundhed",
        ("Digital sundhed på tværs", "Digital health across sectors"),
    ),
    (
        "ISM",
        "Indenrigs- og Sundhedsministeriet",
        ("Udkast til national strategi for data", "Draft national strategy for data"),
    ),
    (
        "UNS",
        "Udvalget om det nære sundhedsvæsen",
        ("Et stærkere nært sundhedsvæsen", "A stronger local health system"),
    ),
    ("RST", "Rådet for sundhedsteknologi", ("Teknologi i drift", "Technology in operation")),
)

REFERENCES: tuple[tuple[str, str, str, int], ...] = (
    ("bedre-digital-sundhed", "Bedre Digital Sundhed", "Tænketank for digital sundhed", 2023),
    (
        "barrierer-datadeling",
        "Barrierer for datadeling i sundhedsvæsenet",
        "Analyseinstitut for sundhed",
        2022,
    ),
    (
        "telemedicin-evaluering",
        "Evaluering af telemedicinske forløb",
        "Regionernes analyseenhed",
        2021,
    ),
    (
        "ehds-overblik",
        "Det europæiske sundhedsdataområde: et overblik",
        "Center for sundhedsret",
        2024,
    ),
    (
        "kompetencer-personale",
        "Digitale kompetencer i sundhedsvæsenet",
        "Sundhedsfagligt råd",
        2023,
    ),
    ("genbrug-loesninger", "Genbrug af velafprøvede løsninger", "Netværk for sundheds-it", 2022),
    (
        "styring-digitalisering",
        "Styring af digitalisering i den offentlige sektor",
        "Institut for offentlig styring",
        2020,
    ),
    (
        "patientforloeb-data",
        "Data i sammenhængende patientforløb",
        "Forskningscenter for forløb",
        2024,
    ),
)

OWNERS = ("Mette Lund", "Jonas Holm", "Sara Nielsen", "Ali Hassan", "Karen Bech", "Peter Dahl")
STANCES = ("support", "support-with-reservations", "oppose", "neutral", "new-proposal")
STANCE_WEIGHTS = (35, 30, 12, 11, 12)
GENERAL_STANCES = ("support", "support-with-reservations", "neutral")

INTRO: Pair = (
    "{org} takker for muligheden for at afgive høringssvar til {title}.\n\n"
    "Vi har med stor interesse læst anbefalingerne og bidrager gerne med vores medlemmers "
    "erfaringer.\n",
    "{org} thanks you for the opportunity to respond to {title}.\n\n"
    "We have read the recommendations with great interest and are glad to contribute our "
    "members' experience.\n",
)
CLOSING: Pair = (
    "Vi står gerne til rådighed for en uddybning af vores bemærkninger.\n",
    "We are happy to elaborate on our remarks.\n",
)

ORG_NAME = "Sundhedsinnovation Danmark"
ORG_SHORT = "SID"
ORG_WEB = "https://www.sundhedsinnovation.example"


@dataclass
class Source:
    """One document under consultation and the items generated for it."""

    index: int
    id: str
    publisher: str
    title: Pair
    rec_ids: list[str] = field(default_factory=list)
    general_ids: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Builds YAML text line by line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def text(self, indent: int, key: str, value: Pair, *, block: bool = False) -> None:
        """A text field as a mapping language -> string; `block` writes Markdown as `|`."""
        self.line(indent, key + ":")
        indent += 2
        for lang, val in zip(LANGS, value, strict=True):
            if block:
                self.line(indent, f"{lang}: |")
                for ln in val.rstrip("\n").split("\n"):
                    self.lines.append(" " * (indent + 2) + ln if ln else "")
            else:
                self.line(indent, f"{lang}: {q(val)}")

    def list_text(self, indent: int, value: Pair) -> None:
        """A list item that is a text mapping."""
        self.line(indent, f"- {LANGS[0]}: {q(value[0])}")
        self.line(indent + 2, f"{LANGS[1]}: {q(value[1])}")

    def dump(self) -> str:
        return "\n".join(self.lines) + "\n"


class Generator:
    def __init__(self, n: int, seed: int, single_source: bool) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.single_source = single_source
        self.sources: list[Source] = []

    def fill(self, pair: Pair, topic: Pair, **extra: str) -> Pair:
        return (pair[0].format(t=topic[0], **extra), pair[1].format(t=topic[1], **extra))

    def pick(self, items: Sequence[Pair], k: int, topic: Pair) -> list[Pair]:
        return [self.fill(p, topic) for p in self.rng.sample(list(items), k)]

    def join(self, sentences: list[Pair]) -> Pair:
        return (" ".join(s[0] for s in sentences), " ".join(s[1] for s in sentences))

    def source_sizes(self) -> list[int]:
        if self.single_source or self.n <= 200:
            return [self.n]
        sizes: list[int] = []
        left = self.n
        while left > 200:
            size = self.rng.randint(50, 200)
            if left - size < 50:
                size = left - 50
            sizes.append(size)
            left -= size
        sizes.append(left)
        return sizes

    def build_sources(self) -> None:
        for k, size in enumerate(self.source_sizes(), start=1):
            abbr, publisher, title = PUBLISHERS[(k - 1) % len(PUBLISHERS)]
            sid = f"{abbr}-2098-{k:03d}"
            numbered = (f"{title[0]} ({k})", f"{title[1]} ({k})")
            src = Source(k, sid, publisher, numbered)
            src.rec_ids = [f"{sid}-R{i:03d}" for i in range(1, size + 1)]
            self.sources.append(src)

    def recommendation(self, w: Writer, src: Source, i: int, rid: str) -> None:
        topic = self.rng.choice(TOPICS)
        title = self.fill(self.rng.choice(REC_TITLES), topic)
        title = (cap(title[0]), cap(title[1]))
        first = self.join(self.pick(REC_SENTENCES, 3, topic))
        second = self.join(self.pick(REC_SENTENCES, 1, topic))
        text = (f"{first[0]}\n\n{second[0]}\n", f"{first[1]}\n\n{second[1]}\n")
        w.line(2, f"- id: {rid}")
        w.text(4, "label", (f"Anbefaling {i}", f"Recommendation {i}"))
        w.text(4, "title", title)
        w.text(4, "text", text, block=True)
        w.line(4, "wording: paraphrase")
        w.line(4, f"url: https://www.kommission.example/rapporter/{src.id.lower()}#anbefaling-{i}")

    def recommendations_file(self, src: Source) -> str:
        w = Writer()
        month = 1 + (src.index - 1) % 6
        w.line(0, "source:")
        w.line(2, f"id: {src.id}")
        w.text(2, "title", src.title)
        w.line(2, f"publisher: {q(src.publisher)}")
        w.line(2, f"published: 2098-{month:02d}-15")
        w.line(2, f"url: https://www.kommission.example/rapporter/{src.id.lower()}")
        w.line(0, "recommendations:")
        for i, rid in enumerate(src.rec_ids, start=1):
            self.recommendation(w, src, i, rid)
        return w.dump()

    def argument(self, topic: Pair, cite: str, ref_id: str) -> Pair:
        rng = self.rng
        para1 = self.join(self.pick(ARG_SENTENCES, 2, topic))
        para2 = self.join(self.pick(ARG_SENTENCES, 1, topic)) if rng.random() < 0.4 else None
        (bullet_lead, step_lead) = rng.choice(LEADS)
        bullets = self.pick(BULLETS, rng.randint(2, 3), topic)
        steps = self.pick(STEPS, 2, topic)
        rows = [(row, rng.randint(4, 12), rng.randint(2, 3)) for row in rng.sample(TABLE_ROWS, 2)]
        xref = self.fill(rng.choice(CROSS_REFS), topic, id=ref_id)
        out: list[str] = []
        for li in range(2):
            parts = [f"{para1[li]} [@{cite}]", ""]
            if para2 is not None:
                parts += [para2[li], ""]
            parts += [bullet_lead[li], ""]
            parts += [f"- {b[li]}" for b in bullets]
            parts += ["", step_lead[li], ""]
            parts += [f"{n}. {s[li]}" for n, s in enumerate(steps, start=1)]
            parts += ["", TABLE_HEAD[li], "| --- | ---: | ---: |"]
            for row, before, after in rows:
                cell = row[2 + li]
                parts.append(f"| {row[li]} | {cell.format(a=before)} | {cell.format(a=after)} |")
            parts += ["", xref[li]]
            out.append("\n".join(parts) + "\n")
        return (out[0], out[1])

    def position(self, w: Writer, pid: str, stance: str, addresses: list[str], ref_id: str) -> None:
        rng = self.rng
        topic = rng.choice(TOPICS)
        title = self.fill(rng.choice(POS_TITLES), topic)
        title = (cap(title[0]), cap(title[1]))
        summary = self.fill(rng.choice(SUMMARIES), topic)
        cite = rng.choice(REFERENCES)[0]
        w.line(2, f"- id: {pid}")
        w.text(4, "title", title)
        w.line(4, f"stance: {stance}")
        if addresses:
            w.line(4, "addresses: [" + ", ".join(addresses) + "]")
        else:
            w.line(4, "addresses: []")
        w.text(4, "summary", summary)
        w.text(4, "argument", self.argument(topic, cite, ref_id), block=True)
        w.line(4, "proposals:")
        for p in self.pick(PROPOSALS, rng.randint(1, 2), topic):
            w.list_text(6, p)
        w.line(4, "status: approved")
        w.line(4, f"owner: {q(rng.choice(OWNERS))}")

    def positions_of(self, src: Source) -> Iterator[tuple[Writer, int]]:
        """Write every position of a source; yield each finished file."""
        rng = self.rng
        recs = src.rec_ids
        m = len(recs)
        n_general = min(3, max(1, m // 10))
        n_specific = m - n_general
        doubles = set(rng.sample(range(n_specific), m - n_specific))
        plan: list[tuple[str, list[str]]] = []
        for g in range(1, n_general + 1):
            plan.append((f"POS-{src.index:03d}-G{g:02d}", []))
        r = 0
        for j in range(n_specific):
            take = 2 if j in doubles else 1
            plan.append((f"POS-{src.index:03d}-{j + 1:03d}", recs[r : r + take]))
            r += take
        src.general_ids = [pid for pid, addr in plan if not addr]
        src.positions = [pid for pid, _ in plan]
        chunk_no = 0
        at = 0
        while at < len(plan):
            size = rng.randint(25, 50)
            if len(plan) - (at + size) < 25:
                size = len(plan) - at
            chunk_no += 1
            w = Writer()
            w.line(0, "positions:")
            for pid, addresses in plan[at : at + size]:
                if addresses:
                    stance = rng.choices(STANCES, STANCE_WEIGHTS)[0]
                    ref_id = rng.choice(recs)
                else:
                    stance = rng.choice(GENERAL_STANCES)
                    ref_id = rng.choice(src.positions)
                self.position(w, pid, stance, addresses, ref_id)
            at += size
            yield w, chunk_no

    def response_file(self, src: Source) -> str:
        w = Writer()
        w.line(0, f"id: HS-{src.id}")
        w.line(0, f"source: {src.id}")
        title = (f"Høringssvar: {src.title[0]}", f"Consultation response: {src.title[1]}")
        w.text(0, "title", title)
        w.line(0, "hearing:")
        w.text(
            2,
            "authority",
            ("Indenrigs- og Sundhedsministeriet", "Ministry of the Interior and Health"),
        )
        w.line(2, f"case_number: {q(f'2098-{1000 + src.index}')}")
        w.line(2, "deadline: 2099-01-01")
        w.line(2, f"url: https://hoeringsportalen.example/hearing/{src.index}")
        w.line(0, "date: 2098-12-01")
        intro = (
            INTRO[0].format(org=ORG_NAME, title=src.title[0].lower()),
            INTRO[1].format(org=ORG_NAME, title=src.title[1].lower()),
        )
        w.text(0, "introduction", intro, block=True)
        w.line(0, "general: [" + ", ".join(src.general_ids) + "]")
        w.text(0, "closing", CLOSING, block=True)
        w.line(0, "signatory:")
        w.line(2, f"name: {q('Hanne Winther')}")
        w.text(2, "role", ("Direktør", "Director"))
        w.line(0, "contact:")
        w.line(2, f"name: {q('Jonas Holm')}")
        w.line(2, "email: jonas.holm@sundhedsinnovation.example")
        w.line(2, f"phone: {q('+45 33 12 34 56')}")
        return w.dump()

    def references_file(self) -> str:
        w = Writer()
        w.line(0, "references:")
        for key, title, author, year in REFERENCES:
            w.line(2, f"- key: {key}")
            w.line(4, f"title: {q(title)}")
            w.line(4, f"author: {q(author)}")
            w.line(4, f"year: {year}")
            w.line(4, f"url: https://publikationer.example/{key}")
        return w.dump()

    def config_file(self) -> str:
        w = Writer()
        w.line(0, "organisation:")
        w.line(2, f"name: {q(ORG_NAME)}")
        w.line(2, f"short_name: {ORG_SHORT}")
        w.line(2, f"website: {ORG_WEB}")
        w.line(0, "languages: [da, en]")
        return w.dump()

    def write(self, out: Path) -> None:
        self.build_sources()
        for sub in ("recommendations", "positions", "responses"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        write_text(out / "hthc.yaml", self.config_file())
        write_text(out / "references.yaml", self.references_file())
        for src in self.sources:
            slug = src.id.lower()
            text = self.recommendations_file(src)
            size = len(text.encode("utf-8"))
            if size > HTHC_MAX_FILE_BYTES:
                raise ValueError(
                    f"one source of {len(src.rec_ids)} recommendations is {size:,} bytes, over "
                    f"hthc's limit of {HTHC_MAX_FILE_BYTES:,} bytes: use fewer or several sources"
                )
            write_text(out / "recommendations" / f"{slug}.yaml", text)
            for w, chunk in self.positions_of(src):
                write_text(out / "positions" / f"{slug}-{chunk:02d}.yaml", w.dump())
            write_text(out / "responses" / f"hs-{slug}.yaml", self.response_file(src))


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(n: int, out: Path, *, seed: int = DEFAULT_SEED, single_source: bool = False,
             stamped: bool = False) -> None:
    """Write a workspace of `n` recommendations and `n` positions into `out`.

    `out` is emptied first if it holds a workspace (an `hthc.yaml`); `single_source` puts every
    recommendation in one source, so that one response covers all positions; `stamped`
    approves every position with `hthc approve`'s own code.
    """
    if n < 10:
        raise ValueError("n must be at least 10")
    out = Path(out)
    if (out / "hthc.yaml").exists():
        shutil.rmtree(out)
    elif out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty and is not a workspace")
    out.mkdir(parents=True, exist_ok=True)
    Generator(n, seed, single_source).write(out)
    if stamped:
        stamp_all(out)


def stamp_all(out: Path) -> None:
    """Approve every position of the workspace at `out`, as `hthc approve` would."""
    from datetime import date

    from hthc_cli.workspace.approve import approve
    from hthc_cli.workspace.loader import load_workspace

    ws = load_workspace(out).workspace
    approve(ws, list(ws.positions), "Hanne Winther", date(2098, 12, 1), keep_texts=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of recommendations and of positions")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--single-source", action="store_true", help="one source, hence one response, for all"
    )
    parser.add_argument(
        "--stamped", action="store_true", help="stamp every position as hthc approve does"
    )
    args = parser.parse_args(argv)
    try:
        generate(args.n, args.outdir, seed=args.seed, single_source=args.single_source,
                 stamped=args.stamped)
    except ValueError as exc:
        parser.error(str(exc))
    files = sorted(args.outdir.rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files, {size / 1024:.0f} KiB, into {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
