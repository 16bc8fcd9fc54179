"""What came of each position: outcomes recorded in a response after the hearing, and a
position's history across hearings in `hthc show` and `hthc coverage --outcomes`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Hthc = Callable[..., Result]
SSK = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
DSD = "responses/hoeringssvar-digital-sundhed-danmark-2025.yaml"
NOTAT = "https://example.org/hoeringsnotat-2024"


def add_outcomes(workspace: Path, path: str, yaml_lines: str) -> int:
    """Append an `outcomes:` list to a response; the line its first item starts on."""
    file = workspace / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "outcomes:\n" + yaml_lines, encoding="utf-8")
    return text.count("\n") + 2


OUTCOMES_2024 = f"""\
  - position: HTHC-GOLDEN-MIDDLE
    result: partly
    note:
      da: Ministeriet henviser til en fælles styring.
      en: The ministry refers to joint governance.
    source: {NOTAT}
    date: 2024-10-01
  - position: HTHC-NATIONAL-STRATEGY
    result: accommodated
"""


def test_the_shipped_workspace_records_no_outcomes(workspace: Path, hthc: Hthc) -> None:
    """The 2024 høringsnotat's results for HTHC are not known: none are invented."""
    run = hthc("coverage", "--outcomes", "--format", "json", cwd=workspace)
    assert run.exit_code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert rows and all(row["outcome"] == [] for row in rows)


def test_a_position_shows_where_it_was_used_and_what_came_of_it(
    workspace: Path, hthc: Hthc
) -> None:
    add_outcomes(workspace, SSK, OUTCOMES_2024)
    run = hthc("check", "--color", "never", cwd=workspace)
    assert run.exit_code == 0, run.stdout
    run = hthc("show", "HTHC-GOLDEN-MIDDLE", "--format", "json", cwd=workspace)
    assert run.exit_code == 0, run.stderr
    item = json.loads(run.stdout)
    assert item["used_by"] == ["HTHC-HS-SSK-2024", "HTHC-HS-DSD-2025"]
    assert item["history"] == [
        {"response": "HTHC-HS-SSK-2024", "source": "SSK-2024", "deadline": "2024-08-06",
         "status": "final", "as": "specific", "stance": "support-with-reservations",
         "outcomes": [{"result": "partly",
                       "note": {"da": "Ministeriet henviser til en fælles styring.",
                                "en": "The ministry refers to joint governance."},
                       "source": NOTAT, "date": "2024-10-01"}]},
        {"response": "HTHC-HS-DSD-2025", "source": "DSD-2025", "deadline": "2025-07-02",
         "status": "draft", "as": "specific", "stance": "support-with-reservations",
         "outcomes": []},
    ]
    run = hthc("show", "HTHC-GOLDEN-MIDDLE", cwd=workspace)
    lines = run.stdout.splitlines()
    at = lines.index("history")
    assert lines[at + 1 : at + 13] == [
        "  - response: HTHC-HS-SSK-2024",
        "    source: SSK-2024",
        "    deadline: 2024-08-06",
        "    status: final",
        "    as: specific",
        "    stance: support-with-reservations",
        "    outcomes:",
        "      - result: partly",
        "        note:",
        "          [da] Ministeriet henviser til en fælles styring.",
        "          [en] The ministry refers to joint governance.",
        f"        source: {NOTAT}",
    ]


def test_coverage_with_outcomes_lists_each_use_of_each_position(
    workspace: Path, hthc: Hthc
) -> None:
    add_outcomes(workspace, SSK, OUTCOMES_2024)
    run = hthc("coverage", "--outcomes", "--format", "json", cwd=workspace)
    assert run.exit_code == 0, run.stderr
    rows = {(r["position"], r["response"]): r for r in json.loads(run.stdout)}
    assert rows["HTHC-GOLDEN-MIDDLE", "HTHC-HS-SSK-2024"]["outcome"] == ["partly (2024-10-01)"]
    assert rows["HTHC-NATIONAL-STRATEGY", "HTHC-HS-SSK-2024"]["outcome"] == ["accommodated"]
    assert rows["HTHC-GOLDEN-MIDDLE", "HTHC-HS-DSD-2025"] == {
        "position": "HTHC-GOLDEN-MIDDLE", "response": "HTHC-HS-DSD-2025",
        "deadline": "2025-07-02", "stance": "support-with-reservations", "outcome": [],
    }
    # positions used by no response of the 2025 bill are not in its history
    run = hthc("coverage", "DSD-2025", "--outcomes", "--format", "json", cwd=workspace)
    assert sorted(r["position"] for r in json.loads(run.stdout)) == [
        "HTHC-GOLDEN-MIDDLE", "HTHC-NATIONAL-STRATEGY", "HTHC-VALUE-NEAR-CITIZENS",
    ]
    run = hthc("coverage", "DSD-2052", "--outcomes", cwd=workspace)
    assert run.exit_code == 2
    assert run.stderr == "hthc: no source 'DSD-2052'; did you mean 'DSD-2025'?\n"


def test_an_outcome_for_a_position_the_response_does_not_use_is_a_located_error(
    workspace: Path, hthc: Hthc
) -> None:
    line = add_outcomes(workspace, DSD, """\
  - position: HTHC-SCOPE
    result: noted
  - position: HTHC-GOLDEN-MIDLE
    result: accommodated
  - position: HTHC-VALUE-NEAR-CITIZENS
    result: not-addresed
""")
    run = hthc("check", "--color", "never", cwd=workspace)
    assert run.exit_code == 1
    assert [ln for ln in run.stdout.splitlines() if "HTHC210" in ln or "HTHC104" in ln] == [
        f"{DSD}:{line}:15: error HTHC210 an outcome of response 'HTHC-HS-DSD-2025' is for "
        "'HTHC-SCOPE', which is a position response 'HTHC-HS-DSD-2025' does not use "
        "[outcome-of-unused-position]",
        f"{DSD}:{line + 2}:15: error HTHC210 an outcome of response 'HTHC-HS-DSD-2025' is for "
        "'HTHC-GOLDEN-MIDLE', which is not a position [outcome-of-unused-position]",
        f"{DSD}:{line + 5}:13: error HTHC104 'result' is 'not-addresed'; it must be one of: "
        "accommodated, partly, not-accommodated, noted, not-addressed [invalid-value]",
    ]
    hints = [ln.strip() for ln in run.stdout.splitlines() if ln.startswith("    hint:")]
    assert "hint: the response uses: HTHC-NATIONAL-STRATEGY, HTHC-GOLDEN-MIDDLE, " \
        "HTHC-VALUE-NEAR-CITIZENS" in hints
    assert "hint: did you mean 'HTHC-GOLDEN-MIDDLE'?" in hints
    assert "hint: did you mean 'not-addressed'?" in hints
