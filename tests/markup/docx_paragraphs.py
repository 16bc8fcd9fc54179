"""A text rendered into a .docx on its own, read back paragraph by paragraph as Word shows it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import date

from hthc_cli.markup.compose import Slots, compose
from hthc_cli.markup.reverse import NOTE_MARK, Projection
from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions, tokens_to_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BEGIN, END = "BEGIN-OF-TEXT", "END-OF-TEXT"


def paragraph_text(paragraph: object) -> str:
    """A ``w:p`` as a reader sees it: tabs, line breaks, a note reference as U+FFFC; a
    note's own number (``w:footnoteRef``) is not part of its text."""
    out: list[str] = []
    for element in paragraph.iter():  # type: ignore[attr-defined]
        tag = element.tag
        if tag == f"{W}t":
            out.append(element.text or "")
        elif tag == f"{W}tab" and element.getparent().tag == f"{W}r":
            out.append("\t")
        elif tag == f"{W}br":
            out.append("\n")
        elif tag == f"{W}footnoteReference":
            out.append(NOTE_MARK)
    return "".join(out)


def rendered(
    text: str, *, titles: Mapping[str, str] | None = None,
    citations: Mapping[str, str] | None = None,
    short_citations: Mapping[str, str] | None = None,
) -> Projection:
    """`text` rendered between two paragraphs of a template, read back from the .docx."""
    from lxml import etree

    slots = Slots()
    skeleton = f"{BEGIN}\n\n{slots.add(text)}\n\n{END}\n"
    known = dict(titles or {})
    tokens = compose(skeleton, slots, lambda item: (known.get(item, item), item in known))
    options = DocxOptions(
        meta=DocumentMeta("t", "a", "s", (), "da-DK", date(2024, 1, 1)),
        page_label="", citations=dict(citations or {}),
        short_citations=dict(short_citations or {}), page_numbers=False,
    )
    data = tokens_to_docx(tokens, options)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        notes_xml = (package.read("word/footnotes.xml")
                     if "word/footnotes.xml" in package.namelist() else None)
    paragraphs = [paragraph_text(p) for p in body.iter(f"{W}p")]
    inside = paragraphs[paragraphs.index(BEGIN) + 1 : paragraphs.index(END)]
    notes: list[tuple[str, ...]] = []
    if notes_xml is not None:
        for note in etree.fromstring(notes_xml).iter(f"{W}footnote"):
            if note.get(f"{W}type") in ("separator", "continuationSeparator"):
                continue
            texts = [paragraph_text(p) for p in note.iter(f"{W}p")]
            if texts and texts[0].startswith(" "):
                texts[0] = texts[0][1:]  # the space the writer puts after the note's number
            notes.append(tuple(texts))
    return Projection(tuple(inside), tuple(notes))
