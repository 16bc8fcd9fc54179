"""What changed in a response between two sides, for a pull request: positions added,
removed and changed (each text as a word diff), stances and statuses, the response's own
texts; as Markdown or as JSON data (docs/diff.md describes both)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from hthc_cli.diff.sides import Side
from hthc_cli.workspace.model import Position, Response, Workspace
from hthc_cli.workspace.schema import Text

_PIECE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w", re.UNICODE)
_RESPONSE_TEXTS = ("title", "introduction", "brief_introduction", "closing")


@dataclass(frozen=True, slots=True)
class TextChange:
    field: str
    before: str
    after: str

    @property
    def diff(self) -> str:
        return word_diff(self.before, self.after)


@dataclass(slots=True)
class PositionChange:
    id: str
    title: str
    stance: tuple[str, str] | None = None
    status: tuple[str, str] | None = None
    texts: list[TextChange] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    response: str
    language: str
    before: Side
    after: Side
    added: list[tuple[str, str]] = field(default_factory=list)
    """(id, title) of each position the response shows only after."""
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[PositionChange] = field(default_factory=list)
    response_texts: list[TextChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.response_texts)


CONTEXT = 6
"""Words of unchanged text kept on each side of a change; the rest is shown as `…`."""


def word_diff(before: str, after: str, context: int = CONTEXT) -> str:
    """`before` changed into `after` as `[-old-]{+new+}` between the words that stay, with
    `context` unchanged words around each change; runs of white space are one space, so
    that a text reads as one line."""
    a = _PIECE.findall(" ".join(before.split()))
    b = _PIECE.findall(" ".join(after.split()))
    out: list[str] = []
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            out.append(_context(b[j1:j2], context, first=index == 0,
                                last=index == len(opcodes) - 1))
            continue
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if old:
            out.append(f"[-{old}-]")
        if new:
            out.append(f"{{+{new}+}}")
    return "".join(out)


def _context(pieces: list[str], words: int, first: bool, last: bool) -> str:
    """Unchanged pieces of text, shortened to `words` words next to each change."""
    starts = [n for n, piece in enumerate(pieces) if _WORD.match(piece)]
    keep_head = 0 if first else words
    keep_tail = 0 if last else words
    if len(starts) <= keep_head + keep_tail or (first and last):
        return "".join(pieces)
    head = pieces[: starts[keep_head] if keep_head < len(starts) else len(pieces)]
    tail = pieces[starts[-keep_tail]:] if keep_tail else []
    head_text = "".join(head).rstrip()
    tail_text = "".join(tail).lstrip()
    if first:
        return "… " + _lead(pieces, tail_text)
    if last:
        return head_text + " …"
    return f"{head_text} … {tail_text}"


def _lead(pieces: list[str], tail_text: str) -> str:
    """The kept end of a text's unchanged start, with the space before the change kept."""
    whole = "".join(pieces)
    return tail_text + (" " if whole.endswith(" ") and not tail_text.endswith(" ") else "")


def _shown(ws: Workspace, response: Response | None) -> dict[str, Position]:
    if response is None:
        return {}
    shown = [ws.positions[r.value] for r in response.general if r.value in ws.positions]
    shown += ws.specific_positions(response)
    return {p.id: p for p in shown}


def _value(text: Text | None, language: str) -> str:
    return (text.get(language) or "") if text is not None else ""


def _position_texts(position: Position, language: str) -> dict[str, str]:
    texts = {"title": _value(position.title, language),
             "summary": _value(position.summary, language),
             "argument": _value(position.argument, language)}
    for index, proposal in enumerate(position.proposals):
        texts[f"proposals.{index}"] = _value(proposal, language)
    return texts


def _text_changes(before: dict[str, str], after: dict[str, str]) -> list[TextChange]:
    return [TextChange(name, before.get(name, ""), after.get(name, ""))
            for name in dict.fromkeys([*before, *after])
            if before.get(name, "") != after.get(name, "")]


def summarise(before: Side, after: Side, response_id: str, language: str) -> Summary:
    response_a, response_b = before.response(response_id), after.response(response_id)
    shown_a = _shown(before.workspace, response_a)
    shown_b = _shown(after.workspace, response_b)
    summary = Summary(response_id, language, before, after)
    for pid, position in shown_b.items():
        if pid not in shown_a:
            summary.added.append((pid, _value(position.title, language)))
    for pid, position in shown_a.items():
        if pid not in shown_b:
            summary.removed.append((pid, _value(position.title, language)))
    for pid, new in shown_b.items():
        old = shown_a.get(pid)
        if old is None:
            continue
        change = PositionChange(pid, _value(new.title, language))
        if old.stance != new.stance:
            change.stance = (old.stance, new.stance)
        if old.status != new.status:
            change.status = (old.status, new.status)
        change.texts = _text_changes(_position_texts(old, language),
                                     _position_texts(new, language))
        if change.stance or change.status or change.texts:
            summary.changed.append(change)
    own_a = {name: _value(getattr(response_a, name), language) if response_a else ""
             for name in _RESPONSE_TEXTS}
    own_b = {name: _value(getattr(response_b, name), language) if response_b else ""
             for name in _RESPONSE_TEXTS}
    summary.response_texts = _text_changes(own_a, own_b)
    return summary


def _side_data(side: Side) -> dict[str, Any]:
    return {"revision": side.revision if side.commit is not None else "working tree",
            "commit": side.commit, "date": side.when.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _text_data(change: TextChange) -> dict[str, str]:
    return {"field": change.field, "before": change.before, "after": change.after,
            "diff": change.diff}


def to_data(summary: Summary) -> dict[str, Any]:
    return {
        "response": summary.response,
        "language": summary.language,
        "before": _side_data(summary.before),
        "after": _side_data(summary.after),
        "positions": {
            "added": [{"id": pid, "title": title} for pid, title in summary.added],
            "removed": [{"id": pid, "title": title} for pid, title in summary.removed],
            "changed": [
                {"id": c.id, "title": c.title,
                 "stance": {"before": c.stance[0], "after": c.stance[1]} if c.stance else None,
                 "status": {"before": c.status[0], "after": c.status[1]} if c.status else None,
                 "texts": [_text_data(t) for t in c.texts]}
                for c in summary.changed
            ],
        },
        "response_texts": [_text_data(t) for t in summary.response_texts],
    }


def to_json(summary: Summary) -> str:
    return json.dumps(to_data(summary), ensure_ascii=False, indent=2) + "\n"


def _code(text: str) -> str:
    return f"`{text}`"


def to_markdown(summary: Summary) -> str:
    lines = [f"### {summary.response} ({summary.language}): {summary.before.short} → "
             f"{summary.after.short}", ""]
    if summary.empty:
        lines.append("No change to the response's positions or texts.")
        return "\n".join(lines) + "\n"
    if summary.added:
        lines += ["**Positions added**", ""]
        lines += [f"- {_code(pid)} {title}" for pid, title in summary.added]
        lines.append("")
    if summary.removed:
        lines += ["**Positions removed**", ""]
        lines += [f"- {_code(pid)} {title}" for pid, title in summary.removed]
        lines.append("")
    if summary.changed:
        lines += ["**Positions changed**", ""]
        for change in summary.changed:
            lines.append(f"- {_code(change.id)} {change.title}")
            if change.stance:
                lines.append(f"  - stance: {change.stance[0]} → {change.stance[1]}")
            if change.status:
                lines.append(f"  - status: {change.status[0]} → {change.status[1]}")
            for text in change.texts:
                lines.append(f"  - {text.field}: {text.diff}")
        lines.append("")
    if summary.response_texts:
        lines += ["**The response's own texts**", ""]
        lines += [f"- {text.field}: {text.diff}" for text in summary.response_texts]
        lines.append("")
    return "\n".join(lines)
