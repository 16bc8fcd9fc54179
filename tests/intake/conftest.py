"""`hthc` run in this process, and e-mails as mail programs save them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

Hthc = Callable[..., Result]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def hthc(monkeypatch: pytest.MonkeyPatch) -> Hthc:
    """`hthc ARGS` in `cwd`; the result has exit_code, stdout and stderr."""
    from hthc_cli.cli.main import app

    def run(*args: str | Path, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        return CliRunner().invoke(app, [str(a) for a in args], prog_name="hthc")

    return run
