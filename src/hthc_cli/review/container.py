"""Open a reviewed .docx as a package of XML parts, refusing what is not a Word document.

Every refusal is a `UsageError` naming the file and saying what it is instead: a file that
is not a zip, a zip that is not a .docx, a macro-enabled .docm, a password-protected file
(Word encrypts into an OLE compound file), a zip whose parts would unpack to more than a
document can hold (a zip bomb: judged from the sizes in the zip's directory and checked
again while reading), and a truncated or damaged zip.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import UsageError

if TYPE_CHECKING:
    from lxml import etree

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: an encrypted (password-protected) Office file, or an old .doc."""
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""All the parts read, unpacked: a 1,000-section response is a few megabytes."""
MAX_RATIO = 200
"""Unpacked ÷ packed size of one part: XML packs about 5–20 times; a bomb thousands of times."""
_RATIO_FROM = 1024 * 1024
"""Parts smaller than this unpacked are never judged by their ratio."""

WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
WORD_MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_MACRO_TEMPLATE = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"

PARTS = (
    "word/document.xml", "word/footnotes.xml", "word/comments.xml",
    "word/commentsExtended.xml", "word/commentsIds.xml", "word/people.xml",
    "docProps/custom.xml",
)
"""The parts the review reads; the others (styles, images, numbering) are never unpacked."""


@dataclass(frozen=True)
class Package:
    """The parts of a .docx that a review reads, as bytes (absent ones are missing)."""

    path: Path
    parts: dict[str, bytes]

    def get(self, name: str) -> bytes | None:
        return self.parts.get(name)

    @classmethod
    def of_bytes(cls, data: bytes, name: str = "(rendered in memory)") -> Package:
        """The parts of a .docx hthc itself has just made (trusted: not checked)."""
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            return cls(Path(name), {n: archive.read(n) for n in PARTS if n in names})


def open_package(path: Path) -> Package:
    """The review's parts of `path`, or a UsageError saying why it cannot be read."""
    shown = path.as_posix()
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UsageError(f"{shown} is not a file; give the reviewed .docx")
        if size > MAX_FILE_BYTES:
            raise UsageError(f"{shown} is {size:,} bytes; a reviewed response is far smaller "
                             f"(hthc reads up to {MAX_FILE_BYTES // 1048576} MiB)")
        with path.open("rb") as raw:
            head = raw.read(8)
    except FileNotFoundError:
        raise UsageError(f"no such file: {shown}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if head.startswith(OLE_SIGNATURE):
        raise UsageError(
            f"{shown} is password-protected or an old Word 97-2003 .doc (an OLE compound "
            "file), not a .docx: open it in Word, remove the password (File → Info → Protect "
            "Document) or save it as a Word Document (.docx), and import that"
        )
    if not head.startswith(ZIP_SIGNATURES):
        raise UsageError(f"{shown} is not a Word document (.docx): a .docx is a zip "
                         "package, and this file is not one")
    try:
        with zipfile.ZipFile(path) as archive:
            return Package(path, _read_parts(archive, shown))
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{shown} is damaged or truncated (its zip directory cannot be "
                         f"read: {exc}); save the document again from Word") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise UsageError(f"{shown} cannot be unpacked ({exc}); save the document again "
                         "from Word as a .docx") from None


def _read_parts(archive: zipfile.ZipFile, shown: str) -> dict[str, bytes]:
    infos = {info.filename: info for info in archive.infolist()}
    if "[Content_Types].xml" not in infos or "word/document.xml" not in infos:
        raise UsageError(f"{shown} is a zip but not a Word document: it has no "
                         "word/document.xml; give the .docx the response was rendered as")
    wanted = [infos[name] for name in ("[Content_Types].xml", *PARTS) if name in infos]
    total = sum(info.file_size for info in wanted)
    if total > MAX_UNPACKED_BYTES:
        raise UsageError(_bomb(shown, f"its text parts would unpack to {total:,} bytes"))
    for info in wanted:
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise UsageError(_bomb(shown, f"{info.filename} packs {info.file_size:,} bytes "
                                          f"into {info.compress_size:,}"))
    parts: dict[str, bytes] = {}
    for info in wanted:
        parts[info.filename] = _read_capped(archive, info, shown)
    _check_content_type(parts.pop("[Content_Types].xml"), shown)
    return parts


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> bytes:
    """A part's bytes, never more than its directory entry says (which a bomb may lie about)."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise UsageError(_bomb(shown, f"{info.filename} unpacks to more than its zip "
                                      "directory says"))
    return data


def _bomb(shown: str, why: str) -> str:
    return (f"{shown} is not read: {why}, which no Word document does (a zip bomb, or a "
            "damaged file); save the document again from Word")


def _check_content_type(types: bytes, shown: str) -> None:
    from lxml import etree

    try:
        root = etree.fromstring(types, parser=xml_parser())
    except etree.XMLSyntaxError:
        raise UsageError(f"{shown} is damaged: its [Content_Types].xml is not XML; save "
                         "the document again from Word") from None
    main = None
    for override in root:
        if str(override.get("PartName", "")).lower() == "/word/document.xml":
            main = override.get("ContentType")
    if main in (WORD_MACROS, WORD_MACRO_TEMPLATE):
        raise UsageError(f"{shown} is a macro-enabled Word document (.docm); hthc does not "
                         "read documents with macros: save it as a Word Document (.docx) "
                         "and import that")
    if main not in (WORD_DOCUMENT, WORD_TEMPLATE):
        raise UsageError(f"{shown} is a zip but not a Word document (its main part is "
                         f"{main or 'not declared'}); give the .docx the response was "
                         "rendered as")


def xml_parser() -> etree.XMLParser:
    """An XML parser that never loads external entities, nor expands huge trees."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
