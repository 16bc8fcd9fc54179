"""Open review comments come back into the next document as Word comments on the same words."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from hthc_cli.markup.compose import Slots, compose
from hthc_cli.render.comments import OpenComment, Reply
from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions, tokens_to_docx
from hthc_cli.render.marks import Mark, text_sha
from hthc_cli.render.pipeline import Job, render_bytes
from hthc_cli.workspace.loader import load_workspace

RESPONSE = "HTHC-HS-SSK-2024"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
SUMMARY_WORDS = "national beslutningskompetence"

REVIEWS = f"""\
response: {RESPONSE}
comments:
  - id: RC-3f9a0c21b7
    author: Jannik Zeuthen
    initials: JZ
    date: '2026-11-30T10:15:00Z'
    anchor: {SUMMARY_WORDS}
    target: {{file: positions/general.yaml, item: HTHC-NATIONAL-STRATEGY, field: summary,
              language: da}}
    body: |
      Er det den rigtige formulering?

      Kommissionen siger "myndighed".
    replies:
      - {{author: Anna Jensen, date: '2026-11-30T11:00:00Z', body: 'Ja: det er den.'}}
    status: open
  - id: RC-00000000a1
    author: Anna Jensen
    date: '2026-11-30T12:00:00Z'
    anchor: ord der ikke længere står der
    target: {{file: positions/governance.yaml, item: HTHC-GOLDEN-MIDDLE, field: argument,
              language: da}}
    body: Hvor blev ordene af?
    status: open
  - id: RC-00000000a2
    author: Anna Jensen
    date: '2026-11-30T12:30:00Z'
    anchor: national strategi
    target: {{file: positions/general.yaml, item: HTHC-NATIONAL-STRATEGY, field: summary,
              language: da}}
    body: Løst for længst.
    status: resolved
  - id: RC-00000000a3
    author: Anna Jensen
    date: '2026-11-30T12:45:00Z'
    anchor: national strategy
    target: {{file: positions/general.yaml, item: HTHC-NATIONAL-STRATEGY, field: summary,
              language: en}}
    body: Only in the English document.
    status: open
"""


def reviewed(workspace: Path) -> Path:
    (workspace / "reviews").mkdir()
    (workspace / "reviews" / f"{RESPONSE.lower()}.yaml").write_text(REVIEWS, encoding="utf-8")
    return workspace


def render(root: Path, language: str = "da") -> tuple[bytes, list[str]]:
    ws = load_workspace(root).workspace
    notes: list[str] = []
    docx = render_bytes(ws, Job(ws.responses[RESPONSE], language, Path("x.docx")), "docx",
                        notes=notes)
    return docx, notes


def part(docx: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(name))


def ranges(document: etree._Element) -> dict[str, str]:
    """Each comment's id → the text inside its range."""
    texts: dict[str, str] = {}
    active: list[str] = []
    for element in document.iter(f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd",
                                 f"{{{W}}}t"):
        comment_id = element.get(f"{{{W}}}id", "")
        if element.tag == f"{{{W}}}commentRangeStart":
            active.append(comment_id)
            texts[comment_id] = ""
        elif element.tag == f"{{{W}}}commentRangeEnd":
            active.remove(comment_id)
        else:
            for open_id in active:
                texts[open_id] += element.text or ""
    assert active == []
    return texts


def comments(docx: bytes) -> list[dict[str, object]]:
    found = []
    for comment in part(docx, "word/comments.xml").iter(f"{{{W}}}comment"):
        paragraphs = comment.findall(f"{{{W}}}p")
        found.append({
            "id": comment.get(f"{{{W}}}id"),
            "author": comment.get(f"{{{W}}}author"),
            "initials": comment.get(f"{{{W}}}initials"),
            "date": comment.get(f"{{{W}}}date"),
            "text": "\n".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
                              for p in paragraphs),
            "para": paragraphs[-1].get(f"{{{W14}}}paraId"),
        })
    return found


@pytest.fixture
def rendered(workspace: Path) -> tuple[bytes, list[str]]:
    return render(reviewed(workspace))


def test_open_comments_are_word_comments_with_their_author_date_and_text(
    rendered: tuple[bytes, list[str]],
) -> None:
    docx, _ = rendered
    found = comments(docx)
    assert [(c["author"], c["initials"], c["date"], c["text"]) for c in found] == [
        ("Jannik Zeuthen", "JZ", "2026-11-30T10:15:00Z",
         'Er det den rigtige formulering?\n\nKommissionen siger "myndighed".'),
        ("Anna Jensen", None, "2026-11-30T11:00:00Z", "Ja: det er den."),
        ("Anna Jensen", None, "2026-11-30T12:00:00Z", "Hvor blev ordene af?"),
    ]


def test_a_reply_is_a_reply_comment_on_the_same_words(rendered: tuple[bytes, list[str]]) -> None:
    docx, _ = rendered
    parent, reply, other = comments(docx)
    extended = part(docx, "word/commentsExtended.xml")
    links = {e.get(f"{{{W15}}}paraId"): e.get(f"{{{W15}}}paraIdParent")
             for e in extended.iter(f"{{{W15}}}commentEx")}
    assert links == {parent["para"]: None, reply["para"]: parent["para"], other["para"]: None}
    assert all(e.get(f"{{{W15}}}done") == "0" for e in extended.iter(f"{{{W15}}}commentEx"))
    texts = ranges(part(docx, "word/document.xml"))
    assert texts[str(parent["id"])] == texts[str(reply["id"])] == SUMMARY_WORDS


def test_the_comment_covers_exactly_its_words_in_the_texts_paragraph(
    rendered: tuple[bytes, list[str]],
) -> None:
    docx, _ = rendered
    document = part(docx, "word/document.xml")
    start = document.find(f".//{{{W}}}commentRangeStart")
    assert start is not None
    paragraph = start.getparent()
    assert paragraph is not None and paragraph.tag == f"{{{W}}}p"
    words = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))
    # the summary list's entry: the position's title, then its summary with the words
    assert words.startswith("Fælles national strategi og beslutningskompetence")
    assert f"en {SUMMARY_WORDS} for digitalisering og data." in words
    assert words.count(SUMMARY_WORDS) == 1


def test_a_comment_whose_words_are_gone_goes_on_the_start_of_its_text_and_says_so(
    rendered: tuple[bytes, list[str]],
) -> None:
    docx, notes = rendered
    texts = ranges(part(docx, "word/document.xml"))
    gone = next(c for c in comments(docx) if c["text"] == "Hvor blev ordene af?")
    assert texts[str(gone["id"])] == "Organiseringen af digitalisering og data skal"
    assert notes == [
        'RC-00000000a1 (Anna Jensen): the words it was on ("ord der ikke længere står der") '
        "are no longer in HTHC-GOLDEN-MIDDLE argument; it is shown on the start of the text"
    ]


def test_resolved_comments_and_those_of_another_language_stay_out(workspace: Path) -> None:
    root = reviewed(workspace)
    docx, _ = render(root)
    assert "Løst for længst." not in [c["text"] for c in comments(docx)]
    english, notes = render(root, "en")
    assert [c["text"] for c in comments(english)] == ["Only in the English document."]
    assert notes == []
    assert list(ranges(part(english, "word/document.xml")).values()) == ["national strategy"]


def test_without_open_comments_the_document_has_no_comments_part(workspace: Path) -> None:
    docx, notes = render(workspace)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert not {"word/comments.xml", "word/commentsExtended.xml"} & set(archive.namelist())
    assert notes == []


def test_the_same_reviews_give_the_same_bytes(workspace: Path) -> None:
    root = reviewed(workspace)
    assert render(root)[0] == render(root)[0]


def test_openxml_audit_finds_no_errors_with_comments(
    rendered: tuple[bytes, list[str]], tmp_path: Path
) -> None:
    openxml_audit = pytest.importorskip(
        "openxml_audit", reason="openxml-audit is not installed (pip install openxml-audit)"
    )
    path = tmp_path / "commented.docx"
    path.write_bytes(rendered[0])
    result = openxml_audit.OpenXmlValidator().validate(path)
    assert [str(e) for e in result.errors if e.severity.value == "error"] == []


def test_the_cli_says_in_one_line_where_a_comment_lost_its_words(workspace: Path) -> None:
    root = reviewed(workspace)
    run = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", RESPONSE, "--lang", "da", "-o",
         str(root / "out.docx")],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "RC-" in line]
    assert lines == [
        'hthc: RC-00000000a1 (Anna Jensen): the words it was on ("ord der ikke længere står '
        'der") are no longer in HTHC-GOLDEN-MIDDLE argument; it is shown on the start of the '
        "text"
    ]


def test_libreoffice_opens_it_with_the_text_intact(
    rendered: tuple[bytes, list[str]], tmp_path: Path
) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install "
                    "libreoffice-writer-nogui)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    source = tmp_path / "commented.docx"
    source.write_bytes(rendered[0])
    subprocess.run(
        [office, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )
    text = subprocess.run(["pdftotext", str(tmp_path / "commented.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert f"fælles national strategi og en {SUMMARY_WORDS} for digitalisering og data." in flat
    assert "Organiseringen af digitalisering og data skal finde" in flat


# -- words across runs of different formatting


def test_the_words_may_cross_formatting_and_each_run_keeps_its_own() -> None:
    from datetime import date

    text = "Vi *støtter* forslaget fuldt ud."
    mark = Mark("positions/p.yaml", "P-1", "summary", "da", text_sha(text))
    slots = Slots()
    skeleton = f"Før.\n\n{slots.add(text, mark)}\n"
    tokens = compose(skeleton, slots, lambda item: (item, False))
    options = DocxOptions(
        meta=DocumentMeta("t", "a", "s", (), "da-DK", date(2024, 8, 5)),
        page_label="Side", citations={}, page_numbers=False,
        comments=(OpenComment("RC-1", "A B", "AB", "2026-01-02T03:04:05Z", "støtter forslaget",
                              "positions/p.yaml", "P-1", "summary", "da", "Godt.",
                              (Reply("C D", "2026-01-03T00:00:00Z", "Enig."),)),),
    )
    notes: list[str] = []
    docx = tokens_to_docx(tokens, options, notes)
    document = part(docx, "word/document.xml")
    assert set(ranges(document).values()) == {"støtter forslaget"} and notes == []
    runs = [(("".join(t.text or "" for t in r.iter(f"{{{W}}}t"))),
             r.find(f"{{{W}}}rPr/{{{W}}}i") is not None)
            for r in document.iter(f"{{{W}}}r") if r.find(f"{{{W}}}t") is not None]
    assert ("støtter", True) in runs and (" forslaget", False) in runs
    assert (" fuldt ud.", False) in runs
