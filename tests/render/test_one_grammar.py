"""What check passes, render prints whole: each text is parsed on its own, by the one dialect.

Each test writes a small workspace (the check fixtures' base, with one text changed), checks
it as `hthc check` does, renders it, and reads the .docx back.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from hthc_cli.base.diagnostics import Severity
from hthc_cli.check.checker import check_workspace
from hthc_cli.check.rules import CheckOptions
from hthc_cli.render.pipeline import plan, render_bytes

BASE = Path(__file__).resolve().parents[1] / "check" / "fixtures" / "base"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARGUMENT = "        Lukkede platforme binder regionerne til én leverandør, jf. [[SSK-DATA]].\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_argument(root: Path, markdown: str) -> None:
    """P-2's Danish argument, as a block scalar."""
    body = "".join(f"        {line}\n" if line else "\n" for line in markdown.split("\n"))
    edit(root, "positions/p.yaml", ARGUMENT, body)


def errors(root: Path) -> list[str]:
    result = check_workspace(root, CheckOptions())
    return [f"{d.location}: {d.code} {d.message}" for d in result.diagnostics
            if d.severity == Severity.ERROR]


def render(root: Path, fmt: str = "docx", language: str = "da") -> bytes:
    assert errors(root) == []
    result = check_workspace(root, CheckOptions())
    (job,) = plan(result.workspace, "R-1", language, fmt, None, None).jobs
    return render_bytes(result.workspace, job, fmt)


def paragraphs(docx: bytes, part: str = "word/document.xml") -> list[tuple[str, str]]:
    """(style, text) of every paragraph of a part, in order."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read(part))
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def texts(docx: bytes, part: str = "word/document.xml") -> list[str]:
    return [text for _, text in paragraphs(docx, part)]


def signed(docx: bytes) -> bool:
    return any(text.startswith("Med venlig hilsen") for text in texts(docx))


def hyperlinks(docx: bytes) -> list[tuple[str, str]]:
    """(target, text) of every hyperlink: an anchor inside the document, or a web address."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    found = []
    for link in root.iter(f"{W}hyperlink"):
        rel = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = targets.get(rel) if rel else "#" + (link.get(f"{W}anchor") or "")
        found.append((target or "", "".join(t.text or "" for t in link.iter(f"{W}t"))))
    return found


def document_xml(docx: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read(part).decode("utf-8")


def test_an_unclosed_code_fence_stays_inside_its_text(ws: Path) -> None:
    set_argument(ws, "Før koden:\n\n```\nkode [[P-1]] uden slutning")
    docx = render(ws)
    shown = paragraphs(docx)
    assert ("SourceCode", "kode [[P-1]] uden slutning") in [
        (style, text) for style, text in shown if style == "SourceCode"
    ] or any(text == "kode [[P-1]] uden slutning" for _, text in shown)
    headings = [text for style, text in shown if style.startswith("Heading")]
    # what follows the text is still the document: the closing heading and the annex
    assert "Afslutning" in headings
    assert any(text.startswith("Bilag") for text in headings)
    assert signed(docx)
    assert not any("```" in text or ":::" in text for text in texts(docx))


def test_an_unclosed_div_stays_inside_its_text(ws: Path) -> None:
    set_argument(ws, "::: {custom-style=\"Quote\"}\nCiteret uden slutning")
    docx = render(ws)
    headings = [text for style, text in paragraphs(docx) if style.startswith("Heading")]
    assert "Afslutning" in headings
    assert signed(docx)


def test_a_list_ten_deep_loses_no_item_and_nothing_after_it(ws: Path) -> None:
    items = "\n".join("  " * depth + f"- punkt{depth + 1}" for depth in range(10))
    set_argument(ws, items + "\n\nEfter listen.")
    docx = render(ws)
    shown = texts(docx)
    for depth in range(10):
        assert f"punkt{depth + 1}" in shown
    assert "Efter listen." in shown
    assert signed(docx)


def test_code_is_verbatim(ws: Path) -> None:
    set_argument(ws, "Skriv `[^1]`, `[[P-1]]`, `[@ref-2023]` og `<b>` sådan.")
    assert errors(ws) == []
    result = check_workspace(ws, CheckOptions())
    assert [d.code for d in result.diagnostics if d.code in ("HTHC308", "HTHC206")] == []
    docx = render(ws)
    assert "Skriv [^1], [[P-1]], [@ref-2023] og <b> sådan." in texts(docx)
    assert "footnoteReference" not in document_xml(docx).split("Skriv")[1].split("sådan")[0]


def test_footnote_labels_belong_to_their_text(ws: Path) -> None:
    set_argument(ws, "Anden tekst[^1].\n\n[^1]: Note til P-2.")
    edit(ws, "positions/p.yaml",
         "      da: Rapporten mangler de strukturelle ændringer, som digitaliseringen kræver.",
         "      da: \"Rapporten mangler ændringer[^1].\\n\\n[^1]: Note til P-NEW.\"")
    notes = texts(render(ws), "word/footnotes.xml")
    assert any(text.endswith("Note til P-2.") for text in notes)
    assert any(text.endswith("Note til P-NEW.") for text in notes)


def test_a_wikilink_inside_a_link_keeps_the_outer_link(ws: Path) -> None:
    set_argument(ws, "Se [rapporten om [[P-1]] her](https://example.org/r).")
    docx = render(ws)
    assert "Se rapporten om En national strategi her." in texts(docx)
    assert ("https://example.org/r", "rapporten om En national strategi her") in hyperlinks(docx)


def test_a_wikilink_becomes_a_link_to_the_item_heading(ws: Path) -> None:
    set_argument(ws, "Se [[P-NEW]].")
    docx = render(ws)
    assert "Se Telemedicinske centre." in texts(docx)
    links = dict((text, target) for target, text in hyperlinks(docx))
    assert links["Telemedicinske centre"].startswith("#_hthc_P_NEW")


def test_a_new_proposal_listed_under_specific_is_in_the_body(ws: Path) -> None:
    edit(ws, "responses/r.yaml", "general:\n  - P-NEW\n",
         "general: []\nspecific:\n  - P-1\n  - P-2\n  - P-NEW\n")
    shown = paragraphs(render(ws))
    headings = [text for style, text in shown if style.startswith("Heading")]
    assert "Nye forslag" in headings
    assert "Telemedicinske centre" in headings
    assert "Rapporten mangler de strukturelle ændringer, som digitaliseringen kræver." in [
        text for _, text in shown
    ]


@pytest.mark.parametrize("title", ["Tryg &amp; sikker &copy; ~~data~~", "1. prioritet: *data*"])
def test_one_line_texts_print_exactly_as_written(ws: Path, title: str) -> None:
    edit(ws, "positions/p.yaml", "      da: Dataplatformen skal være åben",
         f"      da: \"{title}\"")
    edit(ws, "hthc.yaml", "name: Sundhedsforeningen", f"name: \"{title}\"")
    docx = render(ws)
    headings = [text for style, text in paragraphs(docx) if style.startswith("Heading")]
    assert title in headings
    assert title in texts(docx)[0]  # the letterhead
    assert "<w:strike" not in document_xml(docx)


def test_a_title_with_a_line_break_is_one_heading(ws: Path) -> None:
    edit(ws, "positions/p.yaml", "      da: Dataplatformen skal være åben",
         "      da: |\n        Dataplatformen skal\n        være åben")
    docx = render(ws)
    headings = [text for style, text in paragraphs(docx) if style.startswith("Heading")]
    assert "Dataplatformen skal være åben" in headings
    assert "være åben" not in headings


def test_every_field_of_the_format_reaches_the_document(ws: Path) -> None:
    edit(ws, "references.yaml", "    url: https://example.org/bedre-digital-sundhed",
         "    url: https://example.org/bedre-digital-sundhed\n    accessed: 2024-08-01")
    edit(ws, "hthc.yaml", "  website: https://example.org", "  website: https://example.org\n"
         "  cvr: \"12345678\"\n  email: post@example.org\n  phone: \"+45 70 10 20 30\"")
    docx = render(ws)
    letterhead = texts(docx)[0]
    assert "CVR-nr. 12345678" in letterhead
    assert "post@example.org" in letterhead and "Telefon +45 70 10 20 30" in letterhead
    assert any("Udgivet af: Sundhedsstrukturkommissionen, 11. juni 2024" in text
               for text in texts(docx)[:4])
    notes = texts(docx, "word/footnotes.xml")
    assert any("Besøgt 1. august 2024." in text for text in notes)
    english = render(ws, language="en")
    assert any("Accessed 1 August 2024." in text for text in texts(english, "word/footnotes.xml"))


def test_markdown_output_writes_each_text_in_place(ws: Path) -> None:
    set_argument(ws, "Første afsnit med [[P-1]][^a].\n\n- punkt\n\n[^a]: En note.")
    md = render(ws, "md").decode("utf-8")
    assert "Første afsnit med [En national strategi](#P-1)[^t" in md
    assert "[[" not in md


def test_markdown_output_closes_what_a_text_leaves_open(ws: Path) -> None:
    from hthc_cli.markup.parser import parse_markdown

    set_argument(ws, "Før koden:\n\n~~~~\nkode uden slutning")
    tokens = parse_markdown(render(ws, "md").decode("utf-8"))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Afslutning" in headings  # what follows the text is still the document
    (code,) = [t for t in tokens if t.type == "fence"]
    assert code.content == "kode uden slutning\n"
