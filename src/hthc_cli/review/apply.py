"""`--apply`: the accepted edits written into the YAML, the comments into the reviews file.

Per text: the text as the workspace renders it now is the edit's *before*, the document's
text with the accepted tracked changes its *after*; `markup/reverse.apply_edit` edits the
Markdown at the words that changed and refuses what it cannot map (reported with the exact
text to apply by hand); `workspace/rewrite.py` puts the new value into the file at the
scalar's span. A text changed in the workspace since the render is a conflict: nothing of
it is applied. Every file is made in memory first and all are written, or none.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hthc_cli.base.errors import HthcError, UsageError
from hthc_cli.review.importer import Review
from hthc_cli.review.locate import Located
from hthc_cli.review.reader import Accept, Document

if TYPE_CHECKING:
    from hthc_cli.workspace.model import Workspace


def _module(name: str) -> Any:
    return importlib.import_module(name)


def _edited(located: Located, accept: Accept, doc: Document) -> tuple[Any, Any] | None:
    """(before, after) projections of a text, or None when the review changes nothing."""
    text_range = located.range
    now = located.expected if located.expected is not None else text_range.texts()
    before_notes = (located.expected_notes if located.expected is not None
                    else tuple(doc.note_text(n) for n in text_range.notes()))
    after = text_range.texts(accept)
    after_notes = tuple(doc.note_text(n, accept) for n in text_range.notes(accept))
    if now == after and before_notes == after_notes:
        return None
    reverse = _module("hthc_cli.markup.reverse")
    return (reverse.Projection(tuple(now), tuple(before_notes)),
            reverse.Projection(tuple(after), tuple(after_notes)))


def apply_review(review: Review, ws: Workspace) -> None:
    """Write what the review holds into the workspace; fills `review.applied/refused`."""
    from hthc_cli.render.pipeline import write_all
    from hthc_cli.review.store import store_comments

    files: dict[str, list[tuple[Located, str]]] = defaultdict(list)
    for located in review.map.located:
        if located.place is None:
            continue
        place = located.place
        where = f"{place.mark.file}:{place.scalar.loc.line}:{place.scalar.loc.column}"
        about = f"{place.mark.item} {place.mark.field} ({place.mark.language})"
        edited = _edited(located, review.accept, review.document) if not located.conflict else None
        if located.conflict:
            if _touched(located, review):
                review.refused.append(
                    f"{where}: {about} not applied: the text changed in the workspace since "
                    "the document was rendered (a conflict); compare and apply by hand")
            continue
        if edited is None:
            continue
        reverse = _module("hthc_cli.markup.reverse")
        result = reverse.apply_edit(place.value, edited[0], edited[1])
        for refusal in result.refused:
            review.refused.append(
                f"{where}: {about}: not applied ({refusal.reason}); apply by hand: "
                f"{refusal.manual_text}")
        if result.new_source is not None and result.new_source != place.value:
            files[place.mark.file].append((located, result.new_source))
            review.applied.append(f"{where}: {about}: edited")
    writes: list[tuple[Path, bytes]] = []
    rewrite = _module("hthc_cli.workspace.rewrite") if files else None
    for file, edits in files.items():
        path = ws.root / file
        data = path.read_bytes()
        # from the end of the file back, so that each scalar's span is still where it was
        for located, value in sorted(edits, key=_start, reverse=True):
            assert located.place is not None and rewrite is not None
            data = rewrite.replace_scalar(data, located.place.scalar, value)
        writes.append((path, data))
    if review.map.response is not None:
        initials = {c.id: c.initials for c in review.document.comments.values()}
        stored = store_comments(ws.root, review.map.response, review.findings, initials)
        if stored.text is not None:
            bom = b"\xef\xbb\xbf" if stored.bom else b""
            writes.append((stored.path, bom + stored.text.encode("utf-8")))
            shown = f"reviews/{review.map.response}.yaml"
            review.applied.append(
                f"{shown}: {stored.added} comment(s) added, {stored.resolved} resolved, "
                f"{stored.replies} repl{'y' if stored.replies == 1 else 'ies'} added")
    elif any(f.kind == "comment" for f in review.findings):
        raise UsageError(f"{review.path.as_posix()}: cannot tell which response the document "
                         "is, so its comments have no reviews file to go to")
    try:
        write_all(writes)
    except HthcError:
        review.applied.clear()
        raise


def _start(edit: tuple[Located, str]) -> int:
    return edit[0].place.scalar.start if edit[0].place is not None else 0


def _touched(located: Located, review: Review) -> bool:
    return any(f.located is located and f.kind != "comment" for f in review.findings)
