"""Jinja, sandboxed, strict and bounded: workspace templates first, then the built-in ones.

The built-in templates are also reachable as `hthc/<name>`, so that a workspace template can
`{% extends "hthc/response.md.j2" %}`, the very template it overrides.

A template is code someone may have got wrong, so it runs within limits (docs/templates.md
lists them): no text, list or number is made larger than a limit, `range` and `lipsum`
are bounded, lists and dicts cannot grow in place, and the render stops when the document
passes a size, when the process has grown by a memory budget, or when it has run for too
long. Every failure becomes a `TemplateError` naming the template's file and line.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from hthc_cli.base.errors import TemplateError, UsageError

if TYPE_CHECKING:
    import jinja2

DEFAULT_TEMPLATE = "response.md.j2"

TIMEOUT_VARIABLE = "HTHC_TEMPLATE_TIMEOUT"
MAX_SIZE = 32 * 1024 * 1024
"""Characters (or items) in any one text or list a template makes, and in the document."""
MAX_RANGE = 100_000
MAX_LIPSUM_PARAGRAPHS = 100
MAX_LIPSUM_WORDS = 1_000
MAX_DIGITS = 4_000
_MAX_BITS = int(MAX_DIGITS * math.log2(10))


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 30.0
    size: int = MAX_SIZE
    memory: int = 512 * 1024 * 1024
    """Bytes the process may grow by while a template runs (measured where the system says)."""


def limits_from_environment() -> Limits:
    """The default limits, with the time limit from HTHC_TEMPLATE_TIMEOUT when it is set."""
    value = os.environ.get(TIMEOUT_VARIABLE)
    if value is None or not value.strip():
        return Limits()
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(
            f"{TIMEOUT_VARIABLE} is '{value}'; set it to a number of seconds, such as 60"
        )
    return Limits(seconds=seconds)


def render_template(
    name: str, dirs: list[Path], context: dict[str, Any], limits: Limits | None = None
) -> str:
    """Render template `name`; every error is a TemplateError naming the file and line."""
    import jinja2

    from hthc_cli.workspace.templates import builtin_templates

    limits = limits if limits is not None else limits_from_environment()
    env = _environment_class()(dirs, builtin_templates(), limits)
    try:
        template = env.get_template(name)
        return _stream(template, context, env.budget)
    except jinja2.TemplateNotFound as exc:
        searched = ", ".join(str(d) for d in dirs)
        path, line = _where(exc, name)
        raise TemplateError(
            f"template '{exc.name}' not found (looked in {searched})",
            path if line else None, line,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        path = _shown(exc.filename) if exc.filename else name
        if isinstance(exc, jinja2.TemplateAssertionError):
            raise TemplateError(exc.message or "", path, exc.lineno) from None
        raise TemplateError(f"template syntax error: {exc.message}", path, exc.lineno) from None
    except Exception as exc:
        path, line = _where(exc, name)
        raise TemplateError(_plain(exc), path, line) from None


class Refused(Exception):
    """A template went past one of its limits; the message says which, in plain words."""


def _too_big(size: int, limit: int) -> Refused:
    return Refused(
        f"this would make a text or list of {size:,} items; a template may make {limit:,} at most"
    )


def _plain(exc: BaseException) -> str:
    """What went wrong, for someone who did not write Python."""
    import jinja2

    if isinstance(exc, Refused | jinja2.UndefinedError):
        return str(exc)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, RecursionError):
        return "a macro, include or extends calls itself without end"
    if isinstance(exc, MemoryError):
        return "the template needs more memory than there is; is a loop running too many times?"
    if isinstance(exc, OverflowError):
        return "a number too large to compute"
    if isinstance(exc, ValueError) and str(exc).startswith("Exceeds the limit"):
        return f"a number too large: a template may use {MAX_DIGITS:,} digits at most"
    if isinstance(exc, KeyError):
        return f"template error: no key {exc}"
    return f"template error: {exc}"


def _stream(template: jinja2.Template, context: dict[str, Any], budget: _Budget) -> str:
    """The rendered text, stopped inside the template once it passes the size limit.

    Parts are taken a batch at a time and measured before they are joined, so a loop
    printing one character at a time costs no more than a list of them per batch.
    """
    from itertools import islice

    chunks: list[str] = []
    size = 0
    budget.start()
    output = cast("Generator[str, None, None]", template.generate(context))
    while batch := list(islice(output, 4096)):
        size += sum(map(len, batch))
        if size > budget.limits.size:
            output.throw(Refused(
                f"the document passed {budget.limits.size:,} characters; "
                "is a loop running too many times?"
            ))
        chunks.append("".join(batch))
    return "".join(chunks)


class _Budget:
    """Time, and growth of the process, spent by one render."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._deadline = math.inf
        self._baseline: int | None = None
        self._ticks = 0
        self._grown = 0

    def start(self) -> None:
        self._deadline = time.monotonic() + self.limits.seconds
        self._baseline = _resident()

    def tick(self) -> None:
        """Called on every loop iteration and every call a template makes.

        One step does little (each value it makes is held to the size limit), so the clock
        is read every 64 steps and memory every 1024, or when large values were made.
        """
        self._ticks += 1
        if self._ticks & 63:
            return
        if time.monotonic() > self._deadline:
            raise Refused(
                f"the template ran for more than {self.limits.seconds:g} seconds; is a loop "
                f"running too many times? ({TIMEOUT_VARIABLE} sets the limit in seconds)"
            )
        if not self._ticks & 1023:
            self._check_memory()

    def made(self, value: object) -> object:
        """`value`, refused when it is over the size limit; large ones prompt a memory check."""
        if isinstance(value, str | bytes | list | tuple):
            size = len(value)
            if size > self.limits.size:
                raise _too_big(size, self.limits.size)
            self._grown += size
            if self._grown > self.limits.size:
                self._check_memory()
        return value

    def allow(self, size: int) -> None:
        """Refuse before making something of `size` items."""
        if size > self.limits.size:
            raise _too_big(size, self.limits.size)

    def _check_memory(self) -> None:
        self._grown = 0
        if self._baseline is None:
            return
        now = _resident()
        if now is not None and now - self._baseline > self.limits.memory:
            raise Refused(
                f"the template used more than {self.limits.memory // 2**20:,} MB of memory; "
                "is a loop running too many times?"
            )


def _resident() -> int | None:
    """Bytes of memory the process holds now, where the system tells (Linux)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


# What an operation would make, known before it is made


def _allow_number(bits: int) -> None:
    if bits > _MAX_BITS:
        raise Refused(f"a number too large: a template may use {MAX_DIGITS:,} digits at most")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _sequence(value: object) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _binop_size(operator: str, left: Any, right: Any) -> int | None:
    """Items the result of `left operator right` would hold; None when it makes no sequence."""
    if operator == "*":
        if _sequence(left) and _is_int(right):
            return len(left) * max(right, 0)
        if _is_int(left) and _sequence(right):
            return max(left, 0) * len(right)
        if _is_int(left) and _is_int(right):
            _allow_number(left.bit_length() + right.bit_length())
    elif operator == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
            _allow_number(left.bit_length() * right)
    elif operator == "+":
        if _sequence(left) and _sequence(right):
            return len(left) + len(right)
    elif operator == "%" and isinstance(left, str):
        return _printf_size(left, right)
    return None


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def _printf_size(fmt: str, values: Any) -> int:
    """Roughly the longest field a `%` format would write: its largest width or precision."""
    args = list(values) if isinstance(values, tuple) else [values]
    largest = len(fmt)
    position = 0
    for match in _PRINTF.finditer(fmt):
        for number in match.group(1, 2):
            if number == "*":
                star = args[position] if position < len(args) else 0
                position += 1
                largest = max(largest, star if _is_int(star) else 0)
            elif number:
                largest = max(largest, int(number))
        if match.group(3) != "%":
            position += 1
    return largest


def _format_size(fmt: str, args: Iterable[Any], kwargs: Mapping[str, Any]) -> int:
    """Roughly the longest field `fmt.format(…)` would write, from the widths it names."""
    import string

    largest = len(fmt)
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return largest
    given = [*args, *kwargs.values()]
    for _, _, spec, _ in fields:
        if not spec:
            continue
        for number in re.findall(r"\d+", spec):
            largest = max(largest, int(number))
        if "{" in spec:  # a nested width or precision comes from the arguments
            largest = max([largest, *(a for a in given if _is_int(a))])
    return largest


def _replaced_size(text: str, old: object, new: object, count: object = -1) -> int:
    if not (isinstance(old, str) and isinstance(new, str)) or len(new) <= len(old):
        return len(text)
    found = len(text) + 1 if not old else text.count(old)
    if _is_int(count) and isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _joined_size(separator: str, items: list[Any]) -> int:
    return sum(len(i) for i in items if isinstance(i, str)) + max(len(items) - 1, 0) * len(
        separator
    )


def _str_method_size(text: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Items `text.method(*args, **kwargs)` would make, for the methods that can make many."""
    first = args[0] if args else None
    if method in {"ljust", "rjust", "center", "zfill"}:
        width = kwargs.get("width", first)
        return max(len(text), width if _is_int(width) else 0)
    if method == "expandtabs":
        tabsize = kwargs.get("tabsize", 8 if first is None else first)
        return len(text) + text.count("\t") * (tabsize if _is_int(tabsize) else 0)
    if method == "replace":
        return _replaced_size(text, *args[:3], **kwargs)
    if method in {"format", "format_map"}:
        return _format_size(text, args, kwargs)
    return len(text)


def _indent_size(text: str, width: Any = 4, first: bool = False, blank: bool = False) -> int:
    step = len(width) if isinstance(width, str) else width if _is_int(width) else 0
    lines = (text + "\n").splitlines()
    indented = sum(1 for line in lines[1:] if blank or line) + (1 if first else 0)
    return len(text) + indented * step


_MAKERS = frozenset({"center", "indent", "format", "replace", "join", "slice", "batch"})
"""The filters that can make much from little."""


def _bounded_filters(budget: _Budget, filters: dict[str, Callable[..., Any]]) -> None:
    """Wrap every filter: results over the size limit are refused, and the _MAKERS are
    refused before they make them."""
    from functools import wraps

    from jinja2.utils import _PassArg

    def before(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if name == "center":
            width = kwargs.get("width", args[0] if args else 80)
            budget.allow(max(len(str(value)), width if _is_int(width) else 0))
        elif name == "indent":
            budget.allow(_indent_size(str(value), *args, **kwargs))
        elif name == "format":
            budget.allow(_printf_size(str(value), tuple(args)))
        elif name == "replace":
            budget.allow(_replaced_size(str(value), *args, **kwargs))
        elif name == "join" and not kwargs.get("attribute") and len(args) < 2:
            value = list(value)
            budget.allow(_joined_size(str(kwargs.get("d", args[0] if args else "")), value))
        elif name in {"slice", "batch"}:
            count = args[0] if args else kwargs.get("slices", kwargs.get("linecount"))
            if _is_int(count) and count > MAX_RANGE:
                raise Refused(f"{name}({count:,}): a template may ask for {MAX_RANGE:,} at most")
        return value

    def bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        passes = _PassArg.from_obj(func) is not None

        @wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            return budget.made(func(*args, **kwargs))

        if name not in _MAKERS:
            return checked

        @wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            lead, rest = (args[:1], args[1:]) if passes else ((), args)
            if rest:
                rest = (before(name, rest[0], rest[1:], kwargs), *rest[1:])
            return budget.made(func(*lead, *rest, **kwargs))

        return call

    for name, func in list(filters.items()):
        filters[name] = bounded(name, func)


# The environment


@cache
def _environment_class() -> type[Any]:
    """hthc's Jinja (`environment_class`, which check compiles with) with the limits built in
    and the filters' work; made on first use, so check never loads it for render."""
    import jinja2
    from jinja2 import nodes
    from jinja2.compiler import Frame
    from jinja2.utils import generate_lorem_ipsum

    from hthc_cli.workspace.templates import environment_class

    Checked = environment_class()

    def _budget_node() -> nodes.EnvironmentAttribute:
        return nodes.EnvironmentAttribute("budget")

    def _is_tick(node: nodes.Node) -> bool:
        """The statement put first in every loop body: one step of the render's budget.

        Jinja allows no node types of its own; template syntax cannot make this one.
        """
        return (
            isinstance(node, nodes.ExprStmt)
            and isinstance(node.node, nodes.EnvironmentAttribute)
            and node.node.name == "budget"
        )

    class Generator(Checked.code_generator_class):  # type: ignore[name-defined,misc]
        environment: Environment

        def visit_For(self, node: nodes.For, frame: Frame) -> None:
            if not (node.body and _is_tick(node.body[0])):
                node.body.insert(0, nodes.ExprStmt(_budget_node(), lineno=node.lineno))
            super().visit_For(node, frame)

        def visit_ExprStmt(self, node: nodes.ExprStmt, frame: Frame) -> None:
            if _is_tick(node):
                self.writeline("environment.budget.tick()", node)
            else:
                super().visit_ExprStmt(node, frame)

        def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
            if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
                super().visit_Concat(node, frame)
                return
            self.write("environment.tilde((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class Environment(Checked):  # type: ignore[valid-type,misc]
        code_generator_class = Generator

        def __init__(self, dirs: list[Path], builtin: Path, limits: Limits) -> None:
            super().__init__(dirs, builtin)
            self.budget = _Budget(limits)
            self.globals["range"] = self._range
            self.globals["lipsum"] = self._lipsum
            self.filters["md_escape"] = jinja2.pass_context(_escape)
            self.filters["indent_quote"] = _quote
            self.filters["anchor"] = _anchor
            self.filters["hard_breaks"] = jinja2.pass_context(_hard_breaks)
            self.filters["sentence"] = jinja2.pass_context(_sentence)
            _bounded_filters(self.budget, self.filters)

        def call_binop(
            self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
        ) -> Any:
            self.budget.tick()
            size = _binop_size(operator, left, right)
            if size is not None:
                self.budget.allow(size)
            return self.budget.made(super().call_binop(context, operator, left, right))

        def call(
            self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any
        ) -> Any:
            self.budget.tick()
            target = getattr(obj, "__wrapped__", obj)
            text = getattr(target, "__self__", None)
            if isinstance(text, str):
                method = getattr(target, "__name__", "")
                if method == "join" and args:
                    args = (list(args[0]), *args[1:])
                    self.budget.allow(_joined_size(text, args[0]))
                else:
                    self.budget.allow(_str_method_size(text, method, args, kwargs))
            return self.budget.made(super().call(context, obj, *args, **kwargs))

        def concat(self, parts: Iterable[str]) -> str:
            """Jinja joins the output captured by `{% set %}`, macros and blocks with this."""
            texts = parts if isinstance(parts, list) else list(parts)
            self.budget.allow(sum(map(len, texts)))
            return "".join(texts)

        def tilde(self, values: tuple[Any, ...]) -> str:
            """`a ~ b`: both as text, joined."""
            return self.concat([str(v) for v in values])

        def _range(self, *args: int) -> range:
            numbers = range(*args)
            if len(numbers) > MAX_RANGE:
                raise Refused(
                    f"range() of {len(numbers):,} numbers; a template may count to "
                    f"{MAX_RANGE:,} at most"
                )
            return numbers

        def _lipsum(
            self, n: int = 5, html: bool = True, min: int = 20, max: int = 100
        ) -> str:
            if n > MAX_LIPSUM_PARAGRAPHS:
                raise Refused(
                    f"lipsum() of {n:,} paragraphs; a template may ask for "
                    f"{MAX_LIPSUM_PARAGRAPHS} at most"
                )
            if max > MAX_LIPSUM_WORDS:
                raise Refused(
                    f"lipsum() of up to {max:,} words a paragraph; a template may ask for "
                    f"{MAX_LIPSUM_WORDS:,} at most"
                )
            return str(generate_lorem_ipsum(n=n, html=html, min=min, max=max))

    return Environment


# Where an error happened


def _where(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line of the deepest template frame of the error's traceback.

    Frames of a compiled template carry `__jinja_template__`; once Jinja has rewritten the
    traceback, its frames carry the template's own file name and line instead.
    """
    tb = exc.__traceback__
    found: tuple[str, int | None] = (name, None)
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename == filename:
            found = (_shown(filename), template.get_corresponding_lineno(tb.tb_lineno))
        elif "__jinja_exception__" in frame.f_globals:
            found = (_shown(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


# The filters templates use


def _escape(context: Any, value: object) -> str:
    """A plain text printed exactly as written: a placeholder the document fills with it."""
    from hthc_cli.markup.plain import escape_markdown

    slots = context.get("_slots")
    if slots is None:
        return escape_markdown(str(value))
    return str(slots.add_plain(str(value), getattr(value, "mark", None)))


def _quote(value: object) -> str:
    """Markdown as a block quote: '> ' before every line."""
    return "\n".join(f"> {line}" if line else ">" for line in str(value).splitlines())


def _anchor(value: object) -> str:
    """A pandoc heading attribute, `{#ID}`; Jinja reads a literal '{#' as a comment."""
    return "{#" + str(value) + "}"


def _hard_breaks(context: Any, value: object) -> str:
    """Each line of a text kept as its own line (a Markdown hard break between them)."""
    slots = context.get("_slots")
    index = slots.plain_index(str(value)) if slots is not None else None
    if index is not None:
        lines = [line.strip() for line in slots.texts[index].strip().splitlines()]
        slots.texts[index] = "\n".join(line for line in lines if line)
        return str(value)
    return "\\\n".join(line.strip() for line in str(value).strip().splitlines() if line.strip())


def _sentence(context: Any, value: object) -> str:
    """A heading-like text ended with a full stop, unless it ends in . ? ! already."""
    slots = context.get("_slots")
    index = slots.plain_index(str(value)) if slots is not None else None
    if index is not None:
        slots.texts[index] = _sentence_of(slots.texts[index])
        return str(value)
    return _sentence_of(str(value))


def _sentence_of(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."
