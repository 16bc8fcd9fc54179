"""The workspace shipped at the repository root: it checks clean and reads well."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hthc_cli.workspace.schema import STANCES, STATUSES

ROOT = Path(__file__).resolve().parents[2]
Hthc = Callable[..., subprocess.CompletedProcess[str]]


def shipped_positions() -> list[dict[str, Any]]:
    positions: list[dict[str, Any]] = []
    for path in sorted((ROOT / "positions").glob("*.yaml")):
        positions += yaml.safe_load(path.read_text(encoding="utf-8"))["positions"]
    return positions


def shipped_recommendations(source_id: str) -> list[str]:
    for path in sorted((ROOT / "recommendations").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if document["source"]["id"] == source_id:
            return [r["id"] for r in document["recommendations"]]
    raise AssertionError(f"no source {source_id} in recommendations/")


def addressing(rec_id: str) -> list[str]:
    return [p["id"] for p in shipped_positions() if rec_id in p["addresses"]]


def test_the_shipped_workspace_checks_clean(hthc_process: Hthc) -> None:
    run = hthc_process("check", "--strict", "--format", "json", cwd=ROOT)
    assert run.returncode == 0, run.stdout
    report = json.loads(run.stdout)
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    assert {d["code"] for d in report["diagnostics"]} <= {"HTHC306", "HTHC319"}
    drafts = [(d["path"], d["message"]) for d in report["diagnostics"] if d["code"] == "HTHC319"]
    assert drafts == [(
        "responses/hoeringssvar-digital-sundhed-danmark-2025.yaml",
        "response 'HTHC-HS-DSD-2025' is a draft: it is rendered marked UDKAST/DRAFT",
    )]


def test_the_2025_response_reuses_the_2024_positions_and_is_marked_draft() -> None:
    """A second use of a position needs no copy: the 2025 response shows 2024 positions,
    each addressing the bill's sections as well as the commission's recommendation."""
    response = yaml.safe_load(
        (ROOT / "responses/hoeringssvar-digital-sundhed-danmark-2025.yaml").read_text("utf-8")
    )
    assert (response["source"], response["status"]) == ("DSD-2025", "draft")
    assert "case_number" not in response["hearing"]
    assert response["hearing"]["deadline"].isoformat() == "2025-07-02"
    sections = shipped_recommendations("DSD-2025")
    assert sections == ["DSD-2025-P1", "DSD-2025-P2", "DSD-2025-P4", "DSD-2025-P5"]
    on_the_bill = [p for p in shipped_positions() if set(p["addresses"]) & set(sections)]
    assert sorted(p["id"] for p in on_the_bill) == [
        "HTHC-GOLDEN-MIDDLE", "HTHC-NATIONAL-STRATEGY", "HTHC-VALUE-NEAR-CITIZENS",
    ]
    for position in on_the_bill:  # the same text answers both hearings
        assert "SSK-2024-DIGI" in position["addresses"]
    ids = [p["id"] for p in shipped_positions()]
    assert len(ids) == len(set(ids)) == 7


def test_list_positions(hthc: Hthc) -> None:
    run = hthc("list", "positions", "--format", "json", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    rows = json.loads(run.stdout)
    assert [(r["id"], r["stance"], r["status"]) for r in rows] == [
        (p["id"], p["stance"], p["status"]) for p in shipped_positions()
    ]
    for row in rows:
        assert set(row) == {"id", "stance", "status", "title", "addresses"}
        assert row["stance"] in STANCES and row["status"] in STATUSES
        assert row["title"]


def test_show_a_recommendation_with_the_positions_that_address_it(hthc: Hthc) -> None:
    run = hthc("show", "SSK-2024-DIGI", "--format", "json", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    item = json.loads(run.stdout)
    assert (item["kind"], item["id"], item["source"]) == (
        "recommendation", "SSK-2024-DIGI", "SSK-2024"
    )
    assert item["file"].startswith("recommendations/")
    assert set(item["title"]) == {"da", "en"}
    addressed_by = [p["id"] for p in item["addressed_by"]]
    assert addressed_by == addressing("SSK-2024-DIGI")
    assert "HTHC-NATIONAL-STRATEGY" in addressed_by


def test_coverage_of_the_commission_report(hthc: Hthc) -> None:
    run = hthc("coverage", "SSK-2024", "--format", "json", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    rows = json.loads(run.stdout)
    assert [r["recommendation"] for r in rows] == shipped_recommendations("SSK-2024")
    for row in rows:
        assert row["source"] == "SSK-2024"
        assert row["positions"] == addressing(row["recommendation"])
        assert row["positions"], f"{row['recommendation']} has no position"


def test_coverage_shows_both_sources(hthc: Hthc) -> None:
    run = hthc("coverage", "--format", "json", cwd=ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    rows = json.loads(run.stdout)
    assert [r["recommendation"] for r in rows] == (
        shipped_recommendations("DSD-2025") + shipped_recommendations("SSK-2024")
    )
    by_id = {r["recommendation"]: r for r in rows}
    assert by_id["DSD-2025-P1"]["positions"] == ["HTHC-GOLDEN-MIDDLE"]
    assert by_id["DSD-2025-P5"]["positions"] == ["HTHC-VALUE-NEAR-CITIZENS"]
    assert by_id["DSD-2025-P2"]["stances"] == ["support", "support-with-reservations"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "NOPE"], "hthc: no item with the id 'NOPE'\n"),
        (["show", "SSK-2024-DIG"],
         "hthc: no item with the id 'SSK-2024-DIG'; did you mean 'SSK-2024-DIGI'?\n"),
        (["coverage", "SSK-2042"], "hthc: no source 'SSK-2042'; did you mean 'SSK-2024'?\n"),
    ],
)
def test_an_unknown_id_is_a_usage_error(args: list[str], message: str, hthc: Hthc) -> None:
    run = hthc(*args, cwd=ROOT)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", message)
