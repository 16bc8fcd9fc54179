"""The project keeps its promises to editors, hooks and CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hthc_cli.check.codes_doc import codes_markdown
from hthc_cli.workspace.format_doc import example_files, format_markdown
from hthc_cli.workspace.schema import FILE_SPECS, Spec
from hthc_cli.workspace.schema_export import SCHEMA_FILES, schema_texts

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schemas_match_the_code() -> None:
    for name, text in schema_texts().items():
        committed = ROOT / "schemas" / name
        assert committed.is_file(), f"schemas/{name} is missing: run 'hthc schema'"
        assert committed.read_text(encoding="utf-8") == text, (
            f"schemas/{name} drifted from the code: run 'hthc schema'"
        )


def test_schemas_are_draft_2020_12_and_name_every_required_key() -> None:
    schema = json.loads(schema_texts()["positions.schema.json"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    item = schema["properties"]["positions"]["items"]
    assert set(item["required"]) == {
        "id", "title", "stance", "addresses", "summary", "argument", "status"
    }
    assert item["properties"]["stance"]["enum"] == [
        "support", "support-with-reservations", "oppose", "neutral", "new-proposal"
    ]
    assert item["additionalProperties"] is False


@pytest.mark.parametrize(
    ("pattern", "schema"),
    [
        ("hthc.yaml", "hthc"),
        ("references.yaml", "references"),
        ("recommendations/*.yaml", "recommendations"),
        ("positions/*.yaml", "positions"),
        ("responses/*.yaml", "response"),
    ],
)
def test_shipped_files_carry_a_schema_modeline(pattern: str, schema: str) -> None:
    files = sorted(ROOT.glob(pattern))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        relative = Path("..") if path.parent != ROOT else Path()
        expected = (relative / "schemas" / SCHEMA_FILES_BY_KIND[schema]).as_posix()
        assert first == f"# yaml-language-server: $schema={expected}", path


SCHEMA_FILES_BY_KIND = {
    "hthc": SCHEMA_FILES["workspace"],
    **{k: v for k, v in SCHEMA_FILES.items() if k != "workspace"},
}


def test_vscode_maps_every_folder_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapped = {Path(k).name: v for k, v in settings["yaml.schemas"].items()}
    assert mapped == {
        "hthc.schema.json": "hthc.yaml",
        "recommendations.schema.json": "recommendations/**/*.yaml",
        "positions.schema.json": "positions/**/*.yaml",
        "references.schema.json": "references.yaml",
        "response.schema.json": "responses/**/*.yaml",
        "reviews.schema.json": "reviews/**/*.yaml",
    }


def test_check_codes_are_documented() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == codes_markdown(), (
        "docs/checks.md drifted: run 'python -m hthc_cli.check.codes_doc > docs/checks.md'"
    )


def test_the_format_guide_is_generated_from_the_format_table() -> None:
    committed = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert committed == format_markdown(), (
        "docs/format.md drifted: run "
        "'python -m hthc_cli.workspace.format_doc > docs/format.md'"
    )


def _keys(spec: Spec, prefix: str = "") -> set[str]:
    out = set()
    for key, fld in spec.fields.items():
        out.add(prefix + key)
        if fld.spec is not None:
            out |= _keys(fld.spec, prefix + key + ".")
    return out


def _used(value: object, prefix: str = "") -> set[str]:
    if isinstance(value, list):
        return set().union(*(_used(v, prefix) for v in value if isinstance(v, dict)))
    if not isinstance(value, dict):
        return set()
    out = set()
    for key, inner in value.items():
        out.add(prefix + key)
        out |= _used(inner, prefix + key + ".")
    return out


def test_the_format_guide_shows_every_key_in_an_example() -> None:
    guide = format_markdown()
    examples = example_files()
    texts = {path: yaml.safe_load(text) for path, text in examples.items()}
    for name, spec in FILE_SPECS.items():
        path = next(p for p in examples if SCHEMA_FILES[name] in examples[p].splitlines()[0])
        used = {k for k in _used(texts[path]) if k.count(".") <= 1}
        # texts per language (title.da) are values, not keys of the format; the label
        # names (labels.da.specific) each have their row in the guide, not all an example
        keys = {k for k in _keys(spec) if k.count(".") <= 1}
        assert keys <= used, f"the example of {path} lacks {keys - used}"
        assert f"```yaml\n{examples[path]}```" in guide
        for key, fld in spec.fields.items():
            assert f"| `{key}` |" in guide and fld.description in guide


def test_the_readme_links_the_format_guide_from_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "(docs/format.md)" in quick_start


def test_pre_commit_hook_runs_hthc_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "hthc-check"
    assert hooks[0]["entry"] == "hthc check"


def test_importing_the_cli_leaves_the_rendering_stack_alone() -> None:
    code = (
        "import sys, hthc_cli.cli.main, hthc_cli.check.checker, hthc_cli.check.reporters;"
        "heavy = [m for m in ('docx', 'jinja2', 'markdown_it', 'lxml') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_python_m_hthc_cli_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "check" in out.stdout and "render" in out.stdout


def test_ruff_is_clean() -> None:
    pytest.importorskip("ruff")
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy")
    out = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr


def _as_json(value: object) -> object:
    """YAML values as an editor's YAML server sees them: dates are strings."""
    import datetime

    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    ("pattern", "schema"),
    [
        ("hthc.yaml", "hthc.schema.json"),
        ("references.yaml", "references.schema.json"),
        ("recommendations/*.yaml", "recommendations.schema.json"),
        ("positions/*.yaml", "positions.schema.json"),
        ("responses/*.yaml", "response.schema.json"),
    ],
)
def test_shipped_files_validate_against_the_schemas_editors_use(
    pattern: str, schema: str
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(schema_texts()[schema]))
    for path in sorted(ROOT.glob(pattern)):
        document = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], path
