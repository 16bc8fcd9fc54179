"""From a loaded workspace to a written document: context → template → Markdown → output."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hthc_cli.base.errors import RenderError, UsageError
from hthc_cli.base.labels import BCP47, LABELS
from hthc_cli.workspace.model import Response, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterable

    from markdown_it.token import Token

    from hthc_cli.render.context import DocumentContext
    from hthc_cli.render.docx_writer import DocxOptions

FORMATS = ("docx", "md", "html", "pdf")


@dataclass(frozen=True, slots=True)
class Job:
    response: Response
    language: str
    output: Path


def output_format(explicit: str | None, output: Path | None) -> str:
    """The format asked for, or the one `-o`'s file name ends in."""
    if output is None:
        return explicit or "docx"
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


def plan(
    ws: Workspace,
    response_id: str | None,
    language: str,
    fmt: str,
    output: Path | None,
    output_dir: Path | None,
) -> list[Job]:
    """Which documents to write, and where."""
    if output is not None and output_dir is not None:
        raise UsageError("use -o FILE or --output-dir DIR, not both")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: " + ", ".join(FORMATS))
    if response_id is not None:
        if response_id not in ws.responses:
            from hthc_cli.base.suggest import did_you_mean

            hint = did_you_mean(response_id, ws.responses)
            hint = f"; {hint}" if hint else ""
            known = ", ".join(ws.responses) or "none"
            raise UsageError(f"no response '{response_id}'{hint} (responses: {known})")
        responses = [ws.responses[response_id]]
    else:
        responses = list(ws.responses.values())
        if not responses:
            raise UsageError("the workspace has no responses: add one under responses/")
    jobs = []
    for response in responses:
        if language == "all":
            languages = [response.language] if response.language else list(ws.languages)
        else:
            if language not in ws.languages:
                raise UsageError(
                    f"'{language}' is not a language of this workspace ("
                    + ", ".join(ws.languages) + ")"
                )
            languages = [language]
        for lang in languages:
            if lang not in LABELS:
                raise UsageError(
                    f"hthc has no labels for '{lang}' yet; render in one of: "
                    + ", ".join(LABELS)
                )
            target = Path(f"{response.id}.{lang}.{fmt}")
            jobs.append(Job(response, lang, (output_dir or ws.root / "build") / target))
    if output is not None:
        if len(jobs) != 1:
            raise UsageError(
                f"-o names one file but {len(jobs)} documents would be written; "
                "name a response and a language, or use --output-dir"
            )
        jobs = [Job(jobs[0].response, jobs[0].language, output)]
    return jobs


def prepare(ws: Workspace, response: Response, language: str) -> tuple[str, DocumentContext]:
    """The template's output (texts as placeholders) and the context it was rendered with."""
    from hthc_cli.render.context import document_context
    from hthc_cli.render.templating import DEFAULT_TEMPLATE, render_template
    from hthc_cli.workspace.templates import template_dirs

    context = document_context(ws, response, language)
    dirs = template_dirs(ws.root, ws.templates)
    values = {**context.values, "_slots": context.slots}
    skeleton = render_template(response.template or DEFAULT_TEMPLATE, dirs, values)
    return skeleton, context


def to_markdown(ws: Workspace, response: Response, language: str) -> str:
    """The response as one Markdown file, each text written in at its place."""
    from hthc_cli.markup.compose import expand_markdown

    skeleton, context = prepare(ws, response, language)
    return expand_markdown(skeleton, context.slots, context.resolve)


def to_tokens(ws: Workspace, response: Response, language: str) -> list[Token]:
    """The response as one token stream: the template's, each text parsed on its own."""
    from hthc_cli.markup.compose import compose

    skeleton, context = prepare(ws, response, language)
    return compose(skeleton, context.slots, context.resolve)


def document_options(
    ws: Workspace, response: Response, language: str, reference_doc: Path | None,
    cited: Iterable[str] = (),
) -> DocxOptions:
    from hthc_cli.render.context import format_references
    from hthc_cli.render.docx_writer import DocumentMeta, DocxOptions

    source = ws.sources.get(response.source.value) if response.source else None
    title = response.title.get(language) or response.id
    subject = (source.title.get(language) or source.id) if source else title
    organisation = ws.organisation.name.get(language) or ws.organisation.short_name or ""
    keywords = tuple(
        k for k in (LABELS[language]["keywords"], source.id if source else None,
                    ws.organisation.short_name) if k
    )
    if reference_doc is None and ws.reference_doc:
        reference_doc = ws.root / ws.reference_doc
    if reference_doc is not None and not reference_doc.is_file():
        raise RenderError(f"reference document not found: {reference_doc}")
    citations, short_citations = format_references(ws, dict.fromkeys(cited), language)
    return DocxOptions(
        meta=DocumentMeta(
            title=title, author=organisation, subject=subject, keywords=keywords,
            language=BCP47.get(language, language), date=response.date,
        ),
        page_label=LABELS[language]["page"],
        citations=citations,
        reference_doc=reference_doc,
        short_citations=short_citations,
    )


def render_bytes(
    ws: Workspace, job: Job, fmt: str, reference_doc: Path | None = None
) -> bytes:
    """The finished document for one job, in memory."""
    if fmt == "md":
        return to_markdown(ws, job.response, job.language).encode("utf-8")
    from hthc_cli.markup.analysis import citation_keys

    tokens = to_tokens(ws, job.response, job.language)
    options = document_options(
        ws, job.response, job.language, reference_doc, citation_keys(tokens)
    )
    if fmt == "html":
        from hthc_cli.render.html_writer import tokens_to_html

        return tokens_to_html(tokens, options).encode("utf-8")
    from hthc_cli.render.docx_writer import tokens_to_docx

    docx = tokens_to_docx(tokens, options)
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


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so no half-written file is ever left."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"cannot write {path}: {exc.strerror}") from None
