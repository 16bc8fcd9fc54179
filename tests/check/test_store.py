"""Check remembers what it found in each text between runs, and never trusts a stale answer."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest

from hthc_cli.check.checker import check_workspace
from hthc_cli.check.reporters import TextReporter

BASE = Path(__file__).parent / "fixtures" / "base"
ARGUMENT = "        Lukkede platforme binder regionerne til én leverandør, jf. [[SSK-DATA]].\n"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    monkeypatch.setenv("HTHC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def report(root: Path, remember: bool = True) -> str:
    return TextReporter().report(check_workspace(root, remember=remember))


def set_argument(root: Path, text: str) -> None:
    path = root / "positions" / "p.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(ARGUMENT, f"        {text}\n"),
                    encoding="utf-8")


def stores(root: Path) -> list[Path]:
    return sorted((root.parent / "cache").glob("findings-*.bin"))


def test_a_remembered_run_reports_what_a_fresh_one_does(ws: Path) -> None:
    set_argument(ws, "Se [[SSK-NOPE]], [x](#P-3) og `[[ikke et link]]`; <b>fed</b> [^1].")
    fresh = report(ws, remember=False)
    assert "HTHC205" in fresh and "HTHC308" in fresh
    first = report(ws)
    assert stores(ws), "the first run keeps its findings"
    assert report(ws) == first == fresh


def test_a_changed_text_is_read_again(ws: Path) -> None:
    set_argument(ws, "Se [[SSK-NOPE]].")
    assert "the link [[SSK-NOPE]] points at no recommendation" in report(ws)
    (ws / "positions" / "p.yaml").write_text(
        (ws / "positions" / "p.yaml").read_text(encoding="utf-8").replace(
            "Se [[SSK-NOPE]].", "Se [[SSK-DATA]]."), encoding="utf-8")
    assert "HTHC205" not in report(ws)


def test_findings_of_another_grammar_are_not_used(ws: Path) -> None:
    set_argument(ws, "Se [[SSK-NOPE]].")
    report(ws)
    (store,) = stores(ws)
    fmt, grammar, entries = marshal.loads(store.read_bytes())
    # the same texts, said to have been read clean by another version of the grammar
    emptied = {key: ((), (), (), ()) for key in entries}
    store.write_bytes(marshal.dumps((fmt, grammar + " older", emptied)))
    assert "HTHC205" in report(ws)


def test_a_broken_store_is_ignored(ws: Path) -> None:
    set_argument(ws, "Se [[SSK-NOPE]].")
    report(ws)
    (store,) = stores(ws)
    store.write_bytes(b"\x00not a store")
    assert "HTHC205" in report(ws)


def test_the_store_is_never_in_the_workspace_and_can_be_turned_off(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(p.relative_to(ws) for p in ws.rglob("*"))
    monkeypatch.setenv("HTHC_CACHE_DIR", "off")
    report(ws)
    assert stores(ws) == []
    monkeypatch.delenv("HTHC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(ws.parent / "xdg"))
    report(ws)
    assert list((ws.parent / "xdg" / "hthc").glob("findings-*.bin"))
    assert sorted(p.relative_to(ws) for p in ws.rglob("*")) == before
