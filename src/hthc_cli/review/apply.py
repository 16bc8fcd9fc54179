"""`--apply`: the accepted edits written into the YAML, the comments into the reviews file.

Per text: the text as the workspace renders it now is the edit's *before*, the document's
text with the accepted tracked changes its *after*; `markup/reverse.apply_edit` edits the
Markdown at the words that changed and refuses what it cannot map (reported with the exact
text to apply by hand); `workspace/rewrite.py` puts the new value into the file at the
scalar's span. A text changed in the workspace since the render is a conflict: nothing of
it is applied. Every file is made in memory first and all are written, or none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import HthcError, UsageError
from hthc_cli.review.importer import Review
from hthc_cli.review.locate import Located

if TYPE_CHECKING:
    from hthc_cli.markup.reverse import Projection
    from hthc_cli.workspace.model import Workspace


@dataclass(frozen=True, slots=True)
class Printing:
    """What the document prints for `[[ID]]` and for citations: what a text's projection
    needs to equal the document's paragraphs."""

    titles: dict[str, str]
    citations: dict[str, str]
    short_citations: dict[str, str]


def _printing(ws: Workspace, language: str, keys: list[str]) -> Printing:
    from hthc_cli.markup.plain import one_line
    from hthc_cli.render.context import format_references

    titles = {}
    for items in (ws.recommendations, ws.positions):
        for item_id, item in items.items():
            titles[item_id] = one_line(item.title.get(language) or "") or item_id
    full, short = format_references(ws, [k for k in keys if k in ws.references], language)
    return Printing(titles, full, short)


def _cited(value: str) -> list[str]:
    from hthc_cli.markup.analysis import citation_keys
    from hthc_cli.markup.parser import parse_text

    return list(dict.fromkeys(citation_keys(parse_text(value))))


def _after(located: Located, review: Review) -> Projection:
    from hthc_cli.markup.reverse import Projection

    text_range = located.range
    notes = tuple(review.document.note_text(n, review.accept)
                  for n in text_range.notes(review.accept))
    return Projection(text_range.texts(review.accept), notes)


def _inside(before: Projection, rendered: tuple[str, ...] | None, after: Projection
            ) -> Projection | None:
    """`after` without what the document prints around the text inside its mark (a title's
    closing full stop in a list item): what the render adds to `before`, found again at
    the ends of `after`. None when the ends were edited."""
    from hthc_cli.markup.reverse import Projection

    if rendered is None or rendered == before.paragraphs:
        return after
    shown, own = "\n".join(rendered), "\n".join(before.paragraphs)
    at = shown.find(own)
    if at == -1:
        return None
    head, tail = shown[:at], shown[at + len(own):]
    edited = "\n".join(after.paragraphs)
    if not (edited.startswith(head) and edited.endswith(tail)
            and len(edited) >= len(head) + len(tail)):
        return None
    inner = edited[len(head):len(edited) - len(tail)]
    return Projection(tuple(inner.split("\n")), after.notes)


def _where(located: Located) -> str:
    assert located.place is not None
    place = located.place
    return (f"{place.mark.file}:{place.scalar.loc.line}:{place.scalar.loc.column}: "
            f"{place.mark.item} {place.mark.field} ({place.mark.language})")


def _new_values(review: Review, ws: Workspace) -> list[tuple[Located, str]]:
    """Each text's new source, from its accepted edits; what cannot be applied goes to
    `review.refused`."""
    from hthc_cli.markup.reverse import apply_edit, project

    found = [f for f in review.map.located if f.place is not None]
    found.sort(key=lambda f: f.range.first)
    language = review.map.language or ws.default_language
    keys = list(dict.fromkeys(k for f in found for k in _cited(f.place.value)  # type: ignore[union-attr]
                              ))
    try:
        printing = _printing(ws, language, keys)
    except HthcError as exc:
        raise UsageError(f"the edits cannot be applied: {exc}") from None
    cited: set[str] = set()
    by_place: dict[str, list[tuple[Located, frozenset[str]]]] = defaultdict(list)
    for located in found:
        assert located.place is not None
        by_place[located.place.mark.place].append((located, frozenset(cited)))
        cited.update(_cited(located.place.value))
    values: list[tuple[Located, str]] = []
    for occurrences in by_place.values():
        located = occurrences[0][0]
        assert located.place is not None
        source = located.place.value
        if any(o.conflict for o, _ in occurrences):
            if any(f.located is o and f.kind != "comment" for o, _ in occurrences
                   for f in review.findings):
                review.refused.append(
                    f"{_where(located)}: not applied: the text changed in the workspace since "
                    "the document was rendered (a conflict); compare and apply by hand")
            continue
        edits = []
        for occurrence, before_cited in occurrences:
            options = {"titles": printing.titles, "citations": printing.citations,
                       "short_citations": printing.short_citations,
                       "cited_before": before_cited}
            try:
                before = project(source, **options)  # type: ignore[arg-type]
            except HthcError as exc:
                review.refused.append(f"{_where(occurrence)}: not applied ({exc})")
                break
            after = _inside(before, occurrence.expected, _after(occurrence, review))
            if after is None:
                review.refused.append(
                    f"{_where(occurrence)}: not applied: the words around the text in the "
                    "document were edited too, and where the text ends is not clear; apply "
                    "by hand: " + " ¶ ".join(_after(occurrence, review).paragraphs))
                break
            if after != before:
                edits.append((occurrence, before, after, options))
        else:
            if not edits:
                continue
            if len({(e[2].paragraphs, e[2].notes) for e in edits}) > 1:
                review.refused.append(
                    f"{_where(located)}: not applied: the text is edited differently in "
                    f"{len(edits)} places of the document; make it one edit by hand")
                continue
            occurrence, before, after, options = edits[0]
            result = apply_edit(source, before, after, **options)  # type: ignore[arg-type]
            for refusal in result.refused:
                review.refused.append(
                    f"{_where(occurrence)}: not applied ({refusal.reason}): "
                    f"[-{refusal.before_words}-]{{+{refusal.after_words}+}}; apply by hand: "
                    f"{refusal.manual_text}")
            if result.new_source is not None and result.new_source != source:
                values.append((occurrence, result.new_source))
    return values


def apply_review(review: Review, ws: Workspace) -> None:
    """Write what the review holds into the workspace; fills `review.applied/refused`."""
    from hthc_cli.render.pipeline import write_all
    from hthc_cli.review.store import store_comments
    from hthc_cli.workspace.rewrite import RewriteError, replace_scalar

    files: dict[str, list[tuple[Located, str]]] = defaultdict(list)
    for located, value in _new_values(review, ws):
        assert located.place is not None
        files[located.place.mark.file].append((located, value))
    writes: list[tuple[Path, bytes]] = []
    applied: list[str] = []
    for file, edits in files.items():
        path = ws.root / file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None
        # from the end of the file back, so that each scalar's span is still where it was
        for located, value in sorted(edits, key=_start, reverse=True):
            assert located.place is not None
            try:
                rewritten = replace_scalar(data, located.place.scalar, value)
            except RewriteError as exc:
                review.refused.append(f"{_where(located)}: not applied ({exc}); apply by "
                                      f"hand: {value}")
                continue
            data = rewritten.data
            note = f" ({rewritten.restyled})" if rewritten.restyled else ""
            applied.append(f"{_where(located)}: edited{note}")
        writes.append((path, data))
    elsewhere = [f for f in review.findings if f.kind == "comment" and f.item is None]
    for finding in elsewhere:
        anchor = " ¶ ".join((finding.anchor or "").split("\n"))
        review.refused.append(
            f"{review.path.as_posix()}: the comment by {finding.author} on \u201c{anchor}\u201d "
            "is not kept: it is on words of the template, not on a text of the workspace")
    if review.map.response is not None:
        initials = {c.id: c.initials for c in review.document.comments.values()}
        kept = [f for f in review.findings if f not in elsewhere]
        stored = store_comments(ws.root, review.map.response, kept, initials)
        if stored.text is not None:
            bom = b"\xef\xbb\xbf" if stored.bom else b""
            writes.append((stored.path, bom + stored.text.encode("utf-8")))
            shown = f"reviews/{review.map.response}.yaml"
            applied.append(
                f"{shown}: {stored.added} comment(s) added, {stored.resolved} resolved, "
                f"{stored.replies} repl{'y' if stored.replies == 1 else 'ies'} added")
    elif any(f.kind == "comment" for f in review.findings):
        raise UsageError(f"{review.path.as_posix()}: cannot tell which response the document "
                         "is, so its comments have no reviews file to go to")
    write_all(writes)
    review.applied.extend(sorted(applied))


def _start(edit: tuple[Located, str]) -> int:
    return edit[0].place.scalar.start if edit[0].place is not None else 0


