"""What a review holds, as findings located in the workspace: each tracked change, each
untracked edit, each comment, on the text (file, line, item, field, language) it is in."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.review.locate import Located, Map
from hthc_cli.review.reader import (
    KEPT,
    NOTE,
    Comment,
    Document,
    Paragraph,
    Piece,
    Revision,
)

CONTEXT_WORDS = 6
"""Unchanged words shown on each side of a change."""
KINDS = ("comment", "insertion", "deletion", "move", "untracked-edit", "formatting")
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class ReplyFinding:
    author: str
    date: str
    body: str


@dataclass(slots=True)
class Finding:
    kind: str
    path: str
    """The YAML file of the text, or the document itself for what is in no workspace text."""
    line: int | None = None
    column: int | None = None
    item: str | None = None
    field: str | None = None
    language: str | None = None
    author: str | None = None
    date: str | None = None
    before: str | None = None
    after: str | None = None
    anchor: str | None = None
    body: str | None = None
    replies: list[ReplyFinding] = dataclasses.field(default_factory=list)
    resolved: bool | None = None
    diff: str = ""
    """The change as a word diff with a few words around it: `…[-old-]{+new+}…`."""
    where: str = ""
    """'footnote', 'paragraph mark' or '' (the text itself)."""
    conflict: bool = False
    comment_id: str | None = None
    located: Located | None = dataclasses.field(default=None, repr=False)


def word_diff(before: str, after: str, context: int = CONTEXT_WORDS) -> str:
    """`…words [-old-]{+new+} words…`: the changed words and `context` words around them."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out: list[str] = []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for number, (tag, o1, o2, n1, n2) in enumerate(opcodes):
        if tag == "equal":
            words = old[o1:o2]
            first, last = number == 0, number == len(opcodes) - 1
            keep = 2 * context  # tokens: a word and its space
            if len(opcodes) == 1:
                out.append("".join(words))
            elif first and len(words) > keep:
                out.append("…" + "".join(words[-keep:]).lstrip())
            elif last and len(words) > keep:
                out.append("".join(words[:keep]).rstrip() + "…")
            elif not first and not last and len(words) > 2 * keep:
                out.append("".join(words[:keep]).rstrip() + " … "
                           + "".join(words[-keep:]).lstrip())
            else:
                out.append("".join(words))
            continue
        if o2 > o1:
            out.append("[-" + "".join(old[o1:o2]) + "-]")
        if n2 > n1:
            out.append("{+" + "".join(new[n1:n2]) + "+}")
    return "".join(out)


def _excerpt(pieces: list[Piece], chosen: set[int], paragraph: Paragraph) -> str:
    """A paragraph as before the review, the chosen pieces shown as a change, with the
    changes right beside them (a replacement is a deletion and an insertion side by side)."""
    for index in sorted(chosen):
        for step in (-1, 1):
            near = index + step
            while 0 <= near < len(pieces) and pieces[near].state != KEPT:
                chosen = chosen | {near}
                near += step
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index in chosen:
            text = piece.text
            out.append(("{+" + text + "+}") if piece.state in ("ins", "move-to")
                       else ("[-" + text + "-]") if piece.state in ("del", "move-from")
                       else text)
        elif paragraph.keeps(piece.state, piece.revision, None):
            out.append(piece.text)
    return _trim("".join(out))


def _trim(text: str) -> str:
    """Keep CONTEXT_WORDS words around the marked changes of an excerpt."""
    parts = re.split(r"(\[-.*?-\]|\{\+.*?\+\})", text, flags=re.DOTALL)
    keep = 2 * CONTEXT_WORDS
    for index in range(0, len(parts), 2):
        words = _WORDS.findall(parts[index])
        if len(words) <= keep:
            continue
        if index == 0:
            parts[index] = "…" + "".join(words[-keep:]).lstrip()
        elif index == len(parts) - 1:
            parts[index] = "".join(words[:keep]).rstrip() + "…"
        elif len(words) > 2 * keep:
            parts[index] = ("".join(words[:keep]).rstrip() + " … "
                            + "".join(words[-keep:]).lstrip())
    return "".join(parts)


def _base(located: Located | None, document: Path, kind: str) -> Finding:
    if located is None or located.place is None:
        mark = located.rendered if located is not None else None
        finding = Finding(kind, document.as_posix(), located=located)
        if mark is not None:
            finding.path, finding.item, finding.field = mark.file, mark.item, mark.field
            finding.language = mark.language
        return finding
    place = located.place
    return Finding(kind, place.mark.file, place.scalar.loc.line, place.scalar.loc.column,
                   place.mark.item, place.mark.field, place.mark.language,
                   conflict=located.conflict, located=located)


def _tracked(paragraph: Paragraph, indexes: set[int]) -> Iterator[tuple[Revision, set[int]]]:
    """Each revision of the pieces at `indexes`, with the pieces it covers, in order."""
    groups: dict[Revision, set[int]] = {}
    for index in sorted(indexes):
        piece = paragraph.pieces[index]
        if piece.state != KEPT and piece.revision is not None:
            groups.setdefault(piece.revision, set()).add(index)
        if piece.formatting is not None:
            groups.setdefault(piece.formatting, set()).add(index)
    yield from groups.items()


def _piece_findings(paragraph: Paragraph, located: Located | None, document: Path,
                    indexes: set[int], where: str = "") -> Iterator[Finding]:
    """The tracked changes of some pieces of a paragraph, on the text they are in."""
    pieces = paragraph.pieces
    for revision, chosen in _tracked(paragraph, indexes):
        finding = _base(located, document, revision.kind)
        finding.author, finding.date, finding.where = revision.author, revision.date, where
        removed = "".join(pieces[i].text for i in sorted(chosen)
                          if pieces[i].state in ("del", "move-from"))
        added = "".join(pieces[i].text for i in sorted(chosen)
                        if pieces[i].state in ("ins", "move-to"))
        if revision.kind == "formatting":
            removed = added = "".join(pieces[i].text for i in sorted(chosen))
            finding.diff = "formatting changed: " + removed
        else:
            finding.diff = _excerpt(pieces, chosen, paragraph)
        finding.before, finding.after = removed, added
        yield finding


def _mark_findings(paragraph: Paragraph, located: Located | None, document: Path,
                   where: str = "") -> Iterator[Finding]:
    """A paragraph mark inserted or deleted, a paragraph's formatting changed."""
    if paragraph.mark is not None:
        finding = _base(located, document, paragraph.mark.kind)
        finding.author, finding.date = paragraph.mark.author, paragraph.mark.date
        finding.where = f"{where} paragraph mark".strip()
        text = paragraph.text()
        tail = " ".join(text.split()[-CONTEXT_WORDS:])
        sign = "{+¶+}" if paragraph.mark.kind == "insertion" else "[-¶-]"
        finding.diff = ("…" if len(text.split()) > CONTEXT_WORDS else "") + tail + sign
        finding.before, finding.after = ("", "\n") if sign.startswith("{") else ("\n", "")
        yield finding
    if paragraph.formatting is not None:
        finding = _base(located, document, "formatting")
        finding.author, finding.date = paragraph.formatting.author, paragraph.formatting.date
        finding.where = f"{where} paragraph".strip()
        finding.before = finding.after = paragraph.text()
        finding.diff = "paragraph formatting changed: " + _trim(paragraph.text())
        yield finding


def tracked_findings(doc: Document, found: Map, document: Path) -> list[Finding]:
    """Every tracked change of the document, on the text it is in: the pieces of a
    paragraph inside a text's range are that text's, the others no text's."""
    findings: list[Finding] = []
    note_owner: dict[str, Located | None] = {}
    for index, paragraph in enumerate(doc.body):
        for at, piece in enumerate(paragraph.pieces):
            if piece.note is not None:
                note_owner[piece.note] = found.at(index, at)
        if not paragraph.changed and paragraph.formatting is None and not any(
                p.formatting for p in paragraph.pieces):
            continue
        owners = [f for f in found.located if f.range.covers(index)]
        count = len(paragraph.pieces)
        taken: set[int] = set()
        for owner in owners:
            start, end = owner.range.bounds(index)
            indexes = set(range(start, count if end is None else end)) - taken
            taken |= indexes
            findings += _piece_findings(paragraph, owner, document, indexes)
        rest = set(range(count)) - taken
        if rest:
            findings += _piece_findings(paragraph, None, document, rest)
        to_the_end = next((f for f in owners if f.range.bounds(index)[1] is None), None)
        findings += _mark_findings(paragraph, to_the_end, document)
    for note, paragraphs in doc.notes.items():
        for paragraph in paragraphs:
            note_of = note_owner.get(note)
            findings += _piece_findings(paragraph, note_of, document,
                                        set(range(len(paragraph.pieces))), "footnote")
            findings += _mark_findings(paragraph, note_of, document, "footnote")
    return findings


def untracked_findings(found: Map) -> list[Finding]:
    """Each text whose paragraphs (tracked changes left out) differ from what the workspace
    renders for it now."""
    findings = []
    for located in found.located:
        if located.expected is None or located.conflict:
            continue
        now = located.range.texts()
        if now != located.expected:
            finding = _base(located, Path(), "untracked-edit")
            finding.before, finding.after = "\n".join(located.expected), "\n".join(now)
            finding.diff = word_diff(finding.before, finding.after).replace("\n", " ¶ ")
            findings.append(finding)
    return findings


def comment_findings(doc: Document, found: Map, document: Path) -> list[Finding]:
    """Each comment (its replies inside it), on the text its range starts in."""
    starts: dict[str, tuple[int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    for index, paragraph in enumerate(doc.body):
        for point in paragraph.points:
            if point.kind == "comment-start":
                starts.setdefault(point.id, (index, point.at))
            elif point.kind in ("comment-end", "comment-reference"):
                ends.setdefault(point.id, (index, point.at))
    findings: dict[str, Finding] = {}
    for comment in doc.comments.values():
        if comment.parent is not None:
            continue
        start = starts.get(comment.id) or ends.get(comment.id)
        end = ends.get(comment.id) or start
        located = found.at(*start) if start else None
        finding = _base(located, document, "comment")
        finding.author, finding.date, finding.body = comment.author, comment.date, comment.body
        finding.resolved, finding.comment_id = comment.resolved, comment.id
        finding.anchor = _anchor(doc, start, end) if start and end else ""
        findings[comment.id] = finding
    for comment in doc.comments.values():
        parent = _root(doc, comment)
        if comment.parent is not None and parent in findings:
            findings[parent].replies.append(ReplyFinding(comment.author, comment.date,
                                                         comment.body))
            findings[parent].resolved = bool(findings[parent].resolved or comment.resolved)
    return list(findings.values())


def _root(doc: Document, comment: Comment) -> str:
    seen = {comment.id}
    while comment.parent is not None and comment.parent in doc.comments:
        comment = doc.comments[comment.parent]
        if comment.id in seen:
            break
        seen.add(comment.id)
    return comment.id


def _anchor(doc: Document, start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text a comment is on, as the reviewer saw it (insertions shown, deletions not)."""
    from hthc_cli.review.reader import accept_all

    texts = []
    for index in range(start[0], end[0] + 1):
        paragraph = doc.body[index]
        first = start[1] if index == start[0] else 0
        last = end[1] if index == end[0] else None
        texts.append(paragraph.text(accept_all, first, last))
    return "\n".join(texts).replace(NOTE, "")
