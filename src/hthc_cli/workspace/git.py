"""The workspace's git history, read through the `git` command.

Used where hthc compares a workspace with an earlier state of itself (the redline of
`hthc diff`, an approved text recovered at its approval date, the revision a reviewed
document was rendered from). Nothing here writes to the repository: a revision is
materialised into a temporary folder with `git archive`, never checked out.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from hthc_cli.base.errors import UsageError

WORKTREE = "WORKTREE"
"""The revision name that means the files as they are on disk."""


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise UsageError("git is not installed, and this command reads the workspace's git "
                         "history: install git, or run it without revisions.")
    result = subprocess.run([git, "-C", str(root), *args], capture_output=True, check=False)
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return result


def top_level(root: Path) -> Path | None:
    """The top of the git repository holding `root`, or None outside one (or without git)."""
    if shutil.which("git") is None:
        return None
    result = _git(root, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode("utf-8", "surrogateescape").strip())


def require_repository(root: Path) -> Path:
    """`top_level`, or a usage error that says the workspace is not in a git repository."""
    top = top_level(root)
    if top is None:
        raise UsageError(f"{root} is not in a git repository: this command compares "
                         "revisions of the workspace. Run `git init` and commit it first.")
    return top


def resolve(root: Path, revision: str) -> str:
    """The full commit id `revision` names (anything git accepts), or a usage error."""
    require_repository(root)
    if revision.startswith("-"):
        raise UsageError(f"{revision!r} is not a revision.")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}",
                  check=False)
    if result.returncode != 0:
        raise UsageError(f"unknown revision {revision!r}: give a commit, branch or tag that "
                         "`git log` shows (for example HEAD~1).")
    return result.stdout.decode().strip()


def is_revision(root: Path, name: str) -> bool:
    """Whether git knows `name` as a commit (False outside a repository)."""
    if name.startswith("-") or top_level(root) is None:
        return False
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    return result.returncode == 0


def head(root: Path) -> str | None:
    """The commit checked out, or None outside a repository or before the first commit."""
    if top_level(root) is None:
        return None
    result = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    return result.stdout.decode().strip() or None


def commit_time(root: Path, commit: str) -> datetime:
    """When `commit` was committed (its committer date, with its time zone)."""
    out = _git(root, "show", "-s", "--format=%cI", commit).stdout.decode().strip()
    return datetime.fromisoformat(out)


def commit_on(root: Path, day: date, path: Path | None = None) -> str | None:
    """The last commit made on or before `day` (touching `path`, when given), or None."""
    if top_level(root) is None:
        return None
    args = ["log", "-1", "--format=%H", f"--before={day.isoformat()}T23:59:59", "HEAD"]
    if path is not None:
        args += ["--", str(path)]
    result = _git(root, *args, check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def commits_after(root: Path, commit: str | None) -> list[str]:
    """The commits after `commit` (all, if None) that touch the workspace, oldest first."""
    if top_level(root) is None:
        return []
    result = _git(root, "log", "--reverse", "--format=%H",
                  f"{commit}..HEAD" if commit else "HEAD", "--", ".", check=False)
    return result.stdout.decode().split() if result.returncode == 0 else []


def file_at(root: Path, commit: str, path: Path) -> bytes | None:
    """The bytes of `path` (absolute, inside the repository) at `commit`, or None when the
    file did not exist then."""
    top = require_repository(root)
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    result = _git(root, "show", f"{commit}:{relative}", check=False)
    return result.stdout if result.returncode == 0 else None


@contextmanager
def materialise(root: Path, revision: str) -> Iterator[Path]:
    """The workspace at `root` as it was at `revision`, in a temporary folder removed on
    exit; yields the folder that corresponds to `root`. `WORKTREE` yields `root` itself."""
    if revision == WORKTREE:
        yield root
        return
    top = require_repository(root)
    commit = resolve(root, revision)
    inside = root.resolve().relative_to(top.resolve()).as_posix()
    args = ["archive", "--format=tar", commit]
    if inside != ".":
        args.append(inside)
    data = _git(top, *args).stdout
    with tempfile.TemporaryDirectory(prefix="hthc-rev-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / inside if inside != "." else Path(tmp)
