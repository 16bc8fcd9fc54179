"""Where a workspace's templates are found, what they may name, and the Jinja they compile in.

Render and check both use `environment_class`: render adds the limits and the filters'
functions (`hthc_cli.render.templating`), check compiles with it as it is, so a template that
check passes is one that render compiles. Jinja is imported on first use only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

FILTERS = ("md_escape", "indent_quote", "anchor", "hard_breaks", "sentence")
"""hthc's own filters, besides Jinja's; `hthc_cli.render.templating` gives them their work."""

CONTEXT_NAMES = (
    "language", "labels", "stances", "organisation", "response", "hearing", "source",
    "summary", "general", "specific", "reference", "annex", "contributors",
)
"""The top-level names of a template's context: the context builder
(`hthc_cli.render.context`) gives templates these and no others, check refuses any other."""


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
"""`{% extends "hthc/response.md.j2" %}` names the built-in template, whatever overrides it."""
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
def unknown_name(kind: str, name: str, known: Iterable[str]) -> str:
    """What a template is told of a filter, test or name that does not exist."""
    from hthc_cli.base.suggest import did_you_mean

    hint = did_you_mean(name, known)
    return f"no {kind} named '{name}'" + (f"; {hint}" if hint else "")


def _render_only(name: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> str:
        raise RuntimeError(f"the filter '{name}' works in hthc render only")

    return refuse


@cache
def environment_class() -> type[Any]:
    """Jinja's sandbox as hthc sets it up: both template folders, strict, whitespace trimmed.

    Its code generator refuses a filter or test that does not exist, and a template that
    extends itself, with a message that says what to write instead.
    """
    import jinja2
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Generator(CodeGenerator):
        environment: Environment

        def visit_Extends(self, node: nodes.Extends, frame: Frame) -> None:
            target = node.template
            if isinstance(target, nodes.Const) and target.value == self.name:
                builtin = self.environment.builtin / str(self.name)
                hint = (
                    f"; to extend the built-in {self.name}, write "
                    f'{{% extends "{BUILTIN_PREFIX}{self.name}" %}}'
                    if builtin.is_file() else ""
                )
                self.fail("a template cannot extend itself" + hint, node.lineno)
            super().visit_Extends(node, frame)

        def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
            self._known("filter", node.name, self.environment.filters, node, frame)
            super().visit_Filter(node, frame)

        def visit_Test(self, node: nodes.Test, frame: Frame) -> None:
            self._known("test", node.name, self.environment.tests, node, frame)
            super().visit_Test(node, frame)

        def _known(
            self, kind: str, name: str, known: Iterable[str], node: nodes.Node, frame: Frame
        ) -> None:
            if name in known or frame.soft_frame:
                return
            self.fail(unknown_name(kind, name, known), node.lineno)

    class Environment(ImmutableSandboxedEnvironment):
        code_generator_class = Generator
        # Left to run time (render measures them), never folded while compiling.
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def __init__(self, dirs: list[Path], builtin: Path) -> None:
            super().__init__(
                loader=jinja2.ChoiceLoader([
                    jinja2.PrefixLoader({
                        BUILTIN_PREFIX.rstrip("/"): jinja2.FileSystemLoader(str(builtin)),
                    }),
                    jinja2.FileSystemLoader([str(d) for d in dirs]),
                ]),
                undefined=jinja2.StrictUndefined,
                autoescape=False,
                keep_trailing_newline=True,
                trim_blocks=True,
                lstrip_blocks=True,
                # Folding constants at compile time would run `"x" | center(10**9)` outside
                # the limits render sets.
                optimized=False,
            )
            self.builtin = builtin
            # Known by name, so that a template using them compiles; render gives them work.
            for name in FILTERS:
                self.filters[name] = _render_only(name)

        def known_names(self) -> set[str]:
            """What a template may name without setting it: the context and the globals."""
            return set(CONTEXT_NAMES) | set(self.globals)

    return Environment
