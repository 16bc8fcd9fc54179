"""Diagnostics as plain data, and the table of every check code.

The table is the single list of what `hthc check` can report; `docs/checks.md` is written
from it and a test keeps the two in step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from hthc_cli.base.suggest import printable


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Location(NamedTuple):
    """A place in a file; line and column count from 1, columns in characters.

    A tuple, since a large workspace makes one for every value it reads.
    """

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    fix: str


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

CODES: dict[str, Code] = _codes(
    # Files and YAML
    Code("HTHC001", "yaml-syntax", E, "The file is not valid YAML.",
         "Look at the line shown and the one above it: indentation, a missing ':' or an "
         "unquoted ':' inside a value are the usual causes."),
    Code("HTHC002", "tab-indent", E, "A line is indented with a tab.",
         "YAML indents with spaces only; replace the tab with spaces."),
    Code("HTHC003", "duplicate-key", E, "A key appears twice in the same mapping.",
         "Keep one. YAML readers silently keep the last one, so the first is lost."),
    Code("HTHC004", "alias", E, "An anchor/alias (&name, *name) or merge key (<<) is used.",
         "Write the value out. Aliases are refused so that a small file cannot expand into "
         "a huge one."),
    Code("HTHC005", "not-utf8", E, "The file is not UTF-8.",
         "Save it as UTF-8 from your editor."),
    Code("HTHC006", "file-too-large", E, "The file is larger than hthc reads (16 MiB).",
         "Split a positions file into several files in the same folder. A source or a "
         "response is one file: the limit holds over ten thousand recommendations, so look "
         "for pasted data, an image or text repeated by mistake."),
    Code("HTHC007", "control-character", E,
         "The text holds a control character that a Word document cannot hold, or an "
         "invisible line break (U+2028, U+2029, U+0085) that YAML counts as a new line and "
         "editors do not, which puts every later line number off.",
         "Delete the character; it usually comes from text pasted from a PDF, Word or a web "
         "page."),
    Code("HTHC008", "unsupported-tag", E, "A YAML tag (!something) is used.",
         "Remove the tag; hthc files hold plain text, numbers, dates and lists."),
    Code("HTHC009", "empty-file", W, "The file is empty or holds no items.",
         "Add content, or delete the file."),
    Code("HTHC010", "unreadable-file", E, "The file cannot be read.",
         "Check the file's permissions."),
    Code("HTHC011", "odd-space", E,
         "A line is indented with, or a key is followed by, a space that is not the plain "
         "one (a no-break space U+00A0, a thin space, …), which YAML does not count as space.",
         "Replace it with a plain space; such spaces come from text pasted from Word or a web "
         "page."),
    Code("HTHC012", "skipped-file", W,
         "Something in a workspace folder that hthc does not read: a link to a folder, a "
         "link whose target does not exist, or a YAML name that is not a file (a named "
         "pipe, a socket, a device).",
         "Put the file or folder itself in its place, or link each file instead of a "
         "folder: hthc follows links to files but not to folders, so that it never reads "
         "the same files twice, or in a loop. Delete a link that points nowhere."),
    # Schema
    Code("HTHC101", "unknown-key", E, "A key that this kind of file does not have.",
         "Check the spelling (the hint suggests the nearest known key) or remove it."),
    Code("HTHC102", "missing-key", E, "A required key is missing.",
         "Add the key with a value."),
    Code("HTHC103", "wrong-type", E,
         "A value of the wrong kind: a list where text belongs, text where a list belongs.",
         "Write the value in the form the message names."),
    Code("HTHC104", "invalid-value", E, "A value that is not one of the allowed ones.",
         "Use one of the values the message lists."),
    Code("HTHC105", "invalid-date", E, "A date that is not a real date in YYYY-MM-DD form.",
         "Write dates as YYYY-MM-DD, for example 2024-08-06."),
    Code("HTHC106", "unknown-language", E,
         "A text is given in a language that hthc.yaml does not list.",
         "Use one of the languages in hthc.yaml, or add the language there."),
    Code("HTHC107", "invalid-id", E,
         "An id that is not a letter followed by letters, digits, '-', '_' or '.'.",
         "Use ids such as SSK-2024-DIGI: no spaces, start with a letter."),
    Code("HTHC108", "invalid-format", E, "A web address or email address is malformed.",
         "Web addresses start with https:// (or http://); emails look like name@example.dk."),
    Code("HTHC109", "empty-value", E, "A required value is empty.",
         "Fill it in, or remove the key if it is optional."),
    Code("HTHC110", "missing-file", E,
         "A file or folder named in the workspace does not exist: hthc.yaml's "
         "`reference_doc` or `templates`, or a response's `template`.",
         "Correct the name (paths are relative to the folder of hthc.yaml; templates are "
         "looked for in the workspace's templates folder, then among the built-in ones), or "
         "add the file."),
    # Identity and references
    Code("HTHC201", "duplicate-id", E, "Two items share an id.",
         "Ids are unique across the workspace: rename one of them."),
    Code("HTHC202", "unknown-recommendation", E,
         "A position addresses a recommendation id that does not exist.",
         "Correct the id (the hint suggests the nearest one) or add the recommendation."),
    Code("HTHC203", "unknown-source", E, "A response names a source id that does not exist.",
         "Use the `id` of a source in recommendations/."),
    Code("HTHC204", "unknown-position", E, "A response lists a position id that does not exist.",
         "Correct the id (the hint suggests the nearest one) or add the position."),
    Code("HTHC205", "unknown-link", E, "A [[ID]] link points at no recommendation or position.",
         "Correct the id inside [[…]]."),
    Code("HTHC206", "unknown-citation", E, "A [@key] citation names no entry in references.yaml.",
         "Correct the key or add the reference to references.yaml."),
    Code("HTHC207", "addresses-empty", E,
         "A position addresses no recommendation, yet is neither a new proposal nor a general "
         "remark of a response.",
         "List the recommendation ids it answers in `addresses`, set `stance: new-proposal`, "
         "or list it under a response's `general`."),
    Code("HTHC208", "off-source-position", W,
         "A response's `specific` lists a position that addresses none of the source's "
         "recommendations.",
         "Move it to `general`, or make it address a recommendation of this source."),
    Code("HTHC209", "listed-twice", W, "A response lists the same position twice.",
         "Keep it in one place: `general` or `specific`."),
    # Content
    Code("HTHC301", "missing-translation", W,
         "A text lacks one of the workspace's languages.",
         "Add the missing language; rendering in that language fails until you do."),
    Code("HTHC302", "placeholder", W, "Placeholder text such as TODO, TBD or XXX.",
         "Replace it with the real text before the response is sent."),
    Code("HTHC303", "unaddressed-recommendation", W,
         "A recommendation of a source that a response answers has no position.",
         "Add a position that addresses it, even a neutral one."),
    Code("HTHC304", "unused-position", I, "A position that no response uses.",
         "Nothing to do unless it should be in a response."),
    Code("HTHC305", "unapproved-position", W,
         "A response includes a position that is not approved (an error with --release).",
         "Set `status: approved` once the position has been approved."),
    Code("HTHC306", "past-deadline", I, "A response's hearing deadline has passed.",
         "Nothing to do if the response was sent; otherwise check the deadline."),
    Code("HTHC307", "no-labels", W,
         "hthc.yaml lists a language that hthc has no built-in labels for (the fixed words "
         "of a response: 'Dato', 'Med venlig hilsen', …), so it cannot render in it.",
         "Use a language hthc has labels for, or leave the language out until it does."),
    Code("HTHC308", "markdown-not-rendered", W,
         "Markdown that will not come out in the document as intended: raw HTML or an HTML "
         "comment (printed as text), a heading inside a text (it would become a heading of "
         "the whole response), a footnote with no text, a [[ link ]] with spaces, a code "
         "block or ::: block that is never closed (it runs to the end of the text), a table "
         "row with more cells than its header (they are dropped), a table too wide for a "
         "page, a list nested deeper than Word's 9 levels (printed at the ninth), a footnote "
         "inside a footnote (printed in parentheses inside the outer note).",
         "Follow the hint: use **bold** for a lead-in, write the footnote's text as "
         "'[^1]: …', remove the HTML, write [[ID]] without spaces, close the block, match "
         "the table's cells to its header, nest less deeply."),
    Code("HTHC309", "comment-in-text", W,
         "A text stops at ' #': YAML reads the rest of the line as a comment and drops it.",
         "Put the text in quotes, or write it as a block (|), to keep the '#'."),
    Code("HTHC310", "markdown-not-printable", E,
         "Lists and quotes nested so deep that the text cannot be read whole.",
         "Nest less deeply."),
    Code("HTHC311", "title-on-several-lines", W,
         "A title, name or other one-line text holds a line break; it is printed as one line.",
         "Write it on one line (a YAML block '|' keeps line breaks; a plain or quoted value "
         "does not need one)."),
    Code("HTHC312", "missing-for-template", E,
         "A response lacks a key that its template needs: the built-in response template "
         "(the default) needs `closing` and `signatory`; the brief needs neither. A template "
         "says what it needs in a comment at its top, `{#- needs: closing, signatory -#}`.",
         "Add the key, or give the response a template that does not need it "
         "(`template: brief` for a response that is only rendered as a brief)."),
    Code("HTHC313", "template-error", E,
         "A template in the workspace's templates folder does not compile: a Jinja syntax "
         "error, a filter or test that does not exist, or a name that is not in the "
         "template's context (docs/templates.md lists them).",
         "Correct the template at the line shown: close the tag or block, use the filter, "
         "test or name the hint suggests."),
    Code("HTHC316", "open-review-comment", I,
         "A reviewer's comment on a response (reviews/) is still open; it is shown again in "
         "the next document (an error with --release).",
         "Deal with the comment (change the text, or answer it in Word), then set "
         "`status: resolved` on it."),
    Code("HTHC320", "unknown-review-target", W,
         "A reviews file names a response that does not exist, or a comment is on a text "
         "(file, item, field) the workspace does not have; it cannot be shown in a document.",
         "Correct the id (the hint suggests the nearest one), or set `status: resolved` on a "
         "comment whose text is gone."),
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    location: Location
    message: str
    hint: str | None = None
    related: tuple[Location, ...] = field(default=())

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @classmethod
    def make(
        cls,
        code: str,
        location: Location,
        message: str,
        *,
        hint: str | None = None,
        related: tuple[Location, ...] = (),
        severity: Severity | None = None,
    ) -> Diagnostic:
        return cls(code, severity or CODES[code].severity, location, message, hint, related)

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code)
