"""The smallest workspaces on which test_invariant.py found check and render to disagree.

Each test is one way the promise "check clean ⇒ render whole" broke, written out by hand
from the shrunk example: what check must say, and what the .docx must hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx_words import DocxText, docx_text, first_missing

from hthc_cli.base.diagnostics import Severity
from hthc_cli.check.checker import check_workspace
from hthc_cli.check.reporters import TextReporter
from hthc_cli.render.pipeline import plan, render_bytes

CONFIG = "organisation:\n  name: Org\nlanguages: [da, en]\n"
SOURCE = """\
source:
  id: SRC
  title: Source
  publisher: Publisher
  published: 2024-01-01
recommendations:
  - id: R-1
    title: {rec_title}
    text: The recommendation.
    wording: paraphrase
"""
POSITIONS = """\
positions:
  - id: P-1
    title: First position
    stance: support
    addresses: [R-1]
    summary: The summary.
    argument: |
{argument}
    status: approved
"""
RESPONSE = """\
id: RESP
source: SRC
title: Response
hearing:
  authority: Authority
  deadline: 2999-01-01
date: 2024-01-01
introduction: The introduction.
general: []
specific: [P-1]
closing: The closing.
signatory:
  name: Ann Signer
  role: Director
contact:
  name: Ann Signer
"""
REFERENCES = """\
references:
  - key: ref-1
    title: The Cited Work
    author: Some Author
    year: 2020
"""


def workspace(
    root: Path, argument: str, rec_title: str = '"The recommendation title"',
    files: dict[str, str] | None = None,
) -> Path:
    texts = {
        "hthc.yaml": CONFIG,
        "recommendations/src.yaml": SOURCE.format(rec_title=rec_title),
        "positions/p.yaml": POSITIONS.format(
            argument="\n".join("      " + line if line else "" for line in argument.split("\n"))
        ),
        "responses/r.yaml": RESPONSE,
        "references.yaml": REFERENCES,
        **(files or {}),
    }
    for name, text in texts.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def errors(root: Path) -> list[str]:
    result = check_workspace(root)
    return [TextReporter(color=False).line(d) for d in result.diagnostics
            if d.severity == Severity.ERROR]


def rendered(root: Path, language: str = "en") -> DocxText:
    result = check_workspace(root)
    assert [d for d in result.diagnostics if d.severity == Severity.ERROR] == []
    [job] = plan(result.workspace, "RESP", language, "docx", None, root / "build").jobs
    return docx_text(render_bytes(result.workspace, job, "docx"))


def assert_shown(words: list[str], text: str) -> None:
    missing = first_missing(words, text)
    assert missing is None, f"{words[missing]!r} is missing from: {text}"


@pytest.mark.parametrize(
    "code", ["`see [[NOSUCH]]`", "`cite [@nosuch]`"], ids=["link", "citation"]
)
def test_code_is_verbatim_so_check_reads_no_link_or_citation_in_it(
    tmp_path: Path, code: str
) -> None:
    root = workspace(tmp_path, f"Write {code} to link.")
    assert errors(root) == []


@pytest.mark.parametrize(
    "code",
    ["`[^1]`", "`[[R-1]]`", "`[^n]:`"],
    ids=["footnote", "link", "footnote-definition"],
)
def test_inline_code_prints_as_written(tmp_path: Path, code: str) -> None:
    root = workspace(tmp_path, f"Write {code} here.")
    assert_shown(["Write", code.strip("`"), "here."], rendered(root).body)


def test_a_code_block_prints_as_written(tmp_path: Path) -> None:
    root = workspace(tmp_path, "```\nx [^1] [[R-1]]\n[^1]: y\n```")
    assert_shown(["x", "[^1]", "[[R-1]]", "[^1]:", "y"], rendered(root).body)


def test_a_one_line_title_prints_entities_as_written(tmp_path: Path) -> None:
    root = workspace(tmp_path, "An argument.", rec_title='"Fish &amp; chips &copy; ~~x~~"')
    assert_shown(["Fish", "&amp;", "chips", "&copy;", "~~x~~"], rendered(root).body)


def test_a_list_nested_ten_deep_loses_nothing_after_it(tmp_path: Path) -> None:
    deep = "\n".join("  " * level + f"- level{level}" for level in range(10))
    root = workspace(tmp_path, deep + "\n\nAfter the list.")
    body = rendered(root).body
    assert_shown([f"level{level}" for level in range(10)], body)
    assert_shown(["After", "the", "list.", "The closing."], body)


def test_a_footnote_inside_a_footnote_keeps_its_text(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        "Body text.[^1]\n\n[^1]: Outer note.[^2]\n\n[^2]: Inner note [@ref-1].",
    )
    notes = rendered(root).notes
    assert_shown(["Outer", "note."], notes)
    assert_shown(["Inner", "note"], notes)
    assert_shown(["The", "Cited", "Work"], notes)


def test_a_link_holding_an_internal_link_stays_one_link(tmp_path: Path) -> None:
    root = workspace(tmp_path, "See [the [[R-1]] text](https://example.org/x) here.")
    assert_shown(["See", "the", "The", "recommendation", "title", "text", "here."],
                 rendered(root).body)
    assert "https://example.org" not in rendered(root).body


def test_a_new_proposal_listed_as_specific_is_in_the_body(tmp_path: Path) -> None:
    positions = POSITIONS.format(argument="      First argument.") + """\
  - id: P-NEW
    title: A new idea
    stance: new-proposal
    addresses: []
    summary: Newsummary.
    argument: Newargument.
    status: approved
"""
    root = workspace(tmp_path, "", files={
        "positions/p.yaml": positions,
        "responses/r.yaml": RESPONSE.replace("general: []", "general: [P-1]")
        .replace("specific: [P-1]", "specific: [P-NEW]"),
    })
    body = rendered(root).body
    assert_shown(["Newsummary."], body)
    assert_shown(["A new idea", "Newargument."], body)
