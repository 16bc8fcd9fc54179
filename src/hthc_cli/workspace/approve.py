"""`hthc approve`: stamp positions as approved, editing only their entries.

Each position gets `status: approved` and an `approved:` mapping (who, when, the
fingerprint of what; see `fingerprint.py`), written as text into its entry: every other
byte of the file stays as it was. An existing stamp is replaced where it stands. Outside git
the stamp also keeps a copy of the approved texts, which `hthc show ID --since-approval`
compares with; in git the history has them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from hthc_cli.base.diagnostics import Diagnostic, Location
from hthc_cli.base.errors import HthcError, UsageError
from hthc_cli.base.suggest import did_you_mean
from hthc_cli.workspace.fingerprint import Stamp, format_parts, stamp
from hthc_cli.workspace.model import Position, Workspace
from hthc_cli.workspace.source import LineIndex, SourceFile, YMap, YNode, YScalar, YSeq

_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Approved:
    position: str
    file: Path
    line: int
    """The line of its `approved:` key, after the edit."""


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


def unknown_ids(ws: Workspace, ids: Sequence[str]) -> str | None:
    """Why some ids cannot be approved (they are no position), or None."""
    for item_id in ids:
        if item_id in ws.positions:
            continue
        if item_id in ws.recommendations:
            return (f"'{item_id}' is a recommendation, not a position: only positions are "
                    "approved")
        hint = did_you_mean(item_id, ws.positions)
        return f"there is no position '{item_id}'" + (f"; {hint}" if hint else "")
    return None


def refusal(errors: Sequence[Diagnostic]) -> str:
    """Why a workspace with check errors is not approved, naming the first error."""
    first = errors[0]
    more = len(errors) - 1
    return (f"nothing approved: the workspace has {len(errors)} error"
            f"{'s' * (len(errors) != 1)}, the first at {first.location}: {first.message}"
            + (f" (and {more} more)" if more else "")
            + ". Fix them first: `hthc check` shows every one.")


def approve(ws: Workspace, ids: Sequence[str], by: str, day: date,
            keep_texts: bool) -> list[Approved]:
    """Stamp the positions `ids` as approved by `by` on `day`; all files or none.

    The workspace must have been checked without errors. `keep_texts` keeps a copy of the
    approved texts in each stamp (for a workspace outside git).
    """
    if not by.strip():
        raise UsageError("--by is empty: say who approved, e.g. --by 'Hanne Winther'")
    problem = unknown_ids(ws, ids)
    if problem is not None:
        raise UsageError(problem)
    chosen = [ws.positions[i] for i in dict.fromkeys(ids)]
    by_file: dict[str, list[Position]] = {}
    for position in chosen:
        by_file.setdefault(position.file.display, []).append(position)
    planned: list[tuple[Path, str, bool]] = []
    done: list[Approved] = []
    for positions in by_file.values():
        source = positions[0].file
        bom = _unchanged_since_read(source)
        edits: list[tuple[Position, list[_Edit]]] = []
        for position in positions:
            entry = _entry(source, position.id)
            edits.append((position, _edits(source, entry, position,
                                           stamp(ws, position), by.strip(), day, keep_texts)))
        text = source.text
        flat = sorted((e for _, group in edits for e in group), key=lambda e: -e.start)
        for edit in flat:
            text = text[:edit.start] + edit.text + text[edit.end:]
        lines = _stamp_lines(text, source)
        planned.append((source.path, text, bom))
        done += [Approved(p.id, source.path, lines.get(p.id, 1)) for p, _ in edits]
    write_all(planned)
    return done


def _unchanged_since_read(source: SourceFile) -> bool:
    """Whether the file starts with a byte order mark; refuses a file changed meanwhile."""
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        raise HthcError(f"cannot read {source.display}: {exc.strerror}") from None
    bom = raw.startswith(_BOM.encode())
    if raw.decode("utf-8", "replace").removeprefix(_BOM) != source.text:
        raise HthcError(f"{source.display} changed while it was being read; run the command "
                        "again")
    return bom


def _entry(source: SourceFile, position_id: str) -> YMap:
    root = source.root
    items = root.items.get("positions") if isinstance(root, YMap) else None
    for item in items.items if isinstance(items, YSeq) else ():
        ident = item.items.get("id") if isinstance(item, YMap) else None
        if isinstance(item, YMap) and isinstance(ident, YScalar) and \
                str(ident.value) == position_id:
            return item
    raise HthcError(f"position '{position_id}' is not found in {source.display}")  # checked


def _edits(source: SourceFile, entry: YMap, position: Position, new: Stamp, by: str,
           day: date, keep_texts: bool) -> list[_Edit]:
    text = source.text
    starts = LineIndex(text).line_starts()
    newline = "\r\n" if "\r\n" in text else "\n"
    fields = _stamp_fields(new, by, day, keep_texts)
    edits: list[_Edit] = []
    status = entry.items.get("status")
    if isinstance(status, YScalar) and status.value != "approved":
        edits.append(_Edit(status.start, _node_end(text, status), "approved"))
    old = entry.items.get("approved")
    flow = text.startswith("{", _offset(starts, entry.loc))
    if flow:
        value = "{" + ", ".join(f"{k}: {v}" if not isinstance(v, list) else
                                f"{k}: {{" + ", ".join(f"{a}: {b}" for a, b in v) + "}"
                                for k, v in fields) + "}"
        if old is not None:
            edits.append(_Edit(_offset(starts, old.loc), _node_end(text, old), value))
        else:
            at = _node_end(text, entry) - 1
            while text[at - 1] in " \t\r\n":
                at -= 1
            edits.append(_Edit(at, at, f", approved: {value}"))
        return edits
    indent = entry.loc.column - 1
    step = _step(entry)
    lines = [" " * indent + "approved:"]
    for key, val in fields:
        if isinstance(val, list):
            lines.append(" " * (indent + step) + f"{key}:")
            lines += [" " * (indent + 2 * step) + f"{a}: {b}" for a, b in val]
        elif key == "parts":
            lines += _folded(f"{key}: {val}", indent + step, step)
        else:
            lines.append(" " * (indent + step) + f"{key}: {val}")
    block = newline.join(lines) + newline
    if old is not None:
        key_loc = entry.keys["approved"]
        start = starts[key_loc.line - 1]
        edits.append(_Edit(start, _past_line(text, _node_end(text, old)), block))
    else:
        at = _past_line(text, _content_end(text, _last_value(entry)))
        lead = "" if at == 0 or text[at - 1] in "\r\n" else newline
        edits.append(_Edit(at, at, lead + block))
    return edits


def _stamp_fields(new: Stamp, by: str, day: date,
                  keep_texts: bool) -> list[tuple[str, str | list[tuple[str, str]]]]:
    fields: list[tuple[str, str | list[tuple[str, str]]]] = [
        ("by", _q(by)), ("date", day.isoformat()), ("fingerprint", _q(new.fingerprint)),
        ("parts", _q(format_parts(new.parts))),
    ]
    if keep_texts:
        fields.append(("texts", [(_q(name), _q(value)) for name, value in new.texts]))
    return fields


def _folded(line: str, indent: int, step: int, width: int = 92) -> list[str]:
    """A quoted value of space-separated words as lines of at most `width` characters:
    YAML reads a line break inside quotes as a space."""
    out: list[str] = []
    current = " " * indent
    for word in line.split(" "):
        if current.strip() and len(current) + 1 + len(word) > width:
            out.append(current)
            current = " " * (indent + step) + word
        else:
            current += (" " if current.strip() else "") + word
    return [*out, current]


def _q(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def _offset(starts: list[int], loc: Location) -> int:
    return starts[loc.line - 1] + loc.column - 1


def _last_value(node: YMap) -> YNode:
    return list(node.items.values())[-1]


def _node_end(text: str, node: YNode) -> int:
    """Where a node's text ends: a scalar's end, a flow collection's closing bracket."""
    if isinstance(node, YScalar):
        return node.end
    children = list(node.items.values()) if isinstance(node, YMap) else node.items
    starts = LineIndex(text).line_starts()
    start = _offset(starts, node.loc)
    flow = text.startswith(("{", "["), start)
    end = _node_end(text, children[-1]) if children else start + 1
    if not flow:
        return end
    closer = text.find("}" if text[start] == "{" else "]", end)
    return closer + 1 if closer != -1 else end


def _content_end(text: str, node: YNode) -> int:
    """Where a node's content ends, before a block text's trailing blank lines (which a
    block's '|' or '|-' does not keep)."""
    while isinstance(node, YMap | YSeq):
        children = list(node.items.values()) if isinstance(node, YMap) else node.items
        if not children or text.startswith(("{", "["),
                                          _offset(LineIndex(text).line_starts(), node.loc)):
            return _node_end(text, node)
        node = children[-1]
    end = node.end
    header = text[node.start:text.find("\n", node.start)] if node.style in ("|", ">") else ""
    if header and "+" not in header:
        while end > node.start and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def _past_line(text: str, at: int) -> int:
    """The start of the line after the one holding `at` (at itself, if it starts a line)."""
    if at > 0 and text[at - 1] == "\n":
        return at
    ends = [p for p in (text.find("\n", at), text.find("\r", at)) if p != -1]
    end = min(ends, default=len(text))
    if text.startswith("\r\n", end):
        return end + 2
    return end + 1 if end < len(text) else end


def _step(entry: YMap) -> int:
    """How much deeper a nested mapping is indented in this entry, as it shows (else 2)."""
    for key, child in entry.items.items():
        if isinstance(child, YMap) and child.loc.line > entry.keys[key].line:
            step = child.loc.column - entry.keys[key].column
            if step > 0:
                return step
    return 2


def _stamp_lines(text: str, source: SourceFile) -> dict[str, int]:
    """The line of each stamp in the edited text, which is read again as YAML first: a
    safeguard that is never expected to fail."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise HthcError(f"hthc could not stamp {source.display} without breaking it "
                        f"({exc}); nothing was written. This is a bug in hthc.") from None
    found: dict[str, int] = {}
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value != "positions" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            keys = {k.value: (k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode)}
            if "id" in keys and "approved" in keys:
                found[str(keys["id"][1].value)] = keys["approved"][0].start_mark.line + 1
    return found


def write_all(files: Sequence[tuple[Path, str, bool]]) -> None:
    """Write every file (text, with its byte order mark if it had one) or none."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text, bom in files:
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((Path(name), path))
            with os.fdopen(handle, "wb") as out:
                out.write(((_BOM if bom else "") + text).encode("utf-8"))
            os.chmod(name, path.stat().st_mode & 0o7777)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise HthcError(f"cannot write {exc.filename or 'a file'}: {exc.strerror}; nothing "
                        "was changed") from None
    for tmp, path in staged:
        os.replace(tmp, path)
