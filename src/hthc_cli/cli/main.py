"""The `hthc` command: parses arguments, calls the core, prints, and sets the exit code.

Core modules are imported inside each command so that `hthc check` never pays for the
rendering stack.
"""

from __future__ import annotations

import enum
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from hthc_cli.base.diagnostics import Severity
from hthc_cli.base.errors import HthcError, UsageError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="hthc",
    help="Keep consultation positions as code: check them, list them, render the response.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w", help="Workspace folder (default: the nearest with hthc.yaml).",
        file_okay=False, show_default=False,
    ),
]


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class ListFormat(enum.StrEnum):
    text = "text"
    json = "json"


class Color(enum.StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class RenderFormat(enum.StrEnum):
    docx = "docx"
    md = "md"
    html = "html"
    pdf = "pdf"


class Kind(enum.StrEnum):
    recommendations = "recommendations"
    positions = "positions"
    responses = "responses"


def _version(value: bool) -> None:
    if value:
        from hthc_cli import __version__

        sys.stdout.write(f"hthc {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep consultation positions as code: check them, list them, render the response."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    sys.stderr.write(f"hthc: {message}\n")
    raise typer.Exit(code)


def _use_color(color: Color) -> bool:
    if color is Color.auto:
        return sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return color is Color.always


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Report only these files (the whole workspace is still checked).",
                       show_default=False),
    ] = None,
    workspace: WorkspaceOption = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CheckFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    release: Annotated[
        bool, typer.Option(help="Treat positions that are not approved as errors.")
    ] = False,
    color: Annotated[Color, typer.Option(help="Colour the text output.")] = Color.auto,
) -> None:
    """Check the workspace and report every problem with its file, line and column."""
    from hthc_cli.check.checker import check_workspace
    from hthc_cli.check.reporters import REPORTERS, GithubReporter
    from hthc_cli.check.rules import CheckOptions
    from hthc_cli.workspace.loader import find_workspace

    root = find_workspace(explicit=workspace)
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        fail(f"no such file: {missing[0]}")
    result = check_workspace(root, CheckOptions(release=release), only=paths or ())
    reporter = REPORTERS[format.value](color=_use_color(color))
    sys.stdout.write(reporter.report(result))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if format is CheckFormat.github and summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as summary:
                summary.write(GithubReporter.step_summary(result))
        except OSError as exc:
            sys.stderr.write(f"hthc: cannot write the step summary {summary_path}: {exc}\n")
    raise typer.Exit(EXIT_PROBLEMS if result.failed(strict) else EXIT_OK)


@app.command("list")
def list_items(
    kind: Annotated[Kind, typer.Argument(help="What to list.")],
    workspace: WorkspaceOption = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    lang: Annotated[str | None, typer.Option(help="Language of the titles.")] = None,
) -> None:
    """List the recommendations, positions or responses of the workspace."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    rows = views.list_rows(ws, kind.value, lang or ws.default_language)
    views.emit_table(rows, format.value, title=kind.value.capitalize())


@app.command()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A recommendation, position, "
                                           "response, source or reference id.")],
    workspace: WorkspaceOption = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
) -> None:
    """Show one item in every language, what it addresses and what addresses it."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    views.emit_item(views.item_view(ws, item_id), format.value)


@app.command()
def coverage(
    source: Annotated[str | None, typer.Argument(help="Source id (default: all).")] = None,
    workspace: WorkspaceOption = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    lang: Annotated[str | None, typer.Option(help="Language of the titles.")] = None,
) -> None:
    """A table of each recommendation, the stances taken on it and the positions."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    rows = views.coverage_rows(ws, source, lang or ws.default_language)
    views.emit_table(rows, format.value, title="Coverage")


@app.command()
def schema(
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", file_okay=False, help="Where to write them.")
    ] = Path("schemas"),
) -> None:
    """Write JSON Schema (draft 2020-12) for each kind of file, for editors."""
    from hthc_cli.workspace.schema_export import write_schemas

    try:
        written = write_schemas(output_dir)
    except OSError as exc:
        fail(f"cannot write the schemas to {output_dir}: {exc.strerror or exc}", EXIT_PROBLEMS)
    for path in written:
        sys.stdout.write(f"wrote {path}\n")


@app.command()
def render(
    response_id: Annotated[
        str | None, typer.Argument(metavar="[RESPONSE_ID]", help="Default: every response.")
    ] = None,
    workspace: WorkspaceOption = None,
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="A workspace language, or 'all'.")
    ] = "all",
    format: Annotated[
        RenderFormat | None,
        typer.Option("--format", "-f", help="Default: from -o's file name, else docx."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="The file to write.")
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-d", file_okay=False,
                     help="Default: build/ in the workspace."),
    ] = None,
    reference_doc: Annotated[
        Path | None,
        typer.Option("--reference-doc", dir_okay=False,
                     help="A .docx whose styles, page setup and letterhead are used."),
    ] = None,
) -> None:
    """Render consultation responses as Word (or Markdown, HTML, PDF) documents."""
    from hthc_cli.check.checker import blocking_errors, check_workspace
    from hthc_cli.check.reporters import TextReporter
    from hthc_cli.render.pipeline import (
        output_format,
        plan,
        render_bytes,
        write_atomically,
    )
    from hthc_cli.workspace.loader import find_workspace

    fmt = output_format(format.value if format else None, output)
    root = find_workspace(explicit=workspace)
    result = check_workspace(root)
    ws = result.workspace
    blocked = blocking_errors(result, response_id)
    if blocked is not None:
        sys.stderr.write(TextReporter(color=_use_color(Color.auto)).report(blocked))
        fail(f"not rendered: fix the {blocked.count(Severity.ERROR)} error(s) above first "
             "(hthc check shows them too)", EXIT_PROBLEMS)
    if reference_doc is not None and not reference_doc.is_file():
        fail(f"--reference-doc {reference_doc}: no such file")
    jobs = plan(ws, response_id, lang, fmt, output, output_dir)
    progress = None
    if len(jobs) > 1 and sys.stderr.isatty():
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        task = progress.add_task("Rendering", total=len(jobs))
    try:
        for job in jobs:
            data = render_bytes(ws, job, fmt, reference_doc)
            write_atomically(job.output, data)
            sys.stdout.write(f"wrote {_shown(job.output)}\n")
            if progress is not None:
                progress.advance(task)
    finally:
        if progress is not None:
            progress.stop()


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def run() -> None:
    """Entry point: the one place where errors become messages and exit codes."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except HthcError as exc:
        sys.stderr.write(f"hthc: {exc}\n")
        sys.exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_PROBLEMS)
    except KeyboardInterrupt:
        sys.stderr.write("hthc: interrupted\n")
        sys.exit(130)
    except typer.Abort:
        sys.stderr.write("hthc: aborted\n")
        sys.exit(EXIT_USAGE)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            sys.stderr.write(f"hthc: {exc}\n")
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if os.environ.get("HTHC_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"hthc: internal error ({type(exc).__name__}: {exc}). This is a bug in hthc; "
            "please report it with the command you ran. Set HTHC_DEBUG=1 to see details.\n"
        )
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
