"""The comments of a review kept in `reviews/<response-id>.yaml`.

Each Word comment is one entry with a stable id (`RC-` and ten hex digits of the SHA-256 of
its author, date, anchor and body), so importing the same document twice adds nothing. An
entry already in the file is only ever changed at one span: `status: open` becomes
`resolved` when the comment was resolved in Word, and replies not yet in it are added
before its `status:` line. New entries are appended to the `comments:` list
(workspace/edit.py). Every other byte of the file stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hthc_cli.base.errors import UsageError
from hthc_cli.review.findings import Finding, ReplyFinding
from hthc_cli.workspace.source import SourceFile, YMap, YScalar, YSeq

FOLDER = "reviews"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/reviews.schema.json"
_PLAIN_START = re.compile(r"[^\W\d_]")


def _plain_reads_back(value: str) -> bool:
    """Whether `value` written plain (unquoted) on one line is read back as itself."""
    import yaml

    if not _PLAIN_START.match(value) or value != value.strip() or "\n" in value or (
            " #" in value or ": " in value or value.endswith(":")):
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


def comment_date(value: str) -> str:
    """A comment's date as ISO 8601 UTC to the second (`2026-11-30T10:15:00Z`); Word writes
    local time marked Z, LibreOffice sometimes fractions of a second or no zone."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def comment_id(author: str, date: str, anchor: str, body: str) -> str:
    key = f"{author}\n{comment_date(date)}\n{anchor}\n{body}".encode()
    return "RC-" + hashlib.sha256(key).hexdigest()[:10]


def _scalar(value: str, indent: int) -> str:
    """A YAML scalar for `value`: plain when safe, a `|` block for several lines, else
    double-quoted (JSON's escapes are YAML's)."""
    if _plain_reads_back(value):
        return value
    lines = value.split("\n")
    if len(lines) > 1 and all(line == line.strip(" ") or not line.startswith(" ")
                              for line in lines) and value == value.strip() and (
            not any(c in value for c in "\r\t\x85\u2028\u2029\ufeff")) and lines[0]:
        pad = " " * indent
        return "|-\n" + "\n".join(pad + line if line else "" for line in lines)
    return json.dumps(value, ensure_ascii=False)


def _quoted_date(value: str) -> str:
    return "'" + comment_date(value) + "'"


def _reply_lines(reply: ReplyFinding, indent: int) -> str:
    pad = " " * indent
    return (f"{pad}- author: {_scalar(reply.author, indent + 4)}\n"
            f"{pad}  date: {_quoted_date(reply.date)}\n"
            f"{pad}  body: {_scalar(reply.body, indent + 4)}\n")


def entry_text(finding: Finding, initials: str | None) -> str:
    """A new entry, written as `- id: …` at column 0 with two-space levels."""
    assert finding.author is not None and finding.date is not None
    lines = [f"- id: {_entry_id(finding)}",
             f"  author: {_scalar(finding.author, 4)}"]
    if initials:
        lines.append(f"  initials: {_scalar(initials, 4)}")
    lines.append(f"  date: {_quoted_date(finding.date)}")
    lines.append(f"  anchor: {_scalar(finding.anchor or '', 4)}")
    if finding.item is not None and finding.line is not None:
        lines.append("  target:")
        for key in ("file", "item", "field", "language"):
            value = {"file": finding.path, "item": finding.item, "field": finding.field,
                     "language": finding.language}[key] or ""
            lines.append(f"    {key}: {_scalar(value, 6)}")
    lines.append(f"  body: {_scalar(finding.body or '', 4)}")
    text = "\n".join(lines) + "\n"
    if finding.replies:
        text += "  replies:\n" + "".join(_reply_lines(r, 4) for r in finding.replies)
    return text + f"  status: {'resolved' if finding.resolved else 'open'}\n"


def _entry_id(finding: Finding) -> str:
    return comment_id(finding.author or "", finding.date or "", finding.anchor or "",
                      finding.body or "")


@dataclass(slots=True)
class Stored:
    path: Path
    text: str | None
    """The file's new text; None when nothing changes."""
    bom: bool
    added: int = 0
    resolved: int = 0
    replies: int = 0


def store_comments(root: Path, response: str, findings: list[Finding],
                   initials: dict[str, str]) -> Stored:
    """The reviews file of `response` with the comments of `findings` in it."""
    from hthc_cli.workspace.edit import append_entry, read_for_edit

    comments = [f for f in findings if f.kind == "comment" and f.author is not None]
    path = root / FOLDER / f"{response}.yaml"
    display = f"{FOLDER}/{response}.yaml"
    if not path.exists():
        if not comments:
            return Stored(path, None, False)
        text = (f"{SCHEMA_LINE}\nresponse: {_scalar(response, 2)}\ncomments:\n"
                + "".join(_indent(entry_text(f, initials.get(f.comment_id or ""))) for f in
                          _unique(comments)))
        return Stored(path, text, False, added=len(_unique(comments)))
    source, bom = read_for_edit(path, display)
    stored = Stored(path, None, bom)
    root_node = source.root
    existing: dict[str, YMap] = {}
    if isinstance(root_node, YMap):
        seq = root_node.items.get("comments")
        if isinstance(seq, YSeq):
            for item in seq.items:
                if isinstance(item, YMap) and isinstance(item.items.get("id"), YScalar):
                    existing[str(item.items["id"].value)] = item  # type: ignore[union-attr]
    text = source.text
    original = text
    edits: list[tuple[int, int, str]] = []
    for finding in _unique(comments):
        entry = existing.get(_entry_id(finding))
        if entry is None:
            continue
        edits += _updates(source.text, display, entry, finding, stored)
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    if edits:
        source = _reread(path, display, text)
    for finding in _unique(comments):
        if _entry_id(finding) in existing:
            continue
        source.text = append_entry(source, "comments",
                                   entry_text(finding, initials.get(finding.comment_id or ""))
                                   ).text
        source = _reread(path, display, source.text)
        stored.added += 1
    if source.text != original:
        stored.text = source.text
    return stored


def _reread(path: Path, display: str, text: str) -> SourceFile:
    """`text` read as located nodes, as if it were the file (written beside it, then gone)."""
    import os
    import tempfile

    from hthc_cli.base.diagnostics import Diagnostic
    from hthc_cli.workspace.source import read_source

    handle, name = tempfile.mkstemp(suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        diagnostics: list[Diagnostic] = []
        source = read_source(Path(name), display, diagnostics)
    finally:
        os.unlink(name)
    if source is None or source.root is None or any(
            d.severity.name == "ERROR" for d in diagnostics):
        raise UsageError(f"{display} could not be updated as YAML; fix it first (hthc check "
                         "shows every problem)")
    source.path = path
    return source


def _indent(entry: str) -> str:
    return "".join(("  " + line if line else line) for line in entry.splitlines(True))


def _unique(findings: list[Finding]) -> list[Finding]:
    return list({_entry_id(f): f for f in findings}.values())


def _updates(text: str, display: str, entry: YMap, finding: Finding, stored: Stored
             ) -> list[tuple[int, int, str]]:
    """The span edits that bring an entry up to date: its status, its new replies."""
    edits: list[tuple[int, int, str]] = []
    status = entry.items.get("status")
    if finding.resolved and isinstance(status, YScalar) and status.value == "open":
        edits.append((status.start, status.end, "resolved"))
        stored.resolved += 1
    known = set()
    replies = entry.items.get("replies")
    if isinstance(replies, YSeq):
        for reply in replies.items:
            if isinstance(reply, YMap):
                known.add(tuple(str(getattr(reply.items.get(k), "value", ""))
                                for k in ("author", "body")))
    new = [r for r in finding.replies if (r.author, r.body) not in known]
    if not new:
        return edits
    if "status" not in entry.keys:
        raise UsageError(f"{display}:{entry.loc.line}: this comment has no 'status:' line, "
                         "before which its new replies are written; add 'status: open'")
    key = entry.keys["status"]
    line_start = text.rfind("\n", 0, _offset(text, key.line, key.column)) + 1
    column = key.column - 1
    lines = "".join(_reply_lines(r, column + 2) for r in new)
    if not isinstance(replies, YSeq):
        lines = " " * column + "replies:\n" + lines
    elif replies.items:
        lines = "".join(_reply_lines(r, replies.items[0].loc.column - 3) for r in new)
    edits.append((line_start, line_start, lines))
    stored.replies += len(new)
    return edits


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1
