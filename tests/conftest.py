"""Every test run keeps check's findings store in a folder of its own, not the user's cache."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
