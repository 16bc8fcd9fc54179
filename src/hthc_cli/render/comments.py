"""Open review comments put back into the document as Word comments, on the words they were on.

A comment kept in reviews/ names the text it is on (file, item, field, language) and the
words (its anchor). Its text is found by its mark's bookmark, the words inside the bookmark's
runs (a run is split where they start and end, keeping its formatting), and the comment is
added there with python-docx; each reply becomes a reply comment on the same words
(`commentsExtended.xml`, `w15:paraIdParent`), as Word writes them. Where the words are no
longer in the text, the comment goes on the text's first words and a note says so.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hthc_cli.render.marks import Mark, mark_spans
from hthc_cli.render.ooxml import w

if TYPE_CHECKING:
    from lxml import etree

    from hthc_cli.render.reference_doc import Reference, StyleSheet
    from hthc_cli.workspace.model import ReviewComment

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT_COMMENTS_EXTENDED = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
)
RT_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_FIRST_WORDS = 6
"""Words a comment whose anchor is gone is put on, at the start of its text."""


@dataclass(frozen=True, slots=True)
class Reply:
    author: str
    date: str
    body: str


@dataclass(frozen=True, slots=True)
class OpenComment:
    """A comment to show in the document: who, when, on which words of which text."""

    id: str
    author: str
    initials: str | None
    date: str
    anchor: str
    file: str
    item: str
    field: str
    language: str
    body: str
    replies: tuple[Reply, ...] = ()

    @classmethod
    def of(cls, comment: ReviewComment) -> OpenComment:
        target = comment.target
        return cls(
            comment.id, comment.author, comment.initials, comment.date, comment.anchor,
            target.file, target.item, target.field, target.language, comment.body,
            tuple(Reply(r.author, r.date, r.body) for r in comment.replies),
        )

    def on(self, mark: Mark) -> bool:
        return (mark.file, mark.item, mark.field, mark.language) == (
            self.file, self.item, self.field, self.language
        )


def open_comments(comments: Sequence[ReviewComment], language: str) -> tuple[OpenComment, ...]:
    """The open comments on texts in `language`, as the document shows them."""
    return tuple(
        OpenComment.of(c) for c in comments if c.is_open and c.target.language == language
    )


def place_comments(
    reference: Reference, marks: Mapping[str, Mark], comments: Sequence[OpenComment]
) -> list[str]:
    """Add each comment to the document (python-docx, its body in the element tree) on its
    words; returns a one-line note for each that could not go on its own words."""
    document = reference.document
    body = document.element.body
    spans = mark_spans(body)
    notes: list[str] = []
    placed: list[tuple[OpenComment, Any, Any]] = []
    for comment in comments:
        names = [name for name, mark in marks.items() if comment.on(mark) and name in spans]
        if not names:
            notes.append(
                f"{comment.id} ({comment.author}) is on {comment.item} {comment.field} "
                f"({comment.language}), which this document does not show; it is left out"
            )
            continue
        found = None
        for name in names:
            found = _find(_Runs(body, *spans[name]), comment.anchor)
            if found is not None:
                break
        if found is None:
            runs = _Runs(body, *spans[names[0]])
            found = runs.first_words(_FIRST_WORDS)
            if found is None:
                notes.append(
                    f"{comment.id} ({comment.author}) is on {comment.item} {comment.field}, "
                    "which has no words to put it on; it is left out"
                )
                continue
            if comment.anchor.strip():
                notes.append(
                    f"{comment.id} ({comment.author}): the words it was on ("
                    f"\"{_short(comment.anchor)}\") are no longer in {comment.item} "
                    f"{comment.field}; it is shown on the start of the text"
                )
        placed.append((comment, *found))
    extended: list[tuple[str, str | None]] = []
    for comment, first, last in placed:
        extended += _add(document, comment, first, last)
    if extended:
        _comments_extended(document, extended)
        _styled(document, reference.styles)
    return notes


def _styled(document: Any, styles: StyleSheet) -> None:
    """The comments' styles by their names in this document (python-docx writes Word's ids,
    which a reference document may not have)."""
    text = styles.paragraph("annotation text")
    mark = styles.character("annotation reference")
    for reference in document.element.body.iter(w("commentReference")):
        style = reference.getparent().find(f"{w('rPr')}/{w('rStyle')}")
        if style is not None:
            style.set(w("val"), mark)
    for element in document.comments._comments_elm.iter(w("pStyle"), w("rStyle")):
        element.set(w("val"), text if element.tag == w("pStyle") else mark)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _add(
    document: Any, comment: OpenComment, first: Any, last: Any
) -> list[tuple[str, str | None]]:
    """The comment and its replies on the runs from `first` to `last`; returns each one's
    paragraph id and its parent's, for commentsExtended.xml."""
    from docx.text.run import Run

    runs = [Run(first, document._body), Run(last, document._body)]
    out: list[tuple[str, str | None]] = []
    parent: str | None = None
    entries = [(comment.author, comment.initials, comment.date, comment.body)] + [
        (r.author, None, r.date, r.body) for r in comment.replies
    ]
    for number, (author, initials, date, body) in enumerate(entries):
        added = document.add_comment(runs, text=_paragraphs(body), author=author,
                                     initials=initials)
        element = added._comment_elm
        element.set(w("date"), _word_date(date))
        paragraph_id = _paragraph_id(f"{comment.id}\0{number}")
        element.findall(w("p"))[-1].set(f"{{{W14_NS}}}paraId", paragraph_id)
        out.append((paragraph_id, parent))
        parent = parent or paragraph_id
    return out


def _paragraphs(body: str) -> str:
    """A comment's text as python-docx takes it: one paragraph per line."""
    return body.strip("\n")


def _word_date(value: str) -> str:
    """A review file's moment as Word writes `w:date` (UTC, no fraction)."""
    try:
        moment = datetime.fromisoformat(value.strip().removesuffix("Z"))
    except ValueError:
        return value
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _paragraph_id(key: str) -> str:
    """A `w14:paraId` of the key's own: 8 hex digits below 0x80000000, as Word requires."""
    number = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF
    return f"{max(number, 1):08X}"


def _comments_extended(document: Any, entries: list[tuple[str, str | None]]) -> None:
    """`word/commentsExtended.xml`: which comment replies to which, none of them done."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    rows = []
    for paragraph_id, parent in entries:
        parent_attr = f' w15:paraIdParent="{parent}"' if parent else ""
        rows.append(f'<w15:commentEx w15:paraId="{paragraph_id}"{parent_attr} w15:done="0"/>')
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w15:commentsEx xmlns:mc="{MC_NS}" xmlns:w15="{W15_NS}" mc:Ignorable="w15">'
        + "".join(rows) + "</w15:commentsEx>"
    ).encode("utf-8")
    part = document.part
    package = part.package
    partname = PackURI("/word/commentsExtended.xml")
    part.relate_to(Part(partname, CT_COMMENTS_EXTENDED, xml, package), RT_COMMENTS_EXTENDED)


# -- the words inside a mark ----------------------------------------------------------------------


class _Runs:
    """The text runs of the body between a mark's bookmark start and end, and their text."""

    def __init__(self, body: etree._Element, start: etree._Element, end: etree._Element) -> None:
        self.runs: list[etree._Element] = []
        inside = False
        for element in body.iter(w("bookmarkStart"), w("bookmarkEnd"), w("r")):
            if element is start:
                inside = True
            elif element is end:
                break
            elif inside and element.tag == w("r") and _text_of(element) is not None:
                self.runs.append(element)

    def text(self) -> tuple[str, list[tuple[int, int]]]:
        """The runs' text joined, and where each run's text starts and ends in it."""
        pieces, bounds, position = [], [], 0
        for run in self.runs:
            text = _text_of(run) or ""
            pieces.append(text)
            bounds.append((position, position + len(text)))
            position += len(text)
        return "".join(pieces), bounds

    def between(self, start: int, end: int) -> tuple[Any, Any] | None:
        """The runs holding exactly the characters start..end, split where needed."""
        _, bounds = self.text()
        first_index = next((i for i, (a, b) in enumerate(bounds) if a <= start < b), None)
        last_index = next((i for i, (a, b) in enumerate(bounds) if a < end <= b), None)
        if first_index is None or last_index is None:
            return None
        last = self.runs[last_index]
        cut = end - bounds[last_index][0]
        if cut < len(_text_of(last) or ""):
            _split(last, cut)
        first = self.runs[first_index]
        cut = start - bounds[first_index][0]
        if cut > 0:
            second = _split(first, cut)
            if first is last:
                last = second
            first = second
        return first, last

    def first_words(self, count: int) -> tuple[Any, Any] | None:
        text, _ = self.text()
        words = list(re.finditer(r"\S+", text))
        if not words:
            return None
        chosen = words[: min(count, len(words))]
        return self.between(chosen[0].start(), chosen[-1].end())


def _text_of(run: etree._Element) -> str | None:
    """A run's text when it is one `w:t` (what hthc writes), else None: nothing to split."""
    texts = [child for child in run if child.tag == w("t")]
    others = [c for c in run if c.tag not in (w("t"), w("rPr"))]
    if len(texts) != 1 or others:
        return None
    return texts[0].text or ""


def _split(run: etree._Element, offset: int) -> etree._Element:
    """Split a one-text run at `offset`; the second half, with the same format, follows it."""
    text = run.find(w("t"))
    assert text is not None
    value = text.text or ""
    second = copy.deepcopy(run)
    text.text = value[:offset]
    second_text = second.find(w("t"))
    assert second_text is not None
    second_text.text = value[offset:]
    for element in (text, second_text):
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(second)
    return second


def _find(runs: _Runs, anchor: str) -> tuple[Any, Any] | None:
    """The runs of the first place `anchor` stands in the text: exactly, else with any run
    of spaces and line breaks counting as one space."""
    if not anchor.strip():
        return None
    text, _ = runs.text()
    at = text.find(anchor)
    if at >= 0:
        return runs.between(at, at + len(anchor))
    wanted = " ".join(anchor.split())
    squeezed, where = _squeezed(text)
    at = squeezed.find(wanted)
    if at < 0:
        return None
    return runs.between(where[at], where[at + len(wanted) - 1] + 1)


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` with each run of white space as one space, and where each character came from."""
    out: list[str] = []
    where: list[int] = []
    for match in _TOKENS.finditer(text):
        out.append(" " if match.group().isspace() else match.group())
        where.append(match.start())
    return "".join(out), where


_TOKENS = re.compile(r"\s+|\S", re.UNICODE)
