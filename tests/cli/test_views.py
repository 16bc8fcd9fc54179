"""Reading a workspace from the terminal: show, list, coverage, schema, and their mistakes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from hthc_cli.workspace.format_doc import example_files
from hthc_cli.workspace.schema import FILE_SPECS, Spec
from hthc_cli.workspace.schema_export import SCHEMA_FILES

Hthc = Callable[..., Result]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The workspace docs/format.md shows: every key of every kind of file filled in."""
    root = tmp_path / "example"
    for name, text in example_files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "templates").mkdir()  # hthc.yaml names both: they must exist
    docx = pytest.importorskip("docx")
    docx.Document().save(str(root / "letterhead.docx"))
    return root


def _item(spec: Spec, key: str) -> Spec:
    fld = spec.fields[key]
    assert fld.spec is not None
    return fld.spec


SHOWN = [
    ("source", _item(FILE_SPECS["recommendations"], "source")),
    ("recommendation", _item(FILE_SPECS["recommendations"], "recommendations")),
    ("position", _item(FILE_SPECS["positions"], "positions")),
    ("reference", _item(FILE_SPECS["references"], "references")),
    ("response", FILE_SPECS["response"]),
]


def _ids(example: Path) -> dict[str, str]:
    """The id of the one item of each kind in the example workspace."""
    import yaml

    def load(pattern: str) -> Any:
        return yaml.safe_load(next(example.glob(pattern)).read_text(encoding="utf-8"))

    recommendations = load("recommendations/*.yaml")
    return {
        "source": recommendations["source"]["id"],
        "recommendation": recommendations["recommendations"][0]["id"],
        "position": load("positions/*.yaml")["positions"][0]["id"],
        "reference": load("references.yaml")["references"][0]["key"],
        "response": load("responses/*.yaml")["id"],
    }


def test_the_example_workspace_checks_clean(example: Path, hthc: Hthc) -> None:
    out = hthc("check", "--strict", cwd=example)
    assert (out.exit_code, out.stderr) == (0, ""), out.stdout
    assert re.search(r"^6 files checked: (no problems found|0 errors, 0 warnings, 1 info)\.$",
                     out.stdout.splitlines()[-1]), out.stdout


@pytest.mark.parametrize(("kind", "spec"), SHOWN, ids=[kind for kind, _ in SHOWN])
def test_show_prints_every_field_the_format_accepts(
    kind: str, spec: Spec, example: Path, hthc: Hthc
) -> None:
    item_id = _ids(example)[kind]
    out = hthc("show", item_id, "--format", "json", cwd=example)
    assert (out.exit_code, out.stderr) == (0, "")
    item = json.loads(out.stdout)
    assert item["kind"] == kind
    for key, fld in spec.fields.items():
        assert item.get(key) not in (None, "", [], {}), f"show {kind} leaves out '{key}'"
        if fld.kind == "object":
            assert fld.spec is not None
            for inner in fld.spec.fields:
                assert item[key].get(inner) not in (None, ""), (
                    f"show {kind} leaves out '{key}.{inner}'"
                )
    text = hthc("show", item_id, cwd=example)
    assert text.exit_code == 0
    shown = {line.strip() for line in text.stdout.splitlines()}
    for key in spec.fields:
        if key not in ("id", "key"):
            assert key in shown, f"the text of show {kind} has no '{key}'"


def test_show_prints_the_dates_and_numbers_it_used_to_leave_out(
    example: Path, hthc: Hthc
) -> None:
    ids = _ids(example)
    source = hthc("show", ids["source"], cwd=example).stdout
    assert re.search(r"^published\n  \d{4}-\d\d-\d\d$", source, re.M)
    reference = hthc("show", ids["reference"], cwd=example).stdout
    assert re.search(r"^accessed\n  \d{4}-\d\d-\d\d$", reference, re.M)
    response = json.loads(hthc("show", ids["response"], "-f", "json", cwd=example).stdout)
    assert response["hearing"]["case_number"]
    text = hthc("show", ids["response"], cwd=example).stdout
    assert f"  case_number: {response['hearing']['case_number']}\n" in text


@pytest.mark.parametrize("command", ["list positions", "coverage"])
def test_a_language_the_workspace_lacks_is_a_usage_error(
    command: str, workspace: Path, hthc: Hthc
) -> None:
    out = hthc(*command.split(), "--lang", "fr", cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (
        2, "", "hthc: --lang fr: 'fr' is not a language of this workspace (da, en)\n"
    )
    assert hthc(*command.split(), "--lang", "en", cwd=workspace).exit_code == 0


def test_check_of_a_file_outside_the_workspace_is_a_usage_error(
    workspace: Path, hthc: Hthc
) -> None:
    outside = workspace.parent / "elsewhere.yaml"
    outside.write_text("positions: []\n", encoding="utf-8")
    out = hthc("check", "../elsewhere.yaml", cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (
        2, "", f"hthc: ../elsewhere.yaml is not in the workspace {workspace}: "
        "check reports only on the workspace's own files\n"
    )
    inside = hthc("check", "positions", cwd=workspace)
    assert inside.exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "things"],
         "Invalid value for 'kind': 'things' is not one of "
         "'recommendations', 'positions', 'responses'."),
        (["list", "positions", "-f", "xml"],
         "Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json'."),
        (["check", "-f", "xml"],
         "Invalid value for '--format' / '-f': 'xml' is not one of "
         "'text', 'json', 'github', 'sarif'."),
        (["check", "--color", "sometimes"],
         "Invalid value for '--color': 'sometimes' is not one of 'auto', 'always', 'never'."),
    ],
)
def test_a_bad_choice_is_said_in_plain_words(
    args: list[str], message: str, workspace: Path, hthc: Hthc
) -> None:
    out = hthc(*args, cwd=workspace)
    assert (out.exit_code, out.stdout) == (2, "")
    assert "Value error" not in out.stderr
    assert message in " ".join(out.stderr.split()), out.stderr


def _shortened(line: str, value: str) -> bool:
    """Whether `value` is on `line` whole, or shortened with an ellipsis in its middle."""
    if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", line):
        return True
    for match in re.finditer(r"[\w.-]+…[\w.-]+", line):
        head, tail = match.group().split("…")
        if value.startswith(head) and value.endswith(tail) and len(head) + len(tail) < len(value):
            return True
    return False


@pytest.mark.parametrize(
    ("command", "id_keys"),
    [
        ("list positions", ("id", "addresses")),
        ("list recommendations", ("id", "source")),
        ("list responses", ("id", "source")),
        ("coverage", ("source", "recommendation", "positions")),
    ],
)
def test_ids_are_never_folded_in_a_table_80_columns_wide(
    command: str, id_keys: tuple[str, ...], hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("COLUMNS", "80")
    rows = json.loads(hthc(*command.split(), "-f", "json", cwd=root).stdout)
    out = hthc(*command.split(), cwd=root)
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for row in rows:
        for key in id_keys:
            values = row[key] if isinstance(row[key], list) else [row[key]]
            for value in values:
                assert any(_shortened(line, value) for line in lines), (
                    f"{value} is folded in:\n{out.stdout}"
                )


def test_ids_are_whole_where_the_table_has_room(
    hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("COLUMNS", "80")
    out = hthc("list", "responses", cwd=root)
    assert "│HTHC-HS-SSK-2024 │ SSK-2024 │" in out.stdout
    monkeypatch.setenv("COLUMNS", "200")
    out = hthc("list", "positions", cwd=root)
    assert "…" not in out.stdout
    assert "HTHC-NATIONAL-STRATEGY" in out.stdout


def test_schema_writes_into_the_workspace_it_is_given(
    workspace: Path, tmp_path: Path, hthc: Hthc
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = hthc("schema", "--workspace", workspace, cwd=elsewhere)
    assert (out.exit_code, out.stderr) == (0, "")
    assert not (elsewhere / "schemas").exists()
    written = sorted(p.name for p in (workspace / "schemas").iterdir())
    assert written == sorted(SCHEMA_FILES.values())
    assert out.stdout == "".join(
        f"wrote {Path('..') / 'ws' / 'schemas' / name}\n" for name in SCHEMA_FILES.values()
    )


def test_schema_in_a_subfolder_writes_into_the_workspace_root(
    workspace: Path, hthc: Hthc
) -> None:
    out = hthc("schema", cwd=workspace / "positions")
    assert out.exit_code == 0, out.stderr
    assert not (workspace / "positions" / "schemas").exists()
    assert (workspace / "schemas" / SCHEMA_FILES["positions"]).is_file()


def test_schema_outside_a_workspace_says_so(tmp_path: Path, hthc: Hthc) -> None:
    out = hthc("schema", cwd=tmp_path)
    assert out.exit_code == 2
    assert out.stderr.startswith("hthc: no hthc.yaml in ")
    assert not (tmp_path / "schemas").exists()
    named = hthc("schema", "-o", "out", cwd=tmp_path)
    assert named.exit_code == 0, named.stderr
    assert (tmp_path / "out" / SCHEMA_FILES["workspace"]).is_file()
