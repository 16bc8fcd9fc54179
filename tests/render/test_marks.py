"""The map's naming: bookmark names and custom property values, read back as written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hthc_cli.render.marks import (
    MAX_NAME,
    Mark,
    custom_properties_xml,
    decode_mark,
    encode_mark,
    identity,
    mark_name,
    mark_of,
    marks_by_place,
    parse_mark_name,
    read_custom_properties,
    text_places,
    text_sha,
)
from hthc_cli.workspace.loader import load_workspace

ROOT = Path(__file__).resolve().parents[2]


def test_a_mark_name_is_the_place_hash_and_the_text_hash() -> None:
    sha = text_sha("Vi støtter anbefalingen.")
    name = mark_name("positions/governance.yaml", "HTHC-GOVERNANCE-MODELS", "summary", "da", sha)
    place = hashlib.sha256(
        b"positions/governance.yaml\0HTHC-GOVERNANCE-MODELS\0summary\0da"
    ).hexdigest()[:10]
    assert name == f"_hthc{place}_{sha[:8]}"
    assert len(name) == 24
    assert mark_name("f", "i", "title", "en", sha, occurrence=3).endswith("_3")
    assert mark_name("f", "i", "title", "en", sha, occurrence=1) == mark_name(
        "f", "i", "title", "en", sha
    )


def test_parse_reads_what_mark_name_writes_and_nothing_else() -> None:
    mark = Mark("positions/a.yaml", "P-1", "proposals.2", "en", text_sha("x"))
    parsed = parse_mark_name(mark.name(2))
    assert parsed is not None
    assert (parsed.place, parsed.text, parsed.occurrence) == (mark.place, mark.sha256[:8], 2)
    assert mark.matches(parsed) and mark.unchanged(parsed)
    changed = Mark(mark.file, mark.item, mark.field, mark.language, text_sha("y"))
    assert changed.matches(parsed) and not changed.unchanged(parsed)
    for other in ("_GoBack", "HTHC-GOVERNANCE-MODELS", "_hthc0123456789_abc", "_hthcXYZ"):
        assert parse_mark_name(other) is None


_names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
_ids = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,20}", fullmatch=True)


@given(file=_names, item=_ids, field=_ids, language=st.sampled_from(["da", "en"]),
       text=st.text(), occurrence=st.integers(1, 999))
def test_names_fit_word_and_values_round_trip(
    file: str, item: str, field: str, language: str, text: str, occurrence: int
) -> None:
    mark = Mark(file, item, field, language, text_sha(text))
    assert len(mark.name(occurrence)) <= MAX_NAME
    assert parse_mark_name(mark.name(occurrence)) is not None
    assert decode_mark(encode_mark(mark)) == mark


def test_a_value_that_is_no_mark_decodes_to_none() -> None:
    assert decode_mark("positions/a.yaml|P|summary|da|not-a-hash") is None
    assert decode_mark("just text") is None
    assert decode_mark("|P|summary|da|" + "0" * 64) is None


def test_custom_properties_read_back_with_the_identity() -> None:
    mark = Mark("positions/a.yaml", "P-1", "summary", "da", text_sha("Tekst & <mere>"))
    xml = custom_properties_xml([
        ("hthc-response", "R-1"), ("hthc-language", "da"), ("hthc-version", "0.1.0"),
        (mark.name(), encode_mark(mark)), ("_hthc0000000000_00000000", "not a mark"),
    ])
    properties = read_custom_properties(xml)
    assert properties["hthc-response"] == "R-1"
    found = identity(properties)
    assert (found.response, found.language, found.revision, found.version) == (
        "R-1", "da", None, "0.1.0"
    )
    assert found.marks == {mark.name(): mark}


def test_every_place_of_the_shipped_workspace_has_its_own_hash() -> None:
    ws = load_workspace(ROOT).workspace
    places = list(text_places(ws))
    fields = {(p.file, p.item, p.field) for p in places}
    assert len(fields) == len(places)
    assert ("hthc.yaml", "organisation", "name") in fields
    assert any(f == "proposals.0" and file.startswith("positions/") for file, _, f in fields)
    by_place = marks_by_place(ws, ws.languages)
    assert len(by_place) == sum(
        1 for p in places for lang in ws.languages if mark_of(p, lang) is not None
    )
