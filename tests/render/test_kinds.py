"""What is under consultation decides the document's words: a bill has provisions, an EU
proposal articles, a report recommendations.

Each test writes a small workspace whose own texts use no word of any kind's vocabulary,
sets the source's `kind`, renders it as `hthc render` does and reads the document back.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from hthc_cli.base.diagnostics import Severity
from hthc_cli.base.labels import KINDS
from hthc_cli.check.checker import check_workspace
from hthc_cli.check.rules import CheckOptions
from hthc_cli.render.pipeline import plan, render_bytes

BASE = Path(__file__).resolve().parents[1] / "check" / "fixtures" / "base"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SOURCE = """\
source:
  id: SRC
  title:
    da: Udkast om sundhedsdata
    en: Draft on health data
  publisher:
    da: Sundhedsministeriet
    en: Ministry of Health
  published: 2024-06-11
  kind: {kind}
recommendations:
  - id: SRC-1
    label: {label_1}
    title:
      da: Adgang til egne data
      en: Access to one's own data
    text:
      da: Borgere får adgang til egne data.
      en: Citizens get access to their own data.
    wording: paraphrase
  - id: SRC-2
    label: {label_2}
    title:
      da: Fælles standarder
      en: Common standards
    text:
      da: Systemerne følger fælles standarder.
      en: The systems follow common standards.
    wording: verbatim
"""
POSITIONS = """\
positions:
  - id: P-ACCESS
    title:
      da: Adgang for alle
      en: Access for everyone
    stance: support
    addresses: [SRC-1]
    summary:
      da: Vi støtter adgangen.
      en: We support the access.
    argument:
      da: Adgangen skal også virke uden digitale værktøjer.
      en: The access must also work without digital tools.
    status: approved
  - id: P-STANDARDS
    title:
      da: Åbne standarder
      en: Open standards
    stance: support-with-reservations
    addresses: [SRC-2]
    summary:
      da: Standarderne skal være åbne.
      en: The standards must be open.
    argument:
      da: Lukkede standarder binder regionerne til én leverandør; se [[P-ACCESS]].
      en: Closed standards tie the regions to one supplier; see [[P-ACCESS]].
    proposals:
      - da: Krav om åbne standarder.
        en: A requirement of open standards.
    status: approved
  - id: P-CENTRES
    title:
      da: Lokale centre
      en: Local centres
    stance: new-proposal
    addresses: []
    summary:
      da: Vi foreslår lokale centre.
      en: We propose local centres.
    argument:
      da: Lokale centre hjælper borgerne.
      en: Local centres help the citizens.
    status: approved
"""
RESPONSE = """\
id: R-1
source: SRC
title:
  da: Svar om sundhedsdata
  en: Reply on health data
hearing:
  authority:
    da: Sundhedsministeriet
    en: Ministry of Health
  deadline: 2099-08-06
date: 2099-08-01
introduction:
  da: Tak for muligheden for at svare.
  en: Thank you for the opportunity to reply.
general: [P-CENTRES]
closing:
  da: Vi uddyber gerne.
  en: We are glad to elaborate.
signatory:
  name: Jannik Zeuthen
  role:
    da: Politisk chef
    en: Head of Policy
contact:
  name: Jannik Zeuthen
  email: jz@example.org
"""

LABELS_OF_KIND = {
    "report": ('"1"', '"2"'),
    "bill": ('"§ 1"', '"§ 2, stk. 3"'),
    "regulation": ('"§ 4"', '"§ 5"'),
    "eu-proposal": ("{da: Artikel 5, en: Article 5}", "{da: Artikel 6, en: Article 6}"),
    "strategy": ('"2.1"', '"2.2"'),
    "other": ("A", "B"),
}
"""The labels of the source's two items, as a team would write them for each kind."""

HEADINGS = {
    ("report", "da"): ("Bemærkninger til de enkelte anbefalinger",
                       "Bilag: SF's holdning til kommissionens anbefalinger", "Anbefaling"),
    ("report", "en"): ("Remarks on the individual recommendations",
                       "Annex: SF's stance on the commission's recommendations",
                       "Recommendation"),
    ("bill", "da"): ("Bemærkninger til lovforslagets bestemmelser",
                     "Bilag: SF's holdning til lovforslagets bestemmelser", "Bestemmelse"),
    ("bill", "en"): ("Remarks on the bill's provisions",
                     "Annex: SF's stance on the bill's provisions", "Provision"),
    ("regulation", "da"): ("Bemærkninger til bekendtgørelsens bestemmelser",
                           "Bilag: SF's holdning til bekendtgørelsens bestemmelser",
                           "Bestemmelse"),
    ("regulation", "en"): ("Remarks on the regulation's provisions",
                           "Annex: SF's stance on the regulation's provisions", "Provision"),
    ("eu-proposal", "da"): ("Bemærkninger til forslagets artikler",
                            "Bilag: SF's holdning til forslagets artikler", "Artikel"),
    ("eu-proposal", "en"): ("Remarks on the proposal's articles",
                            "Annex: SF's stance on the proposal's articles", "Article"),
    ("strategy", "da"): ("Bemærkninger til strategiens initiativer",
                         "Bilag: SF's holdning til strategiens initiativer", "Initiativ"),
    ("strategy", "en"): ("Remarks on the strategy's initiatives",
                         "Annex: SF's stance on the strategy's initiatives", "Initiative"),
    ("other", "da"): ("Bemærkninger til høringsmaterialets punkter",
                      "Bilag: SF's holdning til høringsmaterialets punkter", "Punkt"),
    ("other", "en"): ("Remarks on the points of the consultation material",
                      "Annex: SF's stance on the points of the consultation material", "Point"),
}
"""The specific remarks' heading, the annex title and the annex table's first column."""

VOCABULARY = {
    "report": r"anbefaling|kommission|recommendation|commission",
    "bill": r"lovforslag|\bbill\b",
    "regulation": r"bekendtgørelse|\bregulation",
    "eu-proposal": r"artik|\barticle",
    "strategy": r"strategi|initiativ|initiative",
    "other": r"høringsmateriale|\bpunkt|consultation material",
}
"""Words only a document about that kind says."""
SHARED = {"bill": {"regulation"}, "regulation": {"bill"}}
"""Kinds whose words the vocabularies above leave apart though they share some
('bestemmelse', 'provision')."""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(BASE / "hthc.yaml", root / "hthc.yaml")
    for folder, text in (("positions", POSITIONS), ("responses", RESPONSE)):
        (root / folder).mkdir()
        (root / folder / "p.yaml").write_text(text, encoding="utf-8")
    (root / "recommendations").mkdir()
    return root


def with_kind(root: Path, kind: str) -> Path:
    label_1, label_2 = LABELS_OF_KIND[kind]
    (root / "recommendations" / "src.yaml").write_text(
        SOURCE.format(kind=kind, label_1=label_1, label_2=label_2), encoding="utf-8"
    )
    return root


def render(root: Path, language: str, fmt: str = "docx") -> bytes:
    result = check_workspace(root, CheckOptions())
    problems = [f"{d.location}: {d.code} {d.message}" for d in result.diagnostics
                if d.severity != Severity.INFO]
    assert problems == []
    (job,) = plan(result.workspace, "R-1", language, fmt, None, None).jobs
    return render_bytes(result.workspace, job, fmt)


def paragraphs(docx: bytes) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the document body, in order."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def every_text(docx: bytes) -> str:
    """All the words of the package: body, headers, footers, notes and core properties."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = [n for n in package.namelist() if n.endswith(".xml") and (
            n.startswith(("word/document", "word/header", "word/footer", "word/footnotes"))
            or (n.startswith("docProps/") and n != "docProps/custom.xml"))]
        # custom.xml is the document's map: file paths and hashes, not words of the text
        words = []
        for name in parts:
            root = etree.fromstring(package.read(name))
            words += [t for t in root.itertext() if t.strip()]
    return " ".join(words)


def foreign_words(text: str, kind: str) -> list[str]:
    """Words of other kinds' vocabularies in `text`."""
    found = []
    for other, pattern in VOCABULARY.items():
        if other == kind or other in SHARED.get(kind, ()):
            continue
        found += [m.group(0) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return found


CASES = [(kind, language) for kind in KINDS for language in ("da", "en")]


@pytest.mark.parametrize(("kind", "language"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_each_kind_has_its_own_headings(workspace: Path, kind: str, language: str) -> None:
    docx = render(with_kind(workspace, kind), language)
    specific, annex, column = HEADINGS[kind, language]
    found = paragraphs(docx)
    headings = [(style, text) for style, text in found if style.startswith("Heading")]
    assert ("Heading2", specific) in headings
    assert ("Heading1", annex) in headings
    # the annex table's header row
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    (table,) = body.iter(f"{W}tbl")
    header = [
        "".join(t.text or "" for t in cell.iter(f"{W}t"))
        for cell in next(table.iter(f"{W}tr")).iter(f"{W}tc")
    ]
    assert header[0] == column
    # what the team wrote in `label:` is the item's number, as written
    first_label = {"report": "1", "bill": "§ 1", "regulation": "§ 4", "strategy": "2.1",
                   "other": "A", "eu-proposal": {"da": "Artikel 5", "en": "Article 5"}[language]}
    title = {"da": "Adgang til egne data", "en": "Access to one's own data"}[language]
    assert ("Heading3", f"{first_label[kind]}: {title}") in headings


@pytest.mark.parametrize(("kind", "language"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_no_word_of_another_kind(workspace: Path, kind: str, language: str) -> None:
    text = every_text(render(with_kind(workspace, kind), language))
    assert re.search(VOCABULARY[kind], text, re.IGNORECASE)
    assert foreign_words(text, kind) == []


def test_a_report_keeps_the_words_it_always_had(workspace: Path) -> None:
    found = [text for _, text in paragraphs(render(with_kind(workspace, "report"), "da"))]
    assert ("Oversigten viser hver af anbefalingerne i Udkast om sundhedsdata og den "
            "holdning, SF tager til den i dette høringssvar.") in found


def test_a_source_without_kind_is_a_report(workspace: Path) -> None:
    with_kind(workspace, "report")
    path = workspace / "recommendations" / "src.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  kind: report\n", ""),
                    encoding="utf-8")
    found = [text for _, text in paragraphs(render(workspace, "en"))]
    assert "Annex: SF's stance on the commission's recommendations" in found


def test_hthc_yaml_rewords_a_label_of_any_kind(workspace: Path) -> None:
    config = workspace / "hthc.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "labels:\n  da:\n    specific: Vores bemærkninger til {source}\n"
        + "    annex: \"Bilag: {org_possessive} svar, punkt for punkt\"\n"
        + "    stance: Vores holdning\n"
        + "  en:\n    regards: Kind regards\n",
        encoding="utf-8",
    )
    found = paragraphs(render(with_kind(workspace, "bill"), "da"))
    assert ("Heading2", "Vores bemærkninger til Udkast om sundhedsdata") in found
    assert ("Heading1", "Bilag: SF's svar, punkt for punkt") in found
    assert any(text == "Vores holdning: Støtter" for _, text in found)
    english = [text for _, text in paragraphs(render(workspace, "en"))]
    assert any(text.startswith("Kind regardsJannik Zeuthen") for text in english)
    assert "Remarks on the bill's provisions" in english


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and pdftotext are needed to read the PDFs",
)
def test_each_kind_reads_right_in_a_pdf(workspace: Path, tmp_path: Path) -> None:
    for kind in KINDS:
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(render(with_kind(workspace, kind), "da", "pdf"))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        for heading in HEADINGS[kind, "da"][:2]:
            assert heading in flat, (kind, heading)
        assert foreign_words(flat, kind) == [], kind
