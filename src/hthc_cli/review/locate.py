"""Find which workspace text each part of a reviewed document came from.

First by the document's map: the bookmarks render put around each text (render/marks.py),
named by the text's place and the hash of the text it held; the custom properties, when
they survived, say the same at length and name the response and language. Where the
bookmarks are gone (a document pasted into another, a tool that drops them), the
document's paragraphs are matched against a fresh render of the workspace in memory: equal
paragraphs first, then the most similar ones in order.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import UsageError
from hthc_cli.render import marks
from hthc_cli.review.reader import Accept, Document, Paragraph, joined

if TYPE_CHECKING:
    from hthc_cli.workspace.model import Response, Workspace
    from hthc_cli.workspace.source import YScalar

SIMILAR = 0.6
"""How alike (difflib's ratio) a paragraph must be to a rendered one to be taken as it."""
MATCHED_ENOUGH = 0.5
"""The share of a document's text paragraphs that must match a render to say it is that
response, when the document carries no map."""


@dataclass(frozen=True, slots=True)
class Place:
    """A workspace text in one language: where its value is in the YAML."""

    mark: marks.Mark
    scalar: YScalar

    @property
    def value(self) -> str:
        return str(self.scalar.value)


@dataclass(slots=True)
class Range:
    """Consecutive body paragraphs of the document that hold one workspace text."""

    paragraphs: list[Paragraph]
    crop: tuple[int, int] | None = None
    """The first paragraph from piece n, the last up to piece m (a title inside a heading)."""
    first: int = 0
    """The index of the first paragraph in the document's body."""

    def texts(self, accept: Accept | None = None) -> tuple[str, ...]:
        return joined(self.paragraphs, accept, self.crop)

    def notes(self, accept: Accept | None = None) -> list[str]:
        found: list[str] = []
        last = len(self.paragraphs) - 1
        for index, paragraph in enumerate(self.paragraphs):
            start = self.crop[0] if self.crop and index == 0 else 0
            end = self.crop[1] if self.crop and index == last else None
            found += paragraph.notes(accept, start, end)
        return found

    def covers(self, body_index: int) -> bool:
        return self.first <= body_index < self.first + len(self.paragraphs)

    def bounds(self, body_index: int) -> tuple[int, int | None]:
        """The pieces of body paragraph `body_index` inside the range."""
        last = self.first + len(self.paragraphs) - 1
        start = self.crop[0] if self.crop and body_index == self.first else 0
        end = self.crop[1] if self.crop and body_index == last else None
        return start, end

    def holds(self, body_index: int, at: int) -> bool:
        """Whether the point before piece `at` of body paragraph `body_index` is inside."""
        last = self.first + len(self.paragraphs) - 1
        if not self.first <= body_index <= last:
            return False
        if self.crop is None:
            return True
        if body_index == self.first and at < self.crop[0]:
            return False
        return not (body_index == last and at > self.crop[1])


@dataclass(slots=True)
class Located:
    """One workspace text found in the document."""

    range: Range
    name: str
    """The mark's bookmark name; empty when found by its text."""
    rendered: marks.Mark | None
    """The mark as rendered (from the document's properties, or the workspace by place)."""
    place: Place | None
    """The text as it is in the workspace now; None when the workspace has it no more."""
    conflict: bool = False
    """The text changed in the workspace since the document was rendered."""
    expected: tuple[str, ...] | None = None
    """The paragraphs the workspace renders for it now (None: not known)."""
    expected_notes: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class Map:
    """The document located in the workspace."""

    response: str | None
    language: str | None
    revision: str | None
    located: list[Located] = field(default_factory=list)
    by_text: bool = False
    """Some texts were found by matching paragraphs (the bookmarks were lost)."""
    notes: list[str] = field(default_factory=list)
    """Things the user should know about how the document was read."""

    def at(self, body_index: int, at: int) -> Located | None:
        for found in self.located:
            if found.range.holds(body_index, at):
                return found
        return None


def places(ws: Workspace, languages: Sequence[str]) -> dict[str, Place]:
    """Every text of the workspace in `languages`, by its place hash."""
    found: dict[str, Place] = {}
    for place in marks.text_places(ws):
        for language in languages:
            mark = marks.mark_of(place, language)
            scalar = place.text.common or place.text.by_language.get(language)
            if mark is not None and scalar is not None:
                found[mark.place] = Place(mark, scalar)
    return found


def bookmark_ranges(doc_body: list[Paragraph], bookmarks: dict[str, str]) -> dict[str, Range]:
    """Every mark's range in a story, by bookmark name (other bookmarks are left out).

    A mark runs from its name's first start to the last end of any start of that name: what
    LibreOffice 7.4 writes for a bookmark over several paragraphs is a start never ended and
    a second start of the same name in the last paragraph, ended where the bookmark ends
    (as render/marks.py `mark_spans` reads it).
    """
    starts: dict[str, tuple[int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    for index, paragraph in enumerate(doc_body):
        for point in paragraph.points:
            name = bookmarks.get(point.id, "")
            if point.kind == "bookmark-start":
                if marks.parse_mark_name(name) is not None:
                    starts.setdefault(name, (index, point.at))
            elif point.kind == "bookmark-end" and name in starts:
                ends[name] = (index, point.at)
    ranges: dict[str, Range] = {}
    for name, (first, start) in starts.items():
        if name not in ends:
            continue
        last, end = ends[name]
        if (last, end) < (first, start):
            continue
        cover = doc_body[first:last + 1]
        whole = start == 0 and end >= len(doc_body[last].pieces)
        ranges[name] = Range(cover, None if whole else (start, end), first)
    return ranges


def locate(doc: Document, ws: Workspace, path: Path) -> Map:
    """Each workspace text of the document, with where it is now in the workspace."""
    identity = marks.identity(doc.properties)
    ranges = bookmark_ranges(doc.body, doc.bookmarks)
    languages = [identity.language] if identity.language else list(ws.languages)
    current = places(ws, languages)
    found = Map(identity.response, identity.language, identity.revision)
    for name, text_range in ranges.items():
        parsed = marks.parse_mark_name(name)
        assert parsed is not None
        place = current.get(parsed.place)
        rendered = identity.marks.get(name) or (place.mark if place else None)
        conflict = place is not None and not place.mark.unchanged(parsed)
        found.located.append(Located(text_range, name, rendered, place, conflict))
    _identify(found, doc, ws, path)
    _compare_with_render(found, doc, ws, path)
    return found


def _identify(found: Map, doc: Document, ws: Workspace, path: Path) -> None:
    """The response and language of the document: from its properties, else its marks."""
    shown = path.as_posix()
    if found.response is None:
        responses = {f.rendered.item for f in found.located
                     if f.rendered and f.rendered.item in ws.responses}
        if len(responses) == 1:
            found.response = responses.pop()
    if found.language is None:
        languages = [f.rendered.language for f in found.located if f.rendered]
        if languages:
            found.language = max(set(languages), key=languages.count)
    if found.response is not None and found.response not in ws.responses:
        known = ", ".join(ws.responses) or "none"
        raise UsageError(
            f"{shown} is the response '{found.response}'"
            + (f" in '{found.language}'" if found.language else "")
            + f", which this workspace does not have (its responses: {known}); import it in "
            "the workspace it was rendered from"
        )
    if found.language is not None and found.language not in ws.languages:
        raise UsageError(
            f"{shown} is in '{found.language}', which is not a language of this workspace "
            f"({', '.join(ws.languages)}); import it in the workspace it was rendered from"
        )
    if found.located and all(f.place is None for f in found.located):
        raise UsageError(
            f"{shown} was rendered by hthc, but none of its {len(found.located)} texts is in "
            "this workspace: it belongs to another workspace"
            + (f" (response '{found.response}')" if found.response else "")
        )


def _compare_with_render(found: Map, doc: Document, ws: Workspace, path: Path) -> None:
    """What the workspace renders now for each text; the texts whose bookmarks were lost
    are found by matching paragraphs against that render."""
    candidates = _candidates(found, ws)
    best: tuple[int, Response, str, Document] | None = None
    for response, language in candidates:
        fresh = _fresh(ws, response, language)
        score = _equal_paragraphs(doc.body, fresh.body)
        if best is None or score > best[0]:
            best = (score, response, language, fresh)
    if best is None:
        return
    score, response, language, fresh = best
    texts = [p for p in doc.body if p.text().strip()]
    if found.response is None and texts and score >= MATCHED_ENOUGH * len(texts):
        found.response = response.id
        found.language = found.language or language
    fresh_ranges = bookmark_ranges(fresh.body, fresh.bookmarks)
    for located in found.located:
        if located.place is None or located.conflict:
            continue
        # the same name: the same text at the same place, and the same occurrence of it
        hit = fresh_ranges.get(located.name)
        if hit is not None:
            located.expected = hit.texts()
            _widen(located.range, located.expected)
            located.expected_notes = tuple(fresh.note_text(n) for n in hit.notes())
    if found.located:
        return
    if not texts or score < MATCHED_ENOUGH * len(texts):
        raise UsageError(
            f"{path.as_posix()} was not rendered by hthc (it carries no hthc bookmarks) and "
            "its paragraphs match no response of this workspace; import the .docx that "
            "hthc render wrote, as reviewed"
        )
    found.response, found.language, found.by_text = response.id, language, True
    found.notes.append(
        f"the document carries no hthc bookmarks: its texts were found by matching its "
        f"paragraphs against {response.id} ({language}) as rendered now"
    )
    current = places(ws, [language])
    aligned = _align([p.text() for p in doc.body], [p.text() for p in fresh.body])
    matched: list[tuple[Place, Range, tuple[int, int, int, int]]] = []
    for name, fresh_range in fresh_ranges.items():
        parsed = marks.parse_mark_name(name)
        assert parsed is not None
        place = current.get(parsed.place)
        where = _match_range(doc.body, fresh.body, aligned, fresh_range)
        if place is not None and where is not None:
            matched.append((place, fresh_range, where))
    ranges = _text_ranges(doc.body, [where for _, _, where in matched])
    for (place, fresh_range, _), text_range in zip(matched, ranges, strict=True):
        expected_notes = tuple(fresh.note_text(n) for n in fresh_range.notes())
        found.located.append(Located(text_range, "", place.mark, place, False,
                                     fresh_range.texts(), expected_notes))


def _widen(text_range: Range, expected: tuple[str, ...]) -> None:
    """Move a range's ends out over the characters it should hold and that stand right
    beside it: LibreOffice 7.4 saves the end of a bookmark over several paragraphs one
    character early."""
    if text_range.crop is None:
        return
    now = text_range.texts()
    if now == expected or len(now) != len(expected):
        return
    start, end = text_range.crop
    first, last = text_range.paragraphs[0], text_range.paragraphs[-1]
    if len(text_range.paragraphs) == 1:
        inside_last = inside_first = now[0]
    else:
        inside_first, inside_last = now[0], now[-1]
    if expected[-1] != inside_last and expected[-1].startswith(inside_last):
        missing = expected[-1][len(inside_last):]
        offset = len(last.text(None, 0, end))
        if last.text(None, end, None).startswith(missing):
            found = last.boundary(offset + len(missing))
            if found is not None:
                end = found
    if expected[0] != inside_first and expected[0].endswith(inside_first):
        missing = expected[0][:len(expected[0]) - len(inside_first)]
        offset = len(first.text(None, 0, start))
        if first.text(None, 0, start).endswith(missing):
            found = first.boundary(offset - len(missing))
            if found is not None:
                start = found
    whole = start == 0 and end >= len(last.pieces)
    text_range.crop = None if whole else (start, end)


def _candidates(found: Map, ws: Workspace) -> list[tuple[Response, str]]:
    if found.response is not None:
        response = ws.responses[found.response]
        languages = [found.language] if found.language else (
            [response.language] if response.language else list(ws.languages))
        return [(response, language) for language in languages]
    return [(response, language) for response in ws.responses.values()
            for language in ([response.language] if response.language else ws.languages)]


def _fresh(ws: Workspace, response: Response, language: str) -> Document:
    from hthc_cli.render.pipeline import Job, render_bytes
    from hthc_cli.review.container import Package
    from hthc_cli.review.reader import read_document

    data = render_bytes(ws, Job(response, language, Path("-")), "docx")
    return read_document(Package.of_bytes(data))


def _equal_paragraphs(doc: list[Paragraph], fresh: list[Paragraph]) -> int:
    wanted = {p.text() for p in fresh if p.text().strip()}
    return sum(1 for p in doc if p.text().strip() and p.text() in wanted)


def _match_range(doc: list[Paragraph], fresh: list[Paragraph], aligned: dict[int, int],
                 fresh_range: Range) -> tuple[int, int, int, int] | None:
    """Where in the document the fresh render's `fresh_range` stands: its first and last
    paragraph, and how many characters of the text before the review the template prints
    before it in the first and after it in the last (a title inside a list item)."""
    indexes = [aligned.get(i) for i in range(fresh_range.first,
                                               fresh_range.first + len(fresh_range.paragraphs))]
    if any(i is None for i in indexes):
        return None
    numbers = [i for i in indexes if i is not None]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    first, last = numbers[0], numbers[-1]
    if fresh_range.crop is None:
        return first, last, 0, 0
    start, end = fresh_range.bounds(fresh_range.first)[0], fresh_range.crop[1]
    head = fresh_range.paragraphs[0].text(None, 0, start)
    tail = fresh_range.paragraphs[-1].text(None, end, None)
    first_text, last_text = doc[first].text(), doc[last].text()
    if not (first_text.startswith(head) and last_text.endswith(tail)) or (
            first == last and len(head) + len(tail) > len(first_text)):
        return first, last, 0, 0  # the words around it were edited: the whole paragraphs
    return first, last, len(head), len(tail)


def _text_ranges(doc: list[Paragraph], places: list[tuple[int, int, int, int]]
                 ) -> list[Range]:
    """The ranges of `_match_range`'s places, each paragraph's pieces cut where a range
    begins or ends (all cuts first, so that no range's piece numbers move after it)."""
    for first, last, head, tail in places:
        doc[first].cut(head)
        doc[last].cut(len(doc[last].text()) - tail)
    ranges = []
    for first, last, head, tail in places:
        start = doc[first].cut(head)
        end = doc[last].cut(len(doc[last].text()) - tail)
        whole = head == 0 and tail == 0
        ranges.append(Range(doc[first:last + 1], None if whole else (start, end), first))
    return ranges


def _align(doc: list[str], fresh: list[str]) -> dict[int, int]:
    """Fresh paragraph index → document paragraph index: equal ones, then similar ones in
    the stretches between."""
    matcher = difflib.SequenceMatcher(None, fresh, doc, autojunk=False)
    pairs: dict[int, int] = {}
    for tag, f1, f2, d1, d2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update({f1 + k: d1 + k for k in range(f2 - f1)})
        elif tag == "replace":
            start = d1
            for f in range(f1, f2):
                for d in range(start, d2):
                    if difflib.SequenceMatcher(None, fresh[f], doc[d]).ratio() >= SIMILAR:
                        pairs[f] = d
                        start = d + 1
                        break
    return pairs
