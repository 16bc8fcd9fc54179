"""The errors the core raises; the CLI maps them to exit codes in one place."""

from __future__ import annotations


class HthcError(Exception):
    """A failure the user can act on; its message is shown as it is."""


class UsageError(HthcError):
    """The command was asked for something that cannot be done (exit 2)."""


class WorkspaceNotFound(UsageError):
    """No hthc.yaml in the current directory or above it."""


class RenderError(HthcError):
    """A response could not be rendered (exit 1)."""
