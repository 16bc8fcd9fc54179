"""The redline: one .docx of a response whose differences between two sides are tracked
changes by `hthc`, dated by the later side.

Both sides are composed to token streams (a text both have is parsed once: see
`diff.compare`), the streams are
aligned (markup.redline), and the document is written once with the change marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hthc_cli.diff.sides import Side

if TYPE_CHECKING:
    from markdown_it.token import Token

    from hthc_cli.render.docx_writer import DocxOptions

AUTHOR = "hthc"


def _side_tokens(side: Side, response_id: str, language: str, commit: str | None
                 ) -> tuple[list[Token], DocxOptions | None]:
    from hthc_cli.markup.analysis import citation_keys
    from hthc_cli.render.pipeline import document_options, reference_path, to_tokens
    from hthc_cli.render.reference_doc import reference_features

    ws = side.workspace
    response = side.response(response_id)
    if response is None:
        return [], None
    reference_doc = reference_path(ws, None)
    tokens = to_tokens(ws, response, language, reference_features(reference_doc))
    return tokens, document_options(ws, response, language, reference_doc,
                                    citation_keys(tokens), commit)


def redline_docx(before: Side, after: Side, response_id: str, language: str) -> bytes:
    """The redline's bytes; the same two sides always give the same bytes."""
    from dataclasses import replace

    from hthc_cli.markup.redline import redline
    from hthc_cli.render.docx_writer import tokens_to_docx
    from hthc_cli.render.ooxml import Revision

    # The redline is the later side's document: it names that side's commit as the
    # revision it was rendered from (a commit's workspace is a `git archive` copy, where
    # git cannot be asked), as `hthc render` at that commit does.
    tokens_a, options_a = _side_tokens(before, response_id, language, after.commit)
    tokens_b, options_b = _side_tokens(after, response_id, language, after.commit)
    merged = redline(tokens_a, tokens_b)
    del tokens_a, tokens_b
    options = options_b or options_a
    assert options is not None
    revision = Revision(AUTHOR, after.when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    old = options_a or options
    options = replace(options, revision=revision, old_citations=old.citations,
                      old_short_citations=old.short_citations)
    return tokens_to_docx(merged, options)
