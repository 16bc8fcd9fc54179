"""Read one YAML file into located nodes, reporting every file-level problem.

PyYAML's composer (libyaml's when present) gives a node graph with marks; we walk it into
`YMap`/`YSeq`/`YScalar` that keep file, line and column, and catch what PyYAML lets pass:
duplicate keys, aliases (and so alias bombs), tags, control characters, tabs, and the
invisible characters of text pasted from Word or a web page (line separators, no-break spaces
in the indentation), which would otherwise put every later location off or end in a
confusing syntax error.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from hthc_cli.base.diagnostics import Diagnostic, Location
from hthc_cli.base.suggest import character_name, printable

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is optional
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Keeps a stray data dump from stalling CI. A source is one file that cannot be split: at
about 1 KB per bilingual recommendation, this holds over ten thousand, many times the
largest real report."""

_SMALLER = {
    "positions": "split it into several files in the positions folder",
    "recommendations": "a source is one file and cannot be split, and the limit holds over "
    "ten thousand recommendations: look for pasted data, an image or text repeated by mistake",
}
"""How to make a file of each folder smaller; a file of any other kind cannot be split."""
_A_FILE = {"responses": "a response", "reviews": "a response's review comments"}

# C0 controls but tab/newline/carriage return, DEL, C1 controls and non-characters:
# XML 1.0 (and so Word) cannot hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_TAB_INDENT = re.compile(r"^( *)\t", re.MULTILINE)
_LINE_END = re.compile(r"\r\n?|\n")

_LINE_BREAKS = {
    "\x85": "U+0085 (next line)",
    "\u2028": "U+2028 (line separator)",
    "\u2029": "U+2029 (paragraph separator)",
}
"""Line breaks to libyaml, not to editors: left in, every later line number would be off."""

ODD_SPACES = ("\xa0", "\u202f", "\u2002", "\u2003", "\u2007", "\u2009", "\u3000")
"""Spaces that look like the plain one but are not YAML whitespace."""
_INDENT = re.compile(r"[ \t]*(?:-[ \t]+)*\Z")
_KEY_BEFORE = re.compile(r"[ \t]*(?:-[ \t]+)*[A-Za-z_][A-Za-z0-9_-]*:\Z")
_TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a"
_VALUE_ON_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*[^\s:#][^:#]*:[ \t]+(?P<value>\S)")

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
_NULL = "tag:yaml.org,2002:null"
_NULL_VALUE = re.compile(r"(?:~|null|Null|NULL|)\Z")
_ANCHOR = re.compile(r"&\S*\s*")
_TAG_KINDS = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a yes/no value",
    _NULL: "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
"""What each tag that hthc reads makes of a value, in plain words."""
_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_constructor = yaml.constructor.SafeConstructor()


class LineIndex:
    """Turns a character offset in a file's text into a 1-based line and column."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        if "\r" in text:
            # A carriage return alone ends a line too, to YAML as to editors (old Mac files)
            starts += [match.end() for match in _LINE_END.finditer(text)]
            self._starts = starts
            return
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def line_starts(self) -> list[int]:
        return self._starts

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
    hides_items: bool = False
    """Items were merged into others (a list item's '- ' is missing): some ids are lost."""
    _lines: LineIndex | None = field(default=None, repr=False)

    def release(self) -> None:
        """Drop the text and the tree; `locate` then gives the file's first line."""
        self.text, self.root, self._lines = "", None, None

    def locate(self, offset: int) -> Location:
        if self._lines is None:  # only a file with something to report needs it
            self._lines = LineIndex(self.text)
        line, col = self._lines.position(offset)
        return Location(self.display, line, col)

    def locate_in(self, node: YScalar, needle: str | re.Pattern[str], nth: int = 0) -> Location:
        """Where `needle` (its `nth` occurrence) stands inside a scalar in the file.

        `needle` is a string, or a pattern when a match must stand on its own: '@key' but
        not the start of '@key-2023'. A block scalar's header ('|', '>-') is not searched.
        """
        begin = node.start
        if node.style in ("|", ">"):
            begin = self.text.find("\n", begin, node.end) + 1 or begin
        if isinstance(needle, re.Pattern):
            for i, match in enumerate(needle.finditer(self.text, begin, node.end)):
                if i == nth:
                    return self.locate(match.start())
            return node.loc
        pos = begin - 1
        for _ in range(nth + 1):
            pos = self.text.find(needle, pos + 1, node.end)
            if pos == -1:
                return node.loc
        return self.locate(pos)


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def not_a_file(path: Path) -> str | None:
    """Why `path` is not read as a file ('a link to a folder'), or None if it is one.

    Asks the file system only: a named pipe is never opened, as the read would block.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"a link to '{os.readlink(path)}', which does not exist,"
        return None  # gone since the folder was listed: the read says so
    except OSError as exc:
        if path.is_symlink():
            return f"a link that cannot be followed ({exc.strerror}),"
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        if path.is_symlink():
            return "a link to a folder"
        return "a folder"
    for test, name in _SPECIAL_FILES:
        if test(mode):
            return f"{name}, not a file,"
    return "not a file,"  # pragma: no cover - every kind of file is named above


def skipped_file(path: Path, display: str, why: str) -> Diagnostic:
    """The warning for something in the workspace that is not read, and why not."""
    name = printable(path.name)
    if why == "a link to a folder":
        message = (f"'{name}' is a link to a folder; hthc does not follow links to folders, "
                   "so nothing in it is read")
        hint = "move or copy the folder itself here, or link each file instead"
    elif why.startswith("a link"):
        message = f"'{name}' is {why} so nothing is read"
        hint = "correct the link, or delete it"
    else:
        message = f"'{name}' is {why} so it is not read"
        hint = "put the text in a plain file" if why != "a folder" else (
            "give the folder a name without .yaml, or move the file out of it")
    return Diagnostic.make("HTHC012", Location(display), message, hint=hint)


def read_source(
    path: Path, display: str, diagnostics: list[Diagnostic], kind: str = "hthc.yaml"
) -> SourceFile | None:
    """Read and compose one file; problems go to `diagnostics`. None when nothing is usable.

    `kind` is the folder the file is in ('positions'), or the file's name at the top.
    """
    whole_file = Location(display, 1, 1)
    skipped = not_a_file(path)
    if skipped is not None:
        diagnostics.append(skipped_file(path, display, skipped))
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.append(
                Diagnostic.make(
                    "HTHC006",
                    whole_file,
                    f"the file is {size:,} bytes; hthc reads files up to "
                    f"{MAX_FILE_BYTES // 1048576} MiB ({MAX_FILE_BYTES:,} bytes)",
                    hint=_SMALLER.get(kind) or (
                        f"{_A_FILE.get(kind, 'this file')} is one file and cannot be split: look "
                        "for pasted data, an image or text repeated by mistake"),
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
    # Cheap `in` tests first: a clean file pays a few scans of its text, no more.
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _report_line_breaks(source, diagnostics)
    if any(space in text for space in ODD_SPACES):
        text = _report_odd_spaces(source, diagnostics)
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
        diagnostic = _syntax_diagnostic(exc, source)
        if diagnostic.location.line not in tab_lines:
            diagnostics.append(diagnostic)
        return source
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error carries a mark
        diagnostics.append(Diagnostic.make("HTHC001", whole_file, f"YAML syntax error: {exc}"))
        return source
    if node is None:
        return source
    source.root = _Walker(source, diagnostics).walk(node)
    if "&" in text and _may_hold_an_anchor(text):
        _report_lone_anchors(source, diagnostics)
    return source


def _report_line_breaks(source: SourceFile, diagnostics: list[Diagnostic]) -> str:
    """Report U+2028, U+2029 and U+0085 where an editor shows them; read them as spaces."""
    text = source.text
    for char, name in _LINE_BREAKS.items():
        for pos in _positions(text, char):
            diagnostics.append(
                Diagnostic.make(
                    "HTHC007",
                    source.locate(pos),
                    f"an invisible line-break character {name}: YAML starts a new line "
                    "here, your editor does not",
                    hint="delete it; it comes from text pasted from Word or a web page",
                )
            )
    source.text = text.translate(_LINE_BREAKS_AS_SPACES)
    return source.text


_LINE_BREAKS_AS_SPACES = str.maketrans(dict.fromkeys(_LINE_BREAKS, " "))


def _positions(text: str, char: str) -> Iterator[int]:
    pos = text.find(char)
    while pos != -1:
        yield pos
        pos = text.find(char, pos + 1)


def _report_odd_spaces(source: SourceFile, diagnostics: list[Diagnostic]) -> str:
    """Report a no-break (or other odd) space in the indentation or right after 'key:'.

    YAML does not count them as spaces, so the line would end in a syntax error on this
    line or the next. They are read as plain spaces, to find the file's other problems.
    """
    text = source.text
    indents: dict[int, int] = {}  # line start -> the first odd space in its indentation
    after_key: list[int] = []
    for space in ODD_SPACES:
        for pos in _positions(text, space) if space in text else ():
            start = text.rfind("\n", 0, pos) + 1
            if _INDENT_RUN.match(text, start, pos).end() == pos:  # type: ignore[union-attr]
                if (pos < indents.get(start, pos + 1)
                        and _INDENT.match(text[start:pos].translate(_ODD_AS_SPACES))):
                    indents[start] = pos
            elif _KEY_BEFORE.match(text, start, pos):
                after_key.append(pos)
    if not indents and not after_key:
        return text
    chars = list(text)
    found = [(pos, start, True) for start, pos in indents.items()]
    found += [(pos, text.rfind("\n", 0, pos) + 1, False) for pos in after_key]
    for pos, start, indented in sorted(found):
        if indented:
            where = "in the indentation; YAML indents with plain spaces only"
            end = _INDENT_RUN.match(text, start).end()  # type: ignore[union-attr]
        else:
            where = (f"after '{text[start:pos].strip(' -')}'; YAML needs a plain space "
                     "after the ':'")
            end = pos + 1
        diagnostics.append(
            Diagnostic.make(
                "HTHC011",
                source.locate(pos),
                f"{character_name(text[pos])} {where}",
                hint="replace it with a plain space; it comes from text pasted from Word or "
                "a web page",
            )
        )
        for i in range(pos, end):
            if chars[i] in ODD_SPACES:
                chars[i] = " "
    source.text = "".join(chars)
    return source.text


_ODD_AS_SPACES = str.maketrans(dict.fromkeys(ODD_SPACES, " "))
_INDENT_RUN = re.compile("[ \t\\-" + "".join(ODD_SPACES) + "]*")


def _may_hold_an_anchor(text: str) -> bool:
    """Whether an '&' starts a word after a space or '[{,': 'R&D' and URLs do not."""
    for pos in _positions(text, "&"):
        after = text[pos + 1:pos + 2]
        if (pos == 0 or text[pos - 1] in " \t\n[{,") and after.strip(",[]{} \t\r\n"):
            return True
    return False


def _report_lone_anchors(source: SourceFile, diagnostics: list[Diagnostic]) -> None:
    """Anchors on a value that no alias uses: YAML drops `&word` from the start of a text.

    (Anchors that aliases use are reported with the aliases.)
    """
    anchors: list[tuple[str, Any]] = []
    aliased: set[str | None] = set()
    try:
        for event in yaml.parse(source.text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                aliased.add(event.anchor)
            elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                anchors.append((event.anchor, event.start_mark))
    except yaml.YAMLError:  # pragma: no cover - the file composed without error
        return
    for anchor, mark in anchors:
        if anchor not in aliased:
            diagnostics.append(
                Diagnostic.make(
                    "HTHC004",
                    Location(source.display, mark.line + 1, mark.column + 1),
                    f"a value that starts with '&' must be in quotes: YAML reads '&{anchor}' "
                    "as an anchor and leaves it out of the text",
                    hint='put the whole value in quotes ("…")',
                )
            )


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


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, source: SourceFile) -> Diagnostic:
    problem = (exc.problem or "the YAML cannot be read").strip()
    context = (exc.context or "").strip()
    text = source.text
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and (
        "quoted scalar" in context or "an alias" in context or "an anchor" in context
    ):
        mark = exc.context_mark  # where the quote, alias or anchor starts
    loc = Location(source.display, mark.line + 1, mark.column + 1) if mark else Location(
        source.display)
    index = mark.index if mark else 0
    if loc.line > len(LineIndex(text).line_starts()):  # past the end: no break on the last line
        loc = source.locate(min(index, len(text)))
    hint = None
    found = _misplaced_key(exc, text)
    if found is not None:
        offset, message, hint = found
        return Diagnostic.make("HTHC001", source.locate(offset), message, hint=hint)
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        char = "*" if "alias" in context else "&"
        message = f"a value that starts with '{char}' must be in quotes"
        hint = (f"YAML reads '{char}' at the start of a value as an "
                + ("alias" if char == "*" else "anchor")
                + '; put the whole value in quotes ("…")')
    elif "found undefined alias" in problem and _words_follow(text, index):
        message = "a value that starts with '*' must be in quotes"
        hint = ("YAML reads '*' at the start of a value as an alias; "
                'put the whole value in quotes ("…")')
    elif "cannot start any token" in problem and text[index:index + 1] in ("@", "`", "%"):
        char = text[index]
        message = f"a value that starts with '{char}' must be in quotes"
        hint = (f"'{char}' cannot start a value in YAML; "
                'put the whole value in quotes ("…")')
    elif "expected a single document" in context:
        message = "the file holds more than one YAML document ('---')"
        hint = "keep one document per file: remove the second '---' or move it to its own file"
    elif "mapping values are not allowed" in problem:
        message = "a ':' inside a value that is not quoted"
        hint = 'put the value in quotes ("…") or use a block scalar (|)'
        start = text.rfind("\n", 0, index) + 1
        value = _VALUE_ON_LINE.match(text, start, index)
        if value and value.group("value") in _TYPOGRAPHIC_QUOTES:
            hint = ("typographic quotes such as “ ” are not YAML quotes: put the whole value "
                    'in straight quotes ("…")')
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


_KEY_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w.-]*)"
                       r":(?:[ \t]+(?P<value>\S.*)|[ \t]*(?:#.*)?$)")
_GLUED = re.compile(r" *(?:- +)*(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s/:][^\r]*)$")


def _lines(text: str, first: int, last: int) -> list[tuple[int, str]]:
    """Lines `first` to `last` (0-based, both included) with the offset each starts at."""
    starts = [*LineIndex(text).line_starts(), len(text)]
    return [(starts[n], text[starts[n]:starts[n + 1]].rstrip("\r\n"))
            for n in range(first, min(last + 1, len(starts) - 1))]


def _misplaced_key(
    exc: yaml.MarkedYAMLError, text: str
) -> tuple[int, str, str] | None:
    """The key a syntax error is really about, said in words: where, what and how to fix.

    A key glued to its value ('stance:support'), indented in line with no key above it,
    or indented under a one-line value (which YAML then reads as more of that value).
    """
    problem, mark, context_mark = exc.problem or "", exc.problem_mark, exc.context_mark
    if mark is None:
        return None
    glued = ("could not find expected ':'" in problem
             or "mapping values are not allowed" in problem)
    if glued:
        first = context_mark.line if context_mark is not None else max(mark.line - 1, 0)
        for start, line in _lines(text, first, mark.line - 1):
            match = _GLUED.match(line)
            if match:
                key, value = match["key"], match["value"].strip()
                return (start + match.end("key"),
                        f"'{key}:{_shorten(value, 30)}' has no space after ':', so YAML "
                        "reads it as one word",
                        f"write '{key}: {_shorten(value, 30)}', with a space after the ':'")
    lines = _lines(text, 0, mark.line)
    if len(lines) <= mark.line:
        return None
    here_start, here = lines[mark.line]
    this = _KEY_LINE.match(here)
    if this is None:
        return None
    column = len(this["indent"]) + len(this["dashes"])
    key = this["key"]
    if "mapping values are not allowed" in problem:
        # '    stance: support' then '     addresses: …': one more space makes the key
        # a second line of 'support'.
        for number in range(mark.line - 1, -1, -1):
            line = lines[number][1]
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            above = _KEY_LINE.match(line)
            if (above is None or above["value"] is None or above["value"][0] in "|>"
                    or len(above["indent"]) + len(above["dashes"]) >= column
                    or mark.index != here_start + this.end("key")):
                return None
            width = len(above["indent"]) + len(above["dashes"])
            return (here_start + column,
                    f"'{key}' is indented more than '{above['key']}' on line "
                    f"{number + 1}, so YAML reads it as more of the value of '{above['key']}'",
                    f"indent it {width} spaces, like '{above['key']}'")
        return None
    if not ("did not find expected key" in problem
            or "did not find expected '-'" in problem) or context_mark is None:
        return None
    if mark.index != here_start + column:
        return None
    # The keys above, back to the start of the mapping or list YAML was reading: the
    # nearest at each indentation is what this line could line up with.
    keys: dict[int, tuple[str, int]] = {}
    for number in range(mark.line - 1, context_mark.line - 1, -1):
        above = _KEY_LINE.match(lines[number][1])
        if above is not None:
            width = len(above["indent"]) + len(above["dashes"])
            keys.setdefault(width, (above["key"], number + 1))
    less = [w for w in keys if w < column]
    more = [w for w in keys if w > column]
    options = [w for w in (max(less, default=None), min(more, default=None)) if w is not None]
    if not options:
        return None
    hint = "indent it " + ", or ".join(
        f"{w} spaces, like '{keys[w][0]}' on line {keys[w][1]}" for w in options)
    return (here_start + column,
            f"'{key}' is indented {column} spaces, in line with no key above it, so YAML "
            "cannot tell where it belongs", hint)


def _words_follow(text: str, index: int) -> bool:
    """Whether more words follow the '*name' at `index` on its line: text, not an alias."""
    end = text.find("\n", index)
    rest = text[index:end if end != -1 else len(text)].split("#", 1)[0].split()
    return len(rest) > 1


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
            return YScalar(REPORTED, loc, mark.index, node.end_mark.index)
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
        new_item: Location | None = None  # where an item whose '- ' is missing starts
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
                if new_item is None and name == next(iter(keys)) and self.list_item(node):
                    new_item = key_loc
                    self.source.hides_items = True
                self.diagnostics.append(self.duplicate(name, key_loc, first, new_item))
                continue
            keys[name] = key_loc
            items[name] = self.walk(value_node)
        return YMap(items, keys, loc)

    def list_item(self, node: Any) -> bool:
        """Whether a mapping is an item of a block list ('- ' before its first key)."""
        text = self.source.text
        start = node.start_mark.index
        line = text[text.rfind("\n", 0, start) + 1:start]
        return line.rstrip(" ").endswith("-") and not line.strip(" -")

    @staticmethod
    def duplicate(
        name: str, loc: Location, first: Location, new_item: Location | None
    ) -> Diagnostic:
        if new_item is None:
            message = (f"the key '{name}' appears twice in this mapping; the first is at "
                       f"line {first.line}")
            hint = "keep one of them: other YAML tools would silently use the last one"
        else:
            if new_item == loc:
                message = (f"the key '{name}' appears twice in this list item (first at line "
                           f"{first.line}): did you forget '- ' before the new item?")
            else:
                message = (f"the key '{name}' appears twice in this list item (first at line "
                           f"{first.line}): it belongs to the item on line {new_item.line}, "
                           "which lacks its '- '")
            hint = (f"start the new item with '- ' on line {new_item.line}, lined up with "
                    "the '- ' of the item above")
        return Diagnostic.make("HTHC003", loc, message, hint=hint, related=(first,))

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> YScalar:
        tag = node.tag
        value: Any
        start, end = node.start_mark.index, node.end_mark.index
        if tag not in _SCALAR_TAGS:
            self.unsupported_tag(tag, loc)
            return YScalar(node.value, loc, start, end, node.style)
        try:
            value = _constructor.yaml_constructors[tag](_constructor, node)
            fits = tag != _NULL or _NULL_VALUE.match(node.value) is not None
        # PyYAML's constructors trust the resolver: given a tag the value does not match,
        # each fails its own way ('!!bool x' a KeyError, '!!timestamp x' an AttributeError).
        except (ValueError, LookupError, AttributeError, TypeError, OverflowError,
                yaml.YAMLError):
            value, fits = InvalidScalar(node.value, tag), False
        if not fits and self.tagged(node):
            self.tag_does_not_fit(node, loc)
            value = REPORTED
        return YScalar(value, loc, start, end, node.style)

    def tagged(self, node: yaml.ScalarNode) -> bool:
        """Whether the file gives the value's tag ('!!int 5'), rather than YAML guessing it."""
        text = self.source.text
        start = node.start_mark.index
        if text.startswith("&", start):  # an anchor may come before the tag
            start = _ANCHOR.match(text, start).end()  # type: ignore[union-attr]
        return text.startswith("!", start)

    def tag_does_not_fit(self, node: yaml.ScalarNode, loc: Location) -> None:
        tag = _as_written(node.tag)
        value = node.value
        shown = "the empty value" if not value else f"'{_shorten(value)}'"
        self.diagnostics.append(
            Diagnostic.make(
                "HTHC008",
                loc,
                f"the tag '{tag}' says {shown} is {_TAG_KINDS[node.tag]}, but it is not one",
                hint=f"remove '{tag}': hthc needs no tags, it reads text, numbers and dates "
                "as written",
            )
        )

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


def _shorten(value: str, width: int = 40) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _as_written(tag: str) -> str:
    """'tag:yaml.org,2002:python/object' as it stands in the file: '!!python/object'."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


REPORTED: Any = type("Reported", (), {"__repr__": lambda self: "<reported>"})()
"""Stands for a value already reported (an alias, a tag that does not fit the value): not to
be reported again."""


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
