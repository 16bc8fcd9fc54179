"""Checks across the loaded workspace: references, coverage, approval and content.

Each rule is a function that yields diagnostics, registered in `RULES`. File-level and
schema checks happen while loading (`hthc_cli.workspace`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from hthc_cli.check.diagnostics import Diagnostic, Location, Severity
from hthc_cli.suggest import did_you_mean
from hthc_cli.workspace.model import Response, Workspace
from hthc_cli.workspace.schema import IdRef
from hthc_cli.workspace.source import YScalar

LINK = re.compile(r"\[\[([^\[\]\s]+)\]\]")
"""`[[ID]]`: a link to a recommendation or position."""

_BRACKETED = re.compile(r"\[([^\[\]]*@[^\[\]]*)\](?!\()")
_CITE_KEY = re.compile(r"(?<![\w.@])-?@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")
PLACEHOLDER_WORDS = ("TODO", "TBD", "XXX", "FIXME")
PLACEHOLDER = re.compile(r"\b(" + "|".join(PLACEHOLDER_WORDS) + r")\b")


def citation_keys(text: str) -> Iterator[str]:
    """The keys cited pandoc-style, `[@key]`, `[see @key, p. 4]`, `[@a; @b]`."""
    for group in _BRACKETED.finditer(text):
        for key in _CITE_KEY.finditer(group.group(1)):
            yield key.group(1).rstrip(".:,;")


@dataclass(frozen=True, slots=True)
class CheckOptions:
    release: bool = False
    today: date | None = None


Rule = Callable[[Workspace, CheckOptions], Iterable[Diagnostic]]


def _locate(ws: Workspace, scalar: YScalar, needle: str, nth: int) -> Location:
    source = ws.files.get(scalar.loc.path)
    return source.locate_in(scalar, needle, nth) if source else scalar.loc


def unknown_references(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    # A file that could not be read hides its items: nothing counts as unknown then.
    for position in ws.positions.values():
        for ref in position.addresses:
            if ref.value not in ws.recommendations and "recommendations" not in ws.incomplete:
                yield Diagnostic.make(
                    "HTHC202", ref.loc,
                    f"position '{position.id}' addresses '{ref.value}', which is not a "
                    "recommendation in this workspace",
                    hint=did_you_mean(ref.value, ws.recommendations),
                )
    for response in ws.responses.values():
        if (response.source and response.source.value not in ws.sources
                and "recommendations" not in ws.incomplete):
            yield Diagnostic.make(
                "HTHC203", response.source.loc,
                f"response '{response.id}' answers source '{response.source.value}', which "
                "is not in recommendations/",
                hint=did_you_mean(response.source.value, ws.sources),
            )
        for ref in _listed(response):
            if ref.value not in ws.positions and "positions" not in ws.incomplete:
                yield Diagnostic.make(
                    "HTHC204", ref.loc,
                    f"response '{response.id}' lists '{ref.value}', which is not a position",
                    hint=did_you_mean(ref.value, ws.positions),
                )


def _listed(response: Response) -> list[IdRef]:
    return [*response.general, *(response.specific or ())]


def text_references(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    items = ws.recommendations.keys() | ws.positions.keys()
    check_links = not ws.incomplete & {"recommendations", "positions"}
    check_citations = "references" not in ws.incomplete
    for text, markdown in ws.texts:
        if not markdown:
            continue
        for _, scalar in text.scalars():
            value = str(scalar.value)
            if check_links and "[[" in value:
                counts: dict[str, int] = {}
                for match in LINK.finditer(value):
                    target = match.group(1)
                    nth = counts.get(match.group(), 0)
                    counts[match.group()] = nth + 1
                    if target not in items:
                        yield Diagnostic.make(
                            "HTHC205", _locate(ws, scalar, match.group(), nth),
                            f"the link [[{target}]] points at no recommendation or position",
                            hint=did_you_mean(target, items),
                        )
            if check_citations and "@" in value:
                counts = {}
                for key in citation_keys(value):
                    needle = "@" + key
                    nth = counts.get(needle, 0)
                    counts[needle] = nth + 1
                    if key not in ws.references:
                        yield Diagnostic.make(
                            "HTHC206", _locate(ws, scalar, needle, nth),
                            f"the citation [@{key}] names no entry in references.yaml",
                            hint=did_you_mean(key, ws.references)
                            or "add it to references.yaml under 'references:'",
                        )


def text_content(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    languages = ws.languages
    with_placeholders = {
        path for path, source in ws.files.items()
        if any(word in source.text for word in PLACEHOLDER_WORDS)
    }
    for text, _ in ws.texts:
        if text.common is None and len(text.by_language) < len(languages):
            missing = [lang for lang in languages if lang not in text.by_language]
            yield Diagnostic.make(
                "HTHC301", text.node.loc,
                "this text has no " + " or ".join(f"'{lang}'" for lang in missing) + " version",
                hint=f"add '{missing[0]}: …' beside "
                + ", ".join(f"'{lang}'" for lang in text.by_language),
            )
        for _, scalar in text.scalars():
            if scalar.loc.path not in with_placeholders:
                continue
            value = str(scalar.value)
            for match in PLACEHOLDER.finditer(value):
                yield Diagnostic.make(
                    "HTHC302", _locate(ws, scalar, match.group(), _nth(value, match)),
                    f"placeholder text '{match.group()}'",
                    hint="replace it with the real text before the response is sent",
                )


def _nth(value: str, match: re.Match[str]) -> int:
    return len(PLACEHOLDER.findall(value, 0, match.start()))


def position_use(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    general_anywhere = {r.value for resp in ws.responses.values() for r in resp.general}
    used: set[str] = set()
    for response in ws.responses.values():
        used.update(r.value for r in response.general)
        used.update(p.id for p in ws.specific_positions(response))
    for position in ws.positions.values():
        if (not position.addresses and position.stance != "new-proposal"
                and position.id not in general_anywhere):
            loc = position.record.locs.get("addresses", position.record.loc)
            yield Diagnostic.make(
                "HTHC207", loc,
                f"position '{position.id}' addresses no recommendation",
                hint="list the recommendation ids it answers, set 'stance: new-proposal', "
                "or list it under a response's 'general'",
            )
        if position.id not in used and ws.responses:
            yield Diagnostic.make(
                "HTHC304", position.record.loc,
                f"position '{position.id}' is not used by any response",
            )


def response_contents(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    today = options.today or date.today()
    for response in ws.responses.values():
        source = ws.sources.get(response.source.value) if response.source else None
        seen: dict[str, IdRef] = {}
        for ref in _listed(response):
            if ref.value in seen:
                yield Diagnostic.make(
                    "HTHC209", ref.loc,
                    f"'{ref.value}' is listed twice in response '{response.id}'",
                    hint="keep it in one place", related=(seen[ref.value].loc,),
                )
            seen.setdefault(ref.value, ref)
        if source is not None and response.specific is not None:
            own = {r.id for r in source.recommendations}
            for ref in response.specific:
                position = ws.positions.get(ref.value)
                if position and not any(a.value in own for a in position.addresses):
                    yield Diagnostic.make(
                        "HTHC208", ref.loc,
                        f"'{ref.value}' addresses none of the recommendations of "
                        f"'{source.id}'",
                        hint="move it to 'general', or make it address this source",
                    )
        included = [ws.positions[r.value] for r in response.general if r.value in ws.positions]
        included += ws.specific_positions(response)
        for position in included:
            if position.status in ("draft", "review"):
                loc = position.record.locs.get("status", position.record.loc)
                yield Diagnostic.make(
                    "HTHC305", loc,
                    f"position '{position.id}' is '{position.status}' but response "
                    f"'{response.id}' includes it",
                    hint="set 'status: approved' once it is approved",
                    severity=Severity.ERROR if options.release else None,
                )
        if response.hearing.deadline != date.min and response.hearing.deadline < today:
            loc = response.record.loc
            hearing = response.record.get("hearing")
            if hearing is not None:
                loc = hearing.locs.get("deadline", loc)
            yield Diagnostic.make(
                "HTHC306", loc,
                f"the hearing deadline {response.hearing.deadline.isoformat()} has passed",
            )


def coverage(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    if "positions" in ws.incomplete:
        return
    answered = {r.source.value for r in ws.responses.values() if r.source}
    addressed = {a.value for p in ws.positions.values() for a in p.addresses}
    for source_id in sorted(answered):
        source = ws.sources.get(source_id)
        if source is None:
            continue
        for rec in source.recommendations:
            if rec.id and rec.id not in addressed:
                yield Diagnostic.make(
                    "HTHC303", rec.record.loc,
                    f"recommendation '{rec.id}' has no position, and a response answers "
                    f"'{source_id}'",
                    hint="add a position that addresses it, even a neutral one",
                )


RULES: tuple[Rule, ...] = (
    unknown_references,
    text_references,
    text_content,
    position_use,
    response_contents,
    coverage,
)

