"""Reading the workspace from the terminal: the rows and items behind list, show, coverage."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hthc_cli.base.diagnostics import Severity
from hthc_cli.base.errors import UsageError
from hthc_cli.base.suggest import did_you_mean
from hthc_cli.workspace.loader import find_workspace, load_workspace
from hthc_cli.workspace.model import (
    Input,
    Outcome,
    Position,
    Recommendation,
    Response,
    Workspace,
)
from hthc_cli.workspace.schema import Text

Row = dict[str, Any]

TABLE_FORMATS = ("text", "json")
"""How list, show and coverage print: a table for people, or JSON."""


def load(workspace: Path | None) -> Workspace:
    loaded = load_workspace(find_workspace(explicit=workspace))
    errors = sum(1 for d in loaded.diagnostics if d.severity == Severity.ERROR)
    if errors:
        sys.stderr.write(
            f"hthc: the workspace has {errors} error(s); what is shown may be incomplete. "
            "Run 'hthc check' to see them.\n"
        )
    return loaded.workspace


class Texts(dict[str, str]):
    """A text in each of its languages (JSON prints it as a mapping)."""


def language(ws: Workspace, lang: str | None) -> str:
    """The language titles are shown in: --lang, which must be one of the workspace's."""
    if lang is None:
        return ws.default_language
    if lang not in ws.languages:
        raise UsageError(f"--lang {lang}: '{lang}' is not a language of this workspace ("
                         + ", ".join(ws.languages) + ")")
    return lang


def _all(text: Text | None, languages: tuple[str, ...]) -> Texts | str | None:
    if text is None:
        return None
    if text.common is not None:
        return str(text.common.value)
    return Texts({lang: str(text.by_language[lang].value) for lang in languages
                  if lang in text.by_language})


def _day(value: date | None) -> str | None:
    return None if value is None or value == date.min else value.isoformat()


def list_rows(ws: Workspace, kind: str, lang: str) -> list[Row]:
    if kind == "recommendations":
        return [
            {"id": r.id, "source": r.source.id, "title": r.title.any(lang),
             "wording": r.wording, "positions": len(ws.positions_addressing(r.id))}
            for r in ws.recommendations.values()
        ]
    if kind == "positions":
        return [
            {"id": p.id, "stance": p.stance, "status": p.status, "title": p.title.any(lang),
             "addresses": [a.value for a in p.addresses]}
            for p in ws.positions.values()
        ]
    if kind == "inputs":
        return [
            {"id": i.id, "received": _day(i.received), "from": i.organisation or i.name,
             "decision": i.decision, "subject": i.subject or "",
             "relates_to": [r.value for r in i.relates_to]}
            for i in sorted(ws.inputs.values(), key=lambda i: (i.received, i.id))
        ]
    return [
        {"id": r.id, "source": r.source.value if r.source else "", "title": r.title.any(lang),
         "date": r.date.isoformat(), "deadline": r.hearing.deadline.isoformat(),
         "positions": len(r.general) + len(ws.specific_positions(r))}
        for r in ws.responses.values()
    ]


def coverage_rows(ws: Workspace, source_id: str | None, lang: str) -> list[Row]:
    if source_id is not None and source_id not in ws.sources:
        raise UsageError(f"no source '{source_id}'" + _did_you_mean(source_id, ws.sources))
    sources = [ws.sources[source_id]] if source_id else list(ws.sources.values())
    rows = []
    for source in sources:
        for rec in source.recommendations:
            positions = ws.positions_addressing(rec.id)
            rows.append({
                "source": source.id,
                "recommendation": rec.id,
                "title": rec.title.any(lang),
                "stances": sorted({p.stance for p in positions}),
                "positions": [p.id for p in positions],
            })
    return rows


def outcome_rows(ws: Workspace, source_id: str | None, lang: str) -> list[Row]:
    """Each position's history across hearings: every response that used it (by
    deadline), as what, with what stance, and what came of it."""
    if source_id is not None and source_id not in ws.sources:
        raise UsageError(f"no source '{source_id}'" + _did_you_mean(source_id, ws.sources))
    rows = []
    for position in ws.positions.values():
        for use in position_history(ws, position):
            if source_id is not None and use["source"] != source_id:
                continue
            rows.append({
                "position": position.id,
                "response": use["response"],
                "deadline": use["deadline"],
                "stance": use["stance"],
                "outcome": [o["result"] + (f" ({o['date']})" if o["date"] else "")
                            for o in use["outcomes"]],
            })
    return rows


def position_history(ws: Workspace, position: Position) -> list[Row]:
    """The responses that use a position, by hearing deadline, each with the outcomes it
    records for it."""
    langs = ws.languages
    uses = []
    for response in sorted(ws.responses.values(), key=lambda r: (r.hearing.deadline, r.id)):
        if position not in ws.used_positions(response):
            continue
        general = any(g.value == position.id for g in response.general)
        uses.append({
            "response": response.id,
            "source": response.source.value if response.source else None,
            "deadline": _day(response.hearing.deadline),
            "status": response.status,
            "as": "general" if general else "specific",
            "stance": position.stance,
            "outcomes": [_outcome(o, langs) for o in response.outcomes
                         if o.position is not None and o.position.value == position.id],
        })
    return uses


def _outcome(outcome: Outcome, langs: tuple[str, ...]) -> Row:
    return {"result": outcome.result, "note": _all(outcome.note, langs),
            "source": outcome.source, "date": _day(outcome.date)}


def _did_you_mean(value: str, candidates: Any) -> str:
    hint = did_you_mean(value, candidates)
    return f"; {hint}" if hint else ""


def item_view(ws: Workspace, item_id: str) -> Row:
    langs = ws.languages
    rec = ws.recommendations.get(item_id)
    if rec is not None:
        return _recommendation(ws, rec)
    position = ws.positions.get(item_id)
    if position is not None:
        return _position(ws, position)
    response = ws.responses.get(item_id)
    if response is not None:
        return _response(ws, response)
    source = ws.sources.get(item_id)
    if source is not None:
        return {
            "kind": "source", "id": source.id, "file": str(source.record.loc),
            "source_kind": source.kind, "title": _all(source.title, langs),
            "publisher": _all(source.publisher, langs),
            "published": _day(source.published), "url": source.url,
            "recommendations": [r.id for r in source.recommendations],
        }
    received = ws.inputs.get(item_id)
    if received is not None:
        return _input(ws, received)
    ref = ws.references.get(item_id)
    if ref is not None:
        return {
            "kind": "reference", "key": ref.key, "file": str(ref.record.loc),
            "title": _all(ref.title, langs), "author": _all(ref.author, langs),
            "year": ref.year, "publisher": _all(ref.publisher, langs), "url": ref.url,
            "accessed": _day(ref.accessed), "note": _all(ref.note, langs),
        }
    known = [*ws.recommendations, *ws.positions, *ws.responses, *ws.sources, *ws.references,
             *ws.inputs]
    raise UsageError(f"no item with the id '{item_id}'" + _did_you_mean(item_id, known))


def since_approval_text(ws: Workspace, item_id: str) -> str:
    """`hthc show ID --since-approval`: each text changed since approval, as a word diff."""
    from hthc_cli.workspace.since import since_approval

    position = ws.positions.get(item_id)
    if position is None:
        if ws.item(item_id) is not None or item_id in ws.responses:
            raise UsageError(f"'{item_id}' is not a position: only positions are approved")
        raise UsageError(f"there is no position '{item_id}'"
                         + _did_you_mean(item_id, ws.positions))
    found = since_approval(ws, position)
    if found is None:
        return (f"position '{item_id}' has never been approved with `hthc approve`, so there "
                "is nothing to compare with\n")
    stamp = found.stamp
    when = f" on {stamp.date.isoformat()}" if stamp.date else ""
    if not found.changes:
        return f"position '{item_id}' is as {stamp.by} approved it{when}: nothing has changed\n"
    out = [f"position '{item_id}', approved by {stamp.by}{when}; changed since "
           f"(compared with {found.where}):"]
    for change in found.changes:
        out.append(f"{change.label}:")
        out += ["  " + line if line else "" for line in change.diff.split("\n")]
    return "\n".join(out) + "\n"


def _response(ws: Workspace, response: Response) -> Row:
    langs = ws.languages
    hearing, signatory, contact = response.hearing, response.signatory, response.contact
    return {
        "kind": "response", "id": response.id, "file": str(response.record.loc),
        "source": response.source.value if response.source else None,
        "title": _all(response.title, langs),
        "status": response.status,
        "hearing": {
            "authority": _all(hearing.authority, langs), "case_number": hearing.case_number,
            "deadline": _day(hearing.deadline), "url": hearing.url,
        },
        "date": _day(response.date),
        "introduction": _all(response.introduction, langs),
        "brief_introduction": _all(response.brief_introduction, langs),
        "general": [r.value for r in response.general],
        "specific": [p.id for p in ws.specific_positions(response)],
        "closing": _all(response.closing, langs),
        "signatory": {"name": signatory.name, "role": _all(signatory.role, langs)},
        "contact": {"name": contact.name, "email": contact.email, "phone": contact.phone},
        "template": response.template,
        "language": response.language,
        "outcomes": [
            {"position": o.position.value if o.position else None, **_outcome(o, langs)}
            for o in response.outcomes
        ],
        "acknowledge_inputs": response.acknowledge_inputs,
        "inputs": [
            {"id": i.id, "title": i.subject or i.name, "status": i.decision}
            for i in ws.inputs_on(response)
        ],
    }


def _input(ws: Workspace, item: Input) -> Row:
    langs = ws.languages
    return {
        "kind": "input", "id": item.id, "file": str(item.record.loc),
        "from": {"name": item.name, "organisation": item.organisation, "email": item.email},
        "received": _day(item.received), "channel": item.channel,
        "message_id": item.message_id, "subject": item.subject,
        "text": _all(item.text, langs),
        "attachments": [a.value for a in item.attachments],
        "relates_to": [r.value for r in item.relates_to],
        "decision": item.decision, "note": _all(item.note, langs),
        "concerns": [r.id for r in ws.responses.values() if item in ws.inputs_on(r)],
    }


def _recommendation(ws: Workspace, rec: Recommendation) -> Row:
    langs = ws.languages
    return {
        "kind": "recommendation", "id": rec.id, "file": str(rec.record.loc),
        "source": rec.source.id, "label": _all(rec.label, langs),
        "title": _all(rec.title, langs), "wording": rec.wording, "url": rec.url,
        "text": _all(rec.text, langs),
        "addressed_by": [
            {"id": p.id, "stance": p.stance, "status": p.status}
            for p in ws.positions_addressing(rec.id)
        ],
    }


def _position(ws: Workspace, p: Position) -> Row:
    langs = ws.languages
    history = position_history(ws, p)
    return {
        "kind": "position", "id": p.id, "file": str(p.record.loc),
        "title": _all(p.title, langs), "stance": p.stance, "status": p.status,
        "owner": p.owner,
        "addresses": [
            {"id": a.value,
             "title": ws.recommendations[a.value].title.any(langs[0])
             if a.value in ws.recommendations else None}
            for a in p.addresses
        ],
        "summary": _all(p.summary, langs), "argument": _all(p.argument, langs),
        "proposals": [_all(t, langs) for t in p.proposals],
        "approved": _approval(ws, p),
        "used_by": [use["response"] for use in history],
        "history": history,
    }


def _approval(ws: Workspace, p: Position) -> Row | None:
    """The stamp, whether it still holds, and where the approved texts are kept."""
    from hthc_cli.workspace.fingerprint import Verifier, describe

    stamp = p.approved
    if stamp is None:
        return None
    copy = stamp.texts()
    verdict = Verifier(ws).verify(p, stamp.fingerprint, stamp.parts)
    if verdict.matches:
        holds = "yes: nothing has changed since"
    elif verdict.unknown_algorithm or verdict.malformed:
        holds = "unknown: hthc cannot read the fingerprint"
    else:
        holds = "no: " + (describe(verdict.changes) or "its texts") + " changed since"
    return {
        "by": stamp.by, "date": _day(stamp.date), "fingerprint": stamp.fingerprint,
        "parts": stamp.parts,
        "texts": f"a copy of {len(copy)} kept in the stamp" if copy is not None
        else "in the git history",
        "holds": holds,
    }


def emit_table(rows: list[Row], fmt: str, title: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    if not rows:
        sys.stdout.write(f"{title}: none.\n")
        return
    columns = list(rows[0])
    cells = [[_cell(v) for v in row.values()] for row in rows]
    console = Console()
    widths = _widths(columns, cells, console.width)
    table = Table(title=title, show_lines=False, pad_edge=False)
    for column, width in zip(columns, widths, strict=True):
        if width is None:
            table.add_column(column, overflow="fold", min_width=_PROSE_MIN)
        else:
            table.add_column(column, no_wrap=True, width=width)
    for row in cells:
        table.add_row(*(cell if width is None else "\n".join(
            _middle(line, width) for line in cell.split("\n")
        ) for cell, width in zip(row, widths, strict=True)))
    needed = sum(w or _PROSE_MIN for w in widths) + _frame(len(widths))
    if needed > console.width:  # not even shortened ids fit: let the table overflow
        console = Console(width=needed)
    console.print(table)


_PROSE = ("title",)
"""Columns of prose, which wrap between words; every other column holds ids or single
words, which are never folded (shortened in the middle if the table cannot hold them)."""
_PROSE_MIN = 10
_SHORTEST = 8


def _widths(columns: list[str], cells: list[list[str]], width: int) -> list[int | None]:
    """The width of each column of ids and words (None for prose) in a table `width` wide."""
    natural = [max(len(line) for cell in [[c], *([r[i]] for r in cells)] for text in cell
                   for line in text.split("\n"))
               for i, c in enumerate(columns)]
    words = [i for i, c in enumerate(columns) if c not in _PROSE]
    budget = width - _frame(len(columns)) - _PROSE_MIN * (len(columns) - len(words))
    floors = {i: min(natural[i], max(len(columns[i]), _SHORTEST)) for i in words}
    cap = max((natural[i] for i in words), default=0)
    while cap > _SHORTEST and sum(max(floors[i], min(natural[i], cap)) for i in words) > budget:
        cap -= 1
    return [max(floors[i], min(natural[i], cap)) if i in floors else None
            for i in range(len(columns))]


def _frame(columns: int) -> int:
    """The characters a table's borders and padding take on a line."""
    return 3 * columns - 1


def _middle(text: str, width: int) -> str:
    """`text` in `width` characters: whole, or its start and end around an ellipsis."""
    if len(text) <= width:
        return text
    keep = width - 1
    return text[:(keep + 1) // 2] + "…" + text[len(text) - keep // 2:]


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "—"
    return str(value)


def emit_item(item: Row, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(item, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(f"[bold]{escape(item['id'] if 'id' in item else item['key'])}[/bold] "
                  f"({item['kind']}, {escape(item['file'])})", soft_wrap=True)
    for key, value in item.items():
        if key in ("id", "key", "kind", "file") or value in (None, [], {}):
            continue
        console.print(f"[bold cyan]{_SHOWN_AS.get(key, key)}[/bold cyan]")
        for line in _lines(value):  # a long line wraps at the terminal, not in a URL
            console.print("  " + escape(line), highlight=False, soft_wrap=True)


_SHOWN_AS = {"source_kind": "kind"}
"""Keys that JSON names otherwise than the file, where the file's name is taken ('kind' of
a source is its kind of hearing; of an item shown, what the item is)."""


def _lines(value: Any) -> list[str]:
    if isinstance(value, Texts):
        out = []
        for lang, text in value.items():
            lines = text.strip().splitlines() or [""]
            out.append(f"[{lang}] {lines[0]}")
            out += ["     " + line for line in lines[1:]]
        return out
    if isinstance(value, dict):
        if set(value) <= {"id", "title", "stance", "status"}:
            return [" · ".join(str(v) for v in value.values() if v)]
        out = []
        for key, inner in value.items():
            if inner in (None, "", [], {}):
                continue
            lines = _lines(inner)
            if len(lines) == 1 and not isinstance(inner, Texts | list):
                out.append(f"{key}: {lines[0]}")
            else:
                out += [f"{key}:", *("  " + line for line in lines)]
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            lines = _lines(item)
            if len(lines) > 1 and isinstance(item, dict):  # one entry of several lines
                lines = ["- " + lines[0], *("  " + line for line in lines[1:])]
            out += lines
        return out
    return str(value).strip().splitlines()
