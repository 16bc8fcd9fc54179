"""`hthc` run in this process through Typer's test runner, in copies of the shipped workspace."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("hthc.yaml", "references.yaml", "recommendations", "positions", "responses")

Hthc = Callable[..., Result]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the shipped workspace, free to break."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    return root


@pytest.fixture
def hthc(monkeypatch: pytest.MonkeyPatch) -> Hthc:
    """`hthc ARGS` in `cwd`; the result has exit_code, stdout and stderr."""
    from hthc_cli.cli.main import app

    def run(*args: str | Path, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        return CliRunner().invoke(app, [str(a) for a in args], prog_name="hthc")

    return run
