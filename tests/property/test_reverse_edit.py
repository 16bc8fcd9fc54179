"""A reviewer's word edits written back into Markdown print as the reviewer wrote them.

Texts are drawn from a small grammar of hthc's Markdown (emphasis, links, [[ID]], [@key],
footnotes, lists, quotes, line-wrapped paragraphs); edits replace, insert or delete literal
words of the projection. Whenever apply_edit writes an edit, the new Markdown projects to
exactly the edited text, and the markup not edited is still there.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hthc_cli.markup.reverse import LITERAL, Projection, apply_edit, project

TITLES = {"ID1": "Første titel", "ID2": "Anden titel"}
CITATIONS = {"k1": "Forfatter (2024): *Værk*.", "k2": "Anden (2023)."}
WORDS = st.text("abcdefghijklmnopqrstuvwxyzæøå", min_size=1, max_size=7)

MARKUP = ("**", "*", "[[", "[@", "[^", "](", "`", "\n- ", "\n> ")


def inline() -> st.SearchStrategy[str]:
    word = WORDS
    return st.one_of(
        word, word, word, word,
        word.map(lambda w: f"*{w}*"),
        st.lists(word, min_size=1, max_size=3).map(lambda ws: "**" + " ".join(ws) + "**"),
        st.lists(word, min_size=1, max_size=3).map(
            lambda ws: "[" + " ".join(ws) + "](https://example.org)"),
        st.sampled_from(["[[ID1]]", "[[ID2]]", "[@k1]", "[@k2]", "`kode`", "[^n]"]),
    )


def paragraph() -> st.SearchStrategy[str]:
    def joined(parts: list[str]) -> str:
        out = parts[0]
        for index, part in enumerate(parts[1:]):
            out += ("\n" if index % 4 == 3 else " ") + part
        return out
    return st.lists(inline(), min_size=1, max_size=10).map(joined)


def block() -> st.SearchStrategy[str]:
    return st.one_of(
        paragraph(), paragraph(),
        st.lists(paragraph().map(lambda p: p.replace("\n", " ")), min_size=1,
                 max_size=3).map(lambda ps: "\n".join("- " + p for p in ps)),
        paragraph().map(lambda p: "> " + p.replace("\n", "\n> ")),
    )


TEXTS = st.lists(block(), min_size=1, max_size=3).map(
    lambda blocks: "\n\n".join(blocks) + ("\n\n[^n]: Noten med *vægt*.\n"
                                          if any("[^n]" in b for b in blocks) else "\n"))

WORD = re.compile(r"\ufffc|\s+|\w+|[^\w\s\ufffc]")


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, Projection, Projection, str]:
    source = draw(TEXTS)
    before = project(source, titles=TITLES, citations=CITATIONS)
    assert before.source_map is not None
    paragraphs = list(before.paragraphs)
    number = draw(st.integers(0, len(paragraphs) - 1))
    located = before.source_map.paragraphs[number]
    words = [(m.start(), m.end()) for m in WORD.finditer(located.text)]
    literal = [(s, e) for s, e in words if located.text[s:e].isalpha()
               and all(located.units[n] == LITERAL for n in range(s, e))]
    if not literal:
        return source, before, before, "none"
    start, end = draw(st.sampled_from(literal))
    kind = draw(st.sampled_from(["replace", "insert", "delete"]))
    text = located.text
    new_word = draw(WORDS)
    if kind == "replace":
        changed = text[:start] + new_word + text[end:]
    elif kind == "insert":
        changed = text[:start] + new_word + " " + text[start:]
    else:
        if text[end : end + 1] == " ":
            end += 1
        elif text[start - 1 : start] == " ":
            start -= 1
        changed = text[:start] + text[end:]
    paragraphs[number] = changed
    return source, before, Projection(tuple(paragraphs), before.notes), kind


@settings(max_examples=300, deadline=None)
@given(edits())
def test_a_written_edit_prints_as_the_reviewer_wrote_it(
        case: tuple[str, Projection, Projection, str]) -> None:
    source, before, after, kind = case
    result = apply_edit(source, before, after, titles=TITLES, citations=CITATIONS)
    if kind == "replace":
        assert result.refused == [], result.refused  # a word inside one element: always
    if after != before:
        assert result.new_source is not None or result.refused  # nothing dropped unsaid
    if result.new_source is None:
        return
    written = project(result.new_source, titles=TITLES, citations=CITATIONS)
    if not result.refused:  # a paragraph whose every word went is removed
        assert written == Projection(tuple(p for p in after.paragraphs if p), after.notes)
    for markup in MARKUP:
        if kind == "delete":  # a word that was all of its emphasis or link takes it along
            assert result.new_source.count(markup) <= source.count(markup), markup
        else:
            assert result.new_source.count(markup) == source.count(markup), markup
