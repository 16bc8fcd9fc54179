"""A text's value replaced in a YAML file: its style kept, every other byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hthc_cli.workspace.rewrite import replace_scalar
from hthc_cli.workspace.source import YMap, YScalar, read_source

BEFORE = "id: HTHC-X\n# a comment that stays\nstance: support\n"
AFTER = "closing: kept   # and its comment\n"


def scalar(tmp_path: Path, data: bytes, key: str = "text") -> YScalar:
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    source = read_source(path, "file.yaml", [])
    assert source is not None and isinstance(source.root, YMap)
    node = source.root.items[key]
    assert isinstance(node, YScalar)
    return node


def rewritten(tmp_path: Path, value_yaml: str, value: str, newline: str = "\n",
              bom: bool = False) -> tuple[bytes, bytes, str, str | None]:
    text = (BEFORE + "text: " + value_yaml + AFTER).replace("\n", newline)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    node = scalar(tmp_path, data)
    result = replace_scalar(data, node, value)
    loaded = yaml.load(result.data.decode("utf-8-sig"), Loader=yaml.CSafeLoader)
    assert loaded["text"] == value
    assert loaded["closing"] == "kept"
    offset = len(data) - len(text.encode("utf-8"))
    head = data[: offset + len(text[: node.start].encode("utf-8"))]
    tail = data[offset + len(text[: node.end].encode("utf-8")) :]
    assert result.data.startswith(head) and result.data.endswith(tail)
    return data, result.data, result.style, result.restyled


@pytest.mark.parametrize(("written", "value", "expected", "style"), [
    ("Vi støtter forslaget.\n", "Vi støtter klart forslaget.",
     "Vi støtter klart forslaget.\n", "plain"),
    ("'Det er ''vores'' svar.'\n", "Det er 'jeres' svar.", "'Det er ''jeres'' svar.'\n", "'"),
    ('"Et \\"citat\\"\\tmed tab."\n', 'Et "andet" citat\tmed tab.',
     '"Et \\"andet\\" citat\\tmed tab."\n', '"'),
    ("|\n  Første afsnit.\n\n  Andet afsnit.\n", "Første afsnit.\n\nTredje afsnit.\n",
     "|\n  Første afsnit.\n\n  Tredje afsnit.\n", "|"),
    ("|-\n    Indrykket fire.\n    Linje to.\n", "Indrykket fire.\nLinje 2.",
     "|-\n    Indrykket fire.\n    Linje 2.\n", "|-"),
    ("|+\n  Behold\n\n\n", "Behold\n\n\n", "|+\n  Behold\n\n\n", "|+"),
    ("|   # en kommentar\n  Tekst.\n\n\n", "Ny tekst.\n",
     "|   # en kommentar\n  Ny tekst.\n\n\n", "|"),
    (">\n  Et langt afsnit der er foldet over to linjer i filen, fordi det er\n"
     "  langt nok.\n\n  Andet afsnit.\n",
     "Et langt afsnit der er foldet over to linjer i filen, fordi det nu er\n"
     "Andet afsnit.\n",
     ">\n  Et langt afsnit der er foldet over to linjer i filen, fordi det nu\n"
     "  er\n\n  Andet afsnit.\n", ">"),
    (">-\n  Kort.\n", "Også kort.", ">-\n  Også kort.\n", ">-"),
])
def test_each_style_is_kept(tmp_path: Path, written: str, value: str, expected: str,
                            style: str) -> None:
    before, after, found_style, restyled = rewritten(tmp_path, written, value)
    assert after == before.replace(written.encode(), expected.encode())
    assert (found_style, restyled) == (style, None)


def test_crlf_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    before, after, _, _ = rewritten(tmp_path, "|\n  En.\n  To.\n", "En.\nTre.\n",
                                    newline="\r\n", bom=True)
    assert after.startswith(b"\xef\xbb\xbf")
    assert after == before.replace(b"To.", b"Tre.")
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(
        b"\r\n", b"")


@pytest.mark.parametrize(("written", "value", "style", "why"), [
    ("Et svar\n", "Et svar: nej", "'", "reads differently unquoted"),
    ("Et svar\n", "yes", "'", "reads differently unquoted"),
    ("Et svar\n", "To\nlinjer\n", "|", "line breaks"),
    ("'Et svar'\n", "To\nlinjer", "|-", "line breaks"),
    ("|\n  Et svar\n", "\tmed tab\n", '"', "tab"),
])
def test_a_value_the_old_style_cannot_hold_gets_a_style_that_can_and_says_so(
        tmp_path: Path, written: str, value: str, style: str, why: str) -> None:
    _, _, found_style, restyled = rewritten(tmp_path, written, value)
    assert found_style == style
    assert restyled is not None and why in restyled


def test_a_block_that_becomes_quoted_keeps_the_blank_lines_after_it(tmp_path: Path) -> None:
    before, after, style, _ = rewritten(tmp_path, "|\n  Et svar\n\n\n", "\tmed tab\n")
    assert style == '"'
    assert after == before.replace(b'|\n  Et svar\n\n\n', b'"\\tmed tab\\n"\n\n\n')


def test_a_list_item_block_keeps_its_indentation(tmp_path: Path) -> None:
    data = (b"id: X\nproposals:\n  - |\n      Et forslag\n      over to linjer.\n"
            b"  - Andet forslag\nrest: 1\n")
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    source = read_source(path, "f.yaml", [])
    assert source is not None and isinstance(source.root, YMap)
    items = source.root.items["proposals"]
    node = items.items[0]  # type: ignore[union-attr]
    assert isinstance(node, YScalar)
    result = replace_scalar(data, node, "Et forslag\nover tre linjer.\n")
    assert result.data == data.replace(b"to linjer", b"tre linjer")


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
STYLES = ("Et svar\n", "'Et svar'\n", '"Et svar"\n', "|\n  Et svar\n", "|-\n  Et svar\n",
          ">\n  Et svar\n", ">-\n  Et svar\n", "|+\n  Et svar\n\n")


@settings(max_examples=300, deadline=None)
@given(style=st.sampled_from(STYLES), value=TEXT, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_value_reads_back_and_nothing_else_changes(
        tmp_path_factory: pytest.TempPathFactory, style: str, value: str, newline: str) -> None:
    rewritten(tmp_path_factory.mktemp("r"), style, value, newline=newline)


def test_a_reviewers_edit_of_a_shipped_text_lands_in_its_scalar_alone(workspace: Path) -> None:
    """A word of a position's argument edited in the document, written back: the file
    differs in those words only, check finds what it found before, the text reads as edited."""
    from hthc_cli.check.checker import check_workspace
    from hthc_cli.markup.reverse import Projection, apply_edit, project
    from hthc_cli.workspace.loader import load_workspace

    checked = check_workspace(workspace).diagnostics
    ws = load_workspace(workspace).workspace
    position = ws.positions["HTHC-DIGI-IN-STRUCTURE"]
    node = position.argument.by_language["da"]
    titles = {item: str(ws.positions[item].title.get("da")) for item in ws.positions}
    citations = dict.fromkeys(ws.references, "En kilde.")
    before = project(str(node.value), titles=titles, citations=citations)
    paragraphs = list(before.paragraphs)
    paragraphs[1] = paragraphs[1].replace("særligt små kommuner", "især de mindste kommuner")
    after = Projection(tuple(paragraphs), before.notes)
    result = apply_edit(str(node.value), before, after, titles=titles, citations=citations)
    assert result.refused == [] and result.new_source is not None
    path = workspace / "positions" / "digitalisation.yaml"
    data = path.read_bytes()
    rewritten = replace_scalar(data, node, result.new_source)
    assert rewritten.restyled is None
    path.write_bytes(rewritten.data)
    assert rewritten.data == data.replace("særligt små kommuner".encode(),  # line 34 only
                                          "især de mindste kommuner".encode(), 1)
    assert check_workspace(workspace).diagnostics == checked
    again = load_workspace(workspace).workspace.positions["HTHC-DIGI-IN-STRUCTURE"]
    assert project(str(again.argument.get("da")), titles=titles,
                   citations=citations) == after
