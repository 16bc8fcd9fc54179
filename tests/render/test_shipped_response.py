"""The shipped høringssvar as the ministry receives it: the .docx `hthc render` writes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
RESPONSE = "HTHC-HS-SSK-2024"
REUSE = "HTHC-HS-DSD-2025"
"""The worked example of reuse: the 2024 positions answering the 2025 draft bill."""
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


def render(out: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", "--workspace", str(ROOT),
         "--output-dir", str(out), *args],
        cwd=ROOT, capture_output=True, text=True, check=False, env=env,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run.stdout.splitlines()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    render(out)
    return out


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read(name))


def texts(root: etree._Element) -> Iterator[str]:
    for paragraph in root.iter(f"{{{W}}}p"):
        yield "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))


def test_by_default_every_language_is_written_to_build(rendered: Path) -> None:
    assert sorted(p.name for p in rendered.iterdir()) == [
        f"{REUSE}.da.docx", f"{REUSE}.en.docx", f"{RESPONSE}.da.docx", f"{RESPONSE}.en.docx"
    ]


def test_the_danish_response_has_the_parts_of_a_hoeringssvar(rendered: Path) -> None:
    body = list(texts(part(rendered / f"{RESPONSE}.da.docx", "word/document.xml")))
    expected_in_order = [
        "Health Tech Hub Copenhagen",
        "Til: Indenrigs- og Sundhedsministeriet",
        "Dato: 5. august 2024",
        "Høringsfrist: 6. august 2024",
        "Høringssvar om Sundhedsstrukturkommissionens afrapportering",
        "Sammenfatning",
        "Generelle bemærkninger",
        "Bemærkninger til de enkelte anbefalinger",
        "Tværgående anbefaling: Organisering af digitalisering og data",
        "Holdning: Støtter med forbehold",
        "Afslutning",
        "Med venlig hilsen",
        "Bilag: HTHC's holdning til kommissionens anbefalinger",
    ]
    position = 0
    for expected in expected_in_order:
        found = [i for i, t in enumerate(body) if expected in t and i >= position]
        assert found, f"{expected!r} missing or out of order"
        position = found[0]


def test_headings_use_word_heading_styles_and_are_bookmarked(rendered: Path) -> None:
    document = part(rendered / f"{RESPONSE}.da.docx", "word/document.xml")
    styles = {
        "".join(t.text or "" for t in p.iter(f"{{{W}}}t")): p.find("w:pPr/w:pStyle", NS)
        for p in document.iter(f"{{{W}}}p")
    }
    style = styles["Generelle bemærkninger"]
    assert style is not None and style.get(f"{{{W}}}val") == "Heading2"
    bookmarks = {b.get(f"{{{W}}}name") for b in document.iter(f"{{{W}}}bookmarkStart")}
    assert {"_hthc_SSK_2024_DIGI", "_hthc_HTHC_GOLDEN_MIDDLE"} <= bookmarks
    anchors = {h.get(f"{{{W}}}anchor") for h in document.iter(f"{{{W}}}hyperlink")}
    assert "_hthc_HTHC_DIGI_IN_STRUCTURE" in anchors
    assert anchors - {None} <= bookmarks


def test_citations_are_word_footnotes_with_the_reference(rendered: Path) -> None:
    docx = rendered / f"{RESPONSE}.da.docx"
    notes = {
        n.get(f"{{{W}}}id"): "".join(t.text or "" for t in n.iter(f"{{{W}}}t"))
        for n in part(docx, "word/footnotes.xml").iter(f"{{{W}}}footnote")
    }
    referenced = [
        r.get(f"{{{W}}}id")
        for r in part(docx, "word/document.xml").iter(f"{{{W}}}footnoteReference")
    ]
    assert referenced, "no footnote references in the body"
    assert set(referenced) <= set(notes)
    first = notes[referenced[0]].strip()
    assert first.startswith("Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): "
                            "Bedre Digital Sundhed")
    assert "https://taenketanken.mm.dk/" in first


def test_the_annex_table_lists_every_recommendation_with_a_repeating_header(
    rendered: Path,
) -> None:
    document = part(rendered / f"{RESPONSE}.en.docx", "word/document.xml")
    table = document.findall(".//w:tbl", NS)[-1]
    rows = table.findall("w:tr", NS)
    header = [next(texts(cell)) for cell in rows[0].findall("w:tc", NS)]
    assert header == ["Recommendation", "Stance", "Remark"]
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    cells = [[next(texts(c)) for c in row.findall("w:tc", NS)] for row in rows[1:]]
    # one row per position on a recommendation; the recommendation named on its first row
    assert [c[0] for c in cells if c[0]] == [
        "Cross-cutting recommendation: Organising digitalisation and data",
        "Governance model 1: 8–10 new health and care regions",
        "Governance model 2: Central state steering with no regional level",
        "Governance model 3: The regions are kept, with changes",
        "A national health plan",
        "More general practitioners and clinics",
        "Psychiatry in the overall hospital organisation",
    ]
    assert cells[1] == ["", "New proposal",
                        "Telemedicine centres and mandatory technology partnerships between "
                        "municipalities"]
    for cell in table.iter(f"{{{W}}}tc"):
        assert etree.QName(cell[-1]).localname == "p"


def test_footer_page_x_of_y_in_each_language(rendered: Path) -> None:
    for lang, words in (("da", ("Side", "af")), ("en", ("Page", "of"))):
        with zipfile.ZipFile(rendered / f"{RESPONSE}.{lang}.docx") as package:
            footers = [n for n in package.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
            xml = "".join(package.read(n).decode("utf-8") for n in footers)
        assert "PAGE" in xml and "NUMPAGES" in xml
        assert all(word in xml for word in words)


def test_document_properties_come_from_the_response(rendered: Path) -> None:
    core = part(rendered / f"{RESPONSE}.en.docx", "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == (
        "Consultation response on the report of the Health Structure Commission"
    )
    assert core.findtext("dc:creator", namespaces=NS) == "Health Tech Hub Copenhagen"
    assert core.findtext("dc:language", namespaces=NS) == "en-GB"
    assert core.findtext("dcterms:created", namespaces=NS) == "2024-08-05T00:00:00Z"
    assert core.findtext("dcterms:modified", namespaces=NS) == "2024-08-05T00:00:00Z"
    app = part(rendered / f"{RESPONSE}.en.docx", "docProps/app.xml")
    assert [etree.QName(e).localname for e in app] == ["Application"]
    assert app[0].text == "hthc"
    keywords = core.findtext("cp:keywords", namespaces=NS) or ""
    assert "consultation response" in keywords and "SSK-2024" in keywords


def test_a_second_render_is_byte_identical(rendered: Path, tmp_path: Path) -> None:
    render(tmp_path)
    for path in rendered.glob("*.docx"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_paraphrase_is_said_once_by_the_note_under_each_quote(rendered: Path) -> None:
    for lang, note, repeated in (("da", "Gengivet med egne ord, ikke ordret citat",
                                  "Parafrase efter"),
                                 ("en", "Paraphrased, not a verbatim quotation",
                                  "Paraphrase following")):
        body = list(texts(part(rendered / f"{RESPONSE}.{lang}.docx", "word/document.xml")))
        assert sum(note in t for t in body) == 7  # under each of the seven quotes
        assert not [t for t in body if repeated in t or "own wording" in t
                    or "egen ordlyd" in t]


REUSE_IN_ORDER = {
    "da": [
        "UDKAST",
        "Til: Indenrigs- og Sundhedsministeriet",
        "Dato: 1. juli 2025",
        "Høring: Udkast til forslag til lov om Digital Sundhed Danmark",
        "Høringsfrist: 2. juli 2025",
        "Høringssvar om udkast til forslag til lov om Digital Sundhed Danmark",
        "Health Tech Hub Copenhagen (HTHC) takker for muligheden for at afgive høringssvar om "
        "udkast til forslag til lov om Digital Sundhed Danmark.",
        "Generelle bemærkninger",
        "Fælles national strategi og beslutningskompetence for digitalisering og data",
        "Bemærkninger til lovforslagets bestemmelser",
        "§ 1: Digital Sundhed Danmark oprettes",
        "Den gyldne middelvej mellem centralisering og decentralisering",
        "§ 2: Formål",
        "Værdien skabes hos borgere og sundhedspersonale",
        "§ 4: Opgaver",
        "Se Værdien skabes hos borgere og sundhedspersonale ovenfor.",
        "Se Den gyldne middelvej mellem centralisering og decentralisering ovenfor.",
        "§ 5: Data",
        "Afslutning",
        "HTHC står gerne til rådighed for en uddybende dialog om høringssvaret og om, hvordan "
        "digitalisering og data kan bygges ind i fremtidens sundhedsvæsen.",
        "Med venlig hilsen",
        "Bilag: HTHC's holdning til lovforslagets bestemmelser",
    ],
    "en": [
        "DRAFT",
        "To: Ministry of the Interior and Health",
        "Deadline: 2 July 2025",
        "Consultation response on the draft bill on Digital Sundhed Danmark",
        "§ 1: Digital Sundhed Danmark is established",
        "§ 2: Purpose",
        "§ 4: Tasks",
        "§ 5: Data",
        "Yours sincerely",
    ],
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_2025_response_reuses_the_positions_marked_draft(rendered: Path, lang: str) -> None:
    docx = rendered / f"{REUSE}.{lang}.docx"
    with zipfile.ZipFile(docx) as package:
        headers = [n for n in package.namelist() if re.fullmatch(r"word/header\d*\.xml", n)]
        header_text = [t for n in headers for t in texts(etree.fromstring(package.read(n)))]
    body = [*header_text[:1], *texts(part(docx, "word/document.xml"))]
    position = 0
    for expected in REUSE_IN_ORDER[lang]:
        found = [i for i, t in enumerate(body) if expected in t and i >= position]
        assert found, f"{expected!r} missing or out of order"
        position = found[0]
    # no case number: the høringsnotat's is not the hearing's
    assert not [t for t in body if t.startswith(("Sagsnr.", "Case no."))]
    # only what HTHC said: the three positions of 2024 that speak to the bill
    headings = "\n".join(body)
    for left_out in ("Telemedicinske centre", "Telemedicine centres",
                     "Høringssvarets afgrænsning", "Scope of this response"):
        assert left_out not in headings


def test_openxml_audit_finds_no_errors_in_the_shipped_responses(rendered: Path) -> None:
    openxml_audit = pytest.importorskip(
        "openxml_audit", reason="openxml-audit is not installed (pip install openxml-audit)"
    )
    for docx in sorted(rendered.glob("*.docx")):
        result = openxml_audit.OpenXmlValidator().validate(docx)
        errors = [str(e) for e in result.errors if e.severity.value == "error"]
        assert errors == [], docx.name


def test_libreoffice_makes_a_pdf_holding_every_expected_text(tmp_path: Path) -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    written = render(tmp_path, RESPONSE, "--lang", "da", "--format", "pdf")
    assert written == [f"wrote {tmp_path / (RESPONSE + '.da.pdf')}"] or written[0].endswith(
        f"{RESPONSE}.da.pdf"
    )
    pdf = tmp_path / f"{RESPONSE}.da.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for expected in (
        "Til: Indenrigs- og Sundhedsministeriet",
        "Høringssvar om Sundhedsstrukturkommissionens afrapportering",
        "Generelle bemærkninger",
        "Holdning: Nyt forslag",
        "en kolos på lerfødder",
        "Gengivet med egne ord, ikke ordret citat",
        "Bedre Digital Sundhed",
        "Med venlig hilsen",
        "Jannik Zeuthen",
        "Side 1 af",
    ):
        assert expected in flat, expected


def test_html_is_one_standalone_page(tmp_path: Path) -> None:
    render(tmp_path, RESPONSE, "--lang", "en", "--format", "html")
    html = (tmp_path / f"{RESPONSE}.en.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<style>" in html and "<script" not in html
    assert 'id="SSK-2024-DIGI"' in html
    assert 'href="#HTHC-DIGI-IN-STRUCTURE"' in html
    assert "Remarks on the individual recommendations" in html


def test_a_work_cited_again_gets_the_short_form(rendered: Path) -> None:
    docx = rendered / f"{RESPONSE}.da.docx"
    notes = {
        n.get(f"{{{W}}}id"): "".join(t.text or "" for t in n.iter(f"{{{W}}}t")).strip()
        for n in part(docx, "word/footnotes.xml").iter(f"{{{W}}}footnote")
    }
    order = [
        r.get(f"{{{W}}}id")
        for r in part(docx, "word/document.xml").iter(f"{{{W}}}footnoteReference")
    ]
    full = [notes[i] for i in order if "Bedre Digital Sundhed" in notes[i]]
    assert full[0].startswith("Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): "
                              "Bedre Digital Sundhed – anbefalinger")
    assert "https://taenketanken.mm.dk/" in full[0]
    assert full[1:] and all(
        n == "Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): "
        "Bedre Digital Sundhed." for n in full[1:]
    )
