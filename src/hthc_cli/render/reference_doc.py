"""The reference document: styles, page setup, headers and footers, like pandoc's --reference-doc.

The built-in one is made in code from python-docx's default template (A4, Calibri 11 pt, sober
headings, the custom styles the templates use, a "page X of Y" footer). A user's document
gives its own styles, page setup, headers and footers; its body is discarded, and any style
the rendering needs that it lacks is added as the built-in one has it, so a letterhead never
costs the table or quote formatting. When no header or footer of it shows a page number,
"page X of Y" is added to its footer.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from hthc_cli.base.errors import RenderError
from hthc_cli.render import ooxml
from hthc_cli.render.ooxml import VAL, W_NS, w

RT_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_CUSTOM_XML = RT_BASE + "customXml"
# LibreOffice's name for the core properties; python-docx would add a second core.xml.
_LEGACY_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)

# Relationships of body content; they are dropped with the reference document's body.
_BODY_RELTYPES = frozenset(
    RT_BASE + name
    for name in (
        "image",
        "hyperlink",
        "oleObject",
        "package",
        "chart",
        "comments",
        "diagramData",
        "diagramLayout",
        "diagramQuickStyle",
        "diagramColors",
        "video",
        "audio",
    )
)

A4_WIDTH, A4_HEIGHT = 11906, 16838
_MARGIN = 1418
_DEFAULT_TEXT_WIDTH = A4_WIDTH - 2 * _MARGIN

_ACCENT = "1F3864"
_GREY = "595959"
_FONT = "Calibri"
_CODE_FONT = "Consolas"


@dataclass(frozen=True)
class StyleSpec:
    """A style the renderer relies on, as added to a reference document that lacks it."""

    name: str
    kind: str
    style_id: str
    based_on: str | None = None
    next: str | None = None
    ppr: str = ""
    rpr: str = ""
    tblpr: str = ""
    table_first_row: str = ""
    ui_priority: int | None = None
    quick: bool = False
    semi_hidden: bool = False
    custom: bool = False


def _heading(level: int, before: int, after: int, size: int, extra: str = "") -> StyleSpec:
    return StyleSpec(
        f"heading {level}",
        "paragraph",
        f"Heading{level}",
        based_on="Normal",
        next="Body Text",
        ppr=f'<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="{after}"/>'
        f'<w:outlineLvl w:val="{level - 1}"/>',
        rpr=f'{extra}<w:color w:val="{_ACCENT}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
        ui_priority=9,
        quick=True,
    )


_BOLD = "<w:b/><w:bCs/>"
_SMALL = '<w:sz w:val="18"/><w:szCs w:val="18"/>'
_CODE = (
    f'<w:rFonts w:ascii="{_CODE_FONT}" w:hAnsi="{_CODE_FONT}" w:cs="{_CODE_FONT}"/>'
    '<w:sz w:val="20"/><w:szCs w:val="20"/>'
)
_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"'

STYLE_SPECS: tuple[StyleSpec, ...] = (
    StyleSpec(
        "Body Text",
        "paragraph",
        "BodyText",
        based_on="Normal",
        ppr='<w:spacing w:after="160"/>',
        ui_priority=1,
        quick=True,
    ),
    StyleSpec(
        "Title",
        "paragraph",
        "Title",
        based_on="Normal",
        next="Body Text",
        ppr='<w:keepNext/><w:spacing w:before="120" w:after="120"/>',
        rpr=f'{_BOLD}<w:color w:val="{_ACCENT}"/><w:kern w:val="28"/>'
        '<w:sz w:val="40"/><w:szCs w:val="40"/>',
        ui_priority=10,
        quick=True,
    ),
    StyleSpec(
        "Subtitle",
        "paragraph",
        "Subtitle",
        based_on="Normal",
        next="Body Text",
        ppr='<w:keepNext/><w:spacing w:after="240"/>',
        rpr=f'<w:color w:val="{_GREY}"/><w:sz w:val="28"/><w:szCs w:val="28"/>',
        ui_priority=11,
        quick=True,
    ),
    _heading(1, 360, 120, 32, _BOLD),
    _heading(2, 280, 80, 26, _BOLD),
    _heading(3, 200, 60, 22, _BOLD),
    _heading(4, 160, 40, 22, _BOLD + "<w:i/><w:iCs/>"),
    _heading(5, 160, 40, 22, "<w:i/><w:iCs/>"),
    _heading(6, 160, 40, 20, "<w:i/><w:iCs/>"),
    StyleSpec(
        "Quote",
        "paragraph",
        "Quote",
        based_on="Normal",
        next="Body Text",
        ppr='<w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="A6A6A6"/></w:pBdr>'
        '<w:spacing w:before="120" w:after="160"/><w:ind w:left="284" w:right="284"/>',
        rpr='<w:i/><w:iCs/><w:color w:val="404040"/>',
        ui_priority=29,
        quick=True,
    ),
    StyleSpec(
        "List Paragraph",
        "paragraph",
        "ListParagraph",
        based_on="Normal",
        ppr='<w:spacing w:after="160"/><w:ind w:left="720"/><w:contextualSpacing/>',
        ui_priority=34,
        quick=True,
    ),
    StyleSpec(
        "footnote text",
        "paragraph",
        "FootnoteText",
        based_on="Normal",
        ppr='<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
        rpr=_SMALL,
        ui_priority=99,
        semi_hidden=True,
    ),
    StyleSpec(
        "footnote reference",
        "character",
        "FootnoteReference",
        based_on="Default Paragraph Font",
        rpr='<w:vertAlign w:val="superscript"/>',
        ui_priority=99,
        semi_hidden=True,
    ),
    StyleSpec(
        "Hyperlink",
        "character",
        "Hyperlink",
        based_on="Default Paragraph Font",
        rpr='<w:color w:val="0563C1"/><w:u w:val="single"/>',
        ui_priority=99,
    ),
    StyleSpec(
        "header",
        "paragraph",
        "Header",
        based_on="Normal",
        ppr='<w:tabs><w:tab w:val="center" w:pos="4535"/><w:tab w:val="right" w:pos="9070"/>'
        '</w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=f'<w:color w:val="{_GREY}"/>{_SMALL}',
        ui_priority=99,
        semi_hidden=True,
    ),
    StyleSpec(
        "footer",
        "paragraph",
        "Footer",
        based_on="Normal",
        ppr='<w:tabs><w:tab w:val="center" w:pos="4535"/><w:tab w:val="right" w:pos="9070"/>'
        '</w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=f'<w:color w:val="{_GREY}"/>{_SMALL}',
        ui_priority=99,
        semi_hidden=True,
    ),
    StyleSpec(
        "Table Grid",
        "table",
        "TableGrid",
        based_on="Normal Table",
        ppr='<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        tblpr=f"<w:tblBorders><w:top {_BORDER}/><w:left {_BORDER}/><w:bottom {_BORDER}/>"
        f"<w:right {_BORDER}/><w:insideH {_BORDER}/><w:insideV {_BORDER}/></w:tblBorders>"
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>',
        table_first_row=f"<w:rPr>{_BOLD}</w:rPr>"
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E7ECF5"/></w:tcPr>',
        ui_priority=59,
    ),
    StyleSpec(
        "Source Code",
        "paragraph",
        "SourceCode",
        based_on="Normal",
        ppr='<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
        '<w:spacing w:after="160" w:line="240" w:lineRule="auto"/>',
        rpr=_CODE,
        custom=True,
    ),
    StyleSpec("Verbatim Char", "character", "VerbatimChar", rpr=_CODE, custom=True),
    StyleSpec(
        "Letterhead",
        "paragraph",
        "Letterhead",
        based_on="Normal",
        ppr='<w:spacing w:after="0"/><w:jc w:val="right"/>',
        rpr=f'{_BOLD}<w:color w:val="{_ACCENT}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Address Block",
        "paragraph",
        "AddressBlock",
        based_on="Normal",
        ppr='<w:spacing w:after="0"/>',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Meta",
        "paragraph",
        "Meta",
        based_on="Normal",
        ppr='<w:spacing w:after="0"/>',
        rpr=f'<w:color w:val="{_GREY}"/>{_SMALL}',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Summary",
        "paragraph",
        "Summary",
        based_on="Body Text",
        ppr=f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{_ACCENT}"/>'
        '</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="EEF2F8"/>'
        '<w:spacing w:after="120"/><w:ind w:left="227" w:right="113"/>',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Signature",
        "paragraph",
        "Signature",
        based_on="Normal",
        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="0"/>',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Stance Line",
        "paragraph",
        "StanceLine",
        based_on="Body Text",
        ppr='<w:keepNext/><w:spacing w:before="0" w:after="120"/>',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Source Note",
        "paragraph",
        "SourceNote",
        based_on="Normal",
        ppr='<w:spacing w:before="0" w:after="200"/>',
        rpr=f'<w:color w:val="{_GREY}"/>{_SMALL}',
        quick=True,
        custom=True,
    ),
    StyleSpec(
        "Stance",
        "character",
        "Stance",
        based_on="Default Paragraph Font",
        rpr=f'{_BOLD}<w:color w:val="{_ACCENT}"/>',
        quick=True,
        custom=True,
    ),
)
ON_DEMAND_SPECS: tuple[StyleSpec, ...] = (
    StyleSpec(
        "annotation text",
        "paragraph",
        "CommentText",
        based_on="Normal",
        rpr='<w:sz w:val="20"/><w:szCs w:val="20"/>',
        ui_priority=99,
        semi_hidden=True,
    ),
    StyleSpec(
        "annotation reference",
        "character",
        "CommentReference",
        based_on="Default Paragraph Font",
        rpr='<w:sz w:val="16"/><w:szCs w:val="16"/>',
        ui_priority=99,
        semi_hidden=True,
    ),
)
"""Styles added only to a document that uses them: those of review comments."""
_SPECS = {(spec.kind, spec.name.lower()): spec for spec in (*STYLE_SPECS, *ON_DEMAND_SPECS)}
_KEPT_FROM_TEMPLATE = frozenset({"normal", "default paragraph font", "normal table", "no list"})


def _fragment(xml: str) -> list[etree._Element]:
    from docx.oxml.parser import parse_xml

    return list(parse_xml(f'<w:x xmlns:w="{W_NS}">{xml}</w:x>'))


class StyleSheet:
    """Style ids by name (case-insensitive, per style type), adding a missing style on demand."""

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        self._ids: set[str] = set()
        self._by_name: dict[tuple[str, str], str] = {}
        self._defaults: dict[str, str] = {}
        for style in root.iter(w("style")):
            self._index(style)
        self._drop_dangling_references()

    def _index(self, style: etree._Element) -> None:
        style_id = style.get(w("styleId"), "")
        kind = style.get(w("type"), "paragraph")
        name_element = style.find(w("name"))
        name = name_element.get(VAL, style_id) if name_element is not None else style_id
        self._ids.add(style_id)
        self._by_name.setdefault((kind, name.lower()), style_id)
        if style.get(w("default")) in ("1", "true", "on"):
            self._defaults.setdefault(kind, style_id)

    def _drop_dangling_references(self) -> None:
        """Remove basedOn/next/link pointing at styles the document does not define."""
        for style in self._root.iter(w("style")):
            for tag in ("basedOn", "next", "link"):
                reference = style.find(w(tag))
                if reference is not None and reference.get(VAL) not in self._ids:
                    style.remove(reference)

    def has(self, name: str, kind: str) -> bool:
        """Whether the document defines the ``kind`` style called ``name``."""
        return (kind, name.lower()) in self._by_name

    def paragraph(self, name: str) -> str:
        """The id of paragraph style ``name``."""
        return self.resolve(name, "paragraph")

    def character(self, name: str) -> str:
        """The id of character style ``name``."""
        return self.resolve(name, "character")

    def table(self, name: str) -> str:
        """The id of table style ``name``."""
        return self.resolve(name, "table")

    def resolve(self, name: str, kind: str) -> str:
        """The id of the ``kind`` style called ``name``, added to the document when missing."""
        key = (kind, name.lower())
        found = self._by_name.get(key)
        if found is not None:
            return found
        base = {"paragraph": "Normal", "character": "Default Paragraph Font"}.get(kind)
        if name.lower() in ("normal", "default paragraph font", "normal table"):
            default = self._defaults.get(kind)
            if default is not None:
                self._by_name[key] = default
                return default
            base = None
        spec = _SPECS.get(key) or StyleSpec(name, kind, name, based_on=base, custom=True)
        if any(k != kind and n == key[1] for k, n in self._by_name):
            spec = replace(spec, name=f"{name} ({kind})", custom=True)
        style_id = self._add(spec)
        self._by_name[key] = style_id
        return style_id

    def _add(self, spec: StyleSpec) -> str:
        style_id = re.sub(r"[^A-Za-z0-9]", "", spec.style_id) or "Style"
        candidate, number = style_id, 1
        while candidate in self._ids:
            number += 1
            candidate = f"{style_id}{number}"
        style_id = candidate
        self._ids.add(style_id)
        based_on = self.resolve(spec.based_on, spec.kind) if spec.based_on else None
        following = self.resolve(spec.next, spec.kind) if spec.next else None

        style = etree.Element(w("style"), {w("type"): spec.kind, w("styleId"): style_id})
        if spec.custom:
            style.set(w("customStyle"), "1")
        ooxml.sub(style, w("name"), {VAL: spec.name})
        if based_on:
            ooxml.sub(style, w("basedOn"), {VAL: based_on})
        if following:
            ooxml.sub(style, w("next"), {VAL: following})
        if spec.ui_priority is not None:
            ooxml.sub(style, w("uiPriority"), {VAL: str(spec.ui_priority)})
        if spec.semi_hidden:
            ooxml.sub(style, w("semiHidden"))
            ooxml.sub(style, w("unhideWhenUsed"))
        if spec.quick:
            ooxml.sub(style, w("qFormat"))
        for tag, content in (("pPr", spec.ppr), ("rPr", spec.rpr), ("tblPr", spec.tblpr)):
            if content:
                container = ooxml.sub(style, w(tag))
                container.extend(_fragment(content))
        if spec.table_first_row:
            first_row = ooxml.sub(style, w("tblStylePr"), {w("type"): "firstRow"})
            first_row.extend(_fragment(spec.table_first_row))
        self._root.append(style)
        return style_id

    def install(self, specs: Iterable[StyleSpec]) -> None:
        """Add every spec whose style is missing."""
        for spec in specs:
            self.resolve(spec.name, spec.kind)


@dataclass
class Reference:
    """A reference document with its body emptied, ready to receive content."""

    document: Any
    styles: StyleSheet
    text_width: int
    builtin: bool


@dataclass(frozen=True, slots=True)
class ReferenceFeatures:
    """What a reference document brings to the page of its own (the built-in one: nothing)."""

    header: bool = False
    first_page_header: bool = False
    footer: bool = False
    page_numbers: bool = False
    """A PAGE field in one of its headers or footers."""

    def as_context(self) -> dict[str, bool]:
        """The template's ``reference``."""
        return {
            "header": self.header,
            "first_page_header": self.first_page_header,
            "footer": self.footer,
            "page_numbers": self.page_numbers,
        }


def reference_features(path: Path | None) -> ReferenceFeatures:
    """What the reference document at ``path`` (None: the built-in one) brings of its own."""
    if path is None:
        return ReferenceFeatures()
    return _features(_open(path))


def load_reference(
    path: Path | None, *, page_label: str, language: str, page_numbers: bool = True
) -> Reference:
    """The built-in reference (``path`` None) or the user's, with body removed and styles ready.

    Unless ``page_numbers`` is false, ``page_label`` ("Side {page} af {pages}") is added to
    the footer when no header or footer of the reference shows a page number.
    """
    import docx

    if path is None:
        document = docx.Document()
        _prepare_builtin(document)
    else:
        document = _open(path)
        _clear_body(document)
        _mend(document)
    styles_root = document.styles.element
    _set_language(styles_root, language)
    styles = StyleSheet(styles_root)
    if path is None:
        styles.install(STYLE_SPECS)
    if page_numbers and not _features(document).page_numbers:
        _add_page_numbers(document, styles, page_label)
    sect_pr = document.element.body.find(w("sectPr"))
    return Reference(document, styles, _text_width(sect_pr), builtin=path is None)


def _features(document: Any) -> ReferenceFeatures:
    sect_pr = document.element.body.find(w("sectPr"))
    if sect_pr is None:
        return ReferenceFeatures()
    title_page = _on(sect_pr.find(w("titlePg")))
    even_pages = bool(document.settings.odd_and_even_pages_header_footer)

    def part(kind: str, page: str) -> etree._Element | None:
        for reference in sect_pr.findall(w(f"{kind}Reference")):
            if reference.get(w("type"), "default") == page:
                rel = document.part.rels.get(reference.get(f"{{{ooxml.R_NS}}}id"))
                return rel.target_part.element if rel is not None else None
        return None

    shown = ["default", *(["first"] if title_page else []), *(["even"] if even_pages else [])]
    headers = [part("header", page) for page in shown]
    footers = [part("footer", page) for page in shown]
    return ReferenceFeatures(
        header=_shows_something(headers[0]),
        first_page_header=title_page and _shows_something(headers[1]),
        footer=any(_shows_something(footer) for footer in footers),
        page_numbers=any(_has_page_field(element) for element in (*headers, *footers)),
    )


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(VAL, "1") not in ("0", "false", "off")


_DRAWN = frozenset(w(tag) for tag in ("drawing", "pict", "object", "fldSimple", "instrText"))


def _shows_something(root: etree._Element | None) -> bool:
    """Whether a header or footer holds text, a picture or a field (not only empty lines)."""
    if root is None:
        return False
    return any(
        element.tag in _DRAWN or (element.tag == w("t") and (element.text or "").strip())
        for element in root.iter()
    )


def _has_page_field(root: etree._Element | None) -> bool:
    if root is None:
        return False
    instructions = [simple.get(w("instr"), "") for simple in root.iter(w("fldSimple"))]
    instructions += [text.text or "" for text in root.iter(w("instrText"))]
    return any(instruction.split()[:1] == ["PAGE"] for instruction in instructions)


def _open(path: Path) -> Any:
    import docx

    try:
        data = path.read_bytes()
    except OSError as error:
        raise RenderError(
            f"cannot read the reference document {path}: {error.strerror or error}"
        ) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RenderError(f"the reference document {path} is not a .docx file (not a zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
        _ = document.styles.element
    except Exception as error:
        # python-docx signals a broken package with many exception types (KeyError,
        # ValueError, lxml syntax errors, ...); all of them mean the same thing here.
        raise RenderError(
            f"the reference document {path} cannot be read as a Word document: {error}"
        ) from None
    return document


def _clear_body(document: Any) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != w("sectPr"):
            body.remove(child)
    document_part = document.part
    referenced = set(document.element.xpath("//@r:id | //@r:embed | //@r:link"))
    for rid, rel in list(document_part.rels.items()):
        if rel.reltype in _BODY_RELTYPES and rid not in referenced:
            document_part.rels.pop(rid)
            document_part.rels.related_parts.pop(rid, None)
    ooxml.drop_relationships(document.part.package, [_THUMBNAIL])
    # Styles are added below; a stale stylesWithEffects copy would contradict styles.xml.
    ooxml.drop_relationships(document_part, [_STYLES_WITH_EFFECTS])


# The character sets the schema allows in a font table; LibreOffice also writes others.
_CHARACTER_SETS = frozenset((
    "Big5", "GBK", "KS_C-5601-1992", "iso-8859-1", "iso-8859-9", "ks_c-5601-1987", "macintosh",
    "shift_jis", "windows-1250", "windows-1251", "windows-1253", "windows-1255", "windows-1256",
    "windows-1257", "windows-1258", "windows-874",
))


def _mend(document: Any) -> None:
    """Make good what LibreOffice leaves out of the schema: odd character set names (the
    font's ``w:val`` says the same), a missing theme (taken from the built-in document), core
    properties under an old relationship name (they are written anew)."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    part = document.part
    ooxml.drop_relationships(part.package, [_LEGACY_CORE_PROPERTIES])
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE and not rel.is_external:
            fonts = rel.target_part
            root = parse_xml(fonts.blob)
            odd = [c for c in root.iter(w("charset"))
                   if c.get(w("characterSet"), "Big5") not in _CHARACTER_SETS]
            for charset in odd:
                del charset.attrib[w("characterSet")]
            if odd:
                fonts._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                             standalone=True)
    if not any(rel.reltype == RT.THEME for rel in part.rels.values()):
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.part import Part

        builtin = docx.Document().part
        theme = next(rel.target_part for rel in builtin.rels.values() if rel.reltype == RT.THEME)
        name = part.package.next_partname("/word/theme/theme%d.xml")
        part.relate_to(Part(name, CT.OFC_THEME, theme.blob, part.package), RT.THEME)


def _prepare_builtin(document: Any) -> None:
    from docx.shared import Twips

    _clear_body(document)
    ooxml.drop_relationships(document.part, [_CUSTOM_XML])
    ooxml.Numbering.attach(document.part, clear=True)

    styles_root = document.styles.element
    for style in styles_root.findall(w("style")):
        name = style.find(w("name"))
        if name is None or name.get(VAL, "").lower() not in _KEPT_FROM_TEMPLATE:
            styles_root.remove(style)
    defaults = styles_root.find(w("docDefaults"))
    if defaults is not None:
        styles_root.remove(defaults)
    defaults_xml = (
        f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{_FONT}" '
        f'w:eastAsia="{_FONT}" w:hAnsi="{_FONT}" w:cs="{_FONT}"/>'
        '<w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="da-DK" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="264" w:lineRule="auto"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
    )
    styles_root.insert(0, _fragment(defaults_xml)[0])

    settings = document.settings.element
    for tag in ("proofState", "rsids", "attachedTemplate"):
        for element in settings.findall(w(tag)):
            settings.remove(element)
    for setting in settings.iter(w("compatSetting")):
        if setting.get(w("name")) == "compatibilityMode":
            setting.set(VAL, "15")

    section = document.sections[0]
    section.page_width, section.page_height = Twips(A4_WIDTH), Twips(A4_HEIGHT)
    section.top_margin = section.bottom_margin = Twips(_MARGIN)
    section.left_margin = section.right_margin = Twips(_MARGIN)
    section.header_distance, section.footer_distance = Twips(709), Twips(567)


def _set_language(styles_root: etree._Element, language: str) -> None:
    defaults = styles_root.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles_root.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = ooxml.sub(rpr_default, w("rPr"))
    ooxml.child_in_order(rpr, "lang", ooxml.RPR_ORDER, {VAL: language})


_FOOTER_DISTANCE = 567


def _add_page_numbers(document: Any, styles: StyleSheet, page_label: str) -> None:
    """``page_label`` at the end of every footer shown, adding a footer where there is none."""
    section = document.sections[0]
    footers = [section.footer]
    if section.different_first_page_header_footer:
        footers.append(section.first_page_footer)
    if document.settings.odd_and_even_pages_header_footer:
        footers.append(section.even_page_footer)
    paragraph = ooxml.ParagraphFormat(style_id=styles.paragraph("footer"), align="right")
    xml = ooxml.paragraph_open(paragraph) + ooxml.page_label(page_label) + ooxml.PARAGRAPH_CLOSE
    for footer in footers:
        created = footer.is_linked_to_previous
        footer.is_linked_to_previous = False
        root = footer.part.element
        if created or not _shows_something(root):
            for child in list(root):
                root.remove(child)
        root.extend(ooxml.parse_fragment(xml))
    sect_pr = document.element.body.find(w("sectPr"))
    margins = sect_pr.find(w("pgMar")) if sect_pr is not None else None
    if margins is not None and margins.get(w("footer"), "0") == "0":
        # a document made without a footer may put it at the page's very edge
        bottom = margins.get(w("bottom"), str(_MARGIN)).lstrip("-")
        space = int(bottom) // 2 if bottom.isdigit() else _FOOTER_DISTANCE
        margins.set(w("footer"), str(min(_FOOTER_DISTANCE, space)))


def add_draft_mark(reference: Reference, mark: str) -> None:
    """Show ``mark`` at the top of every page header, adding a header where there is none."""
    document = reference.document
    style_id = reference.styles.paragraph("header")
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            created = header.is_linked_to_previous
            header.is_linked_to_previous = False
            root = header.part.element
            if created:
                for child in list(root):
                    root.remove(child)
            root.insert(0, ooxml.parse_fragment(ooxml.draft_mark(style_id, mark))[0])


def _text_width(sect_pr: etree._Element | None) -> int:
    if sect_pr is None:
        return _DEFAULT_TEXT_WIDTH
    size, margins = sect_pr.find(w("pgSz")), sect_pr.find(w("pgMar"))
    try:
        width = int(size.get(w("w"), "")) if size is not None else A4_WIDTH
        left = int(margins.get(w("left"), "0")) if margins is not None else _MARGIN
        right = int(margins.get(w("right"), "0")) if margins is not None else _MARGIN
    except ValueError:
        return _DEFAULT_TEXT_WIDTH
    text_width = width - left - right
    return text_width if text_width > 1000 else _DEFAULT_TEXT_WIDTH
