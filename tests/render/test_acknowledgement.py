"""A response may thank, by organisation, those whose input on its positions was taken on board."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hthc_cli.base.labels import join_names

RESPONSE = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"


def _input(root: Path, name: str, organisation: str | None, relates_to: str,
           decision: str) -> None:
    folder = root / "inputs"
    folder.mkdir(exist_ok=True)
    org = f"  organisation: {organisation}\n" if organisation else ""
    note = "note: Læst.\n" if decision != "new" else ""
    (folder / f"{name}.yaml").write_text(
        f"id: {name}\nfrom:\n  name: Et medlem\n{org}received: 2024-07-01\nchannel: email\n"
        f"text: Input.\nrelates_to: [{relates_to}]\ndecision: {decision}\n{note}",
        encoding="utf-8",
    )


@pytest.fixture
def render(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    from hthc_cli.cli.main import app

    def run(root: Path, *args: str) -> Result:
        monkeypatch.chdir(root)
        return CliRunner().invoke(app, ["render", "HTHC-HS-SSK-2024", "-f", "md", "-o", "-", *args])

    return run


def _acknowledging(workspace: Path) -> Path:
    path = workspace / RESPONSE
    path.write_text(path.read_text(encoding="utf-8") + "acknowledge_inputs: true\n",
                    encoding="utf-8")
    # used by the response: HTHC-NATIONAL-STRATEGY (general), positions on SSK-2024-DIGI
    _input(workspace, "IN-A", "Ørestad Sundhed", "HTHC-NATIONAL-STRATEGY", "incorporated")
    _input(workspace, "IN-B", "Aarhus MedTech & Co", "SSK-2024-DIGI", "considered")
    _input(workspace, "IN-C", "Zealand Health", "HTHC-NATIONAL-STRATEGY", "considered")
    _input(workspace, "IN-D", "Declined Ltd", "HTHC-NATIONAL-STRATEGY", "declined")
    _input(workspace, "IN-E", "Zealand  Health", "SSK-2024-DIGI", "incorporated")
    _input(workspace, "IN-F", "Undecided A/S", "HTHC-NATIONAL-STRATEGY", "new")
    return workspace


def test_the_response_thanks_each_organisation_once_in_danish_order(
    workspace: Path, render: Callable[..., Result]
) -> None:
    root = _acknowledging(workspace)
    da = render(root, "--lang", "da")
    assert da.exit_code == 0, da.output
    expected = ("HTHC takker Aarhus MedTech & Co, Zealand Health og Ørestad Sundhed for "
                "input til dette høringssvar.")
    assert f"\n{expected}\n" in da.stdout
    # after the closing text, before the signature
    assert da.stdout.index("## Afslutning") < da.stdout.index(expected) < da.stdout.index(
        "Med venlig hilsen")
    en = render(root, "--lang", "en")
    assert ("HTHC thanks Aarhus MedTech & Co, Zealand Health and Ørestad Sundhed for their "
            "input to this response.") in en.stdout
    assert render(root, "--lang", "da").stdout == da.stdout  # the same bytes every time
    brief = render(root, "--lang", "da", "--template", "brief")
    assert expected in brief.stdout


def test_without_acknowledge_inputs_the_document_is_as_before(
    workspace: Path, render: Callable[..., Result]
) -> None:
    before = render(workspace, "--lang", "da").stdout
    _input(workspace, "IN-A", "Ørestad Sundhed", "HTHC-NATIONAL-STRATEGY", "incorporated")
    after = render(workspace, "--lang", "da")
    assert after.exit_code == 0
    assert after.stdout == before
    assert "takker" not in after.stdout.split("## Afslutning")[1]


def test_names_are_printed_as_written_not_read_as_markdown(
    workspace: Path, render: Callable[..., Result]
) -> None:
    root = _acknowledging(workspace)
    _input(root, "IN-G", '"*Stjerne* [Fond]"', "HTHC-NATIONAL-STRATEGY", "considered")
    out = render(root, "--lang", "da")
    assert ("takker \\*Stjerne\\* \\[Fond\\], Aarhus MedTech & Co, Zealand Health og Ørestad "
            "Sundhed for") in out.stdout


@pytest.mark.parametrize(
    ("names", "da", "en"),
    [([], "", ""), (["A"], "A", "A"), (["A", "B"], "A og B", "A and B"),
     (["A", "B", "C"], "A, B og C", "A, B and C")],
)
def test_names_are_joined_as_each_language_does(names: list[str], da: str, en: str) -> None:
    assert (join_names(names, "da"), join_names(names, "en")) == (da, en)


def test_the_word_document_holds_the_thanks_as_a_paragraph(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document

    from hthc_cli.cli.main import app

    root = _acknowledging(workspace)
    monkeypatch.chdir(root)
    out = root / "svar.docx"
    result = CliRunner().invoke(app, ["render", "HTHC-HS-SSK-2024", "--lang", "da", "-o", str(out)])
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert ("HTHC takker Aarhus MedTech & Co, Zealand Health og Ørestad Sundhed for input til "
            "dette høringssvar.") in paragraphs
