"""The workspace as typed objects, each keeping the `Record` it was read from.

A value that was missing or invalid in the file gets a neutral default here; the loader has
already reported it, and rendering refuses a workspace with errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hthc_cli.base.labels import labels_for
from hthc_cli.workspace.schema import IdRef, Record, Text
from hthc_cli.workspace.source import SourceFile, YScalar


def text_field(record: Record, key: str) -> Text:
    value = record.get(key)
    if isinstance(value, Text):
        return value
    return Text(record.nodes.get(key) or YScalar(None, record.loc, 0, 0))


def _opt_text(record: Record, key: str) -> Text | None:
    value = record.get(key)
    return value if isinstance(value, Text) else None


def _str(record: Record, key: str, default: str = "") -> str:
    value = record.get(key)
    if isinstance(value, IdRef):
        return value.value
    return str(value) if value is not None else default


def _opt_str(record: Record, key: str) -> str | None:
    value = record.get(key)
    return None if value is None else str(value)


def _date(record: Record, key: str) -> date:
    value = record.get(key)
    return value if isinstance(value, date) else date.min


def _refs(record: Record, key: str) -> list[IdRef]:
    value = record.get(key)
    return list(value) if isinstance(value, list) else []


def _record(record: Record, key: str) -> Record:
    value = record.get(key)
    return value if isinstance(value, Record) else Record(record.loc, {}, {}, {})


@dataclass(slots=True)
class Organisation:
    name: Text
    short_name: str | None
    website: str | None
    address: Text | None
    email: str | None
    phone: str | None
    cvr: str | None

    @classmethod
    def from_record(cls, r: Record) -> Organisation:
        return cls(text_field(r, "name"), _opt_str(r, "short_name"), _opt_str(r, "website"),
                   _opt_text(r, "address"), _opt_str(r, "email"), _opt_str(r, "phone"),
                   _opt_str(r, "cvr"))


@dataclass(slots=True)
class Source:
    id: str
    title: Text
    publisher: Text
    published: date
    url: str | None
    record: Record
    file: SourceFile
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """What is under consultation: report, bill, regulation, eu-proposal, …"""
        return _str(self.record, "kind", "report")


@dataclass(slots=True)
class Recommendation:
    id: str
    label: Text | None
    title: Text
    text: Text
    wording: str
    url: str | None
    source: Source
    record: Record

    @property
    def paraphrase(self) -> bool:
        return self.wording != "verbatim"


@dataclass(slots=True)
class Position:
    id: str
    title: Text
    stance: str
    addresses: list[IdRef]
    summary: Text
    argument: Text
    proposals: list[Text]
    status: str
    owner: str | None
    record: Record
    file: SourceFile

    @classmethod
    def from_record(cls, r: Record, file: SourceFile) -> Position:
        proposals = r.get("proposals")
        return cls(_str(r, "id"), text_field(r, "title"), _str(r, "stance", "neutral"),
                   _refs(r, "addresses"), text_field(r, "summary"), text_field(r, "argument"),
                   list(proposals) if isinstance(proposals, list) else [],
                   _str(r, "status"), _opt_str(r, "owner"), r, file)


@dataclass(slots=True)
class Reference:
    key: str
    title: Text
    author: Text | None
    year: int | str | None
    publisher: Text | None
    url: str | None
    accessed: date | None
    note: Text | None
    record: Record

    @classmethod
    def from_record(cls, r: Record) -> Reference:
        accessed = r.get("accessed")
        return cls(_str(r, "key"), text_field(r, "title"), _opt_text(r, "author"), r.get("year"),
                   _opt_text(r, "publisher"), _opt_str(r, "url"),
                   accessed if isinstance(accessed, date) else None, _opt_text(r, "note"), r)


@dataclass(slots=True)
class Hearing:
    authority: Text
    case_number: str | None
    deadline: date
    url: str | None


@dataclass(slots=True)
class Person:
    name: str
    role: Text | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(slots=True)
class Response:
    id: str
    source: IdRef | None
    title: Text
    hearing: Hearing
    date: date
    introduction: Text
    general: list[IdRef]
    specific: list[IdRef] | None
    closing: Text
    signatory: Person
    contact: Person
    template: str | None
    language: str | None
    record: Record
    file: SourceFile
    brief_introduction: Text | None = None

    @classmethod
    def from_record(cls, r: Record, file: SourceFile) -> Response:
        h = _record(r, "hearing")
        s = _record(r, "signatory")
        c = _record(r, "contact")
        source = r.get("source")
        specific = r.get("specific")
        return cls(
            _str(r, "id"), source if isinstance(source, IdRef) else None, text_field(r, "title"),
            Hearing(text_field(h, "authority"), _opt_str(h, "case_number"), _date(h, "deadline"),
                    _opt_str(h, "url")),
            _date(r, "date"), text_field(r, "introduction"), _refs(r, "general"),
            list(specific) if isinstance(specific, list) else None, text_field(r, "closing"),
            Person(_str(s, "name"), _opt_text(s, "role")),
            Person(_str(c, "name"), None, _opt_str(c, "email"), _opt_str(c, "phone")),
            _opt_str(r, "template"), _opt_str(r, "language"), r, file,
            _opt_text(r, "brief_introduction"),
        )


@dataclass(slots=True)
class ReviewTarget:
    """The text a review comment is on."""

    file: str
    """Workspace-relative, with '/': positions/governance.yaml."""
    item: str
    field: str
    """The text's key, with a list's index: summary, proposals.0, hearing.authority."""
    language: str


@dataclass(slots=True)
class ReviewReply:
    author: str
    date: str
    body: str


@dataclass(slots=True)
class ReviewComment:
    """One reviewer's comment on a response, as a Word comment brought back."""

    id: str
    author: str
    initials: str | None
    date: str
    """UTC, to the second: 2026-11-30T10:15:00Z."""
    anchor: str
    """The words it is on; empty: the start of the text."""
    target: ReviewTarget
    body: str
    replies: list[ReviewReply]
    status: str
    """open or resolved."""
    record: Record
    response: IdRef | None = None
    """The reviews file's `response:`, where it stands."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @classmethod
    def from_record(cls, r: Record, response: IdRef | None) -> ReviewComment:
        t = _record(r, "target")
        replies = r.get("replies")
        return cls(
            _str(r, "id"), _str(r, "author"), _opt_str(r, "initials"), _str(r, "date"),
            _str(r, "anchor"),
            ReviewTarget(_str(t, "file"), _str(t, "item"), _str(t, "field"),
                         _str(t, "language")),
            _str(r, "body"),
            [ReviewReply(_str(p, "author"), _str(p, "date"), _str(p, "body"))
             for p in (replies if isinstance(replies, list) else [])],
            _str(r, "status", "open"), r, response,
        )


@dataclass(slots=True)
class Workspace:
    root: Path
    organisation: Organisation
    languages: tuple[str, ...]
    reference_doc: str | None
    templates: str | None
    sources: dict[str, Source] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    responses: dict[str, Response] = field(default_factory=dict)
    reviews: dict[str, list[ReviewComment]] = field(default_factory=dict)
    """The review comments on each response, by the response's id, in the order read."""
    texts: list[tuple[Text, bool]] = field(default_factory=list)
    files: dict[str, SourceFile] = field(default_factory=dict)
    incomplete: frozenset[str] = frozenset()
    """Kinds of file ('positions', 'references', …) of which one could not be read."""
    config: Record | None = None
    """hthc.yaml as read, with where each value stands (None when it could not be read)."""
    _addressing: dict[str, list[Position]] | None = field(default=None, repr=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def release_sources(self) -> None:
        """Let go of the files' text and YAML trees, kept to locate diagnostics: a render
        that has checked needs only the model, and a large workspace's sources are tens of
        megabytes."""
        for source in self.files.values():
            source.release()

    def labels(self, language: str, kind: str = "report") -> dict[str, str]:
        """The fixed words of a document about a `kind` of hearing, as hthc.yaml rewords
        them (unformatted: placeholders such as {organisation} are left in)."""
        return labels_for(language, kind, self.own_labels(language))

    def own_labels(self, language: str) -> dict[str, str]:
        """The labels hthc.yaml rewords in `language`."""
        labels = self.config.get("labels") if self.config is not None else None
        words = labels.get(language) if isinstance(labels, Record) else None
        if not isinstance(words, Record):
            return {}
        return {k: v for k, v in words.values.items() if isinstance(v, str)}

    def item(self, item_id: str) -> Recommendation | Position | None:
        return self.recommendations.get(item_id) or self.positions.get(item_id)

    def positions_addressing(self, rec_id: str) -> list[Position]:
        """The positions that address a recommendation, in the order they were read."""
        if self._addressing is None:
            index: dict[str, list[Position]] = {}
            for position in self.positions.values():
                for rec in dict.fromkeys(a.value for a in position.addresses):
                    index.setdefault(rec, []).append(position)
            self._addressing = index
        return self._addressing.get(rec_id, [])

    def specific_positions(self, response: Response) -> list[Position]:
        """The response's specific positions: as listed, or all on its source in order."""
        if response.specific is not None:
            return [self.positions[r.value] for r in response.specific
                    if r.value in self.positions]
        source = self.sources.get(response.source.value) if response.source else None
        if source is None:
            return []
        general = {r.value for r in response.general}
        order = {rec.id: i for i, rec in enumerate(source.recommendations)}
        chosen: dict[str, Position] = {}
        for rec in source.recommendations:
            for p in self.positions_addressing(rec.id):
                if p.id not in general:
                    chosen.setdefault(p.id, p)
        # positions in the order of the first recommendation each addresses, then as read
        return sorted(
            chosen.values(),
            key=lambda p: min(order.get(a.value, len(order)) for a in p.addresses),
        )
