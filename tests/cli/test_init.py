"""`hthc init`: a new team's workspace that checks clean and renders, and the GitHub Action."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from hthc_cli.workspace.schema_export import schema_texts

Hthc = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]

WRITTEN = [
    "hthc.yaml", "recommendations/hearing.yaml", "positions/dp.yaml", "references.yaml",
    f"responses/dp-response-{date.today().year}.yaml", ".vscode/settings.json", ".gitignore",
    ".pre-commit-config.yaml", ".github/workflows/hthc.yml", "schemas/hthc.schema.json",
    "schemas/recommendations.schema.json", "schemas/positions.schema.json",
    "schemas/references.schema.json", "schemas/response.schema.json",
    "schemas/reviews.schema.json",
]
REPLACE = {"da": "erstat", "en": "replace"}
"""The word every example text holds, in each language, telling what to replace."""


def _texts(node: Any, language: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(language, text) of every human text in a loaded file; ids and dates are not texts."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REPLACE:
                yield from _texts(value, key)
            elif key in ("title", "publisher", "text", "summary", "argument", "authority",
                         "introduction", "closing", "role"):
                yield from _texts(value, language or "any")
            elif isinstance(value, dict | list):
                yield from _texts(value, language)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, language)
    elif isinstance(node, str) and language is not None:
        yield language, node


def test_a_new_workspace_checks_clean_renders_and_passes_openxml_audit(
    tmp_path: Path, hthc: Hthc
) -> None:
    folder = tmp_path / "x"
    out = hthc("init", folder, "--name", "Danske Patienter", cwd=tmp_path)
    assert out.exit_code == 0, out.stderr
    assert out.stdout.splitlines() == [
        *(f"wrote {folder / name}" for name in WRITTEN),
        f"Next: cd {folder} && hthc check && hthc render",
    ]
    check = hthc("check", cwd=folder)
    assert (check.exit_code, check.stdout) == (0, "5 files checked: no problems found.\n")
    github = hthc("check", "--format", "github", "--strict", cwd=folder)
    assert (github.exit_code, github.stdout) == (0, "5 files checked: no problems found.\n")
    render = hthc("render", cwd=folder)
    year = date.today().year
    assert (render.exit_code, render.stderr) == (0, "")
    assert render.stdout.splitlines() == [f"wrote build/DP-RESPONSE-{year}.da.docx",
                                          f"wrote build/DP-RESPONSE-{year}.en.docx"]
    openxml_audit = pytest.importorskip("openxml_audit")
    for docx in sorted((folder / "build").glob("*.docx")):
        result = openxml_audit.OpenXmlValidator().validate(docx)
        assert [str(e) for e in result.errors if e.severity.value == "error"] == [], docx.name


def test_every_example_text_says_what_to_replace_in_its_language(
    tmp_path: Path, hthc: Hthc
) -> None:
    assert hthc("init", "--name", "Danske Patienter", cwd=tmp_path).exit_code == 0
    found = []
    for path in sorted(tmp_path.rglob("*.yaml")):
        if path.parent.name in ("recommendations", "positions", "responses") or (
                path.name == "references.yaml"):
            found += [(path.name, language, text)
                      for language, text in _texts(yaml.safe_load(path.read_text("utf-8")))]
    assert {language for _, language, _ in found} == {"da", "en"}
    assert len(found) == 32  # 16 texts, each in both languages
    for name, language, text in found:
        assert REPLACE[language or "en"] in text.lower(), (name, text)


def test_one_language_gives_plain_texts_and_the_options_reach_hthc_yaml(
    tmp_path: Path, hthc: Hthc
) -> None:
    out = hthc("init", "--name", "Ærø: Forening # 1", "--short-name", "AF", "--languages",
               "en", "--website", "https://example.dk", cwd=tmp_path)
    assert out.exit_code == 0, out.stderr
    assert (tmp_path / "hthc.yaml").read_text("utf-8").splitlines()[-5:] == [
        "organisation:",
        '  name: "Ærø: Forening # 1"',
        "  short_name: AF",
        "  website: https://example.dk",
        "languages: [en]",
    ]
    position = yaml.safe_load((tmp_path / "positions/af.yaml").read_text("utf-8"))
    assert position["positions"][0]["title"] == "Our overall view (replace with a short title)"
    assert hthc("check", "--strict", cwd=tmp_path).exit_code == 0
    render = hthc("render", cwd=tmp_path)
    assert render.stdout == f"wrote build/AF-RESPONSE-{date.today().year}.en.docx\n"


def test_the_deadline_is_six_weeks_ahead_and_the_schemas_are_those_hthc_schema_writes(
    tmp_path: Path, hthc: Hthc
) -> None:
    assert hthc("init", "--name", "Danske Patienter", cwd=tmp_path).exit_code == 0
    response = yaml.safe_load(
        (tmp_path / f"responses/dp-response-{date.today().year}.yaml").read_text("utf-8"))
    assert response["hearing"]["deadline"] == date.today() + timedelta(weeks=6)
    for name, text in schema_texts().items():
        assert (tmp_path / "schemas" / name).read_text("utf-8") == text
    for path in [*tmp_path.glob("*/*.yaml"), tmp_path / "hthc.yaml"]:
        modeline = path.read_text("utf-8").splitlines()[0]
        schema = modeline.removeprefix("# yaml-language-server: $schema=")
        assert (path.parent / schema).is_file(), modeline


def test_init_refuses_to_overwrite_and_then_writes_nothing(tmp_path: Path, hthc: Hthc) -> None:
    (tmp_path / "references.yaml").write_text("references: []\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    out = hthc("init", ".", "--name", "Danske Patienter", cwd=tmp_path)
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == (
        "hthc: these files are already there: references.yaml, .gitignore; nothing was "
        "written. hthc does not overwrite files: choose an empty folder, e.g. hthc init "
        "my-workspace\n"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".gitignore", "references.yaml"]


@pytest.mark.parametrize(("args", "message"), [
    (["--languages", "da,de"],
     "--languages: hthc writes documents in da, en; 'de' is not one of them (write them "
     "comma-separated, e.g. --languages da,en)"),
    (["--website", "example.dk"],
     "--website: 'example.dk' is not a web address; write it with https://, e.g. "
     "https://example.dk"),
])
def test_init_refuses_what_would_not_check(
    tmp_path: Path, hthc: Hthc, args: list[str], message: str
) -> None:
    out = hthc("init", "--name", "Danske Patienter", *args, cwd=tmp_path)
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", f"hthc: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_workflow_init_writes_uses_the_action_and_the_action_names_its_inputs(
    tmp_path: Path, hthc: Hthc
) -> None:
    assert hthc("init", "--name", "Danske Patienter", cwd=tmp_path).exit_code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/hthc.yml").read_text("utf-8"))
    steps = workflow["jobs"]["check-and-render"]["steps"]
    assert steps == [{"uses": "actions/checkout@v4"},
                     {"uses": "healthtechhub/hthc@v0.2",
                      "with": {"format": "github", "render": True}}]
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {name: spec["default"] for name, spec in action["inputs"].items()} == {
        "format": "github", "render": "true", "workspace": "."}
    runs = [step.get("run", "") for step in action["runs"]["steps"]]
    assert 'hthc check --format "$HTHC_FORMAT"' in runs
    upload = [step for step in action["runs"]["steps"]
              if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert [step["if"] for step in upload] == ["inputs.render == 'true'"]
    pre_commit = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    hook_ids = {hook["id"] for repo in pre_commit["repos"] for hook in repo["hooks"]}
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook_ids <= {hook["id"] for hook in shipped}


def test_new_appends_to_a_named_file_leaving_the_rest_byte_identical(
    workspace: Path, hthc: Hthc
) -> None:
    path = workspace / "positions/general.yaml"
    before = path.read_bytes()
    out = hthc("new", "position", "HTHC-NEW", "--file", "positions/general.yaml",
               cwd=workspace)
    assert (out.exit_code, out.stderr) == (0, "")
    after = path.read_bytes()
    assert after.startswith(before)
    added = after[len(before):].decode("utf-8")
    line = before.count(b"\n") + 2  # after the blank line that separates items there
    assert out.stdout == f"added position HTHC-NEW at positions/general.yaml:{line}\n"
    assert added.splitlines()[:4] == ["", "  - id: HTHC-NEW", "    title:",
                                      "      da: Positionens titel (erstat med en kort titel)"]
    check = hthc("check", cwd=workspace)
    assert (f"positions/general.yaml:{line + 5}:16: error HTHC207 position 'HTHC-NEW' "
            "addresses no recommendation [addresses-empty]") in check.stdout


def test_new_makes_a_file_in_the_right_folder_for_each_kind(tmp_path: Path, hthc: Hthc) -> None:
    assert hthc("init", "--name", "Danske Patienter", "--languages", "da", cwd=tmp_path
                ).exit_code == 0
    made = [hthc("new", "recommendation", "LOV-2025-1", cwd=tmp_path),
            hthc("new", "position", "DP-LOV", cwd=tmp_path),
            hthc("new", "response", "DP-SVAR", cwd=tmp_path),
            hthc("new", "reference", "ny-rapport", cwd=tmp_path)]
    assert [(out.exit_code, out.stdout) for out in made] == [
        (0, "added recommendation LOV-2025-1 at recommendations/lov-2025-1.yaml:9\n"),
        (0, "added position DP-LOV at positions/dp-lov.yaml:3\n"),
        (0, "added response DP-SVAR at responses/dp-svar.yaml:2\n"),
        (0, "added reference ny-rapport at references.yaml:9\n"),
    ]
    source = yaml.safe_load((tmp_path / "recommendations/lov-2025-1.yaml").read_text("utf-8"))
    assert source["source"]["id"] == "LOV-2025"
    assert source["recommendations"][0]["title"] == "En kort titel på anbefalingen (erstat)"
    check = hthc("check", cwd=tmp_path)
    errors = [line for line in check.stdout.splitlines() if " error " in line]
    assert errors == ["positions/dp-lov.yaml:6:16: error HTHC207 position 'DP-LOV' addresses "
                      "no recommendation [addresses-empty]"]


@pytest.mark.parametrize(("args", "message"), [
    (["position", "HTHC-SCOPE"],
     "the id 'HTHC-SCOPE' is already used by a position: choose another"),
    (["reference", "dagens-medicin-2024"],
     "the key 'dagens-medicin-2024' is already used by a reference: choose another"),
    (["position", "2024 DIGI"],
     "'2024 DIGI' is not a valid id: ids start with a letter and hold only letters, digits, "
     "'-', '_' and '.'"),
    (["response", "X", "--file", "responses/x.yaml"],
     "a response is a file of its own: leave out --file"),
    (["position", "HTHC-X", "--file", "positions/nope.yaml"],
     "no such file: positions/nope.yaml (leave out --file to make a new file)"),
])
def test_new_refuses_with_exit_2_and_changes_nothing(
    workspace: Path, hthc: Hthc, args: list[str], message: str
) -> None:
    before = {path: path.read_bytes() for path in workspace.rglob("*.yaml")}
    out = hthc("new", *args, cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", f"hthc: {message}\n")
    assert {path: path.read_bytes() for path in workspace.rglob("*.yaml")} == before
