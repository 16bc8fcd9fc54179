"""Read a reviewed .docx: each paragraph's text before and after its tracked changes, the
changes themselves, the bookmarks and comment ranges in it, and the comments.

lxml on the package's parts, not python-docx: its `paragraph.text` skips the runs inside
`w:ins` and `w:del`, which are what a review is about. What Word writes for other reasons —
runs split by `w:proofErr` and `w:rsid*` attributes, `w:smartTag`, hyperlinks, fields, its
own bookmarks (`_GoBack`) — is read through and is not a change.

A paragraph is a list of pieces, each with a state: kept (`same`), inserted (`ins`),
deleted (`del`), moved away (`move-from`) or moved here (`move-to`). Its text *before* the
review keeps the deleted and moved-away pieces; its text *after* the changes a reader
accepts keeps the accepted insertions and the refused deletions. A footnote reference is
U+FFFC, as in the plain projection of a text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hthc_cli.base.errors import UsageError
from hthc_cli.review.container import Package, xml_parser

if TYPE_CHECKING:
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NOTE = "\ufffc"
"""A footnote reference in a paragraph's text."""

KEPT, INSERTED, DELETED, MOVED_FROM, MOVED_TO = "same", "ins", "del", "move-from", "move-to"
_STATES = {f"{{{W}}}ins": INSERTED, f"{{{W}}}del": DELETED,
           f"{{{W}}}moveFrom": MOVED_FROM, f"{{{W}}}moveTo": MOVED_TO}
_KINDS = {INSERTED: "insertion", DELETED: "deletion", MOVED_FROM: "move", MOVED_TO: "move"}
_TRANSPARENT = {f"{{{W}}}{name}" for name in (
    "hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent", "dir", "bdo")}
"""Elements whose runs are part of the paragraph's text as if they were not there."""
_CHARACTERS = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n",
               f"{{{W}}}noBreakHyphen": "\u2011", f"{{{W}}}softHyphen": "\u00ad",
               f"{{{W}}}ptab": "\t"}


@dataclass(frozen=True, slots=True)
class Revision:
    """One tracked change as Word stores it: its kind, who made it and when."""

    kind: str
    """insertion, deletion, move or formatting."""
    author: str
    date: str
    id: str


@dataclass(slots=True)
class Piece:
    text: str
    state: str
    revision: Revision | None = None
    formatting: Revision | None = None
    """A run whose properties were changed (`w:rPrChange`), with the change."""
    note: str | None = None
    """The footnote id, when the piece is a footnote reference (its text is U+FFFC)."""


@dataclass(frozen=True, slots=True)
class Point:
    """A bookmark's or comment range's start or end, before piece number `at`."""

    kind: str
    """bookmark-start, bookmark-end, comment-start, comment-end or comment-reference."""
    id: str
    at: int


Accept = Callable[[Revision], bool]
"""Which tracked changes a reader takes: True to accept the change."""


def accept_all(_: Revision) -> bool:
    return True


def accept_none(_: Revision) -> bool:
    return False


def accept_by(authors: set[str]) -> Accept:
    wanted = {a.casefold() for a in authors}
    return lambda revision: revision.author.casefold() in wanted


@dataclass(slots=True)
class Paragraph:
    story: str
    """'body', or 'footnote N'."""
    pieces: list[Piece] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    mark: Revision | None = None
    """The paragraph mark inserted or deleted (`w:pPr/w:rPr/w:ins|w:del`)."""
    formatting: Revision | None = None
    """The paragraph's properties changed (`w:pPrChange`)."""
    para_id: str | None = None
    in_table: bool = False

    def keeps(self, piece_state: str, revision: Revision | None, accept: Accept | None) -> bool:
        """Whether a piece is in the text: `accept` None is the text before the review."""
        if piece_state == KEPT:
            return True
        added = piece_state in (INSERTED, MOVED_TO)
        if accept is None or revision is None:
            return not added
        return added == accept(revision)

    def text(self, accept: Accept | None = None, start: int = 0, end: int | None = None) -> str:
        """The text before the review (`accept` None) or after the accepted changes,
        of pieces `start` to `end`."""
        return "".join(p.text for p in self.pieces[start:end]
                       if self.keeps(p.state, p.revision, accept))

    def has_mark(self, accept: Accept | None = None) -> bool:
        """Whether the paragraph ends here in that version (else it runs into the next)."""
        if self.mark is None:
            return True
        added = self.mark.kind == "insertion"
        if accept is None:
            return not added
        return added == accept(self.mark)

    def notes(self, accept: Accept | None = None, start: int = 0,
              end: int | None = None) -> list[str]:
        return [p.note for p in self.pieces[start:end]
                if p.note is not None and self.keeps(p.state, p.revision, accept)]

    def boundary(self, offset: int) -> int | None:
        """The index of the piece that starts at `offset` of the text before the review
        (the number of pieces at its end); None when the offset falls inside a piece."""
        position = 0
        for index, piece in enumerate(self.pieces):
            if not self.keeps(piece.state, piece.revision, None):
                continue
            if position == offset:
                return index
            if position > offset:
                return None
            position += len(piece.text)
        return len(self.pieces) if position == offset else None

    def cut(self, offset: int) -> int:
        """The index of the piece that starts at `offset` of the text before the review,
        a piece split in two there if need be (the text stays as it was)."""
        import dataclasses

        position = 0
        for index, piece in enumerate(self.pieces):
            if not self.keeps(piece.state, piece.revision, None):
                continue
            if position == offset:
                return index
            if position < offset < position + len(piece.text):
                at = offset - position
                self.pieces[index:index + 1] = [dataclasses.replace(piece, text=piece.text[:at]),
                                                dataclasses.replace(piece, text=piece.text[at:])]
                self.points = [dataclasses.replace(p, at=p.at + 1) if p.at > index else p
                               for p in self.points]
                return index + 1
            position += len(piece.text)
        return len(self.pieces)

    @property
    def changed(self) -> bool:
        return self.mark is not None or any(p.state != KEPT for p in self.pieces)


@dataclass(slots=True)
class Reply:
    author: str
    date: str
    body: str


@dataclass(slots=True)
class Comment:
    id: str
    author: str
    initials: str
    date: str
    body: str
    para_id: str | None = None
    durable_id: str | None = None
    parent: str | None = None
    """The comment id this one replies to (`w15:paraIdParent`)."""
    resolved: bool = False
    person: str | None = None
    """The author's account as people.xml gives it (`provider:user`), if any."""


@dataclass(slots=True)
class Document:
    body: list[Paragraph]
    notes: dict[str, list[Paragraph]]
    bookmarks: dict[str, str]
    """Bookmark id → name, in the body."""
    comments: dict[str, Comment]
    properties: dict[str, str]
    """The custom document properties (docProps/custom.xml), when they survived."""

    def note_text(self, note: str, accept: Accept | None = None) -> tuple[str, ...]:
        return joined(self.notes.get(note, []), accept)

    def changes(self) -> Iterator[tuple[str, Paragraph]]:
        for paragraph in self.body:
            yield "body", paragraph
        for note, paragraphs in self.notes.items():
            for paragraph in paragraphs:
                yield note, paragraph


def joined(paragraphs: list[Paragraph], accept: Accept | None,
           crop: tuple[int, int] | None = None) -> tuple[str, ...]:
    """The paragraphs' texts in one version, a paragraph whose mark is not in that version
    run into the next. `crop`: the first paragraph from piece n, the last to piece m."""
    out: list[str] = []
    pending = ""
    last = len(paragraphs) - 1
    for index, paragraph in enumerate(paragraphs):
        start = crop[0] if crop and index == 0 else 0
        end = crop[1] if crop and index == last else None
        pending += paragraph.text(accept, start, end)
        if paragraph.has_mark(accept) or index == last:
            out.append(pending)
            pending = ""
    return tuple(out)


def read_document(package: Package) -> Document:
    """Everything a review needs from the package; a part that is not XML is a UsageError."""
    body_root = _xml(package, "word/document.xml")
    assert body_root is not None  # the container refuses a package without it
    body = body_root.find(f"{{{W}}}body")
    paragraphs: list[Paragraph] = []
    bookmarks: dict[str, str] = {}
    if body is not None:
        for p, in_table in _block_paragraphs(body, False):
            paragraph = _paragraph(p, "body", bookmarks)
            paragraph.in_table = in_table
            paragraphs.append(paragraph)
    notes: dict[str, list[Paragraph]] = {}
    footnotes = _xml(package, "word/footnotes.xml")
    if footnotes is not None:
        for note in footnotes.iterfind(f"{{{W}}}footnote"):
            if note.get(f"{{{W}}}type") not in (None, "normal"):
                continue  # the separators
            note_id = note.get(f"{{{W}}}id", "")
            notes[note_id] = [_paragraph(p, f"footnote {note_id}", {})
                              for p, _ in _block_paragraphs(note, False)]
            _drop_leading_space(notes[note_id])
    return Document(paragraphs, notes, bookmarks, _comments(package), _properties(package))


def _xml(package: Package, name: str) -> etree._Element | None:
    from lxml import etree

    data = package.get(name)
    if data is None:
        return None
    try:
        return etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{package.path.as_posix()} is damaged: its part {name} is not "
                         f"well-formed XML ({exc}); save the document again from Word") from None


def _block_paragraphs(parent: etree._Element, in_table: bool
                      ) -> Iterator[tuple[etree._Element, bool]]:
    """The paragraphs of a story in reading order, table cells' included (not text boxes)."""
    for child in parent:
        tag = child.tag
        if tag == f"{{{W}}}p":
            yield child, in_table
        elif tag == f"{{{W}}}tbl":
            for row in child.iterfind(f"{{{W}}}tr"):
                for cell in row.iterfind(f"{{{W}}}tc"):
                    yield from _block_paragraphs(cell, True)
        elif tag in (f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml"):
            yield from _block_paragraphs(child, in_table)


def _revision(element: etree._Element, kind: str) -> Revision:
    return Revision(kind, element.get(f"{{{W}}}author", ""), element.get(f"{{{W}}}date", ""),
                    element.get(f"{{{W}}}id", ""))


def _paragraph(p: etree._Element, story: str, bookmarks: dict[str, str]) -> Paragraph:
    paragraph = Paragraph(story, para_id=p.get(f"{{{W14}}}paraId"))
    properties = p.find(f"{{{W}}}pPr")
    if properties is not None:
        mark = properties.find(f"{{{W}}}rPr")
        if mark is not None:
            for tag, kind in ((f"{{{W}}}ins", "insertion"), (f"{{{W}}}del", "deletion")):
                found = mark.find(tag)
                if found is not None:
                    paragraph.mark = _revision(found, kind)
        change = properties.find(f"{{{W}}}pPrChange")
        if change is not None:
            paragraph.formatting = _revision(change, "formatting")
    _walk(p, paragraph, KEPT, None, bookmarks)
    return paragraph


def _walk(parent: etree._Element, paragraph: Paragraph, state: str,
          revision: Revision | None, bookmarks: dict[str, str]) -> None:
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction in the XML
        if tag == f"{{{W}}}r":
            _run(child, paragraph, state, revision)
        elif tag in _STATES:
            inner = _STATES[tag]
            _walk(child, paragraph, inner, _revision(child, _KINDS[inner]), bookmarks)
        elif tag in _TRANSPARENT:
            _walk(child, paragraph, state, revision, bookmarks)
        elif tag == f"{{{W}}}bookmarkStart":
            bookmarks[child.get(f"{{{W}}}id", "")] = child.get(f"{{{W}}}name", "")
            _point(paragraph, "bookmark-start", child)
        elif tag == f"{{{W}}}bookmarkEnd":
            _point(paragraph, "bookmark-end", child)
        elif tag == f"{{{W}}}commentRangeStart":
            _point(paragraph, "comment-start", child)
        elif tag == f"{{{W}}}commentRangeEnd":
            _point(paragraph, "comment-end", child)
        # w:pPr, w:proofErr, w:permStart, move ranges, math: not text, not a change


def _point(paragraph: Paragraph, kind: str, element: etree._Element) -> None:
    paragraph.points.append(Point(kind, element.get(f"{{{W}}}id", ""), len(paragraph.pieces)))


def _run(run: etree._Element, paragraph: Paragraph, state: str,
         revision: Revision | None) -> None:
    formatting = None
    properties = run.find(f"{{{W}}}rPr")
    if properties is not None:
        change = properties.find(f"{{{W}}}rPrChange")
        if change is not None:
            formatting = _revision(change, "formatting")
    in_instruction = False
    for child in run:
        tag = child.tag
        text = ""
        note = None
        if tag in (f"{{{W}}}t", f"{{{W}}}delText"):
            text = "" if in_instruction else child.text or ""
        elif tag in _CHARACTERS:
            text = _CHARACTERS[tag]
        elif tag in (f"{{{W}}}footnoteReference", f"{{{W}}}endnoteReference"):
            text, note = NOTE, child.get(f"{{{W}}}id", "")
        elif tag == f"{{{W}}}commentReference":
            _point(paragraph, "comment-reference", child)
        elif tag == f"{{{W}}}sym":
            text = _symbol(child)
        elif tag == f"{{{W}}}fldChar":
            in_instruction = child.get(f"{{{W}}}fldCharType") == "begin"
        if text:
            _add(paragraph, Piece(text, state, revision, formatting, note))


def _symbol(element: etree._Element) -> str:
    code = element.get(f"{{{W}}}char", "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return chr(value - 0xF000 if value >= 0xF000 else value)


def _add(paragraph: Paragraph, piece: Piece) -> None:
    pieces = paragraph.pieces
    if pieces and piece.note is None:
        last = pieces[-1]
        if (last.note is None and last.state == piece.state and last.revision == piece.revision
                and last.formatting == piece.formatting
                and not any(point.at == len(pieces) for point in paragraph.points)):
            last.text += piece.text
            return
    pieces.append(piece)


def _drop_leading_space(paragraphs: list[Paragraph]) -> None:
    """The space Word and hthc write after a footnote's number is not part of its text."""
    if paragraphs and paragraphs[0].pieces and paragraphs[0].pieces[0].state == KEPT:
        first = paragraphs[0].pieces[0]
        if first.text.startswith(" "):
            first.text = first.text[1:]


def _comments(package: Package) -> dict[str, Comment]:
    root = _xml(package, "word/comments.xml")
    if root is None:
        return {}
    comments: dict[str, Comment] = {}
    by_para: dict[str, Comment] = {}
    for element in root.iterfind(f"{{{W}}}comment"):
        paragraphs = [_paragraph(p, "comment", {}) for p, _ in _block_paragraphs(element, False)]
        comment = Comment(
            element.get(f"{{{W}}}id", ""), element.get(f"{{{W}}}author", ""),
            element.get(f"{{{W}}}initials", ""), element.get(f"{{{W}}}date", ""),
            "\n".join(p.text(accept_all) for p in paragraphs).strip("\n"),
        )
        if paragraphs and paragraphs[-1].para_id:
            comment.para_id = paragraphs[-1].para_id
            by_para[comment.para_id.upper()] = comment
        comments[comment.id] = comment
    extended = _xml(package, "word/commentsExtended.xml")
    if extended is not None:
        for entry in extended.iterfind(f"{{{W15}}}commentEx"):
            extended_one = by_para.get(entry.get(f"{{{W15}}}paraId", "").upper())
            if extended_one is None:
                continue
            extended_one.resolved = entry.get(f"{{{W15}}}done") in ("1", "true", "on")
            parent = by_para.get(entry.get(f"{{{W15}}}paraIdParent", "").upper())
            if parent is not None and parent is not extended_one:
                extended_one.parent = parent.id
    ids = _xml(package, "word/commentsIds.xml")
    if ids is not None:
        for entry in ids.iterfind(f"{{{W16CID}}}commentId"):
            durable = by_para.get(entry.get(f"{{{W16CID}}}paraId", "").upper())
            if durable is not None:
                durable.durable_id = entry.get(f"{{{W16CID}}}durableId")
    people = _xml(package, "word/people.xml")
    if people is not None:
        accounts = {}
        for person in people.iterfind(f"{{{W15}}}person"):
            info = person.find(f"{{{W15}}}presenceInfo")
            if info is not None:
                accounts[person.get(f"{{{W15}}}author", "")] = (
                    f"{info.get(f'{{{W15}}}providerId', '')}:{info.get(f'{{{W15}}}userId', '')}")
        for comment in comments.values():
            comment.person = accounts.get(comment.author)
    return comments


def _properties(package: Package) -> dict[str, str]:
    root = _xml(package, "docProps/custom.xml")
    if root is None:
        return {}
    found = {}
    for prop in root.iterfind(f"{{{CUSTOM}}}property"):
        value = next(iter(prop), None)
        if value is not None and value.text is not None:
            found[prop.get("name", "")] = value.text
    return found
