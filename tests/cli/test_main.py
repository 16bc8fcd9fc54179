"""The command layer: which formats it offers, and how every failure reaches the user."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Hthc = Callable[..., Result]

BUG = ("This is a bug in hthc; please report it with the command you ran. "
       "Set HTHC_DEBUG=1 to see details.\n")


def test_a_reporter_added_to_the_registry_is_a_check_format(workspace: Path, hthc: Hthc) -> None:
    text = hthc("check", "--format", "text", cwd=workspace)
    code = (
        "import sys\n"
        "from hthc_cli.check import reporters\n"
        "reporters.REPORTERS['plain'] = reporters.TextReporter\n"
        "from hthc_cli.cli.main import run\n"
        "sys.argv = ['hthc', 'check', '--format', 'plain']\n"
        "run()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=workspace, capture_output=True,
                         text=True, check=False)
    assert (out.returncode, out.stdout) == (text.exit_code, text.stdout), out.stderr


def test_an_unknown_format_lists_the_registered_ones(workspace: Path, hthc: Hthc) -> None:
    from hthc_cli.check.reporters import REPORTERS
    from hthc_cli.render.pipeline import FORMATS

    out = hthc("check", "--format", "xml", cwd=workspace)
    assert (out.exit_code, out.stdout) == (2, "")
    assert f"'xml' is not one of {', '.join(map(repr, REPORTERS))}." in out.stderr
    out = hthc("render", "--format", "xml", cwd=workspace)
    assert (out.exit_code, out.stdout) == (2, "")
    assert f"'xml' is not one of {', '.join(map(repr, FORMATS))}." in out.stderr


def test_a_request_that_cannot_be_done_exits_2(workspace: Path, hthc: Hthc) -> None:
    out = hthc("show", "HTHC-GOLDEN-MIDLE", cwd=workspace)
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == (
        "hthc: no item with the id 'HTHC-GOLDEN-MIDLE'; did you mean 'HTHC-GOLDEN-MIDDLE'?\n"
    )
    out = hthc("check", "positions/nope.yaml", cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (
        2, "", "hthc: no such file: positions/nope.yaml\n"
    )
    out = hthc("render", "--reference-doc", "nope.docx", cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (
        2, "", "hthc: --reference-doc nope.docx: no such file\n"
    )


def test_a_problem_in_the_workspace_or_on_disk_exits_1(workspace: Path, hthc: Hthc) -> None:
    (workspace / "schemas").write_text("a file, not a folder\n", encoding="utf-8")
    out = hthc("schema", "-o", "schemas/here", cwd=workspace)
    assert out.exit_code == 1
    assert out.stderr.startswith("hthc: cannot write the schemas to schemas/here: ")
    path = workspace / "positions" / "governance.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "stance: neutral", "stance: neutrall", 1), encoding="utf-8")
    out = hthc("render", "--format", "md", cwd=workspace)
    assert (out.exit_code, out.stdout) == (1, "")
    assert "error HTHC104" in out.stderr
    assert out.stderr.endswith(
        "hthc: not rendered: fix the 1 error(s) above first (hthc check shows them too)\n"
    )


def test_a_crash_is_reported_as_a_bug_without_a_traceback(
    workspace: Path, hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hthc_cli.check.checker

    def crash(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(hthc_cli.check.checker, "check_workspace", crash)
    out = hthc("check", cwd=workspace)
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == f"hthc: internal error (ZeroDivisionError: division by zero). {BUG}"


def test_an_interrupt_exits_130(
    workspace: Path, hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hthc_cli.check.checker

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hthc_cli.check.checker, "check_workspace", interrupted)
    out = hthc("check", cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (130, "", "hthc: interrupted\n")


def test_a_clean_run_exits_0(workspace: Path, hthc: Hthc) -> None:
    out = hthc("render", "HTHC-HS-SSK-2024", "--lang", "da", "--format", "md", "-o", "-",
               cwd=workspace)
    assert (out.exit_code, out.stderr) == (0, "")
    assert "## Generelle bemærkninger" in out.stdout
    out = hthc("--version", cwd=workspace)
    assert out.exit_code == 0 and out.stdout.startswith("hthc ")
