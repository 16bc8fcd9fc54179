"""Markdown to .docx: open the produced document and check its XML, as Word will read it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from hthc_cli.base.errors import RenderError
from hthc_cli.markup.parser import markdown_options, parse_markdown
from hthc_cli.render.docx_writer import (
    DocumentMeta,
    DocxOptions,
    markdown_to_docx,
    tokens_to_docx,
)
from hthc_cli.render.ooxml import Bookmarks, bookmark_name

FIXTURES = Path(__file__).parent / "fixtures"
FEATURES = (FIXTURES / "features.md").read_text(encoding="utf-8")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
CITATIONS = {
    "ssk2024": "Sundhedsstrukturkommissionen (2024): *Beslutningsgrundlag for et mere lige, "
    "sammenhængende og bæredygtigt sundhedsvæsen*. <https://www.ism.dk/publikationer-sundhed>.",
    "bds2023": "Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): "
    "*Bedre Digital Sundhed*.",
}
BOOKMARK_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")


def options(
    reference_doc: Path | None = None, language: str = "da-DK", draft_mark: str | None = None
) -> DocxOptions:
    return DocxOptions(
        meta=DocumentMeta(
            title="Høringssvar om Sundhedsstrukturkommissionens afrapportering",
            author="Health Tech Hub Copenhagen",
            subject="Sundhedsstrukturkommissionens afrapportering",
            keywords=("høringssvar", "SSK-2024"),
            language=language,
            date=date(2024, 8, 5),
        ),
        page_label="Side {page} af {pages}",
        citations=CITATIONS,
        reference_doc=reference_doc,
        draft_mark=draft_mark,
    )


def render(markdown: str, reference_doc: Path | None = None) -> bytes:
    return markdown_to_docx(markdown, options(reference_doc))


class Docx:
    """The parts of a rendered .docx, parsed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.infos = archive.infolist()
            self.xml = {
                name: etree.fromstring(archive.read(name))
                for name in archive.namelist()
                if name.endswith((".xml", ".rels"))
            }

    @property
    def body(self) -> etree._Element:
        return self.xml["word/document.xml"].find("w:body", NS)

    def part(self, reltype_suffix: str) -> etree._Element:
        """The part the document relates to with a relationship type ending in the suffix."""
        for rel in self.xml["word/_rels/document.xml.rels"].iterfind("rel:Relationship", NS):
            if rel.get("Type", "").endswith("/" + reltype_suffix):
                return self.xml["word/" + rel.get("Target", "")]
        raise AssertionError(f"no {reltype_suffix} part")

    def rels(self, part: str) -> dict[str, etree._Element]:
        folder, name = part.rsplit("/", 1)
        root = self.xml[f"{folder}/_rels/{name}.rels"]
        return {rel.get("Id", ""): rel for rel in root.iterfind("rel:Relationship", NS)}

    def style_id(self, name: str) -> str:
        styles = self.part("styles")
        for style in styles.iterfind("w:style", NS):
            if style.find("w:name", NS).get(f"{{{W}}}val", "").lower() == name.lower():
                return style.get(f"{{{W}}}styleId", "")
        raise AssertionError(f"no style {name!r}")


def text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t"))


def verbatim(element: etree._Element) -> str:
    """The text of ``element`` with its tabs and line breaks."""
    pieces = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n"}
    return "".join(
        (node.text or "") if node.tag == f"{{{W}}}t" else pieces.get(node.tag, "")
        for node in element.iter()
    )


def notes_of(doc: Docx) -> list[etree._Element]:
    """The Word footnotes that hold text, separators left out."""
    return [
        note
        for note in doc.part("footnotes").iterfind("w:footnote", NS)
        if val(note, "type") is None
    ]


def in_order(haystack: str, needles: list[str]) -> bool:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


def pdf_text(tmp_path: Path, data: bytes, name: str = "doc") -> list[str]:
    """The text of each page of ``data`` converted to PDF by LibreOffice."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    whole = subprocess.run(
        ["pdftotext", str(tmp_path / f"{name}.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return whole.split("\f")[:-1] if whole.endswith("\f") else whole.split("\f")


def val(element: etree._Element | None, attribute: str = "val") -> str | None:
    return None if element is None else element.get(f"{{{W}}}{attribute}")


def paragraph_with(root: etree._Element, needle: str) -> etree._Element:
    for paragraph in root.iter(f"{{{W}}}p"):
        if needle in text(paragraph):
            return paragraph
    raise AssertionError(f"no paragraph with {needle!r}")


@pytest.fixture(scope="module")
def features() -> Docx:
    return Docx(render(FEATURES))


# -- footnotes and citations


def test_a_citation_becomes_a_word_footnote_holding_the_formatted_reference(
    features: Docx,
) -> None:
    paragraph = paragraph_with(features.body, "Vi citerer rapporten")
    references = paragraph.findall(".//w:footnoteReference", NS)
    note_id = val(references[-1], "id")
    notes = {val(n, "id"): n for n in features.part("footnotes").iterfind("w:footnote", NS)}
    note_text = text(notes[note_id])
    assert "Sundhedsstrukturkommissionen (2024): Beslutningsgrundlag" in note_text
    assert note_text.rstrip().endswith("https://www.ism.dk/publikationer-sundhed, s. 12.")
    run = references[-1].getparent()
    assert val(run.find("w:rPr/w:rStyle", NS)) == features.style_id("footnote reference")
    assert notes[note_id].find(".//w:footnoteRef", NS) is not None
    assert val(notes[note_id].find("w:p/w:pPr/w:pStyle", NS)) == features.style_id("footnote text")


def test_a_citation_of_two_works_is_one_note_with_both(features: Docx) -> None:
    paragraph = paragraph_with(features.body, "Værdien skabes hos borgere")
    note_id = val(paragraph.find(".//w:footnoteReference", NS), "id")
    note = features.part("footnotes").find(f"w:footnote[@w:id='{note_id}']", NS)
    assert "sundhedsvæsen. https://www.ism.dk/publikationer-sundhed.; " not in text(note)
    assert "; Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023)" in text(note)


def test_markdown_footnotes_and_inline_notes_are_word_footnotes(features: Docx) -> None:
    notes = features.part("footnotes")
    body_ids = [val(ref, "id") for ref in features.body.iter(f"{{{W}}}footnoteReference")]
    note_ids = [val(note, "id") for note in notes.iterfind("w:footnote", NS)]
    assert note_ids[:2] == ["-1", "0"]
    assert [val(n, "type") for n in notes.iterfind("w:footnote", NS)][:2] == [
        "separator",
        "continuationSeparator",
    ]
    assert body_ids == note_ids[2:] == ["1", "2", "3", "4"]
    texts = [text(note) for note in notes.iterfind("w:footnote", NS)]
    assert any("Tak til medlemmerne for deres input." in t for t in texts)
    assert any("En fodnote skrevet inline." in t for t in texts)


def test_the_footnotes_part_is_declared(features: Docx) -> None:
    overrides = {
        o.get("PartName"): o.get("ContentType")
        for o in features.xml["[Content_Types].xml"].iterfind("ct:Override", NS)
    }
    assert overrides["/word/footnotes.xml"].endswith("wordprocessingml.footnotes+xml")
    settings = features.part("settings")
    assert [val(n, "id") for n in settings.iterfind("w:footnotePr/w:footnote", NS)] == ["-1", "0"]


def test_a_link_inside_a_note_is_related_from_the_footnotes_part(features: Docx) -> None:
    notes = features.part("footnotes")
    rels = features.rels("word/footnotes.xml")
    links = list(notes.iter(f"{{{W}}}hyperlink"))
    assert links
    for link in links:
        rel = rels[link.get(f"{{{R}}}id", "")]
        assert rel.get("TargetMode") == "External"


def test_a_note_citation_takes_the_place_of_the_space_before_it() -> None:
    doc = Docx(render("Som rapporten viser\n[@ssk2024]. Og videre [@bds2023]."))
    paragraph = doc.body.find("w:p", NS)
    assert text(paragraph) == "Som rapporten viser. Og videre."
    assert len(paragraph.findall(".//w:footnoteReference", NS)) == 2


def test_an_unknown_citation_key_is_an_error_naming_the_key_and_line() -> None:
    with pytest.raises(RenderError, match=r"line 3 of the Markdown: unknown citation key @nope"):
        render("# Title\n\nFine [@ssk2024].\nBut [@nope] is not.\n")


# -- bookmarks and links


def test_a_heading_id_is_a_bookmark_and_internal_links_jump_to_it(features: Docx) -> None:
    heading = paragraph_with(features.body, "Digitalisering og data")
    start = heading.find("w:bookmarkStart", NS)
    assert val(start, "name") == "_hthc_SSK_2024_DIGI"
    assert val(heading.find("w:bookmarkEnd", NS), "id") == val(start, "id")
    anchors = [val(h, "anchor") for h in features.body.iter(f"{{{W}}}hyperlink")]
    assert "_hthc_SSK_2024_DIGI" in anchors
    assert "_hthc_HTHC_POS_001" in anchors


def test_a_div_id_is_a_bookmark_on_its_first_paragraph(features: Docx) -> None:
    paragraph = paragraph_with(features.body, "Holdning:")
    assert val(paragraph.find("w:bookmarkStart", NS), "name") == "_hthc_HTHC_POS_001"


def test_bookmarks_have_unique_ids_and_names_word_accepts(features: Docx) -> None:
    starts = list(features.body.iter(f"{{{W}}}bookmarkStart"))
    ids = [val(s, "id") for s in starts]
    assert len(ids) == len(set(ids)) == 3
    ends = sorted(val(e, "id") or "" for e in features.body.iter(f"{{{W}}}bookmarkEnd"))
    assert ends == sorted(i or "" for i in ids)
    assert all(BOOKMARK_NAME.match(val(s, "name") or "") for s in starts)


def test_long_and_clashing_ids_get_distinct_valid_names() -> None:
    long_id = "HTHC-POSITION-" + "X" * 60
    bookmarks = Bookmarks(["A-B", "A_B", long_id, "A-B"])
    names = [bookmarks.name("A-B"), bookmarks.name("A_B"), bookmarks.name(long_id)]
    assert names[0] == "_hthc_A_B"
    assert len(set(names)) == 3
    assert all(name and BOOKMARK_NAME.match(name) for name in names)
    assert bookmark_name(long_id) == bookmark_name(long_id)
    assert bookmarks.name("unknown") is None


def test_a_repeated_id_is_bookmarked_once_and_a_link_to_nothing_is_plain_text() -> None:
    doc = Docx(render("## One {#same}\n\n## Two {#same}\n\nSee [nowhere](#missing).\n"))
    assert len(list(doc.body.iter(f"{{{W}}}bookmarkStart"))) == 1
    assert not list(doc.body.iter(f"{{{W}}}hyperlink"))
    assert "See nowhere." in text(doc.body)


def test_an_external_link_is_a_clickable_hyperlink(features: Docx) -> None:
    link = next(
        h for h in features.body.iter(f"{{{W}}}hyperlink") if h.get(f"{{{R}}}id") is not None
    )
    assert text(link) == "kommissionens rapport"
    rel = features.rels("word/document.xml")[link.get(f"{{{R}}}id", "")]
    assert rel.get("Target") == (
        "https://www.ism.dk/publikationer-sundhed/2024/juni/sundhedsstrukturkommissionen"
    )
    assert rel.get("TargetMode") == "External"
    assert val(link.find("w:r/w:rPr/w:rStyle", NS)) == features.style_id("Hyperlink")


# -- lists and tables


def test_each_numbered_list_has_its_own_numbering_restarting_at_one(features: Docx) -> None:
    numbering = features.part("numbering")
    first = paragraph_with(features.body, "Første forslag")
    second = paragraph_with(features.body, "Ny liste, første punkt")
    first_id = val(first.find("w:pPr/w:numPr/w:numId", NS))
    second_id = val(second.find("w:pPr/w:numPr/w:numId", NS))
    assert first_id != second_id
    assert val(paragraph_with(features.body, "Tredje forslag").find(".//w:numId", NS)) == first_id
    decimal = {
        val(a, "abstractNumId")
        for a in numbering.iterfind("w:abstractNum", NS)
        if val(a.find("w:lvl[@w:ilvl='0']/w:numFmt", NS)) == "decimal"
    }
    for num_id in (first_id, second_id):
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        assert val(num.find("w:abstractNumId", NS)) in decimal
        assert val(num.find("w:lvlOverride[@w:ilvl='0']/w:startOverride", NS)) == "1"


def test_a_nested_list_is_one_level_deeper_with_bullets(features: Docx) -> None:
    nested = paragraph_with(features.body, "et underpunkt")
    assert val(nested.find("w:pPr/w:numPr/w:ilvl", NS)) == "1"
    num_id = val(nested.find("w:pPr/w:numPr/w:numId", NS))
    numbering = features.part("numbering")
    abstract_id = val(numbering.find(f"w:num[@w:numId='{num_id}']/w:abstractNumId", NS))
    abstract = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", NS)
    assert val(abstract.find("w:lvl[@w:ilvl='1']/w:numFmt", NS)) == "bullet"
    indents = [
        int(val(abstract.find(f"w:lvl[@w:ilvl='{level}']/w:pPr/w:ind", NS), "left") or 0)
        for level in range(3)
    ]
    assert indents == sorted(indents) and len(set(indents)) == 3


def test_numbering_definitions_come_before_their_instances(features: Docx) -> None:
    tags = [etree.QName(child).localname for child in features.part("numbering")]
    assert tags.index("num") > max(i for i, tag in enumerate(tags) if tag == "abstractNum")


def test_the_table_header_row_repeats_and_every_cell_ends_with_a_paragraph(
    features: Docx,
) -> None:
    table = features.body.find("w:tbl", NS)
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(row.find("w:trPr/w:tblHeader", NS) is None for row in rows[1:])
    assert [text(cell) for cell in rows[0].findall("w:tc", NS)] == ["Anbefaling", "Holdning"]
    for cell in table.iter(f"{{{W}}}tc"):
        assert etree.QName(cell[-1]).localname == "p"
    assert val(rows[1].find("w:tc[2]/w:p/w:pPr/w:jc", NS)) == "right"
    assert val(table.find("w:tblPr/w:tblStyle", NS)) == features.style_id("Table Grid")
    grid = [int(val(col, "w") or 0) for col in table.iterfind("w:tblGrid/w:gridCol", NS)]
    assert len(grid) == 2 and all(width > 0 for width in grid)


# -- text, styles, page furniture and properties


def test_template_syntax_and_raw_html_come_out_as_literal_text(features: Docx) -> None:
    paragraph = paragraph_with(features.body, "Skabelonkode")
    assert text(paragraph) == "Skabelonkode {{ x }} og <script>alert(1)</script> forbliver tekst."
    assert b"<script>" not in features.data


def test_custom_styles_from_divs_and_spans(features: Docx) -> None:
    letterhead = paragraph_with(features.body, "Health Tech Hub Copenhagen")
    assert val(letterhead.find("w:pPr/w:pStyle", NS)) == features.style_id("Letterhead")
    stance_runs = [
        r
        for r in features.body.iter(f"{{{W}}}r")
        if text(r) == "Støtter" and r.find("w:rPr", NS) is not None
    ]
    assert val(stance_runs[0].find("w:rPr/w:rStyle", NS)) == features.style_id("Stance")
    quote = paragraph_with(features.body, "Kommissionen anbefaler")
    assert val(quote.find("w:pPr/w:pStyle", NS)) == features.style_id("Quote")
    heading = paragraph_with(features.body, "Digitalisering og data")
    assert val(heading.find("w:pPr/w:pStyle", NS)) == features.style_id("heading 2")


def test_a_style_the_reference_lacks_is_created() -> None:
    doc = Docx(render('::: {custom-style="Brand New"}\nText\n:::\n\n[x]{custom-style="Ink"}\n'))
    styles = doc.part("styles")
    paragraph_style = styles.find(f"w:style[@w:styleId='{doc.style_id('Brand New')}']", NS)
    character_style = styles.find(f"w:style[@w:styleId='{doc.style_id('Ink')}']", NS)
    assert paragraph_style.get(f"{{{W}}}type") == "paragraph"
    assert character_style.get(f"{{{W}}}type") == "character"


def test_the_footer_shows_page_x_of_y_as_fields(features: Docx) -> None:
    footer = features.part("footer")
    instructions = [(t.text or "").strip() for t in footer.iter(f"{{{W}}}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [val(c, "fldCharType") for c in footer.iter(f"{{{W}}}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    assert text(footer).startswith("Side 1 af 1")


def test_the_builtin_reference_is_a4_with_the_document_language(features: Docx) -> None:
    sect_pr = features.body.find("w:sectPr", NS)
    assert val(sect_pr.find("w:pgSz", NS), "w") == "11906"
    assert val(sect_pr.find("w:pgSz", NS), "h") == "16838"
    lang = features.part("styles").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert val(lang) == "da-DK"


def test_core_properties_come_from_the_options_never_the_clock(features: Docx) -> None:
    core = features.xml["docProps/core.xml"]
    assert core.findtext("dc:title", namespaces=NS) == (
        "Høringssvar om Sundhedsstrukturkommissionens afrapportering"
    )
    assert core.findtext("dc:creator", namespaces=NS) == "Health Tech Hub Copenhagen"
    assert core.findtext("dc:subject", namespaces=NS) == (
        "Sundhedsstrukturkommissionens afrapportering"
    )
    assert core.findtext("cp:keywords", namespaces=NS) == "høringssvar, SSK-2024"
    assert core.findtext("dc:language", namespaces=NS) == "da-DK"
    assert core.findtext("dcterms:created", namespaces=NS) == "2024-08-05T00:00:00Z"
    assert core.findtext("dcterms:modified", namespaces=NS) == "2024-08-05T00:00:00Z"
    assert b"python-docx" not in zipfile.ZipFile(io.BytesIO(features.data)).read(
        "docProps/core.xml"
    )


def test_the_package_holds_no_stale_template_parts(features: Docx) -> None:
    names = {info.filename for info in features.infos}
    assert "docProps/thumbnail.jpeg" not in names
    assert "word/stylesWithEffects.xml" not in names
    assert [info.filename for info in features.infos][:2] == ["[Content_Types].xml", "_rels/.rels"]


def test_an_empty_document_is_still_a_valid_body() -> None:
    doc = Docx(render(""))
    assert doc.body.find("w:p", NS) is not None
    assert doc.body[-1].tag == f"{{{W}}}sectPr"


# -- reproducible output


def test_the_same_input_gives_byte_identical_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = render(FEATURES), render(FEATURES)
    assert first == second
    assert {info.date_time for info in Docx(first).infos} == {(2024, 8, 5, 0, 0, 0)}


def test_source_date_epoch_sets_the_zip_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = render(FEATURES)
    assert {info.date_time for info in Docx(data).infos} == {(2023, 11, 14, 22, 13, 20)}
    assert data == render(FEATURES)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert render(FEATURES) != data


def test_a_malformed_source_date_epoch_is_a_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        render("Text")


# -- a user's reference document


def make_reference(path: Path, footer: bool = True) -> Path:
    """A letterhead document as a user would make it in Word: header, footer, own styles."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(3)
    section.header.paragraphs[0].text = "HTHC letterhead"
    if footer:
        section.footer.paragraphs[0].text = "Custom footer text"
    letterhead = document.styles.add_style("Letterhead", WD_STYLE_TYPE.PARAGRAPH)
    letterhead.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    letterhead.font.size = Pt(16)
    document.add_paragraph("Body text of the reference that must not appear")
    document.save(str(path))
    return path


def test_a_reference_doc_gives_styles_header_and_footer_and_loses_its_body(
    tmp_path: Path,
) -> None:
    doc = Docx(render(FEATURES, make_reference(tmp_path / "ref.docx")))
    assert "must not appear" not in text(doc.body)
    assert text(doc.part("header")) == "HTHC letterhead"
    # the footer is kept, and the page label it lacked is added after it
    assert text(doc.part("footer")) == "Custom footer textSide 1 af 1"
    letterhead = doc.part("styles").find(f"w:style[@w:styleId='{doc.style_id('Letterhead')}']", NS)
    assert val(letterhead.find("w:rPr/w:color", NS)) == "C00000"
    for needed in ("footnote text", "footnote reference", "Stance", "Summary", "Quote"):
        doc.style_id(needed)
    assert val(doc.body.find("w:sectPr/w:pgMar", NS), "left") == "1701"
    assert len(doc.part("footnotes").findall("w:footnote", NS)) == 6


def test_a_reference_doc_without_a_footer_gets_the_page_label(tmp_path: Path) -> None:
    doc = Docx(render("Text", make_reference(tmp_path / "ref.docx", footer=False)))
    assert text(doc.part("header")) == "HTHC letterhead"
    assert [(t.text or "").strip() for t in doc.part("footer").iter(f"{{{W}}}instrText")] == [
        "PAGE",
        "NUMPAGES",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text, not a zip", "not a .docx file"),
        (None, "cannot read the reference document"),
        ("zip-without-word-parts", "cannot be read as a Word document"),
        ("zip-with-broken-xml", "cannot be read as a Word document"),
    ],
)
def test_an_unreadable_reference_doc_is_a_clear_render_error(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / "reference.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "zip-without-word-parts":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hello")
    elif content == "zip-with-broken-xml":
        good = make_reference(tmp_path / "good.docx")
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as archive:
            for name in source.namelist():
                data = b"<w:styles" if name == "word/styles.xml" else source.read(name)
                archive.writestr(name, data)
    with pytest.raises(RenderError, match=message):
        render("Text", path)


# -- validity, as Word and LibreOffice see it


def audit_errors(path: Path) -> list[str]:
    openxml_audit = pytest.importorskip(
        "openxml_audit", reason="openxml-audit is not installed (pip install openxml-audit)"
    )
    result = openxml_audit.OpenXmlValidator().validate(path)
    return [str(error) for error in result.errors if error.severity.value == "error"]


@pytest.mark.parametrize("with_reference", [False, True])
def test_openxml_audit_finds_no_errors(tmp_path: Path, with_reference: bool) -> None:
    reference = make_reference(tmp_path / "ref.docx") if with_reference else None
    path = tmp_path / "features.docx"
    path.write_bytes(render(FEATURES, reference))
    assert audit_errors(path) == []


def test_libreoffice_converts_it_to_pdf_with_every_text(tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "features.docx"
    source.write_bytes(render(FEATURES))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf_text = subprocess.run(
        ["pdftotext", str(tmp_path / "features.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = " ".join(pdf_text.split())
    for expected in (
        "Health Tech Hub Copenhagen",
        "Høringssvar om Sundhedsstrukturkommissionens afrapportering",
        "Digitalisering og data",
        "Kommissionen anbefaler en fælles national strategi",
        "Første forslag",
        "et underpunkt",
        "Skabelonkode {{ x }} og <script>alert(1)</script> forbliver tekst.",
        "SSK-2024-NAT",
        "Tak til medlemmerne for deres input.",
        "En fodnote skrevet inline.",
        "Bedre Digital Sundhed",
        "Side 1 af 1",
    ):
        assert expected in flat, expected


# -- the token stream is the writer's input


def test_the_writer_takes_the_parsers_tokens() -> None:
    assert tokens_to_docx(parse_markdown(FEATURES), options()) == render(FEATURES)


# -- footnotes keep everything they hold


def test_block_content_inside_a_footnote_is_written_into_the_word_note() -> None:
    doc = Docx(
        render(
            "Body text[^a].\n\n"
            "[^a]: First paragraph of the note.\n\n"
            "    Second paragraph of the note.\n\n"
            "    - listed one\n"
            "    - listed two\n\n"
            "    > quoted words\n\n"
            "    ```\n"
            "    code  line\n"
            "    ```\n"
        )
    )
    (note,) = notes_of(doc)
    paragraphs = note.findall("w:p", NS)
    assert [text(p).strip() for p in paragraphs] == [
        "First paragraph of the note.",
        "Second paragraph of the note.",
        "listed one",
        "listed two",
        "quoted words",
        "code  line",
    ]
    assert paragraphs[0].find(".//w:footnoteRef", NS) is not None
    assert paragraphs[2].find("w:pPr/w:numPr", NS) is not None
    assert val(paragraphs[4].find("w:pPr/w:pStyle", NS)) == doc.style_id("Quote")
    assert val(paragraphs[5].find("w:pPr/w:pStyle", NS)) == doc.style_id("Source Code")


def test_a_citation_inside_a_footnote_is_written_in_the_notes_text() -> None:
    doc = Docx(render("Body text[^a].\n\n[^a]: As the report says [@ssk2024, s. 3].\n"))
    (note,) = notes_of(doc)
    assert in_order(text(note), ["As the report says", "Sundhedsstrukturkommissionen (2024)",
                                 "s. 3"])
    assert note.find(".//w:footnoteReference", NS) is None


NESTED_NOTES = (
    "Body text[^a].\n\n"
    "[^a]: Outer note[^b] ends here.\n\n"
    "[^b]: Inner note citing [@bds2023] with a deeper note[^c].\n\n"
    "    Inner second paragraph.\n\n"
    "    - inner item\n\n"
    "    ```\n"
    "    inner  code\n"
    "    ```\n\n"
    "[^c]: Third level text.\n"
)


def test_a_footnote_inside_a_footnote_is_written_inline_with_all_it_holds() -> None:
    doc = Docx(render(NESTED_NOTES))
    (note,) = notes_of(doc)
    assert note.find(".//w:footnoteReference", NS) is None
    assert in_order(
        verbatim(note),
        [
            "Outer note (Inner note citing",
            "Bedre Digital Sundhed",
            "with a deeper note (Third level text.)",
            "Inner second paragraph.",
            "inner item",
            "inner  code",
            ") ends here.",
        ],
    )


def test_a_note_that_refers_to_itself_is_written_once() -> None:
    doc = Docx(render("Body[^a].\n\n[^a]: Itself[^a] again.\n"))
    (note,) = notes_of(doc)
    assert text(note).count("Itself") == 1
    assert "again." in text(note)


# -- lists deeper than Word's nine levels


def test_a_list_deeper_than_nine_levels_keeps_every_item_at_the_last_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(markdown_options(), "maxNesting", 100)
    markdown = "".join(f"{'  ' * depth}- level {depth + 1}\n" for depth in range(12))
    markdown += "\nAfter the list.\n"
    tokens = parse_markdown(markdown)
    assert sum(token.type == "bullet_list_open" for token in tokens) == 12
    doc = Docx(tokens_to_docx(tokens, options()))
    levels = [
        val(paragraph_with(doc.body, f"level {depth + 1}").find("w:pPr/w:numPr/w:ilvl", NS))
        for depth in range(12)
    ]
    assert levels == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "8", "8", "8"]
    assert [text(p) for p in doc.body.iter(f"{{{W}}}p")][-1] == "After the list."


# -- code blocks


def test_a_code_block_is_one_paragraph_per_line_kept_verbatim() -> None:
    doc = Docx(render("```\nfirst  line\n\tafter a tab\n\n    indented [^1] {{ x }}\nlast\n```\n"))
    code_style = doc.style_id("Source Code")
    paragraphs = [
        p for p in doc.body.iter(f"{{{W}}}p")
        if val(p.find("w:pPr/w:pStyle", NS)) == code_style
    ]
    assert [verbatim(p) for p in paragraphs] == [
        "first  line",
        "\tafter a tab",
        "",
        "    indented [^1] {{ x }}",
        "last",
    ]
    assert not list(doc.body.iter(f"{{{W}}}br"))


def test_a_long_code_block_is_as_many_paragraphs_as_lines() -> None:
    lines = [f"line {number}" for number in range(5000)]
    doc = Docx(render("```\n" + "\n".join(lines) + "\n```\n"))
    assert [text(p) for p in doc.body.iter(f"{{{W}}}p")] == lines


# -- wide tables


CELL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def cell_label(row: int, column: int) -> str:
    """A two-letter text unique to each cell of a table up to 52 columns."""
    return CELL_LETTERS[row] + CELL_LETTERS[column]


def wide_table(columns: int, rows: int = 3) -> str:
    lines = ["| " + " | ".join(cell_label(row, c) for c in range(columns)) + " |\n"
             for row in range(rows + 1)]
    return lines[0] + "|" + "---|" * columns + "\n" + "".join(lines[1:])


def cell_margins(doc: Docx, table: etree._Element) -> int:
    """Left plus right cell margin (twips) of ``table``, from the table or its style."""
    margins = table.find("w:tblPr/w:tblCellMar", NS)
    if margins is None:
        style = val(table.find("w:tblPr/w:tblStyle", NS))
        margins = doc.part("styles").find(
            f"w:style[@w:styleId='{style}']/w:tblPr/w:tblCellMar", NS
        )
    return sum(int(val(margins.find(f"w:{side}", NS), "w") or 0) for side in ("left", "right"))


@pytest.mark.parametrize("columns", [2, 12, 45])
def test_table_columns_are_wider_than_their_margins_and_fit_the_page(columns: int) -> None:
    doc = Docx(render(wide_table(columns)))
    table = doc.body.find("w:tbl", NS)
    grid = [int(val(col, "w") or 0) for col in table.iterfind("w:tblGrid/w:gridCol", NS)]
    assert len(grid) == columns
    smallest_text = cell_margins(doc, table) + 100
    assert min(grid) >= smallest_text
    assert sum(grid) <= 9070


def test_a_table_of_45_columns_prints_every_cell(tmp_path: Path) -> None:
    pages = pdf_text(tmp_path, render(wide_table(45)), "wide")
    words = set("".join(pages).split())
    missing = [
        cell_label(row, column)
        for row in range(4)
        for column in range(45)
        if cell_label(row, column) not in words
    ]
    assert missing == []


# -- a visible draft marking


def header_texts(doc: Docx) -> list[str]:
    rels = doc.xml["word/_rels/document.xml.rels"].iterfind("rel:Relationship", NS)
    return [
        text(doc.xml["word/" + rel.get("Target", "")])
        for rel in rels
        if rel.get("Type", "").endswith("/header")
    ]


def test_a_draft_mark_is_shown_in_the_header() -> None:
    doc = Docx(markdown_to_docx(FEATURES, options(draft_mark="UDKAST")))
    assert header_texts(doc) == ["UDKAST"]
    sect_pr = doc.body.find("w:sectPr", NS)
    assert sect_pr.find("w:headerReference[@w:type='default']", NS) is not None


def test_without_a_draft_mark_there_is_no_header(features: Docx) -> None:
    assert header_texts(features) == []


def test_a_draft_mark_joins_every_header_of_a_reference_doc(tmp_path: Path) -> None:
    import docx

    path = make_reference(tmp_path / "ref.docx")
    reference = docx.Document(str(path))
    section = reference.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "First page letterhead"
    reference.save(str(path))
    doc = Docx(markdown_to_docx("Text", options(path, draft_mark="DRAFT")))
    assert sorted(header_texts(doc)) == ["DRAFTFirst page letterhead", "DRAFTHTHC letterhead"]


def test_a_draft_mark_is_printed_on_every_page(tmp_path: Path) -> None:
    markdown = "\n\n".join(f"Paragraph {number} of a long draft." for number in range(120))
    pages = pdf_text(tmp_path, markdown_to_docx(markdown, options(draft_mark="UDKAST")))
    assert len(pages) > 1
    assert all("UDKAST" in page for page in pages)
