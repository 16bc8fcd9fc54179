"""Member input in check: undecided input blocks a release of the response it concerns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.check.checker import check_workspace
from hthc_cli.check.rules import CheckOptions

CASES = Path(__file__).parent / "fixtures" / "cases"


def _found(root: Path, release: bool) -> list[tuple[str, str, str, str]]:
    result = check_workspace(root, CheckOptions(release=release))
    return [(str(d.location), d.severity.label, d.code, d.message) for d in result.diagnostics]


def test_an_undecided_input_on_a_used_position_is_an_error_with_release(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(CASES / "HTHC315-undecided-input" / "files")
    monkeypatch.chdir(root)
    message = ("input 'IN-1' is not decided yet, and response 'R-1' uses what it is about")
    assert _found(root, release=False) == [
        ("inputs/in-1.yaml:13:11", "info", "HTHC315", message)
    ]
    assert _found(root, release=True) == [
        ("inputs/in-1.yaml:13:11", "error", "HTHC315", message)
    ]
    assert check_workspace(root, CheckOptions(release=True)).failed()


def test_an_undecided_input_on_nothing_a_response_uses_stays_information(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(CASES / "HTHC315-undecided-input-on-nothing" / "files")
    monkeypatch.chdir(root)
    assert _found(root, release=True) == [
        ("inputs/in-1.yaml:12:11", "info", "HTHC315", "input 'IN-1' is not decided yet")
    ]


def test_an_input_on_a_recommendation_concerns_the_responses_whose_positions_address_it(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay"
    source = (CASES / "HTHC315-undecided-input" / "files" / "inputs" / "in-1.yaml")
    (overlay / "inputs").mkdir(parents=True)
    (overlay / "inputs" / "in-1.yaml").write_text(
        source.read_text(encoding="utf-8").replace("relates_to: [P-1]", "relates_to: [SSK-DATA]"),
        encoding="utf-8",
    )
    root = make_workspace(overlay)
    monkeypatch.chdir(root)
    assert [(code, severity) for _, severity, code, _ in _found(root, release=True)] == [
        ("HTHC315", "error")
    ]


def test_a_yaml_file_among_the_attachments_is_not_read_as_an_input(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(CASES / "HTHC315-undecided-input" / "good")
    folder = root / "inputs" / "attachments" / "IN-1"
    folder.mkdir(parents=True)
    (folder / "data.yaml").write_text("not: [an input\n", encoding="utf-8")
    monkeypatch.chdir(root)
    result = check_workspace(root)
    assert result.diagnostics == []
    assert list(result.workspace.inputs) == ["IN-1"]
