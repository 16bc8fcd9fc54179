"""The map a rendered .docx carries: every workspace text in it can be found again.

Each text is a hidden bookmark around its runs, named after its place and its hash, and a
custom property of the same name says which file, item, field and language it is.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from hthc_cli.markup.compose import Slots, compose
from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions, tokens_to_docx
from hthc_cli.render.marks import (
    Mark,
    identity,
    mark_spans,
    parse_mark_name,
    read_custom_properties,
    text_places,
    text_sha,
)
from hthc_cli.render.pipeline import Job, render_bytes
from hthc_cli.workspace.loader import load_workspace

ROOT = Path(__file__).resolve().parents[2]
RESPONSE = "HTHC-HS-SSK-2024"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Range:
    paragraphs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def mark_ranges(document: bytes) -> dict[str, Range]:
    """Each mark's paragraphs (the part of each inside its bookmark) and footnote ids."""
    root = etree.fromstring(document)
    spans = mark_spans(root)
    firsts = {id(start): name for name, (start, _) in spans.items()}
    lasts = {id(end): name for name, (_, end) in spans.items()}
    ranges: dict[str, Range] = {}
    active: list[str] = []
    for element in root.iter(f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd", f"{{{W}}}t",
                             f"{{{W}}}p", f"{{{W}}}footnoteReference", f"{{{W}}}br"):
        tag = etree.QName(element).localname
        if id(element) in firsts:
            active.append(firsts[id(element)])
            ranges[firsts[id(element)]] = Range([""])
        elif id(element) in lasts:
            active.remove(lasts[id(element)])
        elif tag == "p":
            for name in active:
                if ranges[name].paragraphs[-1]:
                    ranges[name].paragraphs.append("")
        elif tag in ("t", "br", "footnoteReference"):
            for name in active:
                found = ranges[name]
                if tag == "t":
                    found.paragraphs[-1] += element.text or ""
                elif tag == "br":
                    found.paragraphs[-1] += "\n"
                else:
                    found.notes.append(element.get(f"{{{W}}}id", ""))
                    found.paragraphs[-1] += "\ufffc"
    return {name: Range([p for p in r.paragraphs if p], r.notes) for name, r in ranges.items()}


def package(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def shipped() -> bytes:
    ws = load_workspace(ROOT).workspace
    return render_bytes(ws, Job(ws.responses[RESPONSE], "da", Path("x.docx")), "docx")


def test_every_text_the_document_prints_is_marked(shipped: bytes) -> None:
    parts = package(shipped)
    ranges = mark_ranges(parts["word/document.xml"])
    found = identity(read_custom_properties(parts["docProps/custom.xml"]))
    assert found.response == RESPONSE and found.language == "da"
    assert set(found.marks) == set(ranges)
    ws = load_workspace(ROOT).workspace
    places = {(p.file, p.item, p.field): p for p in text_places(ws)}
    response = ws.responses[RESPONSE]
    marked = {(m.file, m.item, m.field) for m in found.marks.values()}
    file = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    for wanted in ("title", "introduction", "closing", "hearing.authority", "signatory.role"):
        assert (file, RESPONSE, wanted) in marked
    assert ("hthc.yaml", "organisation", "name") in marked
    for reference in response.general:
        position = ws.positions[reference.value]
        where = f"positions/{position.file.path.name}"
        fields = {"title", "summary", "argument"} | {
            f"proposals.{n}" for n in range(len(position.proposals))
        }
        assert {(where, position.id, f) for f in fields} <= marked
    assert any(m.item.startswith("SSK-") and m.field == "text" for m in found.marks.values())
    for name, mark in found.marks.items():
        place = places[(mark.file, mark.item, mark.field)]
        value = place.text.get("da")
        assert value is not None and mark.sha256 == text_sha(value)
        assert mark.language == "da"
        parsed = parse_mark_name(name)
        assert parsed is not None and mark.unchanged(parsed)


def test_a_title_is_marked_around_its_words_and_a_summary_around_its_sentence(
    shipped: bytes,
) -> None:
    parts = package(shipped)
    ranges = mark_ranges(parts["word/document.xml"])
    marks = identity(read_custom_properties(parts["docProps/custom.xml"])).marks
    ws = load_workspace(ROOT).workspace
    position = ws.positions[ws.responses[RESPONSE].general[0].value]
    title = position.title.get("da")
    titles = [n for n, m in marks.items() if m.item == position.id and m.field == "title"]
    assert titles and all(ranges[n].text.rstrip(".") == title for n in titles)
    # a title printed twice (the summary list and its heading) is two bookmarks
    assert {n.removeprefix(titles[0]) for n in titles} >= {"", "_2"}
    (summary,) = [n for n, m in marks.items() if m.item == position.id and m.field == "summary"]
    words = (position.summary.get("da") or "").split()
    assert ranges[summary].text.split()[:3] == words[:3]


def test_footnote_references_lie_inside_their_texts_mark(shipped: bytes) -> None:
    parts = package(shipped)
    root = etree.fromstring(parts["word/document.xml"])
    references = [r.get(f"{{{W}}}id") for r in root.iter(f"{{{W}}}footnoteReference")]
    assert references
    marked = {n for r in mark_ranges(parts["word/document.xml"]).values() for n in r.notes}
    assert set(references) <= marked


def test_rendering_twice_gives_the_same_bytes(shipped: bytes) -> None:
    ws = load_workspace(ROOT).workspace
    again = render_bytes(ws, Job(ws.responses[RESPONSE], "da", Path("x.docx")), "docx")
    assert again == shipped


def test_outside_git_the_document_names_no_revision(workspace: Path) -> None:
    ws = load_workspace(workspace).workspace
    docx = render_bytes(ws, Job(ws.responses[RESPONSE], "en", Path("x.docx")), "docx")
    found = identity(read_custom_properties(package(docx)["docProps/custom.xml"]))
    assert found.revision is None and found.language == "en"
    assert found.version


def test_openxml_audit_finds_no_errors_in_the_mapped_document(
    shipped: bytes, tmp_path: Path
) -> None:
    openxml_audit = pytest.importorskip(
        "openxml_audit", reason="openxml-audit is not installed (pip install openxml-audit)"
    )
    path = tmp_path / "mapped.docx"
    path.write_bytes(shipped)
    result = openxml_audit.OpenXmlValidator().validate(path)
    assert [str(e) for e in result.errors if e.severity.value == "error"] == []


# -- texts of every shape, composed into a small document


def options() -> DocxOptions:
    from datetime import date

    return DocxOptions(
        meta=DocumentMeta("t", "a", "s", (), "da-DK", date(2024, 8, 5)),
        page_label="Side", citations={}, page_numbers=False,
    )


def document_of(skeleton: str, texts: list[tuple[str, bool]]) -> tuple[dict[str, Range], bytes]:
    """`skeleton` with `{0}`, `{1}`… replaced by each text's placeholder (plain or not)."""
    slots = Slots()
    holders = []
    for number, (text, plain) in enumerate(texts):
        mark = Mark("f.yaml", f"I{number}", "field", "da", text_sha(text))
        holders.append(slots.add_plain(text, mark) if plain else slots.add(text, mark))
    tokens = compose(skeleton.format(*holders), slots, lambda item: (item, False))
    docx = tokens_to_docx(tokens, options())
    return mark_ranges(package(docx)["word/document.xml"]), docx


def test_a_text_of_several_blocks_is_marked_from_its_first_run_to_its_last() -> None:
    text = "First *paragraph*[^1].\n\n- an item\n- another\n\nLast one.\n\n[^1]: A note."
    ranges, _ = document_of("# Title\n\n{0}\n\nAfter.", [(text, False)])
    (found,) = ranges.values()
    assert found.paragraphs == ["First paragraph\ufffc.", "an item", "another", "Last one."]
    assert len(found.notes) == 1


def test_a_text_inline_in_a_list_item_and_its_further_blocks() -> None:
    ranges, _ = document_of("- **Title.** {0}\n", [("One sentence.\n\nA second block.", False)])
    (found,) = ranges.values()
    assert found.paragraphs == ["One sentence.", "A second block."]


def test_a_text_that_starts_and_ends_with_code_is_marked_around_it() -> None:
    ranges, docx = document_of("Before.\n\n{0}\n\nAfter.", [("```\ncode\nmore\n```", False)])
    (found,) = ranges.values()
    assert found.paragraphs == ["code", "more"]
    assert b"Before." in package(docx)["word/document.xml"]


def test_a_one_line_text_in_a_heading_and_a_table_cell() -> None:
    ranges, _ = document_of(
        "# A {0} heading\n\n| a | b |\n|---|---|\n| {1} | x |\n",
        [("Plain *title*", True), ("Cell text", True)],
    )
    assert sorted(r.text for r in ranges.values()) == ["Cell text", "Plain *title*"]


def test_the_same_text_twice_is_two_bookmarks() -> None:
    slots = Slots()
    mark = Mark("f.yaml", "I", "title", "da", text_sha("Same"))
    first = slots.add_plain("Same", mark)
    second = slots.add_plain("Same", mark)
    tokens = compose(f"# {first}\n\n{second}\n", slots, lambda item: (item, False))
    ranges = mark_ranges(package(tokens_to_docx(tokens, options()))["word/document.xml"])
    assert sorted(ranges) == [mark.name(), mark.name(2)]


# -- the map survives LibreOffice


def test_libreoffice_keeps_the_bookmarks_and_the_properties(
    shipped: bytes, tmp_path: Path
) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install "
                    "libreoffice-writer-nogui)")
    source = tmp_path / "in" / "response.docx"
    source.parent.mkdir()
    source.write_bytes(shipped)
    out = tmp_path / "out"
    subprocess.run(
        [office, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=240,
    )
    saved = package((out / "response.docx").read_bytes())
    before = package(shipped)
    ours = mark_ranges(before["word/document.xml"])
    theirs = mark_ranges(saved["word/document.xml"])
    assert set(theirs) == set(ours)
    for name, found in ours.items():
        mine, kept = " ".join(found.text.split()), " ".join(theirs[name].text.split())
        assert len(theirs[name].notes) == len(found.notes)
        # LibreOffice counts a footnote's anchor as a character where the bookmark ends:
        # the end of a text with notes may move back by a character for each
        assert mine == kept or (
            mine.startswith(kept) and len(mine) - len(kept) <= len(found.notes)
        ), name
    properties = read_custom_properties(saved["docProps/custom.xml"])
    assert identity(properties) == identity(read_custom_properties(before["docProps/custom.xml"]))
