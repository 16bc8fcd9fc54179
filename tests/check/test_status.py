"""`hthc status`: where each response stands on a day, counted from the workspace and from
what `hthc check --release` finds."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from hthc_cli.base.diagnostics import Diagnostic, Location, Severity
from hthc_cli.check.checker import CheckResult, check_workspace
from hthc_cli.check.rules import CheckOptions
from hthc_cli.check.status import ResponseStatus, response_statuses
from hthc_cli.workspace.loader import load_workspace

ROOT = Path(__file__).resolve().parents[2]
Hthc = Callable[..., subprocess.CompletedProcess[str]]
SSK, DSD = "HTHC-HS-SSK-2024", "HTHC-HS-DSD-2025"
SSK_FILE = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
DSD_FILE = "responses/hoeringssvar-digital-sundhed-danmark-2025.yaml"


def test_status_on_the_shipped_workspace_before_the_2025_deadline(hthc_process: Hthc) -> None:
    run = hthc_process("status", "--as-of", "2025-06-20", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        "HTHC-HS-DSD-2025  Indenrigs- og Sundhedsministeriet  deadline 2025-07-02: "
        "12 days left  [draft]",
        "  3 positions (3 approved); owners: Jannik Zeuthen 3",
        "  suspect positions: 0; open review comments: 0; member input not decided: 0",
        "  outcomes: none recorded",
        "  not ready: 1 error with --release (HTHC319)",
        "HTHC-HS-SSK-2024  Indenrigs- og Sundhedsministeriet  deadline 2024-08-06: "
        "passed 318 days ago",
        "  7 positions (7 approved); owners: Jannik Zeuthen 7",
        "  suspect positions: 0; open review comments: 0; member input not decided: 0",
        "  outcomes: none recorded",
        "  ready: hthc check --release passes",
    ]


def test_status_as_a_github_job_summary(hthc_process: Hthc) -> None:
    run = hthc_process("status", "--as-of", "2025-07-02", "--format", "github", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        "### Consultation responses on 2025-07-02",
        "",
        "| response | hearing | deadline | positions | owners | suspect | open comments "
        "| input not decided | outcomes | ready |",
        "|---|---|---|---|---|---:|---:|---:|---|---|",
        "| **HTHC-HS-DSD-2025** (draft) | Indenrigs- og Sundhedsministeriet | 2025-07-02 "
        "(due today) | 3 positions (3 approved) | Jannik Zeuthen 3 | 0 | 0 | 0 "
        "| none recorded | ❌ no: `HTHC319` |",
        "| **HTHC-HS-SSK-2024** | Indenrigs- og Sundhedsministeriet | 2024-08-06 "
        "(passed 330 days ago) | 7 positions (7 approved) | Jannik Zeuthen 7 | 0 | 0 | 0 "
        "| none recorded | ✅ yes |",
    ]


def test_status_as_json(hthc_process: Hthc) -> None:
    run = hthc_process("status", "--as-of", "2024-08-05", "-f", "json", cwd=ROOT)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    # both open: the nearest deadline first
    assert [(r["id"], r["days_left"], r["ready"]) for r in rows] == [
        (SSK, 1, True), (DSD, 331, False),
    ]
    assert rows[1]["blocking"] == [{
        "code": "HTHC319", "path": DSD_FILE, "line": 16, "column": 9,
        "message": f"response '{DSD}' is a draft: it is rendered marked UDKAST/DRAFT",
    }]
    assert rows[0]["positions"] == {"approved": 7}
    assert rows[0]["outcomes"] == {}


@pytest.mark.parametrize("value", ["2025-02-30", "20.6.2025", "tomorrow", ""])
def test_an_invalid_as_of_is_a_usage_error(value: str, hthc: Hthc) -> None:
    run = hthc("status", "--as-of", value, cwd=ROOT)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"hthc: --as-of {value}: not a date; write it as YYYY-MM-DD, for example 2025-06-20\n"
    )


def test_an_unknown_format_is_a_usage_error(hthc: Hthc) -> None:
    run = hthc("status", "--format", "sarif", cwd=ROOT)
    assert run.returncode == 2
    assert "'sarif' is not one of 'text', 'json', 'github'" in run.stderr


@pytest.mark.parametrize(
    ("days", "shown"),
    [(12, "12 days left"), (1, "1 day left"), (0, "due today"), (-1, "passed 1 day ago"),
     (-318, "passed 318 days ago")],
)
def test_days_left_in_words(days: int, shown: str) -> None:
    from datetime import timedelta

    as_of = date(2025, 6, 20)
    status = ResponseStatus("R", None, "A", as_of + timedelta(days=days), as_of, False,
                            {}, {}, 0, 0, 0, {})
    assert (status.days_left, status.when()) == (days, shown)


# --- counting what check finds, for the responses it concerns


def _line(path: Path, needle: str, after: str = "") -> int:
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


def _at(workspace: Path, file: str, position: str, key: str = "status:") -> Location:
    """Where `key` of a position stands, as check would locate a diagnostic about it."""
    return Location(file, _line(workspace / file, key, f"id: {position}\n"), 5)


def _made(code: str, loc: Location, severity: Severity = Severity.WARNING,
          related: tuple[Location, ...] = ()) -> Diagnostic:
    # codes of other work in progress need not be in this branch's table to be counted
    return Diagnostic(code, severity, loc, f"{code} at {loc}", None, related)


def test_suspect_positions_comments_and_undecided_input_are_counted_per_response(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)  # files are named from the folder check runs in
    loaded = load_workspace(workspace)
    general, governance = "positions/general.yaml", "positions/governance.yaml"
    digitalisation = "positions/digitalisation.yaml"
    golden = _at(workspace, governance, "HTHC-GOLDEN-MIDDLE")
    found = [
        # in a position both responses use: both
        _made("HTHC314", golden),
        # in a position only the 2024 response uses: that one
        _made("HTHC314", _at(workspace, general, "HTHC-SCOPE")),
        # the same place reported again (a rule reporting it for each response): once
        _made("HTHC314", golden),
        # in the 2025 response's own file: that one
        _made("HTHC316", Location(DSD_FILE, 30, 5)),
        _made("HTHC316", Location(DSD_FILE, 40, 5)),
        # in a file of its own that points to a position as related: the position's users
        _made("HTHC315", Location("inputs/member.yaml", 3, 5),
              related=(_at(workspace, digitalisation, "HTHC-TELEMEDICINE-PARTNERSHIPS"),)),
        # placed nowhere in particular: every response
        _made("HTHC315", Location("inputs/other.yaml", 3, 5)),
        # an error in a position only 2024 uses: only the 2024 response is not ready
        _made("HTHC305", _at(workspace, digitalisation, "HTHC-DIGI-IN-STRUCTURE"),
              Severity.ERROR),
    ]
    result = CheckResult(loaded.workspace, found, loaded.files_read)
    statuses = {s.id: s for s in response_statuses(result, date(2025, 6, 20))}
    ssk, dsd = statuses[SSK], statuses[DSD]
    assert (ssk.suspect, ssk.open_comments, ssk.undecided_inputs) == (2, 0, 2)
    assert (dsd.suspect, dsd.open_comments, dsd.undecided_inputs) == (1, 2, 1)
    assert (ssk.ready, [d.code for d in ssk.blocking]) == (False, ["HTHC305"])
    assert dsd.ready


def test_a_problem_in_a_shared_file_or_a_files_head_concerns_every_response(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)  # files are named from the folder check runs in
    loaded = load_workspace(workspace)
    found = [
        _made("HTHC101", Location("hthc.yaml", 3, 1), Severity.ERROR),
        _made("HTHC314", Location("positions/general.yaml", 1, 1)),
    ]
    result = CheckResult(loaded.workspace, found, loaded.files_read)
    for status in response_statuses(result, date(2025, 6, 20)):
        assert ([d.code for d in status.blocking], status.suspect) == (["HTHC101"], 1)


def test_a_problem_in_a_source_concerns_the_responses_that_answer_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)  # files are named from the folder check runs in
    loaded = load_workspace(workspace)
    found = [_made("HTHC303", Location("recommendations/digital-sundhed-danmark-2025.yaml",
                                       30, 5))]
    result = CheckResult(loaded.workspace, found, loaded.files_read)
    statuses = {s.id: s for s in response_statuses(result, date(2025, 6, 20))}
    assert statuses[DSD].blocking == [] and statuses[SSK].blocking == []
    found = [_made("HTHC303", found[0].location, Severity.ERROR)]
    result = CheckResult(loaded.workspace, found, loaded.files_read)
    statuses = {s.id: s for s in response_statuses(result, date(2025, 6, 20))}
    assert (statuses[DSD].ready, statuses[SSK].ready) == (False, True)


def test_status_follows_what_check_release_finds(workspace: Path, hthc: Hthc) -> None:
    """A position put back to review keeps every response that shows it from being ready;
    outcomes are counted by result."""
    path = workspace / "positions" / "governance.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("status: approved", text.index("id: HTHC-GOLDEN-MIDDLE\n"))
    path.write_text(text[:at] + "status: review" + text[at + len("status: approved"):],
                    encoding="utf-8")
    (workspace / DSD_FILE).write_text(
        (workspace / DSD_FILE).read_text(encoding="utf-8").replace("status: draft\n", ""),
        encoding="utf-8",
    )
    with (workspace / SSK_FILE).open("a", encoding="utf-8") as file:
        file.write("outcomes:\n"
                   "  - position: HTHC-GOLDEN-MIDDLE\n    result: partly\n"
                   "  - position: HTHC-SCOPE\n    result: noted\n"
                   "  - position: HTHC-NATIONAL-STRATEGY\n    result: accommodated\n")
    result = check_workspace(workspace, CheckOptions(release=True, today=date(2024, 8, 1)))
    statuses = {s.id: s for s in response_statuses(result, date(2024, 8, 1))}
    for status in statuses.values():
        assert [d.code for d in status.blocking] == ["HTHC305"]
        assert status.positions["review"] == 1
    assert statuses[SSK].outcomes == {"accommodated": 1, "partly": 1, "noted": 1}
    run = hthc("status", "--as-of", "2024-08-01", cwd=workspace)
    lines = run.stdout.splitlines()
    assert lines[0] == (
        f"{SSK}  Indenrigs- og Sundhedsministeriet  deadline 2024-08-06: 5 days left"
    )
    assert lines[1:5] == [
        "  7 positions (1 review, 6 approved); owners: Jannik Zeuthen 7",
        "  suspect positions: 0; open review comments: 0; member input not decided: 0",
        "  outcomes: 1 accommodated, 1 partly, 1 noted",
        "  not ready: 1 error with --release (HTHC305)",
    ]


def test_input_and_review_comments_count_for_their_own_responses(workspace: Path) -> None:
    """Undecided input counts for the responses whose positions it is about, an open review
    comment for the response its reviews file names: not for every response."""
    (workspace / "inputs").mkdir()
    (workspace / "inputs" / "INPUT-2024-07-01-A.yaml").write_text(
        "id: INPUT-2024-07-01-A\nfrom:\n  name: A Member\n  organisation: A ApS\n"
        "received: 2024-07-01\nchannel: email\ntext: Telemedicine matters.\n"
        "relates_to: [HTHC-TELEMEDICINE-PARTNERSHIPS]\ndecision: new\n",
        encoding="utf-8",
    )
    (workspace / "reviews").mkdir()
    (workspace / "reviews" / f"{DSD}.yaml").write_text(
        f"response: {DSD}\ncomments:\n  - id: RC-0123456789\n    author: A Reviewer\n"
        "    date: '2025-06-18T10:00:00Z'\n    anchor: ''\n    target:\n"
        "      file: positions/general.yaml\n      item: HTHC-NATIONAL-STRATEGY\n"
        "      field: summary\n      language: da\n    body: Shorter?\n    status: open\n",
        encoding="utf-8",
    )
    result = check_workspace(workspace, CheckOptions(release=True, today=date(2025, 6, 20)))
    assert {d.code for d in result.diagnostics} >= {"HTHC315", "HTHC316"}
    statuses = {s.id: s for s in response_statuses(result, date(2025, 6, 20))}
    assert (statuses[SSK].undecided_inputs, statuses[SSK].open_comments) == (1, 0)
    assert (statuses[DSD].undecided_inputs, statuses[DSD].open_comments) == (0, 1)
