"""Run every check on a workspace: load it, apply the rules, sort what was found."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.base.diagnostics import Diagnostic, Severity
from hthc_cli.base.memory import collector_paused
from hthc_cli.check.rules import RULES, CheckOptions
from hthc_cli.workspace.loader import Loaded, load_workspace, only_files
from hthc_cli.workspace.model import Workspace


@dataclass(frozen=True, slots=True)
class CheckResult:
    workspace: Workspace
    diagnostics: list[Diagnostic]
    files: int

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        worst = max((d.severity for d in self.diagnostics), default=None)
        threshold = Severity.WARNING if strict else Severity.ERROR
        return worst is not None and worst >= threshold


def check_workspace(
    root: Path, options: CheckOptions | None = None, only: Sequence[Path] = (),
    loaded: Loaded | None = None, remember: bool = False,
) -> CheckResult:
    """Every problem of the workspace at `root`; with `only`, those located in those files.

    `loaded` is the workspace already read from `root`, when the caller has read it. With
    `remember`, what was found in each Markdown text is kept in the user's cache folder for
    the next run (see `hthc_cli.markup.store`).
    """
    from hthc_cli.markup.analysis import forget, remembering
    from hthc_cli.markup.store import open_store

    options = options or CheckOptions()
    loaded = loaded or load_workspace(root)
    forget()
    diagnostics = loaded.diagnostics
    store = open_store(root) if remember else None
    with collector_paused(), remembering(store) if store is not None else nullcontext():
        for rule in RULES:
            diagnostics.extend(rule(loaded.workspace, options))
    if store is not None:
        store.save()
    if only:
        diagnostics = only_files(diagnostics, only)
    diagnostics.sort(key=Diagnostic.sort_key)
    return CheckResult(loaded.workspace, diagnostics, loaded.files_read)


def blocking_errors(result: CheckResult, response_id: str | None) -> CheckResult | None:
    """The check errors that stop a render: all but those in other responses' files (and
    their reviews).

    Positions, recommendations, references and hthc.yaml feed every response, and a file
    that cannot be read hides what it holds, so an error in any of them stops the render.
    A template's errors do not: render compiles the templates it uses and says what is wrong.
    """
    ws = result.workspace
    others = {
        r.file.display for r in ws.responses.values()
        if response_id is not None and r.id != response_id
    } | {
        comment.record.loc.path for reviewed, comments in ws.reviews.items()
        if response_id is not None and reviewed != response_id for comment in comments
    }
    errors = [
        d for d in result.diagnostics
        if d.severity == Severity.ERROR and d.location.path not in others
        and d.code != "HTHC313"
    ]
    if not errors:
        return None
    return CheckResult(ws, errors, result.files)
