"""How `hthc check` reports: the four formats, exit codes, and which files it reports on."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.base.diagnostics import Diagnostic, Location
from hthc_cli.check.checker import CheckResult, check_workspace
from hthc_cli.check.reporters import GithubReporter, SarifReporter, TextReporter

CASES = Path(__file__).parent / "fixtures" / "cases"
Hthc = Callable[..., subprocess.CompletedProcess[str]]

TODO_HINT = "replace it with the real text before the response is sent"
RENAME_HINT = "ids are unique across the workspace: rename one of them"


@pytest.fixture
def problems(make_workspace: Callable[..., Path]) -> Path:
    """Two duplicate ids (errors, each with a second place) and three placeholders (warnings)."""
    return make_workspace(CASES / "HTHC201-duplicate-id" / "files",
                          CASES / "HTHC302-placeholder" / "files")


@pytest.fixture
def warnings_only(make_workspace: Callable[..., Path]) -> Path:
    return make_workspace(CASES / "HTHC302-placeholder" / "files")


@pytest.fixture
def clean(make_workspace: Callable[..., Path]) -> Path:
    return make_workspace()


def in_process(root: Path, monkeypatch: pytest.MonkeyPatch) -> CheckResult:
    monkeypatch.chdir(root)
    return check_workspace(root)


# --- json


def test_json_gives_every_diagnostic_with_its_place_and_a_summary(
    problems: Path, hthc: Hthc
) -> None:
    run = hthc("check", "--format", "json", cwd=problems)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["version"] == 1
    assert report["tool"]["name"] == "hthc"
    assert report["summary"] == {"files": 6, "errors": 2, "warnings": 3, "info": 0}
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in report["diagnostics"]] == [
        ("positions/p.yaml", 10, 11, "HTHC302"),
        ("positions/p.yaml", 29, 46, "HTHC302"),
        ("positions/q.yaml", 2, 9, "HTHC201"),
        ("positions/q.yaml", 15, 9, "HTHC201"),
        ("responses/r.yaml", 21, 34, "HTHC302"),
    ]
    assert report["diagnostics"][0] == {
        "code": "HTHC302",
        "name": "placeholder",
        "severity": "warning",
        "path": "positions/p.yaml",
        "line": 10,
        "column": 11,
        "message": "placeholder text 'TODO'",
        "hint": TODO_HINT,
        "related": [],
    }
    assert report["diagnostics"][2] == {
        "code": "HTHC201",
        "name": "duplicate-id",
        "severity": "error",
        "path": "positions/q.yaml",
        "line": 2,
        "column": 9,
        "message": "the id 'P-1' is already used by a position at positions/p.yaml:2:9",
        "hint": RENAME_HINT,
        "related": [{"path": "positions/p.yaml", "line": 2, "column": 9}],
    }


# --- github


def test_github_annotates_each_problem_and_writes_the_full_list_to_the_step_summary(
    problems: Path, hthc: Hthc, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    run = hthc("check", "--format", "github", cwd=problems,
               env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "::warning file=positions/p.yaml,line=10,col=11,title=HTHC302 placeholder"
        f"::placeholder text 'TODO'%0A{TODO_HINT}",
        "::warning file=positions/p.yaml,line=29,col=46,title=HTHC302 placeholder"
        f"::placeholder text 'TBD'%0A{TODO_HINT}",
        "::error file=positions/q.yaml,line=2,col=9,title=HTHC201 duplicate-id"
        f"::the id 'P-1' is already used by a position at positions/p.yaml:2:9%0A{RENAME_HINT}",
        "::error file=positions/q.yaml,line=15,col=9,title=HTHC201 duplicate-id"
        "::the id 'SSK-DATA' is already used by a recommendation at "
        f"recommendations/ssk.yaml:19:9%0A{RENAME_HINT}",
        "::warning file=responses/r.yaml,line=21,col=34,title=HTHC302 placeholder"
        f"::placeholder text 'XXX'%0A{TODO_HINT}",
        "6 files checked: 2 errors, 3 warnings.",
    ]
    assert summary.read_text(encoding="utf-8").splitlines() == [
        "## Earlier step",
        "## hthc check",
        "",
        "6 files checked: 2 errors, 3 warnings.",
        "",
        "| Where | Severity | Code | Message |",
        "|---|---|---|---|",
        f"| `positions/p.yaml:10:11` | warning | HTHC302 placeholder | placeholder text 'TODO' "
        f"({TODO_HINT}) |",
        f"| `positions/p.yaml:29:46` | warning | HTHC302 placeholder | placeholder text 'TBD' "
        f"({TODO_HINT}) |",
        "| `positions/q.yaml:2:9` | error | HTHC201 duplicate-id | the id 'P-1' is already used "
        f"by a position at positions/p.yaml:2:9 ({RENAME_HINT}) |",
        "| `positions/q.yaml:15:9` | error | HTHC201 duplicate-id | the id 'SSK-DATA' is already "
        f"used by a recommendation at recommendations/ssk.yaml:19:9 ({RENAME_HINT}) |",
        f"| `responses/r.yaml:21:34` | warning | HTHC302 placeholder | placeholder text 'XXX' "
        f"({TODO_HINT}) |",
    ]


def test_github_escapes_what_would_break_a_workflow_command(
    make_workspace: Callable[..., Path], hthc: Hthc, tmp_path: Path
) -> None:
    root = make_workspace()
    odd = root / "positions" / "udkast: 50%, v2.yaml"
    odd.write_text("positions: []\n50%|a: x\n", encoding="utf-8")
    summary = tmp_path / "step-summary.md"
    run = hthc("check", "--format", "github", cwd=root, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.stdout.splitlines() == [
        "::warning file=positions/udkast%3A 50%25%2C v2.yaml,line=1,col=12,"
        "title=HTHC009 empty-file::'positions' is an empty list%0Aadd at least one position",
        "::error file=positions/udkast%3A 50%25%2C v2.yaml,line=2,col=1,title=HTHC101 unknown-key"
        "::unknown key '50%25|a' in positions file%0Aknown keys: positions",
        "6 files checked: 1 error, 1 warning.",
    ]
    rows = summary.read_text(encoding="utf-8").splitlines()[-2:]
    assert rows == [
        "| `positions/udkast: 50%, v2.yaml:1:12` | warning | HTHC009 empty-file | 'positions' "
        "is an empty list (add at least one position) |",
        "| `positions/udkast: 50%, v2.yaml:2:1` | error | HTHC101 unknown-key | unknown key "
        "'50%\\|a' in positions file (known keys: positions) |",
    ]


def test_github_writes_no_step_summary_unless_asked(problems: Path, hthc: Hthc) -> None:
    before = sorted(problems.parent.rglob("*"))
    run = hthc("check", "--format", "github", cwd=problems)
    assert (run.returncode, run.stderr) == (1, "")
    assert sorted(problems.parent.rglob("*")) == before


def test_github_escapes_carriage_returns_and_newlines_in_messages() -> None:
    d = Diagnostic.make("HTHC101", Location("a.yaml", 1, 1), "line one\r\nline two 100%")
    result = CheckResult(None, [d], 1)  # type: ignore[arg-type]
    assert GithubReporter().report(result).splitlines()[0] == (
        "::error file=a.yaml,line=1,col=1,title=HTHC101 unknown-key"
        "::line one%0D%0Aline two 100%25"
    )


# --- sarif


def test_sarif_is_version_2_1_0_with_rules_results_and_related_locations(
    problems: Path, hthc: Hthc
) -> None:
    run = hthc("check", "--format", "sarif", cwd=problems)
    assert run.returncode == 1
    log = json.loads(run.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "hthc"
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in driver["rules"]] == [
        ("HTHC201", "duplicate-id", "error"),
        ("HTHC302", "placeholder", "warning"),
    ]
    assert driver["rules"][0]["shortDescription"]["text"] == "Two items share an id."
    assert driver["rules"][0]["helpUri"].endswith("#hthc201")
    results = sarif_run["results"]
    assert [
        (r["ruleId"], driver["rules"][r["ruleIndex"]]["id"], r["level"],
         r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in results
    ] == [
        ("HTHC302", "HTHC302", "warning", "positions/p.yaml", {"startLine": 10, "startColumn": 11}),
        ("HTHC302", "HTHC302", "warning", "positions/p.yaml", {"startLine": 29, "startColumn": 46}),
        ("HTHC201", "HTHC201", "error", "positions/q.yaml", {"startLine": 2, "startColumn": 9}),
        ("HTHC201", "HTHC201", "error", "positions/q.yaml", {"startLine": 15, "startColumn": 9}),
        ("HTHC302", "HTHC302", "warning", "responses/r.yaml", {"startLine": 21, "startColumn": 34}),
    ]
    assert results[0]["message"]["text"] == f"placeholder text 'TODO' Hint: {TODO_HINT}"
    assert "relatedLocations" not in results[0]
    assert results[3]["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": {"uri": "recommendations/ssk.yaml"},
                "region": {"startLine": 19, "startColumn": 9},
            },
        }
    ]


def test_sarif_marks_info_as_note(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = in_process(make_workspace(CASES / "HTHC306-past-deadline" / "files"), monkeypatch)
    log = json.loads(SarifReporter().report(result))
    (run,) = log["runs"]
    assert [r["level"] for r in run["results"]] == ["note"]
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "note"}


SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {"driver": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"rules": {"type": "array", "items": {
                                "type": "object", "required": ["id"],
                            }}},
                        }},
                    },
                    "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
                },
            },
        },
    },
    "$defs": {
        "location": {
            "type": "object",
            "properties": {"physicalLocation": {
                "type": "object",
                "required": ["artifactLocation", "region"],
                "properties": {
                    "artifactLocation": {"type": "object", "required": ["uri"],
                                         "properties": {"uri": {"type": "string"}}},
                    "region": {"type": "object", "properties": {
                        "startLine": {"type": "integer", "minimum": 1},
                        "startColumn": {"type": "integer", "minimum": 1},
                    }},
                },
            }},
        },
        "result": {
            "type": "object",
            "required": ["message", "ruleId", "locations"],
            "properties": {
                "level": {"enum": ["none", "note", "warning", "error"]},
                "ruleIndex": {"type": "integer", "minimum": 0},
                "message": {"type": "object", "required": ["text"]},
                "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
                "relatedLocations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
            },
        },
    },
}


def test_sarif_validates_against_the_schema(
    problems: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(SarifReporter().report(in_process(problems, monkeypatch)))
    jsonschema.validate(log, SARIF_SUBSET)


def test_sarif_writes_file_names_with_spaces_as_uris() -> None:
    d = Diagnostic.make("HTHC009", Location("positions/nye holdninger.yaml"), "empty")
    log = json.loads(SarifReporter().report(CheckResult(None, [d], 1)))  # type: ignore[arg-type]
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "positions/nye%20holdninger.yaml"


# --- exit codes


@pytest.mark.parametrize(
    ("workspace", "args", "code"),
    [
        pytest.param("clean", [], 0, id="clean"),
        pytest.param("problems", [], 1, id="errors"),
        pytest.param("warnings_only", [], 0, id="warnings"),
        pytest.param("warnings_only", ["--strict"], 1, id="warnings-strict"),
        pytest.param("clean", ["--no-such-option"], 2, id="unknown-option"),
        pytest.param("clean", ["positions/nope.yaml"], 2, id="missing-path"),
    ],
)
def test_exit_code_of_the_process(
    workspace: str, args: list[str], code: int, hthc_process: Hthc,
    request: pytest.FixtureRequest,
) -> None:
    run = hthc_process("check", *args, cwd=request.getfixturevalue(workspace))
    assert run.returncode == code, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_an_unknown_format_is_a_usage_error(clean: Path, hthc: Hthc) -> None:
    run = hthc("check", "--format", "xml", cwd=clean)
    assert (run.returncode, run.stdout) == (2, "")
    assert "'xml' is not one of 'text', 'json', 'github', 'sarif'" in run.stderr


def test_a_missing_path_is_named(clean: Path, hthc: Hthc) -> None:
    run = hthc("check", "positions/nope.yaml", cwd=clean)
    assert (run.returncode, run.stdout, run.stderr) == (
        2, "", "hthc: no such file: positions/nope.yaml\n"
    )


def test_outside_a_workspace_hthc_says_how_to_find_one(
    tmp_path: Path, hthc_process: Hthc
) -> None:
    run = hthc_process("check", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == (
        f"hthc: no hthc.yaml in {tmp_path.resolve()} or any folder above it; run hthc inside "
        "a workspace or pass --workspace DIR\n"
    )


def test_a_workspace_option_that_is_no_folder_is_a_usage_error(
    tmp_path: Path, hthc: Hthc
) -> None:
    run = hthc("check", "--workspace", "nowhere", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "hthc: --workspace nowhere: no such folder\n")


def test_a_mistyped_option_is_a_usage_error_not_a_bug(clean: Path, hthc: Hthc) -> None:
    run = hthc("check", "--no-such-option", cwd=clean)
    assert run.returncode == 2
    assert "No such option: --no-such-option" in run.stderr
    assert "internal error" not in run.stderr


# --- which files are reported


def test_passing_file_paths_reports_only_those_files(problems: Path, hthc: Hthc) -> None:
    run = hthc("check", "--color", "never", "positions/p.yaml", cwd=problems)
    assert run.returncode == 0
    assert run.stdout.splitlines() == [
        "positions/p.yaml:10:11: warning HTHC302 placeholder text 'TODO' [placeholder]",
        f"    hint: {TODO_HINT}",
        "positions/p.yaml:29:46: warning HTHC302 placeholder text 'TBD' [placeholder]",
        f"    hint: {TODO_HINT}",
        "6 files checked: 0 errors, 2 warnings.",
    ]
    run = hthc("check", "--color", "never", "positions/q.yaml", "responses/r.yaml", cwd=problems)
    assert run.returncode == 1
    assert [line.split(" ")[0] for line in run.stdout.splitlines()[:-1]
            if not line.startswith(" ")] == [
        "positions/q.yaml:2:9:", "positions/q.yaml:15:9:", "responses/r.yaml:21:34:",
    ]


def test_passing_a_folder_reports_its_files_or_is_refused(problems: Path, hthc: Hthc) -> None:
    run = hthc("check", "--color", "never", "positions", cwd=problems)
    assert run.returncode != 0
    assert "no problems found" not in run.stdout


def test_workspace_option_and_walking_up_from_a_subfolder(problems: Path, hthc: Hthc) -> None:
    run = hthc("check", "--color", "never", "--workspace", problems.name, cwd=problems.parent)
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == (
        f"{problems.name}/positions/p.yaml:10:11: warning HTHC302 placeholder text 'TODO' "
        "[placeholder]"
    )
    run = hthc("check", "--color", "never", cwd=problems / "positions")
    assert run.returncode == 1
    first_lines = [line for line in run.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split(" ")[0] for line in first_lines] == [
        "../responses/r.yaml:21:34:", "p.yaml:10:11:", "p.yaml:29:46:", "q.yaml:2:9:",
        "q.yaml:15:9:", "6",
    ]


# --- release and colour


def test_release_turns_unapproved_positions_into_errors(
    make_workspace: Callable[..., Path], hthc: Hthc
) -> None:
    root = make_workspace(CASES / "HTHC305-unapproved-position" / "files")
    run = hthc("check", "--color", "never", "--release", cwd=root)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "positions/p.yaml:14:13: error HTHC305 position 'P-1' is 'draft' but response 'R-1' "
        "includes it [unapproved-position]",
        "    hint: set 'status: approved' once it is approved",
        "positions/p.yaml:48:13: error HTHC305 position 'P-NEW' is 'review' but response 'R-1' "
        "includes it [unapproved-position]",
        "    hint: set 'status: approved' once it is approved",
        "5 files checked: 2 errors, 0 warnings.",
    ]


def test_text_is_coloured_only_when_asked(warnings_only: Path, hthc: Hthc) -> None:
    plain = hthc("check", cwd=warnings_only)
    assert "\x1b" not in plain.stdout
    assert plain.stdout == hthc("check", "--color", "never", cwd=warnings_only).stdout
    coloured = hthc("check", "--color", "always", cwd=warnings_only, env={"NO_COLOR": "1"})
    assert coloured.stdout.splitlines()[:2] == [
        "\x1b[1mpositions/p.yaml:10:11\x1b[0m: \x1b[1;33mwarning\x1b[0m HTHC302 placeholder "
        "text 'TODO' [placeholder]",
        f"    \x1b[2mhint: \x1b[0m{TODO_HINT}",
    ]
    assert coloured.stdout.splitlines()[-1] == (
        "\x1b[1m5 files checked: 0 errors, 3 warnings.\x1b[0m"
    )


def test_colours_follow_severity(problems: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = in_process(problems, monkeypatch)
    result.diagnostics.append(
        Diagnostic.make("HTHC306", Location("responses/r.yaml", 11, 13), "the deadline passed")
    )
    painted = [TextReporter(color=True).line(d).split(" ")[1] for d in result.diagnostics]
    assert painted == [
        "\x1b[1;33mwarning\x1b[0m", "\x1b[1;33mwarning\x1b[0m",
        "\x1b[1;31merror\x1b[0m", "\x1b[1;31merror\x1b[0m",
        "\x1b[1;33mwarning\x1b[0m", "\x1b[1;36minfo\x1b[0m",
    ]


# --- file names that cannot be printed as they are


@pytest.fixture
def odd_names(make_workspace: Callable[..., Path]) -> Path:
    """Two empty positions files, one named with a byte that is not UTF-8, one with a newline."""
    root = make_workspace()
    folder = os.fsencode(root / "positions")
    for name in (b"\xff.yaml", b"a\nb.yaml"):
        with open(folder + b"/" + name, "wb"):
            pass
    return root


ODD_NAMES_SHOWN = ["positions/a\\nb.yaml", "positions/\ufffd.yaml"]
"""An undecodable byte as U+FFFD, a control character as its escape: one line each."""


def test_text_shows_each_odd_file_name_on_one_line(odd_names: Path, hthc_process: Hthc) -> None:
    for fmt in ("text", "github"):
        run = hthc_process("check", "--format", fmt, cwd=odd_names)
        assert (run.returncode, run.stderr) == (0, "")
        lines = run.stdout.splitlines()
        if fmt == "text":
            assert lines == [
                f"{name}:1:1: warning HTHC009 the positions file is empty [empty-file]"
                f"\n    hint: add content, or delete the file".split("\n")[i]
                for name in ODD_NAMES_SHOWN for i in (0, 1)
            ] + ["7 files checked: 0 errors, 2 warnings."]
        else:
            assert [line.split(",")[0] for line in lines[:-1]] == [
                f"::warning file={name}" for name in ODD_NAMES_SHOWN
            ]


def test_json_and_sarif_stay_valid_with_odd_file_names(
    odd_names: Path, hthc_process: Hthc
) -> None:
    run = hthc_process("check", "--format", "json", cwd=odd_names)
    assert (run.returncode, run.stderr) == (0, "")
    report = json.loads(run.stdout)
    assert [d["path"] for d in report["diagnostics"]] == ODD_NAMES_SHOWN
    run = hthc_process("check", "--format", "sarif", cwd=odd_names)
    assert (run.returncode, run.stderr) == (0, "")
    log = json.loads(run.stdout)
    # a URI names the file exactly: its bytes, percent-encoded
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]] == ["positions/a%0Ab.yaml", "positions/%FF.yaml"]


def test_a_message_holding_a_line_break_stays_on_its_line() -> None:
    d = Diagnostic.make("HTHC101", Location("hthc.yaml", 2, 3), "unknown key 'a\nb\u2028c'",
                        hint="one\ntwo")
    assert TextReporter().line(d) == (
        "hthc.yaml:2:3: error HTHC101 unknown key 'a\\nb\\u2028c' [unknown-key]\n"
        "    hint: one\\ntwo"
    )


def test_colour_comes_from_rich_loaded_only_when_colour_is_on(
    warnings_only: Path, hthc_process: Hthc
) -> None:
    def imported(*options: str) -> set[str]:
        run = hthc_process("check", *options, cwd=warnings_only,
                           env={"PYTHONPROFILEIMPORTTIME": "1"})
        return {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}

    assert not {m for m in imported("--color", "never") if m.split(".")[0] == "rich"}
    assert "rich.style" in imported("--color", "always")
