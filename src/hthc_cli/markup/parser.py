"""The Markdown dialect between templates and documents: CommonMark with pandoc's extensions.

Supported on top of CommonMark: pipe tables, ``~~strikethrough~~``, footnotes (``[^n]`` and
``^[inline]``), fenced divs (``::: {custom-style="Name"}`` … ``:::``, also ``{#id}`` and
classes), bracketed spans (``[text]{custom-style="Name"}``), heading attributes
(``## Heading {#ID}``), citations (``[@key]``, ``[see @key, p. 4]``, ``[@a; @b]``) and
internal links written ``[[ID]]``. Raw HTML is never passed through: it stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from hthc_cli.base.errors import RenderError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

ALLOWED_ATTRIBUTES = ("id", "class", "custom-style")
"""The only attributes kept from ``{…}``; anything else (``style``, ``on…``) is dropped."""


@dataclass(frozen=True)
class CitationItem:
    """One cited work inside ``[…]``: ``prefix @key suffix``."""

    key: str
    prefix: str = ""
    suffix: str = ""


# Pandoc citation keys: a letter, digit or "_", then those or internal punctuation.
_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
_KEY_AT = re.compile(_KEY)
_BRACED_KEY = re.compile(r"\{([^{}]+)\}")
_WIKILINK = re.compile(r"\[\[([^\[\]\s]+)\]\]")
_CLASS_WORD = re.compile(r"[^\s{}:]+")

MAX_NESTING = 60
"""How deep blocks and inline elements may nest (markdown-it's CommonMark preset allows 20).

Deeper than this the parser drops the rest of a text; check refuses such a text.
"""


def parse_markdown(text: str) -> list[Token]:
    """Parse a whole document into markdown-it's flat block token stream.

    Footnote bodies follow the document, between ``footnote_block_open`` and
    ``footnote_block_close``; fenced divs are ``div_open``/``div_close``; citations are inline
    ``citation`` tokens whose ``meta["items"]`` is a tuple of :class:`CitationItem`.
    """
    return _parser().parse(text, {})


class _Shared:
    """Parses kept for a later reader: check parses a text, render reuses its tokens."""

    keep: ClassVar[Callable[[str], bool] | None] = None
    tokens: ClassVar[dict[str, list[Token]]] = {}
    hold: ClassVar[bool] = False


@contextmanager
def shared_parses(keep: Callable[[str], bool], hold: bool = False) -> Iterator[None]:
    """Within the block, `parse_text` keeps the tokens of each text that `keep` accepts.

    Kept tokens are shared: readers must not change them. With `hold`, a last reader does
    not take them out either (two renders that share most texts parse each text once).
    """
    _Shared.keep, _Shared.tokens, _Shared.hold = keep, {}, hold
    try:
        yield
    finally:
        _Shared.keep, _Shared.tokens, _Shared.hold = None, {}, False


def parse_text(text: str, last_reader: bool = False) -> list[Token]:
    """One workspace text's tokens; shared (and so read-only) inside `shared_parses`.

    The `last_reader` takes kept tokens out of the store, so that they live no longer
    than that reader holds them.
    """
    if _Shared.keep is None:
        return parse_markdown(text)
    if last_reader and not _Shared.hold:
        return _Shared.tokens.pop(text, None) or parse_markdown(text)
    found = _Shared.tokens.get(text)
    if found is None:
        found = parse_markdown(text)
        if _Shared.keep(text):
            _Shared.tokens[text] = found
    return found


class _Empty(dict[Any, Any]):
    """One empty dict for every token without attributes or meta: it refuses to be filled."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a composed token's attributes and meta are read-only")

    __setitem__ = _refuse
    update = _refuse
    setdefault = _refuse


_EMPTY = _Empty()


def compact_tokens(tokens: list[Token]) -> list[Token]:
    """Tokens made smaller once read for their lines: writers need neither source lines nor
    empty dicts.

    A large document holds hundreds of thousands of tokens, and these took a third of their
    memory. Idempotent, so a text's shared tokens may be compacted again.
    """
    for token in tokens:
        token.map = None
        if not token.attrs:
            token.attrs = _EMPTY
        if not token.meta:
            token.meta = _EMPTY
        if token.children:
            compact_tokens(token.children)
    return tokens


def is_kept(text: str) -> bool:
    """Whether a text's tokens are kept for a later reader (see `shared_parses`) that needs
    no more than compacted tokens (with `hold`, a later check still reads their lines)."""
    return text in _Shared.tokens and not _Shared.hold


def parse_inline(text: str) -> list[Token]:
    """Parse a run of inline Markdown (e.g. a formatted reference) into inline tokens."""
    tokens = _parser().parseInline(text, {})
    children = tokens[0].children if tokens else None
    return list(children or [])


def split_footnotes(tokens: Sequence[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The body tokens, and the block tokens of each footnote by its parser id."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    in_notes = False
    for token in tokens:
        kind = token.type
        if kind == "footnote_block_open":
            in_notes = True
        elif kind == "footnote_block_close":
            in_notes = False
        elif not in_notes:
            body.append(token)
        elif kind == "footnote_open":
            current = notes.setdefault(int(token.meta["id"]), [])
        elif kind == "footnote_close":
            current = None
        elif kind != "footnote_anchor" and current is not None:
            current.append(token)
    return body, notes


class CitationFormatter:
    """The note text of citations, as inline tokens; each reference is parsed once."""

    def __init__(
        self, citations: Mapping[str, str], short: Mapping[str, str] | None = None,
        cited: Iterable[str] = (),
    ) -> None:
        self._citations = citations
        self._short = short or {}
        self._cited: set[str] = set(cited)
        """Keys cited before (a key cited again prints its short form)."""
        self._references: dict[str, list[Token]] = {}

    def tokens(self, items: Sequence[CitationItem], line: int | None = None) -> list[Token]:
        """``[see @a, p. 4; @b]`` -> "see A, p. 4; B." as pandoc's note styles write it."""
        tokens: list[Token] = []
        last = ""
        for index, item in enumerate(items):
            reference = self._reference_text(item.key, line)
            if item.key in self._cited and item.key in self._short:
                reference = self._short[item.key].strip()  # cited before: the short form
            self._cited.add(item.key)
            suffix = item.suffix.rstrip()
            last_item = index == len(items) - 1
            followed = bool(suffix.strip()) or not last_item
            trimmed = reference[:-1] if followed and reference.endswith(".") else reference
            if index:
                tokens.append(_text("; "))
            prefix = item.prefix.strip()
            if prefix:
                tokens.extend(_segment(prefix + " "))
            cached = self._references.get(trimmed)
            if cached is None:
                cached = self._references[trimmed] = parse_inline(trimmed)
            tokens.extend(cached)
            last = trimmed
            if suffix:
                tokens.extend(_segment(suffix))
                last = suffix
        if last and last[-1] not in ".!?":
            tokens.append(_text("."))
        return tokens

    def _reference_text(self, key: str, line: int | None) -> str:
        try:
            return self._citations[key].strip()
        except KeyError:
            where = f"line {line + 1} of the Markdown: " if line is not None else ""
            known = sorted(self._citations)
            listed = ", ".join(f"@{k}" for k in known[:12]) + (", …" if len(known) > 12 else "")
            raise RenderError(
                f"{where}unknown citation key @{key} (known keys: {listed or 'none'})"
            ) from None


_MARKUP = re.compile(r"[\\`*_\[\]<>!&~^{}@$|]")


def _segment(text: str) -> list[Token]:
    return parse_inline(text) if _MARKUP.search(text) else [_text(text)]


def _text(content: str) -> Token:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


def markdown_options() -> OptionsDict:
    """The parser's options, as markdown-it's HTML renderer needs them."""
    return _parser().options


def css_class(name: str) -> str:
    """A custom style name as an HTML class name: "Address Block" -> "address-block"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "style"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=True)
    md.use(attrs_plugin, spans=True, allowed=ALLOWED_ATTRIBUTES)
    md.block.ruler.before(
        "fence",
        "fenced_div",
        _fenced_div_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("block", "heading_attrs", _heading_attrs_rule)
    md.core.ruler.push("citation_notes", _citation_notes_rule)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.at("link", _located_link)
    md.helpers = _Helpers(md.helpers)  # type: ignore[assignment]
    return md


class _Helpers:
    """markdown-it's helpers, with a link label that gives up at once when no ']' follows.

    Every '[' asks for the label that starts there (links, spans, citations), and the
    search runs to the end of the text when nothing closes it: without this, a text of
    many '[' takes time in the square of its length.
    """

    def __init__(self, helpers: Any) -> None:
        self.parseLinkDestination = helpers.parseLinkDestination
        self.parseLinkTitle = helpers.parseLinkTitle
        self._parse_label = helpers.parseLinkLabel

    def parseLinkLabel(
        self, state: StateInline, start: int, disableNested: bool = False
    ) -> int:
        if _next_char(state, "]", start) >= state.posMax:
            return -1
        return int(self._parse_label(state, start, disableNested))


def _located_link(state: StateInline, silent: bool) -> bool:
    """markdown-it's link rule, recording where each link starts and ends in its inline text."""
    from markdown_it.rules_inline.link import link

    start, count = state.pos, len(state.tokens)
    if not link(state, silent):
        return False
    if not silent:
        for opened in state.tokens[count:]:
            if opened.type == "link_open":
                opened.meta["offset"] = start
                opened.meta["source"] = state.src[start : state.pos]
                break
    return True


def _parse_attributes(text: str) -> dict[str, str] | None:
    """``{#id .class key="value"}`` as a dict, or None when it is not exactly that."""
    from mdit_py_plugins.attrs.parse import ParseError, parse

    try:
        end, attrs = parse(text)
    except ParseError:
        return None
    if text[end + 1 :].strip():
        return None
    return {key: str(value) for key, value in attrs.items() if key in ALLOWED_ATTRIBUTES}


def _fence_spec(line: str) -> str | None:
    """What follows the colons of a ``:::`` line (closing colons dropped), or None."""
    colons = len(line) - len(line.lstrip(":"))
    if colons < 3:
        return None
    spec = line[colons:].strip(" \t")
    trimmed = spec.rstrip(":")
    if len(spec) - len(trimmed) >= 3:
        spec = trimmed.rstrip(" \t")
    return spec


def _div_attributes(line: str) -> dict[str, str] | None:
    """The attributes of an opening fence ``::: {…}`` or ``::: word``, else None."""
    spec = _fence_spec(line)
    if not spec:
        return None
    if spec.startswith("{"):
        return _parse_attributes(spec)
    if _CLASS_WORD.fullmatch(spec):
        return {"class": spec}
    return None


def _is_fence_close(text: str) -> bool:
    stripped = text.rstrip(" \t")
    return len(stripped) >= 3 and not stripped.strip(":")


def _fenced_div_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[start : state.eMarks[start_line]]
    if not line.startswith(":::"):
        return False
    attrs = _div_attributes(line)
    if attrs is None:
        return False
    if silent:
        return True

    depth = 0
    next_line = start_line
    closed = False
    while True:
        next_line += 1
        if next_line >= end_line:
            break
        begin = state.bMarks[next_line] + state.tShift[next_line]
        end = state.eMarks[next_line]
        if begin < end and state.sCount[next_line] < state.blkIndent:
            break
        if state.sCount[next_line] - state.blkIndent >= 4:
            continue
        text = state.src[begin:end]
        if not text.startswith(":::"):
            continue
        if _is_fence_close(text):
            if depth == 0:
                closed = True
                break
            depth -= 1
        elif _div_attributes(text) is not None:
            depth += 1

    old_parent = state.parentType
    old_line_max = state.lineMax
    state.parentType = "fenced_div"
    state.lineMax = next_line

    token = state.push("div_open", "div", 1)
    token.block = True
    token.markup = ":::"
    token.map = [start_line, next_line]
    token.meta["closed"] = closed
    for key, value in attrs.items():
        token.attrSet(key, value)

    state.md.block.tokenize(state, start_line + 1, next_line)

    token = state.push("div_close", "div", -1)
    token.block = True
    token.markup = ":::"

    state.parentType = old_parent
    state.lineMax = old_line_max
    state.line = next_line + (1 if closed else 0)
    return True


def _heading_attributes(content: str) -> tuple[str, str] | None:
    """A heading's text and its trailing ``{…}``, found without backtracking."""
    stripped = content.rstrip(" \t")
    if not stripped.endswith("}"):
        return None
    opening = stripped.rfind("{")
    if opening < 0 or "}" in stripped[opening + 1 : -1]:
        return None
    return stripped[:opening].rstrip(" \t"), stripped[opening:]


def _heading_attrs_rule(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        found = _heading_attributes(inline.content)
        if found is None:
            continue
        text, spec = found
        if spec.replace(" ", "") == "{-}":
            attrs: dict[str, str] | None = {"class": "unnumbered"}
        else:
            attrs = _parse_attributes(spec)
        if attrs is None:
            continue
        inline.content = text
        for key, value in attrs.items():
            token.attrSet(key, value)


def _citation_notes_rule(state: StateCore) -> None:
    """A citation is a note: drop the space before it and record its line for error messages."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        for index, child in enumerate(children):
            if child.type != "citation":
                continue
            if token.map:
                child.meta["line"] = token.map[0]
            before = index - 1
            if before >= 0 and children[before].type == "softbreak":
                children[before].type, children[before].content = "text", ""
                before -= 1
            if before >= 0 and children[before].type == "text":
                children[before].content = children[before].content.rstrip(" ")


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[ID]]``: a link to a recommendation or position, shown as its title.

    Inside another link's text it is the title alone (a ``wikilink_text`` token: a link
    cannot hold a link). In silent
    mode (a link's label being measured) it does not match, so that ``[a [[ID]] b](url)``
    stays one link.
    """
    if silent or not state.src.startswith("[[", state.pos):
        return False
    match = _WIKILINK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    target = match.group(1)
    meta = {"wikilink": target, "offset": state.pos, "source": match.group()}
    if state.linkLevel > 0:
        token = state.push("wikilink_text", "", 0)
        token.content = target
        token.meta = meta
    else:
        token = state.push("link_open", "a", 1)
        token.attrSet("href", "#" + target)
        token.markup = "wikilink"
        token.meta = meta
        token = state.push("text", "", 0)
        token.content = target
        token.meta = {"wikilink": target}
        token = state.push("link_close", "a", -1)
        token.markup = "wikilink"
    state.pos = match.end()
    return True


def _next_char(state: StateInline, char: str, start: int) -> int:
    """Where `char` next stands, remembered per inline text so that scanning stays linear."""
    key = "_hthc_next" + char
    cached = state.env.get(key)
    if cached is not None and cached[0] is state.src and cached[1] <= start <= cached[2]:
        return int(cached[2])
    found = state.src.find(char, start)
    found = len(state.src) if found < 0 else found
    state.env[key] = (state.src, start, found)
    return found


def _citation_rule(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if state.src[start] != "[" or _next_char(state, "@", start) >= state.posMax:
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start, False)
    if label_end < 0:
        return False
    after = state.src[label_end + 1 : label_end + 2]
    if after in ("(", "[", "{"):
        return False
    content = state.src[start + 1 : label_end]
    items: list[CitationItem] = []
    for part in content.split(";"):
        item = _citation_item(part)
        if item is None:
            return False
        items.append(item)
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[start : label_end + 1]
        token.meta = {"items": tuple(items), "offset": start}
    state.pos = label_end + 1
    return True


def _citation_item(part: str) -> CitationItem | None:
    """``prefix @key suffix`` (or ``-@key``, ``@{key}``), as pandoc reads one cited work."""
    text = part.strip()
    at = -1
    while True:
        at = text.find("@", at + 1)
        if at < 0:
            return None
        marker = at - 1 if at and text[at - 1] == "-" else at
        if marker == 0 or text[marker - 1].isspace():
            break
    prefix = text[:marker]
    braced = _BRACED_KEY.match(text, at + 1)
    if braced is not None:
        key, end = braced.group(1), braced.end()
    else:
        bare = _KEY_AT.match(text, at + 1)
        if bare is None:
            return None
        key, end = bare.group(), bare.end()
    return CitationItem(key, prefix, text[end:])
