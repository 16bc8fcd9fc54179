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
    assert {d["code"] for d in report["diagnostics"]} <= {"HTHC306"}


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
