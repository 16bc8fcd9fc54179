"""What every test shares: a copy of the shipped workspace to change, a findings store of
the test run's own, not the user's cache, and LibreOffice as a reviewer of documents."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("hthc.yaml", "references.yaml", "recommendations", "positions", "responses")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the shipped workspace, free to change."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    return root


@pytest.fixture(autouse=True, scope="session")
def _findings_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("hthc-cache")
    before = os.environ.get("HTHC_CACHE_DIR")
    os.environ["HTHC_CACHE_DIR"] = str(folder)  # subprocesses inherit it
    yield
    if before is None:
        os.environ.pop("HTHC_CACHE_DIR", None)
    else:
        os.environ["HTHC_CACHE_DIR"] = before


LO_REVIEWER = ROOT / "tests" / "lo" / "reviewer.py"
SYSTEM_PYTHON = "/usr/bin/python3"
LO_INSTALL = "apt-get install python3-uno libreoffice-writer-nogui"
PYTHON_SETTINGS = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Reviewed:
    """What tests/lo/reviewer.py did: its exit status, JSON report and messages."""

    status: int
    report: dict[str, Any]
    stderr: str


class LibreOfficeReviewer:
    """LibreOffice editing a .docx as a reviewer would (tests/lo/reviewer.py, system python).

    ``reviewer(docx, ops)`` runs the operations documented in that script and fails the test
    unless they all succeed; ``reviewer.attempt`` returns the exit status instead.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def attempt(self, document: Path, ops: list[dict[str, Any]]) -> Reviewed:
        import json
        import signal
        import subprocess

        process = subprocess.Popen(
            [SYSTEM_PYTHON, str(LO_REVIEWER), str(document), "-", "--timeout", str(self.timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            # The system python, not this venv's: python3-uno lives there.
            env={k: v for k, v in os.environ.items() if k not in PYTHON_SETTINGS},
        )
        try:
            out, err = process.communicate(json.dumps(ops), timeout=self.timeout + 30)
        except subprocess.TimeoutExpired:
            # SIGTERM lets the script kill its soffice; SIGKILL only if it does not stop.
            process.send_signal(signal.SIGTERM)
            try:
                out, err = process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
            pytest.fail(f"LibreOffice reviewer timed out after {self.timeout:.0f} s: {err}")
        report = json.loads(out) if process.returncode == 0 and out.strip() else {}
        return Reviewed(process.returncode, report, err)

    def __call__(self, document: Path, ops: list[dict[str, Any]]) -> dict[str, Any]:
        done = self.attempt(document, ops)
        assert done.status == 0, f"LibreOffice reviewer exited {done.status}: {done.stderr}"
        return done.report


def libreoffice_missing() -> str | None:
    """Why LibreOffice cannot review documents here, or None if it can."""
    import subprocess

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        return f"LibreOffice is not installed: {LO_INSTALL}"
    if not Path(SYSTEM_PYTHON).exists():
        return f"no system python at {SYSTEM_PYTHON}: {LO_INSTALL}"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        return f"LibreOffice's Python bridge (python3-uno) is not installed: {LO_INSTALL}"
    return None


@pytest.fixture(scope="session")
def lo_reviewer() -> LibreOfficeReviewer:
    """LibreOffice as a reviewer; the test is skipped, saying how to install it, without it."""
    missing = libreoffice_missing()
    if missing is not None:
        pytest.skip(missing)
    return LibreOfficeReviewer(timeout=240)
