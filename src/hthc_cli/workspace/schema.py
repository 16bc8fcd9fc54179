"""The workspace format as data: one table of fields per kind of file.

The same table validates files (with located diagnostics) and is written out as JSON Schema
for editors (`hthc schema`), so the two cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from hthc_cli.base.diagnostics import Diagnostic, Location
from hthc_cli.base.labels import (
    KIND_LABELS,
    KINDS,
    LABELS,
    RAW_LABELS,
    allowed_placeholders,
)
from hthc_cli.base.suggest import closest, describe_odd, did_you_mean, normalise
from hthc_cli.workspace.source import (
    REPORTED,
    InvalidScalar,
    YMap,
    YNode,
    YScalar,
    YSeq,
    scalar_kind,
)

Kind = Literal[
    "text", "markdown", "string", "id", "ref", "refs", "enum", "date", "url", "email",
    "year", "language", "languages", "texts", "object", "objects", "bool", "datetime",
]

ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
DATETIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
"""A moment in UTC to the second, as a review comment is dated: 2026-11-30T10:15:00Z."""
_QUOTE_HINT = 'put the value in quotes ("…") to make it text'
_ID_HINT = "ids start with a letter and hold only letters, digits, '-', '_', '.'"

LANGUAGE_NAMES = {
    "danish": "da", "dansk": "da", "english": "en", "engelsk": "en", "german": "de",
    "deutsch": "de", "tysk": "de", "swedish": "sv", "svenska": "sv", "svensk": "sv",
    "norwegian": "nb", "norsk": "nb", "french": "fr", "fransk": "fr", "spanish": "es",
    "spansk": "es", "finnish": "fi", "finsk": "fi", "dutch": "nl", "hollandsk": "nl",
}
"""Language names written where a code belongs, with their code."""
COUNTRY_CODES = {
    "dk": "da", "se": "sv", "gb": "en", "uk": "en", "us": "en", "no": "nb", "cz": "cs",
    "gr": "el", "jp": "ja", "cn": "zh", "ee": "et", "si": "sl", "ua": "uk", "at": "de",
}
"""Country codes often written for a language code: 'dk' for Danish, whose code is 'da'."""
THREE_LETTER_CODES = {
    "dan": "da", "eng": "en", "deu": "de", "ger": "de", "swe": "sv", "nob": "nb",
    "nor": "nb", "fra": "fr", "fre": "fr", "spa": "es", "fin": "fi", "nld": "nl", "dut": "nl",
}
"""ISO 639-2 codes of languages that have a two-letter code, which hthc uses."""
_ENGLISH_NAMES = {"da": "Danish", "en": "English", "de": "German", "sv": "Swedish",
                  "nb": "Norwegian", "fr": "French", "es": "Spanish", "fi": "Finnish",
                  "nl": "Dutch"}


def config_language(value: str) -> tuple[str | None, str | None]:
    """What a language in hthc.yaml's list stands for, and what is wrong with it.

    (code, None) for a code; (code, problem) for a slip whose meaning is clear: a language
    name, a three-letter or country code of a language hthc can render in; (None,
    problem) for what is no language code at all. A well-formed code of another language
    is taken as written (texts may be in it, though hthc cannot render it yet).
    """
    plain = value.strip().lower()
    if value in LABELS:
        return value, None
    if plain in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[plain], f"'{value}' is not a language code"
    code = THREE_LETTER_CODES.get(plain)
    if code in LABELS:
        return code, (f"'{value}' is a three-letter language code; hthc writes "
                      f"{_ENGLISH_NAMES[code]} as '{code}'")
    code = COUNTRY_CODES.get(plain)
    if code in LABELS:
        return code, f"'{value}' is a country code, not a language code"
    if LANGUAGE_PATTERN.match(value):
        return value, None
    if LANGUAGE_PATTERN.match(plain):
        return plain, f"'{value}' is not a language code"
    return None, f"'{value}' is not a language code"


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    spec: Spec | None = None
    default: str = ""
    """What leaving the key out means, for docs/format.md."""


@dataclass(frozen=True)
class Spec:
    """The keys one mapping may hold."""

    title: str
    fields: dict[str, Field]
    open: bool = False


@dataclass(slots=True)
class Text:
    """A human text: one string for every language, or a string per language."""

    node: YNode
    common: YScalar | None = None
    by_language: dict[str, YScalar] = field(default_factory=dict)
    reported: tuple[str, ...] = ()
    """Languages whose value was wrong or empty (and so already reported)."""

    def get(self, language: str) -> str | None:
        if self.common is not None:
            return str(self.common.value)
        scalar = self.by_language.get(language)
        return None if scalar is None else str(scalar.value)

    def scalars(self) -> list[tuple[str | None, YScalar]]:
        if self.common is not None:
            return [(None, self.common)]
        return list(self.by_language.items())

    def any(self, preferred: str) -> str:
        """The text in `preferred`, else in any language it has (for listings)."""
        value = self.get(preferred)
        if value is not None:
            return value
        for scalar in self.by_language.values():
            return str(scalar.value)
        return ""


@dataclass(slots=True)
class Record:
    """A validated mapping: its values (converted) and where each came from."""

    loc: Location
    values: dict[str, Any]
    locs: dict[str, Location]
    nodes: dict[str, YNode]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass(slots=True)
class IdRef:
    value: str
    loc: Location


STANCES = ("support", "support-with-reservations", "oppose", "neutral", "new-proposal")
STATUSES = ("draft", "review", "approved")
WORDINGS = ("verbatim", "paraphrase")

ORGANISATION = Spec(
    "organisation",
    {
        "name": Field("text", True, "The organisation's full name."),
        "short_name": Field("string", False, "Its abbreviation, e.g. HTHC."),
        "website": Field("url", False, "Its website."),
        "address": Field("text", False, "Postal address, shown in the letterhead."),
        "email": Field("email", False, "General email address."),
        "phone": Field("string", False, "General phone number."),
        "cvr": Field("string", False, "Danish company registration number (CVR)."),
    },
)


def _label_words(language: str) -> Spec:
    """The labels of one language that hthc.yaml may reword."""
    fields = {}
    for name, text in LABELS[language].items():
        by_kind = name in KIND_LABELS["bill"][language]
        filled = ", ".join(f"`{{{p}}}`" for p in allowed_placeholders(name))
        if name in RAW_LABELS:
            what = "Printed as written" + (f"; fills in {filled}." if filled else ".")
        else:
            what = f"Markdown; may fill in {filled}."
        fields[name] = Field(
            "string", False, what,
            default=f"the kind's words; a report's: `{text}`" if by_kind else f"`{text}`",
        )
    return Spec(f"labels ({language})", fields)


LABELS_SPEC = Spec(
    "labels",
    {
        language: Field(
            "object", False, f"Fixed words of the documents in '{language}' to replace.",
            spec=_label_words(language),
        )
        for language in LABELS
    },
)
WORKSPACE = Spec(
    "hthc.yaml",
    {
        "organisation": Field("object", True, "Who sends the responses.", spec=ORGANISATION),
        "languages": Field(
            "languages", True, "Language codes of the texts; the first is the default."
        ),
        "reference_doc": Field(
            "string", False, "A .docx whose styles, page setup and letterhead are used.",
            default="the built-in reference document",
        ),
        "templates": Field("string", False, "Folder of templates overriding the built-in ones.",
                           default="templates"),
        "page_numbers": Field(
            "bool", False, "Add \"page X of Y\" to the footer when the reference document's "
            "headers and footers show no page number.", default="true",
        ),
        "labels": Field(
            "object", False, "The documents' fixed words (headings, the annex title) in the "
            "team's own words, per language: `labels: {da: {specific: …}}`.",
            spec=LABELS_SPEC, default="hthc's words, which follow the source's kind",
        ),
    },
)
SOURCE = Spec(
    "source",
    {
        "id": Field("id", True, "Unique id of the document under consultation."),
        "title": Field("text", True, "Its title."),
        "publisher": Field("text", True, "Who published it."),
        "published": Field("date", True, "Publication date, YYYY-MM-DD."),
        "url": Field("url", False, "Where it can be read."),
        "kind": Field(
            "enum", False, "What it is; the document's headings and annex follow it (a bill's "
            "provisions, a proposal's articles).", choices=KINDS, default="report",
        ),
    },
)
RECOMMENDATION = Spec(
    "recommendation",
    {
        "id": Field("id", True, "Unique id, e.g. SSK-2024-DIGI."),
        "label": Field("text", False, "Its number or heading in the source."),
        "title": Field("text", True, "Short title."),
        "text": Field("markdown", True, "What it says (Markdown)."),
        "wording": Field(
            "enum", True, "Whether `text` is the source's exact words.", choices=WORDINGS
        ),
        "url": Field("url", False, "Where the wording comes from."),
    },
)
RECOMMENDATIONS_FILE = Spec(
    "recommendations file",
    {
        "source": Field("object", True, "The document under consultation.", spec=SOURCE),
        "recommendations": Field(
            "objects", True, "Its recommendations.", spec=RECOMMENDATION
        ),
    },
)
POSITION = Spec(
    "position",
    {
        "id": Field("id", True, "Unique id, e.g. HTHC-NATIONAL-STRATEGY."),
        "title": Field("text", True, "Short title."),
        "stance": Field("enum", True, "The stance taken.", choices=STANCES),
        "addresses": Field("refs", True, "Ids of the recommendations it answers."),
        "summary": Field("markdown", True, "The position in one sentence (Markdown)."),
        "argument": Field("markdown", True, "The argument (Markdown)."),
        "proposals": Field("texts", False, "Concrete proposals or wording requests."),
        "status": Field("enum", True, "Where it is in approval.", choices=STATUSES),
        "owner": Field("string", False, "Who is responsible for it."),
    },
)
POSITIONS_FILE = Spec(
    "positions file",
    {"positions": Field("objects", True, "The positions.", spec=POSITION)},
)
REFERENCE = Spec(
    "reference",
    {
        "key": Field("id", True, "The key cited as [@key]."),
        "title": Field("text", True, "Title of the work."),
        "author": Field("text", False, "Author or authors."),
        "year": Field("year", False, "Year of publication."),
        "publisher": Field("text", False, "Publisher."),
        "url": Field("url", False, "Where it can be read."),
        "accessed": Field("date", False, "When the web address was read."),
        "note": Field("text", False, "Anything else to print with it."),
    },
)
REFERENCES_FILE = Spec(
    "references.yaml",
    {"references": Field("objects", True, "Works cited as [@key].", spec=REFERENCE)},
)
HEARING = Spec(
    "hearing",
    {
        "authority": Field("text", True, "The authority that runs the hearing."),
        "case_number": Field("string", False, "The authority's case number (sagsnr.)."),
        "deadline": Field("date", True, "Deadline for responses."),
        "url": Field("url", False, "The hearing's page."),
    },
)
SIGNATORY = Spec(
    "signatory",
    {"name": Field("string", True, "Who signs."), "role": Field("text", True, "Their title.")},
)
CONTACT = Spec(
    "contact",
    {
        "name": Field("string", True, "Contact person."),
        "email": Field("email", False, "Their email."),
        "phone": Field("string", False, "Their phone number."),
    },
)
RESPONSE = Spec(
    "response",
    {
        "id": Field("id", True, "Unique id of the response."),
        "source": Field("ref", True, "Id of the source it answers."),
        "title": Field("text", True, "Title of the response."),
        "hearing": Field("object", True, "The hearing.", spec=HEARING),
        "date": Field("date", True, "The response's date."),
        "introduction": Field("markdown", True, "Thanks and who we are (Markdown)."),
        "brief_introduction": Field(
            "markdown", False, "The opening paragraph of the brief, written for members and "
            "partners (Markdown).", default="the introduction",
        ),
        "general": Field("refs", True, "Ids of the general positions, in order."),
        "specific": Field(
            "refs", False,
            "Ids of the specific positions; by default all that address the source.",
            default="every position that addresses the source",
        ),
        "closing": Field(
            "markdown", False, "Closing remarks (Markdown).",
            default="none; the response template needs it, the brief does not",
        ),
        "signatory": Field(
            "object", False, "Who signs.", spec=SIGNATORY,
            default="none; the response template needs it, the brief does not",
        ),
        "contact": Field("object", True, "Contact person.", spec=CONTACT),
        "template": Field("string", False, "Template name, default response.md.j2.",
                          default="response.md.j2"),
        "language": Field(
            "language", False, "Render only in this language, one of hthc.yaml's languages.",
            default="every language of hthc.yaml",
        ),
    },
)

REVIEW_STATUSES = ("open", "resolved")
REVIEW_TARGET = Spec(
    "review target",
    {
        "file": Field("string", True, "The file holding the text, e.g. positions/governance.yaml."),
        "item": Field("id", True, "The id of the item (or of the response, or `organisation`)."),
        "field": Field(
            "string", True, "The text's key, with a list's index: summary, proposals.0."
        ),
        "language": Field("language", True, "The language of the text commented on."),
    },
)
REVIEW_REPLY = Spec(
    "reply",
    {
        "author": Field("string", True, "Who replied."),
        "date": Field("datetime", True, "When, in UTC: '2026-11-30T10:15:00Z' (quoted)."),
        "body": Field("string", True, "The reply's text."),
    },
)
REVIEW_COMMENT = Spec(
    "review comment",
    {
        "id": Field("id", True, "Its id, from the comment itself: RC- and 10 hex digits."),
        "author": Field("string", True, "Who commented."),
        "initials": Field("string", False, "Their initials, as Word shows them."),
        "date": Field("datetime", True, "When, in UTC: '2026-11-30T10:15:00Z' (quoted)."),
        "anchor": Field("string", False, "The words the comment is on.",
                        default="the start of the text"),
        "target": Field("object", True, "The text it is on.", spec=REVIEW_TARGET),
        "body": Field("string", True, "The comment's text."),
        "replies": Field("objects", False, "Replies, oldest first.", spec=REVIEW_REPLY,
                         default="none"),
        "status": Field(
            "enum", True, "`open` until the comment is dealt with; an open comment is "
            "shown in the next document.", choices=REVIEW_STATUSES,
        ),
    },
)
REVIEWS_FILE = Spec(
    "reviews file",
    {
        "response": Field("ref", True, "Id of the response reviewed."),
        "comments": Field(
            "objects", True, "The reviewers' comments, one per Word comment.",
            spec=REVIEW_COMMENT,
        ),
    },
)

FILE_SPECS: dict[str, Spec] = {
    "workspace": WORKSPACE,
    "recommendations": RECOMMENDATIONS_FILE,
    "positions": POSITIONS_FILE,
    "references": REFERENCES_FILE,
    "response": RESPONSE,
    "reviews": REVIEWS_FILE,
}


class Validator:
    """Checks located nodes against a `Spec`, turning them into `Record`s."""

    def __init__(self, languages: tuple[str, ...], diagnostics: list[Diagnostic]) -> None:
        self.languages = languages
        self.diagnostics = diagnostics
        self.texts: list[tuple[Text, bool]] = []
        """Every text read, with whether it is Markdown: the content checks scan these."""
        self.languages_in_error = False
        """hthc.yaml's list holds what is no language: texts are not checked against it."""
        self.known: Mapping[str, Collection[str]] = {}
        """The ids a reference under each key may name, for did-you-mean ('addresses' →
        the recommendations read so far)."""

    def error(self, code: str, loc: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.make(code, loc, message, hint=hint))

    def record(self, node: YNode, spec: Spec, where: str) -> Record | None:
        if isinstance(node, YScalar) and node.value is REPORTED:
            return None
        if not isinstance(node, YMap):
            self.error(
                "HTHC103", node.loc,
                f"{where} must be a mapping of 'key: value' lines, not {_kind(node)}",
            )
            return None
        values: dict[str, Any] = {}
        locs: dict[str, Location] = {}
        meant: set[str] = set()  # known keys that an unknown one is, once normalised
        before: str | None = None  # the key above
        for key, value_node in node.items.items():
            fld = spec.fields.get(key)
            if fld is None:
                above = values.get(before) if before is not None else None
                if (isinstance(above, Text) and isinstance(above.node, YMap)
                        and key in self.languages and key not in above.node.items):
                    self.dedented_language(key, node.keys[key], before or "", above, spec)
                elif not spec.open:
                    self.unknown_key(key, node.keys[key], spec, meant)
                continue
            before = key
            locs[key] = value_node.loc
            if fld.kind in ("text", "markdown") and isinstance(value_node, YMap):
                # keys of this mapping indented into the text: reported there, not missing
                meant.update(k for k in value_node.items if k in spec.fields)
            converted = self.value(value_node, fld, key, (spec, node.keys[key]))
            if converted is not None:
                values[key] = converted
        missing = [k for k, f in spec.fields.items()
                   if f.required and k not in node.items and k not in meant]
        for key in missing:
            self.error(
                "HTHC102", node.loc, f"{spec.title} has no '{key}'",
                f"add '{key}:' — {_lower_first(spec.fields[key].description.rstrip('.'))}",
            )
        return Record(node.loc, values, locs, node.items)

    def unknown_key(self, key: str, loc: Location, spec: Spec, meant: set[str]) -> None:
        hint = did_you_mean(key, spec.fields) or ("known keys: " + ", ".join(spec.fields))
        message = f"unknown key '{key}' in {spec.title}"
        odd = describe_odd(key, loc.column)
        if odd:
            message += f": {odd}"
            if normalise(key) in spec.fields:
                meant.add(normalise(key))  # reported here, so not as missing too
        self.error("HTHC101", loc, message, hint)

    def dedented_language(
        self, lang: str, loc: Location, key: str, text: Text, spec: Spec
    ) -> None:
        """'en:' indented less than the 'da:' above it: a key of the mapping, to YAML."""
        assert isinstance(text.node, YMap)
        first, first_loc = next(iter(text.node.keys.items()))
        self.error(
            "HTHC101", loc,
            f"'{lang}' is indented less than '{first}' on line {first_loc.line}, so YAML "
            f"reads it as a key of the {spec.title}, not as the '{lang}' text of '{key}'",
            f"indent it {first_loc.column - 1} spaces, like '{first}'",
        )
        text.reported += (lang,)

    def value(
        self, node: YNode, fld: Field, key: str, parent: tuple[Spec, Location] | None = None
    ) -> Any:
        """`node` converted to what `fld` holds; `parent` is the mapping's spec and where
        `key` stands, to say what a key indented too far into a text was meant to be."""
        if isinstance(node, YScalar) and node.value is REPORTED:
            return None
        kind = fld.kind
        if kind in ("text", "markdown"):
            return self.text(node, key, kind == "markdown", parent)
        if kind == "object":
            assert fld.spec is not None
            return self.record(node, fld.spec, f"'{key}'")
        if kind == "objects":
            assert fld.spec is not None
            items = self.sequence(node, key, f"a list of {fld.spec.title}s")
            if items is None:
                return None
            if not items.items:
                self.error("HTHC009", node.loc, f"'{key}' is an empty list",
                           f"add at least one {fld.spec.title}")
            records = (self.record(i, fld.spec, f"each item of '{key}'") for i in items.items)
            return [r for r in records if r is not None]
        if kind in ("refs", "languages", "texts"):
            items = self.sequence(node, key, "a list")
            if items is None:
                return None
            if kind == "texts":
                texts = (self.text(i, key, True) for i in items.items)
                return [t for t in texts if t is not None]
            read = self.word if kind == "refs" else self.config_language
            out: list[IdRef] = []
            for item in items.items:
                ref = read(item, key, ID_PATTERN)
                if ref is not None:
                    out.append(ref)
            return out
        if not isinstance(node, YScalar):
            self.error("HTHC103", node.loc, f"'{key}' must be a single value, not {_kind(node)}")
            return None
        value = node.value
        if kind == "date":
            return self.date(node, key)
        if kind == "datetime":
            return self.moment(node, key)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            self.error("HTHC103", node.loc, f"'{key}' must be true or false, not "
                       f"{scalar_kind(value)}", "write true or false, without quotes")
            return None
        if kind == "year":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip():
                return value
            self.error("HTHC103", node.loc, f"'{key}' must be a year such as 2023")
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error("HTHC109", node.loc, f"'{key}' is empty",
                       "fill it in, or remove the line if it is optional")
            return None
        if kind in ("id", "ref"):
            return self.word(node, key, ID_PATTERN)
        if kind == "language":
            return self.language(node, key)
        if not isinstance(value, str):
            if kind == "string" and isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            self.error("HTHC103", node.loc,
                       f"'{key}' must be text, not {scalar_kind(value)}",
                       'put the value in quotes ("…") to make it text')
            return None
        if kind == "enum":
            if value not in fld.choices:
                hint = did_you_mean(value, fld.choices)
                self.error("HTHC104", node.loc,
                           f"'{key}' is '{value}'; it must be one of: " + ", ".join(fld.choices),
                           hint)
                return None
            return value
        if kind == "url" and not _URL.match(value.strip()):
            self.error("HTHC108", node.loc, f"'{key}' is not a web address: '{value}'",
                       "write the full address, starting with https://")
            return None
        if kind == "email" and not _EMAIL.match(value.strip()):
            self.error("HTHC108", node.loc, f"'{key}' is not an email address: '{value}'")
            return None
        return value.strip() if kind in ("url", "email") else value

    def sequence(self, node: YNode, key: str, what: str) -> YSeq | None:
        if isinstance(node, YSeq):
            return node
        if isinstance(node, YScalar) and node.value is None:
            return YSeq([], node.loc)
        shown = _kind(node)
        hint = "write one item per line, each starting with '- '"
        self.error("HTHC103", node.loc, f"'{key}' must be {what}, not {shown}", hint)
        return None

    def word(self, node: YNode, key: str, pattern: re.Pattern[str]) -> IdRef | None:
        if isinstance(node, YScalar) and node.value is REPORTED:
            return None
        if not isinstance(node, YScalar) or not isinstance(node.value, str | int):
            self.error("HTHC103", node.loc, f"each item of '{key}' must be a single word")
            return None
        value = str(node.value)
        if not pattern.match(value):
            return self.invalid_id(node, key, value)
        return IdRef(value, node.loc)

    def config_language(self, node: YNode, key: str, _: re.Pattern[str]) -> IdRef | None:
        """A language of hthc.yaml's list: a slip counts as the language it stands for."""
        if not isinstance(node, YScalar) or not isinstance(node.value, str):
            return self.word(node, key, LANGUAGE_PATTERN)
        code, problem = config_language(node.value)
        if problem is not None:
            hint = f"did you mean '{code}'?" if code else "use codes such as da or en"
            self.error("HTHC104", node.loc, problem, hint)
        return IdRef(code, node.loc) if code else None

    def invalid_id(self, node: YScalar, key: str, value: str) -> IdRef | None:
        """Report an invalid id, naming a character one cannot see or tell apart.

        A reference whose look-alike characters, normalised, give a known id counts as
        that id from here on, so that nothing else reports it as unknown.
        """
        column = node.loc.column + (node.style in ("'", '"'))
        odd = describe_odd(value, column)
        message = f"'{value}' is not a valid id" + (f": {odd}" if odd else "")
        hint = _ID_HINT
        fixed = None
        known = self.known.get(key)
        if known is not None:
            found = closest(value, known)
            if found is not None:
                hint = f"did you mean '{found}'?"
                plain = normalise(value)
                # 'SSK–DIGI' or 'SSK DIGI' (a no-break space) is that id, mistyped
                if found in (plain, plain.replace(" ", "-"), plain.replace(" ", "_")):
                    fixed = found
        elif odd and ID_PATTERN.match(normalise(value)):
            hint = f"write it as '{normalise(value)}'"
        self.error("HTHC107", node.loc, message, hint)
        return IdRef(fixed, node.loc) if fixed else None

    def language(self, node: YScalar, key: str) -> str | None:
        value = node.value
        if not isinstance(value, str) or not LANGUAGE_PATTERN.match(value):
            self.error("HTHC104", node.loc, f"'{key}' is '{value}', which is not a language code",
                       "use one of the languages in hthc.yaml: " + ", ".join(self.languages))
            return None
        if value not in self.languages:
            self.error("HTHC106", node.loc, f"'{value}' is not a language of this workspace",
                       self.language_hint(value))
            return None
        return value

    def language_hint(self, lang: str, present: Collection[str] = ()) -> str:
        """What to do about text in a language that hthc.yaml does not list."""
        listed = ", ".join(self.languages)
        meant = self.meant_language(lang, present)
        if meant is not None and COUNTRY_CODES.get(lang) == meant:
            return f"'{lang}' is a country code: did you mean '{meant}'? hthc.yaml lists: {listed}"
        if meant is not None:
            return f"did you mean '{meant}'? hthc.yaml lists: {listed}"
        if LANGUAGE_PATTERN.match(lang):
            return f"add '{lang}' to 'languages' in hthc.yaml, or use one it lists: {listed}"
        return f"hthc.yaml lists: {listed}"

    def meant_language(self, lang: str, present: Collection[str] = ()) -> str | None:
        """The workspace language a text key not among them stands for, if it is a slip.

        A misspelt key ('eng', 'DA', 'dansk') or a country code ('dk') is one; a
        well-formed code of another language ('de'; 'da' when hthc.yaml says 'dk') is not.
        """
        others = [c for c in self.languages if c not in present]
        country = COUNTRY_CODES.get(lang)
        if country in others:
            return country
        close = closest(lang, others, cutoff=0.5)
        if close and LANGUAGE_PATTERN.match(lang) and not (
            len(lang) == 3 and lang.startswith(close)
        ):
            return None
        return close

    def date(self, node: YScalar, key: str) -> date | None:
        value = node.value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        shown = value.text if isinstance(value, InvalidScalar) else value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        why = impossible_day(str(shown)) if isinstance(shown, str) else None
        if why is not None:
            self.error("HTHC105", node.loc,
                       f"'{key}' is {shown.strip()}, which is not a day: {why}",
                       "check the day and the month; dates are written YYYY-MM-DD")
            return None
        self.error("HTHC105", node.loc, f"'{key}' is not a date: '{shown}'",
                   "write it as YYYY-MM-DD, for example 2024-08-06")
        return None

    def moment(self, node: YScalar, key: str) -> str | None:
        """A moment in UTC, as text: '2026-11-30T10:15:00Z'."""
        value = node.value
        if isinstance(value, datetime) and value.utcoffset() in (None, timedelta(0)):
            # unquoted, YAML reads it as a time: the same moment, kept as text
            return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
        if isinstance(value, str) and DATETIME_PATTERN.match(value.strip()):
            try:
                datetime.fromisoformat(value.strip().removesuffix("Z"))
            except ValueError:
                pass
            else:
                return value.strip()
        shown = value.text if isinstance(value, InvalidScalar) else value
        self.error("HTHC105", node.loc, f"'{key}' is not a moment in UTC: '{shown}'",
                   "write it as 'YYYY-MM-DDTHH:MM:SSZ' in quotes, for example "
                   "'2026-11-30T10:15:00Z'")
        return None

    def text(
        self, node: YNode, key: str, markdown: bool,
        parent: tuple[Spec, Location] | None = None,
    ) -> Text | None:
        if isinstance(node, YScalar) and node.value is REPORTED:
            return None
        if isinstance(node, YScalar):
            if node.value is None or (isinstance(node.value, str) and not node.value.strip()):
                self.error("HTHC109", node.loc, f"'{key}' is empty",
                           "fill it in, or remove the line if it is optional")
                return None
            if not isinstance(node.value, str):
                # A number too: YAML reads 1.10 as 1.1, so only quotes keep it as written.
                self.error("HTHC103", node.loc,
                           f"'{key}' must be text, not {scalar_kind(node.value)}", _QUOTE_HINT)
                return None
            text = Text(node, common=node)
        elif isinstance(node, YMap):
            text = Text(node)
            reported: list[str] = []
            for lang, scalar in node.items.items():
                if lang not in self.languages and parent and lang in parent[0].fields:
                    where = parent[1]
                    self.error("HTHC101", node.keys[lang],
                               f"'{lang}' is indented as far as the languages of '{key}', so "
                               f"YAML reads it as a text of '{key}'",
                               f"indent it {where.column - 1} spaces, like '{key}' on line "
                               f"{where.line}")
                    continue
                if lang not in self.languages:
                    if self.languages_in_error:
                        continue
                    self.error("HTHC106", node.keys[lang],
                               f"'{lang}' is not a language of this workspace",
                               self.language_hint(lang, node.items))
                    meant = self.meant_language(lang, node.items)
                    if meant is not None:  # 'eng' for 'en': not missing, misspelt
                        reported.append(meant)
                    continue
                if not isinstance(scalar, YScalar) or not isinstance(scalar.value, str):
                    if isinstance(scalar, YScalar) and scalar.value is REPORTED:
                        pass
                    elif isinstance(scalar, YScalar) and scalar.value is None:
                        self.error("HTHC109", scalar.loc, f"the '{lang}' text of '{key}' is empty")
                    elif isinstance(scalar, YScalar):
                        self.error("HTHC103", scalar.loc,
                                   f"the '{lang}' text of '{key}' must be text, not "
                                   f"{scalar_kind(scalar.value)}", _QUOTE_HINT)
                    else:
                        self.error("HTHC103", scalar.loc,
                                   f"the '{lang}' text of '{key}' must be text, not "
                                   f"{_kind(scalar)}")
                    reported.append(lang)
                    continue
                if not scalar.value.strip():
                    self.error("HTHC109", scalar.loc, f"the '{lang}' text of '{key}' is empty")
                    reported.append(lang)
                    continue
                text.by_language[lang] = scalar
            if not text.by_language:
                return None
            if reported:
                text.reported = tuple(reported)
        else:
            self.error("HTHC103", node.loc,
                       f"'{key}' must be text, or one text per language ("
                       + ", ".join(f"{lang}: …" for lang in self.languages) + "), not a list")
            return None
        self.texts.append((text, markdown))
        return text


_DAY_SHAPED = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]|\s*\Z)")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def impossible_day(value: str) -> str | None:
    """Why a date shaped YYYY-MM-DD is no day ('February 2026 has 28 days'), if it is not."""
    import calendar

    match = _DAY_SHAPED.match(value)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year == 0:
        return "years are counted from 1"
    if not 1 <= month <= 12:
        return "a year has 12 months"
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        return "days are counted from 1"
    if day > days:
        return f"{_MONTHS[month - 1]} {year} has {days} days"
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _kind(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return scalar_kind(node.value)


def json_schema(name: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one kind of file, for editors."""
    spec = FILE_SPECS[name]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://healthtechhub.org/hthc/schemas/{name}.schema.json",
        "title": f"hthc {spec.title}",
        "$defs": {
            "text": {
                "description": "Text: one string, or one per language.",
                "anyOf": [
                    {"type": "string", "minLength": 1},
                    {
                        "type": "object",
                        "propertyNames": {"pattern": LANGUAGE_PATTERN.pattern.rstrip("\\Z") + "$"},
                        "additionalProperties": {"type": "string", "minLength": 1},
                        "minProperties": 1,
                    },
                ],
            },
        },
    }
    schema.update(_spec_schema(spec))
    return schema


def _spec_schema(spec: Spec) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {k: _field_schema(f) for k, f in spec.fields.items()},
        "required": [k for k, f in spec.fields.items() if f.required],
        "additionalProperties": spec.open,
    }


def _field_schema(fld: Field) -> dict[str, Any]:
    id_pattern = "^" + ID_PATTERN.pattern.removesuffix("\\Z") + "$"
    out: dict[str, Any]
    match fld.kind:
        case "text" | "markdown":
            out = {"$ref": "#/$defs/text"}
        case "string":
            out = {"type": "string", "minLength": 1}
        case "id" | "ref":
            out = {"type": "string", "pattern": id_pattern}
        case "refs":
            out = {"type": "array", "items": {"type": "string", "pattern": id_pattern}}
        case "enum":
            out = {"enum": list(fld.choices)}
        case "date":
            out = {"type": "string", "format": "date"}
        case "url":
            out = {"type": "string", "format": "uri", "pattern": "^https?://"}
        case "email":
            out = {"type": "string", "format": "email"}
        case "year":
            out = {"type": ["integer", "string"]}
        case "bool":
            out = {"type": "boolean"}
        case "datetime":
            out = {"type": "string",
                   "pattern": "^" + DATETIME_PATTERN.pattern.removesuffix("\\Z") + "$"}
        case "language":
            out = {"type": "string",
                   "pattern": "^" + LANGUAGE_PATTERN.pattern.removesuffix("\\Z") + "$"}
        case "languages":
            out = {"type": "array", "items": {"type": "string"}, "minItems": 1}
        case "texts":
            out = {"type": "array", "items": {"$ref": "#/$defs/text"}}
        case "object":
            assert fld.spec is not None
            out = _spec_schema(fld.spec)
        case "objects":
            assert fld.spec is not None
            out = {"type": "array", "items": _spec_schema(fld.spec)}
    if fld.description:
        out["description"] = fld.description
    return out
