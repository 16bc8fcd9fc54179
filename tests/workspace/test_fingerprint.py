"""Fingerprints: what counts as a change, what does not, and sha256-v1 staying as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hthc_cli.check.checker import check_workspace
from hthc_cli.workspace.fingerprint import (
    _END,
    ALGORITHMS,
    Verifier,
    _normalise_lines,
    describe,
    normalise,
    parse_parts,
    stamp,
)
from hthc_cli.workspace.loader import load_workspace
from hthc_cli.workspace.source import _FastLoader

FIXTURES = Path(__file__).resolve().parents[1] / "check" / "fixtures"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "base"
    shutil.copytree(FIXTURES / "base", root)
    return root


def fingerprint_of(root: Path, position: str) -> str:
    ws = load_workspace(root).workspace
    return stamp(ws, ws.positions[position]).fingerprint


def test_sha256_v1_gives_what_it_gave_when_it_was_released(base: Path) -> None:
    # v1 is frozen: a stamp written today is verified with it for ever, so its output
    # for the same texts never changes (a new algorithm gets a new name).
    assert fingerprint_of(base, "P-1") == (
        "sha256-v1:92d0876344b1771952b2b0231f42032e80ea997c7d2d6ac6073af31ae434b41f")
    ws = load_workspace(base).workspace
    assert stamp(ws, ws.positions["P-2"]).parts == {
        "title/da": "2df4ff33", "title/en": "afe0cdda", "stance": "2fed8e3c",
        "addresses": "193401fc", "summary/da": "10cc3494", "summary/en": "59001d7f",
        "argument/da": "1595d66e", "argument/en": "3c1d893b", "proposals.1/da": "1175fe07",
        "proposals.1/en": "877862a4", "rec:SSK-DATA/da": "4b58c26d",
        "rec:SSK-DATA/en": "19f83642", "rec:SSK-DIGI/da": "607ed917",
        "rec:SSK-DIGI/en": "0bcdebde",
    }


TITLE = "      en: A national strategy\n"
ARGUMENT = ("      da: En national strategi hjælper de små kommuner [@ref-2023]; se også "
            "[[P-2]].\n")


@pytest.mark.parametrize(("old", "new"), [
    (TITLE, '      en: "A national strategy  "\n'),  # trailing spaces
    (TITLE, '      en: "A national strategy"\n'),  # quoted
    (TITLE, "      en: |\n        A national strategy\n\n"),  # a block, a blank line after
    (TITLE, "      en: >-\n        A national\n        strategy\n"),  # folded
    (TITLE, '      en: "A national strategy\\r\\n"\n'),  # a Windows line break
    (ARGUMENT, ARGUMENT.replace("små", "sma\u030a")),  # decomposed Unicode (NFD)
], ids=["trailing-spaces", "quoted", "block", "folded", "crlf", "nfd"])
def test_what_is_no_change(base: Path, old: str, new: str) -> None:
    path = base / "positions" / "p.yaml"
    original = fingerprint_of(base, "P-1")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert fingerprint_of(base, "P-1") == original


@pytest.mark.parametrize(("old", "new", "said"), [
    ("stance: support\n", "stance: oppose\n", "its stance"),
    ("helps the small", "helps the smallest", "its argument (en)"),
    ("addresses: [SSK-DIGI]", "addresses: [SSK-DIGI, SSK-DATA]",
     "its list of what it addresses and recommendation 'SSK-DATA', now addressed (da, en)"),
])
def test_what_is_a_change_and_how_it_is_said(
    base: Path, old: str, new: str, said: str
) -> None:
    ws = load_workspace(base).workspace
    stamped = stamp(ws, ws.positions["P-1"])
    path = base / "positions" / "p.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    ws = load_workspace(base).workspace
    parts = " ".join(f"{k}={v}" for k, v in stamped.parts.items())
    verdict = Verifier(ws).verify(ws.positions["P-1"], stamped.fingerprint, parts)
    assert not verdict.matches
    assert describe(verdict.changes) == said


def test_a_stamp_without_parts_says_that_something_changed(base: Path) -> None:
    ws = load_workspace(base).workspace
    verdict = Verifier(ws).verify(ws.positions["P-1"], "sha256-v1:" + "0" * 64, None)
    assert (verdict.matches, verdict.changes) == (False, ())
    assert Verifier(ws).verify(ws.positions["P-1"], "sha256-v7:00", None).unknown_algorithm \
        == "sha256-v7"
    assert Verifier(ws).verify(ws.positions["P-1"], "v1 0000", None).malformed


def test_stamps_of_an_unknown_algorithm_are_said_once(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(base)
    path = base / "positions" / "p.yaml"
    text = path.read_text(encoding="utf-8")
    stamp_lines = ('    approved:\n      by: "A"\n      date: 2030-01-01\n'
                   '      fingerprint: "sha256-v2:abcdef"\n')
    text = text.replace("    status: approved\n", "    status: approved\n" + stamp_lines)
    path.write_text(text, encoding="utf-8")
    result = check_workspace(base)
    found = [(str(d.location), d.code, d.message) for d in result.diagnostics]
    assert found == [(
        "positions/p.yaml:18:20", "HTHC317",
        "the approval of position 'P-1' is fingerprinted with 'sha256-v2', which this version "
        "of hthc does not know: it cannot tell whether the position changed (nor for 2 other "
        "stamps of 'sha256-v2')",
    )]


def test_every_algorithm_a_stamp_may_name_is_registered() -> None:
    assert list(ALGORITHMS) == ["sha256-v1"]
    assert parse_parts("title/da=1a2b stance=ff") == {"title/da": "1a2b", "stance": "ff"}
    assert parse_parts("title/da:1a2b") is None


texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1e\x1f"))


@given(st.lists(st.tuples(st.sampled_from(["title/da", "argument/en", "rec:R/da"]), texts),
                max_size=5))
def test_normalising_the_joined_parts_is_normalising_each(parts: list[tuple[str, str]]) -> None:
    joined = "".join(f"{name}\x1f{text.rstrip(_END)}\x1e" for name, text in parts)
    each = "".join(f"{name}\x1f{normalise(text)}\x1e" for name, text in parts)
    assert _normalise_lines(joined) == each


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_the_loader_resolves_tags_as_pyyaml_does(value: str) -> None:
    stock = yaml.resolver.Resolver()
    fast = _FastLoader("")
    for implicit in ((True, False), (False, True)):
        assert fast.resolve(yaml.ScalarNode, value, implicit) == \
            stock.resolve(yaml.ScalarNode, value, implicit)
