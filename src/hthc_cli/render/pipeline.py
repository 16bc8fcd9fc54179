"""From a loaded workspace to a written document: context → template → Markdown → output."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import RenderError, UsageError
from hthc_cli.base.labels import BCP47, LABELS
from hthc_cli.base.memory import collector_paused
from hthc_cli.workspace.model import Position, Response, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterable

    from markdown_it.token import Token

    from hthc_cli.render.context import DocumentContext
    from hthc_cli.render.docx_writer import DocxOptions
    from hthc_cli.render.reference_doc import ReferenceFeatures

FORMATS = ("docx", "md", "html", "pdf")
TEXT_FORMATS = ("md", "html")
"""The formats that can go to standard output; the others are binary files."""
STDOUT = Path("-")
"""`-o -`: the document goes to standard output."""


@dataclass(frozen=True, slots=True)
class Job:
    response: Response
    language: str
    output: Path
    template: str | None = None
    """`--template`: the template to use instead of the response's own."""

    @property
    def to_stdout(self) -> bool:
        return self.output == STDOUT


@dataclass(frozen=True, slots=True)
class Plan:
    jobs: list[Job]
    language: str
    skipped: list[Response]
    """Responses left out because their `language:` is not the one asked for."""

    @property
    def skipped_note(self) -> str | None:
        if not self.skipped:
            return None
        return f"not rendered in '{self.language}': {_own_languages(self.skipped)}"


def _own_languages(responses: Sequence[Response]) -> str:
    return ", ".join(f"{r.id} (language: {r.language})" for r in responses)


def output_format(explicit: str | None, output: Path | None) -> str:
    """The format asked for, or the one `-o`'s file name ends in."""
    if output is None:
        return explicit or "docx"
    if output == STDOUT:
        return _stdout_format(explicit)
    suffix = output.suffix.lstrip(".").lower()
    if suffix == "htm":
        suffix = "html"
    if suffix in FORMATS:
        if explicit is not None and explicit != suffix:
            raise UsageError(
                f"-o {output} ends in .{output.suffix.lstrip('.')} but --format is {explicit}; "
                "make them agree"
            )
        return suffix
    if explicit is None:
        raise UsageError(
            f"cannot tell the format from -o {output}: name the file .docx, .md, .html or "
            ".pdf, or add --format"
        )
    return explicit


def _stdout_format(explicit: str | None) -> str:
    if explicit in TEXT_FORMATS:
        return explicit
    takes = "-o - (standard output) takes " + " or ".join(TEXT_FORMATS)
    use = " or ".join(f"--format {f}" for f in TEXT_FORMATS)
    if explicit is None:
        raise UsageError(f"{takes}: add {use}, or name a file with -o FILE.docx")
    raise UsageError(
        f"{takes}, and a .{explicit} is a binary file: name a file with -o FILE.{explicit}, "
        f"or add {use}"
    )


def plan(
    ws: Workspace,
    response_id: str | None,
    language: str,
    fmt: str,
    output: Path | None,
    output_dir: Path | None,
    template: str | None = None,
) -> Plan:
    """Which documents to write, and where.

    With `template` (`--template`), every response is rendered with it, to a file named
    after it (`build/ID.brief.da.docx`), so that it does not replace the response's own.
    """
    if output is not None and output_dir is not None:
        raise UsageError("use -o FILE or --output-dir DIR, not both")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: " + ", ".join(FORMATS))
    if language != "all" and language not in ws.languages:
        raise UsageError(
            f"'{language}' is not a language of this workspace (" + ", ".join(ws.languages) + ")"
        )
    jobs = []
    skipped = []
    kind = f".{template_stem(template)}" if template is not None else ""
    for response in _responses(ws, response_id):
        if template is not None:
            _check_needs(ws, response, template)
        languages = _languages(ws, response, language, named=response_id is not None)
        if not languages:
            skipped.append(response)
        for lang in languages:
            if lang not in LABELS:
                raise UsageError(
                    f"hthc has no labels for '{lang}' yet; render in one of: "
                    + ", ".join(LABELS)
                )
            target = Path(f"{response.id}{kind}.{lang}.{fmt}")
            jobs.append(
                Job(response, lang, (output_dir or ws.root / "build") / target, template)
            )
    if not jobs:
        raise UsageError(
            f"no response is rendered in '{language}': {_own_languages(skipped)}; "
            "use --lang all or another language"
        )
    if output is not None:
        if len(jobs) != 1:
            if output == STDOUT:
                raise UsageError(
                    f"-o - (standard output) takes one document but {len(jobs)} would be "
                    "written; name a response and a language"
                )
            raise UsageError(
                f"-o names one file but {len(jobs)} documents would be written; "
                "name a response and a language, or use --output-dir"
            )
        jobs = [Job(jobs[0].response, jobs[0].language, output, template)]
    return Plan(jobs, language, skipped)


def template_stem(template: str) -> str:
    """`brief`, `hthc/brief.md.j2` → `brief`: the template's part of an output file name."""
    name = template.rsplit("/", 1)[-1]
    for suffix in (".md.j2", ".j2"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _check_needs(ws: Workspace, response: Response, template: str) -> None:
    """`--template` names a template that needs a key the response lacks (check: HTHC312)."""
    from hthc_cli.workspace.templates import template_dirs, template_file_name, template_needs

    dirs = template_dirs(ws.root, ws.templates)
    missing = [k for k in template_needs(template, dirs) if k not in response.record.nodes]
    if missing:
        keys = " and ".join(f"'{k}'" for k in missing)
        raise UsageError(
            f"response '{response.id}' ({response.record.loc}) has no {keys}, which the "
            f"template {template_file_name(template)} needs; add "
            + " and ".join(f"'{k}:'" for k in missing) + " to it, or use another template"
        )


def _responses(ws: Workspace, response_id: str | None) -> list[Response]:
    if response_id is None:
        if not ws.responses:
            raise UsageError("the workspace has no responses: add one under responses/")
        return list(ws.responses.values())
    if response_id not in ws.responses:
        from hthc_cli.base.suggest import did_you_mean

        hint = did_you_mean(response_id, ws.responses)
        hint = f"; {hint}" if hint else ""
        known = ", ".join(ws.responses) or "none"
        raise UsageError(f"no response '{response_id}'{hint} (responses: {known})")
    return [ws.responses[response_id]]


def _languages(ws: Workspace, response: Response, language: str, named: bool) -> list[str]:
    """The languages to render a response in: none when its own language is not the one asked."""
    own = response.language
    if language == "all":
        return [own] if own else list(ws.languages)
    if own is None or own == language:
        return [language]
    if named:
        where = response.record.locs.get("language", response.record.loc)
        raise UsageError(
            f"response '{response.id}' is rendered in '{own}' only ({where}: language: {own}); "
            f"use --lang {own} or --lang all, or remove its language"
        )
    return []


def unapproved_positions(ws: Workspace, response: Response) -> list[Position]:
    """The positions the response shows (general, then specific) that are not approved yet."""
    return [p for p in ws.used_positions(response) if p.status != "approved"]


def draft_label(ws: Workspace, response: Response, language: str) -> str | None:
    """'UDKAST', 'DRAFT': what the header says while the response is `status: draft` or a
    position it shows is not approved."""
    if response.draft or unapproved_positions(ws, response):
        return ws.labels(language)["draft"]
    return None


def draft_note(ws: Workspace, response: Response) -> str | None:
    """One line saying what keeps a response a draft, or None."""
    unapproved = unapproved_positions(ws, response)
    reasons = []
    if response.draft:
        reasons.append("it says 'status: draft'")
    if unapproved:
        verb = "is" if len(unapproved) == 1 else "are"
        reasons.append(
            f"{len(unapproved)} of the positions it shows {verb} not approved ("
            + ", ".join(f"{p.id}: {p.status}" for p in unapproved) + ")"
        )
    if not reasons:
        return None
    return f"{response.id} is marked as a draft: " + "; ".join(reasons)


def texts_in(ws: Workspace, language: str) -> set[str]:
    """The Markdown texts a render in `language` ('all': every language) may print."""
    wanted = set(ws.languages) if language == "all" else {language}
    return {
        str(scalar.value) for text, markdown in ws.texts if markdown
        for lang, scalar in text.scalars() if lang is None or lang in wanted
    }


def prepare(
    ws: Workspace, response: Response, language: str, reference: ReferenceFeatures | None = None,
    template: str | None = None,
) -> tuple[str, DocumentContext]:
    """The template's output (texts as placeholders) and the context it was rendered with.

    ``reference`` is what the reference document brings of its own (None: nothing, as the
    built-in one and the Markdown and HTML outputs). ``template`` is used instead of the
    response's own; a name without `.md.j2` (`brief`) is the file with it.
    """
    from hthc_cli.render.context import document_context
    from hthc_cli.render.templating import DEFAULT_TEMPLATE, render_template
    from hthc_cli.workspace.templates import template_dirs, template_file_name

    context = document_context(ws, response, language, reference)
    dirs = template_dirs(ws.root, ws.templates)
    values = {**context.values, "_slots": context.slots}
    name = template_file_name(template or response.template or DEFAULT_TEMPLATE)
    skeleton = render_template(name, dirs, values)
    return skeleton, context


def to_markdown(
    ws: Workspace, response: Response, language: str, template: str | None = None
) -> str:
    """The response as one Markdown file, each text written in at its place."""
    from hthc_cli.markup.compose import expand_markdown

    skeleton, context = prepare(ws, response, language, template=template)
    return expand_markdown(skeleton, context.slots, context.resolve)


def to_tokens(
    ws: Workspace, response: Response, language: str, reference: ReferenceFeatures | None = None,
    template: str | None = None,
) -> list[Token]:
    """The response as one token stream: the template's, each text parsed on its own."""
    from hthc_cli.markup.compose import compose

    skeleton, context = prepare(ws, response, language, reference, template)
    return compose(skeleton, context.slots, context.resolve)


def document_options(
    ws: Workspace, response: Response, language: str, reference_doc: Path | None,
    cited: Iterable[str] = (), commit: str | None = None,
) -> DocxOptions:
    """How to write the response's .docx; `commit` is the revision the workspace was taken
    from (`git archive`), else the checked-out one is asked of git at the workspace."""
    from hthc_cli.render.comments import open_comments
    from hthc_cli.render.context import format_references
    from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions

    source = ws.sources.get(response.source.value) if response.source else None
    title = response.title.get(language) or response.id
    subject = (source.title.get(language) or source.id) if source else title
    organisation = ws.organisation.name.get(language) or ws.organisation.short_name or ""
    keywords = tuple(
        k for k in (ws.labels(language)["keywords"], source.id if source else None,
                    ws.organisation.short_name) if k
    )
    reference_doc = reference_path(ws, reference_doc)
    citations, short_citations = format_references(ws, dict.fromkeys(cited), language)
    return DocxOptions(
        meta=DocumentMeta(
            title=title, author=organisation, subject=subject, keywords=keywords,
            language=BCP47.get(language, language), date=response.date,
        ),
        page_label=ws.labels(language)["page"],
        citations=citations,
        reference_doc=reference_doc,
        short_citations=short_citations,
        draft_mark=draft_label(ws, response, language),
        page_numbers=page_numbers(ws),
        properties=identity_properties(ws, response, language, commit),
        comments=open_comments(ws.reviews.get(response.id, ()), language),
    )


def identity_properties(ws: Workspace, response: Response, language: str,
                        commit: str | None = None) -> list[tuple[str, str]]:
    """What the document says of itself: the response, the language, the commit it was
    rendered from (`commit`, else the one checked out when the workspace is in git) and the
    hthc that rendered it."""
    from hthc_cli import __version__
    from hthc_cli.render import marks
    from hthc_cli.workspace.git import head

    properties = [(marks.RESPONSE_PROPERTY, response.id), (marks.LANGUAGE_PROPERTY, language)]
    revision = commit or head(ws.root)
    if revision is not None:
        properties.append((marks.REVISION_PROPERTY, revision))
    properties.append((marks.VERSION_PROPERTY, __version__))
    return properties


def reference_path(ws: Workspace, reference_doc: Path | None) -> Path | None:
    """The reference document: `--reference-doc`, else hthc.yaml's, else None (built-in)."""
    if reference_doc is None and ws.reference_doc:
        reference_doc = ws.root / ws.reference_doc
    if reference_doc is not None and not reference_doc.is_file():
        raise RenderError(f"reference document not found: {reference_doc}")
    return reference_doc


def page_numbers(ws: Workspace) -> bool:
    """hthc.yaml's `page_numbers` (default true)."""
    return ws.config is None or ws.config.get("page_numbers") is not False


def render_bytes(
    ws: Workspace, job: Job, fmt: str, reference_doc: Path | None = None,
    notes: list[str] | None = None,
) -> bytes:
    """The finished document for one job, in memory; what the user should know about it
    (an open review comment whose words are gone) goes to `notes`, a line each."""
    if fmt == "md":
        return to_markdown(ws, job.response, job.language, job.template).encode("utf-8")
    from hthc_cli.markup.analysis import citation_keys

    reference = None
    if fmt != "html":
        # the organisation block is left out where the reference document's header shows it
        from hthc_cli.render.reference_doc import reference_features

        reference_doc = reference_path(ws, reference_doc)
        reference = reference_features(reference_doc)
    tokens = to_tokens(ws, job.response, job.language, reference, job.template)
    options = document_options(
        ws, job.response, job.language, reference_doc, citation_keys(tokens)
    )
    if fmt == "html":
        from hthc_cli.render.html_writer import tokens_to_html

        return tokens_to_html(tokens, options).encode("utf-8")
    from hthc_cli.render.docx_writer import tokens_to_docx

    docx = tokens_to_docx(tokens, options, notes)
    if fmt == "pdf":
        return docx_to_pdf(docx)
    return docx


def find_libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    office = find_libreoffice()
    if office is None:
        raise RenderError(
            "PDF output needs LibreOffice, which is not installed. Install it "
            "(Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; macOS: "
            "brew install --cask libreoffice; Windows: https://www.libreoffice.org), "
            "or render --format docx and save as PDF from Word."
        )
    with tempfile.TemporaryDirectory(prefix="hthc-pdf-") as tmp:
        source = Path(tmp) / "response.docx"
        source.write_bytes(docx)
        profile = Path(tmp) / "profile"
        try:
            subprocess.run(
                [office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=300,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise RenderError(f"LibreOffice could not convert the document to PDF: {exc}") from None
        pdf = Path(tmp) / "response.pdf"
        if not pdf.is_file():
            raise RenderError("LibreOffice did not write a PDF")
        return pdf.read_bytes()


def render_all(
    ws: Workspace, jobs: Sequence[Job], fmt: str, reference_doc: Path | None = None,
    done: Callable[[Job], None] | None = None, notes: list[str] | None = None,
) -> list[tuple[Job, bytes]]:
    """Every job's document, in memory, so that a failure in one leaves every file as it was."""
    documents = []
    for job in jobs:
        with collector_paused():
            documents.append((job, render_bytes(ws, job, fmt, reference_doc, notes)))
        if done is not None:
            done(job)
    return documents


def write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file or none: each beside its target first, then all renamed into place.

    On failure, the files written beside their targets and the folders made for them are
    removed again, so no file is half-written, changed or left over.
    """
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            made += _make_folders(path)
            staged.append((_write_beside(path, data), path))
    except RenderError:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    for index, (tmp, path) in enumerate(staged):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            for left, _ in staged[index:]:
                left.unlink(missing_ok=True)
            raise RenderError(f"cannot write {path}: {exc.strerror}") from None


def _make_folders(path: Path) -> list[Path]:
    """Make the folders `path` needs; return the ones made, outermost first."""
    missing = []
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror}") from None
    return missing[::-1]


def _write_beside(path: Path, data: bytes) -> Path:
    """`data` in a hidden file beside `path`, with the permissions a new file gets."""
    if path.is_dir():
        raise RenderError(f"cannot write {path}: it is a folder")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"cannot write {path}: {exc.strerror}") from None
    return tmp


_REFERENCE_SAMPLE = """\
::: {custom-style="Letterhead"}
**Letterhead**: the organisation's name, address and website. Give the page a header of
your own (Insert → Header) and this block is left out of the response.
:::

::: {custom-style="Address Block"}
Address Block: who the response is sent to.
:::

::: {custom-style="Meta"}
Meta: the date, the case number, the hearing and its deadline.
:::

# Heading 1: the title

## Heading 2: the sections

### Heading 3: each position

#### Heading 4: a position under a recommendation

Body Text. This document gives the responses their styles, page size, margins, header
and footer; its text is never used. Change a style (not this text) to change every
paragraph of that style. Without a page number in the header or footer, "Side 1 af 2"
is added to the footer.

::: {custom-style="Summary"}
Summary: a position in one sentence.
:::

> Quote: the wording of a recommendation.

::: {custom-style="Source Note"}
Source Note: where the wording comes from.
:::

::: {custom-style="Stance Line"}
[Stance: support]{custom-style="Stance"}
:::

- List Paragraph: a bulleted list
- its second item

1. a numbered list
2. its second item

| Table Grid | the annex table | its header row |
|---|---|---|
| a recommendation | a stance | a position |

::: {custom-style="Signature"}
Signature: the closing greeting, name and role.
:::
"""


def reference_document() -> bytes:
    """The built-in reference document, with a paragraph in each style, for a team to turn
    into its letterhead; it has no footer, so the page label follows each response's language.
    """
    from datetime import date

    from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions, markdown_to_docx

    options = DocxOptions(
        meta=DocumentMeta(
            title="hthc reference document", author="", subject="", keywords=("hthc",),
            language="da-DK", date=date.today(),
        ),
        page_label="", citations={}, page_numbers=False,
    )
    return markdown_to_docx(_REFERENCE_SAMPLE, options)


def write_new(path: Path, data: bytes) -> None:
    """Write `data` to `path`, which must not exist yet."""
    try:
        with path.open("xb") as out:
            out.write(data)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists; hthc does not overwrite it: name another file with -o, "
            "or move it away first"
        ) from None
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from None
