"""Append an item to a list of a YAML file as text, leaving every other byte as it was.

The list's end and its indentation are read from the located nodes of `source.py`; the
file is never written back through a YAML dumper, so comments, quotes, blank lines and
line endings stay as the team wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.base.diagnostics import Diagnostic, Location, Severity
from hthc_cli.base.errors import UsageError
from hthc_cli.workspace.source import LineIndex, SourceFile, YMap, YNode, YScalar, YSeq, read_source

_BOM = "\ufeff"
_EMPTY_FLOW = re.compile(r"[ \t]*\[[ \t]*\][ \t]*")


@dataclass(frozen=True)
class ListStyle:
    """How a block list is indented: its '-', the item's keys, each deeper level."""

    dash: int = 2
    content: int = 4
    step: int = 2
    blank_between: bool = False
    newline: str = "\n"


def restyle(entry: str, style: ListStyle) -> str:
    """An entry written as '- key: …' at column 0 with 2-space levels, in `style`.

    Lines of block texts keep their extra indentation beyond the levels.
    """
    lines = entry.rstrip("\n").split("\n")
    first = lines[0].removeprefix("- ")
    out = [" " * style.dash + "-" + " " * (style.content - style.dash - 1) + first]
    for line in lines[1:]:
        spaces = len(line) - len(line.lstrip(" "))
        if not line.strip():
            out.append("")
            continue
        levels, extra = divmod(spaces - 2, 2)
        out.append(" " * (style.content + levels * style.step + extra) + line.lstrip(" "))
    return style.newline.join(out) + style.newline


@dataclass(frozen=True)
class Appended:
    text: str
    line: int
    """The line the new entry's '-' is on."""


def read_for_edit(path: Path, display: str) -> tuple[SourceFile, bool]:
    """The file as located nodes, and whether it starts with a byte order mark.

    Refuses a file with errors at the YAML level: where its list ends is not known.
    """
    diagnostics: list[Diagnostic] = []
    source = read_source(path, display, diagnostics)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if source is None or errors:
        where = f" ({errors[0].location}: {errors[0].message})" if errors else ""
        raise UsageError(f"{display} cannot be read as YAML{where}; fix it first "
                         "(hthc check shows every problem)")
    with path.open("rb") as raw:
        bom = raw.read(3) == _BOM.encode("utf-8")
    return source, bom


def append_entry(source: SourceFile, key: str, entry: str) -> Appended:
    """The file's text with `entry` ('- …' at column 0) at the end of the `key:` list."""
    text = source.text
    root = source.root
    if not isinstance(root, YMap) or key not in root.items:
        raise UsageError(f"{source.display} has no '{key}:' list to add to")
    newline = "\r\n" if "\r\n" in text else "\n"
    starts = LineIndex(text).line_starts()
    node = root.items[key]
    key_loc = root.keys[key]
    key_line_end = _line_end(text, starts[key_loc.line - 1])
    if isinstance(node, YSeq) and node.items:
        if _offset(starts, node.loc) < len(text) and text[_offset(starts, node.loc)] == "[":
            raise UsageError(f"{source.display}:{node.loc.line}: the '{key}' list is written "
                             "in [ ] on one line; write it as a list of '- ' items first")
        return _after_last_item(source, node, entry, newline, starts)
    empty_flow = isinstance(node, YSeq) and not node.items
    if not (empty_flow or (isinstance(node, YScalar) and node.value is None)):
        raise UsageError(f"{source.display}:{node.loc.line}: '{key}' is not a list")
    key_line = text[starts[key_loc.line - 1]:key_line_end]
    column = key_loc.column - 1
    style = ListStyle(column + 2, column + 4, 2, False, newline)
    if empty_flow:
        # 'positions: []' becomes 'positions:' followed by the entry.
        colon = key_line.index(":", column + len(key)) + 1
        flow = _EMPTY_FLOW.match(key_line, colon)
        if flow is None:
            raise UsageError(f"{source.display}:{key_loc.line}: the '{key}' list is not "
                             "where it was expected; write it as '{key}:' on a line of its own")
        start = starts[key_loc.line - 1]
        text = text[:start + colon] + text[start + flow.end():]
        key_line_end -= flow.end() - colon
    return _insert(text, _past_newline(text, key_line_end), restyle(entry, style), False,
                   newline)


def _after_last_item(source: SourceFile, seq: YSeq, entry: str, newline: str,
                     starts: list[int]) -> Appended:
    text = source.text
    last = seq.items[-1]
    line_start = starts[last.loc.line - 1]
    before = text[line_start:_offset(starts, last.loc)].rstrip(" ")
    if not before.endswith("-"):
        raise UsageError(f"{source.display}:{last.loc.line}: the list's last item does not "
                         "start its line with '- '; cannot tell where the list ends")
    dash = len(before) - 1
    content = last.loc.column - 1
    # The item runs on while the lines below it are indented more than its '-'.
    end = _past_newline(text, _line_end(text, line_start))
    scan = end
    while scan < len(text):
        line_end = _line_end(text, scan)
        line = text[scan:line_end]
        if line.strip():
            if len(line) - len(line.lstrip(" ")) <= dash:
                break
            end = _past_newline(text, line_end)
        scan = _past_newline(text, line_end)
    last_scalar = _last_scalar(last)
    if last_scalar is not None and last_scalar.end > end:
        end = _past_newline(text, _line_end(text, last_scalar.end))
    blank = (len(seq.items) > 1 and last.loc.line >= 2
             and not text[starts[last.loc.line - 2]:line_start].strip())
    style = ListStyle(dash, content, _step(last, content), blank, newline)
    return _insert(text, end, restyle(entry, style), blank, newline)


def _insert(text: str, at: int, lines: str, blank: bool, newline: str) -> Appended:
    lead = ""
    if at > 0 and not text[:at].endswith(("\n", "\r")):
        lead = newline
    if blank:
        lead += newline
    line = LineIndex(text[:at] + lead).position(len(text[:at]) + len(lead))[0]
    return Appended(text[:at] + lead + lines + text[at:], line)


def _step(item: YNode, content: int) -> int:
    """How much deeper each level is indented inside an item, as the item shows it."""
    if isinstance(item, YMap):
        for child in item.items.values():
            if isinstance(child, YMap | YSeq) and child.loc.line > item.loc.line:
                if isinstance(child, YSeq) and child.items:
                    child = child.items[0]
                step = child.loc.column - 1 - content
                if step > 0:
                    return step
    return 2


def _last_scalar(node: YNode) -> YScalar | None:
    if isinstance(node, YScalar):
        return node
    children = list(node.items.values()) if isinstance(node, YMap) else node.items
    for child in reversed(children):
        found = _last_scalar(child)
        if found is not None:
            return found
    return None


def _offset(starts: list[int], loc: Location) -> int:
    return starts[loc.line - 1] + loc.column - 1


def _line_end(text: str, offset: int) -> int:
    """Where the line holding `offset` ends, before its line break."""
    ends = [pos for pos in (text.find("\n", offset), text.find("\r", offset)) if pos != -1]
    return min(ends, default=len(text))


def _past_newline(text: str, line_end: int) -> int:
    if text.startswith("\r\n", line_end):
        return line_end + 2
    if text.startswith(("\n", "\r"), line_end):
        return line_end + 1
    return line_end


def write_text(path: Path, text: str, bom: bool) -> None:
    """Write `text` back as it was read: UTF-8, its own line breaks, its byte order mark."""
    path.write_bytes(((_BOM if bom else "") + text).encode("utf-8"))
