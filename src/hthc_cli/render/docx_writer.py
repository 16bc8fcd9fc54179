"""Markdown to .docx: walk the token stream and write WordprocessingML on a reference document.

Each story (the body, every footnote) is written as XML text and parsed once, and every
style is resolved by name once, so the work grows linearly with the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.memory import collector_paused
from hthc_cli.markup.compose import MARK_CLOSE, MARK_OPEN
from hthc_cli.markup.parser import (
    CitationFormatter,
    CitationItem,
    parse_markdown,
    split_footnotes,
)
from hthc_cli.markup.redline import CHANGE, CHANGE_CLOSE, CHANGE_OPEN, differs, redline
from hthc_cli.render import ooxml
from hthc_cli.render.marks import Mark
from hthc_cli.render.ooxml import ParagraphFormat, RunFormat, w

if TYPE_CHECKING:
    from markdown_it.token import Token

    from hthc_cli.render.comments import OpenComment
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
    """Shown in every page header (e.g. "UDKAST") while the document is a draft."""
    page_numbers: bool = True
    """Add the page label to the footer unless the reference document shows page numbers."""
    properties: Sequence[tuple[str, str]] = ()
    """Custom document properties (the document's identity), before one per mark."""
    revision: ooxml.Revision | None = None
    """Who and when of the tracked changes a redline's tokens mark (see markup.redline)."""
    old_citations: Mapping[str, str] = field(default_factory=dict)
    """A redline's citations as the earlier side formats them (for deleted citations)."""
    old_short_citations: Mapping[str, str] = field(default_factory=dict)
    comments: Sequence[OpenComment] = ()
    """Review comments to show as Word comments on the words of their texts."""


def markdown_to_docx(markdown: str, options: DocxOptions) -> bytes:
    """Render pandoc-flavoured Markdown as the bytes of a .docx file (see ``tokens_to_docx``)."""
    return tokens_to_docx(parse_markdown(markdown), options)


def tokens_to_docx(
    tokens: Sequence[Token], options: DocxOptions, notes: list[str] | None = None
) -> bytes:
    """Write the parser's block token stream as the bytes of a .docx file.

    The same tokens and options always give the same bytes (zip times come from
    ``SOURCE_DATE_EPOCH`` or the document date). Raises ``RenderError`` for an unknown
    citation key or an unusable reference document. A comment that cannot be shown on its
    own words adds a one-line note to `notes`.
    """
    from hthc_cli.render.reference_doc import add_draft_mark, load_reference

    meta = options.meta
    timestamp = ooxml.zip_timestamp(meta.date)
    reference = load_reference(
        options.reference_doc, page_label=options.page_label, language=meta.language,
        page_numbers=options.page_numbers,
    )
    if options.draft_mark:
        add_draft_mark(reference, options.draft_mark)
    builder = _DocxBuilder(reference, options.citations, tokens, options.short_citations)
    if options.revision is not None:
        builder.track(options.revision, options.old_citations, options.old_short_citations)
    with collector_paused():
        blobs = builder.build(in_tree=bool(options.comments))
    if options.comments:
        from hthc_cli.render.comments import place_comments

        said = place_comments(reference, builder.marks.placed_marks, options.comments)
        if notes is not None:
            notes.extend(said)
    package = reference.document.part.package
    properties = [*options.properties, *builder.marks.properties()]
    if properties:
        ooxml.set_custom_properties(package, properties)
    ooxml.set_core_properties(
        package,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=meta.keywords,
        language=meta.language,
        when=meta.date,
    )
    return ooxml.save_package(package, timestamp, blobs)


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


class _Out(list[str]):
    """XML fragments as they are written; every few thousand become one UTF-8 chunk.

    A long document writes millions of small strings: as separate objects they took more
    memory than their text, and joined and encoded at the end they were held three times.
    """

    _CHUNK = 4096

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def append(self, fragment: str) -> None:
        super().append(fragment)
        if len(self) >= self._CHUNK:
            self.chunks.append("".join(self).encode("utf-8"))
            super().clear()

    def __bool__(self) -> bool:
        return bool(self.chunks) or len(self) > 0

    def encoded(self) -> list[bytes]:
        """Everything written, as UTF-8 chunks; the fragments are let go."""
        if len(self):
            self.chunks.append("".join(self).encode("utf-8"))
            super().clear()
        chunks, self.chunks = self.chunks, []
        return chunks

    def text(self) -> str:
        return b"".join(self.encoded()).decode("utf-8")


@dataclass
class _Story:
    """Where blocks go: the body, or one footnote."""

    relations: ooxml.Relations
    base_style: str
    in_note: bool = False
    needs_note_mark: bool = False
    out: _Out = field(default_factory=_Out)
    open_marks: list[int] = field(default_factory=list)
    """Bookmark ids of the marks opened and not closed yet, innermost last."""
    change: str | None = None
    """A note whose reference was inserted or deleted: every run of it is, too."""


class _MarkNames:
    """The bookmark name of each mark placed, `_2`, `_3`… for a text placed again, and the
    custom property that says where each came from."""

    def __init__(self) -> None:
        self.placed: dict[str, int] = {}
        self.written: list[tuple[str, str]] = []
        self.placed_marks: dict[str, Mark] = {}
        """Bookmark name → mark, in the order placed."""

    def name(self, mark: object) -> str:
        from hthc_cli.render.marks import MAX_VALUE, encode_mark

        assert isinstance(mark, Mark)
        base = mark.name()
        occurrence = self.placed.get(base, 0) + 1
        self.placed[base] = occurrence
        name = mark.name(occurrence)
        self.placed_marks[name] = mark
        value = encode_mark(mark)
        if len(value) <= MAX_VALUE:
            self.written.append((name, value))
        return name

    def properties(self) -> list[tuple[str, str]]:
        return self.written


def _written() -> list[Token]:
    from markdown_it.token import Token

    return [Token("hthc_written", "", 0)]


class _DocxBuilder:
    """One document: the reference, its styles, bookmarks, lists and footnotes."""

    def __init__(
        self, reference: Reference, citations: Mapping[str, str], tokens: Sequence[Token],
        short_citations: Mapping[str, str] | None = None,
    ) -> None:
        self.document = reference.document
        self.styles = reference.styles
        self.text_width = reference.text_width
        self.citations = CitationFormatter(citations, short_citations)
        self.body_tokens, self.notes = split_footnotes(tokens)
        anchors = _anchors(tokens)
        if isinstance(tokens, list):
            tokens.clear()  # the body is freed as it is written (see _BlockWriter.render)
        headers_and_footers = [
            rel.target_part.element
            for rel in self.document.part.rels.values()
            if rel.reltype in _HEADER_FOOTER and not rel.is_external
        ]
        first_id = ooxml.max_bookmark_id(headers_and_footers) + 1
        self.bookmarks = ooxml.Bookmarks(anchors, first_id)
        self.marks = _MarkNames()
        self._numbering: ooxml.Numbering | None = None
        self._footnotes: ooxml.Footnotes | None = None
        self.inline_notes: set[int] = set()
        """The Markdown footnotes being written (a note cannot nest: one inside is inline)."""
        self.revision: ooxml.Revision | None = None
        self.old_citations: CitationFormatter | None = None
        self._next_change = 1

    def track(
        self, revision: ooxml.Revision, old_citations: Mapping[str, str],
        old_short: Mapping[str, str],
    ) -> None:
        """Write the change marks of a redline's tokens as tracked changes by `revision`."""
        self.revision = revision
        self.old_citations = CitationFormatter(old_citations, old_short)

    def _change_id(self) -> int:
        change_id = self._next_change
        self._next_change += 1
        return change_id

    def change_mark(self, kind: str | None) -> str:
        """An empty tracked ``w:ins``/``w:del`` (a paragraph mark, a row), or nothing."""
        if kind is None or self.revision is None:
            return ""
        return ooxml.change_mark(kind, self._change_id(), self.revision)

    def change_open(self, kind: str) -> str:
        assert self.revision is not None
        return ooxml.change_open(kind, self._change_id(), self.revision)

    @cached_property
    def quote_style(self) -> str:
        """Quote, or a reference document's Block Text when it has that and no Quote."""
        styles = self.styles
        if styles.has("Block Text", "paragraph") and not styles.has("Quote", "paragraph"):
            return styles.paragraph("Block Text")
        return styles.paragraph("Quote")

    def build(self, in_tree: bool = False) -> dict[str, list[bytes]]:
        """Write the body and the notes; returns the main part's XML by part name.

        With `in_tree` (or where the main part cannot take it as text), the body goes into
        the document's element tree instead, for what is added to it afterwards.
        """
        story = _Story(ooxml.Relations(self.document.part), self.styles.paragraph("Body Text"))
        body, self.body_tokens = self.body_tokens, []
        _BlockWriter(self, story).render(body, release=True)
        if not story.out:
            story.out.append(ooxml.paragraph_open(ParagraphFormat(story.base_style)))
            story.out.append(ooxml.PARAGRAPH_CLOSE)
        content = story.out.encoded()
        if self._footnotes is not None:
            self._footnotes.flush()
        root = self.document.element
        xml = None if in_tree else ooxml.document_xml(root, content)
        if xml is not None:
            return {str(self.document.part.partname): xml}
        body = root.body
        sect_pr = body.find(w("sectPr"))
        if sect_pr is not None:
            body.remove(sect_pr)
        body.extend(ooxml.parse_fragment(b"".join(content).decode("utf-8")))
        if sect_pr is not None:
            body.append(sect_pr)
        return {}

    @property
    def numbering(self) -> ooxml.Numbering:
        if self._numbering is None:
            self._numbering = ooxml.Numbering.attach(self.document.part)
        return self._numbering

    def note_from_footnote(self, parser_id: int, change: str | None = None) -> int:
        """A Word footnote holding Markdown footnote ``parser_id``; returns its id.

        ``change``: the reference is inserted or deleted, and so is every run of the note.
        """
        self.inline_notes.add(parser_id)
        try:
            return self._new_note(self.notes.get(parser_id, []), change)
        finally:
            self.inline_notes.discard(parser_id)

    def note_from_citation(
        self, items: tuple[CitationItem, ...], line: int | None, change: str | None = None
    ) -> int:
        """A Word footnote holding the formatted references of one citation.

        In a redline, each side counts the works it cites (a work cited again is cited
        short): a deleted citation is formatted as the earlier side does, others as the
        later side does, and a citation on both sides counts on both.
        """
        old = self.old_citations
        if old is not None and change == "del":
            return self._new_note(_paragraph_tokens(old.tokens(items, line)), change)
        blocks = _paragraph_tokens(self.citations.tokens(items, line))
        if old is not None and change is None:
            earlier = _paragraph_tokens(old.tokens(items, line))
            if differs(earlier, blocks):
                blocks = redline(earlier, blocks)
        return self._new_note(blocks, change)

    def _new_note(self, blocks: list[Token], change: str | None = None) -> int:
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
            change=change,
        )
        writer = _BlockWriter(self, story)
        writer.render(blocks)
        if story.needs_note_mark:
            writer.paragraph()
            writer.close_paragraph()
        self._footnotes.add(note_id, story.out.text())
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
    marks: list[object] = field(default_factory=list)
    page_break: bool = False
    space_before: bool = False


class _BlockWriter:
    """Block tokens into one story, each token type written by its rule in ``_BLOCK_RULES``."""

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
        self.font_size: int | None = None
        """The size of text in a compact table (half-points), else None."""
        self.change: str | None = story.change
        """Whether the runs of the open paragraph are inserted ('ins') or deleted ('del')."""

    def render(self, tokens: Sequence[Token], release: bool = False) -> None:
        """Write blocks; with `release` (a list the writer owns), each block's tokens are
        let go once written, so a long document never holds all its tokens and all its XML.
        """
        index = 0
        count = len(tokens)
        rules = _BLOCK_RULES
        written = _written() if release and isinstance(tokens, list) else None
        while index < count:
            rule = rules.get(tokens[index].type)
            after = rule(self, tokens, index) if rule is not None else index + 1
            if written is not None:
                tokens[index:after] = written * (after - index)  # type: ignore[index]
            index = after
        self.close_paragraph()
        if self.pending.anchors or self.pending.page_break or self.pending.marks:
            self.paragraph(self.story.base_style)
            self.close_paragraph()

    def open_mark(self, mark: object) -> None:
        """Start a mark's bookmark here; it ends where its closing token is written."""
        bookmark_id = self.builder.bookmarks.new_id()
        name = self.builder.marks.name(mark)
        self.story.open_marks.append(bookmark_id)
        self.out.append(f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{name}"/>')

    def close_mark(self) -> None:
        if self.story.open_marks:
            self.out.append(ooxml.Bookmarks.end(self.story.open_marks.pop()))

    # -- paragraphs

    def paragraph(
        self,
        style_id: str | None = None,
        *,
        in_list: bool = False,
        align: str | None = None,
        bottom_border: bool = False,
        contextual_spacing: bool = False,
        change: str | None = None,
        mark: bool = True,
    ) -> None:
        """Open a paragraph, with pending bookmarks and breaks and its place in a list.

        ``change``: the paragraph is inserted or deleted (its runs and, with ``mark``, its
        paragraph mark).
        """
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
            contextual_spacing=contextual_spacing,
            align=align,
        )
        out = self.out
        self.change = change or self.story.change
        mark_xml = self.builder.change_mark(change) if change and mark else ""
        out.append(ooxml.marked_paragraph_open(fmt, mark_xml) if mark_xml
                   else ooxml.paragraph_open(fmt))
        pending.page_break = pending.space_before = False
        for anchor in pending.anchors:
            started = self.builder.bookmarks.start(anchor)
            if started is not None:
                self.open_bookmarks.append(started[0])
                out.append(started[1])
        pending.anchors.clear()
        for text_mark in pending.marks:
            self.open_mark(text_mark)
        pending.marks.clear()
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
        self.change = self.story.change

    def runs(self, xml: str) -> None:
        """Runs of the open paragraph, inside a tracked change when it has one."""
        if self.change is None or self.builder.revision is None:
            self.out.append(xml)
            return
        if self.change == "del":
            xml = ooxml.deleted(xml)
        self.out.append(self.builder.change_open(self.change) + xml + f"</w:{self.change}>")

    def _paragraph_style(self) -> str:
        for style in reversed(self.div_styles):
            if style:
                return style
        if self.items:
            return self.styles.paragraph("List Paragraph")
        if self.quote_depth:
            return self.builder.quote_style
        return self.story.base_style

    # -- the rules: each writes tokens[index] and returns the index of the next token

    def _inline(self, tokens: Sequence[Token], index: int) -> int:
        if self.in_paragraph:
            _InlineWriter(self).render(tokens[index].children or [])
        return index + 1

    def _paragraph_open(self, tokens: Sequence[Token], index: int) -> int:
        self.paragraph(self._paragraph_style(), in_list=True, change=_change(tokens[index]))
        return index + 1

    def _paragraph_close(self, tokens: Sequence[Token], index: int) -> int:
        self.close_paragraph()
        return index + 1

    def _heading(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        self.pending.space_before = False
        if "id" in token.attrs:
            self.pending.anchors.append(str(token.attrs["id"]))
        if "page-break" in _classes(token):
            self.pending.page_break = True
        if self.story.in_note:
            self.paragraph(self.story.base_style, change=_change(token))
            return index + 1
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        self.paragraph(self.styles.paragraph(f"heading {min(max(level, 1), 6)}"), in_list=True,
                       change=_change(token))
        return index + 1

    def _open_div(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        if "id" in token.attrs:
            self.pending.anchors.append(str(token.attrs["id"]))
        if "page-break" in _classes(token):
            self.pending.page_break = True
        custom = token.attrs.get("custom-style")
        self.div_styles.append(self.styles.paragraph(str(custom)) if custom else None)
        return index + 1

    def _close_div(self, tokens: Sequence[Token], index: int) -> int:
        if self.div_styles:
            self.div_styles.pop()
        return index + 1

    def _open_quote(self, tokens: Sequence[Token], index: int) -> int:
        self.quote_depth += 1
        return index + 1

    def _close_quote(self, tokens: Sequence[Token], index: int) -> int:
        self.quote_depth = max(0, self.quote_depth - 1)
        return index + 1

    def _open_list(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        if self.items and not self.items[-1].numbered:
            self._number(self.items[-1])
        ordered = token.type == "ordered_list_open"
        start = 1
        if ordered:
            try:
                start = max(0, int(str(token.attrs.get("start", 1))))
            except ValueError:
                start = 1
        # Word has nine list levels (0-8); deeper lists are written at the last one.
        level = min(len(self.lists), _LAST_LIST_LEVEL)
        num_id = self.builder.numbering.new_list(ordered, level, start)
        self.lists.append(_ListLevel(num_id, level))
        return index + 1

    def _close_list(self, tokens: Sequence[Token], index: int) -> int:
        if self.lists:
            self.lists.pop()
        return index + 1

    def _open_item(self, tokens: Sequence[Token], index: int) -> int:
        if self.lists:
            self.items.append(_Item(self.lists[-1]))
        return index + 1

    def _close_item(self, tokens: Sequence[Token], index: int) -> int:
        if self.items:
            item = self.items.pop()
            if not item.numbered:
                self._number(item)
        return index + 1

    def _number(self, item: _Item) -> None:
        """Give ``item`` its numbered first paragraph (an empty one when it has no text)."""
        self.close_paragraph()
        self.items.append(item)
        try:
            self.paragraph(self._paragraph_style(), in_list=True)
            self.close_paragraph()
        finally:
            self.items.pop()

    def _code(self, tokens: Sequence[Token], index: int) -> int:
        """One paragraph per line, verbatim: a long block stays something a layout can page."""
        style = self.styles.paragraph("Source Code")
        change = _change(tokens[index])
        for line in tokens[index].content.rstrip("\n").split("\n"):
            self.paragraph(style, contextual_spacing=True, change=change)
            if line:
                self.runs(ooxml.run(line))
            self.close_paragraph()
        return index + 1

    def _rule(self, tokens: Sequence[Token], index: int) -> int:
        self.paragraph(self.story.base_style, bottom_border=True, change=_change(tokens[index]))
        self.close_paragraph()
        return index + 1

    def _mark_open(self, tokens: Sequence[Token], index: int) -> int:
        """A text that starts with a block without a line: its bookmark starts with the
        next paragraph."""
        self.close_paragraph()
        self.pending.marks.append(tokens[index].meta["mark"])
        return index + 1

    def _mark_close(self, tokens: Sequence[Token], index: int) -> int:
        self.close_paragraph()
        self.close_mark()
        return index + 1

    def _table(self, tokens: Sequence[Token], start: int) -> int:
        rows, index = _table_rows(tokens, start)
        self.close_paragraph()
        self.pending.space_before = False
        columns = max((len(row[1]) for row in rows), default=0)
        if columns == 0:
            return index + 1
        layout = _TableLayout.fit(rows, columns, self.builder.text_width)
        out = self.out
        out.append(
            ooxml.table_open(self.styles.table("Table Grid"), layout.widths, layout.cell_margin)
        )
        cell_style = (
            self.story.base_style if self.story.in_note else self.styles.paragraph("Normal")
        )
        self.font_size = layout.font_size
        for header, cells, change in rows:
            out.append(ooxml.row_open(header, self.builder.change_mark(change)))
            for column in range(columns):
                align, inline = cells[column] if column < len(cells) else (None, None)
                out.append(ooxml.cell_open(layout.widths[column]))
                # a cell's one paragraph mark cannot go: the row's mark says it is tracked
                self.paragraph(cell_style, align=align if align in ("right", "center") else None,
                               change=change, mark=False)
                if inline is not None:
                    _InlineWriter(self).render(inline.children or [])
                self.close_paragraph()
                out.append(ooxml.CELL_CLOSE)
            out.append(ooxml.ROW_CLOSE)
        self.font_size = None
        out.append(ooxml.TABLE_CLOSE)
        self.pending.space_before = True
        return index + 1


_BlockRule = Callable[[_BlockWriter, Sequence["Token"], int], int]
_BLOCK_RULES: dict[str, _BlockRule] = {
    "inline": _BlockWriter._inline,
    "paragraph_open": _BlockWriter._paragraph_open,
    "paragraph_close": _BlockWriter._paragraph_close,
    "heading_open": _BlockWriter._heading,
    "heading_close": _BlockWriter._paragraph_close,
    "bullet_list_open": _BlockWriter._open_list,
    "ordered_list_open": _BlockWriter._open_list,
    "bullet_list_close": _BlockWriter._close_list,
    "ordered_list_close": _BlockWriter._close_list,
    "list_item_open": _BlockWriter._open_item,
    "list_item_close": _BlockWriter._close_item,
    "blockquote_open": _BlockWriter._open_quote,
    "blockquote_close": _BlockWriter._close_quote,
    "div_open": _BlockWriter._open_div,
    "div_close": _BlockWriter._close_div,
    "table_open": _BlockWriter._table,
    "fence": _BlockWriter._code,
    "code_block": _BlockWriter._code,
    "hr": _BlockWriter._rule,
    MARK_OPEN: _BlockWriter._mark_open,
    MARK_CLOSE: _BlockWriter._mark_close,
}
"""How each block token is written; a token type not listed is skipped."""
_LAST_LIST_LEVEL = 8

_Cell = tuple[str | None, "Token | None"]
_Row = tuple[bool, list[_Cell], str | None]
"""A table row: whether it is a header, its cells, whether it is inserted or deleted."""


def _change(token: Token) -> str | None:
    """'ins' or 'del' when a redline marks this block as inserted or deleted."""
    change = token.meta.get(CHANGE) if token.meta else None
    return str(change) if change else None


def _table_rows(tokens: Sequence[Token], start: int) -> tuple[list[_Row], int]:
    """The rows of the table opening at ``start`` (alignment and inline token of each cell),
    and the index of its ``table_close``."""
    rows: list[_Row] = []
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
            rows.append((in_head, [], _change(token)))
        elif kind in ("th_open", "td_open"):
            match = _ALIGN.search(str(token.attrs.get("style", "")))
            cell_align = match.group(1) if match else None
            cell_inline = None
        elif kind == "inline":
            cell_inline = token
        elif kind in ("th_close", "td_close") and rows:
            rows[-1][1].append((cell_align, cell_inline))
        index += 1
    return rows, index


_CELL_MARGIN = 108
"""Left (and right) cell margin of the Table Grid style, in twips."""
_COMPACT_MARGIN = 20
_BODY_SIZE = 22
_SMALLEST_SIZE = 10
_CHAR_WIDTH = 11
"""Twips of an average character per two half-points of font size (Calibri, Carlito)."""
_CHARS_PER_COLUMN = 3


@dataclass(frozen=True)
class _TableLayout:
    """Column widths (twips), and for a table too wide for the page, its compact form."""

    widths: list[int]
    cell_margin: int | None = None
    font_size: int | None = None

    @classmethod
    def fit(cls, rows: list[_Row], columns: int, text_width: int) -> _TableLayout:
        """Widths in proportion to each column's text, every column wider than its margins
        plus a character. When the page cannot give every column that, cell margins and
        font shrink until it can (down to 5 pt); past that the table runs into the margin."""
        weights = _column_weights(rows, columns)
        narrowest = 2 * _CELL_MARGIN + _BODY_SIZE * _CHAR_WIDTH // 2
        if columns * narrowest <= text_width:
            return cls(_share(weights, text_width, narrowest))
        room = text_width // columns - 2 * _COMPACT_MARGIN
        size = room * 2 // (_CHAR_WIDTH * _CHARS_PER_COLUMN)
        size = max(_SMALLEST_SIZE, min(_BODY_SIZE - 4, size))
        narrowest = 2 * _COMPACT_MARGIN + size * _CHAR_WIDTH // 2
        total = max(text_width, columns * narrowest)
        return cls(_share(weights, total, narrowest), _COMPACT_MARGIN, size)


def _column_weights(rows: list[_Row], columns: int) -> list[int]:
    weights = [4] * columns
    for _, cells, _ in rows:
        for column, (_, inline) in enumerate(cells[:columns]):
            if inline is not None:
                longest = max((len(word) for word in inline.content.split()), default=0)
                # the longest word must fit on one line, with the cell's margins
                weight = max(len(inline.content) // 3, longest * 8 // 5, 4)
                weights[column] = max(weights[column], min(weight, 40))
    return weights


def _share(weights: list[int], total: int, minimum: int) -> list[int]:
    """``total`` twips shared in proportion to ``weights``, no share below ``minimum``."""
    widths = [total * weight // sum(weights) for weight in weights]
    short = [index for index, width in enumerate(widths) if width < minimum]
    if short:
        for index in short:
            widths[index] = minimum
        wide = [index for index in range(len(widths)) if widths[index] > minimum]
        excess = sum(widths) - total
        spare = sum(widths[index] - minimum for index in wide)
        for index in wide:
            if excess <= 0 or spare <= 0:
                break
            widths[index] -= min(
                widths[index] - minimum, -(-excess * (widths[index] - minimum) // spare)
            )
    widths[-1] += total - sum(widths)
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
    """Inline tokens into runs of the open paragraph, each type written by ``_INLINE_RULES``;
    text is buffered while its format holds."""

    def __init__(self, blocks: _BlockWriter) -> None:
        self.blocks = blocks
        self.builder = blocks.builder
        self.styles = blocks.styles
        self.story = blocks.story
        self.out = blocks.out
        self.font_size = blocks.font_size
        self.links: list[bool] = []
        self.spans: list[tuple[bool, int | None]] = []
        self.char_styles: list[str] = []
        self.bold = self.italic = self.strike = 0
        self.buffer: list[str] = []
        self.buffer_format = ooxml.PLAIN
        self.ends_with_space = True
        self.changes: list[str | None] = [blocks.change]
        self.wrapped: str | None = None
        """The tracked change whose ``w:ins``/``w:del`` is open around the runs written."""

    def format(self) -> RunFormat:
        if self.links and self.links[-1]:
            style: str | None = self.styles.character("Hyperlink")
        else:
            style = self.char_styles[-1] if self.char_styles else None
        return RunFormat(
            style, self.bold > 0, self.italic > 0, self.strike > 0, self.font_size
        )

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
                self.emit(ooxml.run(text, self.buffer_format))
            self.buffer.clear()

    @property
    def change(self) -> str | None:
        return self.changes[-1]

    def emit(self, run: str) -> None:
        """A run, inside the ``w:ins``/``w:del`` of the change it belongs to, if any."""
        change = self.change if self.builder.revision is not None else None
        if change != self.wrapped:
            self.unwrap()
            if change is not None:
                self.out.append(self.builder.change_open(change))
                self.wrapped = change
        self.out.append(ooxml.deleted(run) if change == "del" else run)

    def unwrap(self) -> None:
        """Close the open ``w:ins``/``w:del`` (before anything that may not stand in one)."""
        if self.wrapped is not None:
            self.out.append(f"</w:{self.wrapped}>")
            self.wrapped = None

    def structure(self, xml: str) -> None:
        """A hyperlink or bookmark element: never inside a tracked change."""
        self.flush()
        self.unwrap()
        self.out.append(xml)

    def render(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            self.token(token)
        self.flush()
        self.unwrap()
        for opened in reversed(self.links):
            if opened:
                self.out.append(ooxml.HYPERLINK_CLOSE)
        self.links.clear()

    def token(self, token: Token) -> None:
        rule = _INLINE_RULES.get(token.type)
        if rule is not None:
            rule(self, token)
        elif token.content:
            self.text(token.content)

    # -- the rules

    def _text(self, token: Token) -> None:
        self.text(token.content)

    def _softbreak(self, token: Token) -> None:
        self.text(" ")

    def _hardbreak(self, token: Token) -> None:
        self.flush()
        self.emit(ooxml.line_break(self.format()))

    def _toggle(self, token: Token) -> None:
        self.flush()
        name, step = _TOGGLES[token.type]
        setattr(self, name, max(0, getattr(self, name) + step))

    def _code(self, token: Token) -> None:
        self.flush()
        self.emit(ooxml.run(token.content, self._code_format()))

    def _change_open(self, token: Token) -> None:
        self.flush()
        self.changes.append(str(token.meta[CHANGE]))

    def _change_close(self, token: Token) -> None:
        self.flush()
        if len(self.changes) > 1:
            self.changes.pop()

    def _code_format(self) -> RunFormat:
        fmt = self.format()
        verbatim = self.styles.character("Verbatim Char")
        return RunFormat(verbatim, fmt.bold, fmt.italic, fmt.strike, fmt.size)

    def _open_link(self, token: Token) -> None:
        href = str(token.attrs.get("href", ""))
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
            self.structure(opened)

    def _close_link(self, token: Token) -> None:
        self.flush()
        if self.links and self.links.pop():
            self.structure(ooxml.HYPERLINK_CLOSE)

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
                self.structure(started[1])
        self.spans.append((bool(custom), bookmark_id))

    def _close_span(self, token: Token) -> None:
        self.flush()
        if self.spans:
            styled, bookmark_id = self.spans.pop()
            if styled:
                self.char_styles.pop()
            if bookmark_id is not None:
                self.structure(ooxml.Bookmarks.end(bookmark_id))

    def _mark_open(self, token: Token) -> None:
        self.flush()
        self.blocks.open_mark(token.meta["mark"])

    def _mark_close(self, token: Token) -> None:
        self.flush()
        self.blocks.close_mark()

    def _footnote(self, token: Token) -> None:
        parser_id = int(token.meta["id"])
        self.flush()
        if self.story.in_note:
            self._inline_footnote(parser_id)
            return
        self._reference(self.builder.note_from_footnote(parser_id, self.change))

    def _citation(self, token: Token) -> None:
        items: tuple[CitationItem, ...] = tuple(token.meta["items"])
        line: int | None = token.meta.get("line")
        self.flush()
        if self.story.in_note:
            note = self.builder.citations.tokens(items, line)
            self._in_parentheses(lambda: self.render_inline(note))
            return
        self._reference(self.builder.note_from_citation(items, line, self.change))

    def _reference(self, note_id: int) -> None:
        style = self.styles.character("footnote reference")
        self.emit(ooxml.footnote_reference(note_id, style))

    # -- a note inside a note: Word cannot nest notes, so its text is written in parentheses

    def render_inline(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            self.token(token)

    def _in_parentheses(self, write: Callable[[], None]) -> None:
        self.text("(" if self.ends_with_space else " (")
        write()
        self.text(")")

    def _inline_footnote(self, parser_id: int) -> None:
        active = self.builder.inline_notes
        if parser_id in active:
            return  # a note referring to itself: its text is being written already
        active.add(parser_id)
        try:
            self._in_parentheses(lambda: self._inline_blocks(self.builder.notes.get(parser_id, [])))
        finally:
            active.discard(parser_id)

    def _inline_blocks(self, blocks: Sequence[Token]) -> None:
        """Every text of a note's blocks, a space between blocks and line breaks in code."""
        first = True
        for block in blocks:
            if block.type == "inline":
                children = block.children or []
            elif block.type in ("fence", "code_block"):
                children = []
            else:
                continue
            if not first:
                self.text(" ")
            first = False
            if children:
                self.render_inline(children)
                continue
            for number, line in enumerate(block.content.rstrip("\n").split("\n")):
                if number:
                    self._hardbreak(block)
                if line:
                    self.flush()
                    self.emit(ooxml.run(line, self._code_format()))
                    self.ends_with_space = line[-1].isspace()


_InlineRule = Callable[[_InlineWriter, "Token"], None]
_INLINE_RULES: dict[str, _InlineRule] = {
    "text": _InlineWriter._text,
    "softbreak": _InlineWriter._softbreak,
    "hardbreak": _InlineWriter._hardbreak,
    **dict.fromkeys(_TOGGLES, _InlineWriter._toggle),
    "code_inline": _InlineWriter._code,
    "link_open": _InlineWriter._open_link,
    "link_close": _InlineWriter._close_link,
    "span_open": _InlineWriter._open_span,
    "span_close": _InlineWriter._close_span,
    "image": _InlineWriter._text,
    "footnote_ref": _InlineWriter._footnote,
    "citation": _InlineWriter._citation,
    MARK_OPEN: _InlineWriter._mark_open,
    MARK_CLOSE: _InlineWriter._mark_close,
    CHANGE_OPEN: _InlineWriter._change_open,
    CHANGE_CLOSE: _InlineWriter._change_close,
}
"""How each inline token is written; any other token's content is written as text."""
