"""A document from a template's Markdown and the workspace's texts, each parsed on its own.

A template never sees a Markdown text, only a placeholder (a `Slot`) that stands for it;
the template's output is parsed, then each placeholder is replaced by the tokens of its
text. So nothing a text holds (an open code fence, a list, a footnote label) reaches outside
it, and nothing of the template is read as part of a text.

A text given with a mark (where it came from; render's business) is framed by a pair of
`MARK_OPEN`/`MARK_CLOSE` tokens carrying it: inline tokens at the start of its first line
and the end of its last one, or block tokens where the text starts or ends with a block
that has no line of text (a code block, a table). They are hidden tokens: an output that
does not know them writes nothing for them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hthc_cli.markup.parser import compact_tokens, parse_markdown, parse_text, split_footnotes

if TYPE_CHECKING:
    from markdown_it.token import Token

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARK = re.compile(_OPEN + r"(\d+)" + _CLOSE)

MARK_OPEN, MARK_CLOSE = "hthc_mark_open", "hthc_mark_close"

LinkResolver = Callable[[str], tuple[str, bool]]
"""For an item id: the text to show for ``[[ID]]``, and whether it may link to it."""


class Slots:
    """The texts of one document, each standing in the template as a placeholder.

    A Markdown text is parsed on its own; a plain text (a title, a name, escaped by the
    template's ``md_escape``) is printed exactly as written, its line breaks as line breaks.
    An empty text is an empty string, so ``{% if text %}`` means "if there is a text".
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.plain: set[int] = set()
        self.marks: dict[int, object] = {}
        """The mark of each text given one: what the document says it came from."""

    def add(self, text: str, mark: object = None) -> str:
        if not text.strip():
            return ""
        self.texts.append(text)
        if mark is not None:
            self.marks[len(self.texts) - 1] = mark
        return f"{_OPEN}{len(self.texts) - 1}{_CLOSE}"

    def add_plain(self, text: str, mark: object = None) -> str:
        if not text:
            return ""
        marker = self.add(text, mark) or text
        if marker != text:
            self.plain.add(len(self.texts) - 1)
        return marker

    def plain_index(self, value: str) -> int | None:
        """The index of the plain text that `value` is the placeholder of, if it is one."""
        match = _MARK.fullmatch(value)
        if match is None or int(match.group(1)) not in self.plain:
            return None
        return int(match.group(1))


def strip_marks(text: str) -> str:
    """A plain text with the placeholder characters removed, so it cannot pose as a slot."""
    if _OPEN in text or _CLOSE in text:
        return text.replace(_OPEN, "").replace(_CLOSE, "")
    return text


def compose(skeleton: str, slots: Slots, resolve: LinkResolver) -> list[Token]:
    """The document's flat token stream (notes last, as `parse_markdown` gives them)."""
    return _Composer(slots, resolve).compose(skeleton)


class _Composer:
    def __init__(self, slots: Slots, resolve: LinkResolver) -> None:
        self.slots = slots
        self.resolve = resolve
        self.notes: list[tuple[int, list[Token]]] = []
        self.next_note = 0

    def compose(self, skeleton: str) -> list[Token]:
        body, notes = split_footnotes(compact_tokens(parse_markdown(skeleton)))
        self.next_note = max(notes, default=-1) + 1
        self.notes = [(key, self.expand(value)) for key, value in sorted(notes.items())]
        out = self.expand(body)
        return out + self.note_block()

    def note_block(self) -> list[Token]:
        from markdown_it.token import Token

        if not self.notes:
            return []
        out = [Token("footnote_block_open", "", 1)]
        for note_id, tokens in self.notes:
            opened = Token("footnote_open", "", 1)
            opened.meta = {"id": note_id}
            out += [opened, *tokens, Token("footnote_close", "", -1)]
        out.append(Token("footnote_block_close", "", -1))
        return out

    # -- a text ---------------------------------------------------------------------

    def text_tokens(self, index: int) -> list[Token]:
        """One text's body tokens; its notes join the document's under new ids.

        The parsed tokens may be shared with check's reading of the text, so they are not
        changed: an inline token whose children change is replaced by a copy.
        """
        text = self.slots.texts[index]
        body, notes = split_footnotes(compact_tokens(parse_text(text, last_reader=True)))
        ids = {old: self.next_note + n for n, old in enumerate(sorted(notes))}
        self.next_note += len(ids)
        for old in sorted(notes):
            self.notes.append((ids[old], self.fresh(notes[old], ids)))
        return self.fresh(body, ids)

    def fresh(self, tokens: list[Token], ids: dict[int, int]) -> list[Token]:
        return [self.fresh_inline(t, ids) if t.children else t for t in tokens]

    def fresh_inline(self, token: Token, ids: dict[int, int]) -> Token:
        """The token itself when nothing in it changes, else a copy with new children."""
        children = token.children or []
        changed = self.inline_links(children, ids)
        if len(changed) == len(children) and all(a is b for a, b in zip(changed, children,
                                                                        strict=True)):
            return token
        copied = copy.copy(token)
        copied.children = changed
        return copied

    def inline_links(self, children: list[Token], ids: dict[int, int]) -> list[Token]:
        """Children with ``[[ID]]`` resolved and note ids renumbered; changed ones are new."""
        out: list[Token] = []
        drop_close = 0
        for child in children:
            target = child.meta.get("wikilink") if child.meta else None
            if child.type == "link_open" and target:
                if not self.resolve(str(target))[1]:
                    drop_close += 1
                    continue
                out.append(child)
            elif child.type == "link_close" and child.markup == "wikilink" and drop_close:
                drop_close -= 1
            elif target and child.type in ("text", "wikilink_text"):
                out.append(_text(self.resolve(str(target))[0]))
            elif child.type == "footnote_ref" and child.meta.get("id") in ids:
                renumbered = copy.copy(child)
                renumbered.meta = {**child.meta, "id": ids[child.meta["id"]]}
                out.append(renumbered)
            elif child.children:
                out.append(self.fresh_inline(child, ids))
            else:
                out.append(child)
        return out

    # -- the template's tokens, slots replaced --------------------------------------

    def expand(self, tokens: Sequence[Token]) -> list[Token]:
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type in ("code_block", "fence", "code_inline") and _OPEN in token.content:
                token.content = self.raw(token.content)
            if token.type != "inline" or _OPEN not in token.content:
                out.append(token)
                index += 1
                continue
            whole = _MARK.fullmatch(token.content.strip())
            before = out[-1] if out else None
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if (whole and int(whole.group(1)) not in self.slots.plain
                    and before is not None and before.type == "paragraph_open"
                    and after is not None and after.type == "paragraph_close"):
                out.pop()
                slot = int(whole.group(1))
                out += self.framed(slot, self.text_tokens(slot))
                index += 2
                continue
            following: list[Token] = []
            flat = before is None or before.type != "paragraph_open"
            token.children = self.inline(token.children or [], following, flat)
            out.append(token)
            if following and after is not None and after.type == "paragraph_close":
                out.append(after)
                out += following
                index += 2
                continue
            index += 1
        return out

    def inline(self, children: list[Token], following: list[Token], flat: bool) -> list[Token]:
        """Inline tokens with each slot replaced by its text's first paragraph.

        The text's further blocks go to `following` (after the paragraph), or, where no
        block can follow (a heading, a table cell), into the same line.
        """
        out: list[Token] = []
        for child in children:
            if child.type in ("code_inline",) and _OPEN in child.content:
                child.content = self.raw(child.content)
            if child.type != "text" or _OPEN not in child.content:
                if child.children:
                    child.children = self.inline(child.children, following, True)
                out.append(child)
                continue
            position = 0
            for match in _MARK.finditer(child.content):
                if match.start() > position:
                    out.append(_text(child.content[position : match.start()]))
                position = match.end()
                index = int(match.group(1))
                if index >= len(self.slots.texts):
                    out.append(_text(match.group()))
                    continue
                mark = self.slots.marks.get(index)
                if index in self.slots.plain:
                    out += self.framed_line(mark, _lines(self.slots.texts[index]))
                    continue
                blocks = self.text_tokens(index)
                line: list[Token] = []
                if blocks and blocks[0].type == "paragraph_open" and len(blocks) >= 3:
                    line = blocks[1].children or []
                    blocks = blocks[3:]
                if flat and blocks:
                    line = [*line, *_flatten(blocks)]
                    blocks = []
                if mark is None:
                    out += line
                    following += blocks
                    continue
                out += [_mark(MARK_OPEN, mark), *line]
                if not blocks:
                    out.append(_mark(MARK_CLOSE, mark))
                    continue
                following += _framed_end(mark, blocks)
            if position < len(child.content):
                out.append(_text(child.content[position:]))
        return out

    def framed(self, index: int, blocks: list[Token]) -> list[Token]:
        """A text's blocks between its mark's tokens (when it has a mark)."""
        mark = self.slots.marks.get(index)
        if mark is None or not blocks:
            return blocks
        first = _first_line(blocks)
        if first is None:
            blocks = [_mark(MARK_OPEN, mark, block=True), *blocks]
        else:
            blocks = list(blocks)
            blocks[first] = _with_children(
                blocks[first], [_mark(MARK_OPEN, mark), *(blocks[first].children or [])]
            )
        return _framed_end(mark, blocks)

    @staticmethod
    def framed_line(mark: object, line: list[Token]) -> list[Token]:
        if mark is None:
            return line
        return [_mark(MARK_OPEN, mark), *line, _mark(MARK_CLOSE, mark)]

    def raw(self, content: str) -> str:
        """Inside code, a slot is its text as written."""
        return _MARK.sub(
            lambda m: self.slots.texts[int(m.group(1))]
            if int(m.group(1)) < len(self.slots.texts) else m.group(),
            content,
        )


_LINELESS = frozenset({"fence", "code_block", "hr", "table_open", "table_close"})
"""Blocks with no line of text a mark's inline token can stand in."""


def _first_line(blocks: Sequence[Token]) -> int | None:
    """The index of the inline token of the text's first line; None when a block without
    one comes first."""
    for index, token in enumerate(blocks):
        if token.type == "inline":
            return index
        if token.type in _LINELESS:
            return None
    return None


def _last_line(blocks: Sequence[Token]) -> int | None:
    for index in range(len(blocks) - 1, -1, -1):
        token = blocks[index]
        if token.type == "inline":
            return index
        if token.type in _LINELESS:
            return None
    return None


def _framed_end(mark: object, blocks: list[Token]) -> list[Token]:
    """`blocks` with the mark's closing token after the last line (or the last block)."""
    last = _last_line(blocks)
    if last is None:
        return [*blocks, _mark(MARK_CLOSE, mark, block=True)]
    blocks = list(blocks)
    blocks[last] = _with_children(
        blocks[last], [*(blocks[last].children or []), _mark(MARK_CLOSE, mark)]
    )
    return blocks


def _with_children(token: Token, children: list[Token]) -> Token:
    """A copy of an inline token with other children (the parsed one may be shared)."""
    copied = copy.copy(token)
    copied.children = children
    return copied


def _mark(kind: str, mark: object, block: bool = False) -> Token:
    from markdown_it.token import Token

    token = Token(kind, "", 0)
    token.meta = {"mark": mark}
    token.hidden = True
    token.block = block
    return token


def _flatten(blocks: Sequence[Token]) -> list[Token]:
    """Blocks as one run of inline tokens, a space between them (for a heading or cell)."""
    out: list[Token] = []
    for token in blocks:
        if token.type == "inline":
            if out:
                out.append(_text(" "))
            out += token.children or []
        elif token.type in ("code_block", "fence"):
            if out:
                out.append(_text(" "))
            out.append(_text(token.content.strip("\n")))
    return out


def _lines(text: str) -> list[Token]:
    """A plain text as inline tokens: its words as they are, its line breaks kept."""
    from markdown_it.token import Token

    out: list[Token] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append(Token("hardbreak", "br", 0))
        out.append(_text(line))
    return out


def _text(content: str) -> Token:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


def expand_markdown(skeleton: str, slots: Slots, resolve: LinkResolver) -> str:
    """The document as one Markdown file: each text written in, indented to its place.

    ``[[ID]]`` becomes ``[title](#ID)`` (or the title alone), and footnote labels get a
    prefix per text (``[^t2-1]``) so that two texts' ``[^1]`` stay two notes.
    """
    out: list[str] = []
    for line in skeleton.split("\n"):
        if _OPEN not in line:
            out.append(line)
            continue
        pieces: list[str] = []
        position = 0
        for match in _MARK.finditer(line):
            index = int(match.group(1))
            pieces.append(line[position : match.start()])
            position = match.end()
            if index >= len(slots.texts):
                pieces.append(match.group())
                continue
            prefix = _continuation("".join(pieces))
            if index in slots.plain:
                from hthc_cli.markup.plain import escape_markdown

                lines = [escape_markdown(line) for line in slots.texts[index].split("\n")]
                pieces.append(("\\\n" + prefix).join(lines))
                continue
            original = slots.texts[index]
            text = _own_labels(_links_written(original, resolve).strip("\n"), index)
            lines = text.split("\n") + _closers(original)
            pieces.append("\n".join([lines[0], *[
                (prefix + rest) if rest.strip() else prefix.rstrip() for rest in lines[1:]
            ]]))
        pieces.append(line[position:])
        out.append("".join(pieces))
    return "\n".join(out)


def _closers(text: str) -> list[str]:
    """Lines that close what a text leaves open (a code block, a ::: block), innermost first,
    so that in one Markdown file it still ends where it ends."""
    from hthc_cli.markup.analysis import analyse

    kinds = ("unclosed-code", "unclosed-div")
    found = sorted((f for f in analyse(text).pitfalls if f.kind in kinds), key=lambda f: -f.offset)
    return [text[f.offset : f.offset + f.length] for f in found]


_LIST_MARKER = re.compile(r"([-+*]|\d{1,9}[.)])( +)")


def _continuation(before: str) -> str:
    """The prefix that continues the block a line began: quote marks kept, list markers as
    spaces."""
    prefix = []
    rest = before
    while True:
        stripped = rest.lstrip(" ")
        indent = len(rest) - len(stripped)
        if stripped.startswith(">"):
            prefix.append(" " * indent + "> ")
            rest = stripped[1:].lstrip(" ") if stripped[1:2] == " " else stripped[1:]
            continue
        marker = _LIST_MARKER.match(stripped)
        if marker:
            prefix.append(" " * (indent + len(marker.group())))
            rest = stripped[marker.end():]
            continue
        break
    return "".join(prefix)


def _links_written(text: str, resolve: LinkResolver) -> str:
    """``[[ID]]`` in a text as pandoc reads a link: ``[title](#ID)``, or the title alone."""
    from hthc_cli.markup.analysis import analyse

    if "[[" not in text:
        return text
    from hthc_cli.markup.plain import escape_markdown

    out = text
    for found in sorted(analyse(text).links, key=lambda f: -f.offset):
        if not found.kind.startswith("wikilink") or not text.startswith("[[", found.offset):
            continue
        title, linkable = resolve(found.target)
        shown = escape_markdown(title)
        inside_link = found.kind == "wikilink-text"
        written = f"[{shown}](#{found.target})" if linkable and not inside_link else shown
        out = out[: found.offset] + written + out[found.offset + found.length :]
    return out


_NOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")


def _own_labels(text: str, index: int) -> str:
    if "[^" not in text:
        return text
    return _NOTE_LABEL.sub(lambda m: f"[^t{index + 1}-{m.group(1)}]", text)
