"""Every check code, shown failing and passing on a small workspace.

Each folder under fixtures/cases is a case named `<CODE>-<what goes wrong>`:

- `files/` is laid over a copy of fixtures/base, and `hthc check --format text` must print
  exactly the lines of `expected.txt` (the summary line aside);
- `good/` is laid over the base instead and shows the problem fixed: it checks clean;
"""

from __future__ import annotations

import re
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.base.diagnostics import CODES
from hthc_cli.check.checker import CheckResult, check_workspace
from hthc_cli.check.reporters import TextReporter

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in (FIXTURES / "cases").iterdir() if p.is_dir())

RUN_AS_A_COMMAND = {
    "HTHC001-colon-in-value",
    "HTHC004-alias-bomb",
    "HTHC005-not-utf8",
    "HTHC006-file-too-large",
    "HTHC007-control-characters",
    "HTHC302-placeholder",
    "HTHC306-past-deadline",
}
"""Cases also run as `python -m hthc_cli check`, as CI would run them."""

_DIAGNOSTIC = re.compile(r"(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): "
                         r"(?P<severity>error|warning|info) (?P<code>HTHC\d{3}) ")


def _param(case: Path) -> object:
    return pytest.param(case, id=case.name)


def expected_lines(case: Path) -> list[str]:
    return (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def severities(lines: list[str]) -> list[str]:
    return [m["severity"] for m in map(_DIAGNOSTIC.match, lines) if m]


def summary_counts(lines: list[str]) -> str:
    """The counting part of the summary line that goes with these diagnostics."""
    found = severities(lines)
    errors, warnings, infos = (found.count(s) for s in ("error", "warning", "info"))
    parts = [f"{errors} error" + "s" * (errors != 1), f"{warnings} warning" + "s" * (warnings != 1)]
    if infos:
        parts.append(f"{infos} info")
    return ": " + ", ".join(parts) + "."


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> CheckResult:
    monkeypatch.chdir(root)
    return check_workspace(root)


def test_the_base_workspace_checks_clean(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check(make_workspace(), monkeypatch)
    assert result.diagnostics == []
    assert TextReporter().report(result) == "5 files checked: no problems found.\n"


def test_every_code_has_a_failing_and_a_passing_case() -> None:
    by_code: dict[str, list[Path]] = {}
    for case in CASES:
        by_code.setdefault(case.name[:7], []).append(case)
        assert re.fullmatch(r"HTHC\d{3}-[a-z0-9]+(-[a-z0-9]+)*", case.name), case.name
        assert (case / "expected.txt").is_file(), f"{case.name} has no expected.txt"
        assert any((case / "files").rglob("*")), f"{case.name} has no files/"
        assert any((case / "good").rglob("*")), f"{case.name} has no good/"
    assert sorted(by_code) == sorted(CODES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_check_prints_the_expected_diagnostics(
    case: Path, make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check(make_workspace(case / "files"), monkeypatch)
    lines = TextReporter().report(result).splitlines()
    expected = expected_lines(case)
    assert lines[:-1] == expected
    assert lines[-1].endswith(summary_counts(expected))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_check_reports_the_code_located_and_fails_on_errors(
    case: Path, make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(case / "files")
    result = check(root, monkeypatch)
    code = CODES[case.name[:7]]
    assert any(d.code == code.code and d.severity == code.severity for d in result.diagnostics)
    for d in result.diagnostics:
        path = root / d.location.path
        assert path.is_file() or (d.code == "HTHC012" and (path.is_symlink() or path.is_fifo())), d
        assert d.location.line >= 1 and d.location.column >= 1, d
        if (d.location.line, d.location.column) != (1, 1):
            with path.open("rb") as file:
                assert d.location.line <= file.read().count(b"\n") + 1, d
    found = {d.severity.label for d in result.diagnostics}
    assert result.failed() == ("error" in found)
    assert result.failed(strict=True) == bool(found & {"error", "warning"})


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_the_good_example_checks_clean(
    case: Path, make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check(make_workspace(case / "good"), monkeypatch)
    assert [str(d.location) + " " + d.code for d in result.diagnostics] == []


@pytest.mark.parametrize("case", [_param(c) for c in CASES
                                  if c.name in RUN_AS_A_COMMAND])
def test_hthc_check_as_a_command(
    case: Path,
    make_workspace: Callable[..., Path],
    hthc_process: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    root = make_workspace(case / "files")
    expected = expected_lines(case)
    found = severities(expected)
    warnings_only = "warning" in found and "error" not in found
    for strict in (False, True) if warnings_only else (False,):
        options = ["--strict"] if strict else []
        run = hthc_process("check", "--format", "text", "--color", "never", *options, cwd=root)
        assert "Traceback" not in run.stdout + run.stderr
        assert run.stderr == ""
        lines = run.stdout.splitlines()
        assert lines[:-1] == expected
        fails = "error" in found or (strict and "warning" in found)
        assert run.returncode == (1 if fails else 0)


def test_an_alias_bomb_is_refused_without_being_expanded(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(FIXTURES / "cases" / "HTHC004-alias-bomb" / "files")
    tracemalloc.start()
    try:
        result = check(root, monkeypatch)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # one report per anchor that is repeated, and nothing the size of 9**9 values
    assert sum(d.code == "HTHC004" for d in result.diagnostics) == 9
    assert peak < 20 * 1024 * 1024


def test_an_alias_of_a_plain_value_is_refused(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay" / "positions"
    overlay.mkdir(parents=True)
    base = (FIXTURES / "base" / "positions" / "p.yaml").read_text(encoding="utf-8")
    (overlay / "p.yaml").write_text(
        base.replace("    owner: Jannik Zeuthen\n", "    owner: &owner Jannik Zeuthen\n")
        .replace("    status: approved\n  - id: P-NEW\n",
                 "    status: approved\n    owner: *owner\n  - id: P-NEW\n"),
        encoding="utf-8",
    )
    result = check(make_workspace(overlay.parent), monkeypatch)
    assert [(str(d.location), d.code) for d in result.diagnostics] == [
        ("positions/p.yaml:36:12", "HTHC004")
    ]


def test_a_file_saved_with_a_byte_order_mark_checks_clean(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace()
    config = root / "hthc.yaml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    assert check(root, monkeypatch).diagnostics == []


def test_a_file_with_windows_line_endings_checks_clean(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace()
    for path in root.rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert check(root, monkeypatch).diagnostics == []
