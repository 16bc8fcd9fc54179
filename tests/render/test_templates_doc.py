"""docs/templates.md names every value a template is given, and nothing it is not given."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hthc_cli.render.context import document_context
from hthc_cli.workspace.loader import load_workspace
from hthc_cli.workspace.templates import CONTEXT_NAMES

ROOT = Path(__file__).resolve().parents[2]
RESPONSE = "HTHC-HS-SSK-2024"


def section(title: str) -> str:
    """The text of docs/templates.md under `## title`, up to the next heading of that level."""
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.M | re.S)
    assert found, f"docs/templates.md has no '## {title}' section"
    return found.group(1)


def keys(value: Any, path: str) -> set[tuple[str, str]]:
    """(key, where) for every key of the dicts in `value`, the dicts in its lists included."""
    out: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            out.add((key, path))
            out |= keys(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            out |= keys(item, f"{path}[]")
    return out


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    ws = load_workspace(ROOT).workspace
    return document_context(ws, ws.responses[RESPONSE], "da").values


def test_the_context_is_the_one_list_of_names(context: dict[str, Any]) -> None:
    assert list(context) == list(CONTEXT_NAMES)


def test_the_context_table_is_the_context(context: dict[str, Any]) -> None:
    table = re.findall(r"^\| `(\w+)` \|", section("The context"), re.M)
    assert table == list(CONTEXT_NAMES)


def test_every_key_of_the_context_is_documented(context: dict[str, Any]) -> None:
    documented = set(re.findall(r"`(\w+)`", section("The context")))
    # The stances' keys are the stance values (docs/format.md lists them), not names.
    found = {(key, where) for name, value in context.items() if name != "stances"
             for key, where in keys(value, name)}
    missing = sorted(f"{where}.{key}" for key, where in found if key not in documented)
    assert missing == [], "docs/templates.md ('The context') does not name these"


def test_the_whitespace_section_says_what_a_block_tag_does_to_its_line() -> None:
    text = section("Whitespace")
    for words in ("trim_blocks", "lstrip_blocks", "{%-", "-%}", "newline"):
        assert words in text
