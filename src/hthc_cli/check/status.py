"""Where each response stands on a given day: its deadline, its positions, what check finds.

`hthc status` is the team's Monday-morning view and a CI job summary. Everything it counts
comes from the workspace and from one `hthc check --release` run: a diagnostic concerns
the responses whose file, positions or source it stands in (or points to as related), so a
new check code is counted here as soon as it exists, with no change to this module.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from hthc_cli.base.diagnostics import Diagnostic, Location, Severity
from hthc_cli.check.checker import CheckResult
from hthc_cli.workspace.model import Response, Workspace
from hthc_cli.workspace.schema import RESULTS, STATUSES

SUSPECT = "HTHC314"
"""A position changed since it was approved (suspect-position)."""
UNDECIDED_INPUT = "HTHC315"
"""Member input that relates to the response and is still `new` (undecided input)."""
OPEN_COMMENT = "HTHC316"
"""A review comment not yet resolved (open review comment)."""
NO_OWNER = "no owner"


@dataclass(frozen=True, slots=True)
class ResponseStatus:
    """One response on the day `as_of`, as plain data."""

    id: str
    source: str | None
    authority: str
    deadline: date | None
    as_of: date
    draft: bool
    positions: dict[str, int]
    """Positions it shows, by status (draft, review, approved), only those it has."""
    owners: dict[str, int]
    """Positions it shows, by owner, the most first."""
    suspect: int
    open_comments: int
    undecided_inputs: int
    outcomes: dict[str, int]
    """Outcomes recorded, by result, only those it has."""
    blocking: list[Diagnostic] = field(default_factory=list)
    """What `hthc check --release` reports as errors for this response."""

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.as_of).days

    @property
    def ready(self) -> bool:
        return not self.blocking

    def when(self) -> str:
        """'12 days left', 'due today', 'passed 3 days ago'."""
        days = self.days_left
        if days is None:
            return "no deadline"
        if days == 0:
            return "due today"
        if days > 0:
            return f"{days} day{'s' * (days != 1)} left"
        return f"passed {-days} day{'s' * (days != -1)} ago"


class Concerns:
    """Which responses a diagnostic concerns, from where it and its related locations stand.

    In a response's file: that response. In a position: the responses that use it (none if
    no response does). In a source's file: the responses that answer it. In a reviews file:
    the response it names. In an input: the responses whose positions (or what they
    address) it relates to. A diagnostic none of whose locations is in one of these
    (hthc.yaml, references, templates, a file's head above its first position) concerns
    every response, since it may hide or break what any of them shows.
    """

    def __init__(self, ws: Workspace) -> None:
        self.every = frozenset(ws.responses)
        self.response_files = {r.file.display: r.id for r in ws.responses.values()}
        self.users: dict[str, set[str]] = {}
        for response in ws.responses.values():
            for position in ws.used_positions(response):
                self.users.setdefault(position.id, set()).add(response.id)
        starts: dict[str, list[tuple[int, str]]] = {}
        for position in ws.positions.values():
            starts.setdefault(position.file.display, []).append(
                (position.record.loc.line, position.id)
            )
        self.starts = {path: sorted(items) for path, items in starts.items()}
        # A reviews file is on the response it names; an input concerns the responses
        # whose positions (or what they address) it relates to, and no other.
        self.on_response: dict[str, frozenset[str]] = {}
        for response_id, comments in ws.reviews.items():
            for comment in comments:
                self.on_response[comment.record.loc.path] = (
                    frozenset((response_id,)) if response_id in ws.responses else frozenset()
                )
        for item in ws.inputs.values():
            self.on_response[item.record.loc.path] = frozenset(
                r.id for r in ws.responses.values() if item in ws.inputs_on(r)
            )
        self.answering: dict[str, set[str]] = {}
        for source in ws.sources.values():
            self.answering.setdefault(source.file.display, set()).update(
                r.id for r in ws.responses.values() if r.source and r.source.value == source.id
            )

    def of_location(self, loc: Location) -> frozenset[str] | None:
        """The responses whose item `loc` stands in; None if it stands in no item."""
        if loc.path in self.on_response:
            return self.on_response[loc.path]
        if loc.path in self.response_files:
            return frozenset((self.response_files[loc.path],))
        starts = self.starts.get(loc.path)
        if starts is not None:
            at = bisect.bisect_right(starts, (loc.line, "\U0010ffff")) - 1
            if at < 0:
                return None  # above the first position: the file itself
            return frozenset(self.users.get(starts[at][1], ()))
        if loc.path in self.answering:
            return frozenset(self.answering[loc.path])
        return None

    def of(self, diagnostic: Diagnostic) -> frozenset[str]:
        found = [self.of_location(loc) for loc in (diagnostic.location, *diagnostic.related)]
        placed = [f for f in found if f is not None]
        return frozenset().union(*placed) if placed else self.every


def response_statuses(
    result: CheckResult, as_of: date, language: str | None = None
) -> list[ResponseStatus]:
    """Every response of `result`'s workspace on `as_of`: open hearings first, the nearest
    deadline first; then those passed, the most recent first.

    `result` is a check run with `release=True` (`hthc check --release`); its diagnostics
    are counted for the responses they concern.
    """
    ws = result.workspace
    language = language or ws.default_language
    concerns = Concerns(ws)
    by_response: dict[str, list[Diagnostic]] = {r: [] for r in ws.responses}
    seen: set[tuple[str, Location]] = set()
    for diagnostic in result.diagnostics:
        key = (diagnostic.code, diagnostic.location)
        if key in seen:  # one rule's report of one place for each response: counted once
            continue
        seen.add(key)
        for response_id in concerns.of(diagnostic):
            by_response[response_id].append(diagnostic)
    statuses = [_status(ws, r, by_response[r.id], as_of, language)
                for r in ws.responses.values()]
    return sorted(statuses, key=_urgency)


def _urgency(status: ResponseStatus) -> tuple[int, int, str]:
    days = status.days_left
    if days is None:
        return (2, 0, status.id)
    return (0, days, status.id) if days >= 0 else (1, -days, status.id)


def _status(
    ws: Workspace, response: Response, found: list[Diagnostic], as_of: date, language: str
) -> ResponseStatus:
    positions = ws.used_positions(response)
    by_status = Counter(p.status for p in positions)
    owners = Counter(p.owner or NO_OWNER for p in positions)
    codes = Counter(d.code for d in found)
    results = Counter(o.result for o in response.outcomes)
    deadline = response.hearing.deadline
    return ResponseStatus(
        id=response.id,
        source=response.source.value if response.source else None,
        authority=" ".join(response.hearing.authority.any(language).split()),
        deadline=None if deadline == date.min else deadline,
        as_of=as_of,
        draft=response.draft,
        positions={s: by_status[s] for s in (*STATUSES, "") if by_status[s]},
        owners=dict(sorted(owners.items(), key=lambda kv: (-kv[1], kv[0]))),
        suspect=codes[SUSPECT],
        open_comments=codes[OPEN_COMMENT],
        undecided_inputs=codes[UNDECIDED_INPUT],
        outcomes={r: results[r] for r in RESULTS if results[r]},
        blocking=[d for d in found if d.severity == Severity.ERROR],
    )


def _counts(counts: dict[str, int], empty: str) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items()) or empty


def _positions(status: ResponseStatus) -> str:
    total = sum(status.positions.values())
    if not total:
        return "no positions"
    return (f"{total} position{'s' * (total != 1)} ("
            + _counts({s or "no status": n for s, n in status.positions.items()}, "") + ")")


def _owners(status: ResponseStatus) -> str:
    return ", ".join(f"{owner} {n}" for owner, n in status.owners.items()) or "none"


def _outcomes(status: ResponseStatus) -> str:
    return _counts(status.outcomes, "none recorded")


def _readiness(status: ResponseStatus) -> str:
    if status.ready:
        return "ready: hthc check --release passes"
    codes = Counter(d.code for d in status.blocking)
    errors = len(status.blocking)
    return (f"not ready: {errors} error{'s' * (errors != 1)} with --release ("
            + ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items()))
            + ")")


def text_report(statuses: Iterable[ResponseStatus]) -> str:
    """A block per response: the hearing and its deadline, then what stands in its way."""
    blocks = []
    for s in statuses:
        head = f"{s.id}  {s.authority}  deadline {_day(s.deadline)}: {s.when()}"
        if s.draft:
            head += "  [draft]"
        blocks.append("\n".join((
            head,
            f"  {_positions(s)}; owners: {_owners(s)}",
            f"  suspect positions: {s.suspect}; open review comments: {s.open_comments}; "
            f"member input not decided: {s.undecided_inputs}",
            f"  outcomes: {_outcomes(s)}",
            f"  {_readiness(s)}",
        )))
    return "\n".join(blocks) + "\n" if blocks else "No responses in this workspace.\n"


def json_report(statuses: Iterable[ResponseStatus]) -> str:
    rows = [
        {
            "id": s.id, "source": s.source, "authority": s.authority,
            "deadline": _day(s.deadline) if s.deadline else None, "as_of": s.as_of.isoformat(),
            "days_left": s.days_left, "draft": s.draft, "positions": s.positions,
            "owners": s.owners, "suspect": s.suspect, "open_comments": s.open_comments,
            "undecided_inputs": s.undecided_inputs, "outcomes": s.outcomes, "ready": s.ready,
            "blocking": [
                {"code": d.code, "path": d.location.path, "line": d.location.line,
                 "column": d.location.column, "message": d.message}
                for d in s.blocking
            ],
        }
        for s in statuses
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def github_report(statuses: Iterable[ResponseStatus]) -> str:
    """A Markdown table for a GitHub Actions job summary ($GITHUB_STEP_SUMMARY)."""
    statuses = list(statuses)
    as_of = statuses[0].as_of.isoformat() if statuses else ""
    lines = [
        f"### Consultation responses on {as_of}" if as_of else "### Consultation responses",
        "",
        "| response | hearing | deadline | positions | owners | suspect | open comments "
        "| input not decided | outcomes | ready |",
        "|---|---|---|---|---|---:|---:|---:|---|---|",
    ]
    for s in statuses:
        ready = "✅ yes" if s.ready else "❌ no: " + ", ".join(
            sorted({f"`{d.code}`" for d in s.blocking})
        )
        cells = [
            f"**{s.id}**" + (" (draft)" if s.draft else ""), s.authority,
            f"{_day(s.deadline)} ({s.when()})", _positions(s), _owners(s), str(s.suspect),
            str(s.open_comments), str(s.undecided_inputs), _outcomes(s), ready,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if not statuses:
        lines.append("| no responses | | | | | | | | | |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


STATUS_REPORTS: dict[str, Callable[[Iterable[ResponseStatus]], str]] = {
    "text": text_report,
    "json": json_report,
    "github": github_report,
}
"""The formats of `hthc status`, by name: adding one is adding a function here."""
