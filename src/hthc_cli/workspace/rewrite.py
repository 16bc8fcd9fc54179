"""A scalar's value replaced in a YAML file's text, written the way the file wrote it.

Only the bytes of the scalar change: its style (plain, quoted, literal ``|``, folded ``>``,
their chomping), its indentation, the file's line endings and byte order mark stay. When
the new value cannot be written in the old style (a plain value that now holds ``: ``, a
one-line value that now has line breaks), a style that can hold it is chosen and the
result says why. Every result is read back with the YAML loader before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from hthc_cli.workspace.source import YScalar

_BOM = "\ufeff"
_KEY_INDENT = re.compile(r"[ ]*(?:-[ ]+)*")
_HEADER = re.compile(r"([|>])([1-9+-]{0,2})")
_PRINTABLE = re.compile("[\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_FOLD_WIDTH = 80
_DESCRIBED = {"": "a plain value", "'": "a single-quoted value", '"': "a double-quoted value",
              "|": "a literal block (|)", ">": "a folded block (>)"}


@dataclass(frozen=True)
class Rewritten:
    """The file's new bytes, the style the value was written in, and why that style differs
    from the old one (None when it does not)."""

    data: bytes
    style: str
    restyled: str | None = None


class RewriteError(ValueError):
    """The node does not stand where it says in the file, or the file cannot be read."""


def replace_scalar(data: bytes, node: YScalar, value: str) -> Rewritten:
    """`data` (a YAML file's bytes) with the scalar `node` (located in the file's text, as
    `workspace.source` reads it: UTF-8, byte order mark left out) holding `value`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RewriteError(f"the file is not UTF-8: {exc}") from None
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    new_text, style, why = replace_in_text(text, node.start, node.end, node.style, value)
    return Rewritten(((_BOM if bom else "") + new_text).encode("utf-8"), style, why)


def replace_in_text(
    text: str, start: int, end: int, style: str | None, value: str
) -> tuple[str, str, str | None]:
    """`text` with the scalar at ``start:end`` (of YAML style `style`) holding `value`; the
    style written; why it changed."""
    if not 0 <= start <= end <= len(text):
        raise RewriteError(f"the value's place {start}:{end} is outside the file")
    span = text[start:end]
    newline = "\r\n" if "\r\n" in text else "\n"
    line_start = text.rfind("\n", 0, start) + 1
    key_indent = len(_KEY_INDENT.match(text, line_start).group())  # type: ignore[union-attr]
    old = _old_style(span, style)
    reason = _why_not(old, value)
    unread = "written so, the value would not read back as itself in this place"
    attempts: list[tuple[str, str | None]] = [(old, None)] if reason is None else []
    for other in (_fallback(value), "|", '"'):
        if other != old and other not in (a for a, _ in attempts):
            attempts.append((other, reason or unread))
    for chosen, why in attempts:
        if _why_not(chosen, value) is not None:
            continue
        blocks = old in ("|", ">") and chosen in ("|", ">")
        written = _write(chosen, span if chosen == old or blocks else "", value, key_indent,
                         newline)
        if old in ("|", ">") and not blocks:
            # a block ended with its line break (and blank lines): a quoted value does not
            trailing = _layout(span, newline).trailing
            written += newline + trailing
        candidate = text[:start] + written + text[end:]
        if _reads_back(candidate, start, value):
            name = _style_name(chosen, written)
            if why is not None:
                why = f"written as {_DESCRIBED[chosen]} instead of {_DESCRIBED[old]}: {why}"
            return candidate, name, why
    raise RewriteError("the value cannot be written in this place of the file")


def _old_style(span: str, style: str | None) -> str:
    if style in ("|", ">"):
        return style
    if style in ("'", '"'):
        return style
    return ""


def _style_name(style: str, written: str) -> str:
    if style in ("|", ">"):
        header = _HEADER.match(written)
        return header.group() if header else style
    return style or "plain"


def _why_not(style: str, value: str) -> str | None:
    """Why `value` cannot be written in `style` (None: it can)."""
    if not _PRINTABLE.fullmatch(value) or "\x85" in value:
        if style == '"':
            return None
        return "the value holds characters YAML writes only as escapes"
    if style == "":
        if "\n" in value:
            return "the value now has line breaks, which a plain value cannot hold"
        if not _plain_reads(value):
            return ("the value now reads differently unquoted (it holds ': ' or ' #', "
                    "starts with a sign YAML reads, or looks like a number, date or yes/no)")
    if style == "'" and "\n" in value:
        return "the value now has line breaks"
    if style in ("|", ">"):
        if "\t" in value.split("\n", 1)[0][:1] or any(
                line[:1] == "\t" for line in value.split("\n")):
            return "a line of the value starts with a tab"
        if value.strip(" \n") == "" and value:
            return "the value holds only spaces"
        if any(line.endswith(" ") for line in value.split("\n")) and style == ">":
            return "a line of the value ends with a space"
    return None


def _fallback(value: str) -> str:
    if "\n" in value and _PRINTABLE.fullmatch(value) and _why_not("|", value) is None:
        return "|"
    if "\n" not in value and _PRINTABLE.fullmatch(value):
        return "'"
    return '"'


def _plain_reads(value: str) -> bool:
    """Whether `value` written plain after a key reads back as itself (and as a string)."""
    if not value or value != value.strip():
        return False
    try:
        loaded = yaml.load(f"k: {value}\n", Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded == {"k": value}


def _reads_back(text: str, start: int, value: str) -> bool:
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False
    stack = [root]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, yaml.ScalarNode):
            if node.start_mark.index == start:
                return bool(node.value == value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                stack.extend((key, item))
    return False


# -- writing one style ----------------------------------------------------------------------


def _write(style: str, span: str, value: str, key_indent: int, newline: str) -> str:
    if style == "":
        return value
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return _double_quoted(value)
    return _block(style, span, value, key_indent, newline)


def _double_quoted(value: str) -> str:
    out = ['"']
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif not _PRINTABLE.fullmatch(char) or char == "\x85":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


@dataclass(frozen=True)
class _Layout:
    """An old block scalar: its header line, its content's indentation and line width, and
    the blank lines after it that are not part of its value."""

    header_comment: str
    indent: int | None
    width: int
    trailing: str


def _layout(span: str, newline: str) -> _Layout:
    if not span:
        return _Layout("", None, _FOLD_WIDTH, "")
    header_end = span.find("\n")
    header = span if header_end < 0 else span[:header_end]
    found = _HEADER.match(header)
    comment = header[found.end() :].rstrip("\r") if found else ""
    body = "" if header_end < 0 else span[header_end + 1 :]
    lines = body.split("\n")
    indent = None
    width = 0
    for line in lines:
        bare = line.rstrip("\r")
        if bare.strip():
            spaces = len(bare) - len(bare.lstrip(" "))
            indent = spaces if indent is None else min(indent, spaces)
            width = max(width, len(bare))
    last_text = max((n for n, line in enumerate(lines) if line.strip()), default=-1)
    trailing = newline.join(line.rstrip("\r") for line in lines[last_text + 1 :])
    if indent is not None:
        width -= indent
    return _Layout(comment, indent, width if width >= 40 else _FOLD_WIDTH, trailing)


def _block(style: str, span: str, value: str, key_indent: int, newline: str) -> str:
    old = _layout(span, newline)
    indent = old.indent if old.indent is not None and old.indent > key_indent else key_indent + 2
    lines = value.split("\n") if style == "|" else _folded_lines(value, old.width)
    chomp, lines = _chomping(lines)
    indicator = ""
    first_text = next((line for line in lines if line), "")
    if first_text[:1] == " ":
        indicator = str(indent - key_indent) if 0 < indent - key_indent < 10 else ""
        if not indicator:
            indent, indicator = key_indent + 2, "2"
    body = newline.join((" " * indent + line) if line else "" for line in lines)
    header = style + indicator + chomp + old.header_comment
    out = header + (newline + body if lines else "")
    if not span:
        return out  # the line break that ended the old value ends the block
    if chomp == "+":
        return out + newline
    # the value's last line break and the blank lines after it, as the file had them
    tail = newline + old.trailing if old.trailing else newline
    return out + tail


def _chomping(lines: list[str]) -> tuple[str, list[str]]:
    """The chomping indicator for a value split at its line breaks, and its content lines."""
    if lines[-1] != "":
        return "-", lines
    content = lines[:-1]
    if content and content[-1] == "":
        return "+", content
    if not content:
        return "-", []
    return "", content


def _folded_lines(value: str, width: int) -> list[str]:
    """A value written as a folded block's lines: long lines broken at single spaces, a
    line break as an empty line between lines that fold (none around indented lines)."""
    parts = value.split("\n")
    out: list[str] = []
    previous: str | None = None
    for part in parts:
        if previous is not None and previous and part and not previous[0].isspace() and (
                not part[0].isspace()):
            out.append("")  # a line break between two folding lines is an empty line
        out.extend(_wrap(part, width) if part and not part[0].isspace() else [part])
        previous = part
    return out


def _wrap(line: str, width: int) -> list[str]:
    """A line broken at single spaces between words so that lines stay near `width`."""
    out: list[str] = []
    rest = line
    while len(rest) > width:
        cut = -1
        for match in re.finditer(r"(?<=\S) (?=\S)", rest):
            if match.start() > width and cut > 0:
                break
            cut = match.start()
        if cut <= 0:
            break
        out.append(rest[:cut])
        rest = rest[cut + 1 :]
    out.append(rest)
    return out
