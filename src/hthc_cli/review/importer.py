"""`hthc review import`: read a reviewed .docx, locate what it holds, and (asked to) write
the accepted edits and the comments into the workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import UsageError
from hthc_cli.review.findings import (
    Finding,
    comment_findings,
    tracked_findings,
    untracked_findings,
)
from hthc_cli.review.reader import Accept, accept_all, accept_by, accept_none

if TYPE_CHECKING:
    from hthc_cli.review.locate import Map
    from hthc_cli.review.reader import Document
    from hthc_cli.workspace.model import Workspace


@dataclass(slots=True)
class Review:
    """A reviewed document read and located."""

    path: Path
    document: Document
    map: Map
    findings: list[Finding]
    accept: Accept
    accepting: str
    """What --accept said, in words."""
    applied: list[str] = field(default_factory=list)
    """What `--apply` wrote: one line per field or file."""
    refused: list[str] = field(default_factory=list)
    """What `--apply` did not write, with the exact text to apply by hand."""

    @property
    def problems(self) -> int:
        return len(self.refused)


def acceptance(values: Sequence[str]) -> tuple[Accept, str]:
    """`--accept all` (the default), `none`, or the names of the authors to accept."""
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    if not names or [n.casefold() for n in names] == ["all"]:
        return accept_all, "all tracked changes"
    if [n.casefold() for n in names] == ["none"]:
        return accept_none, "no tracked changes (untracked edits only)"
    if any(n.casefold() in ("all", "none") for n in names):
        raise UsageError("--accept takes 'all', 'none', or the names of authors, not a mix")
    return accept_by(set(names)), "tracked changes by " + ", ".join(names)


def read_review(ws: Workspace, path: Path, accept: Sequence[str] = ()) -> Review:
    """The review in `path`, located in `ws`; nothing is written."""
    from hthc_cli.review.container import open_package
    from hthc_cli.review.locate import locate
    from hthc_cli.review.reader import read_document

    chosen, words = acceptance(accept)
    document = read_document(open_package(path))
    found = locate(document, ws, path)
    findings = (tracked_findings(document, found, path) + untracked_findings(found)
                + comment_findings(document, found, path))
    findings.sort(key=lambda f: (f.path, f.line or 0, f.column or 0,
                                 f.kind != "comment", f.date or ""))
    return Review(path, document, found, findings, chosen, words)
