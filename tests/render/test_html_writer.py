"""Markdown to one standalone HTML file: what a reader sees in the browser."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hthc_cli.base.errors import RenderError
from hthc_cli.markup.parser import parse_markdown
from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions
from hthc_cli.render.html_writer import markdown_to_html, tokens_to_html

FEATURES = (Path(__file__).parent / "fixtures" / "features.md").read_text(encoding="utf-8")
CITATIONS = {
    "ssk2024": "Sundhedsstrukturkommissionen (2024): *Beslutningsgrundlag*. <https://www.ism.dk>.",
    "bds2023": "Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): "
    "*Bedre Digital Sundhed*.",
}


def options(title: str = "Høringssvar om SSK", draft_mark: str | None = None) -> DocxOptions:
    return DocxOptions(
        meta=DocumentMeta(
            title=title,
            author="Health Tech Hub Copenhagen",
            subject="Sundhedsstrukturkommissionens afrapportering",
            keywords=("høringssvar", "SSK-2024"),
            language="da-DK",
            date=date(2024, 8, 5),
        ),
        page_label="Side {page} af {pages}",
        citations=CITATIONS,
        draft_mark=draft_mark,
    )


class Page(HTMLParser):
    """Tags, ids and classes of an HTML page, and whether it is well nested."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unexpected </{tag}>")

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def html() -> str:
    return markdown_to_html(FEATURES, options())


def notes(html: str) -> list[str]:
    section = html.split('<section class="notes">', 1)[1]
    items = re.findall(r'<li id="note-(\d+)">(.*?)</li>', section, re.DOTALL)
    assert [int(number) for number, _ in items] == list(range(1, len(items) + 1))
    return [re.sub(r"<[^>]+>", "", body).replace("\u21a9", "").strip() for _, body in items]


def test_it_is_one_standalone_well_formed_page(html: str) -> None:
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>")
    assert page.find("html", lang="da-DK")
    assert "<title>Høringssvar om SSK</title>" in html
    assert page.find("meta", name="author", content="Health Tech Hub Copenhagen")
    assert page.find("style")
    assert not page.find("script") and not page.find("link") and not page.find("img")
    assert page.problems == [] and page.stack == []


def test_footnotes_and_citations_are_numbered_notes_at_the_end(html: str) -> None:
    texts = notes(html)
    assert texts[0] == "Tak til medlemmerne for deres input."
    assert texts[1] == (
        "Sundhedsstrukturkommissionen (2024): Beslutningsgrundlag. https://www.ism.dk, s. 12."
    )
    assert texts[2] == (
        "Sundhedsstrukturkommissionen (2024): Beslutningsgrundlag. https://www.ism.dk; "
        "Health Tech Hub Copenhagen og Tænketanken Mandag Morgen (2023): Bedre Digital Sundhed."
    )
    assert texts[3] == "En fodnote skrevet inline."
    page = Page(html)
    for number in range(1, 5):
        assert page.find("a", href=f"#note-{number}", id=f"note-ref-{number}")
        assert page.find("a", href=f"#note-ref-{number}")


def test_anchors_are_ids_and_internal_links_point_at_them(html: str) -> None:
    page = Page(html)
    assert page.find("h2", id="SSK-2024-DIGI")
    assert page.find("div", id="HTHC-POS-001", **{"class": "summary"})
    assert page.find("a", href="#SSK-2024-DIGI")
    assert page.find("a", href="#HTHC-POS-001")


def test_custom_styles_are_classes(html: str) -> None:
    page = Page(html)
    assert page.find("div", **{"class": "letterhead"})
    assert page.find("span", **{"class": "stance"})
    assert "custom-style" not in html


def test_template_syntax_and_raw_html_are_shown_as_text(html: str) -> None:
    assert "Skabelonkode {{ x }} og &lt;script&gt;alert(1)&lt;/script&gt; forbliver tekst." in html
    assert "<script>" not in html


def test_tables_lists_and_quotes_keep_their_structure(html: str) -> None:
    page = Page(html)
    assert len(page.find("ol")) == 3
    assert page.find("blockquote")
    assert page.find("th", style="text-align:right")


def test_the_title_and_properties_are_escaped() -> None:
    html = markdown_to_html("Text", options(title='A <b>"quoted"</b> & title'))
    assert "<title>A &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; title</title>" in html


def test_an_unknown_citation_key_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="unknown citation key @nope"):
        markdown_to_html("Text [@nope].", options())


def test_a_note_that_refers_to_itself_does_not_loop() -> None:
    html = markdown_to_html("Text[^a].\n\n[^a]: See note[^a].\n", options())
    assert notes(html) == ["See note1."]


def test_the_writer_takes_the_parsers_tokens(html: str) -> None:
    assert tokens_to_html(parse_markdown(FEATURES), options()) == html


def test_notes_inside_notes_keep_their_citations_blocks_and_third_level() -> None:
    html = markdown_to_html(
        "Body text[^a].\n\n"
        "[^a]: Outer note[^b] ends here.\n\n"
        "[^b]: Inner note citing [@bds2023] with a deeper note[^c].\n\n"
        "    Inner second paragraph.\n\n"
        "    ```\n"
        "    inner  code\n"
        "    ```\n\n"
        "[^c]: Third level text.\n",
        options(),
    )
    texts = notes(html)
    assert texts[0] == "Outer note2 ends here."
    assert texts[1].startswith("Inner note citing3 with a deeper note4.")
    assert "Inner second paragraph." in texts[1] and "inner  code" in texts[1]
    assert texts[2].startswith("Health Tech Hub Copenhagen og Tænketanken")
    assert texts[3] == "Third level text."


def test_a_draft_mark_heads_the_page_and_every_printed_page() -> None:
    html = markdown_to_html("Text", options(draft_mark="UDKAST"))
    page = Page(html)
    assert page.find("div", **{"class": "draft-mark"})
    assert '<div class="draft-mark">UDKAST</div>' in html
    assert ".draft-mark" in html.split("@media print", 1)[1]


def test_without_a_draft_mark_the_page_has_none(html: str) -> None:
    assert "draft-mark" not in html
