"""The WordprocessingML that python-docx has no API for.

Paragraphs and runs, footnotes, bookmarks, hyperlinks, complex fields, list numbering, table
rows that repeat as a header, core properties and a reproducible zip. Element order inside
``w:pPr``, ``w:rPr``, ``w:tblPr`` and the other property containers follows the schema,
because Word refuses (or "repairs") files that LibreOffice accepts.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, cast

from lxml import etree

from hthc_cli.base.errors import RenderError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"

CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def w(tag: str) -> str:
    """The Clark name of a tag in the main WordprocessingML namespace."""
    return f"{{{W_NS}}}{tag}"


VAL = w("val")
ID = w("id")
TYPE = w("type")

# Child order of run properties, from the schema (CT_RPr); python-docx's class lacks w:lang.
RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
# What follows ``w:footnotePr`` in CT_Settings; python-docx's settings class does not model it.
AFTER_FOOTNOTE_PR = tuple(
    f"w:{name}"
    for name in (
        "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
        "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
        "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
    )
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold removed."""
    return _XML_INVALID.sub("", text)


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Append a new child element ``tag`` (a Clark name) to ``parent``."""
    return etree.SubElement(parent, tag, attrs) if attrs else etree.SubElement(parent, tag)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def child_in_order(
    parent: etree._Element, tag: str, order: Sequence[str], attrs: dict[str, str] | None = None
) -> etree._Element:
    """The ``w:tag`` child of ``parent``, created at its schema position when absent."""
    existing = parent.find(w(tag))
    if existing is not None:
        if attrs:
            for key, value in attrs.items():
                existing.set(key, value)
        return existing
    element = etree.Element(w(tag), attrs or {})
    positions = _positions(order)
    position = positions.get(tag, len(positions))
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and positions.get(_local(child), -1) > position:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


@lru_cache(maxsize=16)
def _positions(order: Sequence[str]) -> dict[str, int]:
    return {name: index for index, name in enumerate(order)}


# -- paragraphs and runs, as XML text ----------------------------------------------------------
# Content is written as XML text and parsed once per part (see ``parse_fragment``): creating
# hundreds of thousands of elements one by one through lxml costs several times more.

PARAGRAPH_CLOSE = "</w:p>"
HYPERLINK_CLOSE = "</w:hyperlink>"
TABLE_CLOSE = "</w:tbl>"
ROW_CLOSE = "</w:tr>"
CELL_CLOSE = "</w:tc>"


def xml_text(text: str) -> str:
    """``text`` escaped for XML content or a double-quoted attribute value."""
    return (
        _XML_INVALID.sub("", text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def parse_fragment(xml: str) -> list[etree._Element]:
    """Elements from WordprocessingML text (``w:`` and ``r:`` prefixes are declared)."""
    from docx.oxml.parser import parse_xml

    wrapper = parse_xml(f'<w:x xmlns:w="{W_NS}" xmlns:r="{R_NS}">{xml}</w:x>'.encode())
    return list(wrapper)


@dataclass(frozen=True)
class RunFormat:
    """Direct formatting of a run; the character style carries the rest."""

    style_id: str | None = None
    bold: bool = False
    italic: bool = False
    strike: bool = False
    size: int | None = None
    """Font size in half-points, when not the style's."""


PLAIN = RunFormat()


@lru_cache(maxsize=512)
def run_properties(fmt: RunFormat) -> str:
    """``w:rPr`` for ``fmt``, children in schema order (empty when there is nothing to say)."""
    parts = []
    if fmt.style_id:
        parts.append(f'<w:rStyle w:val="{xml_text(fmt.style_id)}"/>')
    if fmt.bold:
        parts.append("<w:b/><w:bCs/>")
    if fmt.italic:
        parts.append("<w:i/><w:iCs/>")
    if fmt.strike:
        parts.append("<w:strike/>")
    if fmt.size:
        parts.append(f'<w:sz w:val="{fmt.size}"/><w:szCs w:val="{fmt.size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(text: str, fmt: RunFormat = PLAIN) -> str:
    """A run holding ``text``; tabs become ``w:tab``."""
    body = xml_text(text)
    if "\t" in body:
        body = body.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    return f'<w:r>{run_properties(fmt)}<w:t xml:space="preserve">{body}</w:t></w:r>'


def line_break(fmt: RunFormat = PLAIN) -> str:
    """A run holding a line break."""
    return f"<w:r>{run_properties(fmt)}<w:br/></w:r>"


@dataclass(frozen=True)
class ParagraphFormat:
    """Paragraph properties the writer sets; the paragraph style carries the rest."""

    style_id: str | None = None
    page_break_before: bool = False
    numbering: tuple[int, int] | None = None
    bottom_border: bool = False
    space_before: int | None = None
    indent_left: int | None = None
    contextual_spacing: bool = False
    """No space between this paragraph and the next of the same style (lines of code)."""
    align: str | None = None


@lru_cache(maxsize=1024)
def paragraph_open(fmt: ParagraphFormat) -> str:
    """``<w:p>`` with its ``w:pPr``, children in schema order."""
    parts = []
    if fmt.style_id:
        parts.append(f'<w:pStyle w:val="{xml_text(fmt.style_id)}"/>')
    if fmt.page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if fmt.numbering:
        num_id, level = fmt.numbering
        parts.append(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    if fmt.bottom_border:
        parts.append(
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
        )
    if fmt.space_before is not None:
        parts.append(f'<w:spacing w:before="{fmt.space_before}"/>')
    if fmt.indent_left is not None:
        parts.append(f'<w:ind w:left="{fmt.indent_left}"/>')
    if fmt.contextual_spacing:
        parts.append("<w:contextualSpacing/>")
    if fmt.align:
        parts.append(f'<w:jc w:val="{fmt.align}"/>')
    return f"<w:p><w:pPr>{''.join(parts)}</w:pPr>" if parts else "<w:p>"


def marked_paragraph_open(fmt: ParagraphFormat, mark: str) -> str:
    """``paragraph_open`` whose paragraph mark carries ``mark`` (a tracked ``w:ins``/``w:del``)."""
    opened = paragraph_open(fmt)
    properties = f"<w:rPr>{mark}</w:rPr>"
    if opened.endswith("</w:pPr>"):
        return opened[: -len("</w:pPr>")] + properties + "</w:pPr>"
    return f"<w:p><w:pPr>{properties}</w:pPr>"


# -- tracked changes (ECMA-376 Part 1, 17.13.5) ----------------------------------------------


@dataclass(frozen=True)
class Revision:
    """Who made the tracked changes of a document, and when (``w:date``, ISO 8601 UTC)."""

    author: str
    date: str


def change_mark(kind: str, change_id: int, revision: Revision) -> str:
    """An empty ``w:ins`` or ``w:del``: the mark of a paragraph or a table row."""
    return (f'<w:{kind} w:id="{change_id}" w:author="{xml_text(revision.author)}" '
            f'w:date="{revision.date}"/>')


def change_open(kind: str, change_id: int, revision: Revision) -> str:
    """The opening ``w:ins`` or ``w:del`` around inserted or deleted runs."""
    return (f'<w:{kind} w:id="{change_id}" w:author="{xml_text(revision.author)}" '
            f'w:date="{revision.date}">')


def deleted(runs: str) -> str:
    """Runs as deleted text: ``w:t`` becomes ``w:delText``."""
    return runs.replace("<w:t ", "<w:delText ").replace("</w:t>", "</w:delText>")


def field(instruction: str, placeholder: str, fmt: RunFormat = PLAIN) -> str:
    """A complex field: ``fldChar`` begin, ``instrText``, separate, a result, end."""
    props = run_properties(fmt)
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {xml_text(instruction)} </w:instrText>'
        f'</w:r><w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(placeholder, fmt)}"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


_PAGE_PLACEHOLDER = re.compile(r"(\{page\}|\{pages\})")


def page_label(label: str, fmt: RunFormat = PLAIN) -> str:
    """``label`` with ``{page}`` and ``{pages}`` as live PAGE and NUMPAGES fields."""
    pieces = []
    for piece in _PAGE_PLACEHOLDER.split(label):
        if piece == "{page}":
            pieces.append(field("PAGE", "1", fmt))
        elif piece == "{pages}":
            pieces.append(field("NUMPAGES", "1", fmt))
        elif piece:
            pieces.append(run(piece, fmt))
    return "".join(pieces)


# -- hyperlinks and relationships ------------------------------------------------------------


class Relations:
    """Adds relationships to one part, numbering rIds without rescanning the collection."""

    def __init__(self, part: Any) -> None:
        self._part = part
        self._external: dict[str, str] = {}
        numbers = [int(m.group(1)) for m in map(re.compile(r"rId(\d+)$").match, part.rels) if m]
        self._next = max(numbers, default=0) + 1

    def external(self, url: str, reltype: str = RT_HYPERLINK) -> str:
        """The rId of an external relationship to ``url``, added once per URL."""
        rid = self._external.get(url)
        if rid is None:
            rid = f"rId{self._next}"
            while rid in self._part.rels:
                self._next += 1
                rid = f"rId{self._next}"
            self._next += 1
            self._part.rels.add_relationship(reltype, url, rid, is_external=True)
            self._external[url] = rid
        return rid


def external_hyperlink(rid: str) -> str:
    """The opening ``<w:hyperlink r:id=…>``; runs go inside it."""
    return f'<w:hyperlink r:id="{xml_text(rid)}" w:history="1">'


def internal_hyperlink(bookmark: str) -> str:
    """The opening ``<w:hyperlink w:anchor=…>`` pointing at a bookmark."""
    return f'<w:hyperlink w:anchor="{xml_text(bookmark)}" w:history="1">'


# -- bookmarks -------------------------------------------------------------------------------

_BOOKMARK_PREFIX = "_hthc_"
_BOOKMARK_MAX = 40


def bookmark_name(anchor: str) -> str:
    """A bookmark name Word accepts for ``anchor``: ``SSK-2024-DIGI`` -> ``_hthc_SSK_2024_DIGI``.

    Names are at most 40 characters of ``[A-Za-z0-9_]``; a leading underscore keeps them out of
    Word's bookmark list. Longer ones keep a readable start and end in a hash of the anchor.
    """
    name = _BOOKMARK_PREFIX + re.sub(r"[^A-Za-z0-9_]", "_", anchor)
    if len(name) <= _BOOKMARK_MAX:
        return name
    return _hashed_name(anchor, name)


def _hashed_name(anchor: str, readable: str) -> str:
    digest = hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:12]
    return readable[: _BOOKMARK_MAX - len(digest) - 1] + "_" + digest


class Bookmarks:
    """Bookmark names for a document's anchors and unique numeric ids for their elements."""

    def __init__(self, anchors: Iterable[str], first_id: int = 0) -> None:
        self._names: dict[str, str] = {}
        taken: set[str] = set()
        for anchor in anchors:
            if anchor in self._names:
                continue
            name = bookmark_name(anchor)
            if name in taken:
                name = _hashed_name(anchor, name)
            taken.add(name)
            self._names[anchor] = name
        self._placed: set[str] = set()
        self._next_id = first_id

    def name(self, anchor: str) -> str | None:
        """The bookmark name of ``anchor``, or None when the document has no such anchor."""
        return self._names.get(anchor)

    def start(self, anchor: str) -> tuple[int, str] | None:
        """The id and ``w:bookmarkStart`` for ``anchor``; None when it was placed already."""
        name = self._names.get(anchor)
        if name is None or anchor in self._placed:
            return None
        self._placed.add(anchor)
        bookmark_id = self._next_id
        self._next_id += 1
        return bookmark_id, f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{name}"/>'

    def new_id(self) -> int:
        """A bookmark id no other bookmark of the document has."""
        bookmark_id = self._next_id
        self._next_id += 1
        return bookmark_id

    @staticmethod
    def end(bookmark_id: int) -> str:
        """The ``w:bookmarkEnd`` matching a start."""
        return f'<w:bookmarkEnd w:id="{bookmark_id}"/>'


def max_bookmark_id(elements: Iterable[etree._Element]) -> int:
    """The highest bookmark id already used in ``elements`` (-1 when none)."""
    highest = -1
    for element in elements:
        for start in element.iter(w("bookmarkStart")):
            value = start.get(ID, "")
            if value.lstrip("-").isdigit():
                highest = max(highest, int(value))
    return highest


# -- footnotes -------------------------------------------------------------------------------

_SEPARATOR_TYPES = ("separator", "continuationSeparator", "continuationNotice")


class Footnotes:
    """The footnotes part: Word's separator notes (ids -1 and 0), then one note per reference."""

    def __init__(self, part: Any, root: etree._Element, next_id: int) -> None:
        self.part = part
        self.relations = Relations(part)
        self._root = root
        self._next_id = next_id
        self._pending: list[str] = []

    @classmethod
    def attach(cls, document_part: Any, settings: etree._Element) -> Footnotes:
        """Reuse the document's footnotes part (dropping its notes) or create one."""
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml.parser import parse_xml

        root: etree._Element | None = None
        partname = PackURI("/word/footnotes.xml")
        for rid, rel in list(document_part.rels.items()):
            if rel.reltype != RT_FOOTNOTES or rel.is_external:
                continue
            old = rel.target_part
            partname = old.partname
            root = old.element if isinstance(old, XmlPart) else parse_xml(old.blob)
            document_part.rels.pop(rid)
            document_part.rels.related_parts.pop(rid, None)
        if root is None or root.tag != w("footnotes"):
            root = parse_xml(f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}"/>'.encode())
        for note in root.findall(w("footnote")):
            if note.get(TYPE) not in _SEPARATOR_TYPES:
                root.remove(note)
        if not root.findall(w("footnote")):
            _add_separators(root)
            footnote_pr = settings.find(w("footnotePr"))
            if footnote_pr is None:
                footnote_pr = etree.Element(w("footnotePr"))
                cast(Any, settings).insert_element_before(footnote_pr, *AFTER_FOOTNOTE_PR)
            if footnote_pr.find(w("footnote")) is None:
                for note_id in ("-1", "0"):
                    sub(footnote_pr, w("footnote"), {ID: note_id})
        ids = [int(n.get(ID, "0")) for n in root.findall(w("footnote"))]
        part = XmlPart(partname, CT_FOOTNOTES, cast(Any, root), document_part.package)
        document_part.relate_to(part, RT_FOOTNOTES)
        return cls(part, root, max(ids, default=0) + 1)

    def new_id(self) -> int:
        """The id of the next footnote."""
        note_id = self._next_id
        self._next_id += 1
        return note_id

    def add(self, note_id: int, content: str) -> None:
        """Add footnote ``note_id`` whose paragraphs are the XML text ``content``."""
        self._pending.append(f'<w:footnote w:id="{note_id}">{content}</w:footnote>')

    def flush(self) -> None:
        """Parse the added footnotes into the part."""
        if self._pending:
            self._root.extend(parse_fragment("".join(self._pending)))
            self._pending.clear()


def _add_separators(root: etree._Element) -> None:
    for note_id, kind in (("-1", "separator"), ("0", "continuationSeparator")):
        note = sub(root, w("footnote"), {TYPE: kind, ID: note_id})
        paragraph = sub(note, w("p"))
        ppr = sub(paragraph, w("pPr"))
        sub(ppr, w("spacing"), {w("after"): "0", w("line"): "240", w("lineRule"): "auto"})
        sub(sub(paragraph, w("r")), w(kind))


def footnote_reference(note_id: int, style_id: str) -> str:
    """The superscript reference run to footnote ``note_id``."""
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{xml_text(style_id)}"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def footnote_mark(style_id: str) -> str:
    """The note's own number (``w:footnoteRef``) and a space, as Word starts a note."""
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{xml_text(style_id)}"/></w:rPr><w:footnoteRef/></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
    )


# -- headers --------------------------------------------------------------------------------


def draft_mark(style_id: str, text: str) -> str:
    """A header paragraph showing ``text`` as a draft marking: centred, bold, red, spaced."""
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{xml_text(style_id)}"/><w:jc w:val="center"/></w:pPr>'
        '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="C00000"/><w:spacing w:val="40"/>'
        '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        f'<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'
    )


# -- numbering -------------------------------------------------------------------------------

_LEVELS = 9
_BULLETS = ("\u2022", "\u25e6", "\u25aa")
LIST_INDENT = 360
"""Twips of indentation per list level (and of the hanging number)."""


def list_indent(level: int) -> int:
    """The left indent in twips of list text at ``level`` (0-based)."""
    return LIST_INDENT * (level + 2)


class Numbering:
    """List definitions: one bullet and one decimal abstractNum, one ``w:num`` per list."""

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        abstract_ids = [int(a.get(w("abstractNumId"), "0")) for a in root.iter(w("abstractNum"))]
        num_ids = [int(n.get(w("numId"), "0")) for n in root.iter(w("num"))]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self._abstract: dict[bool, int] = {}
        self._cleanup = root.find(w("numIdMacAtCleanup"))

    @classmethod
    def attach(cls, document_part: Any, clear: bool = False) -> Numbering:
        """Use the document's numbering part (emptied when ``clear``) or create one."""
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml.parser import parse_xml

        for rel in document_part.rels.values():
            if rel.reltype == RT_NUMBERING and not rel.is_external:
                root: etree._Element = rel.target_part.element
                if clear:
                    for child in list(root):
                        root.remove(child)
                return cls(root)
        root = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>'.encode())
        part = XmlPart(
            PackURI("/word/numbering.xml"), CT_NUMBERING, cast(Any, root), document_part.package
        )
        document_part.relate_to(part, RT_NUMBERING)
        return cls(root)

    def new_list(self, ordered: bool, level: int, start: int = 1) -> int:
        """A new ``w:num`` for one list, whose ``level`` restarts at ``start``."""
        abstract_id = self._abstract.get(ordered)
        if abstract_id is None:
            abstract_id = self._add_abstract(ordered)
            self._abstract[ordered] = abstract_id
        from docx.oxml.numbering import CT_Num

        num_id = self._next_num
        self._next_num += 1
        num: Any = cast(Any, CT_Num).new(num_id, abstract_id)
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
        # CT_Numbering.add_num would rescan every w:num for the next id: quadratic in lists.
        if self._cleanup is not None:
            self._cleanup.addprevious(num)
        else:
            self._root.append(num)
        return num_id

    def _add_abstract(self, ordered: bool) -> int:
        abstract_id = self._next_abstract
        self._next_abstract += 1
        abstract = etree.Element(w("abstractNum"), {w("abstractNumId"): str(abstract_id)})
        sub(abstract, w("nsid"), {VAL: f"{0x48544800 + abstract_id:08X}"})
        sub(abstract, w("multiLevelType"), {VAL: "multilevel"})
        for level in range(_LEVELS):
            lvl = sub(abstract, w("lvl"), {w("ilvl"): str(level)})
            sub(lvl, w("start"), {VAL: "1"})
            if ordered:
                sub(lvl, w("numFmt"), {VAL: "decimal"})
                sub(lvl, w("lvlText"), {VAL: f"%{level + 1}."})
            else:
                sub(lvl, w("numFmt"), {VAL: "bullet"})
                sub(lvl, w("lvlText"), {VAL: _BULLETS[level % len(_BULLETS)]})
            sub(lvl, w("lvlJc"), {VAL: "left"})
            ppr = sub(lvl, w("pPr"))
            sub(
                ppr,
                w("ind"),
                {w("left"): str(list_indent(level)), w("hanging"): str(LIST_INDENT)},
            )
        existing = self._root.findall(w("abstractNum"))
        if existing:
            existing[-1].addnext(abstract)
        else:
            pictures = self._root.findall(w("numPicBullet"))
            if pictures:
                pictures[-1].addnext(abstract)
            else:
                self._root.insert(0, abstract)
        return abstract_id


# -- tables ----------------------------------------------------------------------------------


def table_open(style_id: str, widths: Sequence[int], cell_margin: int | None = None) -> str:
    """A full-width ``w:tbl`` with its properties and a grid of ``widths`` (twips).

    ``cell_margin`` (twips, left and right) replaces the style's margins; the table is then
    exactly as wide as its grid, laid out fixed.
    """
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    if cell_margin is None:
        size = '<w:tblW w:w="5000" w:type="pct"/>'
    else:
        size = (
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="{cell_margin}" w:type="dxa"/>'
            f'<w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>'
        )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{xml_text(style_id)}"/>{size}'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )


def row_open(header: bool = False, mark: str = "") -> str:
    """A ``w:tr``; a header row repeats at the top of every page (``w:tblHeader``); ``mark``
    is a tracked ``w:ins``/``w:del`` of the whole row."""
    if header:
        return f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/>{mark}</w:trPr>"
    return f"<w:tr><w:trPr>{mark}</w:trPr>" if mark else "<w:tr>"


def cell_open(width: int) -> str:
    """A ``w:tc`` of ``width`` twips; it must end with a paragraph."""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'


# -- package ---------------------------------------------------------------------------------


_CORE_TEXT_LIMIT = 255
"""python-docx refuses longer core properties; Word shows them in one line anyway."""


def set_core_properties(
    package: Any,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: Sequence[str],
    language: str,
    when: date,
) -> None:
    """Replace the core properties; created and modified are ``when``, never the clock."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    properties = package.core_properties
    # The template's own values (lastPrinted, category, …) go.
    element = package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES).element
    for child in list(element):
        element.remove(child)
    stamp = datetime(when.year, when.month, when.day)
    properties.title = _core_text(title)
    properties.subject = _core_text(subject)
    properties.author = _core_text(author)
    properties.keywords = _core_text(", ".join(keywords))
    properties.language = _core_text(language)
    properties.last_modified_by = _core_text(author)
    properties.revision = 1
    properties.created = stamp
    properties.modified = stamp


def set_custom_properties(package: Any, properties: Sequence[tuple[str, str]]) -> None:
    """Write `properties` (name, text) into the package's custom properties, after the
    reference document's own; one of theirs with the same name gives way."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from hthc_cli.render.marks import CT_CUSTOM, CUSTOM_PART, RT_CUSTOM, custom_properties_xml

    ours = custom_properties_xml(properties)
    existing = next(
        (rel.target_part for rel in package.rels.values()
         if rel.reltype == RT_CUSTOM and not rel.is_external), None
    )
    if existing is None:
        package.relate_to(Part(PackURI(CUSTOM_PART), CT_CUSTOM, ours, package), RT_CUSTOM)
        return
    root = etree.fromstring(existing.blob, etree.XMLParser(resolve_entities=False))
    names = {name for name, _ in properties}
    for prop in list(root):
        if prop.get("name") in names:
            root.remove(prop)
    root.extend(etree.fromstring(ours))
    for pid, prop in enumerate(root, start=2):
        prop.set("pid", str(pid))
    existing._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)


def _core_text(value: str) -> str:
    value = clean_text(value)
    if len(value) <= _CORE_TEXT_LIMIT:
        return value
    return value[: _CORE_TEXT_LIMIT - 1] + "\u2026"


def drop_relationships(source: Any, reltypes: Iterable[str]) -> None:
    """Remove ``source``'s relationships of the given types (their parts go with them)."""
    wanted = set(reltypes)
    for rid, rel in list(source.rels.items()):
        if rel.reltype in wanted:
            source.rels.pop(rid)
            source.rels.related_parts.pop(rid, None)


def zip_timestamp(default: date) -> tuple[int, int, int, int, int, int]:
    """Zip entry time: ``SOURCE_DATE_EPOCH`` when set, else midnight of ``default``."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            moment = datetime.fromtimestamp(int(raw), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise RenderError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970"
            ) from None
    else:
        moment = datetime(default.year, default.month, default.day, tzinfo=UTC)
    moment = max(moment, datetime(1980, 1, 1, tzinfo=UTC))
    moment = min(moment, datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _iter_parts(package: Any) -> Iterator[Any]:
    seen: set[int] = set()
    stack = [package]
    while stack:
        source = stack.pop()
        for rel in source.rels.values():
            if rel.is_external:
                continue
            part = rel.target_part
            if id(part) in seen:
                continue
            seen.add(id(part))
            yield part
            stack.append(part)


def _content_types(parts: Sequence[Any]) -> bytes:
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.spec import default_content_types

    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    defaults = {"rels": CONTENT_TYPE.OPC_RELATIONSHIPS, "xml": CONTENT_TYPE.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext.lower()] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    root = etree.fromstring(f'<Types xmlns="{ns}"/>'.encode())
    for ext in sorted(defaults):
        etree.SubElement(root, f"{{{ns}}}Default", Extension=ext, ContentType=defaults[ext])
    for name in sorted(overrides):
        etree.SubElement(root, f"{{{ns}}}Override", PartName=name, ContentType=overrides[name])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_BODY_MARK = "hthcBodyContent"


def document_xml(root: etree._Element, content: list[bytes]) -> list[bytes] | None:
    """The main part's XML, as chunks, with ``content`` (UTF-8 XML) at the start of its body.

    Parsing a large body and moving it into the document costs time quadratic in the size of
    a table (lxml re-homes every node), so the text is spliced into the serialised part; it
    stays in chunks, so that a long body is never copied whole. None when the part does not
    bind ``w:`` and ``r:`` as ``content`` uses them.
    """
    body = root.find(w("body"))
    nsmap = root.nsmap
    if body is None or nsmap.get("w") != W_NS or nsmap.get("r") != R_NS:
        return None
    mark = etree.Element(w(_BODY_MARK))
    body.insert(0, mark)
    try:
        xml = etree.tostring(root, encoding="UTF-8", standalone=True)
    finally:
        body.remove(mark)
    head, found, tail = xml.partition(f"<w:{_BODY_MARK}/>".encode())
    if not found or _BODY_MARK.encode() in tail:
        return None
    return [head, *content, tail]


def save_package(
    package: Any,
    timestamp: tuple[int, int, int, int, int, int],
    blobs: Mapping[str, list[bytes]] | None = None,
) -> bytes:
    """The package as .docx bytes: fixed entry order and times, so equal input gives equal bytes.

    ``blobs`` gives the content of parts by part name, in place of their own, as chunks that
    are compressed one after the other (a long body is never joined into one string).
    """
    blobs = blobs or {}
    parts = sorted(_iter_parts(package), key=lambda part: str(part.partname))
    entries: list[tuple[str, list[bytes]]] = [
        ("[Content_Types].xml", [_content_types(parts)]),
        ("_rels/.rels", [_as_bytes(package.rels.xml)]),
    ]
    for part in parts:
        name = str(part.partname)
        blob = [_APP_XML] if name == "/docProps/app.xml" else blobs.get(name) or [part.blob]
        entries.append((part.partname.membername, blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, [_as_bytes(part.rels.xml)]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compresslevel=6) as archive:
        for name, chunks in entries:
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            with archive.open(info, "w") as member:
                for index, chunk in enumerate(chunks):
                    member.write(chunk)
                    chunks[index] = b""  # written: let it go
    return buffer.getvalue()


_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>hthc</Application></Properties>'
)
"""The template's app.xml names another program and counts another document's pages."""


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data
