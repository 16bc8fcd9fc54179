"""LibreOffice as a reviewer of the shipped høringssvar: what its edits look like inside the .docx.

The reviewer is tests/lo/reviewer.py, driving LibreOffice through UNO with the system
python. These tests pin what it writes, so that the import tests built on it know what a
real LibreOffice review holds: tracked changes with the reviewer's name, comments with
author, initials and date, a resolved comment's done flag, and hthc's bookmarks and custom
document properties kept through LibreOffice's save.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

if TYPE_CHECKING:
    from tests.conftest import LibreOfficeReviewer

ROOT = Path(__file__).resolve().parents[2]
RESPONSE = "HTHC-HS-SSK-2024"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NS = {"w": W, "w15": W15}

REVIEWER = "Mette Reviewer"
ARGUMENT = "Ellers skaber man en kolos på lerfødder"
PROPOSAL = "HTHC anbefaler, at en eventuel samlet organisation"
SUMMARY = "Den gyldne middelvej mellem centralisering og decentralisering. Hvis"
TELEMEDICINE = "HTHC foreslår, at telemedicinske centre bliver"
INTRODUCTION = "Høringssvaret bygger på analysen"
REVIEW: list[dict[str, Any]] = [
    {"op": "author", "name": REVIEWER, "initials": "MR"},
    {"op": "track", "on": True},
    {"op": "replace", "paragraph": ARGUMENT, "text": "nødvendig", "by": "afgørende"},
    {"op": "insert", "paragraph": PROPOSAL, "after": "fælles ledelse", "text": " og klare mål"},
    {"op": "delete", "paragraph": TELEMEDICINE, "text": " en del af"},
    {"op": "comment", "paragraph": SUMMARY,
     "text": "Hvis der etableres én stor organisation for it-infrastruktur",
     "body": "Er det den rigtige formulering?", "author": REVIEWER, "initials": "MR",
     "date": "2026-11-30T10:15:00Z"},
    {"op": "comment", "paragraph": INTRODUCTION, "anchor": "Analysen hviler på",
     "text": "53 interviews", "body": "Kilde?", "author": "Ole Hansen", "initials": "OH",
     "date": "2026-11-30T11:00:00Z"},
    {"op": "resolve", "body": "Kilde?"},
]
PROPERTIES = {
    "hthc-response": RESPONSE,
    "hthc-language": "da",
    "_hthc0123456789_abcdef01": "positions/governance.yaml|HTHC-GOLDEN-MIDDLE|summary|da|ab",
}


def render(out: Path) -> Path:
    target = out / f"{RESPONSE}.da.docx"
    run = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", "--workspace", str(ROOT), RESPONSE,
         "--lang", "da", "-o", str(target)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    return target


def with_custom_properties(docx: Path, properties: dict[str, str], out: Path) -> Path:
    """A copy of ``docx`` holding ``properties`` as custom document properties."""
    with zipfile.ZipFile(docx) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    if "docProps/custom.xml" in parts:
        root = etree.fromstring(parts["docProps/custom.xml"])
    else:
        root = etree.Element(f"{{{CUSTOM}}}Properties", nsmap={None: CUSTOM, "vt": VT})
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/docProps/custom.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
        )
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/custom-properties" '
            b'Target="docProps/custom.xml"/></Relationships>',
        )
    for pid, (name, value) in enumerate(properties.items(), start=len(root) + 2):
        item = etree.SubElement(root, f"{{{CUSTOM}}}property",
                                fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}", pid=str(pid),
                                name=name)
        etree.SubElement(item, f"{{{VT}}}lpwstr").text = value
    parts["docProps/custom.xml"] = etree.tostring(root, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read(name))


def has_part(docx: Path, name: str) -> bool:
    with zipfile.ZipFile(docx) as package:
        return name in package.namelist()


def text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t", f"{{{W}}}delText"))


def paragraph_with(body: etree._Element, needle: str) -> etree._Element:
    for paragraph in body.iter(f"{{{W}}}p"):
        if needle in text(paragraph):
            return paragraph
    raise AssertionError(f"no paragraph holds {needle!r}")


def attr(element: etree._Element, name: str, ns: str = W) -> str | None:
    return element.get(f"{{{ns}}}{name}")


def custom_properties(docx: Path) -> dict[str, str]:
    root = part(docx, "docProps/custom.xml")
    return {item.get("name"): "".join(item.itertext()) for item in root}


def bookmarks(body: etree._Element) -> dict[str, str]:
    """Each bookmark's name and the text between its start and its end."""
    starts = {attr(b, "id"): attr(b, "name") for b in body.iter(f"{{{W}}}bookmarkStart")}
    inside: dict[str, list[str]] = {}
    open_ids: set[str | None] = set()
    for element in body.iter():
        if element.tag == f"{{{W}}}bookmarkStart":
            open_ids.add(attr(element, "id"))
        elif element.tag == f"{{{W}}}bookmarkEnd":
            open_ids.discard(attr(element, "id"))
        elif element.tag == f"{{{W}}}t":
            for mark in open_ids:
                inside.setdefault(str(starts.get(mark)), []).append(element.text or "")
    return {str(name): "".join(inside.get(str(name), [])) for name in starts.values()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    return with_custom_properties(render(folder), PROPERTIES, folder / "with-properties.docx")


@pytest.fixture(scope="module")
def reviewed(
    rendered: Path, lo_reviewer: LibreOfficeReviewer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("reviewed")
    out = folder / "reviewed.docx"
    report = lo_reviewer(rendered, [*REVIEW, {"op": "save", "path": str(out)},
                                    {"op": "export_text", "path": str(folder / "reviewed.txt")}])
    return out, report


def test_a_replaced_word_is_a_tracked_deletion_and_insertion_by_the_reviewer(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    body = part(reviewed[0], "word/document.xml")
    paragraph = paragraph_with(body, ARGUMENT)
    deleted = paragraph.findall(".//w:del", NS)
    inserted = paragraph.findall(".//w:ins", NS)
    assert [text(d) for d in deleted] == ["nødvendig"]
    assert [text(i) for i in inserted] == ["afgørende"]
    assert {attr(c, "author") for c in deleted + inserted} == {REVIEWER}
    assert all(attr(c, "date") for c in deleted + inserted)
    assert "En fælles national retning er nødvendigafgørende, jf." in text(paragraph)


def test_an_insertion_and_a_deletion_are_tracked_in_their_paragraphs(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    body = part(reviewed[0], "word/document.xml")
    proposal = paragraph_with(body, PROPOSAL)
    assert [text(i) for i in proposal.findall(".//w:ins", NS)] == [" og klare mål"]
    assert proposal.find(".//w:del", NS) is None
    assert "med fælles ledelse og klare mål og decentrale" in text(proposal)
    telemedicine = paragraph_with(body, TELEMEDICINE)
    assert [text(d) for d in telemedicine.findall(".//w:del", NS)] == [" en del af"]
    assert telemedicine.find(".//w:ins", NS) is None
    assert len(body.findall(".//w:ins", NS)) == 2  # a comment is not a tracked change
    assert len(body.findall(".//w:del", NS)) == 2


def test_comments_carry_author_initials_date_and_are_anchored_on_their_words(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    docx = reviewed[0]
    comments = {text(c): c for c in part(docx, "word/comments.xml").iter(f"{{{W}}}comment")}
    assert set(comments) == {"Er det den rigtige formulering?", "Kilde?"}
    open_one, resolved = comments["Er det den rigtige formulering?"], comments["Kilde?"]
    assert (attr(open_one, "author"), attr(open_one, "initials"), attr(open_one, "date")) == (
        REVIEWER, "MR", "2026-11-30T10:15:00Z")
    assert (attr(resolved, "author"), attr(resolved, "initials"), attr(resolved, "date")) == (
        "Ole Hansen", "OH", "2026-11-30T11:00:00Z")
    body = part(docx, "word/document.xml")
    assert anchored_text(body, attr(open_one, "id")) == (
        "Hvis der etableres én stor organisation for it-infrastruktur")
    assert anchored_text(body, attr(resolved, "id")) == "53 interviews"


def anchored_text(body: etree._Element, comment_id: str | None) -> str:
    inside = False
    found: list[str] = []
    for element in body.iter():
        if element.tag == f"{{{W}}}commentRangeStart" and attr(element, "id") == comment_id:
            inside = True
        elif element.tag == f"{{{W}}}commentRangeEnd" and attr(element, "id") == comment_id:
            return "".join(found)
        elif inside and element.tag == f"{{{W}}}t":
            found.append(element.text or "")
    raise AssertionError(f"comment {comment_id} has no range")


def test_only_the_resolved_comment_is_marked_done(reviewed: tuple[Path, dict[str, Any]]) -> None:
    docx = reviewed[0]
    para_ids = {
        text(c): attr(c.findall(f"{{{W}}}p")[-1], "paraId", W14)
        for c in part(docx, "word/comments.xml").iter(f"{{{W}}}comment")
    }
    done = {attr(e, "paraId", W15): attr(e, "done", W15)
            for e in part(docx, "word/commentsExtended.xml").iter(f"{{{W15}}}commentEx")}
    assert para_ids["Kilde?"] is not None
    assert done.get(para_ids["Kilde?"]) == "1"
    # LibreOffice writes a done flag for resolved comments only: the open one has none.
    assert para_ids["Er det den rigtige formulering?"] not in done or done[
        para_ids["Er det den rigtige formulering?"]] != "1"


def test_the_report_says_what_the_document_holds(reviewed: tuple[Path, dict[str, Any]]) -> None:
    report = reviewed[1]
    assert sorted(report["comments"], key=lambda c: c["body"]) == [
        {"author": REVIEWER, "body": "Er det den rigtige formulering?", "resolved": False},
        {"author": "Ole Hansen", "body": "Kilde?", "resolved": True},
    ]
    assert report["tracked_changes"] == 4
    assert len(report["footnotes"]) == 10
    assert all(report["footnotes"])
    # soffice is gone with its whole process group (reaped within moments on a busy machine)
    for _ in range(100):
        try:
            os.killpg(report["office_pid"], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"soffice's process group {report['office_pid']} is still there")


def test_bookmarks_survive_the_save_but_libreoffice_moves_two_of_their_ends(
    rendered: Path, reviewed: tuple[Path, dict[str, Any]]
) -> None:
    """What a reader of LibreOffice's .docx must expect of hthc's marks.

    Every bookmark is still there, and around the same text, with two exceptions that
    LibreOffice 7.4 makes: a bookmark ending at the very end of a paragraph comes back
    ending one character before it (the response's introduction loses its final full
    stop), and a bookmark over two paragraphs comes back as a start that is never closed
    plus a second bookmark of the same name around the last paragraph.
    """
    before = bookmarks(part(rendered, "word/document.xml"))
    body = part(reviewed[0], "word/document.xml")
    after = bookmarks(body)
    assert set(before) <= set(after)
    edited = ("nødvendig", "fælles ledelse", "telemedicinske centre bliver")
    changed = {name: words for name, words in before.items()
               if after[name] != words and not any(e in words for e in edited)}
    (introduction,) = [n for n, w in changed.items() if w.startswith("Health Tech Hub Copenhagen")]
    assert changed[introduction].endswith("data.")
    assert after[introduction] == changed[introduction][:-1]
    # A text over two paragraphs whose bookmark LibreOffice split: a start never closed,
    # then a second bookmark of the same name around the last paragraph.
    for name in set(changed) - {introduction}:
        starts = [b for b in body.iter(f"{{{W}}}bookmarkStart") if attr(b, "name") == name]
        ends = {attr(e, "id") for e in body.iter(f"{{{W}}}bookmarkEnd")}
        assert len(starts) == 2, (name, changed[name])
        assert attr(starts[0], "id") not in ends and attr(starts[1], "id") in ends


def test_custom_document_properties_survive_the_save(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    assert has_part(reviewed[0], "docProps/custom.xml")
    kept = custom_properties(reviewed[0])
    assert {name: kept.get(name) for name in PROPERTIES} == PROPERTIES


def test_the_text_export_reads_as_the_edited_document(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    exported = (reviewed[0].parent / "reviewed.txt").read_text(encoding="utf-8")
    # Tracked changes pending: the export shows the text with both sides.
    assert "Er det den rigtige formulering?" not in exported
    assert "telemedicinske centre bliver" in exported


@pytest.mark.parametrize(("decision", "expected", "gone"), [
    ("accept_all", ["national retning er afgørende", "fælles ledelse og klare mål",
                    "telemedicinske centre bliver sundhedsvæsenets"],
     ["retning er nødvendig", "telemedicinske centre bliver en del af"]),
    ("reject_all", ["national retning er nødvendig", "fælles ledelse og decentrale",
                    "telemedicinske centre bliver en del af sundhedsvæsenets"],
     ["retning er afgørende", "klare mål"]),
])
def test_accepting_or_rejecting_all_gives_one_side(
    rendered: Path, lo_reviewer: LibreOfficeReviewer, tmp_path: Path,
    decision: str, expected: list[str], gone: list[str],
) -> None:
    edits = [op for op in REVIEW if op["op"] not in ("comment", "resolve")]
    tracked = tmp_path / "tracked.docx"
    lo_reviewer(rendered, [*edits, {"op": "save", "path": str(tracked)}])
    decided = tmp_path / "decided.docx"
    report = lo_reviewer(tracked, [{"op": decision}, {"op": "save", "path": str(decided)},
                                   {"op": "export_text", "path": str(tmp_path / "decided.txt")}])
    assert report["tracked_changes"] == 0
    body = part(decided, "word/document.xml")
    assert body.find(".//w:ins", NS) is None and body.find(".//w:del", NS) is None
    exported = (tmp_path / "decided.txt").read_text(encoding="utf-8")
    for words in expected:
        assert words in exported
    for words in gone:
        assert words not in exported


def test_reopening_a_commented_document_is_refused_when_footnotes_are_lost(
    reviewed: tuple[Path, dict[str, Any]], lo_reviewer: LibreOfficeReviewer, tmp_path: Path,
) -> None:
    done = lo_reviewer.attempt(reviewed[0], [{"op": "save", "path": str(tmp_path / "x.docx")}])
    if done.status == 0:  # a LibreOffice without the defect: the footnotes must be intact
        assert all(done.report["footnotes"])
        return
    assert done.status == 3, done.stderr
    assert "LibreOffice lost footnote text when opening reviewed.docx" in done.stderr
    assert "footnote 1 " in done.stderr
    assert not (tmp_path / "x.docx").exists()


def test_words_not_in_the_paragraph_stop_the_review_and_say_so(
    rendered: Path, lo_reviewer: LibreOfficeReviewer, tmp_path: Path,
) -> None:
    done = lo_reviewer.attempt(rendered, [
        {"op": "replace", "paragraph": ARGUMENT, "text": "ikke her", "by": "x"},
        {"op": "save", "path": str(tmp_path / "x.docx")},
    ])
    assert done.status == 1
    assert done.stderr.strip() == (
        "reviewer: operation 1 (replace): replace: 'ikke her' not in paragraph "
        f"{ARGUMENT!r} after the anchor"
    )
    assert not (tmp_path / "x.docx").exists()
