"""The text a reader sees in a .docx: the body, then the footnotes, and finding words in it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u00ad\u2060\ufeff"))
"""Characters Word does not show; a writer may put them in to let long words wrap."""


def _paragraphs(xml: bytes, skip_separators: bool = False) -> str:
    from lxml import etree

    root = etree.fromstring(xml)
    parts = []
    for paragraph in root.iter(f"{W}p"):
        if skip_separators:
            note = next((a for a in paragraph.iterancestors(f"{W}footnote")), None)
            if note is not None and note.get(f"{W}type") in ("separator", "continuationSeparator"):
                continue
        parts.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return " ".join(" ".join(parts).translate(INVISIBLE).split())


@dataclass(frozen=True)
class DocxText:
    body: str
    """word/document.xml's text, paragraph after paragraph, whitespace made single spaces."""
    notes: str
    """word/footnotes.xml's text, the same way."""


def docx_text(data: bytes) -> DocxText:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        body = _paragraphs(package.read("word/document.xml"))
        notes = ""
        if "word/footnotes.xml" in names:
            notes = _paragraphs(package.read("word/footnotes.xml"), skip_separators=True)
    return DocxText(body, notes)


def first_missing(words: list[str], text: str) -> int | None:
    """The index of the first of `words` not found in `text` after the words before it."""
    position = 0
    for index, word in enumerate(words):
        found = text.find(word, position)
        if found < 0:
            return index
        position = found + len(word)
    return None
