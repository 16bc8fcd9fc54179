"""An e-mail read as member input: who sent it, when, what it says, what came with it.

The standard library's `email` package reads the message (`policy.default`: encoded names,
quoted-printable, base64 and charsets are decoded). Nothing in a message is executed,
opened or fetched: HTML is read as text by `html.parser`, its scripts, styles and images
dropped, its links kept as Markdown links that nobody follows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from email import errors as mail_errors
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from hthc_cli.base.errors import HthcError

MIB = 1024 * 1024
MAX_MESSAGE_BYTES = 25 * MIB
"""The largest message read: what the common mail services let one send."""
MAX_ATTACHMENT_BYTES = 10 * MIB
"""The largest attachment kept: a workspace lives in git, which keeps every version."""

_MAIL_HEADERS = ("From", "Date", "Subject", "Message-ID", "To", "MIME-Version", "Received")
_BROKEN_MIME = (
    mail_errors.NoBoundaryInMultipartDefect,
    mail_errors.StartBoundaryNotFoundDefect,
    mail_errors.CloseBoundaryNotFoundDefect,
    mail_errors.MultipartInvariantViolationDefect,
    mail_errors.InvalidMultipartContentTransferEncodingDefect,
)
_DAMAGED_BASE64 = (
    mail_errors.InvalidBase64PaddingDefect,
    mail_errors.InvalidBase64CharactersDefect,
    mail_errors.InvalidBase64LengthDefect,
)


class MailError(HthcError):
    """A message that cannot be taken in as input; nothing has been written."""


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    """The name the sender gave it, as the message says (not yet made safe)."""
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    name: str
    address: str
    organisation: str | None
    sent: date
    subject: str | None
    message_id: str | None
    text: str
    """The body as Markdown that prints as it was written."""
    attachments: tuple[Attachment, ...]


def mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


def read_mail(
    data: bytes, shown: str, max_attachment: int = MAX_ATTACHMENT_BYTES,
    max_message: int = MAX_MESSAGE_BYTES,
) -> Mail:
    """The message in `data` (the file `shown`), or a MailError saying what is wrong."""
    if len(data) > max_message:
        raise MailError(f"{shown} is {mib(len(data))}; hthc takes messages up to "
                        f"{mib(max_message)}: nothing was written")
    try:
        return _read(data, shown, max_attachment)
    except RecursionError:
        raise MailError(f"{shown}: the message's parts are nested too deeply to read; save it "
                        "again from your mail program") from None


def _read(data: bytes, shown: str, max_attachment: int) -> Mail:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    if not any(name in message for name in _MAIL_HEADERS):
        raise MailError(f"{shown} is not an e-mail: it does not start with mail headers "
                        "(From:, Date:, Subject:); save the message from your mail program "
                        "as a .eml file")
    broken = [d for part in message.walk() for d in part.defects if isinstance(d, _BROKEN_MIME)]
    if broken:
        raise MailError(f"{shown}: the message's MIME structure is broken ({_defect(broken[0])}); "
                        "save it again from your mail program")
    name, address = _sender(message, shown)
    body = message.get_body(preferencelist=("plain", "html"))
    text = _body_text(body) if body is not None else ""
    if not text.strip():
        raise MailError(f"{shown}: the message has no text (neither plain text nor HTML)")
    attachments = tuple(_attachments(message, body, shown, max_attachment))
    subject = _one_line(_header(message, "Subject"))
    organisation = _one_line(_header(message, "Organization"))
    message_id = _one_line(_header(message, "Message-ID"))
    return Mail(name, address, organisation or None, _sent(message, shown), subject or None,
                message_id or None, text, attachments)


def _defect(defect: mail_errors.MessageDefect) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__.removesuffix("Defect"))
    return words.lower()


def _header(message: Message, name: str) -> str:
    """A header's decoded value; '' when it is missing or cannot be read."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError, LookupError,
            mail_errors.HeaderParseError):
        return ""
    return "" if value is None else str(value)


def _one_line(value: str) -> str:
    return " ".join(clean_text(value).split())


def _sender(message: MIMEPart, shown: str) -> tuple[str, str]:
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except (ValueError, IndexError, TypeError, AttributeError, LookupError,
            mail_errors.HeaderParseError):
        addresses = ()
    if "From" not in message:
        raise MailError(f"{shown}: the message has no From header, so it is not known who "
                        "sent it")
    for address in addresses:
        spec = _one_line(address.addr_spec)
        if "@" in spec and address.domain:
            return _one_line(address.display_name) or spec, spec
    raise MailError(f"{shown}: the From header names no e-mail address: "
                    f"'{_one_line(str(message.get('From', '')))}'")


def _sent(message: MIMEPart, shown: str) -> date:
    """The day the Date header gives, in the sender's time zone; else the day the topmost
    Received header (the last server's) gives."""
    try:
        header = message.get("Date")
        sent = getattr(header, "datetime", None)
    except (ValueError, IndexError, TypeError, AttributeError, mail_errors.HeaderParseError):
        sent = None
    if isinstance(sent, datetime):
        return sent.date()
    for received in message.get_all("Received") or ():
        stamp = str(received).rpartition(";")[2].strip()
        try:
            return parsedate_to_datetime(stamp).date()
        except (ValueError, TypeError, IndexError):
            continue
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == "date"), None)
    if raw is None:
        raise MailError(f"{shown}: the message has no Date header, nor a Received header "
                        "with a date")
    raise MailError(f"{shown}: the message has no date that can be read (its Date header is "
                    f"'{_one_line(raw)}')")


def _decoded_text(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError):
        # an unknown charset: UTF-8 is the best guess, and a wrong byte prints as '�'
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _body_text(body: MIMEPart) -> str:
    content = _decoded_text(body)
    if body.get_content_subtype() == "html":
        return html_to_markdown(content)
    return plain_to_markdown(content)


def _attachments(
    message: MIMEPart, body: MIMEPart | None, shown: str, limit: int
) -> list[Attachment]:
    found: list[Attachment] = []
    for part in _leaves(message):
        if part is body or _is_alternative_of(part, body, message):
            continue
        data = _payload(part)
        if part.get_content_maintype() == "text" and not part.get_filename() and (
            part.get_content_disposition() != "attachment"
        ):
            continue  # a second text part of the body (a signature block): not a file
        if any(isinstance(d, _DAMAGED_BASE64) for d in part.defects):
            raise MailError(f"{shown}: the attachment '{_name(part)}' is damaged (its base64 "
                            "encoding is broken): nothing was written")
        if len(data) > limit:
            raise MailError(f"{shown}: the attachment '{_name(part)}' is {mib(len(data))}; hthc "
                            f"keeps attachments up to {mib(limit)}: nothing was written. Keep "
                            "the file elsewhere (a shared drive) and say where in the input's "
                            "text")
        found.append(Attachment(_name(part), part.get_content_type(), data))
    return found


def _leaves(message: MIMEPart) -> list[MIMEPart]:
    """The parts that are not containers; an attached e-mail counts as one part."""
    out: list[MIMEPart] = []
    pending: list[MIMEPart] = [message]
    while pending:
        part = pending.pop(0)
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            pending[:0] = [p for p in part.iter_parts() if isinstance(p, MIMEPart)]
        else:
            out.append(part)
    return out


def _is_alternative_of(
    part: MIMEPart, body: MIMEPart | None, message: MIMEPart
) -> bool:
    """Whether `part` is another version (HTML for plain text) of the body."""
    if body is None or part.get_content_maintype() != "text" or part.get_filename():
        return False
    for container in message.walk():
        if container.get_content_type() == "multipart/alternative":
            parts = list(container.iter_parts()) if isinstance(container, MIMEPart) else []
            if any(p is body for p in parts) and any(p is part for p in parts):
                return True
    return False


def _payload(part: MIMEPart) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        return first.as_bytes() if isinstance(first, Message) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


_EXTENSIONS = {
    "application/pdf": ".pdf", "message/rfc822": ".eml", "text/plain": ".txt",
    "text/html": ".html", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
    "text/csv": ".csv", "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def _name(part: MIMEPart) -> str:
    try:
        name = part.get_filename()
    except (ValueError, IndexError, TypeError, LookupError, mail_errors.HeaderParseError):
        name = None
    if name and name.strip():
        return undo_8bit(name)  # safe_file_name makes the rest safe, visibly
    return "attachment" + _EXTENSIONS.get(part.get_content_type(), ".bin")


# --- text ------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u200b\u2060\ufeff]")
_BREAKS = re.compile("\r\n|\r|\u2028|\u2029")
_ODD_SPACES = re.compile("[\xa0\u202f\u2000-\u200a\u3000]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def undo_8bit(text: str) -> str:
    """Bytes no charset was declared for (an 8-bit header) read as UTF-8 if they are, else
    as Windows-1252, as mail programs read them."""
    if not _SURROGATES.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Text that a YAML file and a Word document can hold: Unicode NFC, '\\n' line breaks,
    no control characters, tabs as spaces, no space that is not the plain one."""
    text = undo_8bit(text)
    text = _BREAKS.sub("\n", unicodedata.normalize("NFC", text)).replace("\x85", "\n")
    text = _ODD_SPACES.sub(" ", text.expandtabs(4))
    return _CONTROL.sub("", text)


MAX_QUOTE_DEPTH = 20
"""Quoted replies nested deeper are printed at this depth (Markdown nests only so far)."""
_QUOTE = re.compile(r"^((?: {0,3}>)+)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_BLOCK_START = re.compile(r"^( {0,3})(#|```|~~~|:::|\[\^)")
_INLINE = re.compile(r"\[(?=[\[@^])|\]\((?=#)|<(?![a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*>)"
                     r"(?![^\s<>@]+@[^\s<>@]+>)")


def _escape_inline(text: str) -> str:
    """Escape what this Markdown would read as a link to an item, a citation, a footnote or
    raw HTML: '[[', '[@', '[^', '](#' and '<' other than an autolink."""
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def _escape_line_start(line: str) -> str:
    """Escape what would start a heading, a fence or a ::: block at the start of a line."""
    depth = 0
    match = _QUOTE.match(line)
    if match:
        depth = match.group(1).count(">")
        line = line[match.end():]
        if line.startswith(" "):
            line = line[1:]
    if _SETEXT.match(line) and line.strip():
        line = "\\" + line.lstrip()
    else:
        line = _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)
    if depth:
        return "> " * min(depth, MAX_QUOTE_DEPTH) + line
    return line


def finish_markdown(text: str) -> str:
    """Lines escaped at their start, trailing spaces and runs of empty lines gone."""
    lines: list[str] = []
    for raw in clean_text(text).split("\n"):
        line = _escape_line_start(raw.rstrip())
        if not line.strip(" >") and lines and not lines[-1].strip(" >"):
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


def plain_to_markdown(text: str) -> str:
    """A plain-text body as Markdown that reads as written: quoted replies stay quotes, and
    nothing is read as an item link, a citation, a heading, a fence or HTML. Its lines are
    kept as they are, as the file is read more than it is printed."""
    return finish_markdown("\n".join(_escape_inline(line) for line in clean_text(text).split("\n")))


class _HtmlText(HTMLParser):
    """HTML read as Markdown: paragraphs, line breaks, lists, quotes, emphasis and links."""

    _SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "svg",
                          "object", "iframe", "embed", "applet", "form", "select", "button"})
    _BLOCKS = frozenset({"p", "div", "section", "article", "header", "footer", "table", "tr",
                         "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "address",
                         "ul", "ol", "dl", "dt", "dd", "center"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.quote = 0
        self.lists: list[list[int]] = []  # per open list: [is_ordered, items so far]
        self.links: list[str | None] = []
        self.pre = 0

    def _newline(self, blank: bool) -> None:
        self.out.append("\n\n" if blank else "\n")

    def _prefix(self) -> str:
        return "> " * self.quote

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "br":
            self.out.append("\n" + self._prefix())
        elif tag == "blockquote":
            self.quote += 1
            self._newline(True)
            self.out.append(self._prefix())
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
            self._newline(True)
        elif tag == "li":
            self.out.append("\n" + self._prefix() + "   " * max(0, len(self.lists) - 1))
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.out.append(f"{self.lists[-1][1]}. ")
            else:
                self.out.append("- ")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            target = href.strip() if re.match(r"(?i)(https?|mailto):", href.strip()) else None
            if target is not None and re.search(r"[\s()<>]", target):
                target = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
                target = target.replace("<", "%3C").replace(">", "%3E")
            self.links.append(target)
            if target is not None:
                self.out.append("[")
        elif tag == "img":
            alt = dict(attrs).get("alt")  # the picture is not fetched; its words are kept
            if alt and alt.strip():
                self.out.append(_escape_html_text(" ".join(alt.split())))
        elif tag in self._BLOCKS:
            self._newline(True)
            self.out.append(self._prefix())
            if tag == "pre":
                self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._newline(True)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline(True)
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "a":
            target = self.links.pop() if self.links else None
            if target is not None:
                self.out.append(f"]({target})")
        elif tag in self._BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._newline(True)
            self.out.append(self._prefix())

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            lines = data.split("\n")
            self.out.append(("\n" + self._prefix()).join(_escape_html_text(x) for x in lines))
            return
        text = " ".join(data.split())
        if not text:
            if data and self.out and not self.out[-1].endswith((" ", "\n")):
                self.out.append(" ")
            return
        if data[:1].isspace() and self.out and not self.out[-1].endswith((" ", "\n")):
            self.out.append(" ")
        self.out.append(_escape_html_text(text))
        if data[-1:].isspace():
            self.out.append(" ")


_HTML_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _escape_html_text(text: str) -> str:
    """Text of an HTML message: every character Markdown would read as markup is escaped."""
    return _HTML_SPECIAL.sub(r"\\\1", text)


def html_to_markdown(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    # a line of only spaces and quote marks is an empty line
    text = "\n".join(line.strip() if not line.strip(" >") else line.rstrip()
                     for line in text.split("\n"))
    return finish_markdown(text.strip())

