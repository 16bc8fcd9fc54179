"""Jinja, sandboxed and strict: workspace templates first, then the built-in ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hthc_cli.base.errors import RenderError

DEFAULT_TEMPLATE = "response.md.j2"


def render_template(name: str, dirs: list[Path], context: dict[str, Any]) -> str:
    """Render template `name`; errors name the template file and line."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_escape"] = jinja2.pass_context(_escape)
    env.filters["indent_quote"] = _quote
    env.filters["anchor"] = _anchor
    env.filters["hard_breaks"] = jinja2.pass_context(_hard_breaks)
    env.filters["sentence"] = jinja2.pass_context(_sentence)
    try:
        template = env.get_template(name)
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        searched = ", ".join(str(d) for d in dirs)
        raise RenderError(f"template '{exc.name}' not found (looked in {searched})") from None
    except jinja2.TemplateSyntaxError as exc:
        where = _shown(exc.filename) if exc.filename else name
        raise RenderError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise RenderError(f"{_where(exc, name)}: not allowed in a template: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{_where(exc, name)}: {exc.message}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise RenderError(f"{_where(exc, name)}: template error: {exc}") from None


def _where(exc: BaseException, name: str) -> str:
    """The template file and line from the traceback of an error raised while rendering.

    Jinja rewrites the traceback so that its frames carry the template's own file and line.
    """
    import os

    tb = exc.__traceback__
    found = name
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename == filename:
            found = f"{_shown(filename)}:{template.get_corresponding_lineno(tb.tb_lineno)}"
        elif filename.endswith(".j2") and os.path.isfile(filename):
            found = f"{_shown(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _shown(path: str) -> str:
    import os

    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _escape(context: Any, value: object) -> str:
    """A plain text printed exactly as written: a placeholder the document fills with it."""
    from hthc_cli.markup.plain import escape_markdown

    slots = context.get("_slots")
    if slots is None:
        return escape_markdown(str(value))
    return str(slots.add_plain(str(value)))


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
