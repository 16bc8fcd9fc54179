"""The template context: one response of the workspace in one language, as plain data.

Every text is resolved to the requested language here; a missing one is a located error.
A Markdown text reaches the template as a placeholder (see `hthc_cli.markup.compose`) and is
parsed on its own; `[[ID]]` in it becomes a link to the item's heading when the item is in
the document, and the item's title alone when it is not. One-line texts (titles, names) are
escaped so that they print exactly as written. docs/templates.md documents every name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hthc_cli.base.diagnostics import Location
from hthc_cli.base.errors import RenderError
from hthc_cli.base.labels import STANCES, format_date, possessive
from hthc_cli.markup.compose import Slots
from hthc_cli.markup.plain import escape_markdown, one_line
from hthc_cli.render.marks import Mark, mark_of
from hthc_cli.workspace.model import Position, Recommendation, Reference, Response, Workspace
from hthc_cli.workspace.places import TextPlace, text_places
from hthc_cli.workspace.schema import Text
from hthc_cli.workspace.templates import CONTEXT_NAMES

if TYPE_CHECKING:
    from hthc_cli.render.reference_doc import ReferenceFeatures

_SUBTITLE = re.compile(r"\s[–—]\s")


class MarkedText(str):
    """A one-line text with the mark of where it came from, for `md_escape` to pass on."""

    mark: Mark | None = None


@dataclass
class _Resolver:
    """Picks each text's language, remembering every one that is missing."""

    ws: Workspace
    language: str
    anchors: set[str] = field(default_factory=set)
    missing: list[tuple[Location, str]] = field(default_factory=list)
    slots: Slots = field(default_factory=Slots)
    places: dict[int, TextPlace] = field(default_factory=dict)
    """Each text's place in the workspace, by the text's identity."""

    def mark(self, text: Text | None) -> Mark | None:
        """Where a text comes from, as the document's map records it."""
        place = self.places.get(id(text)) if text is not None else None
        return mark_of(place, self.language) if place is not None else None

    def value(self, text: Text | None, what: str) -> str:
        """A text in the language, exactly as read; a missing one is remembered."""
        if text is None:
            return ""
        value = text.get(self.language)
        if value is None:
            self.missing.append((text.node.loc, what))
            return ""
        return value

    def text(self, text: Text | None, what: str) -> str:
        """A text as written (several lines allowed: an address)."""
        return self.marked(text, self.value(text, what).strip())

    def plain(self, text: Text | None, what: str) -> str:
        """A one-line text: a title, a name, a role."""
        return self.marked(text, one_line(self.value(text, what).strip()))

    def marked(self, text: Text | None, value: str) -> str:
        mark = self.mark(text)
        if mark is None or not value:
            return value
        marked = MarkedText(value)
        marked.mark = mark
        return marked

    def markdown(self, text: Text | None, what: str) -> str:
        """A Markdown text, as the placeholder of its own parse (of the text as check read it)."""
        return self.slots.add(self.value(text, what), self.mark(text))

    def link(self, item_id: str) -> tuple[str, bool]:
        """What ``[[ID]]`` shows (the item's title), and whether it links to the item."""
        item = self.ws.item(item_id)
        if item is None:
            return item_id, False
        title = one_line(item.title.get(self.language) or "") or item_id
        return title, item_id in self.anchors


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What a template sees, the Markdown texts its placeholders stand for, and how
    ``[[ID]]`` in them resolves."""

    values: dict[str, Any]
    slots: Slots
    resolve: Callable[[str], tuple[str, bool]]


def build_context(ws: Workspace, response: Response, language: str) -> dict[str, Any]:
    """Everything a response template may use (see docs/templates.md)."""
    return document_context(ws, response, language).values


def document_context(
    ws: Workspace, response: Response, language: str, reference: ReferenceFeatures | None = None
) -> DocumentContext:
    """The template's context for one response in one language, with its texts.

    ``reference`` is what the reference document brings of its own (None: nothing).
    """
    resolver = _Resolver(ws, language)
    resolver.places = {id(place.text): place for place in text_places(ws)}
    source = ws.sources.get(response.source.value) if response.source else None
    general = [ws.positions[r.value] for r in response.general if r.value in ws.positions]
    in_general = {p.id for p in general}
    specific = [p for p in ws.specific_positions(response) if p.id not in in_general]
    specific_ids = {p.id for p in specific}
    shown_recommendations = {
        r.id for r in (source.recommendations if source else ())
        if any(p.id in specific_ids for p in ws.positions_addressing(r.id))
    }
    # Only what the document shows has a bookmark to link to.
    resolver.anchors = in_general | specific_ids | shown_recommendations

    org = ws.organisation
    org_name = resolver.plain(org.name, "the organisation's name")
    org_short = org.short_name or org_name
    labels = {
        key: value.format(
            organisation=org_short, org_possessive=possessive(org_short, language),
            source=escape_markdown(resolver.plain(source.title, "the source's title"))
            if source else "",
            page="{page}", pages="{pages}", link="{link}", date="{date}",
        )
        for key, value in ws.labels(language, source.kind if source else "report").items()
    }
    stances = STANCES[language]

    def position(p: Position) -> dict[str, Any]:
        return {
            "id": p.id,
            "title": resolver.plain(p.title, f"the title of {p.id}"),
            "stance": p.stance,
            "stance_label": stances[p.stance],
            "summary": resolver.markdown(p.summary, f"the summary of {p.id}"),
            "argument": resolver.markdown(p.argument, f"the argument of {p.id}"),
            "proposals": [
                resolver.markdown(t, f"a proposal of {p.id}") for t in p.proposals
            ],
            "addresses": [a.value for a in p.addresses],
            "status": p.status,
            "owner": p.owner,
        }

    def recommendation(r: Recommendation) -> dict[str, Any]:
        return {
            "id": r.id,
            "label": resolver.plain(r.label, f"the label of {r.id}") if r.label else None,
            "title": resolver.plain(r.title, f"the title of {r.id}"),
            "text": resolver.markdown(r.text, f"the text of {r.id}"),
            "wording": r.wording,
            "paraphrase": r.paraphrase,
            "url": r.url,
        }

    sections: list[dict[str, Any]] = []
    if source is not None:
        sections = _sections(ws, source.recommendations, specific, recommendation, position)
    included = {p.id: p for p in (*general, *specific)}
    annex = []
    for rec in source.recommendations if source else ():
        on_it = [p for p in ws.positions_addressing(rec.id) if p.id in included]
        annex.append({
            "id": rec.id,
            "shown": rec.id in shown_recommendations,
            "label": resolver.plain(rec.label, f"the label of {rec.id}") if rec.label else None,
            "title": resolver.plain(rec.title, f"the title of {rec.id}"),
            "stances": [stances[s] for s in dict.fromkeys(p.stance for p in on_it)],
            "positions": [
                {"id": p.id, "title": resolver.plain(p.title, f"the title of {p.id}"),
                 "stance": p.stance, "stance_label": stances[p.stance]}
                for p in on_it
            ],
        })

    hearing = response.hearing
    built: dict[str, Any] = {
        "language": language,
        "labels": labels,
        "stances": dict(stances),
        "organisation": {
            "name": org_name,
            "short_name": org_short,
            "website": org.website,
            "address": resolver.text(org.address, "the organisation's address")
            if org.address else None,
            "email": org.email,
            "phone": org.phone,
            "cvr": org.cvr,
        },
        "response": {
            "id": response.id,
            "title": resolver.plain(response.title, "the response's title"),
            "date": format_date(response.date, language),
            "date_iso": response.date.isoformat(),
            "introduction": resolver.markdown(response.introduction, "the introduction"),
            "brief_introduction": resolver.markdown(
                response.brief_introduction, "the brief's introduction"
            ),
            # a response for a brief only may have none
            "closing": resolver.markdown(response.closing, "the closing")
            if response.closing.scalars() else "",
            "signatory": {
                "name": response.signatory.name,
                "role": resolver.plain(response.signatory.role, "the signatory's role"),
            },
            "contact": {
                "name": response.contact.name,
                "email": response.contact.email,
                "phone": response.contact.phone,
            },
        },
        "hearing": {
            "authority": resolver.plain(hearing.authority, "the hearing's authority"),
            "case_number": hearing.case_number,
            "deadline": format_date(hearing.deadline, language),
            "deadline_iso": hearing.deadline.isoformat(),
            "url": hearing.url,
        },
        "source": None if source is None else {
            "id": source.id,
            "title": resolver.plain(source.title, "the source's title"),
            "publisher": resolver.plain(source.publisher, "the source's publisher"),
            "published": format_date(source.published, language),
            "url": source.url,
        },
        "summary": [
            {"id": p.id, "title": resolver.plain(p.title, f"the title of {p.id}"),
             "summary": resolver.markdown(p.summary, f"the summary of {p.id}")}
            for p in (*general, *specific)
        ],
        "general": [position(p) for p in general],
        "specific": sections,
        "annex": annex,
        "reference": reference.as_context() if reference else {
            "header": False, "first_page_header": False, "footer": False, "page_numbers": False,
        },
    }
    # The one list of names: what check lets a template name is what it is given.
    context = {name: built[name] for name in CONTEXT_NAMES}
    if resolver.missing:
        raise MissingTexts(language, resolver.missing)
    return DocumentContext(context, resolver.slots, resolver.link)


def _sections(
    ws: Workspace,
    recommendations: list[Recommendation],
    specific: list[Position],
    recommendation: Any,
    position: Any,
) -> list[dict[str, Any]]:
    """Specific remarks grouped by recommendation, in the source's order.

    Consecutive recommendations answered by the same positions share one section, and a
    position that answers several sections is written out once and pointed to after.
    Positions that answer none of the recommendations (new proposals) come last, in a
    section with no recommendations.
    """
    chosen = {p.id for p in specific}
    groups: list[tuple[list[Recommendation], list[Position]]] = []
    for rec in recommendations:
        on_it = [p for p in ws.positions_addressing(rec.id) if p.id in chosen]
        if not on_it:
            continue
        if groups and [p.id for p in groups[-1][1]] == [p.id for p in on_it]:
            groups[-1][0].append(rec)
        else:
            groups.append(([rec], on_it))
    placed = {p.id for _, positions in groups for p in positions}
    unplaced = [p for p in specific if p.id not in placed]
    if unplaced:
        # new proposals: they answer no recommendation, yet the response lists them
        groups.append(([], unplaced))
    shown: set[str] = set()
    sections = []
    for recs, positions in groups:
        items = []
        for p in positions:
            data = position(p)
            data["first"] = p.id not in shown
            shown.add(p.id)
            items.append(data)
        sections.append({
            "recommendations": [recommendation(r) for r in recs],
            "positions": items,
        })
    return sections


class MissingTexts(RenderError):
    """Texts that have no version in the language asked for."""

    def __init__(self, language: str, missing: list[tuple[Location, str]]) -> None:
        self.language = language
        self.missing = sorted(set(missing))
        lines = [f"{loc}: {what} has no '{language}' text" for loc, what in self.missing]
        super().__init__(
            f"cannot render in '{language}': {len(self.missing)} text(s) are missing in "
            "that language\n" + "\n".join(lines)
            + f"\nadd '{language}: …' to each, or render another language with --lang"
        )


def format_references(
    ws: Workspace, keys: Iterable[str], language: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The full and the short footnote text of each cited reference.

    A text missing in `language` is an error.
    """
    missing: list[tuple[Location, str]] = []
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    accessed = ws.labels(language)["accessed"]
    for key in keys:
        if key in ws.references:
            ref = ws.references[key]
            full[key] = format_reference(ref, language, missing, accessed)
            short[key] = format_reference(ref, language, missing, accessed, short=True)
    if missing:
        raise MissingTexts(language, missing)
    return full, short


def format_reference(
    ref: Reference, language: str, missing: list[tuple[Location, str]], accessed: str,
    short: bool = False,
) -> str:
    """A reference as a footnote in Markdown: Author (year): *Title*. Publisher. <url>

    The short form, for a work cited again, is Author (year): *Main title*. `accessed` is
    the label saying when the address was read ('Besøgt {date}.').
    """

    def pick(text: Text | None) -> str:
        if text is None:
            return ""
        value = text.get(language)
        if value is None:
            missing.append((text.node.loc, f"reference '{ref.key}'"))
            return ""
        return value.strip()

    parts = []
    author = pick(ref.author)
    year = f" ({ref.year})" if ref.year is not None else ""
    if author:
        parts.append(f"{escape_markdown(author)}{year}:")
    elif year:
        parts.append(f"{year.strip()}:")
    title = pick(ref.title)
    if short:
        # the main title, before a subtitle, as notes cite a work the second time
        main_title = _SUBTITLE.split(title, maxsplit=1)[0].strip() or title
        parts.append(f"*{escape_markdown(main_title)}*.")
        return " ".join(parts)
    parts.append(f"*{escape_markdown(title)}*.")
    publisher = pick(ref.publisher)
    if publisher:
        parts.append(f"{escape_markdown(publisher)}.")
    if ref.url:
        parts.append(f"<{ref.url}>")
        if ref.accessed is not None:
            parts.append(accessed.format(
                date=format_date(ref.accessed, language)))
    note = pick(ref.note)
    if note:
        parts.append(escape_markdown(note))
    return " ".join(parts)
