"""`hthc` run in this process, and e-mails as mail programs save them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Hthc, hthc

__all__ = ["FIXTURES", "Hthc", "hthc"]

FIXTURES = Path(__file__).parent / "fixtures"
