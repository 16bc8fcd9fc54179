"""What `hthc check` passes, `hthc render` prints whole.

Workspaces are drawn from a grammar of the Markdown dialect (dialect_grammar.py). For each:
check must report exactly the mistakes the grammar put in on purpose (none, mostly). With no
error, every response renders in every language, each text the response includes shows all
its words in the .docx in order (body words in the body, each note's words in the notes),
and openxml-audit finds no error. With an error, `hthc render` refuses and prints the very
diagnostic `hthc check` gives.

CI runs a fixed, bounded set of examples; HTHC_PROPERTY_EXAMPLES=5000 runs that many random
ones (hypothesis keeps the failing ones in .hypothesis/ and tries them first next time).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from dialect_grammar import LANGUAGES, RESPONSE_ID, Generated, workspaces
from docx_words import docx_text, first_missing
from hypothesis import HealthCheck, Phase, given, note, settings

from hthc_cli.base.diagnostics import Severity
from hthc_cli.check.checker import check_workspace
from hthc_cli.check.reporters import TextReporter
from hthc_cli.render.pipeline import plan, render_bytes

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
# CI: a fixed set of examples, reported as drawn (shrinking a failure takes minutes; run
# with HTHC_PROPERTY_EXAMPLES to get the smallest failing workspace).
settings.register_profile(
    "hthc-ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=_SLOW,
    phases=[Phase.explicit, Phase.reuse, Phase.generate], print_blob=True,
)
settings.register_profile(
    "hthc-many", max_examples=int(os.environ.get("HTHC_PROPERTY_EXAMPLES") or 0) or 1,
    deadline=None, suppress_health_check=_SLOW, print_blob=True,
)
PROFILE = settings.get_profile(
    "hthc-many" if os.environ.get("HTHC_PROPERTY_EXAMPLES") else "hthc-ci"
)


def write(generated: Generated, root: Path) -> None:
    for name, text in generated.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def planted(generated: Generated) -> set[tuple[str, str, int, int]]:
    """(code, path, line, column) of each mistake the grammar put in on purpose."""
    found = set()
    for defect in generated.defects:
        for path, text in generated.files.items():
            index = text.find(defect.token)
            if index >= 0:
                before = text[: index + defect.at]
                line = before.count("\n") + 1
                column = len(before) - (before.rfind("\n") + 1) + 1
                found.add((defect.code, path, line, column))
    return found


def in_workspace(root: Path, path: str) -> str:
    """A diagnostic's path (shown relative to the working folder) relative to the workspace."""
    return Path(os.path.relpath(os.path.realpath(path), os.path.realpath(root))).as_posix()


def show(word: str) -> str:
    return repr(word if len(word) <= 40 else word[:20] + "…" + word[-12:])


@settings(PROFILE)
@given(workspaces())
def test_what_check_passes_render_prints_whole(generated: Generated) -> None:
    with tempfile.TemporaryDirectory(prefix="hthc-property-") as tmp:
        root = Path(tmp) / "ws"
        write(generated, root)
        note("\n".join(f"--- {name}\n{text}" for name, text in generated.files.items()))
        result = check_workspace(root)
        errors = [d for d in result.diagnostics if d.severity == Severity.ERROR]
        note("check said:\n" + TextReporter(color=False).report(result))
        found = {(d.code, in_workspace(root, d.location.path), d.location.line,
                  d.location.column): d for d in errors}
        # a grammar text is well formed: check reports the planted mistakes and nothing else
        expected = planted(generated)
        wrong = [TextReporter(color=False).line(d) for k, d in found.items() if k not in expected]
        assert wrong == [], "check reports errors in well-formed Markdown"
        assert sorted(expected - found.keys()) == [], "check misses or misplaces planted mistakes"
        if errors:
            assert_render_refuses(root, Path(tmp) / "out", [TextReporter(color=False).line(d)
                                                              for d in errors])
            return
        jobs = plan(result.workspace, None, "all", "docx", None, Path(tmp) / "out").jobs
        assert sorted(j.language for j in jobs if j.response.id == RESPONSE_ID) == sorted(
            LANGUAGES)
        for job in jobs:
            data = render_bytes(result.workspace, job, "docx")
            assert_every_word_shown(generated, job.language, data)
            assert_valid_ooxml(data, Path(tmp) / f"{job.language}.docx")


def assert_every_word_shown(generated: Generated, language: str, data: bytes) -> None:
    text = docx_text(data)
    for case in generated.included[language]:
        body = generated.words(case.shown.body, language)
        missing = first_missing(body, text.body)
        assert missing is None, (
            f"{case.where}: the word {show(body[missing])} (word {missing + 1} of {len(body)}) "
            f"is not in the document after {show(body[missing - 1]) if missing else 'its start'}"
            f"\n--- the text as written:\n{case.written}"
        )
        for number, words in enumerate(case.shown.notes, 1):
            note_words = generated.words(words, language)
            missing = first_missing(note_words, text.notes)
            assert missing is None, (
                f"{case.where}: the word {show(note_words[missing])} of note {number} is not "
                f"in the footnotes\n--- the text as written:\n{case.written}"
            )


def assert_valid_ooxml(data: bytes, path: Path) -> None:
    import openxml_audit

    path.write_bytes(data)
    result = openxml_audit.OpenXmlValidator().validate(path)
    errors = [str(e) for e in result.errors if e.severity.value == "error"]
    assert errors == []


def assert_render_refuses(root: Path, out: Path, diagnostics: list[str]) -> None:
    from typer.testing import CliRunner

    from hthc_cli.cli.main import app

    run = CliRunner().invoke(
        app, ["render", "--workspace", str(root), "--output-dir", str(out)]
    )
    assert run.exit_code == 1, run.output
    for line in diagnostics:
        assert line in run.stderr
    assert not out.exists() or not any(out.iterdir())


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
