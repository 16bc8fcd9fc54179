"""`hthc approve`: the stamp goes into the entry, every other byte stays; check then names
the positions whose texts, or whose recommendations' texts, changed since."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from hthc_cli.workspace.fingerprint import PART_DIGITS

Hthc = Callable[..., Result]
FIXTURES = Path(__file__).resolve().parents[1] / "check" / "fixtures"
SHIPPED_POSITIONS = [
    "HTHC-DIGI-IN-STRUCTURE", "HTHC-TELEMEDICINE-PARTNERSHIPS", "HTHC-NATIONAL-STRATEGY",
    "HTHC-VALUE-NEAR-CITIZENS", "HTHC-SCOPE", "HTHC-GOLDEN-MIDDLE", "HTHC-GOVERNANCE-MODELS",
]
_STAMP_LINE = re.compile(
    r' *(approved:|by: "[^"]+"|date: \d{4}-\d\d-\d\d|fingerprint: "sha256-v1:[0-9a-f]{64}"'
    r'|parts: "[^"]*|[^" ]+=[0-9a-f]{' + str(PART_DIGITS) + r'}( [^" ]+=[0-9a-f]+)*"?'
    r'|texts:|"[^"]+": ".*")\r?\n?'
)


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PATH": "/usr/bin:/bin", "HOME": str(root)}
    return subprocess.run(["git", "-C", str(root), *args], check=True, env=env,
                          capture_output=True, text=True).stdout


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The check cases' small workspace, outside git."""
    root = tmp_path / "base"
    shutil.copytree(FIXTURES / "base", root)
    return root


def changed_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) from `before` to `after`, line endings kept."""
    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if op != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added


def test_approve_in_the_shipped_workspace_then_check_names_every_suspect_position(
    workspace: Path, hthc: Hthc
) -> None:
    git(workspace, "init", "-q")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "as shipped")
    out = hthc("approve", *SHIPPED_POSITIONS, "--by", "Hanne Winther", "--date", "2024-08-01",
               cwd=workspace)
    assert (out.exit_code, out.stderr) == (0, "")
    assert out.stdout.splitlines()[0] == (
        "approved HTHC-DIGI-IN-STRUCTURE (positions/digitalisation.yaml:78), by Hanne Winther "
        "on 2024-08-01")
    assert len(out.stdout.splitlines()) == 7
    # git diff shows the stamp lines and nothing else: every position was approved already
    diff = git(workspace, "diff", "--unified=0")
    changed = [line for line in diff.splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed and all(line.startswith("+") for line in changed), changed
    assert all(_STAMP_LINE.fullmatch(line[1:]) for line in changed), changed
    assert sum(line == "+    approved:" for line in changed) == 7
    assert hthc("check", cwd=workspace).stdout.splitlines()[-1] == (
        "9 files checked: 0 errors, 0 warnings, 3 info.")
    git(workspace, "commit", "-qam", "approved")

    recs = workspace / "recommendations" / "sundhedsstrukturkommissionen-2024.yaml"
    recs.write_text(recs.read_text(encoding="utf-8").replace(
        "fremhæver national implementering af teknologi",
        "fremhæver regional implementering af teknologi"), encoding="utf-8")
    out = hthc("check", "--color", "never", cwd=workspace)
    suspects = [line for line in out.stdout.splitlines() if "HTHC314" in line]
    addressing = ["HTHC-DIGI-IN-STRUCTURE", "HTHC-TELEMEDICINE-PARTNERSHIPS",
                  "HTHC-NATIONAL-STRATEGY", "HTHC-VALUE-NEAR-CITIZENS", "HTHC-GOLDEN-MIDDLE"]
    assert sorted(re.search(r"position '([^']+)'", s)[1] for s in suspects) == sorted(addressing)
    assert suspects[0] == (
        "positions/digitalisation.yaml:81:20: warning HTHC314 position "
        "'HTHC-DIGI-IN-STRUCTURE' has changed since Hanne Winther approved it on 2024-08-01: "
        "the text of recommendation 'SSK-2024-DIGI' (da) [suspect-position]")
    assert out.stdout.splitlines()[1] == (
        "    hint: see what changed with `hthc show HTHC-DIGI-IN-STRUCTURE --since-approval`; "
        "if it still holds, approve it again with `hthc approve HTHC-DIGI-IN-STRUCTURE --by "
        "NAME`")
    assert out.exit_code == 0
    assert hthc("check", "--release", cwd=workspace).exit_code == 1

    shown = hthc("show", "HTHC-DIGI-IN-STRUCTURE", "--since-approval", cwd=workspace)
    lines = shown.stdout.splitlines()
    assert re.fullmatch(r"position 'HTHC-DIGI-IN-STRUCTURE', approved by Hanne Winther on "
                        r"2024-08-01; changed since \(compared with commit [0-9a-f]{10} of "
                        r"\d{4}-\d\d-\d\d\):", lines[0])
    assert lines[1] == "recommendation 'SSK-2024-DIGI' (da):"
    assert [line for line in lines if "[-" in line] == [
        "  fremhæver [-national-]{+regional+} implementering af teknologi, "
        "forpligtende samarbejde om"]


def test_approve_writes_only_the_stamp_and_the_status(base: Path, hthc: Hthc) -> None:
    path = base / "positions" / "p.yaml"
    path.write_text(path.read_text().replace("    status: approved\n  - id: P-NEW",
                                             '    status: "review"\n  - id: P-NEW'))
    before = path.read_bytes()
    out = hthc("approve", "P-2", "--by", "Anna Jensen", "--date", "2025-01-31", cwd=base)
    assert (out.exit_code, out.stdout, out.stderr) == (
        0, "approved P-2 (positions/p.yaml:36), by Anna Jensen on 2025-01-31\n", "")
    removed, added = changed_lines(before, path.read_bytes())
    assert removed == ['    status: "review"\n']
    assert added[0] == "    status: approved\n"
    assert added[1:6] == [
        "    approved:\n", '      by: "Anna Jensen"\n', "      date: 2025-01-31\n",
        '      fingerprint: "sha256-v1:'
        + re.search(r'sha256-v1:([0-9a-f]{64})"', added[4])[1] + '"\n',  # type: ignore[index]
        added[5],
    ]
    assert added[5].startswith('      parts: "title/da=')
    assert " rec:SSK-DIGI/en=" in "".join(added)
    assert "      texts:\n" in added  # outside git, a copy of the approved texts
    assert '        "argument/en": "Closed platforms tie the regions to one supplier; see ' \
        '[[SSK-DATA]]."\n' in added
    assert all(_STAMP_LINE.fullmatch(line) for line in added[1:]), added
    assert hthc("check", cwd=base).stdout == "5 files checked: no problems found.\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_line_endings_byte_order_mark_comments_and_indentation_are_kept(
    base: Path, hthc: Hthc, newline: str, bom: bool
) -> None:
    text = (
        "# the team's positions\n"
        "positions:\n"
        "- id: P-1   # at column 0\n"
        "  title: {da: En national strategi, en: A national strategy}\n"
        "  stance: support\n"
        "  status: draft\n"
        "  addresses: [SSK-DIGI]\n"
        "  summary:\n"
        "      da: Vi støtter en fælles national strategi.\n"
        "      en: We support a joint national strategy.\n"
        "  argument:\n"
        "      da: |\n"
        "        En national strategi hjælper de små kommuner.\n"
        "\n"
        "      en: |\n"
        "        A national strategy helps the small municipalities.\n"
        "\n"
        "  # a comment after the entry's last value\n"
        "- {id: P-2, title: {da: Åben platform, en: Open platform}, stance: support,\n"
        "   addresses: [SSK-DATA], summary: Open interfaces., argument: Open.,\n"
        "   status: review}\n"
        "# the end\n"
    ).replace("\n", newline)
    path = base / "positions" / "p.yaml"
    data = ("\ufeff" if bom else "") + text
    path.write_bytes(data.encode("utf-8"))
    responses = base / "responses" / "r.yaml"
    responses.write_text(responses.read_text(encoding="utf-8").replace(
        "general:\n  - P-NEW\n", "general: []\n"), encoding="utf-8")
    assert hthc("check", cwd=base).exit_code == 0
    out = hthc("approve", "P-1", "P-2", "--by", "A", "--date", "2025-01-31", cwd=base)
    assert out.exit_code == 0, out.stderr
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == bom
    assert after.count(b"\r\n") == (after.count(b"\n") if newline == "\r\n" else 0)
    removed, added = changed_lines(data.encode("utf-8"), after)
    assert removed == ["  status: draft" + newline, "   status: review}" + newline]
    flow = added.pop()
    assert flow.startswith('   status: approved, approved: {by: "A", date: 2025-01-31, '
                           'fingerprint: "sha256-v1:')
    assert '", texts: {"title/da": "Åben platform", ' in flow
    assert flow.endswith('"rec:SSK-DATA/en": "A national data platform\\n\\nA national data '
                         'platform is set up."}}}' + newline)
    # the block entry's stamp comes after its text's last line, before the blank line
    assert added.pop(0) == "  status: approved" + newline
    assert added[0] == "  approved:" + newline
    lines = after.decode("utf-8").splitlines()
    at = lines.index("  approved:")
    assert lines[at - 1] == "        A national strategy helps the small municipalities."
    # indented one level deeper, a level as deep as the entry's texts show (4 spaces)
    assert lines[at + 1:at + 3] == ['      by: "A"', "      date: 2025-01-31"]
    assert all(_STAMP_LINE.fullmatch(line) for line in added), added
    assert hthc("check", "--strict", cwd=base).exit_code == 0


def test_an_existing_stamp_is_replaced_where_it_stands(base: Path, hthc: Hthc) -> None:
    path = base / "positions" / "p.yaml"
    hthc("approve", "P-1", "--by", "A", "--date", "2025-01-01", cwd=base)
    first = path.read_bytes()
    out = hthc("approve", "P-1", "--by", "B", "--date", "2025-02-01", cwd=base)
    assert out.exit_code == 0
    removed, added = changed_lines(first, path.read_bytes())
    assert removed == ['      by: "A"\n', "      date: 2025-01-01\n"]
    assert added == ['      by: "B"\n', "      date: 2025-02-01\n"]


def test_unknown_ids_are_refused_with_the_nearest_and_nothing_is_written(
    base: Path, hthc: Hthc
) -> None:
    before = {p: p.read_bytes() for p in base.rglob("*.yaml")}
    out = hthc("approve", "P-1", "P-3", "--by", "A", cwd=base)
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == ("hthc: there is no position 'P-3'; did you mean 'P-2'?; nothing was "
                          "approved\n")
    out = hthc("approve", "SSK-DIGI", "--by", "A", cwd=base)
    assert out.stderr == ("hthc: 'SSK-DIGI' is a recommendation, not a position: only "
                          "positions are approved; nothing was approved\n")
    assert {p: p.read_bytes() for p in base.rglob("*.yaml")} == before


def test_a_workspace_with_check_errors_is_refused(base: Path, hthc: Hthc) -> None:
    path = base / "positions" / "p.yaml"
    path.write_text(path.read_text().replace("addresses: [SSK-DIGI]", "addresses: [SSK-DIG]"))
    before = {p: p.read_bytes() for p in base.rglob("*.yaml")}
    out = hthc("approve", "P-2", "--by", "A", cwd=base)
    assert (out.exit_code, out.stdout) == (1, "")
    assert out.stderr == (
        "hthc: nothing approved: the workspace has 1 error, the first at positions/p.yaml:7:17: "
        "position 'P-1' addresses 'SSK-DIG', which is not a recommendation in this workspace. "
        "Fix them first: `hthc check` shows every one.\n")
    assert {p: p.read_bytes() for p in base.rglob("*.yaml")} == before


def test_a_bad_date_or_an_empty_name_is_a_usage_error(base: Path, hthc: Hthc) -> None:
    out = hthc("approve", "P-1", "--by", "A", "--date", "31-01-2025", cwd=base)
    assert (out.exit_code, out.stderr) == (2, "hthc: --date 31-01-2025: write the day as "
                                              "YYYY-MM-DD\n")
    out = hthc("approve", "P-1", "--by", " ", cwd=base)
    assert (out.exit_code, out.stderr) == (2, "hthc: --by is empty: say who approved, e.g. "
                                              "--by 'Hanne Winther'\n")


def test_several_files_are_written_all_or_none(
    base: Path, hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = base / "positions" / "q.yaml"
    second.write_text("positions:\n  - id: Q-1\n    title: Q\n    stance: support\n"
                      "    addresses: [SSK-DATA]\n    summary: Q.\n    argument: Q.\n"
                      "    status: draft\n")
    before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file()}
    import tempfile

    made = []
    real = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        if made:
            raise OSError(28, "No space left on device", "positions/q.yaml")
        made.append(1)
        return real(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    out = hthc("approve", "P-1", "Q-1", "--by", "A", cwd=base)
    assert (out.exit_code, out.stderr) == (
        1, "hthc: cannot write positions/q.yaml: No space left on device; nothing was changed\n")
    assert {p: p.read_bytes() for p in base.rglob("*") if p.is_file()} == before
    monkeypatch.undo()
    out = hthc("approve", "P-1", "Q-1", "--by", "A", "--date", "2025-01-31", cwd=base)
    assert out.stdout.splitlines() == [
        "approved P-1 (positions/p.yaml:16), by A on 2025-01-31",
        "approved Q-1 (positions/q.yaml:9), by A on 2025-01-31",
    ]
    assert "    status: approved\n    approved:\n" in second.read_text()
