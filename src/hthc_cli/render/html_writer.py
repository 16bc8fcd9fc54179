"""Markdown to one standalone HTML file, for a quick look in a browser.

The same features as the Word output: footnotes and citations become numbered notes at the
end, ``{#id}`` anchors become element ids, and a ``custom-style`` becomes a class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from hthc_cli.markup.parser import (
    CitationFormatter,
    CitationItem,
    css_class,
    parse_markdown,
    split_footnotes,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

    from hthc_cli.render.docx_writer import DocxOptions

_CSS = """
body { margin: 0; background: #f3f4f6; color: #1a1a1a;
  font: 11pt/1.45 Calibri, Carlito, "Segoe UI", Arial, sans-serif; }
main, section.notes { max-width: 44rem; margin: 0 auto; background: #fff;
  padding: 2.5rem 3.5rem; }
main { margin-top: 2rem; }
section.notes { margin-bottom: 2rem; font-size: 9.5pt; border-top: 1px solid #ccc; }
h1, h2, h3, h4, h5, h6 { color: #1f3864; line-height: 1.2; margin: 1.4em 0 .4em; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
p { margin: 0 0 .6em; }
a { color: #0563c1; }
blockquote { margin: .6em 1em; padding-left: .8em; border-left: 3px solid #a6a6a6;
  color: #404040; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; }
th, td { border: 1px solid #a6a6a6; padding: .2em .5em; vertical-align: top; }
th { background: #e7ecf5; text-align: left; }
code, pre { font-family: Consolas, "Liberation Mono", monospace; font-size: 10pt; }
pre { background: #f2f2f2; padding: .6em; overflow-x: auto; }
sup.note-ref { line-height: 0; }
sup.note-ref a { text-decoration: none; }
.title { font-size: 20pt; font-weight: bold; color: #1f3864; }
.subtitle { font-size: 14pt; color: #595959; }
.letterhead { text-align: right; font-weight: bold; color: #1f3864; font-size: 12pt; }
.letterhead p, .address-block p, .meta p, .signature p { margin: 0; }
.meta { color: #595959; font-size: 9pt; }
.summary { background: #eef2f8; border-left: 4px solid #1f3864; padding: .4em .8em;
  margin: .6em 0; }
.signature { margin-top: 1.2em; }
.stance { font-weight: bold; color: #1f3864; }
.page-break { break-before: page; }
@media print { body { background: #fff; } main, section.notes { margin: 0; padding: 0; } }
"""
_DRAFT_CSS = """
.draft-mark { position: sticky; top: 0; z-index: 1; text-align: center; color: #c00000;
  font-weight: bold; letter-spacing: .2em; background: #fff3f3; padding: .3em; }
@media print { .draft-mark { position: fixed; top: 0; left: 0; right: 0; background: none; }
  body { padding-top: 2em; } }
"""


def markdown_to_html(markdown: str, options: DocxOptions) -> str:
    """Render pandoc-flavoured Markdown as a standalone HTML document (see ``tokens_to_html``)."""
    return tokens_to_html(parse_markdown(markdown), options)


def tokens_to_html(tokens: Sequence[Token], options: DocxOptions) -> str:
    """Write the parser's block token stream as a standalone HTML document (inline CSS).

    A ``custom-style`` attribute becomes a class on the tokens given.
    """
    _classes_from_custom_styles(tokens)
    body, notes = split_footnotes(tokens)
    renderer = _Renderer(options.citations, notes, options.short_citations)
    main = renderer.render_blocks(body)
    notes_html = renderer.render_notes()
    meta = options.meta
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(meta.title)}</title>",
        f'<meta name="author" content="{escape(meta.author)}">',
        f'<meta name="description" content="{escape(meta.subject)}">',
        f'<meta name="keywords" content="{escape(", ".join(meta.keywords))}">',
        f'<meta name="dcterms.date" content="{meta.date.isoformat()}">',
        f"<style>{_CSS}{_DRAFT_CSS if options.draft_mark else ''}</style>",
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(meta.language)}">',
        "<head>",
        *head,
        "</head>",
        "<body>",
    ]
    if options.draft_mark:
        # Sticky on screen; fixed in print, so every printed page shows it at its top.
        parts.append(f'<div class="draft-mark">{escape(options.draft_mark)}</div>')
    parts.append(f"<main>\n{main}</main>")
    if notes_html:
        parts.append(f'<section class="notes">\n<ol>\n{notes_html}</ol>\n</section>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _classes_from_custom_styles(tokens: Sequence[Token]) -> None:
    """``custom-style="Address Block"`` -> ``class="address-block"``, on every token."""
    for token in tokens:
        if token.children:
            _classes_from_custom_styles(token.children)
        style = token.attrs.pop("custom-style", None)
        if style is not None:
            existing = str(token.attrs.get("class", ""))
            token.attrs["class"] = f"{existing} {css_class(str(style))}".strip()


class _Renderer:
    """markdown-it's HTML renderer plus notes, citations, divs, spans and images as text."""

    def __init__(
        self, citations: Mapping[str, str], notes: dict[int, list[Token]],
        short_citations: Mapping[str, str] | None = None,
    ) -> None:
        from markdown_it.renderer import RendererHTML

        from hthc_cli.markup.parser import markdown_options

        self.citations = CitationFormatter(citations, short_citations)
        self.notes = notes
        self.queue: list[str] = []
        self.active: dict[int, int] = {}
        self.options = markdown_options()
        owner = self

        class Html(RendererHTML):
            def footnote_ref(self, tokens: Sequence[Token], idx: int, *_: Any) -> str:
                parser_id = int(tokens[idx].meta["id"])
                return owner.footnote_reference(parser_id)

            def citation(self, tokens: Sequence[Token], idx: int, *_: Any) -> str:
                items: tuple[CitationItem, ...] = tuple(tokens[idx].meta["items"])
                note = owner.citations.tokens(items, tokens[idx].meta.get("line"))
                return owner.note_reference(lambda: f"<p>{owner.render_inline(note)}</p>\n")

            def image(self, tokens: Sequence[Token], idx: int, *_: Any) -> str:
                return escape(tokens[idx].content)

            def footnote_anchor(self, *_: Any) -> str:
                return ""

        self.html = Html()

    def render_blocks(self, tokens: Sequence[Token]) -> str:
        return str(self.html.render(tokens, self.options, {}))

    def render_inline(self, children: Sequence[Token]) -> str:
        return str(self.html.renderInline(children, self.options, {}))

    def footnote_reference(self, parser_id: int) -> str:
        active = self.active.get(parser_id)
        if active is not None:
            return f'<sup class="note-ref"><a href="#note-{active}">{active}</a></sup>'
        note = self.notes.get(parser_id, [])
        self.active[parser_id] = len(self.queue) + 1
        try:
            return self.note_reference(lambda: self.render_blocks(note))
        finally:
            del self.active[parser_id]

    def note_reference(self, render: Callable[[], str]) -> str:
        """A numbered reference; the note's text is rendered now and listed at the end."""
        self.queue.append("")
        number = len(self.queue)
        self.queue[number - 1] = render()
        return (
            f'<sup class="note-ref"><a href="#note-{number}" id="note-ref-{number}">'
            f"{number}</a></sup>"
        )

    def render_notes(self) -> str:
        return "".join(
            f'<li id="note-{number}">{content}'
            f'<a class="note-back" href="#note-ref-{number}" aria-label="back">\u21a9</a></li>\n'
            for number, content in enumerate(self.queue, start=1)
        )
