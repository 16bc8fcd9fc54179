"""Read one YAML file into located nodes, reporting every file-level problem.

PyYAML's composer (libyaml's when present) gives a node graph with marks; we walk it into
`YMap`/`YSeq`/`YScalar` that keep file, line and column, and catch what PyYAML lets pass:
duplicate keys, aliases (and so alias bombs), tags, control characters, tabs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from hthc_cli.check.diagnostics import Diagnostic, Location

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is optional
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Larger than any real positions file; keeps a stray data dump from stalling CI."""

# C0 controls but tab/newline/carriage return, DEL, C1 controls and non-characters:
# XML 1.0 (and so Word) cannot hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_TAB_INDENT = re.compile(r"^( *)\t", re.MULTILINE)

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_YAML_TAG = "tag:yaml.org,2002:"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_constructor = yaml.constructor.SafeConstructor()


class LineIndex:
    """Turns a character offset in a file's text into a 1-based line and column."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


@dataclass(slots=True)
class YScalar:
    value: Any
    loc: Location
    start: int
    end: int
    style: str | None = None


@dataclass(slots=True)
class YSeq:
    items: list[YNode]
    loc: Location


@dataclass(slots=True)
class YMap:
    items: dict[str, YNode]
    keys: dict[str, Location]
    loc: Location


YNode = YScalar | YSeq | YMap


@dataclass(slots=True)
class SourceFile:
    """One YAML file as read: its text (for locating words inside values) and its root."""

    path: Path
    display: str
    text: str
    root: YNode | None = None
    _lines: LineIndex | None = field(default=None, repr=False)

    def locate(self, offset: int) -> Location:
        if self._lines is None:  # only a file with something to report needs it
            self._lines = LineIndex(self.text)
        line, col = self._lines.position(offset)
        return Location(self.display, line, col)

    def locate_in(self, node: YScalar, needle: str, nth: int = 0) -> Location:
        """Where `needle` (its `nth` occurrence) stands inside a scalar in the file."""
        pos = node.start - 1
        for _ in range(nth + 1):
            pos = self.text.find(needle, pos + 1, node.end)
            if pos == -1:
                return node.loc
        return self.locate(pos)


def read_source(path: Path, display: str, diagnostics: list[Diagnostic]) -> SourceFile | None:
    """Read and compose one file; problems go to `diagnostics`. None when nothing is usable."""
    whole_file = Location(display, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.append(
                Diagnostic.make(
                    "HTHC006",
                    whole_file,
                    f"the file is {size:,} bytes; hthc reads files up to "
                    f"{MAX_FILE_BYTES // 1048576} MiB ({MAX_FILE_BYTES:,} bytes)",
                    hint="split it into several files in the same folder",
                )
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.append(
            Diagnostic.make("HTHC010", whole_file, f"the file cannot be read: {exc.strerror}")
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        index = LineIndex(prefix)
        line, col = index.position(len(prefix))
        diagnostics.append(
            Diagnostic.make(
                "HTHC005",
                Location(display, line, col),
                f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} here is not valid UTF-8 "
                "(the file was probably saved as Latin-1 or Windows-1252)",
                hint="save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8)",
            )
        )
        return None
    if text.startswith("\ufeff"):
        # A byte order mark (Notepad writes one): editors do not show it or count it.
        text = text[1:]
    source = SourceFile(path, display, text)
    tab_lines = set()
    for match in _TAB_INDENT.finditer(text) if "\t" in text else ():
        loc = source.locate(match.end() - 1)
        tab_lines.add(loc.line)
        diagnostics.append(
            Diagnostic.make(
                "HTHC002",
                loc,
                "a tab in the indentation; YAML indents with spaces only",
                hint="replace the tab with spaces (most editors: 'Convert indentation to spaces')",
            )
        )

    try:
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.reader.ReaderError:
            # libyaml refuses control characters at the first one: report them all, then
            # read the file with spaces in their place to find its other problems.
            text = _report_control_characters(source, diagnostics)
            node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "quoted scalar" in (exc.context or ""):
            mark = exc.context_mark  # where the quote opens, not where the file ends
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        if line not in tab_lines:
            diagnostics.append(_syntax_diagnostic(exc, Location(display, line, col)))
        return source
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error carries a mark
        diagnostics.append(Diagnostic.make("HTHC001", whole_file, f"YAML syntax error: {exc}"))
        return source
    if node is None:
        return source
    source.root = _Walker(source, diagnostics).walk(node)
    return source


def _report_control_characters(source: SourceFile, diagnostics: list[Diagnostic]) -> str:
    for match in _CONTROL.finditer(source.text):
        diagnostics.append(_control_diagnostic(source.locate(match.start()), match.group()))
    source.text = _CONTROL.sub(" ", source.text)
    return source.text


def _control_diagnostic(loc: Location, char: str) -> Diagnostic:
    return Diagnostic.make(
        "HTHC007",
        loc,
        f"control character U+{ord(char):04X} cannot be written to a Word document",
        hint="delete it; it often comes from text pasted from a PDF or another program",
    )


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, loc: Location) -> Diagnostic:
    problem = (exc.problem or "the YAML cannot be read").strip()
    context = (exc.context or "").strip()
    hint = None
    if "expected a single document" in context:
        message = "the file holds more than one YAML document ('---')"
        hint = "keep one document per file: remove the second '---' or move it to its own file"
    elif "mapping values are not allowed" in problem:
        message = "a ':' inside a value that is not quoted"
        hint = 'put the value in quotes ("…") or use a block scalar (|)'
    elif "found undefined alias" in problem or "found undefined alias" in context:
        message = "an alias (*name) with no anchor"
        hint = "hthc files do not use anchors and aliases: write the value out"
    elif "quoted scalar" in context:
        message = "a quote that is never closed"
        hint = "close the quote at the end of the value, or write the text as a block (|)"
    elif "could not find expected ':'" in problem:
        message = "a line that is not 'key: value' where a key was expected"
        hint = "check the indentation of this line and the one above it"
    else:
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        if ("indentation" in problem or "block end" in problem
                or "indicator" in problem or "block collection" in context):
            hint = "check that the lines of one list or mapping start in the same column"
    return Diagnostic.make("HTHC001", loc, message, hint=hint)


class _Walker:
    """Turns a composed node graph into located nodes, once per node."""

    def __init__(self, source: SourceFile, diagnostics: list[Diagnostic]) -> None:
        self.source = source
        self.diagnostics = diagnostics
        self.display = source.display
        self.seen: set[int] = set()
        self.alias_reported = False

    def walk(self, node: Any) -> YNode:
        # The hot path of a large workspace: one call per value, so it stays flat.
        key = id(node)
        mark = node.start_mark
        loc = Location(self.display, mark.line + 1, mark.column + 1)
        if key in self.seen:
            self.report_aliases()
            return YScalar(ALIASED, loc, mark.index, node.end_mark.index)
        self.seen.add(key)
        cls = node.__class__
        if cls is _ScalarNode:
            tag = node.tag
            if tag == _STR:
                value = node.value
                if node.style == '"' and _CONTROL.search(value):  # written as an escape
                    self.diagnostics.append(_control_diagnostic(loc, _CONTROL.findall(value)[0]))
                return YScalar(value, loc, mark.index, node.end_mark.index, node.style)
            return self.scalar(node, loc)
        if cls is _SequenceNode:
            if node.tag != _SEQ:
                self.unsupported_tag(node.tag, loc)
            walk = self.walk
            return YSeq([walk(item) for item in node.value], loc)
        if node.tag != _MAP:
            self.unsupported_tag(node.tag, loc)
        items: dict[str, YNode] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            key_loc = Location(self.display, key_mark.line + 1, key_mark.column + 1)
            if key_node.__class__ is not _ScalarNode:
                self.diagnostics.append(
                    Diagnostic.make(
                        "HTHC103", key_loc, "a key must be a plain word, not a list or mapping"
                    )
                )
                continue
            if key_node.tag == _MERGE:
                self.diagnostics.append(
                    Diagnostic.make(
                        "HTHC004",
                        key_loc,
                        "merge keys ('<<') are not supported",
                        hint="write the keys out in this mapping",
                    )
                )
                continue
            name = str(key_node.value)
            if name in keys:
                first = keys[name]
                self.diagnostics.append(
                    Diagnostic.make(
                        "HTHC003",
                        key_loc,
                        f"the key '{name}' appears twice in this mapping; the first is at "
                        f"line {first.line}",
                        hint="keep one of them: other YAML tools would silently use the last one",
                        related=(first,),
                    )
                )
                continue
            keys[name] = key_loc
            items[name] = self.walk(value_node)
        return YMap(items, keys, loc)

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> YScalar:
        tag = node.tag
        value: Any
        if tag in _SCALAR_TAGS:
            try:
                value = _constructor.yaml_constructors[tag](_constructor, node)
            except (ValueError, yaml.YAMLError):
                value = InvalidScalar(node.value, tag)
        else:
            self.unsupported_tag(tag, loc)
            value = node.value
        return YScalar(value, loc, node.start_mark.index, node.end_mark.index, node.style)

    def unsupported_tag(self, tag: str, loc: Location) -> None:
        self.diagnostics.append(
            Diagnostic.make(
                "HTHC008",
                loc,
                f"the tag '{_as_written(tag)}' is not supported",
                hint="remove the tag; hthc files hold plain text, numbers, dates and lists",
            )
        )

    def report_aliases(self) -> None:
        """Aliases are refused; an alias reuses a node, so it is never expanded here."""
        if self.alias_reported:
            return
        self.alias_reported = True
        reported: set[str | None] = set()
        for event in yaml.parse(self.source.text, Loader=_Loader):
            mark = event.start_mark
            if (isinstance(event, yaml.AliasEvent) and mark is not None
                    and event.anchor not in reported):
                reported.add(event.anchor)
                self.diagnostics.append(
                    Diagnostic.make(
                        "HTHC004",
                        Location(self.source.display, mark.line + 1, mark.column + 1),
                        f"the alias '*{event.anchor}' repeats a value; hthc files do not use "
                        "anchors and aliases",
                        hint="write the value out where it is needed",
                    )
                )


def _as_written(tag: str) -> str:
    """'tag:yaml.org,2002:python/object' as it stands in the file: '!!python/object'."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


ALIASED: Any = type("Aliased", (), {"__repr__": lambda self: "<alias>"})()
"""Stands where an alias was: already reported, and not to be reported again."""


@dataclass(frozen=True, slots=True)
class InvalidScalar:
    """A scalar that looks like a date or number but is not a valid one (e.g. 2024-13-45)."""

    text: str
    tag: str


def scalar_kind(value: Any) -> str:
    """The plain-words name of a value's type, with its article, for messages."""
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if value is None:
        return "an empty value"
    if isinstance(value, InvalidScalar):
        return "an invalid date" if value.tag.endswith("timestamp") else "an invalid number"
    return "text"
