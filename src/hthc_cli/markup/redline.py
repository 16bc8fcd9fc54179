"""Two documents' token streams as one whose differences are marked: a redline.

Each side is the flat token stream `compose` gives (blocks, then the notes). The result is
one such stream, written once by a writer that knows the marks:

- a block only the earlier side has is *deleted*, one only the later side has *inserted*:
  its opening token (a paragraph, heading, code block, rule, or each row of a table) carries
  ``meta["change"]`` = ``"del"`` or ``"ins"``;
- a paragraph, heading or table row both sides have in a changed form is the later side's,
  with the words that differ between inline ``change_open`` (``meta["change"]``) and
  ``change_close`` tokens, the earlier words first; a note both sides' references share is
  compared the same way;
- everything equal is the later side's own tokens, untouched.

Blocks are aligned by their whole content (notes included), then the unaligned ones of the
same kind are paired when enough of their words agree; words are aligned with difflib.
Lists, quotes and divs are rebuilt around the blocks: a deleted block keeps its containers,
mapped to the later side's where an aligned block shows they are the same.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

from hthc_cli.markup.parser import split_footnotes

if TYPE_CHECKING:
    from markdown_it.token import Token

CHANGE = "change"
"""The meta key of a block's or an inline change mark: ``INSERTED`` or ``DELETED``."""
CHANGE_OPEN = "change_open"
CHANGE_CLOSE = "change_close"
INSERTED, DELETED = "ins", "del"

_CONTAINERS = {
    "bullet_list_open": "bullet_list_close",
    "ordered_list_open": "ordered_list_close",
    "list_item_open": "list_item_close",
    "blockquote_open": "blockquote_close",
    "div_open": "div_close",
}
_CLOSING = frozenset(_CONTAINERS.values())
_LEAVES = {"paragraph_open": "paragraph_close", "heading_open": "heading_close",
           "table_open": "table_close"}
_SIMILAR = 0.4
"""Two blocks of the same kind are one changed block when this share of words agree."""
_WINDOW = 40
"""How far ahead a changed block's partner is looked for."""


def redline(before: Sequence[Token], after: Sequence[Token]) -> list[Token]:
    """One token stream holding `after`, and what `before` had and `after` has not, marked."""
    return _Redline(before, after).run()


def differs(before: Sequence[Token], after: Sequence[Token]) -> bool:
    """Whether a redline of the two would mark anything."""
    body_a, notes_a = split_footnotes(before)
    body_b, notes_b = split_footnotes(after)
    sig_a, sig_b = _Signer(notes_a), _Signer(notes_b)
    return [sig_a.block(t) for t in body_a] != [sig_b.block(t) for t in body_b]


# -- what a block says: the key blocks are aligned by --------------------------------------


class _Signer:
    """The content of blocks and notes as strings, a note's text in place of its reference."""

    def __init__(self, notes: dict[int, list[Token]],
                 shared: dict[int, str] | None = None) -> None:
        self.notes = notes
        self.done: dict[int, str] = {}
        self.shared = {} if shared is None else shared
        """Inline tokens without note references by identity: both sides share the tokens
        of every text they share, so each is read once."""

    def note(self, note_id: int) -> str:
        found = self.done.get(note_id)
        if found is None:
            self.done[note_id] = ""  # a note referring to itself
            found = "\x1e".join(self.block(t) for t in self.notes.get(note_id, []))
            self.done[note_id] = found
        return found

    def block(self, token: Token) -> str:
        if token.type == "inline":
            found = self.shared.get(id(token))
            if found is not None:
                return found
            children = token.children or []
            found = "\x1f".join(self.inline(c) for c in children)
            if not any(c.type == "footnote_ref" for c in children):
                self.shared[id(token)] = found
            return found
        attrs = ",".join(f"{k}={v}" for k, v in sorted(token.attrs.items())) if token.attrs else ""
        return f"{token.type}:{token.tag}:{attrs}:{token.content}"

    def inline(self, token: Token) -> str:
        if token.type == "footnote_ref":
            return "\x1d" + self.note(int(token.meta["id"])) + "\x1d"
        if token.type == "citation":
            return f"@{token.meta['items']!r}"
        if token.attrs:
            attrs = ",".join(f"{k}={v}" for k, v in sorted(token.attrs.items()))
            return f"{token.type}:{attrs}:{token.content}"
        return f"{token.type}:{token.content}"


@dataclass(slots=True)
class _Leaf:
    """A block that holds text (a paragraph, a heading, a table, a code block, a rule), with
    the containers it stands in, outermost first."""

    tokens: list[Token]
    context: tuple[Token, ...]
    key: str = ""
    kind: str = ""


def _leaves(body: Sequence[Token], signer: _Signer) -> list[_Leaf]:
    out: list[_Leaf] = []
    stack: list[Token] = []
    index = 0
    count = len(body)
    while index < count:
        token = body[index]
        kind = token.type
        if kind in _CONTAINERS:
            stack.append(token)
            index += 1
            continue
        if kind in _CLOSING:
            if stack:
                stack.pop()
            index += 1
            continue
        end = index
        closer = _LEAVES.get(kind)
        if closer is not None:
            while end + 1 < count and body[end].type != closer:
                end += 1
        leaf = _Leaf(list(body[index : end + 1]), tuple(stack))
        leaf.key = "\x1c".join(signer.block(t) for t in leaf.tokens)
        leaf.kind = _kind(leaf.tokens)
        out.append(leaf)
        index = end + 1
    return out


def _kind(tokens: list[Token]) -> str:
    first = tokens[0]
    if first.type == "table_open":
        return f"table:{max((len(r[1]) for r in _rows(tokens)), default=0)}"
    return f"{first.type}:{first.tag}"


_WORD = re.compile(r"\w+", re.UNICODE)
_PIECE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def _words(leaf: _Leaf) -> list[str]:
    words: list[str] = []
    for token in leaf.tokens:
        for child in token.children or ():
            if child.content:
                words += _WORD.findall(child.content)
    return words


# -- the redline -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Placed:
    tokens: list[Token]
    context: tuple[Token, ...]


@dataclass
class _Redline:
    before: Sequence[Token]
    after: Sequence[Token]
    notes: dict[int, list[Token]] = field(default_factory=dict)
    """The result's notes by id: the later side's own, the earlier side's (moved up by
    `offset`), and those both share, compared."""

    def run(self) -> list[Token]:
        body_a, self.notes_a = split_footnotes(self.before)
        body_b, self.notes_b = split_footnotes(self.after)
        shared: dict[int, str] = {}
        self.signer_a = _Signer(self.notes_a, shared)
        self.signer_b = _Signer(self.notes_b, shared)
        self.offset = max([*self.notes_b, *self.notes_a, -1]) + 1
        self.next_note = 2 * self.offset
        self.moved: set[int] = set()
        self.notes = dict(self.notes_b)
        body = self.blocks(body_a, body_b)
        return body + _note_block(self.notes)

    # -- blocks

    def blocks(self, body_a: Sequence[Token], body_b: Sequence[Token]) -> list[Token]:
        leaves_a = _leaves(body_a, self.signer_a)
        leaves_b = _leaves(body_b, self.signer_b)
        steps = _align(leaves_a, leaves_b)
        same: dict[int, Token] = {}
        for _, a, b in steps:
            if a is not None and b is not None:
                for ca, cb in zip(a.context, b.context, strict=False):
                    if ca.type != cb.type:
                        break
                    same.setdefault(id(ca), cb)
        placed: list[_Placed] = []
        for step, a, b in steps:
            if step == "equal" and b is not None:
                placed.append(_Placed(b.tokens, b.context))
            elif step == "pair" and a is not None and b is not None:
                placed.append(_Placed(self.changed(a, b), b.context))
            elif step == DELETED and a is not None:
                context = tuple(same.get(id(c), c) for c in a.context)
                placed.append(_Placed(_marked(self.from_a(a.tokens), DELETED), context))
            elif step == INSERTED and b is not None:
                placed.append(_Placed(_marked(b.tokens, INSERTED), b.context))
        return _serialise(placed)

    def changed(self, a: _Leaf, b: _Leaf) -> list[Token]:
        if a.tokens[0].type == "table_open":
            return self.table(a.tokens, b.tokens)
        out: list[Token] = []
        for ta, tb in zip(a.tokens, b.tokens, strict=False):
            if tb.type == "inline":
                merged = copy.copy(tb)
                merged.children = self.words(ta.children or [], tb.children or [])
                out.append(merged)
            else:
                out.append(tb)
        return out

    # -- tables

    def table(self, tokens_a: list[Token], tokens_b: list[Token]) -> list[Token]:
        rows_a, rows_b = _rows(tokens_a), _rows(tokens_b)
        keys_a = [self._row_key(r, self.signer_a) for r in rows_a]
        keys_b = [self._row_key(r, self.signer_b) for r in rows_b]
        out: list[Token] = [tokens_b[0]]
        in_head = False
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False
                                                   ).get_opcodes():
            pieces: list[tuple[_Row, str | None]] = []
            if tag == "equal":
                pieces = [(row, None) for row in rows_b[j1:j2]]
            else:
                pairs = min(i2 - i1, j2 - j1)
                for k in range(pairs):
                    pieces.append((self._row_changed(rows_a[i1 + k], rows_b[j1 + k]), None))
                pieces += [(self._row_from_a(r), DELETED) for r in rows_a[i1 + pairs : i2]]
                pieces += [(r, INSERTED) for r in rows_b[j1 + pairs : j2]]
            for row, change in pieces:
                header = row[0]
                if header != in_head:
                    if in_head:
                        out.append(_token("thead_close", "thead", -1))
                    else:
                        out.append(_token("thead_open", "thead", 1))
                    in_head = header
                out += _row_tokens(row, change)
        if in_head:
            out.append(_token("thead_close", "thead", -1))
        out.append(tokens_b[-1])
        return out

    def _row_key(self, row: _Row, signer: _Signer) -> str:
        return "\x1c".join(signer.block(inline) if inline is not None else ""
                           for _, inline in row[1])

    def _row_changed(self, a: _Row, b: _Row) -> _Row:
        cells: list[tuple[Token, Token | None]] = []
        for index, (opened, inline) in enumerate(b[1]):
            old = a[1][index][1] if index < len(a[1]) else None
            if inline is None or old is None:
                cells.append((opened, inline))
                continue
            if self.signer_a.block(old) == self.signer_b.block(inline):
                cells.append((opened, inline))
                continue
            merged = copy.copy(inline)
            merged.children = self.words(old.children or [], inline.children or [])
            cells.append((opened, merged))
        return (b[0], cells, b[2])

    def _row_from_a(self, row: _Row) -> _Row:
        cells = [(opened, self.from_a([inline])[0] if inline is not None else None)
                 for opened, inline in row[1]]
        return (row[0], cells, row[2])

    # -- words

    def words(self, children_a: list[Token], children_b: list[Token]) -> list[Token]:
        atoms_a, atoms_b = _atoms(children_a), _atoms(children_b)
        keys_a = [atom.key for atom in atoms_a]
        keys_b = [atom.key for atom in atoms_b]
        opcodes = _cleaned(SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes(),
                           atoms_a)
        writer = _InlineOut()
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                for atom_a, atom_b in zip(atoms_a[i1:i2], atoms_b[j1:j2], strict=True):
                    writer.put(self.shared(atom_a, atom_b), None)
                continue
            for atom in atoms_a[i1:i2]:
                writer.put(_Atom(atom.key, atom.state, self.from_a([atom.token])[0]), DELETED)
            for atom in atoms_b[j1:j2]:
                writer.put(atom, INSERTED)
        return writer.finish()

    def shared(self, a: _Atom, b: _Atom) -> _Atom:
        """An atom both sides have; a note reference whose notes differ refers to a note
        that compares them."""
        if b.token.type != "footnote_ref":
            return b
        id_a, id_b = int(a.token.meta["id"]), int(b.token.meta["id"])
        if self.signer_a.note(id_a) == self.signer_b.note(id_b):
            return b
        new_id = self.next_note
        self.next_note += 1
        self.notes[new_id] = []  # taken before the note's own notes are numbered
        self.notes[new_id] = self.blocks(self.from_a(self.notes_a.get(id_a, [])),
                                         self.notes_b.get(id_b, []))
        ref = copy.copy(b.token)
        ref.meta = {**b.token.meta, "id": new_id}
        return _Atom(b.key, b.state, ref)

    # -- the earlier side's tokens, their notes moved up by `offset`

    def from_a(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            children = token.children
            if children and any(c.type == "footnote_ref" for c in children):
                token = copy.copy(token)
                token.children = [self._ref_from_a(c) if c.type == "footnote_ref" else c
                                  for c in children]
            elif token.type == "footnote_ref":
                token = self._ref_from_a(token)
            out.append(token)
        return out

    def _ref_from_a(self, ref: Token) -> Token:
        old = int(ref.meta["id"])
        moved = copy.copy(ref)
        moved.meta = {**ref.meta, "id": old + self.offset}
        if old not in self.moved:
            self.moved.add(old)
            self.notes[old + self.offset] = self.from_a(self.notes_a.get(old, []))
        return moved


def _align(a: list[_Leaf], b: list[_Leaf]) -> list[tuple[str, _Leaf | None, _Leaf | None]]:
    """Each block once: equal, paired (changed), deleted or inserted, in document order."""
    steps: list[tuple[str, _Leaf | None, _Leaf | None]] = []
    for tag, i1, i2, j1, j2 in opcodes([x.key for x in a], [x.key for x in b]):
        if tag == "equal":
            steps += [("equal", x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        next_b = j1
        pending: list[_Leaf] = []
        for leaf in a[i1:i2]:
            partner = _partner(leaf, b, next_b, j2)
            if partner is None:
                pending.append(leaf)
                continue
            steps += [(DELETED, x, None) for x in pending]
            steps += [(INSERTED, None, y) for y in b[next_b:partner]]
            steps.append(("pair", leaf, b[partner]))
            pending = []
            next_b = partner + 1
        steps += [(DELETED, x, None) for x in pending]
        steps += [(INSERTED, None, y) for y in b[next_b:j2]]
    return steps


_Opcode = tuple[str, int, int, int, int]


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[_Opcode]:
    """difflib's opcodes for two long, mostly equal sequences, found the patience way: the
    items each side has once are aligned first (their longest increasing run), and only the
    short stretches between them are left to difflib, whose own search grows with the square
    of a stretch full of repeated items (a list of the same words in every position)."""
    pairs: list[tuple[int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), pairs)
    out: list[_Opcode] = []
    i = j = 0
    for x, y in [*pairs, (len(a), len(b))]:
        if x > i or y > j:
            tag = "replace" if x > i and y > j else ("delete" if x > i else "insert")
            out.append((tag, i, x, j, y))
        if x < len(a) and y < len(b):
            if out and out[-1][0] == "equal" and out[-1][2] == x and out[-1][4] == y:
                last = out.pop()
                out.append(("equal", last[1], x + 1, last[3], y + 1))
            else:
                out.append(("equal", x, x + 1, y, y + 1))
        i, j = x + 1, y + 1
    return out


def _match(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int,
           pairs: list[tuple[int, int]]) -> None:
    """Append the aligned (index in a, index in b) of a[alo:ahi] and b[blo:bhi], in order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        pairs.append((alo, blo))
        alo += 1
        blo += 1
    tail: list[tuple[int, int]] = []
    while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
        tail.append((ahi, bhi))
    if alo < ahi and blo < bhi:
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
        if anchors:
            x0, y0 = alo, blo
            for x, y in anchors:
                _match(a, b, x0, x, y0, y, pairs)
                pairs.append((x, y))
                x0, y0 = x + 1, y + 1
            _match(a, b, x0, ahi, y0, bhi, pairs)
        else:
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for block in matcher.get_matching_blocks():
                pairs += [(alo + block.a + k, blo + block.b + k) for k in range(block.size)]
    pairs += reversed(tail)


def _unique_anchors(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int,
                    bhi: int) -> list[tuple[int, int]]:
    """Items once in each range, paired; the longest run of them in the same order."""
    count_a: dict[str, int] = {}
    for x in range(alo, ahi):
        count_a[a[x]] = -1 if a[x] in count_a else x
    count_b: dict[str, int] = {}
    for y in range(blo, bhi):
        count_b[b[y]] = -1 if b[y] in count_b else y
    candidates = [(x, count_b[key]) for key, x in count_a.items()
                  if x >= 0 and count_b.get(key, -1) >= 0]
    candidates.sort()
    # longest increasing subsequence of the b indexes (patience sorting)
    from bisect import bisect_left

    tops: list[int] = []
    top_index: list[int] = []
    previous: list[int] = []
    for index, (_, y) in enumerate(candidates):
        pile = bisect_left(tops, y)
        if pile == len(tops):
            tops.append(y)
            top_index.append(index)
        else:
            tops[pile] = y
            top_index[pile] = index
        previous.append(top_index[pile - 1] if pile else -1)
    run: list[tuple[int, int]] = []
    index = top_index[-1] if top_index else -1
    while index >= 0:
        run.append(candidates[index])
        index = previous[index]
    return run[::-1]


def _partner(leaf: _Leaf, b: list[_Leaf], start: int, end: int) -> int | None:
    words: list[str] | None = None
    for index in range(start, min(end, start + _WINDOW)):
        other = b[index]
        if other.kind != leaf.kind:
            continue
        if leaf.kind.startswith("table:"):
            return index
        if words is None:
            words = _words(leaf)
        theirs = _words(other)
        if not words and not theirs:
            return index
        matcher = SequenceMatcher(None, words, theirs, autojunk=False)
        if matcher.quick_ratio() >= _SIMILAR and matcher.ratio() >= _SIMILAR:
            return index
    return None


def _marked(tokens: list[Token], change: str) -> list[Token]:
    """A whole block inserted or deleted: its opening token (each row of a table) marked."""
    out: list[Token] = []
    first = tokens[0].type
    for index, token in enumerate(tokens):
        if (index == 0 and first != "table_open") or token.type == "tr_open":
            token = copy.copy(token)
            token.meta = {**(token.meta or {}), CHANGE: change}
        out.append(token)
    return out


def _serialise(placed: list[_Placed]) -> list[Token]:
    """The blocks with their containers opened and closed around them."""
    out: list[Token] = []
    current: list[Token] = []
    for item in placed:
        common = 0
        while (common < len(current) and common < len(item.context)
               and current[common] is item.context[common]):
            common += 1
        for opened in reversed(current[common:]):
            out.append(_closer(opened))
        del current[common:]
        for opened in item.context[common:]:
            out.append(opened)
            current.append(opened)
        out += item.tokens
    for opened in reversed(current):
        out.append(_closer(opened))
    return out


def _closer(opened: Token) -> Token:
    return _token(_CONTAINERS[opened.type], opened.tag, -1)


def _token(
    kind: str, tag: str, nesting: Literal[-1, 0, 1], meta: dict[str, Any] | None = None
) -> Token:
    from markdown_it.token import Token

    token = Token(kind, tag, nesting)
    if meta:
        token.meta = meta
    return token


def _note_block(notes: dict[int, list[Token]]) -> list[Token]:
    if not notes:
        return []
    out = [_token("footnote_block_open", "", 1)]
    for note_id in sorted(notes):
        out.append(_token("footnote_open", "", 1, {"id": note_id}))
        out += notes[note_id]
        out.append(_token("footnote_close", "", -1))
    out.append(_token("footnote_block_close", "", -1))
    return out


# -- table rows ------------------------------------------------------------------------------

_Row = tuple[bool, list[tuple["Token", "Token | None"]], "Token"]
"""Whether a row is a header row, its cells (opening token, inline), its ``tr_open``."""


def _rows(tokens: Sequence[Token]) -> list[_Row]:
    rows: list[_Row] = []
    in_head = False
    cell: Token | None = None
    inline: Token | None = None
    for token in tokens:
        kind = token.type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            rows.append((in_head, [], token))
        elif kind in ("th_open", "td_open"):
            cell, inline = token, None
        elif kind == "inline":
            inline = token
        elif kind in ("th_close", "td_close") and rows and cell is not None:
            rows[-1][1].append((cell, inline))
    return rows


def _row_tokens(row: _Row, change: str | None) -> list[Token]:
    opened = row[2]
    if change is not None:
        opened = copy.copy(opened)
        opened.meta = {**(opened.meta or {}), CHANGE: change}
    out = [opened]
    for cell, inline in row[1]:
        out.append(cell)
        if inline is not None:
            out.append(inline)
        out.append(_token(cell.type.replace("_open", "_close"), cell.tag, -1))
    out.append(_token("tr_close", "tr", -1))
    return out


# -- words of a paragraph --------------------------------------------------------------------

_TOGGLE_OPEN = {"strong_open": "strong_close", "em_open": "em_close", "s_open": "s_close",
                "link_open": "link_close", "span_open": "span_close"}
_TOGGLE_CLOSE = frozenset(_TOGGLE_OPEN.values())
_ATOMIC = frozenset({"hardbreak", "code_inline", "footnote_ref", "citation"})


@dataclass(slots=True)
class _Atom:
    """A word, a space, a punctuation mark, a note reference…, with the formatting it has."""

    key: tuple[Any, ...]
    state: tuple[Token, ...]
    token: Token


def _state_key(token: Token) -> Any:
    if token.type == "link_open":
        return ("a", str(token.attrs.get("href", "")))
    if token.type == "span_open":
        return ("span", str(token.attrs.get("custom-style", "")))
    return token.type


def _atoms(children: Sequence[Token]) -> list[_Atom]:
    out: list[_Atom] = []
    state: list[Token] = []
    state_key: tuple[Any, ...] = ()
    for child in children:
        kind = child.type
        if kind in _TOGGLE_OPEN:
            state.append(child)
            state_key = tuple(_state_key(t) for t in state)
        elif kind in _TOGGLE_CLOSE:
            if state:
                state.pop()
                state_key = tuple(_state_key(t) for t in state)
        elif kind in _ATOMIC:
            if kind == "footnote_ref":
                content: Any = "note"
            elif kind == "citation":
                content = repr(child.meta.get("items"))
            else:
                content = child.content
            out.append(_Atom((state_key, kind, content), tuple(state), child))
        elif kind == "softbreak":
            out.append(_Atom((state_key, "text", " "), tuple(state), _text(" ")))
        elif child.content:
            for piece in _PIECE.findall(child.content):
                out.append(_Atom((state_key, "text", piece), tuple(state), _text(piece)))
    return out


def _text(content: str) -> Token:
    token = _token("text", "", 0)
    token.content = content
    return token


def _cleaned(
    opcodes: Sequence[tuple[str, int, int, int, int]], atoms_a: list[_Atom]
) -> list[tuple[str, int, int, int, int]]:
    """Opcodes where an equal stretch of only spaces and punctuation between two changes is
    part of the change, so that a rewritten phrase reads as one deletion and one insertion."""
    out: list[tuple[str, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        if (tag == "equal" and inner and i2 - i1 <= 2
                and all(not _WORD.match(str(atoms_a[k].key[2])) for k in range(i1, i2))):
            tag = "replace"
        if out and tag != "equal" and out[-1][0] != "equal":
            _, a1, _, b1, _ = out.pop()
            out.append(("replace", a1, i2, b1, j2))
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


class _InlineOut:
    """Atoms back into inline tokens: formatting opened and closed around them, changes
    between `change_open` and `change_close`."""

    def __init__(self) -> None:
        self.out: list[Token] = []
        self.open: list[Token] = []
        self.change: str | None = None

    def put(self, atom: _Atom, change: str | None) -> None:
        if change != self.change:
            if self.change is not None:
                self.out.append(_token(CHANGE_CLOSE, "", 0))
            if change is not None:
                self.out.append(_token(CHANGE_OPEN, "", 0, {CHANGE: change}))
            self.change = change
        wanted = atom.state
        common = 0
        while (common < len(self.open) and common < len(wanted)
               and _state_key(self.open[common]) == _state_key(wanted[common])):
            common += 1
        for opened in reversed(self.open[common:]):
            self.out.append(_token(_TOGGLE_OPEN[opened.type], opened.tag, -1))
        del self.open[common:]
        for opened in wanted[common:]:
            self.out.append(opened)
            self.open.append(opened)
        self.out.append(atom.token)

    def finish(self) -> list[Token]:
        if self.change is not None:
            self.out.append(_token(CHANGE_CLOSE, "", 0))
        for opened in reversed(self.open):
            self.out.append(_token(_TOGGLE_OPEN[opened.type], opened.tag, -1))
        return self.out
