"""What holds for any attachment name and any e-mail text."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hthc_cli.base.diagnostics import Diagnostic
from hthc_cli.intake.add import input_yaml, safe_file_name
from hthc_cli.intake.mail import Mail, plain_to_markdown
from hthc_cli.markup.analysis import analyse
from hthc_cli.workspace.source import read_source

NAMES = st.text(st.characters(codec="utf-8"), max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, max_size=6))
def test_a_safe_name_stays_in_its_folder_and_is_never_taken_twice(names: list[str]) -> None:
    taken: set[str] = set()
    made = [safe_file_name(name, taken) for name in names]
    for name in made:
        assert name and len(name) <= 100
        assert "/" not in name and "\\" not in name and ".." not in name
        assert not name.startswith((".", " ", "-")) and not name.endswith((".", " "))
        assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in name)
    assert len({n.casefold() for n in made}) == len(made)


def test_names_that_would_leave_the_folder_or_hide_are_made_plain() -> None:
    taken: set[str] = set()
    assert [safe_file_name(n, taken) for n in
            ["../../etc/passwd", "..", ".bashrc", "a\\b.pdf", "CON.txt", "x\x00y.pdf",
             "Notat.pdf", "notat.PDF", " spaced .pdf. "]] == [
        "etc_passwd", "attachment", "bashrc", "a_b.pdf", "_CON.txt", "x_y.pdf",
        "Notat.pdf", "notat-2.PDF", "spaced.pdf",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=400))
def test_any_text_reads_back_from_the_yaml_as_written_and_checks_clean(body: str) -> None:
    text = plain_to_markdown(body)
    assume(text.strip())  # a message without text is refused before it is written
    mail = Mail("Søren", "s@a.dk", None, date(2025, 6, 12), "Emne", "<x@a.dk>", text, ())
    written = input_yaml("INPUT-1", mail, [])
    assert yaml.safe_load(written)["text"] == text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.yaml"
        path.write_text(written, encoding="utf-8")
        problems: list[Diagnostic] = []
        source = read_source(path, "input.yaml", problems, "inputs")
    assert problems == [] and source is not None
    found = analyse(text)
    assert (found.links, found.citations) == ([], [])
    assert [p.kind for p in found.pitfalls if p.kind != "too-deep"] == []
