"""project() gives, paragraph by paragraph, the text the rendered .docx shows for a text."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx_paragraphs import rendered

from hthc_cli.markup.reverse import LITERAL, NOTE_MARK, project

TITLES = {"HTHC-REC-1": "Én indgang til sundhedsdata", "HTHC-REC-2": "Data *deles* & genbruges"}
CITATIONS = {
    "ssk2024": "Sundhedsstrukturkommissionen (2024): *Beslutningsgrundlag*. "
    "<https://www.ism.dk/publikationer-sundhed>.",
    "bds2023": "Mandag Morgen (2023): *Bedre Digital Sundhed*.",
}
SHORT = {"ssk2024": "Sundhedsstrukturkommissionen (2024)"}

TEXTS = {
    "emphasis": "Plain *emphasis*, **strong**, ***both***, ~~struck~~ and _under_ words.",
    "links": "See [the *report*](https://example.org/r \"t\") and <https://example.org>.",
    "wikilinks": "As [[HTHC-REC-1]] says, and [[HTHC-REC-2]]; [[UNKNOWN-ID]] is its id.",
    "citations": "Kommissionen [@ssk2024] peger på det [se @bds2023, s. 4; @ssk2024].\n"
    "Igen\n[@ssk2024].",
    "footnotes": "Én note[^a] og en inline^[med *vægt* og [@bds2023]] og igen[^a].\n\n"
    "[^a]: Notens tekst\n    over to linjer.\n\n    Andet afsnit med en note^[indre].",
    "lists": "- et\n- to\n  - under\n\n1. første\n\n   fortsat\n2. anden\n\n-\n- efter tom",
    "quotes": "> citeret\n> tekst\n>\n> > indre\n\nefter",
    "tables": "| a | *b* |\n|:--|--:|\n| x \\| y | [[HTHC-REC-1]] |\n| kun én |",
    "code": "```\nkode  linje\n\n    indrykket\n```\n\n    blok\nog `inline *ikke*` kode",
    "headings": "# Overskrift {#id}\n\nTekst\n\nSetext\n------\n\n## Anden ##",
    "escapes": "Tegn \\* \\_ \\[ \\\\ &amp; &copy; R&D 5 < 6 &#65; tab\there",
    "breaks": "Linje ét  \nlinje to\\\nlinje tre\nog blød",
    "divs": "::: {custom-style=\"Boks\"}\nI en boks med [et spænd]{.klasse}.\n:::\n\n---\n\nslut",
    "mixed": "**Fed [[HTHC-REC-1]] i** tekst[^1] med `kode`.\n\n[^1]: Note med [link](#x).",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_projection_is_what_the_document_shows(name: str) -> None:
    text = TEXTS[name]
    kwargs = {"titles": TITLES, "citations": CITATIONS, "short_citations": SHORT}
    assert project(text, **kwargs) == rendered(text, **kwargs)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_literal_character_comes_from_its_place_in_the_markdown(name: str) -> None:
    text = TEXTS[name]
    found = project(text, titles=TITLES, citations=CITATIONS, short_citations=SHORT)
    assert found.source_map is not None
    located = [*found.source_map.paragraphs,
               *(p for note in found.source_map.notes for p in note)]
    for paragraph in located:
        for char, start, end, unit in zip(paragraph.text, paragraph.starts, paragraph.ends,
                                          paragraph.units, strict=True):
            if unit != LITERAL:
                continue
            written = text[start:end]
            assert written == char or written == "\\" + char or (
                char == " " and not written.strip(" \t\n>")) or written.startswith("&"), (
                char, written)


def test_a_citation_prints_as_a_note_mark_with_its_reference_as_the_note() -> None:
    found = project("Det siger de [@bds2023].", citations=CITATIONS)
    assert found.paragraphs == (f"Det siger de{NOTE_MARK}.",)
    assert found.notes == (("Mandag Morgen (2023): Bedre Digital Sundhed.",),)


def test_a_work_cited_earlier_in_the_document_prints_its_short_form() -> None:
    found = project("Igen [@ssk2024].", citations=CITATIONS, short_citations=SHORT,
                    cited_before={"ssk2024"})
    assert found.notes == (("Sundhedsstrukturkommissionen (2024).",),)


def test_a_title_and_a_note_mark_are_units_tied_to_their_markup() -> None:
    text = "Se [[HTHC-REC-1]] her[^n].\n\n[^n]: Noten."
    found = project(text, titles=TITLES)
    assert found.source_map is not None
    paragraph = found.source_map.paragraphs[0]
    title_at = paragraph.text.index("Én")
    unit = found.source_map.units[paragraph.units[title_at]]
    assert (unit.kind, text[unit.start:unit.end]) == ("wikilink", "[[HTHC-REC-1]]")
    mark = found.source_map.units[paragraph.units[paragraph.text.index(NOTE_MARK)]]
    assert (mark.kind, text[mark.start:mark.end], mark.note) == ("footnote", "[^n]", 0)


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_text_of_the_shipped_response_is_found_as_its_paragraphs(
        workspace: Path, language: str) -> None:
    """The shipped response rendered: each Markdown text placed by the template shows its
    projected paragraphs, one after another (the first may close a template paragraph)."""
    import io
    import zipfile

    from docx_paragraphs import W, paragraph_text
    from lxml import etree

    from hthc_cli.markup.analysis import citation_keys
    from hthc_cli.markup.compose import compose
    from hthc_cli.render.docx_writer import tokens_to_docx
    from hthc_cli.render.pipeline import document_options, prepare
    from hthc_cli.render.reference_doc import reference_features
    from hthc_cli.workspace.loader import load_workspace

    ws = load_workspace(workspace).workspace
    response = ws.responses["HTHC-HS-SSK-2024"]
    skeleton, context = prepare(ws, response, language, reference_features(None))
    tokens = compose(skeleton, context.slots, context.resolve)
    options = document_options(ws, response, language, None, citation_keys(tokens))
    with zipfile.ZipFile(io.BytesIO(tokens_to_docx(tokens, options))) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    shown = [paragraph_text(p) for p in body.iter(f"{W}p")]
    ids = [*ws.positions, *(r.id for s in ws.sources.values() for r in s.recommendations)]
    titles = {item: context.resolve(item)[0] for item in ids}
    placed = [n for n in range(len(context.slots.texts))
              if n not in context.slots.plain and f"\ue000{n}\ue001" in skeleton]
    assert len(placed) > 20
    for number in placed:
        paragraphs = project(context.slots.texts[number], titles=titles,
                             citations=options.citations,
                             short_citations=options.short_citations).paragraphs
        assert any(
            shown[at].endswith(paragraphs[0]) and shown[at + 1 : at + len(paragraphs)]
            == list(paragraphs[1:]) for at in range(len(shown))
        ), context.slots.texts[number]
