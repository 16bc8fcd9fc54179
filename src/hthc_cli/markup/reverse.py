"""A workspace text as the rendered document shows it, and a reader's edit of it written back.

`project` gives the text of a Markdown workspace text paragraph by paragraph, as the .docx
writer writes it (one entry per ``w:p``: paragraphs, list items, headings, table cells,
code lines), its footnotes apart; every character keeps the place in the Markdown it was
written from. `apply_edit` takes a projection before and after a reviewer's edit and edits
the Markdown at the words that changed, keeping the markup around them.

The projection is read from the parser's own tokens (`markup.parser`), walked the way
`render.docx_writer` walks them: there is no second grammar here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from hthc_cli.markup.parser import (
    CitationFormatter,
    CitationItem,
    parse_markdown,
    split_footnotes,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

NOTE_MARK = "\ufffc"
"""A footnote reference in a projected paragraph (Word shows the note's number there)."""

LITERAL = -1
"""The unit of a character written as itself in the Markdown (see `Located.units`)."""

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class Unit:
    """Markup shown as one thing: a title for ``[[ID]]``, a note mark, inline code, a break.

    ``start``/``end`` is its span in the Markdown (for a citation, with the spaces before it
    that the document drops); ``note`` is the index in `Projection.notes` of the note it
    makes, if any.
    """

    kind: str
    start: int
    end: int
    note: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class Container:
    """An inline element holding text: the paragraph itself, emphasis, a link, a span."""

    kind: str
    start: int
    end: int
    """Its span in the Markdown, markup included (for the paragraph: its text)."""
    parent: int


@dataclass(frozen=True)
class Block:
    """Where a projected paragraph's block stands in the Markdown (0-based lines, end excluded)."""

    kind: str
    """``paragraph``, ``heading``, ``item`` (a list item's numbered paragraph), ``code``
    (one line of a code block), ``cell``, ``rule`` or ``empty``."""
    first_line: int | None
    end_line: int | None
    item_lines: tuple[int, int] | None = None
    marker: str = ""
    """The list marker of an item: ``-``, ``*``, ``1.``, ``3)``."""
    loose: bool = False


@dataclass(frozen=True)
class Located:
    """One projected paragraph with, for each character, where the Markdown wrote it."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    units: tuple[int, ...]
    """`LITERAL`, or the index in `SourceMap.units` of the markup that made the character."""
    containers: tuple[int, ...]
    block: Block
    root: int
    """The paragraph's own container (index in `SourceMap.containers`)."""


@dataclass(frozen=True)
class NoteSource:
    """Where a note comes from: a Markdown footnote (its label, or None for ``^[…]``) or a
    citation; the lines of a labelled footnote's definition."""

    kind: str
    label: str | None
    unit: int
    definition: tuple[int, int] | None = None


@dataclass(frozen=True)
class SourceMap:
    """The projection's ties to the Markdown it was made from."""

    source: str
    paragraphs: tuple[Located, ...]
    notes: tuple[tuple[Located, ...], ...]
    note_sources: tuple[NoteSource, ...]
    units: tuple[Unit, ...]
    containers: tuple[Container, ...]


@dataclass(frozen=True)
class Projection:
    """A text as Word shows it: its body paragraphs, and each of its footnotes' paragraphs in
    the order of their references (a reference is `NOTE_MARK` in the body)."""

    paragraphs: tuple[str, ...]
    notes: tuple[tuple[str, ...], ...] = ()
    source_map: SourceMap | None = field(default=None, compare=False, repr=False)


def project(
    source: str,
    *,
    titles: Mapping[str, str] | None = None,
    citations: Mapping[str, str] | None = None,
    short_citations: Mapping[str, str] | None = None,
    cited_before: Collection[str] = (),
) -> Projection:
    """The paragraphs and notes of a Markdown text as the rendered .docx shows them.

    ``titles``: what ``[[ID]]`` prints (an id not given prints as itself, as in render);
    ``citations``/``short_citations``: the formatted references render uses (a key cited in
    ``cited_before``, earlier in the document, prints its short form). A citation of a key
    not in ``citations`` raises `RenderError`, as render does.
    """
    return _Projector(source, titles or {}, citations or {}, short_citations or {},
                      cited_before).run()


# -- where inline text stands in the Markdown ---------------------------------------------


class _Offsets:
    """For each character of an inline token's text, its offset in the Markdown (or None)."""

    def __init__(self, content: str, offsets: list[int | None]) -> None:
        self.content = content
        self.offsets = offsets  # len(content) + 1 entries

    def at(self, index: int) -> int | None:
        if 0 <= index < len(self.offsets):
            return self.offsets[index]
        return None

    def shifted(self, start: int, content: str) -> _Offsets:
        """The offsets of `content`, which this text holds from `start` on."""
        return _Offsets(content, [self.at(start + i) for i in range(len(content) + 1)])

    @classmethod
    def unknown(cls, content: str) -> _Offsets:
        return cls(content, [None] * (len(content) + 1))


def _line_offsets(
    content: str, lines: Sequence[str], starts: Sequence[int], first: int
) -> _Offsets:
    """Offsets of a block's inline text, whose lines are source lines from `first` on with
    their block prefixes (indentation, ``>``, list markers) removed and the whole stripped."""
    offsets: list[int | None] = []
    parts = content.split("\n")
    for number, part in enumerate(parts):
        index = first + number
        line = lines[index] if index < len(lines) else ""
        base: int | None = None
        last = number == len(parts) - 1
        end = len(line.rstrip()) if last else len(line)
        if line[end - len(part):end] == part and end >= len(part):
            base = end - len(part)
        else:
            found = line.find(part)
            base = found if found >= 0 else None
        for column in range(len(part) + (0 if last else 1)):
            offsets.append(None if base is None or index >= len(starts)
                           else starts[index] + base + column)
    if parts:
        offsets.append(offsets[-1] + 1 if offsets and offsets[-1] is not None else None)
    return _Offsets(content, offsets[: len(content) + 1])


def _cells(row: str, row_start: int) -> list[tuple[str, list[int]]]:
    """The cells of a pipe-table row as the parser reads them (``\\|`` read as ``|``, not yet
    stripped), each with the offset of every character."""
    body = row.rstrip()
    begin = len(row) - len(row.lstrip())
    if body[begin : begin + 1] == "|":
        begin += 1
    if body.endswith("|") and not body.endswith("\\|") and len(body) > begin:
        body = body[:-1]
    found: list[tuple[str, list[int]]] = []
    text: list[str] = []
    offsets: list[int] = []
    index = begin
    while index <= len(body):
        char = body[index] if index < len(body) else "|"
        if char == "\\" and body[index + 1 : index + 2] == "|":
            text.append("|")
            offsets.append(row_start + index)
            index += 2
            continue
        if char == "|":
            found.append(("".join(text), offsets))
            text, offsets = [], []
        else:
            text.append(char)
            offsets.append(row_start + index)
        index += 1
    return found


def _cell_offsets(content: str, raw: str, chars: list[int]) -> _Offsets:
    """The offsets of a cell's text (the raw cell stripped) among the row's characters."""
    lead = len(raw) - len(raw.lstrip())
    if raw[lead : lead + len(content)] != content:
        return _Offsets.unknown(content)
    picked: list[int | None] = list(chars[lead : lead + len(content)])
    picked.append(picked[-1] + 1 if picked and picked[-1] is not None else None)
    return _Offsets(content, picked)


# -- the projection -----------------------------------------------------------------------


@dataclass
class _Paragraph:
    block: Block
    text: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    containers: list[int] = field(default_factory=list)
    root: int = -1

    def located(self) -> Located:
        return Located("".join(self.text), tuple(self.starts), tuple(self.ends),
                       tuple(self.units), tuple(self.containers), self.block, self.root)


@dataclass
class _ItemState:
    token: Token
    marker: str
    loose: bool
    numbered: bool = False


class _Projector:
    def __init__(
        self, source: str, titles: Mapping[str, str], citations: Mapping[str, str],
        short: Mapping[str, str], cited_before: Collection[str],
    ) -> None:
        self.source = source
        self.lines = source.split("\n")
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self.starts = starts
        self.titles = titles
        self.formatter = CitationFormatter(citations, short, cited=cited_before)
        self.units: list[Unit] = []
        self.containers: list[Container] = []
        self.notes: list[tuple[Located, ...]] = []
        self.note_sources: list[NoteSource] = []
        self.note_blocks: dict[int, list[Token]] = {}
        self.in_notes: set[int] = set()

    def run(self) -> Projection:
        body, self.note_blocks = split_footnotes(parse_markdown(self.source))
        paragraphs = _BlockWalker(self, in_note=False).walk(body)
        located = tuple(p.located() for p in paragraphs)
        source_map = SourceMap(self.source, located, tuple(self.notes),
                               tuple(self.note_sources), tuple(self.units),
                               tuple(self.containers))
        return Projection(tuple(p.text for p in located),
                          tuple(tuple(p.text for p in note) for note in self.notes),
                          source_map)

    def unit(self, kind: str, start: int, end: int, note: int | None = None,
             label: str | None = None) -> int:
        self.units.append(Unit(kind, start, end, note, label))
        return len(self.units) - 1

    def container(self, kind: str, start: int, end: int, parent: int) -> int:
        self.containers.append(Container(kind, start, end, parent))
        return len(self.containers) - 1

    def close_container(self, index: int, end: int) -> None:
        found = self.containers[index]
        self.containers[index] = Container(found.kind, found.start, end, found.parent)

    def footnote_note(self, parser_id: int, unit: int, label: str | None,
                      offsets: _Offsets | None) -> None:
        """A Word footnote for Markdown footnote `parser_id`, as `note_from_footnote`."""
        blocks = self.note_blocks.get(parser_id, [])
        definition = None
        mapped = [t.map for t in blocks if t.map]
        if label is not None and mapped:
            definition = (min(m[0] for m in mapped), max(m[1] for m in mapped))
        self.in_notes.add(parser_id)
        try:
            walker = _BlockWalker(self, in_note=True, inline_offsets=offsets)
            paragraphs = walker.walk(blocks)
        finally:
            self.in_notes.discard(parser_id)
        self._add_note(paragraphs, NoteSource("footnote", label, unit, definition))

    def citation_note(self, items: tuple[CitationItem, ...], line: int | None,
                      unit: int) -> None:
        paragraph = _Paragraph(Block("paragraph", None, None))
        _InlineWalker(self, paragraph, None, atomic=unit).walk(
            self.formatter.tokens(items, line))
        self._add_note([paragraph], NoteSource("citation", None, unit))

    def _add_note(self, paragraphs: list[_Paragraph], origin: NoteSource) -> None:
        if not paragraphs:
            paragraphs = [_Paragraph(Block("empty", None, None))]
        self.notes.append(tuple(p.located() for p in paragraphs))
        self.note_sources.append(origin)


class _BlockWalker:
    """Block tokens into paragraphs, as `docx_writer._BlockWriter` makes ``w:p`` of them."""

    def __init__(self, projector: _Projector, in_note: bool,
                 inline_offsets: _Offsets | None = None) -> None:
        self.projector = projector
        self.in_note = in_note
        self.inline_offsets = inline_offsets
        """For a ``^[…]`` note (no lines of its own): where its text stands in the body."""
        self.paragraphs: list[_Paragraph] = []
        self.current: _Paragraph | None = None
        self.lists: list[tuple[str, bool]] = []
        self.items: list[_ItemState] = []

    def walk(self, tokens: Sequence[Token]) -> list[_Paragraph]:
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)
        self.close()
        return self.paragraphs

    def open(self, block: Block, in_list: bool = False) -> _Paragraph:
        self.close()
        if in_list and self.items:
            item = self.items[-1]
            if not item.numbered:
                item.numbered = True
                token = item.token
                lines = (token.map[0], token.map[1]) if token.map else None
                block = Block("item", block.first_line, block.end_line, lines, item.marker,
                              item.loose)
        self.current = _Paragraph(block)
        self.paragraphs.append(self.current)
        return self.current

    def close(self) -> None:
        self.current = None

    def number(self, item: _ItemState) -> None:
        self.close()
        self.items.append(item)
        try:
            self.open(Block("empty", None, None), in_list=True)
            self.close()
        finally:
            self.items.pop()

    def block(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        lines = (token.map[0], token.map[1]) if token.map else (None, None)
        if kind == "paragraph_open":
            self.open(Block("paragraph", *lines), in_list=True)
        elif kind == "heading_open":
            self.open(Block("heading", *lines), in_list=not self.in_note)
        elif kind in ("paragraph_close", "heading_close"):
            self.close()
        elif kind == "inline":
            if self.current is not None:
                offsets = self.offsets(token)
                _InlineWalker(self.projector, self.current, offsets).walk(token.children or [])
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if self.items and not self.items[-1].numbered:
                self.number(self.items[-1])
            self.lists.append((token.markup, _loose(tokens, index)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if self.lists:
                self.lists.pop()
        elif kind == "list_item_open":
            if self.lists:
                markup, loose = self.lists[-1]
                marker = (token.info + token.markup) if token.info else token.markup
                self.items.append(_ItemState(token, marker or markup, loose))
        elif kind == "list_item_close":
            if self.items:
                item = self.items.pop()
                if not item.numbered:
                    self.number(item)
        elif kind in ("fence", "code_block"):
            self.code(token)
        elif kind == "hr":
            self.open(Block("rule", *lines))
            self.close()
        elif kind == "table_open":
            return self.table(tokens, index)
        return index + 1

    def offsets(self, token: Token) -> _Offsets:
        content = token.content
        if token.map:
            projector = self.projector
            return _line_offsets(content, projector.lines, projector.starts, token.map[0])
        if self.inline_offsets is not None and content == self.inline_offsets.content:
            return self.inline_offsets
        return _Offsets.unknown(content)

    def code(self, token: Token) -> None:
        projector = self.projector
        content_lines = token.content.rstrip("\n").split("\n")
        first = None
        if token.map:
            first = token.map[0] + (1 if token.type == "fence" else 0)
        for number, line in enumerate(content_lines):
            at = first + number if first is not None else None
            paragraph = self.open(Block("code", at, at + 1 if at is not None else None))
            if at is not None and at < len(projector.lines):
                source_line = projector.lines[at]
                base = len(source_line) - len(line)
                if base >= 0 and source_line[base:] == line:
                    offsets = _Offsets(line, [projector.starts[at] + base + i
                                              for i in range(len(line) + 1)])
                else:
                    offsets = _Offsets.unknown(line)
            else:
                offsets = _Offsets.unknown(line)
            root = projector.container("code", offsets.at(0) or 0,
                                       offsets.at(len(line)) or 0, -1)
            paragraph.root = root
            writer = _InlineWalker(projector, paragraph, offsets, root=root)
            writer.literal(line, 0)
            self.close()

    def table(self, tokens: Sequence[Token], start: int) -> int:
        self.close()
        rows: list[tuple[int | None, list[Token | None]]] = []
        index = start + 1
        row_line: int | None = None
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                row_line = token.map[0] if token.map else None
                rows.append((row_line, []))
            elif token.type in ("th_open", "td_open"):
                if rows:
                    rows[-1][1].append(None)
            elif token.type == "inline" and rows and rows[-1][1]:
                rows[-1][1][-1] = token
            index += 1
        columns = max((len(cells) for _, cells in rows), default=0)
        if columns == 0:
            return index + 1
        projector = self.projector
        for line, cells in rows:
            placed: list[tuple[str, list[int]]] = []
            if line is not None and line < len(projector.lines):
                placed = _cells(projector.lines[line], projector.starts[line])
            for column in range(columns):
                inline = cells[column] if column < len(cells) else None
                paragraph = self.open(Block("cell", line, line + 1 if line is not None
                                            else None))
                if inline is not None:
                    offsets = _Offsets.unknown(inline.content)
                    if column < len(placed):
                        offsets = _cell_offsets(inline.content, *placed[column])
                    _InlineWalker(projector, paragraph, offsets).walk(inline.children or [])
                self.close()
        return index + 1


def _loose(tokens: Sequence[Token], index: int) -> bool:
    """Whether the list opening at `index` is loose (its paragraphs are not hidden)."""
    depth = 0
    for token in tokens[index:]:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return False
        elif token.type == "paragraph_open" and depth == 1:
            return not token.hidden
    return False


_CLOSING_TICKS: dict[int, re.Pattern[str]] = {}


def _closing_ticks(count: int) -> re.Pattern[str]:
    found = _CLOSING_TICKS.get(count)
    if found is None:
        found = _CLOSING_TICKS[count] = re.compile("(?<!`)`{" + str(count) + "}(?!`)")
    return found


class _InlineWalker:
    """Inline tokens into one paragraph's characters, as `docx_writer._InlineWriter` writes
    them, each character placed in the Markdown by walking the inline text alongside."""

    def __init__(
        self, projector: _Projector, paragraph: _Paragraph, offsets: _Offsets | None,
        root: int | None = None, atomic: int | None = None,
    ) -> None:
        self.projector = projector
        self.paragraph = paragraph
        self.offsets = offsets or _Offsets.unknown("")
        self.src = self.offsets.content
        self.pos = 0
        self.lost = offsets is None
        if root is None:
            root = projector.container("inline", self._at(0), self._at(len(self.src)), -1)
        if paragraph.root < 0:
            paragraph.root = root
        self.stack = [root]
        self.links: list[int] = []
        self.atomic = atomic
        self.unmapped: int | None = None
        self.wikilink: int | None = None
        self.ends_with_space = True

    # -- characters

    def _at(self, index: int) -> int:
        found = self.offsets.at(index)
        return -1 if found is None else found

    def emit(self, char: str, start: int, end: int, unit: int = LITERAL) -> None:
        if _XML_INVALID.match(char):
            return
        if self.atomic is not None:
            unit = self.atomic
        if unit != LITERAL:
            found = self.projector.units[unit]
            start, end = found.start, found.end
        elif start < 0 or end < 0:
            unit = self.lost_unit()
            start = end = -1
        paragraph = self.paragraph
        paragraph.text.append(char)
        paragraph.starts.append(start)
        paragraph.ends.append(end)
        paragraph.units.append(unit)
        paragraph.containers.append(self.stack[-1])

    def lost_unit(self) -> int:
        if self.unmapped is None:
            self.unmapped = self.projector.unit("unmapped", -1, -1)
        return self.unmapped

    def shown(self, text: str, unit: int) -> None:
        """Characters the document shows for markup (a title, a note mark, parentheses)."""
        for char in text:
            self.emit(char, -1, -1, unit)

    def written(self, text: str) -> None:
        """Text written by the writer's ``text()``: it also decides the next parentheses."""
        if text:
            self.ends_with_space = text[-1].isspace()

    def literal(self, text: str, at: int) -> None:
        """Characters written exactly as the Markdown holds them from `at` (code lines)."""
        for index, char in enumerate(text):
            self.emit(char, self._at(at + index), self._at(at + index + 1))

    def match(self, char: str) -> None:
        """One character of a text token, found at the cursor in the inline text."""
        if self.lost or self.atomic is not None:
            self.emit(char, -1, -1, self.atomic if self.atomic is not None
                      else self.lost_unit())
            return
        src, pos = self.src, self.pos
        if src.startswith("{", pos) and char != "{":
            end = src.find("}", pos)  # attributes the parser took for an element
            if end > 0:
                pos = self.pos = end + 1
        step = 0
        entity = _ENTITY.match(src, pos) if src.startswith("&", pos) else None
        if (src.startswith("\\", pos) and src[pos + 1 : pos + 2] == char
                and char in _ASCII_PUNCTUATION):
            step = 2
        elif entity is not None and html.unescape(entity.group()) == char:
            step = len(entity.group())
        elif src[pos : pos + 1] == char:
            step = 1
        if not step:
            self.lost = True
            self.emit(char, -1, -1, self.lost_unit())
            return
        self.emit(char, self._at(pos), self._at(pos + step))
        self.pos = pos + step

    def skip_break(self, hard: bool) -> tuple[int, int] | None:
        """The span of a line break at the cursor (spaces, ``\\``, the newline, indentation)."""
        src, pos = self.src, self.pos
        while src[pos : pos + 1] in (" ", "\t"):
            pos += 1
        if hard and src.startswith("\\", pos):
            pos += 1
        if not src.startswith("\n", pos):
            return None
        pos += 1
        while src[pos : pos + 1] in (" ", "\t"):
            pos += 1
        start, self.pos = self.pos, pos
        return start, pos

    # -- tokens

    def walk(self, tokens: Sequence[Token]) -> None:
        for token in tokens:
            rule = _RULES.get(token.type)
            if rule is not None:
                rule(self, token)
            elif token.content:
                self.shown(token.content, self.lost_unit())
                self.written(token.content)

    def _text(self, token: Token) -> None:
        target = token.meta.get("wikilink") if token.meta else None
        if target:
            title = self.projector.titles.get(str(target), str(target))
            unit = self.wikilink if self.wikilink is not None else self.lost_unit()
            self.shown(title, unit)
            self.written(title)
            return
        for char in token.content:
            self.match(char)
        self.written(token.content)

    def _softbreak(self, token: Token) -> None:
        if self.lost or self.atomic is not None:
            self.emit(" ", -1, -1, self.lost_unit())
        else:
            span = self.skip_break(hard=False)
            if span is None:
                self.lost = True
                self.emit(" ", -1, -1, self.lost_unit())
            else:
                self.emit(" ", self._at(span[0]), self._at(span[1]))
        self.written(" ")

    def _hardbreak(self, token: Token) -> None:
        span = None if self.lost or self.atomic is not None else self.skip_break(hard=True)
        if span is None:
            if self.atomic is None:
                self.lost = True
            self.emit("\n", -1, -1, self.lost_unit())
            return
        self.emit("\n", -1, -1, self.projector.unit("break", self._at(span[0]),
                                                    self._at(span[1])))

    def _open(self, token: Token) -> None:
        if self.atomic is not None:
            return
        kind = token.type.removesuffix("_open")
        if not self.lost and not self.src.startswith(token.markup, self.pos):
            self.lost = True
        start = -1 if self.lost else self._at(self.pos)
        self.stack.append(self.projector.container(kind, start, -1, self.stack[-1]))
        if not self.lost:
            self.pos += len(token.markup)

    def _close(self, token: Token) -> None:
        if self.atomic is not None:
            return
        if not self.lost and not self.src.startswith(token.markup, self.pos):
            self.lost = True
        if not self.lost:
            self.pos += len(token.markup)
        if len(self.stack) > 1:
            self.projector.close_container(self.stack.pop(),
                                           -1 if self.lost else self._at(self.pos))

    def _resync(self, token: Token) -> tuple[int, int] | None:
        """Where a token that knows its place (a link, ``[[ID]]``, a citation) stands."""
        offset = token.meta.get("offset") if token.meta else None
        written = token.meta.get("source") if token.meta else None
        if written is None and token.type == "citation":
            written = token.content
        if offset is None or written is None or self.src[offset : offset + len(written)] != (
                written):
            return None
        self.lost = False
        return int(offset), int(offset) + len(written)

    def _link_open(self, token: Token) -> None:
        if self.atomic is not None:
            if token.markup == "wikilink":
                self.wikilink = self.atomic
            return
        projector = self.projector
        if token.markup == "wikilink":
            span = self._resync(token)
            if span is None:
                self.wikilink = self.lost_unit()
                return
            self.wikilink = projector.unit("wikilink", self._at(span[0]), self._at(span[1]))
            self.pos = span[1]
            return
        if token.markup == "autolink":
            end = self.src.find(">", self.pos)
            if self.lost or not self.src.startswith("<", self.pos) or end < 0:
                self.lost = True
                self.wikilink = self.lost_unit()
                return
            self.wikilink = projector.unit("autolink", self._at(self.pos), self._at(end + 1))
            self.pos = end + 1
            return
        span = self._resync(token)
        if span is None:
            self.lost = True
            self.stack.append(projector.container("link", -1, -1, self.stack[-1]))
            self.links.append(-1)
            return
        self.stack.append(projector.container("link", self._at(span[0]), self._at(span[1]),
                                              self.stack[-1]))
        self.links.append(span[1])
        self.pos = span[0] + 1

    def _link_close(self, token: Token) -> None:
        if token.markup in ("wikilink", "autolink"):
            self.wikilink = None
            return
        if self.atomic is not None:
            return
        if self.links:
            end = self.links.pop()
            if end >= 0 and not self.lost:
                self.pos = end
            if len(self.stack) > 1:
                self.stack.pop()

    def _wikilink_text(self, token: Token) -> None:
        target = str(token.meta.get("wikilink", token.content))
        title = self.projector.titles.get(target, target)
        if self.atomic is not None:
            self.shown(title, self.atomic)
        else:
            span = self._resync(token)
            unit = self.lost_unit() if span is None else self.projector.unit(
                "wikilink", self._at(span[0]), self._at(span[1]))
            if span is not None:
                self.pos = span[1]
            self.shown(title, unit)
        self.written(title)

    def _span_open(self, token: Token) -> None:
        if self.atomic is not None:
            return
        if self.lost or not self.src.startswith("[", self.pos):
            self.lost = True
            self.stack.append(self.projector.container("span", -1, -1, self.stack[-1]))
            return
        self.stack.append(self.projector.container("span", self._at(self.pos), -1,
                                                   self.stack[-1]))
        self.pos += 1

    def _span_close(self, token: Token) -> None:
        if self.atomic is not None:
            return
        end = self.src.find("}", self.pos)
        if self.lost or not self.src.startswith("]{", self.pos) or end < 0:
            self.lost = True
            end = -2
        else:
            self.pos = end + 1
        if len(self.stack) > 1:
            self.projector.close_container(self.stack.pop(), self._at(end + 1))

    def _code(self, token: Token) -> None:
        if self.atomic is not None:
            self.shown(token.content, self.atomic)
            return
        ticks = len(token.markup) or 1
        closing = None
        if not self.lost and self.src.startswith(token.markup, self.pos):
            closing = _closing_ticks(ticks).search(self.src, self.pos + ticks)
        if closing is None:
            self.lost = True
            self.shown(token.content, self.lost_unit())
            return
        unit = self.projector.unit("code", self._at(self.pos), self._at(closing.end()))
        self.pos = closing.end()
        self.shown(token.content, unit)

    def _image(self, token: Token) -> None:
        unit = self.atomic
        if unit is None:
            unit = self.projector.unit("image", self._at(self.pos), -1)
            self.lost = True
        self.shown(token.content, unit)
        self.written(token.content)

    def _footnote(self, token: Token) -> None:
        projector = self.projector
        parser_id = int(token.meta["id"])
        label = token.meta.get("label")
        blocks = projector.note_blocks.get(parser_id, [])
        inline = None if label is not None else next(
            (b.content for b in blocks if b.type == "inline"), "")
        written = f"[^{label}]" if label is not None else f"^[{inline}]"
        span = None
        if self.atomic is None and not self.lost and self.src.startswith(written, self.pos):
            span = (self.pos, self.pos + len(written))
            self.pos = span[1]
        elif self.atomic is None:
            self.lost = True
        start, end = (self._at(span[0]), self._at(span[1])) if span else (-1, -1)
        if self.atomic is not None or parser_id in projector.in_notes or self.in_note:
            unit = self.atomic if self.atomic is not None else projector.unit(
                "footnote", start, end, label=label)
            self._inline_footnote(parser_id, unit)
            return
        unit = projector.unit("footnote", start, end, len(projector.notes), label)
        offsets = None
        if inline is not None and span is not None:
            offsets = self.offsets.shifted(span[0] + 2, inline)
        projector.footnote_note(parser_id, unit, label, offsets)
        self.emit(NOTE_MARK, -1, -1, unit)

    @property
    def in_note(self) -> bool:
        """Whether this is a footnote's text (a note in it is then written in parentheses)."""
        return bool(self.projector.in_notes)

    def _citation(self, token: Token) -> None:
        projector = self.projector
        items: tuple[CitationItem, ...] = tuple(token.meta["items"])
        line: int | None = token.meta.get("line")
        start = self.pos
        span = None if self.atomic is not None else self._resync(token)
        if span is not None:
            self.pos = span[1]
        bounds = (self._at(start), self._at(span[1])) if span else (-1, -1)
        if self.atomic is not None or self.in_note:
            unit = self.atomic if self.atomic is not None else projector.unit(
                "citation", *bounds)
            self._parentheses(lambda: self.walk_atomic(projector.formatter.tokens(items, line),
                                                       unit), unit)
            return
        unit = projector.unit("citation", *bounds, note=len(projector.notes))
        projector.citation_note(items, line, unit)
        self.emit(NOTE_MARK, -1, -1, unit)

    # -- a note inside a note, written in parentheses

    def walk_atomic(self, tokens: Sequence[Token], unit: int) -> None:
        before = self.atomic
        self.atomic = unit
        try:
            self.walk(tokens)
        finally:
            self.atomic = before

    def _parentheses(self, write: Callable[[], None], unit: int) -> None:
        opening = "(" if self.ends_with_space else " ("
        self.shown(opening, unit)
        self.written(opening)
        write()
        self.shown(")", unit)
        self.written(")")

    def _inline_footnote(self, parser_id: int, unit: int) -> None:
        active = self.projector.in_notes
        if parser_id in active:
            return
        active.add(parser_id)
        try:
            blocks = self.projector.note_blocks.get(parser_id, [])
            self._parentheses(lambda: self._inline_blocks(blocks, unit), unit)
        finally:
            active.discard(parser_id)

    def _inline_blocks(self, blocks: Sequence[Token], unit: int) -> None:
        first = True
        for block in blocks:
            if block.type == "inline":
                children = block.children or []
            elif block.type in ("fence", "code_block"):
                children = []
            else:
                continue
            if not first:
                self.shown(" ", unit)
                self.written(" ")
            first = False
            if children:
                self.walk_atomic(children, unit)
                continue
            for number, line in enumerate(block.content.rstrip("\n").split("\n")):
                if number:
                    self.shown("\n", unit)
                if line:
                    self.shown(line, unit)
                    self.ends_with_space = line[-1].isspace()


_InlineRule = Callable[[_InlineWalker, "Token"], None]
_RULES: dict[str, _InlineRule] = {
    "text": _InlineWalker._text,
    "softbreak": _InlineWalker._softbreak,
    "hardbreak": _InlineWalker._hardbreak,
    **dict.fromkeys(("em_open", "strong_open", "s_open"), _InlineWalker._open),
    **dict.fromkeys(("em_close", "strong_close", "s_close"), _InlineWalker._close),
    "code_inline": _InlineWalker._code,
    "link_open": _InlineWalker._link_open,
    "link_close": _InlineWalker._link_close,
    "wikilink_text": _InlineWalker._wikilink_text,
    "span_open": _InlineWalker._span_open,
    "span_close": _InlineWalker._span_close,
    "image": _InlineWalker._image,
    "footnote_ref": _InlineWalker._footnote,
    "citation": _InlineWalker._citation,
}
"""The projection's rule per inline token type: those of `docx_writer._INLINE_RULES`."""


# -- an edit of the projection written back into the Markdown -------------------------------


@dataclass(frozen=True)
class Change:
    """One edit written into the Markdown: `before` words became `after` words, by replacing
    the Markdown's ``start:end`` with `replacement`."""

    where: str
    before: str
    after: str
    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Refusal:
    """An edit not written: the words it changed, why, and what to do by hand."""

    before_words: str
    after_words: str
    reason: str
    manual_text: str


@dataclass(frozen=True)
class EditResult:
    """The Markdown with every edit that could be written (None when none could), the edits
    written and the edits refused."""

    new_source: str | None
    applied: list[Change] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str


@dataclass
class _Group:
    """One reviewer's edit: the splices that write it, and what it does to the projection."""

    where: str
    before: str
    after: str
    splices: list[_Splice]
    body: list[tuple[int, int, int, str]] = field(default_factory=list)
    """Character edits (paragraph, start, end, new text) of the body."""
    notes: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    """Character edits (note, paragraph, start, end, new text) of the notes."""
    removed: list[int] = field(default_factory=list)
    """Body paragraphs removed."""
    inserted: list[tuple[int, str]] = field(default_factory=list)
    """Body paragraphs inserted after a paragraph (-1: before the first)."""
    removed_notes: list[int] = field(default_factory=list)
    around: tuple[str, str] = ("", "")
    """Words before and after the change, for an instruction to make it by hand."""


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_WORD = re.compile(r"\ufffc|\s+|\w+|[^\w\s\ufffc]")
"""Words, runs of spaces, a punctuation mark, a note mark: what the edit is compared by."""
_LINE_PREFIX = re.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?[ \t>]*")
_BLOCK_START = re.compile(r"[ \t]*(?:[-+=:#>]|\d{1,9}(?=[.)]))")
_INLINE_SPECIAL = frozenset("\\`*_[]<>{}~")
_KINDS = {
    "wikilink": "the title that [[ID]] prints",
    "citation": "a citation's note mark",
    "footnote": "a footnote's mark",
    "code": "inline code",
    "image": "an image",
    "autolink": "a link written <…>",
    "break": "a line break",
    "unmapped": "text whose place in the Markdown is not known",
}


def apply_edit(
    source: str,
    before: Projection,
    after: Projection,
    *,
    titles: Mapping[str, str] | None = None,
    citations: Mapping[str, str] | None = None,
    short_citations: Mapping[str, str] | None = None,
    cited_before: Collection[str] = (),
) -> EditResult:
    """Write the edit that turns projection `before` into `after` into the Markdown `source`.

    Words are compared word by word; each changed run of words is written where its words
    stand, inside the emphasis or link that holds them, what the reviewer typed escaped so
    that it prints as typed. A word inserted where emphasis begins or ends goes outside it.
    A whole ``[[ID]]`` title, citation, footnote mark, inline code or line break deleted
    deletes its markup (a footnote's definition too, once nothing refers to it). Refused,
    with the words to change by hand: an edit of part of such a unit or of a citation's
    note, one that crosses the edge of a link or emphasis, a new footnote, paragraphs added
    or removed in a note or a table, and anything whose result would not print as `after`.
    A paragraph added after a list item is a new item; elsewhere a new paragraph. A
    paragraph whose every word was deleted is removed; spaces typed at a paragraph's ends
    are dropped, as Markdown drops them; a line break typed inside a paragraph or list item
    is a hard break (``\\`` at the end of the line).
    `before` must be `project(source)` (same titles and citations): otherwise the text
    changed since the document was made, and nothing is written.
    """
    options = {"titles": titles, "citations": citations, "short_citations": short_citations,
               "cited_before": cited_before}
    current = project(source, **options)  # type: ignore[arg-type]
    if current != before:
        return EditResult(None, [], _conflicts(before, after))
    if before == after:
        return EditResult(None)
    assert current.source_map is not None
    planner = _Planner(current.source_map, before, after)
    groups = planner.plan()
    refused = list(planner.refused)
    accepted: list[_Group] = []
    text = source
    whole = _splice(source, [s for g in groups for s in g.splices])
    if whole is not None and project(whole, **options) == _expected(  # type: ignore[arg-type]
            before, groups):
        accepted, text, groups = list(groups), whole, []  # all at once: one projection
    for group in groups:
        trial = _splice(source, [s for g in (*accepted, group) for s in g.splices])
        if trial is not None and project(trial, **options) == _expected(  # type: ignore[arg-type]
                before, [*accepted, group]):
            accepted.append(group)
            text = trial
        else:
            reason = ("it would not print as the reviewer wrote it once written into the "
                      "Markdown (the formatting around it would change)")
            refused.append(_refusal(group.where, group.before, group.after, reason,
                                    group.around))
    if not accepted:
        return EditResult(None, [], refused)
    applied = list(dict.fromkeys(Change(g.where, g.before, g.after, s.start, s.end, s.text)
                                 for g in accepted for s in g.splices))
    return EditResult(text, applied, refused)


def _refusal(where: str, before: str, after: str, reason: str,
             around: tuple[str, str] = ("", "")) -> Refusal:
    """A refusal whose instruction quotes a few words around the change, to find it by."""
    left, right = around
    if before and after:
        manual = f"{where}: replace “{left}{before}{right}” with “{left}{after}{right}”"
    elif before:
        manual = f"{where}: delete “{before}”" + (
            f" from “{left}{before}{right}”" if left or right else "")
    elif left or right:
        manual = f"{where}: insert “{after}” to read “{left}{after}{right}”"
    else:
        manual = f"{where}: insert “{after}”"
    return Refusal(before, after, reason, manual)


def _around(text: str, start: int, end: int, words: int = 3) -> tuple[str, str]:
    """A few words before and after ``text[start:end]``, as far as the paragraph goes."""
    left = _WORD.findall(text[:start])
    right = _WORD.findall(text[end:])
    count = 2 * words - 1
    return ("".join(left[-count:]).replace(NOTE_MARK, "").lstrip(),
            "".join(right[:count]).replace(NOTE_MARK, "").rstrip())


def _conflicts(before: Projection, after: Projection) -> list[Refusal]:
    reason = ("conflict: the text in the workspace changed since the document was made; "
              "nothing of it was written")
    pairs = [(f"paragraph {n + 1}", b, a)
             for n, (b, a) in enumerate(_padded(before.paragraphs, after.paragraphs))]
    pairs += [(f"note {n + 1}", b, a) for n, (b, a) in enumerate(_padded(
        ["\n".join(note) for note in before.notes], ["\n".join(note) for note in after.notes]))]
    return [_refusal(where, b, a, reason) for where, b, a in pairs if b != a]


def _padded(first: Sequence[str], second: Sequence[str]) -> list[tuple[str, str]]:
    count = max(len(first), len(second))
    return [(first[n] if n < len(first) else "", second[n] if n < len(second) else "")
            for n in range(count)]


def _splice(source: str, splices: Sequence[_Splice]) -> str | None:
    """`source` with every splice made, or None when two of them overlap."""
    unique = sorted(set(splices), key=lambda s: (s.start, s.end))
    for first, second in pairwise(unique):
        if second.start < first.end or (second.start == first.end == second.end
                                         and first.start == first.end):
            return None
    out = source
    for splice in reversed(unique):
        out = out[: splice.start] + splice.text + out[splice.end :]
    return out


def _expected(before: Projection, groups: Sequence[_Group]) -> Projection:
    """What the projection is once `groups` are written: `before` with their edits made."""
    body = [list(p) for p in before.paragraphs]
    for paragraph, start, end, new in sorted(
            (e for g in groups for e in g.body), key=lambda e: (e[0], -e[1])):
        body[paragraph][start:end] = list(new)
    notes = [[list(p) for p in note] for note in before.notes]
    for note, paragraph, start, end, new in sorted(  # a shared note's edit comes once a copy
            dict.fromkeys(e for g in groups for e in g.notes), key=lambda e: (e[0], e[1], -e[2])):
        notes[note][paragraph][start:end] = list(new)
    removed = {n for g in groups for n in g.removed}
    inserted: dict[int, list[str]] = {}
    for position, text in (i for g in groups for i in g.inserted):
        inserted.setdefault(position, []).append(text)
    paragraphs: list[str] = list(inserted.get(-1, []))
    for number, chars in enumerate(body):
        if number not in removed:
            paragraphs.append("".join(chars))
        paragraphs += inserted.get(number, [])
    gone = {n for g in groups for n in g.removed_notes}
    kept = tuple(tuple("".join(p) for p in note) for number, note in enumerate(notes)
                 if number not in gone)
    return Projection(tuple(paragraphs), kept)


def _lowest_common(containers: Sequence[Container], first: int, second: int) -> int:
    chain = []
    at = first
    while at >= 0:
        chain.append(at)
        at = containers[at].parent
    at = second
    while at >= 0 and at not in chain:
        at = containers[at].parent
    return at


def _child_under(containers: Sequence[Container], inner: int, outer: int) -> int | None:
    """The container directly inside `outer` that holds `inner` (None: `inner` is `outer`)."""
    at = inner
    while at >= 0 and containers[at].parent != outer:
        if at == outer:
            return None
        at = containers[at].parent
    return at if at >= 0 and at != outer else None


class _Planner:
    """The groups of splices that write `after` over `before`, and what cannot be written."""

    def __init__(self, source_map: SourceMap, before: Projection, after: Projection) -> None:
        self.map = source_map
        self.source = source_map.source
        self.lines = self.source.split("\n")
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self.starts = starts
        self.before = before
        self.after = after
        self.groups: list[_Group] = []
        self.refused: list[Refusal] = []
        self.note_pairs: list[tuple[int, int]] = []
        self.deleted_notes: set[int] = set()

    def refuse(self, where: str, before: str, after: str, reason: str,
               around: tuple[str, str] = ("", "")) -> None:
        self.refused.append(_refusal(where, before, after, reason, around))

    def plan(self) -> list[_Group]:
        before, after = self.before.paragraphs, self.after.paragraphs
        after_marks = _mark_numbers(after)
        before_marks = _mark_numbers(before)
        pending: list[str] = []
        last = -1
        for kind, i, j in _align(before, after):
            if kind != "insert" and pending:
                self.insert_paragraphs(last, pending)
                pending = []
            if kind == "pair" and not after[j].strip() and before[i].strip():
                self.remove_paragraph(i)  # every word of it deleted
                last = i
            elif kind == "pair":
                if before[i] == after[j]:
                    self.pair_marks(before_marks[i], after_marks[j])
                else:
                    self.paragraph(i, after[j], before_marks[i], after_marks[j])
                last = i
            elif kind == "delete":
                self.remove_paragraph(i)
                last = i
            else:
                pending.append(after[j])
        if pending:
            self.insert_paragraphs(last, pending)
        self.note_edits()
        return self.groups

    # -- body paragraphs

    def pair_marks(self, b_marks: list[int], a_marks: list[int]) -> None:
        self.note_pairs += list(zip(b_marks, a_marks, strict=False))

    def paragraph(self, number: int, new: str, b_marks: list[int], a_marks: list[int]) -> None:
        located = self.map.paragraphs[number]
        where = f"paragraph {number + 1} (“{_opening(located.text)}”)"
        if located.block.kind != "code":  # Markdown drops spaces at a paragraph's ends
            new = new.strip(" \t") if located.text == located.text.strip() else new
        for choices in self.word_edits(located.text, new, b_marks, a_marks):
            found = self.first_edit(located, choices, where)
            if found is not None:
                group, (start, end, text) = found
                group.body.append((number, start, end, text))
                self.groups.append(group)

    def first_edit(self, located: Located, choices: list[tuple[int, int, str]],
                   where: str) -> tuple[_Group, tuple[int, int, str]] | None:
        """The first of equivalent ways to make an edit that can be written, else refused."""
        first_reason = ""
        for start, end, text in choices:
            try:
                group = self.edit(located, start, end, text, where)
            except _Refused as refused:
                first_reason = first_reason or refused.reason
                continue
            group.around = _around(located.text, start, end)
            return group, (start, end, text)
        start, end, text = choices[0]
        self.refuse(where, located.text[start:end], text, first_reason,
                    _around(located.text, start, end))
        return None

    def word_edits(
        self, old: str, new: str, b_marks: list[int], a_marks: list[int]
    ) -> list[list[tuple[int, int, str]]]:
        """The changed runs of words of `old`, each as the equivalent ways to make it
        (start, end, new text); note marks kept in place are paired with their place in
        `after`."""
        old_words, new_words = _WORD.findall(old), _WORD.findall(new)
        old_at = _word_starts(old_words)
        found: list[list[tuple[int, int, str]]] = []
        b_index = a_index = 0
        for tag, i1, i2, j1, j2 in _opcodes(old_words, new_words):
            b_count = old_words[i1:i2].count(NOTE_MARK)
            a_count = new_words[j1:j2].count(NOTE_MARK)
            if tag == "equal":
                self.note_pairs += list(zip(b_marks[b_index : b_index + b_count],
                                            a_marks[a_index : a_index + a_count], strict=False))
            b_index += b_count
            a_index += a_count
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1 and i2 - i1 > 1:
                for offset in range(i2 - i1):  # word for word: each in its own formatting
                    old_word, new_word = old_words[i1 + offset], new_words[j1 + offset]
                    if old_word != new_word:
                        found.append([(old_at[i1 + offset], old_at[i1 + offset + 1], new_word)])
                continue
            if tag == "delete":
                found.append([(old_at[a], old_at[b], "") for a, b in
                              _slides(old_words, i1, i2)])
            elif tag == "insert":
                found.append([(old_at[a], old_at[a], "".join(words)) for a, words in
                              _insert_slides(old_words, new_words[j1:j2], i1)])
            else:
                found.append([(old_at[i1], old_at[i2], "".join(new_words[j1:j2]))])
        return found

    def edit(self, located: Located, start: int, end: int, new: str, where: str) -> _Group:
        """The splice for replacing characters `start:end` of a paragraph with `new`."""
        if NOTE_MARK in new:
            raise _Refused("it adds a footnote or moves a footnote's mark; add it in the "
                           "Markdown as [^n] with its text")
        if "\n" in new and located.block.kind not in ("paragraph", "item"):
            raise _Refused(f"it adds a line break inside a {located.block.kind}")
        containers = self.map.containers
        units = self.map.units
        old = located.text[start:end]
        in_cell = located.block.kind == "cell"
        group = _Group(where, old, new, [])
        if start == end:
            position, outer = self.insertion_point(located, start)
            group.splices.append(_Splice(position, position,
                                         self.escape(new, position, outer, in_cell)))
            return group
        touched = {located.units[n] for n in range(start, end)} - {LITERAL}
        for unit in touched:
            kind = units[unit].kind
            if units[unit].start < 0 or kind == "unmapped":
                raise _Refused(f"it changes {_KINDS.get(kind, kind)}")
            outside = [n for n in range(len(located.text))
                       if located.units[n] == unit and not start <= n < end]
            if outside:
                raise _Refused(f"it changes part of {_KINDS.get(kind, kind)}; "
                               "edit the Markdown by hand")
            if new:
                raise _Refused(f"it replaces {_KINDS.get(kind, kind)} with other words")
        common = located.containers[start]
        for n in range(start + 1, end):
            common = _lowest_common(containers, common, located.containers[n])
        if common < 0:
            raise _Refused("its words lie in different paragraphs of the Markdown")
        span_start = min(located.starts[n] for n in range(start, end))
        span_end = max(located.ends[n] for n in range(start, end))
        if span_start < 0 or span_end < 0:
            raise _Refused("its place in the Markdown is not known")
        inner = {c for c in set(located.containers) if c != common
                 and _child_under(containers, c, common) is not None}
        whole = set()
        for container in inner:
            chars = [n for n in range(len(located.text))
                     if _child_under(containers, located.containers[n], container) is not None
                     or located.containers[n] == container]
            if chars and all(start <= n < end for n in chars):
                whole.add(container)
        for container in whole:
            found = containers[container]
            if found.start < 0 or found.end < 0:
                raise _Refused("its place in the Markdown is not known")
            span_start, span_end = min(span_start, found.start), max(span_end, found.end)
        for container in inner - whole:
            found = containers[container]
            if found.end <= span_start or found.start >= span_end:
                continue
            kind = {"link": "a link", "span": "a span"}.get(found.kind, "emphasis")
            raise _Refused(f"it crosses the edge of {kind}: part of its words change; "
                           "edit the Markdown by hand")
        if whole and new:
            raise _Refused("it replaces formatted words (emphasis or a link) with other "
                           "words: which formatting they keep cannot be told")
        for unit in range(len(units)):
            found_unit = units[unit]
            if unit in touched or found_unit.start < 0:
                continue
            inside = span_start <= found_unit.start and found_unit.end <= span_end
            around = found_unit.start <= span_start and span_end <= found_unit.end
            if found_unit.start < span_end and found_unit.end > span_start and not (
                    inside or around):  # around: the text of a ^[…] note being edited
                raise _Refused("it crosses markup it cannot be mapped onto")
        for unit in touched:
            group.removed_notes += self.removed_note(unit, group)
        group.splices.append(_Splice(span_start, span_end,
                                     self.escape(new, span_start, common, in_cell)))
        return group

    def insertion_point(self, located: Located, at: int) -> tuple[int, int]:
        """Where words inserted before character `at` go, and the container they go in."""
        containers = self.map.containers
        length = len(located.text)
        if length == 0:
            raise _Refused("the paragraph is empty in the Markdown")
        left = located.containers[at - 1] if at > 0 else None
        right = located.containers[at] if at < length else None
        if left is not None and right is not None:
            outer = _lowest_common(containers, left, right)
        else:
            outer = located.root
        if outer < 0:
            raise _Refused("its place in the Markdown is not known")
        if left is not None:
            child = _child_under(containers, left, outer)
            position = (containers[child].end if child is not None
                        else self.char_end(located, at - 1))
        else:
            assert right is not None
            child = _child_under(containers, right, outer)
            position = (containers[child].start if child is not None
                        else self.char_start(located, at))
        if position < 0:
            raise _Refused("its place in the Markdown is not known")
        return position, outer

    def char_start(self, located: Located, at: int) -> int:
        return located.starts[at]

    def char_end(self, located: Located, at: int) -> int:
        return located.ends[at]

    def escape(self, text: str, position: int, container: int, in_cell: bool) -> str:
        """What the reviewer typed, written so that it prints as typed at `position`."""
        if self.map.containers[container].kind == "code":
            return text
        if "\n" in text:  # a line break the reviewer typed: a Markdown hard break
            prefix = self.continuation(position)
            first, *rest = text.split("\n")
            return "".join([self.escape(first, position, container, in_cell),
                            *("\\\n" + prefix + _escape_line_start(self.escape(
                                line, position, container, in_cell)) for line in rest)])
        following = self.source[position : position + 40]
        out: list[str] = []
        for index, char in enumerate(text):
            if char in _INLINE_SPECIAL or (char == "|" and in_cell):
                out.append("\\" + char)
            elif char == "&" and _ENTITY.match(text[index:] + following):
                out.append("\\&")
            else:
                out.append(char)
        escaped = "".join(out)
        line_start = self.source.rfind("\n", 0, position) + 1
        if _LINE_PREFIX.fullmatch(self.source, line_start, position):
            escaped = _escape_line_start(escaped)
        return escaped

    def continuation(self, position: int) -> str:
        """What starts a further line of the block that `position` is in (``> ``, spaces)."""
        from hthc_cli.markup.compose import _continuation

        line_start = self.source.rfind("\n", 0, position) + 1
        prefix = _LINE_PREFIX.match(self.source, line_start, position)
        return _continuation(prefix.group() if prefix else "")

    def removed_note(self, unit: int, group: _Group) -> list[int]:
        """A deleted note mark: its note leaves the projection, and a footnote's definition
        leaves the Markdown once no mark refers to it."""
        found = self.map.units[unit]
        if found.note is None:
            return []
        self.deleted_notes.add(found.note)
        origin = self.map.note_sources[found.note]
        if origin.kind == "footnote" and origin.label is not None and origin.definition:
            others = [u for n, u in enumerate(self.map.units)
                      if n != unit and u.kind == "footnote" and u.label == origin.label
                      and u.start >= 0 and (u.start, u.end) != (found.start, found.end)]
            if not others:
                group.splices.append(self.lines_span(*origin.definition))
        return [found.note]

    # -- whole paragraphs

    def lines_span(self, first: int, end: int) -> _Splice:
        """Removing lines `first:end` with one blank line beside them."""
        lines = self.lines
        if end < len(lines) and not lines[end].strip(" \t>"):
            end += 1
        elif first > 0 and not lines[first - 1].strip(" \t>"):
            first -= 1
        start = self.starts[first]
        stop = self.starts[end] if end < len(lines) else len(self.source)
        if end >= len(lines) and start > 0:
            start -= 1
        return _Splice(start, stop, "")

    def remove_paragraph(self, number: int) -> None:
        located = self.map.paragraphs[number]
        where = f"paragraph {number + 1} (“{_opening(located.text)}”)"
        block = located.block
        try:
            if NOTE_MARK in located.text:
                raise _Refused("the paragraph holds a footnote or citation mark")
            if block.first_line is None or block.end_line is None:
                raise _Refused("its place in the Markdown is not known")
            if block.kind in ("paragraph", "heading", "code"):
                splice = self.lines_span(block.first_line, block.end_line)
            elif block.kind == "item" and block.item_lines is not None:
                others = [p for n, p in enumerate(self.map.paragraphs) if n != number
                          and p.block.first_line is not None
                          and block.item_lines[0] <= p.block.first_line < block.item_lines[1]]
                if others:
                    raise _Refused("the list item holds further paragraphs")
                first, end = block.item_lines
                lines = self.lines
                while end > first + 1 and not lines[end - 1].strip():
                    end -= 1
                stop = self.starts[end] if end < len(lines) else len(self.source)
                start = self.starts[first]
                if end >= len(lines) and start > 0:
                    start -= 1
                splice = _Splice(start, stop, "")
            else:
                raise _Refused(f"a {block.kind} cannot be removed as a paragraph")
        except _Refused as refused:
            self.refuse(where, located.text, "", refused.reason)
            return
        group = _Group(where, located.text, "", [splice], removed=[number])
        self.groups.append(group)

    def insert_paragraphs(self, after: int, texts: list[str]) -> None:
        for text in texts:
            where = (f"after paragraph {after + 1}" if after >= 0
                     else "before the first paragraph")
            try:
                if NOTE_MARK in text:
                    raise _Refused("the new paragraph holds a footnote")
                splice = self.new_paragraph(after, text)
            except _Refused as refused:
                self.refuse(where, "", text, refused.reason)
                continue
            self.groups.append(_Group(where, "", text, [splice], inserted=[(after, text)]))

    def new_paragraph(self, after: int, text: str) -> _Splice:
        if "\n" in text:
            raise _Refused("the new paragraph holds a line break")
        if after < 0:
            return _Splice(0, 0, self.escape_block(text) + "\n\n")
        block = self.map.paragraphs[after].block
        if block.first_line is None or block.end_line is None:
            raise _Refused("its place in the Markdown is not known")
        lines = self.lines
        if block.kind == "item" and block.item_lines is not None:
            first, end = block.item_lines
            while end > first + 1 and not lines[end - 1].strip():
                end -= 1
            line = lines[first]
            marker_at = _LINE_PREFIX.match(line)
            prefix_end = marker_at.end() if marker_at else 0
            lead = line[:prefix_end]
            bare = re.match(r"([ \t>]*)", lead)
            indent = bare.group(1) if bare else ""
            marker = block.marker
            number = re.fullmatch(r"(\d{1,9})([.)])", marker)
            if number:
                marker = f"{int(number.group(1)) + 1}{number.group(2)}"
            gap = "\n" + indent.rstrip() if block.loose else ""
            position = self.starts[end - 1] + len(lines[end - 1])
            return _Splice(position, position,
                           f"{gap}\n{indent}{marker} {self.escape_block(text)}")
        if block.kind not in ("paragraph", "heading"):
            raise _Refused(f"a paragraph cannot be added after a {block.kind}")
        last = block.end_line - 1
        first_char = next((s for s in self.map.paragraphs[after].starts if s >= 0), None)
        prefix_source = lines[block.first_line]
        if first_char is not None:
            prefix_source = self.source[self.starts[block.first_line] : first_char]
        from hthc_cli.markup.compose import _continuation

        prefix = _continuation(prefix_source) if block.kind == "paragraph" else ""
        position = self.starts[last] + len(lines[last])
        return _Splice(position, position,
                       f"\n{prefix.rstrip()}\n{prefix}{self.escape_block(text)}")

    def escape_block(self, text: str) -> str:
        escaped = "".join("\\" + c if c in _INLINE_SPECIAL else c for c in text)
        return _escape_line_start(re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", escaped))

    # -- notes

    def note_edits(self) -> None:
        before, after = self.before.notes, self.after.notes
        paired_after = {a for _, a in self.note_pairs}
        for number in range(len(after)):
            if number not in paired_after:
                self.refuse(f"note {number + 1}", "", "\n".join(after[number]),
                            "a new footnote: add it in the Markdown as [^n] with its text")
        for b_number, a_number in self.note_pairs:
            if b_number >= len(before) or a_number >= len(after):
                continue
            old, new = before[b_number], after[a_number]
            if old == new:
                continue
            where = f"note {b_number + 1} (“{_opening(' '.join(old))}”)"
            origin = self.map.note_sources[b_number]
            if origin.kind == "citation":
                self.refuse(where, "\n".join(old), "\n".join(new),
                            "a citation's note is written from the references "
                            "(references.yaml); change the reference or the citation")
                continue
            if not "".join(new).strip():
                self.refuse(where, "\n".join(old), "",
                            "the footnote is empty in the document (an editor may have lost "
                            "its text); to remove the footnote, delete its mark")
                continue
            if len(old) != len(new):
                self.refuse(where, "\n".join(old), "\n".join(new),
                            "paragraphs added to or removed from a footnote")
                continue
            copies = [n for n, o in enumerate(self.map.note_sources)
                      if o.kind == "footnote" and o.label is not None
                      and o.label == origin.label] or [b_number]
            for paragraph, (old_text, new_text) in enumerate(zip(old, new, strict=True)):
                located = self.map.notes[b_number][paragraph]
                for choices in self.word_edits(old_text, new_text, [], []):
                    found = self.first_edit(located, choices, where)
                    if found is not None:
                        group, (start, end, text) = found
                        group.notes += [(copy, paragraph, start, end, text) for copy in copies]
                        self.groups.append(group)


def _escape_line_start(text: str) -> str:
    """`text` at the start of a line, escaped where it would begin a block (a heading, a list,
    a quote, a ``:::`` fence, a heading underline)."""
    found = _BLOCK_START.match(text)
    if found is None:
        return text
    cut = found.end() if text[found.end() - 1].isdigit() else found.end() - 1
    return text[:cut] + "\\" + text[cut:]


def _align(before: Sequence[str], after: Sequence[str]) -> list[tuple[str, int, int]]:
    """The paragraphs of `before` and `after` paired where they are alike, the others
    deleted or inserted: ("pair", i, j), ("delete", i, -1), ("insert", -1, j) in order.

    Unchanged paragraphs pair by a shortest edit; between them, changed ones pair by
    likeness of their words."""
    found: list[tuple[str, int, int]] = []
    for tag, i1, i2, j1, j2 in _opcodes(before, after):
        if tag == "equal":
            found += [("pair", i1 + n, j1 + n) for n in range(i2 - i1)]
        else:
            found += _align_changed(before, after, i1, i2, j1, j2)
    return found


_LIKENESS_PAIRS = 400
"""Above this many pairs of changed paragraphs, they pair in order."""


def _align_changed(before: Sequence[str], after: Sequence[str], i1: int, i2: int, j1: int,
                   j2: int) -> list[tuple[str, int, int]]:
    from difflib import SequenceMatcher

    rows, columns = i2 - i1, j2 - j1
    if rows * columns > _LIKENESS_PAIRS or not rows or not columns:
        paired = min(rows, columns)
        return ([("pair", i1 + n, j1 + n) for n in range(paired)]
                + [("delete", i, -1) for i in range(i1 + paired, i2)]
                + [("insert", -1, j) for j in range(j1 + paired, j2)])
    words_before = [_WORD.findall(before[i1 + n]) for n in range(rows)]
    words_after = [_WORD.findall(after[j1 + n]) for n in range(columns)]
    alike = [[0.1 + SequenceMatcher(None, words_before[i], words_after[j],
                                    autojunk=False).ratio()  # a poor pair keeps markup
              for j in range(columns)] for i in range(rows)]
    score = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, columns + 1):
            score[i][j] = max(score[i - 1][j], score[i][j - 1],
                              score[i - 1][j - 1] + alike[i - 1][j - 1])
    found: list[tuple[str, int, int]] = []
    i, j = rows, columns
    while i > 0 or j > 0:
        if i > 0 and j > 0 and score[i][j] == score[i - 1][j - 1] + alike[i - 1][j - 1]:
            found.append(("pair", i1 + i - 1, j1 + j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and (j == 0 or score[i][j] == score[i - 1][j]):
            found.append(("delete", i1 + i - 1, -1))
            i -= 1
        else:
            found.append(("insert", -1, j1 + j - 1))
            j -= 1
    return found[::-1]


_SMALLEST_DIFF = 250_000
"""Above this many pairs of words, a changed stretch is compared by difflib's heuristic."""


def _opcodes(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes for two word lists, from a shortest edit (fewest words inserted and
    deleted): difflib's longest-block heuristic may delete and re-insert an emphasised word
    to insert another, and the emphasis would go."""
    from difflib import SequenceMatcher

    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while (tail < min(len(old), len(new)) - head
           and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]):
        tail += 1
    a, b = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(a) * len(b) > _SMALLEST_DIFF:
        return list(SequenceMatcher(None, old, new, autojunk=False).get_opcodes())
    rows, columns = len(a), len(b)
    common = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        row, below = common[i], common[i + 1]
        for j in range(columns - 1, -1, -1):
            row[j] = below[j + 1] + 1 if a[i] == b[j] else max(below[j], row[j + 1])
    steps: list[str] = []
    i = j = 0
    while i < rows or j < columns:
        if i < rows and j < columns and a[i] == b[j]:
            steps.append("=")
            i, j = i + 1, j + 1
        elif j < columns and (i == rows or common[i][j + 1] >= common[i + 1][j]):
            steps.append("+")
            j += 1
        else:
            steps.append("-")
            i += 1
    found: list[tuple[str, int, int, int, int]] = []
    if head:
        found.append(("equal", 0, head, 0, head))
    i = j = head
    index = 0
    while index < len(steps):
        if steps[index] == "=":
            start = index
            while index < len(steps) and steps[index] == "=":
                index += 1
            found.append(("equal", i, i + index - start, j, j + index - start))
            i, j = i + index - start, j + index - start
            continue
        deleted = inserted = 0
        while index < len(steps) and steps[index] != "=":
            deleted += steps[index] == "-"
            inserted += steps[index] == "+"
            index += 1
        tag = "replace" if deleted and inserted else "delete" if deleted else "insert"
        found.append((tag, i, i + deleted, j, j + inserted))
        i, j = i + deleted, j + inserted
    if tail:
        found.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return found


def _mark_numbers(paragraphs: Sequence[str]) -> list[list[int]]:
    """For each paragraph, the numbers of the notes its marks refer to (in reading order)."""
    found: list[list[int]] = []
    count = 0
    for paragraph in paragraphs:
        marks = paragraph.count(NOTE_MARK)
        found.append(list(range(count, count + marks)))
        count += marks
    return found


def _slides(words: Sequence[str], first: int, end: int) -> list[tuple[int, int]]:
    """Where a deleted run of words may equally be taken from: ``a b a`` less ``b a`` is
    also ``a b a`` less ``a b``. The run as found comes first."""
    found = [(first, end)]
    left, right = first, end
    while left > 0 and words[left - 1] == words[right - 1]:
        left, right = left - 1, right - 1
        found.append((left, right))
    left, right = first, end
    while right < len(words) and words[left] == words[right]:
        left, right = left + 1, right + 1
        found.append((left, right))
    return found


def _insert_slides(
    words: Sequence[str], inserted: Sequence[str], at: int
) -> list[tuple[int, list[str]]]:
    """Where inserted words may equally go, each with the words as inserted there."""
    found = [(at, list(inserted))]
    run = list(inserted)
    position = at
    while position > 0 and run and words[position - 1] == run[-1]:
        run = [run[-1], *run[:-1]]
        position -= 1
        found.append((position, list(run)))
    run, position = list(inserted), at
    while position < len(words) and run and words[position] == run[0]:
        run = [*run[1:], run[0]]
        position += 1
        found.append((position, list(run)))
    return found


def _word_starts(words: Sequence[str]) -> list[int]:
    starts = [0]
    for word in words:
        starts.append(starts[-1] + len(word))
    return starts


def _opening(text: str, words: int = 6) -> str:
    parts = text.replace(NOTE_MARK, "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
