"""The review tests run `hthc` as the command-line tests do."""

from tests.cli.conftest import hthc

__all__ = ["hthc"]
