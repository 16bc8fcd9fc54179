"""Markdown to .docx: walk the token stream and write WordprocessingML on a reference document.

Each story (the body, every footnote) is written as XML text and parsed once, and every
style is resolved by name once, so the work grows linearly with the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.markup.parser import (
    CitationFormatter,
    CitationItem,
    parse_markdown,
    split_footnotes,
)
from hthc_cli.render import ooxml
from hthc_cli.render.ooxml import ParagraphFormat, RunFormat, w

if TYPE_CHECKING:
    from markdown_it.token import Token

    from hthc_cli.render.reference_doc import Reference


@dataclass(frozen=True)
class DocumentMeta:
    """Document properties; ``date`` is both created and modified, never the clock."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    date: date


@dataclass(frozen=True)
class DocxOptions:
    """How to render: properties, the footer's page label, the citations, the reference doc."""

    meta: DocumentMeta
    page_label: str
    citations: Mapping[str, str]
    reference_doc: Path | None = None
    short_citations: Mapping[str, str] = field(default_factory=dict)
    """Key -> the shorter form used when a work is cited again."""
    draft_mark: str | None = None


def markdown_to_docx(markdown: str, options: DocxOptions) -> bytes:
    """Render pandoc-flavoured Markdown as the bytes of a .docx file.

    The same Markdown and options always give the same bytes (zip times come from
    ``SOURCE_DATE_EPOCH`` or the document date). Raises ``RenderError`` for an unknown
    citation key or an unusable reference document.
    """
    return tokens_to_docx(parse_markdown(markdown), options)


def tokens_to_docx(tokens: Sequence[Token], options: DocxOptions) -> bytes:
    """Write a token stream (as `parse_markdown` gives it) as the bytes of a .docx file."""
    from hthc_cli.render.reference_doc import load_reference

    meta = options.meta
    timestamp = ooxml.zip_timestamp(meta.date)
    reference = load_reference(
        options.reference_doc, page_label=options.page_label, language=meta.language
    )
    _DocxBuilder(reference, options.citations, list(tokens), options.short_citations).build()
    package = reference.document.part.package
    ooxml.set_core_properties(
        package,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=meta.keywords,
        language=meta.language,
        when=meta.date,
    )
    return ooxml.save_package(package, timestamp)


_SPACE_AFTER_TABLE = 200
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")
_HEADER_FOOTER = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer",
)


def _anchors(tokens: Sequence[Token]) -> list[str]:
    """Every ``{#id}`` in document order: headings, divs and spans."""
    found: list[str] = []
    for token in tokens:
        if token.type in ("heading_open", "div_open") and "id" in token.attrs:
            found.append(str(token.attrs["id"]))
        for child in token.children or ():
            if child.type == "span_open" and "id" in child.attrs:
                found.append(str(child.attrs["id"]))
    return found


def _classes(token: Token) -> list[str]:
    return str(token.attrs.get("class", "")).split()


@dataclass
class _Story:
    """Where blocks go: the body, or one footnote."""

    relations: ooxml.Relations
    base_style: str
    in_note: bool = False
    needs_note_mark: bool = False
    out: list[str] = field(default_factory=list)


class _DocxBuilder:
    """One document: the reference, its styles, bookmarks, lists and footnotes."""

    def __init__(
        self, reference: Reference, citations: Mapping[str, str], tokens: list[Token],
        short_citations: Mapping[str, str] | None = None,
    ) -> None:
        self.document = reference.document
        self.styles = reference.styles
        self.text_width = reference.text_width
        self.citations = CitationFormatter(citations, short_citations)
        self.body_tokens, self.notes = split_footnotes(tokens)
        headers_and_footers = [
            rel.target_part.element
            for rel in self.document.part.rels.values()
            if rel.reltype in _HEADER_FOOTER and not rel.is_external
        ]
        first_id = ooxml.max_bookmark_id(headers_and_footers) + 1
        self.bookmarks = ooxml.Bookmarks(_anchors(tokens), first_id)
        self._numbering: ooxml.Numbering | None = None
        self._footnotes: ooxml.Footnotes | None = None

    @cached_property
    def quote_style(self) -> str:
        """Quote, or a reference document's Block Text when it has that and no Quote."""
        styles = self.styles
        if styles.has("Block Text", "paragraph") and not styles.has("Quote", "paragraph"):
            return styles.paragraph("Block Text")
        return styles.paragraph("Quote")

    def build(self) -> None:
        body = self.document.element.body
        sect_pr = body.find(w("sectPr"))
        if sect_pr is not None:
            body.remove(sect_pr)
        story = _Story(ooxml.Relations(self.document.part), self.styles.paragraph("Body Text"))
        _BlockWriter(self, story).render(self.body_tokens)
        if not story.out:
            story.out.append(ooxml.paragraph_open(ParagraphFormat(story.base_style)))
            story.out.append(ooxml.PARAGRAPH_CLOSE)
        body.extend(ooxml.parse_fragment("".join(story.out)))
        if sect_pr is not None:
            body.append(sect_pr)
        if self._footnotes is not None:
            self._footnotes.flush()

    @property
    def numbering(self) -> ooxml.Numbering:
        if self._numbering is None:
            self._numbering = ooxml.Numbering.attach(self.document.part)
        return self._numbering

    def note_from_footnote(self, parser_id: int) -> int:
        """A Word footnote holding Markdown footnote ``parser_id``; returns its id."""
        return self._new_note(self.notes.get(parser_id, []))

    def note_from_citation(self, items: tuple[CitationItem, ...], line: int | None) -> int:
        """A Word footnote holding the formatted references of one citation."""
        return self._new_note(_paragraph_tokens(self.citations.tokens(items, line)))

    def _new_note(self, blocks: list[Token]) -> int:
        if self._footnotes is None:
            self._footnotes = ooxml.Footnotes.attach(
                self.document.part, self.document.settings.element
            )
        note_id = self._footnotes.new_id()
        story = _Story(
            self._footnotes.relations,
            self.styles.paragraph("footnote text"),
            in_note=True,
            needs_note_mark=True,
        )
        writer = _BlockWriter(self, story)
        writer.render(blocks)
        if story.needs_note_mark:
            writer.paragraph()
            writer.close_paragraph()
        self._footnotes.add(note_id, "".join(story.out))
        return note_id


def _paragraph_tokens(children: list[Token]) -> list[Token]:
    from markdown_it.token import Token

    inline = Token("inline", "", 0)
    inline.children = children
    return [Token("paragraph_open", "p", 1), inline, Token("paragraph_close", "p", -1)]


@dataclass
class _ListLevel:
    num_id: int
    level: int


@dataclass
class _Item:
    list_level: _ListLevel
    numbered: bool = False


@dataclass
class _Pending:
    """What the next paragraph of the story takes: bookmarks, a page break, extra space."""

    anchors: list[str] = field(default_factory=list)
    page_break: bool = False
    space_before: bool = False


class _BlockWriter:
    """Block tokens into one story."""

    def __init__(self, builder: _DocxBuilder, story: _Story) -> None:
        self.builder = builder
        self.styles = builder.styles
        self.story = story
        self.out = story.out
        self.lists: list[_ListLevel] = []
        self.items: list[_Item] = []
        self.quote_depth = 0
        self.div_styles: list[str | None] = []
        self.pending = _Pending()
        self.in_paragraph = False
        self.open_bookmarks: list[int] = []

    def render(self, tokens: Sequence[Token]) -> None:
        index = 0
        count = len(tokens)
        while index < count:
            token = tokens[index]
            kind = token.type
            if kind == "inline":
                if self.in_paragraph:
                    _InlineWriter(self).render(token.children or [])
            elif kind == "paragraph_open":
                self.paragraph(self._paragraph_style(), in_list=True)
            elif kind in ("paragraph_close", "heading_close"):
                self.close_paragraph()
            elif kind == "heading_open":
                self._heading(token)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self._open_list(token)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.items.append(_Item(self.lists[-1]))
            elif kind == "list_item_close":
                item = self.items.pop()
                if not item.numbered:
                    self._number(item)
            elif kind == "blockquote_open":
                self.quote_depth += 1
            elif kind == "blockquote_close":
                self.quote_depth -= 1
            elif kind == "div_open":
                self._open_div(token)
            elif kind == "div_close":
                self.div_styles.pop()
            elif kind == "table_open":
                index = self._table(tokens, index)
            elif kind in ("fence", "code_block"):
                self._code(token.content)
            elif kind == "hr":
                self.paragraph(self.story.base_style, bottom_border=True)
                self.close_paragraph()
            index += 1
        self.close_paragraph()
        if self.pending.anchors or self.pending.page_break:
            self.paragraph(self.story.base_style)
            self.close_paragraph()

    # -- paragraphs

    def paragraph(
        self,
        style_id: str | None = None,
        *,
        in_list: bool = False,
        align: str | None = None,
        bottom_border: bool = False,
    ) -> None:
        """Open a paragraph, with pending bookmarks and breaks and its place in a list."""
        self.close_paragraph()
        pending = self.pending
        numbering: tuple[int, int] | None = None
        indent: int | None = None
        if in_list and self.items:
            item = self.items[-1]
            level = item.list_level
            if item.numbered:
                indent = ooxml.list_indent(level.level)
            else:
                item.numbered = True
                numbering = (level.num_id, level.level)
        fmt = ParagraphFormat(
            style_id=style_id or self.story.base_style,
            page_break_before=pending.page_break,
            numbering=numbering,
            bottom_border=bottom_border,
            space_before=_SPACE_AFTER_TABLE if pending.space_before else None,
            indent_left=indent,
            align=align,
        )
        out = self.out
        out.append(ooxml.paragraph_open(fmt))
        pending.page_break = pending.space_before = False
        for anchor in pending.anchors:
            started = self.builder.bookmarks.start(anchor)
            if started is not None:
                self.open_bookmarks.append(started[0])
                out.append(started[1])
        pending.anchors.clear()
        if self.story.needs_note_mark:
            out.append(ooxml.footnote_mark(self.styles.character("footnote reference")))
            self.story.needs_note_mark = False
        self.in_paragraph = True

    def close_paragraph(self) -> None:
        if not self.in_paragraph:
            return
        for bookmark_id in self.open_bookmarks:
            self.out.append(ooxml.Bookmarks.end(bookmark_id))
        self.open_bookmarks.clear()
        self.out.append(ooxml.PARAGRAPH_CLOSE)
        self.in_paragraph = False

    def _paragraph_style(self) -> str:
        for style in reversed(self.div_styles):
            if style:
                return style
        if self.items:
            return self.styles.paragraph("List Paragraph")
        if self.quote_depth:
            return self.builder.quote_style
        return self.story.base_style

    # -- blocks

    def _heading(self, token: Token) -> None:
        self.pending.space_before = False
        if "id" in token.attrs:
            self.pending.anchors.append(str(token.attrs["id"]))
        if "page-break" in _classes(token):
            self.pending.page_break = True
        if self.story.in_note:
            self.paragraph(self.story.base_style)
            return
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        self.paragraph(self.styles.paragraph(f"heading {min(max(level, 1), 6)}"), in_list=True)

    def _open_div(self, token: Token) -> None:
        if "id" in token.attrs:
            self.pending.anchors.append(str(token.attrs["id"]))
        if "page-break" in _classes(token):
            self.pending.page_break = True
        custom = token.attrs.get("custom-style")
        self.div_styles.append(self.styles.paragraph(str(custom)) if custom else None)

    def _open_list(self, token: Token) -> None:
        if self.items and not self.items[-1].numbered:
            self._number(self.items[-1])
        ordered = token.type == "ordered_list_open"
        start = 1
        if ordered:
            try:
                start = max(0, int(str(token.attrs.get("start", 1))))
            except ValueError:
                start = 1
        level = min(len(self.lists), 8)
        num_id = self.builder.numbering.new_list(ordered, level, start)
        self.lists.append(_ListLevel(num_id, level))

    def _number(self, item: _Item) -> None:
        """Give ``item`` its numbered first paragraph (an empty one when it has no text)."""
        self.close_paragraph()
        self.items.append(item)
        try:
            self.paragraph(self._paragraph_style(), in_list=True)
            self.close_paragraph()
        finally:
            self.items.pop()

    def _code(self, content: str) -> None:
        self.paragraph(self.styles.paragraph("Source Code"))
        for index, line in enumerate(content.rstrip("\n").split("\n")):
            if index:
                self.out.append(ooxml.line_break())
            if line:
                self.out.append(ooxml.run(line))
        self.close_paragraph()

    def _table(self, tokens: Sequence[Token], start: int) -> int:
        rows: list[tuple[bool, list[tuple[str | None, Token | None]]]] = []
        in_head = False
        cell_align: str | None = None
        cell_inline: Token | None = None
        index = start + 1
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "table_close":
                break
            if kind == "thead_open":
                in_head = True
            elif kind == "thead_close":
                in_head = False
            elif kind == "tr_open":
                rows.append((in_head, []))
            elif kind in ("th_open", "td_open"):
                match = _ALIGN.search(str(token.attrs.get("style", "")))
                cell_align = match.group(1) if match else None
                cell_inline = None
            elif kind == "inline":
                cell_inline = token
            elif kind in ("th_close", "td_close") and rows:
                rows[-1][1].append((cell_align, cell_inline))
            index += 1
        self.close_paragraph()
        self.pending.space_before = False
        columns = max((len(cells) for _, cells in rows), default=0)
        if columns == 0:
            return index
        widths = self._column_widths(rows, columns)
        out = self.out
        out.append(ooxml.table_open(self.styles.table("Table Grid"), widths))
        cell_style = (
            self.story.base_style if self.story.in_note else self.styles.paragraph("Normal")
        )
        for header, cells in rows:
            out.append(ooxml.row_open(header))
            for column in range(columns):
                align, inline = cells[column] if column < len(cells) else (None, None)
                out.append(ooxml.cell_open(widths[column]))
                self.paragraph(cell_style, align=align if align in ("right", "center") else None)
                if inline is not None:
                    _InlineWriter(self).render(inline.children or [])
                self.close_paragraph()
                out.append(ooxml.CELL_CLOSE)
            out.append(ooxml.ROW_CLOSE)
        out.append(ooxml.TABLE_CLOSE)
        self.pending.space_before = True
        return index

    def _column_widths(
        self, rows: list[tuple[bool, list[tuple[str | None, Token | None]]]], columns: int
    ) -> list[int]:
        """Widths (twips) in proportion to each column's text, within limits."""
        weights = [4] * columns
        for _, cells in rows:
            for column, (_, inline) in enumerate(cells[:columns]):
                if inline is not None:
                    longest = max((len(word) for word in inline.content.split()), default=0)
                    # the longest word must fit on one line, with the cell's margins
                    weight = max(len(inline.content) // 3, longest * 8 // 5, 4)
                    weights[column] = max(weights[column], min(weight, 40))
        total = sum(weights)
        widths = [self.builder.text_width * weight // total for weight in weights]
        widths[-1] += self.builder.text_width - sum(widths)
        return widths


_TOGGLES: dict[str, tuple[str, int]] = {
    "strong_open": ("bold", 1),
    "strong_close": ("bold", -1),
    "em_open": ("italic", 1),
    "em_close": ("italic", -1),
    "s_open": ("strike", 1),
    "s_close": ("strike", -1),
}


class _InlineWriter:
    """Inline tokens into runs of the open paragraph; text is buffered while its format holds."""

    def __init__(self, blocks: _BlockWriter) -> None:
        self.builder = blocks.builder
        self.styles = blocks.styles
        self.story = blocks.story
        self.out = blocks.out
        self.links: list[bool] = []
        self.spans: list[tuple[bool, int | None]] = []
        self.char_styles: list[str] = []
        self.bold = self.italic = self.strike = 0
        self.buffer: list[str] = []
        self.buffer_format = ooxml.PLAIN
        self.ends_with_space = True

    def format(self) -> RunFormat:
        if self.links and self.links[-1]:
            style: str | None = self.styles.character("Hyperlink")
        else:
            style = self.char_styles[-1] if self.char_styles else None
        return RunFormat(style, self.bold > 0, self.italic > 0, self.strike > 0)

    def text(self, text: str) -> None:
        fmt = self.format()
        if self.buffer and fmt != self.buffer_format:
            self.flush()
        self.buffer.append(text)
        self.buffer_format = fmt
        if text:
            self.ends_with_space = text[-1].isspace()

    def flush(self) -> None:
        if self.buffer:
            text = "".join(self.buffer)
            if text:
                self.out.append(ooxml.run(text, self.buffer_format))
            self.buffer.clear()

    def render(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            self.token(token)
        self.flush()
        for opened in reversed(self.links):
            if opened:
                self.out.append(ooxml.HYPERLINK_CLOSE)
        self.links.clear()

    def token(self, token: Token) -> None:
        kind = token.type
        if kind == "text":
            self.text(token.content)
        elif kind == "softbreak":
            self.text(" ")
        elif kind == "hardbreak":
            self.flush()
            self.out.append(ooxml.line_break(self.format()))
        elif kind in _TOGGLES:
            self.flush()
            name, step = _TOGGLES[kind]
            setattr(self, name, max(0, getattr(self, name) + step))
        elif kind == "code_inline":
            self.flush()
            fmt = self.format()
            verbatim = self.styles.character("Verbatim Char")
            code = RunFormat(verbatim, fmt.bold, fmt.italic, fmt.strike)
            self.out.append(ooxml.run(token.content, code))
        elif kind == "link_open":
            self._open_link(str(token.attrs.get("href", "")))
        elif kind == "link_close":
            self.flush()
            if self.links and self.links.pop():
                self.out.append(ooxml.HYPERLINK_CLOSE)
        elif kind == "span_open":
            self._open_span(token)
        elif kind == "span_close":
            self._close_span()
        elif kind == "image":
            self.text(token.content)
        elif kind == "footnote_ref":
            self._note(int(token.meta["id"]), None, None)
        elif kind == "citation":
            self._note(None, tuple(token.meta["items"]), token.meta.get("line"))
        elif token.content:
            self.text(token.content)

    def _open_link(self, href: str) -> None:
        self.flush()
        opened: str | None = None
        if not any(self.links):
            if href.startswith("#"):
                name = self.builder.bookmarks.name(href[1:])
                if name is not None:
                    opened = ooxml.internal_hyperlink(name)
            elif href:
                opened = ooxml.external_hyperlink(self.story.relations.external(href))
        self.links.append(opened is not None)
        if opened is not None:
            self.out.append(opened)

    def _open_span(self, token: Token) -> None:
        self.flush()
        custom = token.attrs.get("custom-style")
        if custom:
            self.char_styles.append(self.styles.character(str(custom)))
        bookmark_id = None
        if "id" in token.attrs:
            started = self.builder.bookmarks.start(str(token.attrs["id"]))
            if started is not None:
                bookmark_id = started[0]
                self.out.append(started[1])
        self.spans.append((bool(custom), bookmark_id))

    def _close_span(self) -> None:
        self.flush()
        if self.spans:
            styled, bookmark_id = self.spans.pop()
            if styled:
                self.char_styles.pop()
            if bookmark_id is not None:
                self.out.append(ooxml.Bookmarks.end(bookmark_id))

    def _note(
        self,
        parser_id: int | None,
        items: tuple[CitationItem, ...] | None,
        line: int | None,
    ) -> None:
        self.flush()
        if self.story.in_note:
            self._inline_note(parser_id, items, line)
            return
        if items is not None:
            note_id = self.builder.note_from_citation(items, line)
        else:
            note_id = self.builder.note_from_footnote(parser_id or 0)
        style = self.styles.character("footnote reference")
        self.out.append(ooxml.footnote_reference(note_id, style))

    def _inline_note(
        self,
        parser_id: int | None,
        items: tuple[CitationItem, ...] | None,
        line: int | None,
    ) -> None:
        """A note inside a note cannot be a footnote: its text goes in parentheses."""
        if items is not None:
            children = self.builder.citations.tokens(items, line)
        else:
            children = []
            for token in self.builder.notes.get(parser_id or 0, []):
                if token.type == "inline" and token.children:
                    if children:
                        children.append(_text_token(" "))
                    children.extend(token.children)
        self.text("(" if self.ends_with_space else " (")
        for child in children:
            if child.type not in ("footnote_ref", "citation"):
                self.token(child)
        self.text(")")


def _text_token(text: str) -> Token:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = text
    return token
