"""The workspace's git history: revisions materialised, files read at a date, errors said."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from hthc_cli.base.errors import UsageError
from hthc_cli.workspace import git


def _run(root: Path, *args: str, when: str = "2025-06-01T12:00:00+00:00") -> None:
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    ws = tmp_path / "repo" / "ws"
    ws.mkdir(parents=True)
    (ws / "a.yaml").write_text("one\n")
    _run(tmp_path / "repo", "init", "-q")
    _run(tmp_path / "repo", "add", ".")
    _run(tmp_path / "repo", "commit", "-qm", "first", when="2025-06-01T12:00:00+00:00")
    (ws / "a.yaml").write_text("two\n")
    _run(tmp_path / "repo", "commit", "-qam", "second", when="2025-06-10T12:00:00+00:00")
    (ws / "a.yaml").write_text("three\n")
    return ws


def test_materialise_gives_the_workspace_folder_at_a_revision(repo: Path) -> None:
    with git.materialise(repo, "HEAD~1") as old:
        assert (old / "a.yaml").read_text() == "one\n"
    with git.materialise(repo, "HEAD") as new:
        assert (new / "a.yaml").read_text() == "two\n"
        kept = new
    assert not kept.exists()
    with git.materialise(repo, git.WORKTREE) as now:
        assert (now / "a.yaml").read_text() == "three\n"


def test_file_at_the_last_commit_of_a_day(repo: Path) -> None:
    first = git.commit_on(repo, date(2025, 6, 5))
    assert first is not None
    assert git.file_at(repo, first, repo / "a.yaml") == b"one\n"
    assert git.file_at(repo, first, repo / "missing.yaml") is None
    assert git.commit_on(repo, date(2025, 5, 1)) is None
    assert git.commit_time(repo, first).date() == date(2025, 6, 1)


def test_unknown_revision_and_no_repository_are_usage_errors(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown revision 'nosuch'"):
        git.resolve(repo, "nosuch")
    with pytest.raises(UsageError, match="not a revision"):
        git.resolve(repo, "--all")
    outside = tmp_path / "plain"
    outside.mkdir()
    assert git.top_level(outside) is None
    assert git.head(outside) is None
    with pytest.raises(UsageError, match="not in a git repository"):
        git.resolve(outside, "HEAD")
