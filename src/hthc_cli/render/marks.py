"""The map a rendered document carries: which workspace text each range of it came from.

A *mark* is one workspace text that reaches the document: its file (workspace-relative,
POSIX), its item id, its field (a dotted path: ``summary``, ``proposals.0``), its language
and the SHA-256 of its source string as loaded from YAML. In the .docx each mark is a
hidden bookmark around the text's runs, named by `mark_name`, and a custom document
property of the same name whose value is `encode_mark`'s. The name alone is enough to find
the text again: its first hash names the place, its second tells whether the text changed.

This module is the one definition of that naming, for render (which writes it) and for
review import (which reads it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hthc_cli.workspace.places import TextPlace, text_places, workspace_path

if TYPE_CHECKING:
    from lxml import etree

    from hthc_cli.workspace.model import Workspace

__all__ = [
    "Identity", "Mark", "MarkName", "TextPlace", "decode_mark", "encode_mark", "identity",
    "mark_name", "mark_of", "mark_spans", "marks_by_place", "parse_mark_name", "place_hash",
    "read_custom_properties", "text_places", "text_sha", "workspace_path",
]

PREFIX = "_hthc"
"""Every mark's bookmark name starts so; Word hides bookmarks whose name starts with '_'."""
MAX_NAME = 40
"""Word's longest bookmark name."""
MAX_VALUE = 255
"""The longest custom property value written; a longer mark is left to its bookmark."""

RESPONSE_PROPERTY = "hthc-response"
LANGUAGE_PROPERTY = "hthc-language"
REVISION_PROPERTY = "hthc-revision"
VERSION_PROPERTY = "hthc-version"

_NAME = re.compile(PREFIX + r"([0-9a-f]{10})_([0-9a-f]{8})(?:_([1-9][0-9]*))?\Z")

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
RT_CUSTOM = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
CUSTOM_PART = "/docProps/custom.xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
"""The format id every user-defined property carries."""


def text_sha(value: str) -> str:
    """The hex SHA-256 of a text's source string (UTF-8)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def place_hash(file: str, item: str, field: str, language: str) -> str:
    """The first 10 hex digits naming where a text lives, whatever it says."""
    key = f"{file}\0{item}\0{field}\0{language}".encode()
    return hashlib.sha256(key).hexdigest()[:10]


def mark_name(
    file: str, item: str, field: str, language: str, text_sha: str, occurrence: int = 1
) -> str:
    """The bookmark name of a mark: `_hthc<place>_<text>`, `_2`, `_3`… for a repeat."""
    name = f"{PREFIX}{place_hash(file, item, field, language)}_{text_sha[:8]}"
    return name if occurrence <= 1 else f"{name}_{occurrence}"


@dataclass(frozen=True, slots=True)
class MarkName:
    """What a bookmark name says by itself."""

    place: str
    """10 hex digits: `place_hash` of the text's file, item, field and language."""
    text: str
    """8 hex digits: the start of the text's SHA-256 when it was rendered."""
    occurrence: int
    """1 for the text's first range in the document, 2 for its second…"""


def parse_mark_name(name: str) -> MarkName | None:
    """The parts of a mark's bookmark name; None for any other bookmark."""
    match = _NAME.match(name)
    if match is None:
        return None
    return MarkName(match.group(1), match.group(2), int(match.group(3) or 1))


@dataclass(frozen=True, slots=True)
class Mark:
    """One workspace text that reaches the document."""

    file: str
    item: str
    field: str
    language: str
    sha256: str

    @property
    def place(self) -> str:
        return place_hash(self.file, self.item, self.field, self.language)

    def name(self, occurrence: int = 1) -> str:
        return mark_name(self.file, self.item, self.field, self.language, self.sha256, occurrence)

    def matches(self, name: MarkName) -> bool:
        """Whether a bookmark name is this text's place (its text may have changed)."""
        return name.place == self.place

    def unchanged(self, name: MarkName) -> bool:
        """Whether a bookmark name is this text's place and the text is as it was."""
        return name.place == self.place and self.sha256.startswith(name.text)


def encode_mark(mark: Mark) -> str:
    """A mark as a custom property value: `file|item|field|language|sha256`."""
    return "|".join((mark.file, mark.item, mark.field, mark.language, mark.sha256))


def decode_mark(value: str) -> Mark | None:
    """The mark a custom property value holds; None when it holds none.

    The file comes first and may itself hold '|', so the value is split from the right.
    """
    parts = value.rsplit("|", 4)
    if len(parts) != 5 or not re.fullmatch(r"[0-9a-f]{64}", parts[4]):
        return None
    if not all(parts[:4]):
        return None
    return Mark(*parts)


# -- the bookmarks of a document ---------------------------------------------------------------


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def mark_spans(root: etree._Element) -> dict[str, tuple[etree._Element, etree._Element]]:
    """Each mark's bookmark in a story (`w:document`, `w:footnotes`…): its first
    `w:bookmarkStart` and the last `w:bookmarkEnd` of any start of that name, in document
    order. A mark whose start or end is gone is left out.

    Taking the first start and the last end reads what LibreOffice 7.4 writes for a bookmark
    over several paragraphs: the start where it was, never ended, and a second start of the
    same name in the last paragraph, ended where the bookmark ended.
    """
    start_tag, end_tag, name_attr, id_attr = (
        f"{{{W_NS}}}bookmarkStart", f"{{{W_NS}}}bookmarkEnd", f"{{{W_NS}}}name", f"{{{W_NS}}}id"
    )
    starts: dict[str, etree._Element] = {}
    names: dict[str, str] = {}
    ends: dict[str, etree._Element] = {}
    for element in root.iter(start_tag, end_tag):
        if element.tag == start_tag:
            name = element.get(name_attr, "")
            if parse_mark_name(name) is None:
                continue
            starts.setdefault(name, element)
            names[element.get(id_attr, "")] = name
        else:
            name = names.get(element.get(id_attr, ""), "")
            if name:
                ends[name] = element
    return {name: (start, ends[name]) for name, start in starts.items() if name in ends}


# -- the document's custom properties ---------------------------------------------------------


def custom_properties_xml(properties: Sequence[tuple[str, str]]) -> bytes:
    """`docProps/custom.xml` holding each (name, text value) in order."""
    from xml.sax.saxutils import escape, quoteattr

    out = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">',
    ]
    for pid, (name, value) in enumerate(properties, start=2):
        out.append(
            f'<property fmtid="{_FMTID}" pid="{pid}" name={quoteattr(name)}>'
            f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        )
    out.append("</Properties>")
    return "".join(out).encode("utf-8")


def read_custom_properties(xml: bytes) -> dict[str, str]:
    """Every custom property of `docProps/custom.xml` with its value as text."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name")
        if name is None:
            continue
        found[name] = "".join(child.text or "" for child in prop)
    return found


@dataclass(frozen=True, slots=True)
class Identity:
    """What a document says of itself in its custom properties."""

    response: str | None
    language: str | None
    revision: str | None
    version: str | None
    marks: dict[str, Mark]
    """Bookmark name → mark."""


def identity(properties: Mapping[str, str]) -> Identity:
    """The document identity and the marks among a document's custom properties."""
    marks = {}
    for name, value in properties.items():
        if parse_mark_name(name) is None:
            continue
        mark = decode_mark(value)
        if mark is not None:
            marks[name] = mark
    return Identity(
        properties.get(RESPONSE_PROPERTY), properties.get(LANGUAGE_PROPERTY),
        properties.get(REVISION_PROPERTY), properties.get(VERSION_PROPERTY), marks,
    )


# -- every text of a workspace, by its place ---------------------------------------------------


def mark_of(place: TextPlace, language: str) -> Mark | None:
    """The mark of a text in `language` (a text without languages: the same in any); None
    when it has no text in that language."""
    value = place.text.get(language)
    if value is None:
        return None
    return Mark(place.file, place.item, place.field, language, text_sha(value))


def marks_by_place(ws: Workspace, languages: Sequence[str]) -> dict[str, Mark]:
    """The current mark of every text of the workspace in `languages`, by `place_hash`: what
    a bookmark name alone is looked up in when the document's custom properties are gone."""
    found: dict[str, Mark] = {}
    for place in text_places(ws):
        for language in languages:
            mark = mark_of(place, language)
            if mark is not None:
                found[mark.place] = mark
    return found
