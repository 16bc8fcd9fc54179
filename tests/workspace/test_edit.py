"""Appending an item to a file's list: the new item in the list's style, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hthc_cli.base.errors import UsageError
from hthc_cli.workspace.edit import append_entry, read_for_edit, write_text

ENTRY = "- id: NEW\n  title:\n    da: Ny\n    en: New\n  text: |\n    A line.\n    Another.\n"


def _append(tmp_path: Path, text: str, key: str = "positions",
            raw: bytes | None = None) -> tuple[str, int]:
    path = tmp_path / "f.yaml"
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    source, bom = read_for_edit(path, "f.yaml")
    appended = append_entry(source, key, ENTRY)
    write_text(path, appended.text, bom)
    return path.read_bytes().decode("utf-8"), appended.line


@pytest.mark.parametrize(("before", "after", "added"), [
    # Two-space dashes, blank lines between items, a comment on the last item, a top key after.
    ("# head\npositions:\n  - id: A  # first\n    title: a\n\n  - id: B\n    title:\n"
     "      da: b\n    # about B\n\nother: 1\n",
     "\nother: 1\n",
     "\n  - id: NEW\n    title:\n      da: Ny\n      en: New\n    text: |\n      A line.\n"
     "      Another.\n"),
    # Dashes at the key's column, four-space levels, no trailing newline.
    ("positions:\n- id: A\n  title:\n      da: a\n  note: |\n    x\n\n    y",
     "",
     "\n- id: NEW\n  title:\n      da: Ny\n      en: New\n  text: |\n      A line.\n"
     "      Another.\n"),
    # Three spaces after the dash.
    ("positions:\n    -   id: A\n        title: a\n",
     "",
     "    -   id: NEW\n        title:\n          da: Ny\n          en: New\n"
     "        text: |\n          A line.\n          Another.\n"),
])
def test_the_entry_follows_the_last_item_in_its_style(
    tmp_path: Path, before: str, after: str, added: str
) -> None:
    text, line = _append(tmp_path, before)
    head = before[:len(before) - len(after)]
    assert text == head + added + after
    assert text.splitlines()[line - 1].lstrip().startswith("- ")
    assert [item["id"] for item in yaml.safe_load(text)["positions"]][-1] == "NEW"


def test_windows_line_endings_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    before = "positions:\r\n  - id: A\r\n    title: a\r\n# end\r\n"
    text, line = _append(tmp_path, before, raw=b"\xef\xbb\xbf" + before.encode())
    assert (tmp_path / "f.yaml").read_bytes().startswith(b"\xef\xbb\xbfpositions:\r\n")
    assert text.startswith("\ufeffpositions:\r\n  - id: A\r\n    title: a\r\n  - id: NEW\r\n")
    assert text.endswith("      Another.\r\n# end\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert line == 4


@pytest.mark.parametrize("before", ["positions: []\n# tail\n", "positions:\n# tail\n"])
def test_an_empty_list_gets_its_first_item(tmp_path: Path, before: str) -> None:
    text, line = _append(tmp_path, before)
    assert text == ("positions:\n  - id: NEW\n    title:\n      da: Ny\n      en: New\n"
                    "    text: |\n      A line.\n      Another.\n# tail\n")
    assert line == 2


@pytest.mark.parametrize(("before", "message"), [
    ("positions: [A, B]\n",
     "f.yaml:1: the 'positions' list is written in [ ] on one line; write it as a list of "
     "'- ' items first"),
    ("positions: none\n", "f.yaml:1: 'positions' is not a list"),
    ("references: []\n", "f.yaml has no 'positions:' list to add to"),
    ("positions:\n  - id: A\n   title: a\n",
     "f.yaml cannot be read as YAML (f.yaml:3:4: "),
])
def test_what_cannot_be_appended_to_is_refused_and_left_alone(
    tmp_path: Path, before: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        _append(tmp_path, before)
    assert str(refused.value).startswith(message)
    assert (tmp_path / "f.yaml").read_text("utf-8") == before
