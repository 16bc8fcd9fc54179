"""What changed in a position since it was approved, as a word diff of each text.

The approved texts come from the copy kept in the stamp (a workspace outside git) or from
the git history: the first commit, from the last one on the approval date onwards, whose
texts give the stamp's fingerprint.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.base.errors import UsageError
from hthc_cli.workspace.fingerprint import ALGORITHMS, Parts, part_label
from hthc_cli.workspace.model import Approval, Position, Workspace

_FINGERPRINT = re.compile(r"(?P<algorithm>[a-z][a-z0-9-]*):(?P<hex>[0-9a-f]+)\Z")
_TOKENS = re.compile(r"\s+|[^\s]+")
MAX_COMMITS = 50
"""Commits searched for the approved texts: a stamp is written, then committed, soon after."""


@dataclass(frozen=True, slots=True)
class TextChange:
    label: str
    diff: str


@dataclass(frozen=True, slots=True)
class SinceApproval:
    position: str
    stamp: Approval
    where: str
    """Where the approved texts were read: the stamp's copy, or a commit."""
    changes: list[TextChange]


def word_diff(old: str, new: str) -> str:
    """`new` with what was removed as [-old-] and what was added as {+new+}.

    Changes separated only by a space are shown as one: 'the small' → 'small and large' is
    [-the small-]{+small and large+}, not two changes around a space kept.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[list[str]] = []  # [kept] or [removed, added]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(["".join(b[j1:j2])])
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if len(runs) >= 2 and len(runs[-2]) == 2 and not runs[-1][0].strip():
            space = runs.pop()[0]
            runs[-1][0] += space + removed
            runs[-1][1] += space + added
        else:
            runs.append([removed, added])
    out = []
    for run in runs:
        if len(run) == 1:
            out.append(run[0])
            continue
        out.append(("[-" + run[0] + "-]" if run[0] else "")
                   + ("{+" + run[1] + "+}" if run[1] else ""))
    return "".join(out)


def since_approval(ws: Workspace, position: Position) -> SinceApproval | None:
    """The texts of `position` that differ from the approved ones; None if never stamped."""
    stamp = position.approved
    if stamp is None:
        return None
    match = _FINGERPRINT.match(stamp.fingerprint.strip())
    make = ALGORITHMS.get(match["algorithm"]) if match else None
    if match is None or make is None:
        raise UsageError(f"the approval of '{position.id}' names a fingerprint this version "
                         f"of hthc cannot read ('{stamp.fingerprint}'): `hthc check` says more")
    now = make().parts(ws, position)
    copy = stamp.texts()
    if copy is not None:
        then, where = copy, "the copy of the approved texts kept in its stamp"
    else:
        then, where = _from_history(ws, position, stamp, match["algorithm"], match["hex"])
    current = dict(now)
    changes = []
    for name in [*current, *(n for n in then if n not in current)]:
        old, new = then.get(name), current.get(name)
        if old == new:
            continue
        label = part_label(name)
        if old is None:
            changes.append(TextChange(label + ", added", "{+" + (new or "") + "+}"))
        elif new is None:
            changes.append(TextChange(label + ", removed", "[-" + old + "-]"))
        else:
            changes.append(TextChange(label, word_diff(old, new)))
    return SinceApproval(position.id, stamp, where, changes)


def _from_history(ws: Workspace, position: Position, stamp: Approval, algorithm: str,
                  digest: str) -> tuple[dict[str, str], str]:
    from hthc_cli.workspace import git
    from hthc_cli.workspace.loader import load_workspace

    root = ws.root
    if git.top_level(root) is None:
        raise UsageError(f"the stamp of '{position.id}' keeps no copy of the approved texts, "
                         "and the workspace is not in git, whose history would have them: "
                         "nothing to compare with")
    for commit in _candidates(root, stamp):
        with git.materialise(root, commit) as folder:
            then_ws = load_workspace(folder).workspace
            then = then_ws.positions.get(position.id)
            if then is None:
                continue
            algo = ALGORITHMS[algorithm]()
            parts: Parts = algo.parts(then_ws, then)
            if algo.digest_of(parts) == digest:
                when = git.commit_time(root, commit).date().isoformat()
                return dict(parts), f"commit {commit[:10]} of {when}"
    raise UsageError(f"no commit of the workspace's git history holds the texts approved in "
                     f"'{position.id}' (stamped {stamp.date or 'on an unknown day'}): commit "
                     "after approving, so that the history keeps them")


def _candidates(root: Path, stamp: Approval) -> list[str]:
    """The last commit on the approval date, then those after it, oldest first."""
    from hthc_cli.workspace import git

    first = git.commit_on(root, stamp.date) if stamp.date else None
    return ([first] if first else []) + git.commits_after(root, first)[:MAX_COMMITS]
