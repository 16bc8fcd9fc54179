"""Where a workspace's templates are found: its own folder first, then the built-in ones."""

from __future__ import annotations

from pathlib import Path


def builtin_templates() -> Path:
    """Installed, templates sit in the package; in a source checkout, at the repo's top."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def template_dirs(workspace_root: Path, configured: str | None) -> list[Path]:
    own = workspace_root / (configured or "templates")
    dirs = [own] if own.is_dir() else []
    builtin = builtin_templates()
    if builtin.resolve() not in {d.resolve() for d in dirs}:
        dirs.append(builtin)
    return dirs
