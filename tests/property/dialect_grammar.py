"""Workspaces drawn from a grammar of hthc's Markdown dialect, each text with the words it shows.

The grammar writes Markdown that means what it says: every construct is well formed, every
`[[ID]]` names an item and every `[@key]` a reference, unless a defect is drawn on purpose
(then the defect is recorded with the check code it must raise). For each text it keeps the
words a reader must find in the document: the words outside markup in the body, in order,
and for each footnote (a `[^n]` note, or the note a citation makes) the words of that note.

Each ordinary word holds a number of its own ("αβ0007"), so a word is found in the document
only where that very word was printed, and the order check is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

LANGUAGES = ("da", "en")

SCRIPTS = (
    "abcdefghijklmnopqrstuvwxyzæøå",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "".join(chr(c) for c in (*range(0x0627, 0x063B), *range(0x0641, 0x064B))),  # Arabic
    "".join(chr(c) for c in range(0x4E00, 0x4E30)),  # CJK ideographs
)
COMBINING = "\u0301\u0308\u0327\u0323\u0651"

# Literal characters that are easy to break, glued inside a word: (as written, as shown).
MARKDOWN_ODD = (
    ("{{", "{{"), ("}}", "}}"), ("{%", "{%"), ("%}", "%}"), ("{#", "{#"),
    ("&", "&"), ("&amp;", "&"), ("\\&amp;", "&amp;"), ("&copy;", "©"),
    ("~", "~"), ("\\*", "*"), ("_", "_"), ("<=", "<="), (">", ">"), ("#", "#"),
    ("|", "|"), ("\\\\", "\\"), ("\\", "\\"), ("@", "@"), ("<b>", "<b>"),
)
# In a one-line text (a title) every character prints as it is written.
PLAIN_ODD = (
    "{{", "}}", "{%", "%}", "{#", "&", "&amp;", "&copy;", "~", "~~", "*", "**", "_", "__",
    "<", ">", "<b>", "#", "|", "\\", "[", "]", "`", "@", "[^1]", "[[X]]", "$",
)
# Inside code everything is verbatim, dialect included.
CODE_TOKENS = (
    "[^1]", "[^n]:", "[[{pos}]]", "[[NOSUCH]]", "[@{ref}]", "[@nosuch]", "<b>", "*x*",
    "**y**", "_z_", "~~s~~", "{{ x }}", "{% if %}", "&amp;", "&copy;", "\\", "#", ">", "|",
    "[a](https://example.org/a)", ":::", "{#id}", "@{ref}",
)

Lines = list[str]


@dataclass(frozen=True)
class Title:
    """The words of an item's or a reference's title, in the language being rendered."""

    id: str


Word = str | Title


@dataclass
class Shown:
    """What one text must show: its body words in order, and each of its notes' words."""

    body: list[Word] = field(default_factory=list)
    notes: list[list[Word]] = field(default_factory=list)

    def extend(self, other: Shown) -> None:
        self.body.extend(other.body)
        self.notes.extend(other.notes)


@dataclass
class Defect:
    """A mistake drawn on purpose: `token` is unique in the workspace; check reports `code`
    at the column of its `at`-th character."""

    token: str
    code: str
    at: int


class Grammar:
    """Draws texts for one workspace; `draw` is hypothesis' draw function."""

    def __init__(self, draw: Callable[..., Any], defects: bool) -> None:
        self.draw = draw
        self.counter = 0
        self.items: list[str] = []
        """Ids of the recommendations and positions, for `[[ID]]`."""
        self.references: list[str] = []
        """Keys of references.yaml, for `[@key]`."""
        self.allow_defects = defects
        self.defects: list[Defect] = []
        # state of the text being drawn
        self.pending_notes: list[tuple[str, int]] = []
        self.note_count = 0

    # --- words -----------------------------------------------------------------------

    def stem(self, long: bool = False) -> str:
        self.counter += 1
        script = self.draw(st.sampled_from(SCRIPTS))
        size = self.draw(st.integers(100, 600)) if long else self.draw(st.integers(1, 5))
        letters = self.draw(st.text(script, min_size=size, max_size=size)) if not long else (
            script[self.draw(st.integers(0, len(script) - 1))] * size
        )
        if self.draw(st.integers(0, 5)) == 0:
            letters = letters[0] + self.draw(st.sampled_from(COMBINING)) + letters[1:]
        return f"{letters}{self.counter:04d}"

    def word(self) -> tuple[str, str]:
        """(as written, as shown) for one ordinary or odd word of a Markdown text."""
        kind = self.draw(st.sampled_from(("plain", "odd", "plain", "odd", "long")))
        if kind == "plain":
            stem = self.stem()
            return stem, stem
        if kind == "long":
            stem = self.stem(long=True)
            return stem, stem
        stem = self.stem()
        written, shown = self.draw(st.sampled_from(MARKDOWN_ODD))
        tail = self.draw(st.text(SCRIPTS[0], min_size=1, max_size=3))
        return f"{stem}{written}{tail}", f"{stem}{shown}{tail}"

    def title(self) -> str:
        """A one-line plain text: words and odd characters, printed verbatim."""
        words = []
        for _ in range(self.draw(st.integers(1, 4))):
            stem = self.stem()
            if self.draw(st.booleans()):
                odd = self.draw(st.sampled_from(PLAIN_ODD))
                stem = self.draw(st.sampled_from((stem + odd, odd + stem, f"{stem}{odd}x")))
            words.append(stem)
        return " ".join(words)

    # --- inline ----------------------------------------------------------------------

    def inline(self, in_table: bool = False, in_note: int = 0) -> tuple[str, Shown]:
        kinds = ["word", "word", "emphasis", "code", "link", "wikilink", "citation"]
        if not in_table:
            kinds.append("wikilink-in-link")
        if in_note < 2:
            kinds.append("footnote")
        if self.allow_defects:
            kinds.append("defect")
        kind = self.draw(st.sampled_from(kinds))
        shown = Shown()
        if kind == "word":
            written, visible = self.word()
            if in_table and "|" in written:
                written = written.replace("\\|", "|").replace("|", "\\|")
            shown.body.append(visible)
            return written, shown
        if kind == "emphasis":
            words = [self.stem() for _ in range(self.draw(st.integers(1, 3)))]
            mark = self.draw(st.sampled_from(("*", "**", "_")))
            shown.body.extend(words)
            return f"{mark}{' '.join(words)}{mark}", shown
        if kind == "code":
            tokens = [self.stem()]
            for _ in range(self.draw(st.integers(0, 3))):
                tokens.append(self.code_token(in_table))
            shown.body.extend(tokens)
            return "`" + " ".join(tokens) + "`", shown
        if kind == "link":
            words = [self.stem() for _ in range(self.draw(st.integers(1, 3)))]
            shown.body.extend(words)
            return f"[{' '.join(words)}](https://example.org/{self.counter})", shown
        if kind == "wikilink":
            return self.wikilink(shown)
        if kind == "wikilink-in-link":
            before, after = self.stem(), self.stem()
            shown.body.append(before)
            link, _ = self.wikilink(shown)
            shown.body.append(after)
            return f"[{before} {link} {after}](https://example.org/{self.counter})", shown
        if kind == "citation":
            return self.citation(shown)
        if kind == "footnote":
            self.note_count += 1
            label = self.draw(st.sampled_from((str(self.note_count), f"n{self.note_count}")))
            self.pending_notes.append((label, in_note + 1))
            # the note's words are added when its definition is drawn
            return f"[^{label}]", shown
        self.counter += 1
        if self.draw(st.booleans()) or not self.references:
            token = f"[[NOSUCH{self.counter:04d}]]"
            self.defects.append(Defect(token, "HTHC205", 0))
        else:
            token = f"[@nosuch{self.counter:04d}]"
            self.defects.append(Defect(token, "HTHC206", 1))
        return token, shown

    def code_token(self, in_table: bool) -> str:
        choices = [t for t in CODE_TOKENS if not (in_table and "|" in t)]
        token = self.draw(st.sampled_from(choices))
        pos = self.draw(st.sampled_from(self.items)) if self.items else "X"
        ref = self.draw(st.sampled_from(self.references)) if self.references else "x"
        return token.replace("{pos}", pos).replace("{ref}", ref)

    def wikilink(self, shown: Shown) -> tuple[str, Shown]:
        if not self.items:
            word = self.stem()
            shown.body.append(word)
            return word, shown
        item = self.draw(st.sampled_from(self.items))
        shown.body.append(Title(item))
        return f"[[{item}]]", shown

    def citation(self, shown: Shown) -> tuple[str, Shown]:
        if not self.references:
            word = self.stem()
            shown.body.append(word)
            return word, shown
        keys = self.draw(
            st.lists(st.sampled_from(self.references), min_size=1, max_size=2)
        )
        words: list[Word] = []
        cited = []
        for key in keys:
            words.append(Title(key))
            cited.append(self.draw(st.sampled_from((f"@{key}", f"@{{{key}}}"))))
        shown.notes.append(words)
        form = self.draw(st.sampled_from(("bare", "prefix", "suffix")))
        inner = "; ".join(cited)
        if form == "prefix":
            inner = "see " + inner
        elif form == "suffix":
            inner += ", p. 4"
        return f"[{inner}]", shown

    def sentence(self, in_table: bool = False, in_note: int = 0) -> tuple[list[str], Shown]:
        """Inline elements joined by spaces, as lines: a line may break before a word."""
        shown = Shown()
        parts: list[str] = []
        first = self.stem()
        parts.append(first)
        shown.body.append(first)
        for _ in range(self.draw(st.integers(0, 5))):
            written, more = self.inline(in_table, in_note)
            parts.append(written)
            shown.extend(more)
        if in_table:
            return [" ".join(parts)], shown
        lines = [parts[0]]
        for part in parts[1:]:
            if part[0].isalpha() and self.draw(st.integers(0, 3)) == 0:
                lines.append(part)
            else:
                lines[-1] += " " + part
        return lines, shown

    # --- blocks ----------------------------------------------------------------------

    def block(self, depth: int) -> tuple[Lines, Shown]:
        kinds = ["paragraph", "paragraph", "code", "table"]
        if depth < 3:
            kinds += ["bullets", "numbers", "quote"]
        if depth == 0:
            kinds.append("deep")
        kind = self.draw(st.sampled_from(kinds))
        if kind == "paragraph":
            return self.sentence()
        if kind == "code":
            return self.code_block()
        if kind == "table":
            return self.table()
        if kind == "quote":
            inner, shown = self.blocks(depth + 1, 2)
            return [f"> {line}" if line else ">" for line in inner], shown
        if kind == "deep":
            return self.deep_list(self.draw(st.integers(8, 12)))
        return self.list_block(depth, numbered=kind == "numbers")

    def blocks(self, depth: int, most: int) -> tuple[Lines, Shown]:
        lines: Lines = []
        shown = Shown()
        for index in range(self.draw(st.integers(1, most))):
            block, more = self.block(depth)
            if index:
                lines.append("")
            lines.extend(block)
            shown.extend(more)
        return lines, shown

    def list_block(self, depth: int, numbered: bool) -> tuple[Lines, Shown]:
        lines: Lines = []
        shown = Shown()
        tight = self.draw(st.booleans())
        for index in range(self.draw(st.integers(1, 3))):
            marker = f"{index + 1}. " if numbered else "- "
            if tight:
                body, more = self.sentence()
                if self.draw(st.integers(0, 2)) == 0 and depth < 2:
                    nested, nested_shown = self.list_block(depth + 1, self.draw(st.booleans()))
                    body += nested
                    more.extend(nested_shown)
            else:
                body, more = self.blocks(depth + 1, 2)
                if index:
                    lines.append("")
            lines.extend(_item(marker, body))
            shown.extend(more)
        return lines, shown

    def deep_list(self, levels: int) -> tuple[Lines, Shown]:
        """One item in one item … `levels` deep, a word at each level."""
        shown = Shown()
        lines: Lines = []
        for level in range(levels):
            word = self.stem()
            shown.body.append(word)
            lines.append("  " * level + f"- {word}")
        return lines, shown

    def code_block(self) -> tuple[Lines, Shown]:
        lines = ["```" + self.draw(st.sampled_from(("", "text")))]
        shown = Shown()
        for _ in range(self.draw(st.integers(1, 3))):
            tokens = [self.stem()]
            for _ in range(self.draw(st.integers(0, 3))):
                tokens.append(self.code_token(False))
            if self.draw(st.booleans()):
                tokens.reverse()
            indent = " " * self.draw(st.sampled_from((0, 0, 2, 4)))
            lines.append(indent + " ".join(tokens))
            shown.body.extend(tokens)
        lines.append("```")
        return lines, shown

    def table(self) -> tuple[Lines, Shown]:
        columns = self.draw(st.integers(1, 4))
        shown = Shown()
        lines = []
        for row in range(self.draw(st.integers(2, 4))):
            cells = []
            for _ in range(columns):
                cell, more = self.sentence(in_table=True) if row else self.header_cell()
                cells.append(cell[0])
                shown.extend(more)
            lines.append("| " + " | ".join(cells) + " |")
            if row == 0:
                lines.append("|" + "---|" * columns)
        return lines, shown

    def header_cell(self) -> tuple[list[str], Shown]:
        word = self.stem()
        return [word], Shown([word])

    # --- texts -----------------------------------------------------------------------

    def markdown_text(self) -> tuple[str, Shown]:
        """One Markdown text (a summary, an argument …)."""
        self.pending_notes = []
        self.note_count = 0
        lines, shown = self.blocks(0, 3)
        while self.pending_notes:
            label, level = self.pending_notes.pop(0)
            body, note = self.sentence(in_note=level)
            words: list[Word] = list(note.body)
            shown.notes.extend(note.notes)  # citations inside a note
            lines += ["", f"[^{label}]: " + body[0], *("    " + line for line in body[1:])]
            if self.draw(st.integers(0, 3)) == 0:  # a second paragraph in the note
                more, more_note = self.sentence(in_note=level)
                lines += ["", *("    " + line for line in more)]
                words += more_note.body
                shown.notes.extend(more_note.notes)
            shown.notes.append(words)
        return "\n".join(lines) + "\n", shown


def _item(marker: str, body: Lines) -> Lines:
    pad = " " * len(marker)
    out = [marker + body[0]]
    out += [pad + line if line else "" for line in body[1:]]
    return out


# --- workspaces ------------------------------------------------------------------------

STANCES = ("support", "support-with-reservations", "oppose", "neutral", "new-proposal")
RESPONSE_ID = "RESP-1"


@dataclass
class Case:
    """One text a response includes: where it is written, as written, and what it shows."""

    where: str
    written: str
    shown: Shown


@dataclass
class Generated:
    files: dict[str, str]
    """Path in the workspace → file text."""
    titles: dict[str, dict[str, str]]
    """Item id or reference key → its title in each language."""
    included: dict[str, list[Case]]
    """The texts response RESP-1 includes, by the language they are shown in."""
    defects: list[Defect]

    def __repr__(self) -> str:
        return f"<workspace of {len(self.files)} files>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def words(self, words: list[Word], language: str) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(word.split() if isinstance(word, str) else
                       self.titles[word.id][language].split())
        return out


def quoted(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    """Builds the YAML of one file as text, remembering what each text shows."""

    def __init__(self, path: str, grammar: Grammar) -> None:
        self.path = path
        self.g = grammar
        self.lines: list[str] = []
        self.texts: dict[str, dict[str, tuple[str, Shown]]] = {}
        """Name of the text (e.g. 'P-1 argument') → language → (as written, shown)."""

    def line(self, text: str) -> None:
        self.lines.append(text)

    def plain(self, indent: int, key: str, name: str, per_language: dict[str, str]) -> None:
        pad = " " * indent
        values = set(per_language.values())
        if len(values) == 1 and self.g.draw(st.booleans()):
            self.line(f"{pad}{key}: {quoted(values.pop())}")
        else:
            self.line(f"{pad}{key}:")
            for lang, value in per_language.items():
                self.line(f"{pad}  {lang}: {quoted(value)}")
        self.texts[name] = {
            lang: (value, Shown(list[Word](value.split()))) for lang, value in per_language.items()
        }

    def markdown(self, indent: int, key: str, name: str, dash: bool = False) -> None:
        """A Markdown text under `key` (or, with `dash`, a list item), common or per language."""
        pad = " " * indent
        head = f"{pad}- " if dash else f"{pad}{key}: "
        inner = indent + 2
        if self.g.draw(st.integers(0, 3)) == 0:
            written, shown = self.g.markdown_text()
            self.line(head + "|")
            self._block(written, inner)
            self.texts[name] = {lang: (written, shown) for lang in LANGUAGES}
            return
        self.texts[name] = {}
        for index, lang in enumerate(LANGUAGES):
            written, shown = self.g.markdown_text()
            if dash:
                self.line((head if not index else f"{pad}  ") + f"{lang}: |")
                self._block(written, inner + 2)
            else:
                if not index:
                    self.line(f"{pad}{key}:")
                self.line(f"{pad}  {lang}: |")
                self._block(written, inner + 2)
            self.texts[name][lang] = (written, shown)

    def _block(self, written: str, indent: int) -> None:
        for line in written.rstrip("\n").split("\n"):
            self.line(" " * indent + line if line else "")

    def cases(self, name: str, where: str) -> list[tuple[str, Case]]:
        return [
            (lang, Case(f"{self.path}: {where} ({lang})", written, shown))
            for lang, (written, shown) in self.texts[name].items()
        ]

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@st.composite
def workspaces(draw: Callable[..., Any]) -> Generated:
    """A workspace of one source, its recommendations, positions, references and a response."""
    g = Grammar(draw, defects=draw(st.integers(0, 3)) == 0)
    rec_ids = [f"R-{i + 1}" for i in range(draw(st.integers(1, 3)))]
    pos_ids = [f"P-{i + 1}" for i in range(draw(st.integers(1, 3)))]
    new_proposal = draw(st.booleans())
    if new_proposal:
        pos_ids.append("P-NEW")
    ref_keys = draw(st.lists(st.sampled_from(("ref-1", "smith.2020", "ref_3", "x-4")),
                             max_size=2, unique=True))
    titles: dict[str, dict[str, str]] = {}
    for key in (*rec_ids, *pos_ids, *ref_keys, "SRC", RESPONSE_ID):
        common = draw(st.integers(0, 3)) == 0
        first = g.title()
        titles[key] = {lang: first if common or not i else g.title()
                       for i, lang in enumerate(LANGUAGES)}
    g.items = [*rec_ids, *pos_ids]
    g.references = list(ref_keys)
    cases: dict[str, list[Case]] = {lang: [] for lang in LANGUAGES}

    def keep(found: list[tuple[str, Case]]) -> None:
        for lang, case in found:
            cases[lang].append(case)

    # the positions: what each addresses, and where the response lists it
    addresses = {}
    for pid in pos_ids:
        if pid == "P-NEW":
            addresses[pid] = []
        else:
            addresses[pid] = draw(st.lists(st.sampled_from(rec_ids), min_size=1, unique=True))
    listed = {pid: draw(st.sampled_from(("general", "specific"))) for pid in pos_ids}
    if new_proposal:
        listed["P-NEW"] = "specific"
    general = [p for p in pos_ids if listed[p] == "general"]
    specific = [p for p in pos_ids if listed[p] == "specific"]
    shown_recs = {r for p in specific for r in addresses[p]}

    recs = Writer("recommendations/src.yaml", g)
    recs.line("source:")
    recs.line("  id: SRC")
    recs.plain(2, "title", "SRC", titles["SRC"])
    keep(recs.cases("SRC", "source title"))
    recs.line("  publisher: The Ministry")
    recs.line("  published: 2024-01-01")
    recs.line("recommendations:")
    for rid in rec_ids:
        recs.line(f"  - id: {rid}")
        if draw(st.booleans()):
            label = {lang: g.title() for lang in LANGUAGES}
            recs.plain(4, "label", f"{rid} label", label)
            keep(recs.cases(f"{rid} label", f"{rid} label"))
        recs.plain(4, "title", rid, titles[rid])
        keep(recs.cases(rid, f"{rid} title"))
        recs.markdown(4, "text", f"{rid} text")
        if rid in shown_recs:
            keep(recs.cases(f"{rid} text", f"{rid} text"))
        recs.line("    wording: paraphrase")

    positions = Writer("positions/positions.yaml", g)
    positions.line("positions:")
    for pid in pos_ids:
        positions.line(f"  - id: {pid}")
        positions.plain(4, "title", pid, titles[pid])
        stance = "new-proposal" if pid == "P-NEW" else draw(st.sampled_from(STANCES))
        positions.line(f"    stance: {stance}")
        positions.line(f"    addresses: [{', '.join(addresses[pid])}]")
        positions.markdown(4, "summary", f"{pid} summary")
        positions.markdown(4, "argument", f"{pid} argument")
        names = [f"{pid} title", f"{pid} summary", f"{pid} argument"]
        proposals = draw(st.integers(0, 2))
        if proposals:
            positions.line("    proposals:")
            for n in range(proposals):
                positions.markdown(6, "", f"{pid} proposal {n + 1}", dash=True)
                names.append(f"{pid} proposal {n + 1}")
        positions.line("    status: approved")
        keep(positions.cases(pid, f"{pid} title"))
        for name in names[1:]:
            keep(positions.cases(name, name))

    references = Writer("references.yaml", g)
    references.line("references:")
    for key in ref_keys:
        references.line(f"  - key: {key}")
        references.plain(4, "title", key, titles[key])
        references.line("    author: Some Author")
        references.line("    year: 2020")

    response = Writer("responses/response.yaml", g)
    response.line(f"id: {RESPONSE_ID}")
    response.line("source: SRC")
    response.plain(0, "title", RESPONSE_ID, titles[RESPONSE_ID])
    keep(response.cases(RESPONSE_ID, "response title"))
    response.line("hearing:")
    response.line("  authority: The Ministry")
    response.line("  deadline: 2999-12-31")
    response.line("date: 2024-02-01")
    response.markdown(0, "introduction", "introduction")
    keep(response.cases("introduction", "introduction"))
    response.line("general: [" + ", ".join(general) + "]")
    if specific:
        response.line("specific: [" + ", ".join(specific) + "]")
    response.markdown(0, "closing", "closing")
    keep(response.cases("closing", "closing"))
    response.line("signatory:")
    response.line("  name: Ann Signer")
    response.line("  role: Director")
    response.line("contact:")
    response.line("  name: Ann Signer")

    files = {
        "hthc.yaml": "organisation:\n  name: The Organisation\n  short_name: TO\n"
                     "languages: [da, en]\n",
        recs.path: recs.text(),
        positions.path: positions.text(),
        references.path: references.text(),
        response.path: response.text(),
    }
    if not ref_keys:
        del files[references.path]
    return Generated(files, titles, cases, g.defects)
