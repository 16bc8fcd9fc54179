"""project() equals the rendered .docx paragraph for paragraph, for texts drawn from a grammar
of the dialect: emphasis, links, [[ID]], citations, footnotes (also inline and repeated),
lists, quotes, headings, tables, code, escapes, entities, hard breaks."""

from __future__ import annotations

from docx_paragraphs import rendered
from hypothesis import given, settings
from hypothesis import strategies as st

from hthc_cli.markup.reverse import LITERAL, project

TITLES = {"ID1": "Første *titel*", "ID2": "Anden & titel"}
CITATIONS = {"k1": "Forfatter (2024): *Værk*.", "k2": "Anden (2023)"}
SHORT = {"k1": "Forfatter (2024)"}
WORDS = st.text("abcæø", min_size=1, max_size=5)
ODD = st.sampled_from(["\\*", "\\_", "&amp;", "&copy;", "R&D", "5 < 6", "a_b", "\\\\", "#",
                       "x|y", "\\[", "~", "{x}", "\t"])


def inline(depth: int = 0) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        WORDS, WORDS, WORDS, ODD,
        st.sampled_from(["[[ID1]]", "[[ID2]]", "[[NONE]]", "[@k1]", "[see @k2, p. 3]",
                         "[@k1; @k2]", "`kode *x*`", "[^a]", "[^b]", "^[inline *n*]",
                         "<https://example.org>", "[spænd]{.c}"]),
    )
    if depth >= 2:
        return leaf
    inner = st.lists(inline(depth + 1), min_size=1, max_size=3).map(" ".join)
    return st.one_of(
        leaf, leaf, leaf,
        inner.map(lambda t: f"*{t}*"), inner.map(lambda t: f"**{t}**"),
        inner.map(lambda t: f"~~{t}~~"),
        inner.map(lambda t: f"[{t}](https://example.org)"),
    )


def paragraph() -> st.SearchStrategy[str]:
    seps = st.sampled_from([" ", " ", " ", "\n", "  \n", "\\\n"])
    return st.lists(st.tuples(inline(), seps), min_size=1, max_size=8).map(
        lambda parts: "".join(t + s for t, s in parts[:-1]) + parts[-1][0])


def block() -> st.SearchStrategy[str]:
    line = paragraph().map(lambda p: p.replace("\n", " ").replace("\\ ", " ").strip())
    return st.one_of(
        paragraph(), paragraph(),
        st.lists(line, min_size=1, max_size=3).map(lambda ps: "\n".join("- " + p for p in ps)),
        st.lists(line, min_size=1, max_size=3).map(
            lambda ps: "\n".join(f"{n + 1}. {p}" for n, p in enumerate(ps))),
        line.map(lambda p: "- " + p + "\n  - under " + p),
        paragraph().map(lambda p: "> " + p.replace("\n", "\n> ")),
        line.map(lambda p: "## " + p),
        st.lists(st.lists(line.map(lambda c: c.replace("|", "\\|")), min_size=2, max_size=2),
                 min_size=1, max_size=2).map(
            lambda rows: "| a | b |\n|---|--:|\n" + "\n".join(
                "| " + " | ".join(r) + " |" for r in rows)),
        st.lists(WORDS, min_size=1, max_size=3).map(lambda ws: "```\n" + "\n".join(ws)
                                                     + "\n```"),
    )


TEXTS = st.lists(block(), min_size=1, max_size=3).map(
    lambda blocks: "\n\n".join(blocks) + "\n\n[^a]: Note *a* med [@k1].\n\n"
    "[^b]: Note b.\n\n    Andet afsnit^[indre].\n")


@settings(max_examples=40, deadline=None)
@given(TEXTS)
def test_the_projection_is_the_rendered_document(text: str) -> None:
    kwargs = {"titles": TITLES, "citations": CITATIONS, "short_citations": SHORT}
    found = project(text, **kwargs)
    assert found == rendered(text, **kwargs)
    assert found.source_map is not None
    for paragraph in found.source_map.paragraphs:
        for char, start, end, unit in zip(paragraph.text, paragraph.starts, paragraph.ends,
                                          paragraph.units, strict=True):
            if unit == LITERAL:
                written = text[start:end]
                assert char in written or written.startswith("&") or (
                    char == " " and not written.strip(" \t\n>")), (char, written)
