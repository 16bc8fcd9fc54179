"""Where a workspace's templates are found: its own folder first, then the built-in ones."""

from __future__ import annotations

import re
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


DEFAULT_TEMPLATE = "response.md.j2"
TEMPLATE_SUFFIX = ".md.j2"
BUILTIN_PREFIX = "hthc/"
_NEEDS = re.compile(r"^\s*-?\s*needs:\s*(?P<keys>[^\n]*?)\s*-?\s*$", re.MULTILINE)
_LEADING_COMMENT = re.compile(r"\s*\{#(?P<body>.*?)#\}", re.DOTALL)
_EXTENDS = re.compile(r"\{%-?\s*extends\s+(?P<q>[\"'])(?P<name>[^\"']+)(?P=q)\s*-?%\}")


def template_file_name(name: str) -> str:
    """`brief` is `brief.md.j2`: a name whose last part has no dot gets the suffix."""
    return name if "." in name.rsplit("/", 1)[-1] else name + TEMPLATE_SUFFIX


def find_template(name: str, dirs: list[Path]) -> Path | None:
    """The file the template loader reads for `name` (`hthc/…`: the built-in one), or None."""
    name = template_file_name(name)
    if name.startswith(BUILTIN_PREFIX):
        name, dirs = name[len(BUILTIN_PREFIX):], [builtin_templates()]
    pieces = name.split("/")
    if any(p in ("", ".", "..") or "\\" in p for p in pieces):
        return None
    for folder in dirs:
        path = folder.joinpath(*pieces)
        if path.is_file():
            return path
    return None


def template_needs(name: str, dirs: list[Path]) -> tuple[str, ...]:
    """The response keys a template needs, declared at its top as `{#- needs: a, b -#}`.

    A template that declares nothing needs what the template it extends needs.
    """
    seen: set[Path] = set()
    path = find_template(name, dirs)
    while path is not None and path not in seen:
        seen.add(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ()
        position = 0
        while comment := _LEADING_COMMENT.match(text, position):
            declared = _NEEDS.search(comment["body"])
            if declared:
                return tuple(k for k in re.split(r"[\s,]+", declared["keys"]) if k)
            position = comment.end()
        extends = _EXTENDS.search(text)
        if extends is None:
            return ()
        path = find_template(extends["name"], dirs)
    return ()
