"""What every test shares: a copy of the shipped workspace to change, and a findings store of
the test run's own, not the user's cache."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

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
