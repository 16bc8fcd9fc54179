"""`hthc show ID --since-approval`: each text changed since approval, as a word diff."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from hthc_cli.workspace.since import word_diff

Hthc = Callable[..., Result]
FIXTURES = Path(__file__).resolve().parents[1] / "check" / "fixtures"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "base"
    shutil.copytree(FIXTURES / "base", root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_word_diff_marks_what_went_and_what_came() -> None:
    assert word_diff("a small step", "a smaller step") == "a [-small-]{+smaller+} step"
    assert word_diff("one two", "one") == "one[- two-]"
    assert word_diff("one", "one two") == "one{+ two+}"
    assert word_diff("same", "same") == "same"


def test_outside_git_the_copy_in_the_stamp_is_compared(base: Path, hthc: Hthc) -> None:
    assert hthc("approve", "P-2", "--by", "Anna Jensen", "--date", "2025-01-31",
                cwd=base).exit_code == 0
    out = hthc("show", "P-2", "--since-approval", cwd=base)
    assert (out.exit_code, out.stdout) == (
        0, "position 'P-2' is as Anna Jensen approved it on 2025-01-31: nothing has changed\n")
    positions = base / "positions" / "p.yaml"
    edit(positions, "      en: |\n        Closed platforms tie the regions to one supplier",
         "      en: |\n        Closed platforms tie all five regions to a single supplier")
    edit(positions, "      - da: Krav om åbne standarder.\n        en: A requirement of open "
         "standards.\n", "      - da: Krav om åbne standarder.\n        en: A requirement of "
         "open standards.\n      - Open source first.\n")
    edit(base / "recommendations" / "ssk.yaml", "A national data platform is set up.",
         "A national data platform is set up by 2030.")
    out = hthc("show", "P-2", "--since-approval", cwd=base)
    assert out.exit_code == 0
    assert out.stdout.splitlines() == [
        "position 'P-2', approved by Anna Jensen on 2025-01-31; changed since (compared with "
        "the copy of the approved texts kept in its stamp):",
        "argument (en):",
        "  Closed platforms tie [-the-]{+all five+} regions to [-one-]{+a single+} supplier; "
        "see [[SSK-DATA]].",
        "proposal 2, added:",
        "  {+Open source first.+}",
        "recommendation 'SSK-DATA' (en):",
        "  A national data platform",
        "",
        "  A national data platform is set [-up.-]{+up by 2030.+}",
    ]
    check = hthc("check", "--color", "never", cwd=base)
    assert check.stdout.splitlines()[0] == (
        "positions/p.yaml:40:20: warning HTHC314 position 'P-2' has changed since Anna Jensen "
        "approved it on 2025-01-31: its argument (en), its proposal 2, added and the text of "
        "recommendation 'SSK-DATA' (en) [suspect-position]")


def test_never_approved_or_not_a_position(base: Path, hthc: Hthc) -> None:
    out = hthc("show", "P-1", "--since-approval", cwd=base)
    assert (out.exit_code, out.stdout) == (
        0, "position 'P-1' has never been approved with `hthc approve`, so there is nothing "
        "to compare with\n")
    out = hthc("show", "SSK-DIGI", "--since-approval", cwd=base)
    assert (out.exit_code, out.stderr) == (
        2, "hthc: 'SSK-DIGI' is not a position: only positions are approved\n")
    out = hthc("show", "P-3", "--since-approval", cwd=base)
    assert (out.exit_code, out.stderr) == (
        2, "hthc: there is no position 'P-3'; did you mean 'P-2'?\n")


def git(root: Path, *args: str, when: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def test_in_git_the_history_gives_the_approved_texts(base: Path, hthc: Hthc) -> None:
    git(base, "init", "-q", when="2025-01-01T10:00:00+00:00")
    git(base, "add", ".", when="2025-01-01T10:00:00+00:00")
    git(base, "commit", "-qm", "first", when="2025-01-01T10:00:00+00:00")
    assert hthc("approve", "P-1", "--by", "A", "--date", "2025-01-31", cwd=base).exit_code == 0
    assert "texts:" not in (base / "positions" / "p.yaml").read_text()  # git keeps them
    git(base, "commit", "-qam", "approved", when="2025-02-03T10:00:00+00:00")
    edit(base / "positions" / "p.yaml", "helps the small municipalities",
         "helps small and large municipalities")
    git(base, "commit", "-qam", "reworded", when="2025-02-10T10:00:00+00:00")
    out = hthc("show", "P-1", "--since-approval", cwd=base)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("position 'P-1', approved by A on 2025-01-31; changed since "
                               "(compared with commit ")
    # the first commit already held the texts approved: the stamp's fingerprint says so
    assert lines[0].endswith(" of 2025-01-01):")
    assert lines[1:] == [
        "argument (en):",
        "  A national strategy helps [-the small-]{+small and large+} municipalities "
        "[@ref-2023]; see also [[P-2]].",
    ]


def test_in_git_without_the_approved_commit_it_says_so(base: Path, hthc: Hthc) -> None:
    git(base, "init", "-q", when="2025-01-01T10:00:00+00:00")
    git(base, "add", ".", when="2025-01-01T10:00:00+00:00")
    git(base, "commit", "-qm", "first", when="2025-01-01T10:00:00+00:00")
    edit(base / "positions" / "p.yaml", "helps the small", "helps the smaller")
    assert hthc("approve", "P-1", "--by", "A", "--date", "2025-01-31", cwd=base).exit_code == 0
    edit(base / "positions" / "p.yaml", "helps the smaller", "helps the smallest")
    out = hthc("show", "P-1", "--since-approval", cwd=base)
    assert (out.exit_code, out.stderr) == (
        2, "hthc: no commit of the workspace's git history holds the texts approved in 'P-1' "
        "(stamped 2025-01-31): commit after approving, so that the history keeps them\n")
