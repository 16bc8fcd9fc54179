"""The two sides of a comparison: which revisions, which response, each side loaded."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hthc_cli.base.diagnostics import Severity
from hthc_cli.base.errors import RenderError, UsageError
from hthc_cli.workspace import git
from hthc_cli.workspace.model import Response, Workspace

DEFAULT_BEFORE = "HEAD"


@dataclass(frozen=True, slots=True)
class Request:
    """What to compare: two revisions (`git.WORKTREE` = the files on disk) and a response."""

    before: str
    after: str
    response_id: str | None


_ID_LINE = re.compile(r"^id:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


def response_ids_on_disk(root: Path) -> list[str]:
    """The ids of the responses in the workspace's files, read without loading it."""
    found: list[str] = []
    for path in sorted((root / "responses").glob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found += _ID_LINE.findall(text)
    return found


def read_arguments(root: Path, arguments: Sequence[str]) -> Request:
    """`[REV_A [REV_B]] [RESPONSE_ID]` as a request.

    The last of one or two arguments is the response when it is the id of a response in the
    workspace's files, even if git knows a revision of that name too (write a branch of
    that name as `heads/NAME`); otherwise it is a revision. Three arguments are always two
    revisions and a response.
    """
    git.require_repository(root)
    args = list(arguments)
    if len(args) > 3:
        raise UsageError(f"hthc diff takes at most two revisions and a response, not "
                         f"{len(args)} arguments: {' '.join(args)}")
    response_id: str | None = None
    if len(args) == 3:
        response_id = args.pop()
    elif args:
        last = args[-1]
        known = response_ids_on_disk(root)
        if last in known:
            response_id = args.pop()
        elif not git.is_revision(root, last):
            if len(args) == 2:
                response_id = args.pop()
            else:
                shown = ", ".join(known) or "none"
                raise UsageError(
                    f"{last!r} is neither a revision git knows (a commit, branch or tag, "
                    f"for example HEAD~1) nor a response of the workspace (responses: {shown})"
                )
    before = args[0] if args else DEFAULT_BEFORE
    after = args[1] if len(args) > 1 else git.WORKTREE
    for revision in (before, after):
        if revision != git.WORKTREE:
            git.resolve(root, revision)
    return Request(before, after, response_id)


@dataclass(frozen=True, slots=True)
class Side:
    """One side, loaded and checked."""

    revision: str
    commit: str | None
    """The commit id, or None for the working tree."""
    when: datetime
    """The commit's date; for the working tree, the newest change to its files (UTC)."""
    workspace: Workspace

    @property
    def label(self) -> str:
        if self.commit is None:
            return "the working tree"
        if self.commit.startswith(self.revision):
            return self.commit[:12]
        return f"{self.revision} ({self.commit[:12]})"

    @property
    def short(self) -> str:
        return "working tree" if self.commit is None else self.commit[:12]

    def response(self, response_id: str) -> Response | None:
        return self.workspace.responses.get(response_id)


@contextmanager
def load_side(root: Path, revision: str, response_id: str | None) -> Iterator[Side]:
    """The workspace at `revision`, checked: an error that stops a render stops the diff,
    and the message names the revision. The folder lives as long as the block."""
    from hthc_cli.check.checker import blocking_errors, check_workspace
    from hthc_cli.check.reporters import TextReporter

    worktree = revision == git.WORKTREE
    commit = None if worktree else git.resolve(root, revision)
    with git.materialise(root, revision) as folder:
        if not (folder / "hthc.yaml").is_file():
            raise UsageError(f"the workspace has no hthc.yaml at {revision}: name a revision "
                             "made after the workspace was")
        result = check_workspace(folder, remember=worktree)
        side = Side(revision, commit, _when(root, commit, result.workspace), result.workspace)
        known = response_id if response_id in result.workspace.responses else None
        blocked = blocking_errors(result, known)
        if blocked is not None:
            report = TextReporter(color=False).report(blocked)
            raise RenderError(
                f"{side.label} has {blocked.count(Severity.ERROR)} check error(s); a diff "
                f"needs both sides to check clean:\n{report.rstrip()}"
            )
        result.workspace.release_sources()
        yield side


def _when(root: Path, commit: str | None, ws: Workspace) -> datetime:
    if commit is not None:
        return git.commit_time(root, commit).astimezone(UTC)
    newest = 0.0
    for source in ws.files.values():
        try:
            newest = max(newest, source.path.stat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(int(newest), tz=UTC)


def choose_response(request: Request, before: Side, after: Side) -> str:
    """The response to compare: the one named, or the only one either side has."""
    ids = list(dict.fromkeys([*after.workspace.responses, *before.workspace.responses]))
    if request.response_id is not None:
        if request.response_id not in ids:
            from hthc_cli.base.suggest import did_you_mean

            hint = did_you_mean(request.response_id, ids)
            hint = f"; {hint}" if hint else ""
            raise UsageError(f"no response '{request.response_id}' at {before.label} or "
                             f"{after.label}{hint} (responses: {', '.join(ids) or 'none'})")
        return request.response_id
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise UsageError("the workspace has no responses on either side: add one under "
                         "responses/")
    raise UsageError("the workspace has several responses; name the one to compare: "
                     + ", ".join(ids))


def language_of(language: str | None, response_id: str, before: Side, after: Side) -> str:
    """`--lang`, else the response's own language, else the workspace's first."""
    from hthc_cli.base.labels import LABELS

    side = after if after.response(response_id) is not None else before
    response = side.response(response_id)
    assert response is not None
    chosen = language or response.language or side.workspace.default_language
    if chosen not in side.workspace.languages:
        raise UsageError(f"'{chosen}' is not a language of this workspace ("
                         + ", ".join(side.workspace.languages) + ")")
    if chosen not in LABELS:
        raise UsageError(f"hthc has no labels for '{chosen}' yet; use one of: "
                         + ", ".join(LABELS))
    if response.language is not None and response.language != chosen:
        raise UsageError(f"response '{response_id}' is rendered in '{response.language}' "
                         f"only; use --lang {response.language}")
    return chosen
