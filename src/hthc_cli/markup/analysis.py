"""What one text holds, read from its tokens: the links, citations and anchors it names, and
the Markdown in it that will not come out as written.

Check reports from this and render consumes the same tokens, so the two cannot disagree.
Every finding carries its offset in the text, which check turns into a file:line:column.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from hthc_cli.markup.parser import MAX_NESTING, compact_tokens, is_kept, parse_text

if TYPE_CHECKING:
    from markdown_it.token import Token

WORD_LIST_LEVELS = 9
"""Word numbers and bullets lists nine levels deep; deeper items are printed at the ninth."""

WIDE_TABLE_COLUMNS = 10
"""More columns than this do not fit a portrait page legibly."""

_CONTAINER = r"(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])"
_TRIGGER_CHARS = re.compile(r"[\[<|`~#{]|:::")
"""Links, notes, citations, HTML, tables, code, headings, attributes, fenced divs."""
_TRIGGER_LINES = re.compile(
    r"^(?: {8}| *\t)"  # deep indentation: nested lists, code
    r"|^ {0,3}(?:=+|-+)[ \t]*$"  # a setext heading's underline
    rf"|^ {{0,7}}{_CONTAINER}[ \t]*{_CONTAINER}",  # containers nested on one line
    re.MULTILINE,
)
"""A text with none of these holds nothing this module reports (it skips the parse)."""


def _may_hold_findings(text: str) -> bool:
    return bool(_TRIGGER_CHARS.search(text) or _TRIGGER_LINES.search(text))


_HTML = re.compile(r"<(!--|/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$))")
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_SPACED_LINK = re.compile(r"\[\[(?:\s+[^\[\]]*|[^\[\]]*\s+)\]\]")


class Finding(NamedTuple):
    """One thing found in a text, at `offset` (characters into the text) for `length`.

    A tuple: a large workspace makes tens of thousands, many of them from the store.
    """

    kind: str
    offset: int
    length: int
    target: str = ""
    number: int = 0
    """A count the message names: columns, levels, cells."""


@dataclass(slots=True)
class Analysis:
    """The names a text uses (`links`, `citations`), the anchors it defines, its pitfalls.

    Kinds of link: ``wikilink`` (``[[ID]]``), ``wikilink-text`` (the same inside another
    link's text: the title alone) and ``anchor`` (``[text](#ID)``); of pitfall:
    ``html``, ``heading``, ``note-without-text``, ``spaced-link``, ``unclosed-code``,
    ``unclosed-div``, ``extra-cells``, ``wide-table``, ``deep-list``, ``nested-note``
    (warnings) and ``too-deep`` (an error: the parser cannot read the text whole).
    """

    links: list[Finding] = field(default_factory=list)
    citations: list[Finding] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    pitfalls: list[Finding] = field(default_factory=list)


ERRORS = frozenset({"too-deep"})


class Store(Protocol):
    """Analyses kept between runs, by the SHA-1 of their text (see `hthc_cli.markup.store`)."""

    def get(self, key: bytes) -> Analysis | None: ...

    def put(self, key: bytes, analysis: Analysis) -> None: ...


class _Current:
    store: ClassVar[Store | None] = None


@contextmanager
def remembering(store: Store) -> Iterator[None]:
    """Within the block, `analyse` looks a text up in `store` first and adds what it reads."""
    _Current.store = store
    try:
        yield
    finally:
        _Current.store = None


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()


@cache
def analyse(text: str) -> Analysis:
    """Everything check needs to know about one Markdown text (read once per text: each
    rule that asks again gets the same answer; `forget` empties the memory)."""
    if not _may_hold_findings(text):
        return Analysis()
    store = _Current.store
    key = text_key(text) if store is not None else b""
    if store is not None:
        stored = store.get(key)
        if stored is not None:
            return stored
    result = Analysis()
    tokens = parse_text(text)
    _Walker(text, result).walk(tokens)
    if is_kept(text):
        compact_tokens(tokens)  # its lines are read: what render keeps may be smaller
    if store is not None:
        store.put(key, result)
    return result


def forget() -> None:
    """Drop every remembered analysis (a check of another workspace is about to start)."""
    analyse.cache_clear()


class _Walker:
    def __init__(self, text: str, result: Analysis) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.result = result
        self.seen: dict[str, int] = {}
        self.too_deep = False

    # -- where things are -------------------------------------------------------------

    def line_offset(self, line: int) -> int:
        """The offset of the first non-blank character of a line of the text."""
        if line >= len(self.lines):
            return len(self.text)
        content = self.lines[line]
        return self.starts[line] + len(content) - len(content.lstrip())

    def inline_offset(self, inline: Token, offset: int) -> int | None:
        """The offset in the text of `offset` in an inline token's content, when known."""
        if not inline.map:
            return None
        content = inline.content
        before = content[:offset]
        row = before.count("\n")
        column = offset - (before.rfind("\n") + 1)
        content_line = content.split("\n")[row]
        line = inline.map[0] + row
        if line >= len(self.lines):
            return None
        source = self.lines[line]
        if source.endswith(content_line):
            base = len(source) - len(content_line)
        elif source.rstrip().endswith(content_line):
            base = len(source.rstrip()) - len(content_line)
        else:
            base = source.find(content_line)
            if base < 0:
                return None
        return self.starts[line] + base + column

    def by_search(self, snippet: str) -> int:
        """The next occurrence of `snippet` in the text, counting those already reported."""
        nth = self.seen.get(snippet, 0)
        self.seen[snippet] = nth + 1
        position = -1
        for _ in range(nth + 1):
            position = self.text.find(snippet, position + 1)
            if position < 0:
                return 0
        return position

    def place(self, inline: Token | None, child: Token, snippet: str) -> int:
        offset = child.meta.get("offset") if child.meta else None
        if inline is not None and isinstance(offset, int):
            found = self.inline_offset(inline, offset)
            if found is not None and self.text.startswith(snippet, found):
                return found
        return self.by_search(snippet)

    # -- the walk ---------------------------------------------------------------------

    def walk(self, tokens: Sequence[Token]) -> None:
        lists = 0
        in_note = 0
        deep_list_reported = False
        for token in tokens:
            kind = token.type
            if token.level >= MAX_NESTING - 1 and not self.too_deep:
                self.too_deep = True
                line = token.map[0] if token.map else 0
                self.pitfall("too-deep", self.line_offset(line), 1)
            if kind in ("footnote_open", "footnote_block_open"):
                in_note += 1
            elif kind in ("footnote_close", "footnote_block_close"):
                in_note -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lists += 1
                if lists > WORD_LIST_LEVELS and not deep_list_reported and token.map:
                    deep_list_reported = True
                    self.pitfall("deep-list", self.line_offset(token.map[0]), 1, count=lists)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists -= 1
            elif kind == "heading_open" and not in_note and token.map:
                self.pitfall("heading", self.line_offset(token.map[0]), len(token.markup))
            elif kind == "fence" and token.map:
                self.fence(token)
            elif kind == "div_open":
                if token.map and not token.meta.get("closed", True):
                    self.pitfall("unclosed-div", self.line_offset(token.map[0]), 3)
                self.anchor(token)
            elif kind == "table_open" and token.map:
                self.table(token)
            elif kind == "inline":
                self.inline(token, token.children or [], in_note > 0)
            if kind in ("heading_open", "div_open", "paragraph_open"):
                self.anchor(token)

    def inline(self, inline: Token | None, children: Sequence[Token], in_note: bool) -> None:
        for child in children:
            kind = child.type
            if kind == "link_open":
                self.anchor(child)
                target = child.meta.get("wikilink") if child.meta else None
                href = str(child.attrGet("href") or "")
                if target:
                    self.link("wikilink", inline, child, str(target))
                elif href.startswith("#"):
                    self.link("anchor", inline, child, href[1:])
            elif kind == "wikilink_text":
                self.link("wikilink-text", inline, child, child.content)
            elif kind == "citation":
                offset = self.place(inline, child, child.content)
                within = 0
                for item in child.meta["items"]:
                    # point at the key itself: '@key' or '@{key}'
                    braced = "@{" + item.key + "}"
                    at = child.content.find(braced, within)
                    written = braced
                    if at < 0:
                        written = "@" + item.key
                        at = child.content.find(written, within)
                    if at < 0:
                        at, written = 0, child.content
                    within = at + len(written)
                    self.result.citations.append(
                        Finding("citation", offset + at, len(written), item.key)
                    )
            elif kind == "footnote_ref" and in_note:
                label = str(child.meta.get("label", ""))
                snippet = f"[^{label}]" if label else "^["
                self.pitfall("nested-note", self.by_search(snippet), len(snippet), label)
            elif kind == "text":
                self.text_pitfalls(child.content)
            elif kind in ("span_open", "em_open", "strong_open"):
                self.anchor(child)
            if kind == "footnote_ref" and child.children:
                self.inline(None, child.children, True)

    def text_pitfalls(self, content: str) -> None:
        # What is written escaped (\<b>, \[^1], \[[ A ]]) is meant to print as it is, and
        # does: only the unescaped is a pitfall.
        for kind, trigger, pattern in (("html", "<", _HTML),
                                       ("note-without-text", "[^", _NOTE_REF),
                                       ("spaced-link", "[[", _SPACED_LINK)):
            if trigger not in content:
                continue
            for match in pattern.finditer(content):
                snippet = match.group()
                offset = self.by_search(snippet)
                if offset and self.text[offset - 1] == "\\":
                    continue
                target = match.group(1) if kind == "note-without-text" else ""
                self.pitfall(kind, offset, len(snippet), target)

    def link(self, kind: str, inline: Token | None, token: Token, target: str) -> None:
        snippet = str(token.meta.get("source") or "")
        offset = self.place(inline, token, snippet) if snippet else 0
        self.result.links.append(Finding(kind, offset, len(snippet), target))

    def anchor(self, token: Token) -> None:
        anchor = token.attrGet("id")
        if anchor:
            self.result.anchors.add(str(anchor))

    def fence(self, token: Token) -> None:
        assert token.map is not None
        first, end = token.map
        last = self.lines[end - 1].strip() if end - 1 < len(self.lines) else ""
        fence = token.markup
        closed = (end - 1 > first and last.startswith(fence)
                  and not last.strip(fence[0]))
        if not closed:
            self.pitfall("unclosed-code", self.line_offset(first), len(fence))

    def table(self, token: Token) -> None:
        from markdown_it.rules_block.table import escapedSplit

        assert token.map is not None
        first, end = token.map
        header = len(_cells(escapedSplit, self.lines[first]))
        if header > WIDE_TABLE_COLUMNS:
            self.pitfall("wide-table", self.line_offset(first), 1, count=header)
        for line in range(first + 2, min(end, len(self.lines))):
            cells = len(_cells(escapedSplit, self.lines[line]))
            if cells > header:
                self.pitfall("extra-cells", self.line_offset(line), 1, count=cells - header,
                             target=str(header))

    def pitfall(
        self, kind: str, offset: int, length: int, target: str = "", count: int = 0
    ) -> None:
        self.result.pitfalls.append(Finding(kind, offset, length, target, number=count))


def _cells(split: object, line: str) -> list[str]:
    """A table row's cells as markdown-it counts them (outer pipes do not make cells)."""
    text = line.strip()
    while text.startswith(">"):
        text = text[1:].lstrip()
    columns: list[str] = split(text)  # type: ignore[operator]
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def citation_keys(tokens: Sequence[Token]) -> Iterator[str]:
    """The keys cited anywhere in a token stream, notes included, in order."""
    for token in tokens:
        for child in token.children or ():
            if child.type == "citation":
                for item in child.meta["items"]:
                    yield item.key
            elif child.children:
                yield from citation_keys([child])
