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


class TemplateError(RenderError):
    """A template could not be rendered; `path` and `line` say where, when it is known."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(where + message)
        self.message = message
        self.path = path
        self.line = line
