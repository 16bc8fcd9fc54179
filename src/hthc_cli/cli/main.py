"""The `hthc` command: parses arguments, calls the core, prints, and sets the exit code.

The registries the options are built from are imported here; the rendering stack
(python-docx, Jinja, markdown-it) only inside the code that needs it, so that `hthc check`
never pays for it.
"""

from __future__ import annotations

import enum
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TextIO, TypeAlias

import typer
from typer.core import TyperGroup

from hthc_cli.base.diagnostics import Severity
from hthc_cli.base.errors import HthcError, RenderError, UsageError
from hthc_cli.check.reporters import REPORTERS
from hthc_cli.check.status import STATUS_REPORTS
from hthc_cli.cli.views import TABLE_FORMATS
from hthc_cli.diff.compare import FORMATS as DIFF_FORMATS
from hthc_cli.render.pipeline import FORMATS, STDOUT
from hthc_cli.review.reporters import REPORTERS as REVIEW_REPORTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
"""0 clean; 1 problems in the workspace or on disk; 2 usage or internal failure."""


def _exit_code(failure: BaseException) -> int:
    """What the user is told of a failure, and the exit code: decided here and only here."""
    if isinstance(failure, HthcError):
        sys.stderr.write(f"hthc: {failure}\n")
        return EXIT_USAGE if isinstance(failure, UsageError) else EXIT_PROBLEMS
    if isinstance(failure, KeyboardInterrupt):
        sys.stderr.write("hthc: interrupted\n")
        return EXIT_INTERRUPTED
    show = getattr(failure, "show", None)
    if isinstance(failure, typer.TyperException) and show is not None:
        message = getattr(failure, "message", None)
        if isinstance(message, str):  # typer checks choices with pydantic, which adds this
            failure.message = message.removeprefix("Value error, ")
        show()  # a click exception: the usage line and what was wrong with the arguments
        return EXIT_USAGE
    if isinstance(failure, typer.Abort):
        sys.stderr.write("hthc: aborted\n")
        return EXIT_USAGE
    if os.environ.get("HTHC_DEBUG"):
        traceback.print_exception(failure)
    sys.stderr.write(
        f"hthc: internal error ({type(failure).__name__}: {failure}). This is a bug in hthc; "
        "please report it with the command you ran. Set HTHC_DEBUG=1 to see details.\n"
    )
    return EXIT_USAGE


class _Commands(TyperGroup):
    """hthc's commands; every failure, however it arises, ends in `_exit_code`."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise  # click's own signals, handled by `main`; a closed pipe, by click
        except (Exception, KeyboardInterrupt) as failure:
            raise typer.Exit(_exit_code(failure)) from None

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except (Exception, KeyboardInterrupt) as failure:
            code = _exit_code(failure)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


app = typer.Typer(
    name="hthc",
    cls=_Commands,
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

# The choices of each --format are the names in its registry, so that a format is added
# in one place: a reporter class, a render format, a table format.
if TYPE_CHECKING:
    from hthc_cli.render.pipeline import Job
    from hthc_cli.workspace.loader import Loaded
    from hthc_cli.workspace.model import Workspace

    CheckFormat: TypeAlias = str
    RenderFormat: TypeAlias = str
    TableFormat: TypeAlias = str
    StatusFormat: TypeAlias = str
    ReviewFormat: TypeAlias = str
    DiffFormat: TypeAlias = str
else:
    CheckFormat = Literal[tuple(REPORTERS)]
    ReviewFormat = Literal[tuple(REVIEW_REPORTERS)]
    RenderFormat = Literal[FORMATS]
    TableFormat = Literal[TABLE_FORMATS]
    StatusFormat = Literal[tuple(STATUS_REPORTS)]
    DiffFormat = Literal[DIFF_FORMATS]


class Color(enum.StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Kind(enum.StrEnum):
    recommendations = "recommendations"
    positions = "positions"
    responses = "responses"
    inputs = "inputs"


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


def _use_color(color: Color, stream: TextIO) -> bool:
    if color is Color.auto:
        return stream.isatty() and "NO_COLOR" not in os.environ
    return color is Color.always


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Report only these files (the whole workspace is still checked).",
                       show_default=False),
    ] = None,
    workspace: WorkspaceOption = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = "text",
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    release: Annotated[
        bool, typer.Option(help="Treat positions that are not approved or have changed "
                           "since they were approved, draft responses, open review "
                           "comments and undecided input on a response's positions "
                           "as errors.")
    ] = False,
    color: Annotated[Color, typer.Option(help="Colour the text output.")] = Color.auto,
) -> None:
    """Check the workspace and report every problem with its file, line and column."""
    from hthc_cli.check.checker import check_workspace
    from hthc_cli.check.reporters import GithubReporter
    from hthc_cli.check.rules import CheckOptions
    from hthc_cli.workspace.loader import find_workspace

    root = find_workspace(explicit=workspace)
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        raise UsageError(f"no such file: {missing[0]}")
    outside = [p for p in paths or () if not p.resolve().is_relative_to(root)]
    if outside:
        raise UsageError(f"{outside[0]} is not in the workspace {root}: "
                         "check reports only on the workspace's own files")
    result = check_workspace(root, CheckOptions(release=release), only=paths or (), remember=True)
    reporter = REPORTERS[format](color=_use_color(color, sys.stdout))
    sys.stdout.write(reporter.report(result))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if format == GithubReporter.name and summary_path:
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
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = "text",
    lang: Annotated[str | None, typer.Option(help="Language of the titles.")] = None,
) -> None:
    """List the recommendations, positions, responses or inputs of the workspace."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    rows = views.list_rows(ws, kind.value, views.language(ws, lang))
    views.emit_table(rows, format, title=kind.value.capitalize())


@app.command()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A recommendation, position, "
                                           "response, source or reference id.")],
    workspace: WorkspaceOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = "text",
    since_approval: Annotated[
        bool, typer.Option("--since-approval",
                           help="A position's texts as a word diff against the approved ones.")
    ] = False,
) -> None:
    """Show one item in every language, what it addresses and what addresses it."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    if since_approval:
        sys.stdout.write(views.since_approval_text(ws, item_id))
        return
    views.emit_item(views.item_view(ws, item_id), format)


@app.command()
def coverage(
    source: Annotated[str | None, typer.Argument(help="Source id (default: all).")] = None,
    workspace: WorkspaceOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = "text",
    lang: Annotated[str | None, typer.Option(help="Language of the titles.")] = None,
    outcomes: Annotated[
        bool, typer.Option("--outcomes", help="Each position's history across hearings: "
                           "the responses that used it and what came of it.")
    ] = False,
) -> None:
    """A table of each recommendation, the stances taken on it and the positions."""
    from hthc_cli.cli import views

    ws = views.load(workspace)
    if outcomes:
        rows = views.outcome_rows(ws, source, views.language(ws, lang))
        views.emit_table(rows, format, title="Outcomes")
        return
    rows = views.coverage_rows(ws, source, views.language(ws, lang))
    views.emit_table(rows, format, title="Coverage")


@app.command()
def status(
    workspace: WorkspaceOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD",
                     help="The day to count deadlines from (default: today).",
                     show_default=False),
    ] = None,
    format: Annotated[
        StatusFormat,
        typer.Option("--format", "-f",
                     help="text, json, or github: a Markdown table for $GITHUB_STEP_SUMMARY."),
    ] = "text",
) -> None:
    """Where each response stands: deadline, positions by status and owner, what is open,
    outcomes, and whether `hthc check --release` would pass for it. Exits 0."""
    from datetime import date

    from hthc_cli.check.checker import check_workspace
    from hthc_cli.check.rules import CheckOptions
    from hthc_cli.check.status import response_statuses
    from hthc_cli.workspace.loader import find_workspace

    day = date.today()
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError:
            raise UsageError(f"--as-of {as_of}: not a date; write it as YYYY-MM-DD, "
                             "for example 2025-06-20") from None
    root = find_workspace(explicit=workspace)
    result = check_workspace(root, CheckOptions(release=True, today=day))
    sys.stdout.write(STATUS_REPORTS[format](response_statuses(result, day)))


@app.command()
def schema(
    workspace: WorkspaceOption = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", file_okay=False,
                     help="Where to write them (default: schemas/ in the workspace).",
                     show_default=False),
    ] = None,
) -> None:
    """Write JSON Schema (draft 2020-12) for each kind of file, for editors."""
    from hthc_cli.workspace.loader import find_workspace
    from hthc_cli.workspace.schema_export import SCHEMA_FOLDER, write_schemas

    if output_dir is None:
        output_dir = find_workspace(explicit=workspace) / SCHEMA_FOLDER
    try:
        written = write_schemas(output_dir)
    except OSError as exc:
        raise HthcError(
            f"cannot write the schemas to {output_dir}: {exc.strerror or exc}"
        ) from None
    for path in written:
        sys.stdout.write(f"wrote {_shown(path)}\n")


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
        Path | None,
        typer.Option("--output", "-o", dir_okay=False,
                     help="The file to write; - for standard output (md or html)."),
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
    template: Annotated[
        str | None,
        typer.Option("--template", "-t",
                     help="Render with this template instead of the response's own, e.g. "
                     "brief (the key points); written as build/ID.brief.LANG.FORMAT.",
                     show_default=False),
    ] = None,
) -> None:
    """Render consultation responses as Word (or Markdown, HTML, PDF) documents.

    Every document is made before any is written: if one fails, no file is changed.
    """
    from hthc_cli.markup.parser import shared_parses
    from hthc_cli.render import pipeline
    from hthc_cli.workspace.loader import find_workspace, load_workspace

    fmt = pipeline.output_format(format, output)
    root = find_workspace(explicit=workspace)
    loaded = load_workspace(root)
    # The texts check reads are the texts render prints: parse each once.
    with shared_parses(pipeline.texts_in(loaded.workspace, lang).__contains__):
        _render(loaded, root, response_id, lang, fmt, output, output_dir, reference_doc,
                template)


@app.command("reference-doc")
def reference_doc(
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="The file to write.")
    ] = Path("reference.docx"),
) -> None:
    """Write the built-in reference document, to open in Word or LibreOffice and make your
    letterhead; then name it in hthc.yaml (reference_doc: FILE) or with render --reference-doc.
    """
    from hthc_cli.render.pipeline import reference_document, write_new

    write_new(output, reference_document())
    sys.stdout.write(
        f"wrote {_shown(output)}: give it your header, footer and styles, then add "
        f"'reference_doc: {output.as_posix()}' to hthc.yaml\n"
    )


def _render(
    loaded: Loaded, root: Path, response_id: str | None, lang: str, fmt: str,
    output: Path | None, output_dir: Path | None, reference_doc: Path | None,
    template: str | None = None,
) -> None:
    from hthc_cli.check.checker import blocking_errors, check_workspace
    from hthc_cli.check.reporters import TextReporter
    from hthc_cli.markup.analysis import forget as forget_analyses
    from hthc_cli.render import pipeline

    result = check_workspace(root, loaded=loaded, remember=True)
    ws = result.workspace
    blocked = blocking_errors(result, response_id)
    if blocked is not None:
        sys.stderr.write(TextReporter(color=_use_color(Color.auto, sys.stderr)).report(blocked))
        raise RenderError(f"not rendered: fix the {blocked.count(Severity.ERROR)} error(s) "
                          "above first (hthc check shows them too)")
    if reference_doc is not None and not reference_doc.is_file():
        raise UsageError(f"--reference-doc {reference_doc}: no such file")
    # What only check needed (the files' text, each text's findings) goes before rendering.
    ws.release_sources()
    forget_analyses()
    planned = pipeline.plan(ws, response_id, lang, fmt, output, output_dir, template)
    if planned.skipped_note:
        sys.stderr.write(f"hthc: {planned.skipped_note}\n")
    notes: list[str] = []
    documents = _render_with_progress(ws, planned.jobs, fmt, reference_doc, notes)
    if output == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(documents[0][1])
        sys.stdout.buffer.flush()
    else:
        pipeline.write_all([(job.output, data) for job, data in documents])
        for job, _ in documents:
            sys.stdout.write(f"wrote {_shown(job.output)}\n")
    for response in {job.response.id: job.response for job in planned.jobs}.values():
        note = pipeline.draft_note(ws, response)
        if note:
            sys.stderr.write(f"hthc: {note}\n")
    for note in dict.fromkeys(notes):
        sys.stderr.write(f"hthc: {note}\n")


def _render_with_progress(
    ws: Workspace, jobs: list[Job], fmt: str, reference_doc: Path | None, notes: list[str]
) -> list[tuple[Job, bytes]]:
    from hthc_cli.render.pipeline import render_all

    if len(jobs) < 2 or not sys.stderr.isatty():
        return render_all(ws, jobs, fmt, reference_doc, notes=notes)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("Rendering", total=len(jobs))
        return render_all(ws, jobs, fmt, reference_doc, lambda _: progress.advance(task), notes)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)



@app.command("diff")
def diff_command(
    arguments: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REV_A [REV_B]] [RESPONSE_ID]", show_default=False,
                       help="Revisions git knows (default: HEAD and the working tree) and "
                       "the response (default: the only one). A last argument that is a "
                       "response id is the response."),
    ] = None,
    workspace: WorkspaceOption = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Default: the response's language.",
                                 show_default=False)
    ] = None,
    format: Annotated[
        DiffFormat | None,
        typer.Option("--format", "-f", help="docx (a redline), md or json (a summary); "
                     "default: from -o's file name, else docx.", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False,
                     help="The file to write; - for standard output (md, json). Default: "
                     "build/ID.diff.LANG.docx, or standard output for md and json.",
                     show_default=False),
    ] = None,
) -> None:
    """Compare a response at two revisions: a Word redline of tracked changes, or a summary
    of positions added, removed and changed for a pull request."""
    from hthc_cli.diff.compare import TEXT_FORMATS, diff, output_format
    from hthc_cli.render.pipeline import write_all
    from hthc_cli.workspace.loader import find_workspace

    fmt = output_format(format, output)
    if output == STDOUT and fmt not in TEXT_FORMATS:
        raise UsageError("-o - (standard output) takes --format md or json; a .docx is a "
                         "binary file: name a file with -o FILE.docx")
    root = find_workspace(explicit=workspace)
    result = diff(root, arguments or [], lang, fmt)
    if (output is None and fmt in TEXT_FORMATS) or output == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return
    target = output or root / "build" / f"{result.response}.diff.{result.language}.docx"
    write_all([(target, result.data)])
    sys.stdout.write(f"wrote {_shown(target)}: {result.response} ({result.language}), "
                     f"{result.before} → {result.after}\n")


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="[DIR]", file_okay=False,
                             help="Where to make the workspace (default: here).")
    ] = Path("."),
    name: Annotated[str, typer.Option("--name", help="The organisation's full name.",
                                      show_default=False)] = "",
    short_name: Annotated[
        str | None, typer.Option("--short-name", help="Its abbreviation, e.g. DP.")
    ] = None,
    languages: Annotated[
        str, typer.Option("--languages", help="Languages of the texts, the default first.")
    ] = "da,en",
    website: Annotated[str | None, typer.Option("--website", help="Its website.")] = None,
) -> None:
    """Make a new workspace with example texts to replace: it checks clean and renders.

    Refuses if any of its files is already there, and then writes none.
    """
    from hthc_cli.workspace import scaffold

    options = scaffold.InitOptions(name, short_name or None,
                                   scaffold.parse_languages(languages), website or None)
    files = scaffold.init_files(options)
    try:
        written = scaffold.write_files(directory, files)
    except OSError as exc:
        raise HthcError(f"cannot write the workspace in {directory}: "
                        f"{exc.strerror or exc}") from None
    for path in written:
        sys.stdout.write(f"wrote {path}\n")
    where = "" if directory == Path(".") else f"cd {directory} && "
    sys.stdout.write(f"Next: {where}hthc check && hthc render\n")


class NewKind(enum.StrEnum):
    position = "position"
    recommendation = "recommendation"
    response = "response"
    reference = "reference"


@app.command()
def new(
    kind: Annotated[NewKind, typer.Argument(help="What to add.")],
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Its id (a reference's key).")],
    file: Annotated[
        Path | None,
        typer.Option("--file", dir_okay=False,
                     help="Add it at the end of this file's list (default: a new file)."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a skeleton position, recommendation, response or reference, and say where."""
    from hthc_cli.workspace.loader import find_workspace
    from hthc_cli.workspace.scaffold import add_item

    added = add_item(find_workspace(explicit=workspace), kind.value, item_id, file)
    sys.stdout.write(f"added {kind.value} {item_id} at {_shown(added.path)}:{added.line}\n")


input_app = typer.Typer(
    name="input", cls=_Commands, no_args_is_help=True,
    help="Input from members and partners: take an e-mail in as inputs/ID.yaml.",
)
app.add_typer(input_app)


@input_app.command("add")
def input_add(
    message: Annotated[
        Path, typer.Argument(metavar="MESSAGE.eml", dir_okay=False,
                             help="The e-mail, saved from the mail program as .eml.")
    ],
    item_id: Annotated[
        str | None,
        typer.Option("--id", help="The input's id (default: INPUT-<date>-<sender>).",
                     show_default=False),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add an e-mail as a new input: sender, date, text and attachments, decision 'new'.

    Nothing in the message is run, opened or fetched. Writes inputs/ID.yaml and the
    attachments under inputs/attachments/ID/, all or none, and prints the new file.
    """
    from hthc_cli.intake.add import add_input
    from hthc_cli.workspace.loader import find_workspace

    added = add_input(find_workspace(explicit=workspace), message, item_id)
    where = f"wrote {_shown(added.path)}"
    if added.attachments:
        count = len(added.attachments)
        where += (f" and {count} attachment{'s' * (count != 1)} in "
                  f"{_shown(added.attachments[0].parent)}")
    sys.stdout.write(f"{where}:\n\n{added.text}")


@app.command()
def approve(
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The positions approved.",
                                             show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Who approved them.", show_default=False)],
    day: Annotated[
        str | None,
        typer.Option("--date", help="When, YYYY-MM-DD (default: today).", show_default=False),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Stamp positions as approved: `status: approved` and who, when and what, in their
    entries only. Refused for unknown ids or while check finds errors; then nothing changes.
    """
    from datetime import date

    from hthc_cli.check.checker import check_workspace
    from hthc_cli.workspace import approve as approving
    from hthc_cli.workspace.git import top_level
    from hthc_cli.workspace.loader import find_workspace, load_workspace

    try:
        when = date.fromisoformat(day) if day is not None else date.today()
    except ValueError:
        raise UsageError(f"--date {day}: write the day as YYYY-MM-DD") from None
    root = find_workspace(explicit=workspace)
    loaded = load_workspace(root)
    problem = approving.unknown_ids(loaded.workspace, ids)
    if problem is not None:
        raise UsageError(f"{problem}; nothing was approved")
    result = check_workspace(root, loaded=loaded)
    errors = [d for d in result.diagnostics if d.severity == Severity.ERROR]
    if errors:
        raise HthcError(approving.refusal(errors))
    done = approving.approve(result.workspace, ids, by, when,
                             keep_texts=top_level(root) is None)
    for stamp in done:
        sys.stdout.write(f"approved {stamp.position} ({_shown(stamp.file)}:{stamp.line}), "
                         f"by {by.strip()} on {when.isoformat()}\n")


review_app = typer.Typer(
    cls=_Commands, no_args_is_help=True, add_completion=False,
    help="Read a document reviewed in Word back into the workspace.",
)
app.add_typer(review_app, name="review")


@review_app.command("import")
def review_import(
    document: Annotated[Path, typer.Argument(metavar="FILE.docx", dir_okay=False,
                                             help="The reviewed Word document.")],
    workspace: WorkspaceOption = None,
    format: Annotated[ReviewFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = "text",
    apply: Annotated[bool, typer.Option(
        "--apply", help="Write the accepted edits into the YAML and the comments into "
        "reviews/RESPONSE.yaml (without it nothing is written).")] = False,
    accept: Annotated[list[str] | None, typer.Option(
        "--accept", metavar="all|none|AUTHOR",
        help="Which tracked changes --apply takes: all (default), none (untracked edits "
        "only), or those of the authors named (repeat, or separate with commas).",
        show_default=False)] = None,
) -> None:
    """Report the comments, tracked changes and untracked edits of a reviewed .docx, each
    on the file, line, item, field and language of its text; with --apply, write them.

    Exit 0 when the review was read (and, with --apply, all of it was written); 1 when
    --apply left something out (a conflict, an edit to make by hand); 2 when the file
    cannot be read as a Word document.
    """
    from hthc_cli.review.importer import read_review
    from hthc_cli.workspace.loader import find_workspace, load_workspace

    root = find_workspace(explicit=workspace)
    loaded = load_workspace(root)
    review = read_review(loaded.workspace, document, accept or ())
    if apply:
        from hthc_cli.review.apply import apply_review

        apply_review(review, loaded.workspace)
    sys.stdout.write(REVIEW_REPORTERS[format]().report(review))
    raise typer.Exit(EXIT_PROBLEMS if apply and review.problems else EXIT_OK)


def run() -> None:
    """Entry point of the `hthc` script and of `python -m hthc_cli`."""
    app(prog_name="hthc")

