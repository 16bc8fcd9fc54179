"""apply_edit() writes a reviewer's edit of the document's text back into the Markdown."""

from __future__ import annotations

import pytest

from hthc_cli.markup.reverse import NOTE_MARK, Projection, apply_edit, project

TITLES = {"HTHC-REC-1": "Én indgang til data"}
CITATIONS = {"k": "Forfatter (2024): *Bog*."}


def edited(before: Projection, paragraphs: dict[int, str | None] | None = None,
           inserted: dict[int, str] | None = None,
           notes: tuple[tuple[str, ...], ...] | None = None) -> Projection:
    """`before` with paragraphs replaced (None: removed) and new ones after an index."""
    out: list[str] = []
    for number, text in enumerate(before.paragraphs):
        changed = (paragraphs or {}).get(number, text)
        if changed is not None:
            out.append(changed)
        if number in (inserted or {}):
            out.append((inserted or {})[number])
    return Projection(tuple(out), before.notes if notes is None else notes)


def write(source: str, paragraphs: dict[int, str | None] | None = None,
          inserted: dict[int, str] | None = None,
          notes: tuple[tuple[str, ...], ...] | None = None) -> tuple[str | None, list[str]]:
    kwargs = {"titles": TITLES, "citations": CITATIONS}
    before = project(source, **kwargs)
    after = edited(before, paragraphs, inserted, notes)
    result = apply_edit(source, before, after, **kwargs)
    if result.new_source is not None and not result.refused:
        assert project(result.new_source, **kwargs) == after
    return result.new_source, [r.reason for r in result.refused]


@pytest.mark.parametrize(("source", "after", "written"), [
    ("Vi støtter forslaget.", "Vi støtter klart forslaget.", "Vi støtter klart forslaget."),
    ("Vi *støtter* forslaget.", "Vi *varmt* støtter forslaget.",
     "Vi \\*varmt\\* *støtter* forslaget."),
    ("Vi *støtter* forslaget.", "Vi anbefaler forslaget.", "Vi *anbefaler* forslaget."),
    ("Vi *støtter* forslaget.", "Vi forslaget.", "Vi forslaget."),
    ("Vi *støtter* forslaget.", "Vi støtter ikke forslaget.",
     "Vi *støtter* ikke forslaget."),
    ("Se [rapporten om data](https://x.dk) her.", "Se rapporten om sundhedsdata her.",
     "Se [rapporten om sundhedsdata](https://x.dk) her."),
    ("Se [[HTHC-REC-1]] her.", "Se her.", "Se her."),
    ("Det siger de [@k] også.", f"Det siger de{NOTE_MARK} ikke.", "Det siger de [@k] ikke."),
    ("Første linje\nanden linje.", "Første linje # anden linje.",
     "Første linje\n\\# anden linje."),
    ("Første linje\nanden linje.", "Første linje #anden linje.",
     "Første linje\n\\#anden linje."),
    ("- a\n- b", "1. b", "- 1\\. b\n- b"),
    ("Pris 5 < 6 & mere_end", "Pris 5 < 7 & [mere]_end", "Pris 5 < 7 & \\[mere\\]\\_end"),
    ("```\nkode her\n```", "kode *der*", "```\nkode *der*\n```"),
])
def test_changed_words_are_written_where_they_stand(source: str, after: str,
                                                    written: str) -> None:
    assert write(source, {0: after}) == (written, [])


def test_other_lines_keep_their_breaks() -> None:
    source = "Linje et ender her\nlinje to ender her\nlinje tre ender her."
    after = "Linje et ender her linje TO ender her linje tre ender her."
    assert write(source, {0: after})[0] == (
        "Linje et ender her\nlinje TO ender her\nlinje tre ender her.")


@pytest.mark.parametrize(("source", "after", "reason"), [
    ("Se [[HTHC-REC-1]] her.", "Se Én indgang til viden her.", "part of the title"),
    ("Se [[HTHC-REC-1]] her.", "Se noget andet her.", "the title that [[ID]] prints"),
    ("Vi *støtter* det nu.", "Vi gør nu.", "replaces formatted words"),
    ("Se [den store](https://x.dk) rapport nu.", "Se den bog nu.", "edge of a link"),
    ("Tekst her.", f"Tekst{NOTE_MARK} her.", "adds a footnote"),
])
def test_an_edit_it_cannot_map_is_refused_with_the_words_to_change(
        source: str, after: str, reason: str) -> None:
    written, reasons = write(source, {0: after})
    assert written is None
    assert reasons and all(reason in found for found in reasons)


def test_a_refusal_says_what_to_do_by_hand() -> None:
    source = "Se [[HTHC-REC-1]] her."
    before = project(source, titles=TITLES)
    after = Projection(("Se Én indgang til viden her.",))
    result = apply_edit(source, before, after, titles=TITLES)
    assert [(r.before_words, r.after_words) for r in result.refused] == [("data", "viden")]
    assert result.refused[0].manual_text == (
        "paragraph 1 (“Se Én indgang til data her.”): "
        "replace “indgang til data her.” with “indgang til viden her.”")


def test_an_edit_of_a_changed_text_is_a_conflict_and_nothing_is_written() -> None:
    before = project("Den gamle tekst.")
    after = Projection(("Den nye tekst.",))
    result = apply_edit("Den ændrede tekst.", before, after)
    assert result.new_source is None and result.applied == []
    assert [r.reason.split(":")[0] for r in result.refused] == ["conflict"]


def test_paragraphs_added_and_removed() -> None:
    assert write("Et.\n\nTo.\n\nTre.", {1: None}) == ("Et.\n\nTre.", [])
    assert write("Et.\n\nTo.", inserted={0: "Nyt *afsnit*."}) == (
        "Et.\n\nNyt \\*afsnit\\*.\n\nTo.", [])
    assert write("- et\n- to\n\nslut", inserted={1: "tre"}) == ("- et\n- to\n- tre\n\nslut", [])
    assert write("1. et\n2. to", inserted={1: "tre"}) == ("1. et\n2. to\n3. tre", [])
    assert write("- et\n- to\n- tre", {1: None}) == ("- et\n- tre", [])
    assert write("> et\n\nslut", inserted={0: "to"}) == ("> et\n>\n> to\n\nslut", [])


def test_a_footnote_is_edited_in_its_definition_and_leaves_with_its_last_mark() -> None:
    source = "Tekst[^1] her.\n\n[^1]: Notens tekst.\n"
    assert write(source, notes=(("Notens nye tekst.",),)) == (
        "Tekst[^1] her.\n\n[^1]: Notens nye tekst.\n", [])
    assert write(source, {0: "Tekst her."}, notes=()) == ("Tekst her.\n", [])


def test_a_deleted_citation_takes_the_space_before_it_along() -> None:
    assert write("Det siger de [@k] også.", {0: "Det siger de også."}, notes=()) == (
        "Det siger de også.", [])


def test_a_citation_note_is_not_edited() -> None:
    written, reasons = write("Tekst [@k].", notes=(("Anden (2020).",),))
    assert written is None and "references" in reasons[0]


def test_an_inline_note_and_a_note_referred_to_twice_are_edited_where_they_are_written() -> None:
    assert write("Tekst^[en inline note] her.", notes=(("en ændret note",),)) == (
        "Tekst^[en ændret note] her.", [])
    source = "Et[^a] og to[^a].\n\n[^a]: Fælles note.\n"
    assert write(source, notes=(("Fælles ny note.",), ("Fælles ny note.",))) == (
        "Et[^a] og to[^a].\n\n[^a]: Fælles ny note.\n", [])


def test_a_cell_keeps_its_pipes_escaped() -> None:
    source = "| a | b |\n|---|---|\n| *x* | y |"
    assert write(source, {2: "x | z"}) == ("| a | b |\n|---|---|\n| *x* \\| z | y |", [])


def test_spaces_typed_at_a_paragraphs_ends_are_dropped_as_markdown_drops_them() -> None:
    source = "Et ord."
    before = project(source)
    result = apply_edit(source, before, Projection(("Et nyt ord. ",)))
    assert (result.new_source, result.refused) == ("Et nyt ord.", [])


def test_a_line_break_typed_in_a_paragraph_is_a_hard_break() -> None:
    assert write("> Første linje og anden.", {0: "Første linje\nog anden."}) == (
        "> Første linje\\\n> og anden.", [])
    assert write("- Et punkt med to dele", {0: "Et punkt\nmed to dele"}) == (
        "- Et punkt\\\n  med to dele", [])


def test_a_footnote_emptied_in_the_document_is_not_emptied_in_the_markdown() -> None:
    written, reasons = write("Tekst[^1] her.\n\n[^1]: Notens tekst.\n", notes=(("",),))
    assert written is None and "empty in the document" in reasons[0]
