"""Checks across the loaded workspace: references, coverage, approval and content.

Each rule is a function that yields diagnostics, registered in `RULES`. File-level and
schema checks happen while loading (`hthc_cli.workspace`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hthc_cli.base.diagnostics import Diagnostic, Location, Severity
from hthc_cli.base.suggest import describe_odd, did_you_mean
from hthc_cli.workspace.model import THANKED_DECISIONS, Input, Response, Workspace
from hthc_cli.workspace.schema import COUNTRY_CODES, IdRef
from hthc_cli.workspace.source import YScalar

if TYPE_CHECKING:
    from hthc_cli.markup.analysis import Finding

PLACEHOLDER_WORDS = ("TODO", "TBD", "XXX", "FIXME")
PLACEHOLDER = re.compile(r"\b(" + "|".join(PLACEHOLDER_WORDS) + r")\b")
_PLACEHOLDER_WORD = {word: re.compile(rf"\b{word}\b") for word in PLACEHOLDER_WORDS}


@dataclass(frozen=True, slots=True)
class CheckOptions:
    release: bool = False
    today: date | None = None


Rule = Callable[[Workspace, CheckOptions], Iterable[Diagnostic]]


def _locate(ws: Workspace, scalar: YScalar, needle: str | re.Pattern[str], nth: int) -> Location:
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
    """``[[ID]]``, ``[text](#ID)`` and ``[@key]`` name something that exists.

    The texts are read with the one Markdown dialect render uses (`hthc_cli.markup`), so
    what is inside code is not a link, and ``[@{key}]`` is a citation as much as ``[@key]``.
    """
    from hthc_cli.markup.analysis import analyse

    items = ws.recommendations.keys() | ws.positions.keys()
    check_links = not ws.incomplete & {"recommendations", "positions"}
    check_citations = "references" not in ws.incomplete
    scalars = [scalar for text, markdown in ws.texts if markdown for _, scalar in text.scalars()]
    analysed = [(scalar, analyse(str(scalar.value))) for scalar in scalars]
    anchors = items | {a for _, found in analysed for a in found.anchors}
    for scalar, found in analysed:
        if check_links:
            for link in found.links:
                if link.kind.startswith("wikilink") and link.target not in items:
                    loc = _at(ws, scalar, link)
                    odd = describe_odd(link.target, loc.column + 2)
                    yield Diagnostic.make(
                        "HTHC205", loc,
                        f"the link [[{link.target}]] points at no recommendation or position"
                        + (f": {odd}" if odd else ""),
                        hint=did_you_mean(link.target, items),
                    )
                elif link.kind == "anchor" and link.target not in anchors:
                    yield Diagnostic.make(
                        "HTHC205", _at(ws, scalar, link),
                        f"the link to #{link.target} points at no recommendation, position "
                        "or {#anchor} in this workspace",
                        hint=did_you_mean(link.target, anchors)
                        or "link an item as [[ID]], or correct the id after '#'",
                    )
        if check_citations:
            for citation in found.citations:
                if citation.target not in ws.references:
                    yield Diagnostic.make(
                        "HTHC206", _at(ws, scalar, citation),
                        f"the citation [@{citation.target}] names no entry in references.yaml",
                        hint=did_you_mean(citation.target, ws.references)
                        or "add it to references.yaml under 'references:'",
                    )


def _at(ws: Workspace, scalar: YScalar, found: Finding) -> Location:
    """Where a finding in a text stands in its file: its snippet found again in the scalar's
    source, counting the occurrences before it."""
    value = str(scalar.value)
    snippet = value[found.offset : found.offset + max(found.length, 1)]
    if not snippet.strip():
        return scalar.loc
    nth, position = 0, value.find(snippet)
    while 0 <= position < found.offset:
        nth += 1
        position = value.find(snippet, position + 1)
    return _locate(ws, scalar, snippet, nth)


def text_content(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    languages = ws.languages
    with_placeholders = {
        path for path, source in ws.files.items()
        if any(word in source.text for word in PLACEHOLDER_WORDS)
    }
    for text, _ in ws.texts:
        if text.common is None and len(text.by_language) < len(languages):
            # a language whose value is wrong or empty is reported as such already
            missing = [lang for lang in languages
                       if lang not in text.by_language and lang not in text.reported]
        else:
            missing = []
        if missing:
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
            counts: dict[str, int] = {}
            for match in PLACEHOLDER.finditer(value):
                word = match.group()
                nth = counts.get(word, 0)
                counts[word] = nth + 1
                yield Diagnostic.make(
                    "HTHC302", _locate(ws, scalar, _PLACEHOLDER_WORD[word], nth),
                    f"placeholder text '{word}'",
                    hint="replace it with the real text before the response is sent",
                )


def position_use(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    general_anywhere = {r.value for resp in ws.responses.values() for r in resp.general}
    hidden = ws.incomplete & {"recommendations", "response"}
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
        # a response or source that could not be read may well use it
        if position.id not in used and ws.responses and not hidden:
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
        if response.draft:
            yield Diagnostic.make(
                "HTHC319", response.record.locs.get("status", response.record.loc),
                f"response '{response.id}' is a draft: it is rendered marked UDKAST/DRAFT",
                hint="remove 'status: draft' once the response is ready to send",
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


def outcome_positions(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """An outcome is recorded for a position the response used."""
    if ws.incomplete & {"positions", "recommendations"}:
        return  # what a file that could not be read holds may be what the response used
    for response in ws.responses.values():
        if not response.outcomes:
            continue
        used = [p.id for p in ws.used_positions(response)]
        for outcome in response.outcomes:
            ref = outcome.position
            if ref is None or ref.value in used:
                continue
            what = ("is not a position" if ref.value not in ws.positions
                    else f"is a position response '{response.id}' does not use")
            yield Diagnostic.make(
                "HTHC210", ref.loc,
                f"an outcome of response '{response.id}' is for '{ref.value}', which {what}",
                hint=did_you_mean(ref.value, used)
                or "the response uses: " + (", ".join(used) or "no position"),
            )


def review_comments(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """Comments brought back from Word: each on a response and a text that exist, and none
    left open when a response is released."""
    if not ws.reviews:
        return
    from hthc_cli.workspace.places import text_places

    places = {(p.file, p.item, p.field) for p in text_places(ws)}
    fields: dict[str, list[str]] = {}
    files: dict[str, str] = {}
    for file, item, key in sorted(places):
        fields.setdefault(item, []).append(key)
        files[item] = file
    complete = not ws.incomplete & {"responses", "positions", "recommendations"}
    reported: set[tuple[str, int]] = set()
    for response_id, comments in ws.reviews.items():
        for comment in comments:
            ref = comment.response
            if (ref is not None and response_id not in ws.responses and complete
                    and (ref.loc.path, ref.loc.line) not in reported):
                reported.add((ref.loc.path, ref.loc.line))
                yield Diagnostic.make(
                    "HTHC320", ref.loc,
                    f"the review comments are on response '{response_id}', which is not in "
                    "responses/",
                    hint=did_you_mean(response_id, ws.responses)
                    or "correct the id, or delete this file if the response is gone",
                )
            target = comment.target
            where = comment.record.get("target")
            loc = where.loc if where is not None else comment.record.loc
            if complete and target.item and (target.file, target.item, target.field) not in places:
                yield Diagnostic.make(
                    "HTHC320", loc, _unknown_target(target.file, target.item, target.field,
                                                    files, fields),
                    hint=(did_you_mean(target.item, files) if target.item not in files
                          else None)
                    or "correct the target, or set 'status: resolved' if the text it was on "
                    "is gone",
                )
            if comment.is_open:
                first = comment.body.strip().splitlines()[0] if comment.body.strip() else ""
                shown = first if len(first) <= 60 else first[:59] + "…"
                yield Diagnostic.make(
                    "HTHC316", comment.record.loc,
                    f"open review comment by {comment.author} on {target.item} "
                    f"{target.field} ({target.language}): \"{shown}\"",
                    hint="deal with it, then set 'status: resolved'",
                    severity=Severity.ERROR if options.release else None,
                )


def _unknown_target(
    file: str, item: str, field: str, files: dict[str, str], fields: dict[str, list[str]]
) -> str:
    if item not in files:
        return f"the comment is on '{item}', which is no item of this workspace"
    if files[item] != file:
        return f"the comment is on '{item}' in {file}, but '{item}' is in {files[item]}"
    return (f"the comment is on '{field}' of '{item}', which has no such text (it has: "
            + ", ".join(fields[item]) + ")")


def approvals(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """A stamped position whose texts, or those of what it addresses, changed since."""
    stamped = [p for p in ws.positions.values() if p.approved is not None]
    # A file that could not be read hides recommendations: every stamp would differ.
    if not stamped or "recommendations" in ws.incomplete:
        return
    from hthc_cli.workspace.fingerprint import Verifier, describe

    verifier = Verifier(ws)
    unknown: dict[str, list[tuple[str, Location]]] = {}
    for position in stamped:
        stamp = position.approved
        assert stamp is not None
        if not stamp.fingerprint:
            continue  # missing or empty: reported while loading
        loc = stamp.record.locs.get("fingerprint", stamp.record.loc)
        verdict = verifier.verify(position, stamp.fingerprint, stamp.parts)
        if verdict.matches:
            continue
        fix = (f"see what changed with `hthc show {position.id} --since-approval`; if it "
               f"still holds, approve it again with `hthc approve {position.id} --by NAME`")
        if verdict.unknown_algorithm is not None:
            unknown.setdefault(verdict.unknown_algorithm, []).append((position.id, loc))
            continue
        if verdict.malformed:
            yield Diagnostic.make(
                "HTHC317", loc,
                f"the approval of position '{position.id}' cannot be verified: its fingerprint "
                "is not written ALGORITHM:HEX",
                hint=f"approve it again with `hthc approve {position.id} --by NAME`",
            )
            continue
        when = f" on {stamp.date.isoformat()}" if stamp.date else ""
        changed = describe(verdict.changes)
        yield Diagnostic.make(
            "HTHC314", loc,
            f"position '{position.id}' has changed since {stamp.by} approved it{when}: "
            + (changed or "its texts, or those of what it addresses, are not as approved"),
            hint=fix, severity=Severity.ERROR if options.release else None,
        )
    # A stamp of a newer hthc is said once per algorithm, not at every position.
    for name, found in unknown.items():
        others = len(found) - 1
        first, loc = found[0]
        yield Diagnostic.make(
            "HTHC317", loc,
            f"the approval of position '{first}' is fingerprinted with '{name}', which this "
            "version of hthc does not know: it cannot tell whether the position changed"
            + (f" (nor for {others} other stamp{'s' * (others != 1)} of '{name}')"
               if others else ""),
            hint="update hthc: a newer version wrote the stamp",
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


def member_input(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """Input from members: what it relates to exists, its files are there, it is decided."""
    if not ws.inputs:
        return
    check_ids = not ws.incomplete & {"recommendations", "positions"}
    # A response that could not be read may use what an input is about: nothing is sure.
    concerned: dict[str, list[Response]] = {}
    thanked: dict[str, list[Response]] = {}
    for response in ws.responses.values():
        for item in ws.inputs_on(response):
            concerned.setdefault(item.id, []).append(response)
            if response.acknowledge_inputs and item.decision in THANKED_DECISIONS:
                thanked.setdefault(item.id, []).append(response)
    for item in ws.inputs.values():
        if check_ids:
            for ref in item.relates_to:
                if ref.value not in ws.positions and ref.value not in ws.recommendations:
                    yield Diagnostic.make(
                        "HTHC211", ref.loc,
                        f"input '{item.id}' relates to '{ref.value}', which is neither a "
                        "position nor a recommendation",
                        hint=did_you_mean(ref.value, [*ws.positions, *ws.recommendations]),
                    )
        for attachment in item.attachments:
            path = ws.root / attachment.value
            if not path.is_file():
                yield Diagnostic.make(
                    "HTHC110", attachment.loc,
                    f"the attachment '{attachment.value}' "
                    + ("is not a file" if path.exists() else "does not exist"),
                    hint=_nearest_file(path, ws.root)
                    or "put the file there, or remove the line",
                )
        if item.decision == "declined" and item.note is None and "note" not in item.record.nodes:
            yield Diagnostic.make(
                "HTHC102", item.record.locs.get("decision", item.record.loc),
                f"input '{item.id}' is declined but has no 'note'",
                hint="add 'note:' — why it was declined, so that the sender can be told",
            )
        if not item.decided:
            yield _undecided(item, concerned.get(item.id, []), options)
        if thanked.get(item.id) and not item.organisation:
            sender = item.record.get("from")
            names = ", ".join(f"'{r.id}'" for r in thanked[item.id])
            yield Diagnostic.make(
                "HTHC318", sender.loc if sender is not None else item.record.loc,
                f"response {names} thanks contributors by organisation, and input "
                f"'{item.id}' names none",
                hint="add 'organisation:' under 'from:', the organisation "
                f"{item.name or 'the sender'} writes for",
            )


def _undecided(item: Input, responses: list[Response], options: CheckOptions) -> Diagnostic:
    loc = item.record.locs.get("decision", item.record.loc)
    if not responses:
        return Diagnostic.make(
            "HTHC315", loc, f"input '{item.id}' is not decided yet",
            hint="set 'decision' to considered, incorporated or declined once the team has "
            "read it" + ("" if item.relates_to else "; list in 'relates_to' what it is about"),
        )
    names = ", ".join(f"'{r.id}'" for r in responses)
    return Diagnostic.make(
        "HTHC315", loc,
        f"input '{item.id}' is not decided yet, and response {names} uses what it is about",
        hint="set 'decision' to considered, incorporated or declined, with a 'note', before "
        "the response is sent",
        severity=Severity.ERROR if options.release else None,
    )


def _nearest_file(path: Path, root: Path) -> str | None:
    """'did you mean …?' among the files beside `path`, written as `path` is."""
    from hthc_cli.base.suggest import closest

    folder = path.parent
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    found = closest(path.name, names)
    if found is None:
        return None
    return f"did you mean '{Path(os.path.relpath(folder / found, root)).as_posix()}'?"


def named_files(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """What `hthc render` would fail to find: the reference document, templates."""
    config = ws.config
    for key, what, folder in (("reference_doc", "reference document", False),
                              ("templates", "templates folder", True)):
        value = config.get(key) if config is not None else None
        if config is None or not isinstance(value, str):
            continue
        path = ws.root / value
        if path.is_dir() if folder else path.is_file():
            continue
        if path.exists():
            problem = "is a file, not a folder" if folder else "is a folder, not a file"
        else:
            problem = "does not exist"
        siblings = sorted(p.name for p in path.parent.glob("*")
                          if (p.is_dir() if folder else p.suffix == ".docx")) \
            if path.parent.is_dir() else []
        yield Diagnostic.make(
            "HTHC110", config.locs.get(key, config.loc),
            f"the {what} '{value}' {problem}",
            hint=did_you_mean(path.name, siblings)
            or "the path is relative to the folder of hthc.yaml",
        )
    if not any(r.template for r in ws.responses.values()):
        return
    from hthc_cli.workspace.templates import builtin_templates, template_file_name

    own_name = ws.templates or "templates"
    dirs = [d for d in (ws.root / own_name, builtin_templates()) if d.is_dir()]
    names: list[str] | None = None
    for response in ws.responses.values():
        name = response.template
        if not name or any(_template_file(d, template_file_name(name)) for d in dirs):
            continue
        if names is None:
            names = sorted({p.relative_to(d).as_posix() for d in dirs
                            for p in d.rglob("*") if p.is_file()})
        yield Diagnostic.make(
            "HTHC110", response.record.locs.get("template", response.record.loc),
            f"the template '{name}' is neither in the workspace's {own_name}/ folder nor "
            "among hthc's built-in templates",
            hint=_nearest_template(name, names)
            or "templates found: " + (", ".join(names) or "none"),
        )


def _nearest_template(name: str, names: list[str]) -> str | None:
    """'did you mean …?' by the names before `.md.j2`, which every template shares."""
    from hthc_cli.base.suggest import closest
    from hthc_cli.workspace.templates import TEMPLATE_SUFFIX

    by_stem = {n.removesuffix(TEMPLATE_SUFFIX): n for n in names}
    found = closest(name.removesuffix(TEMPLATE_SUFFIX), by_stem)
    return None if found is None else f"did you mean '{by_stem[found]}'?"


def _template_file(folder: Path, name: str) -> bool:
    """Whether the template loader finds `name` in `folder` ('/'-separated, no '..')."""
    pieces = name.split("/")
    if any(p in ("", ".", "..") or "\\" in p for p in pieces):
        return False
    return folder.joinpath(*pieces).is_file()


def language_labels(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """A workspace language that hthc cannot render in: it has no labels for it."""
    languages = ws.config.get("languages") if ws.config is not None else None
    if not languages:
        return
    from hthc_cli.base.labels import LABELS

    for ref in languages:
        if ref.value in LABELS:
            continue
        meant = COUNTRY_CODES.get(ref.value)
        yield Diagnostic.make(
            "HTHC307", ref.loc,
            f"hthc cannot render in '{ref.value}' yet: it has labels for " + ", ".join(LABELS),
            hint=f"'{ref.value}' is a country code: did you mean '{meant}'?"
            if meant in LABELS else
            "texts may be written in it, but responses render only in " + ", ".join(LABELS),
        )


def label_placeholders(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """A label of hthc.yaml whose {placeholder} hthc cannot fill in."""
    from hthc_cli.base.labels import allowed_placeholders, placeholders
    from hthc_cli.workspace.schema import Record

    labels = ws.config.get("labels") if ws.config is not None else None
    if not isinstance(labels, Record):
        return
    for words in labels.values.values():
        if not isinstance(words, Record):
            continue
        for name, text in words.values.items():
            node = words.nodes.get(name)
            if not isinstance(text, str) or not isinstance(node, YScalar):
                continue
            allowed = allowed_placeholders(name)
            shown = ", ".join("{" + a + "}" for a in allowed)
            try:
                found = placeholders(text)
            except ValueError:
                yield Diagnostic.make(
                    "HTHC104", node.loc,
                    f"the braces in the label '{name}' do not pair up: hthc fills in "
                    "what stands between { and }",
                    hint="write {{ and }} for a brace to print"
                    + (f"; this label may use {shown}" if allowed else ""),
                )
                continue
            for field in dict.fromkeys(found):
                if field in allowed:
                    continue
                yield Diagnostic.make(
                    "HTHC104", _locate(ws, node, "{" + field, 0),
                    f"the label '{name}' holds {{{field}}}, which hthc cannot fill in "
                    "there",
                    hint=did_you_mean(field, allowed)
                    or (f"it may use {shown}" if allowed
                        else "this label fills in nothing: write {{ and }} for a brace"),
                )


_PITFALLS: dict[str, tuple[str, str]] = {
    "html": ("HTML in a text is printed as it is, not interpreted",
             "remove it; use Markdown (**bold**, *italic*, lists) instead"),
    "heading": ("a heading inside a text becomes a heading of the whole response",
                "use a **bold** lead-in instead of '#'"),
    "note-without-text": ("the footnote [^{target}] has no text in this text",
                          "add a line '[^{target}]: …' below the paragraph"),
    "spaced-link": ("{snippet} is not a link: it has spaces inside the brackets",
                    "write [[ID]] with no spaces"),
    "unclosed-code": ("this code block is never closed: everything after it, to the end of "
                      "the text, is printed as code",
                      "end the code block with a line holding only {snippet}"),
    "unclosed-div": ("this ::: block is never closed: it runs to the end of the text",
                     "end it with a line holding only :::"),
    "extra-cells": ("this table row has {count} cell(s) more than the header's {target} "
                    "columns; they are not printed",
                    "add columns to the header row, or remove the extra cells"),
    "wide-table": ("a table of {count} columns is printed in small type and is hard to read "
                   "on a page",
                   "split it into narrower tables, or turn columns into rows"),
    "deep-list": ("this list is nested {count} levels deep; Word has 9 list levels, so the "
                  "deeper items are printed at the ninth",
                  "nest lists at most 9 levels deep"),
    "nested-note": ("a footnote inside a footnote is printed in parentheses inside the outer "
                    "note: Word has no notes in notes",
                    "write the text of [^{target}] into the footnote that refers to it"),
    "too-deep": ("this text nests lists or quotes more than {count} levels deep, which "
                 "cannot be printed",
                 "flatten the nesting"),
}


def markdown_pitfalls(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """Texts that would not come out in the document the way their writer meant."""
    from hthc_cli.markup.analysis import ERRORS, analyse
    from hthc_cli.markup.parser import MAX_NESTING

    with_comments = {
        path: source for path, source in ws.files.items()
        if " #" in source.text or "\t#" in source.text
    }
    for text, markdown in ws.texts:
        if not markdown and not with_comments:
            continue
        for _, scalar in text.scalars():
            source = with_comments.get(scalar.loc.path)
            if (source is not None and not scalar.style
                    and source.text.startswith((" #", "\t#"), scalar.end)):
                yield Diagnostic.make(
                    "HTHC309", source.locate(scalar.end + 1),
                    "the text stops here: YAML reads ' #' and the rest of the line as a comment",
                    hint="put the text in quotes, or write it as a block (|), to keep the '#'",
                )
            if not markdown:
                continue
            value = str(scalar.value)
            for found in analyse(value).pitfalls:
                message, hint = _PITFALLS[found.kind]
                values = {
                    "target": found.target, "count": found.number or MAX_NESTING,
                    "snippet": value[found.offset : found.offset + found.length],
                }
                yield Diagnostic.make(
                    "HTHC310" if found.kind in ERRORS else "HTHC308",
                    _at(ws, scalar, found),
                    message.format(**values), hint=hint.format(**values),
                )


def one_line_texts(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """A title or name with a line break: the document prints it as one line."""
    address = ws.organisation.address
    for text, markdown in ws.texts:
        if markdown or text is address:
            continue
        for _, scalar in text.scalars():
            value = str(scalar.value).strip()
            if "\n" in value or "\r" in value:
                first = value.splitlines()[0]
                yield Diagnostic.make(
                    "HTHC311", scalar.loc,
                    f"this text runs over several lines (\"{first[:40]}…\"); it is printed "
                    "as one line, the line breaks as spaces",
                    hint="write it on one line",
                )


def keys_for_template(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """A response lacks a key its template needs (the response template: closing, signatory)."""
    from hthc_cli.workspace.schema import RESPONSE
    from hthc_cli.workspace.templates import (
        DEFAULT_TEMPLATE,
        template_dirs,
        template_file_name,
        template_needs,
    )

    dirs = template_dirs(ws.root, ws.templates)
    needs: dict[str, tuple[str, ...]] = {}
    for response in ws.responses.values():
        name = template_file_name(response.template or DEFAULT_TEMPLATE)
        if name not in needs:
            needs[name] = template_needs(name, dirs)
        for key in needs[name]:
            field = RESPONSE.fields.get(key)
            if field is None or key in response.record.nodes:
                continue
            what = field.description.split(";")[0].rstrip(".")
            yield Diagnostic.make(
                "HTHC312", response.record.locs.get("template", response.record.loc),
                f"response '{response.id}' has no '{key}', which its template {name} needs",
                hint=f"add '{key}:' — {what[:1].lower() + what[1:]}; or, if the response "
                "is only rendered as a brief, write 'template: brief'",
            )


def _same_as_builtin(path: Path, folder: Path, builtin: Path) -> bool:
    """A copy of one of hthc's own templates (as where hthc's repository is the workspace):
    those are tested with hthc, and compiling them on every check would only cost time."""
    own = builtin / path.relative_to(folder)
    try:
        return own.is_file() and own.read_bytes() == path.read_bytes()
    except OSError:
        return False


def template_errors(ws: Workspace, options: CheckOptions) -> Iterator[Diagnostic]:
    """Every template in the workspace's templates folder compiles as render compiles it.

    A template is read whole, so all of its unknown filters, tests and names are reported,
    not only the first; a syntax error stops the reading of that template. A template that
    another includes may use the names the including one sets (a loop's variable).
    """
    from hthc_cli.workspace.templates import builtin_templates

    folder = ws.root / (ws.templates or "templates")
    if not folder.is_dir():
        return
    builtin = builtin_templates()
    paths = sorted(p for p in folder.rglob("*.j2")
                   if p.is_file() and not _same_as_builtin(p, folder, builtin))
    if not paths:
        return
    from hthc_cli.workspace.templates import environment_class

    env = environment_class()([folder], builtin_templates())
    parsed: dict[str, tuple[Path, str, Any]] = {}
    for path in paths:
        name = path.relative_to(folder).as_posix()
        shown = Path(os.path.relpath(path, ws.root)).as_posix()
        source, problem = _template_source(env, path, name, shown)
        if problem is not None:
            yield problem
        elif source is not None:
            parsed[name] = (path, shown, source)
    given = _names_given_by_includers(parsed)
    for name, (_, shown, (text, tree)) in parsed.items():
        found = list(_template_problems(env, name, shown, text, tree, given.get(name, set())))
        yield from found
        if not found:
            problem = _template_compiles(env, name, shown, text, tree)
            if problem is not None:
                yield problem


def _template_source(
    env: Any, path: Path, name: str, shown: str
) -> tuple[tuple[str, Any] | None, Diagnostic | None]:
    """The template's text and syntax tree, or what stops it being read."""
    import jinja2

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic.make(
            "HTHC010", Location(shown), f"the template cannot be read: {exc.strerror}",
            hint="check the file's permissions",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        return None, Diagnostic.make(
            "HTHC313", Location(shown, line, len(before) - before.rfind("\n")),
            f"the template is not UTF-8: byte 0x{raw[exc.start]:02x} here is not valid UTF-8",
            hint="save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8)",
        )
    try:
        return (text, env.parse(text, name, str(path))), None
    except jinja2.TemplateSyntaxError as exc:
        line = exc.lineno or 1
        return None, Diagnostic.make(
            "HTHC313", Location(shown, line, _tag_column(text, line)),
            f"template syntax error: {exc.message}",
            hint="every {% if %}, {% for %}, {% block %} and {% macro %} needs its "
            "{% end… %}, every '{{' its '}}' and every '{%' its '%}'",
        )
    except RecursionError:
        return None, Diagnostic.make(
            "HTHC313", Location(shown), "the template is nested too deeply to read",
            hint="nest fewer tags and brackets inside each other",
        )


def _template_problems(
    env: Any, name: str, shown: str, text: str, tree: Any, given: set[str]
) -> Iterator[Diagnostic]:
    """Filters and tests that do not exist, and names that are not in the context."""
    import jinja2
    from jinja2 import meta, nodes

    # Jinja's name finder compiles, and would stop at an unknown filter: it knows them all.
    tolerant = env.overlay()
    tolerant.filters, tolerant.tests = dict(env.filters), dict(env.tests)
    for kind, known, node_type, before in (
        ("filter", env.filters, nodes.Filter, r"\|\s*"),
        ("test", env.tests, nodes.Test, r"\bis\s+(?:not\s+)?"),
    ):
        for node in tree.find_all(node_type):
            if node.name not in known:
                (tolerant.filters if kind == "filter" else tolerant.tests)[node.name] = str
                yield Diagnostic.make(
                    "HTHC313",
                    Location(shown, node.lineno,
                             _name_column(text, node.lineno, node.name, before)),
                    f"there is no {kind} named '{node.name}'",
                    hint=did_you_mean(node.name, known)
                    or f"docs/templates.md lists hthc's own {kind}s; Jinja's are in its "
                    "documentation",
                )
    # Asked for with `is defined`: a template may ask for a name the context lacks.
    asked = {
        t.node.name for t in tree.find_all(nodes.Test)
        if t.name in ("defined", "undefined") and isinstance(t.node, nodes.Name)
    }
    known_names = env.known_names() | given
    try:
        finder = meta.TrackingCodeGenerator(tolerant)
        finder.optimizer = None  # folding `"x" * 10**9` would make it; render does not fold
        finder.visit(tree)
        undeclared = finder.undeclared_identifiers - known_names - asked
    except jinja2.TemplateSyntaxError:  # reported by _template_compiles
        return
    for variable in sorted(undeclared):
        node = next(n for n in tree.find_all(nodes.Name)
                    if n.name == variable and n.ctx == "load")
        yield Diagnostic.make(
            "HTHC313",
            Location(shown, node.lineno,
                     _name_column(text, node.lineno, variable, r"(?<![\w.])")),
            f"the template uses '{variable}', which is not a name hthc gives templates",
            hint=did_you_mean(variable, sorted(known_names))
            or "the names a template is given are listed in docs/templates.md ('The context')",
        )


def _template_compiles(
    env: Any, name: str, shown: str, text: str, tree: Any
) -> Diagnostic | None:
    """What else compiling the template refuses (a template that extends itself)."""
    import jinja2

    try:
        env.compile(tree, name, name)
    except jinja2.TemplateSyntaxError as exc:
        line = exc.lineno or 1
        return Diagnostic.make(
            "HTHC313", Location(shown, line, _tag_column(text, line)), exc.message or "",
            hint="correct the tag at this line",
        )
    except RecursionError:
        return Diagnostic.make(
            "HTHC313", Location(shown), "the template is nested too deeply to compile",
            hint="nest fewer tags and brackets inside each other",
        )
    return None


def _names_given_by_includers(parsed: dict[str, tuple[Path, str, Any]]) -> dict[str, set[str]]:
    """The names each template may be given by the templates that include it.

    Jinja gives an included template the including one's variables: whatever it sets, its
    loops' and macros' variables. Followed through includes of includes.
    """
    from jinja2 import nodes

    includes: dict[str, set[str]] = {}
    sets: dict[str, set[str]] = {}
    for name, (_, _, (_, tree)) in parsed.items():
        sets[name] = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        for include in tree.find_all(nodes.Include):
            targets = include.template
            values = targets.value if isinstance(targets, nodes.Const) else None
            for target in values if isinstance(values, list | tuple) else [values]:
                if isinstance(target, str):
                    includes.setdefault(target, set()).add(name)
    given: dict[str, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for target, includers in includes.items():
            names = set().union(*(sets.get(i, set()) | given.get(i, set()) for i in includers))
            if names - given.get(target, set()):
                given[target] = given.get(target, set()) | names
                changed = True
    return given


def _name_column(text: str, line: int, name: str, before: str) -> int:
    """The column of `name` (after the pattern `before`) in a template's line."""
    lines = text.splitlines()
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    match = re.search(before + "(" + re.escape(name) + r")\b", content)
    return match.start(1) + 1 if match else _tag_column(text, line)


def _tag_column(text: str, line: int) -> int:
    """The column of the first tag in a template's line, or of its first character."""
    lines = text.splitlines()
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    found = [i for i in (content.find("{{"), content.find("{%")) if i >= 0]
    if found:
        return min(found) + 1
    return len(content) - len(content.lstrip()) + 1


RULES: tuple[Rule, ...] = (
    unknown_references,
    text_references,
    text_content,
    position_use,
    response_contents,
    outcome_positions,
    approvals,
    coverage,
    named_files,
    language_labels,
    label_placeholders,
    markdown_pitfalls,
    one_line_texts,
    keys_for_template,
    template_errors,
    review_comments,
    member_input,
)

