"""`hthc diff` from arguments to output: read the request, load and check both sides,
write the redline or the summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.base.errors import UsageError
from hthc_cli.diff.sides import choose_response, language_of, load_side, read_arguments

FORMATS = ("docx", "md", "json")
TEXT_FORMATS = ("md", "json")


@dataclass(frozen=True, slots=True)
class Result:
    response: str
    language: str
    format: str
    data: bytes
    before: str
    after: str
    """The sides as the output names them (a commit, or the working tree)."""


def output_format(explicit: str | None, output: Path | None) -> str:
    """`--format`, else the one `-o`'s name ends in, else docx."""
    suffix = output.suffix.lstrip(".").lower() if output is not None and output != Path("-") \
        else ""
    if explicit is not None:
        if suffix in FORMATS and suffix != explicit:
            raise UsageError(f"-o {output} ends in .{suffix} but --format is {explicit}; "
                             "make them agree")
        return explicit
    if suffix in FORMATS:
        return suffix
    if output is not None and output != Path("-"):
        raise UsageError(f"cannot tell the format from -o {output}: name the file .docx, "
                         ".md or .json, or add --format")
    return "docx"


def diff(root: Path, arguments: Sequence[str], language: str | None, fmt: str) -> Result:
    """The redline (docx) or the summary (md, json) of a response between two revisions."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: " + ", ".join(FORMATS))
    from hthc_cli.markup.parser import shared_parses

    request = read_arguments(root, arguments)
    # Both sides are checked and composed: each text they share is parsed once.
    with shared_parses(lambda _: True, hold=True), \
            load_side(root, request.before, request.response_id) as before, \
            load_side(root, request.after, request.response_id) as after:
        response_id = choose_response(request, before, after)
        lang = language_of(language, response_id, before, after)
        if fmt == "docx":
            from hthc_cli.diff.document import redline_docx

            data = redline_docx(before, after, response_id, lang)
        else:
            from hthc_cli.diff.summary import summarise, to_json, to_markdown

            summary = summarise(before, after, response_id, lang)
            data = (to_json(summary) if fmt == "json" else to_markdown(summary)).encode()
        return Result(response_id, lang, fmt, data, before.short, after.short)
