"""One-line texts (titles, names) inside Markdown: escaped so that they print as written."""

from __future__ import annotations

import re

from hthc_cli.markup.compose import strip_marks

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~])|&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^([ \t]*)([-+=:>]|\d{1,9}(?=[.)]))", re.MULTILINE)
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")


def escape_markdown(text: str) -> str:
    """Plain text (a title, a name) made to print exactly as written inside Markdown.

    Every character that could start Markdown is escaped: emphasis, links, code, entities
    (``&amp;`` prints as written), strikethrough, and what would begin a block at the start of
    a line (a list, a quote, a heading underline).
    """
    escaped = _MD_SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), strip_marks(text))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, start = match.group(1), match.group(2)
    if start.isdigit():
        return indent + start + "\\"  # escapes the '.' or ')' that follows
    return indent + "\\" + start


def one_line(text: str) -> str:
    """A title or name as one line: a line break in it is printed as a space."""
    return _LINE_BREAKS.sub(" ", text.strip())
