"""Fixed words of a response in each language and kind of hearing, and dates written the
way each language does."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date

KINDS = ("report", "bill", "regulation", "eu-proposal", "strategy", "other")
"""What a hearing can be about: the words of the document follow it."""

LABELS: dict[str, dict[str, str]] = {
    "da": {
        "consultation_response": "Høringssvar",
        "draft": "UDKAST",
        "to": "Til",
        "date": "Dato",
        "case_number": "Sagsnr.",
        "hearing": "Høring",
        "deadline": "Høringsfrist",
        "summary": "Sammenfatning",
        "summary_intro": "{org_possessive} vigtigste bemærkninger er:",
        "general": "Generelle bemærkninger",
        "specific": "Bemærkninger til de enkelte anbefalinger",
        "recommendation": "Anbefaling",
        "recommendations": "Anbefalinger",
        "paraphrase": "Gengivet med egne ord, ikke ordret citat",
        "verbatim": "Ordret citat",
        "source_of_wording": "Kilde",
        "stance": "Holdning",
        "proposals": "Forslag",
        "see_above": "Se {link} ovenfor.",
        "closing": "Afslutning",
        "regards": "Med venlig hilsen",
        "contact": "Kontaktperson",
        "email": "e-mail",
        "phone": "telefon",
        "annex": "Bilag: {org_possessive} holdning til kommissionens anbefalinger",
        "annex_intro": "Oversigten viser hver af anbefalingerne i *{source}* og den holdning, "
        "{organisation} tager til den i dette høringssvar.",
        "no_stance": "Ingen bemærkninger",
        "positions": "Bemærkninger",
        "position": "Bemærkning",
        "page": "Side {page} af {pages}",
        "keywords": "høringssvar",
        "new_proposals": "Nye forslag",
        "published": "Udgivet af",
        "accessed": "Besøgt {date}.",
        "cvr": "CVR-nr.",
        "brief_title": "{org_possessive} hovedpunkter",
        "brief_key_points": "Hovedpunkter",
        "brief_input": "Dit input",
        "brief_invitation": "{organisation} er i gang med sit høringssvar, og fristen er "
        "{date}. Har du input, som bør med i svaret, så skriv til {link}.",
        "brief_full": "Høringssvaret med alle {org_possessive} bemærkninger sendes til "
        "høringen: {link}",
        "acknowledgement": "{organisation} takker {contributors} for input til dette "
        "høringssvar.",
    },
    "en": {
        "consultation_response": "Consultation response",
        "draft": "DRAFT",
        "to": "To",
        "date": "Date",
        "case_number": "Case no.",
        "hearing": "Consultation",
        "deadline": "Deadline",
        "summary": "Summary",
        "summary_intro": "{org_possessive} main points are:",
        "general": "General remarks",
        "specific": "Remarks on the individual recommendations",
        "recommendation": "Recommendation",
        "recommendations": "Recommendations",
        "paraphrase": "Paraphrased, not a verbatim quotation",
        "verbatim": "Verbatim quotation",
        "source_of_wording": "Source",
        "stance": "Stance",
        "proposals": "Proposals",
        "see_above": "See {link} above.",
        "closing": "Closing remarks",
        "regards": "Yours sincerely",
        "contact": "Contact",
        "email": "email",
        "phone": "phone",
        "annex": "Annex: {org_possessive} stance on the commission's recommendations",
        "annex_intro": "The table lists each recommendation of *{source}* and the stance "
        "{organisation} takes on it in this response.",
        "no_stance": "No remarks",
        "positions": "Remarks",
        "position": "Remark",
        "page": "Page {page} of {pages}",
        "keywords": "consultation response",
        "new_proposals": "New proposals",
        "published": "Published by",
        "accessed": "Accessed {date}.",
        "cvr": "CVR no.",
        "brief_title": "{org_possessive} key points",
        "brief_key_points": "Key points",
        "brief_input": "Your input",
        "brief_invitation": "{organisation} is writing its consultation response, due "
        "{date}. If you have input that belongs in it, please write to {link}.",
        "brief_full": "The response, with all of {org_possessive} remarks, goes to the "
        "consultation: {link}",
        "acknowledgement": "{organisation} thanks {contributors} for their input to this "
        "response.",
    },
}

_BILL_DA = {
    "specific": "Bemærkninger til lovforslagets bestemmelser",
    "recommendation": "Bestemmelse",
    "recommendations": "Bestemmelser",
    "annex": "Bilag: {org_possessive} holdning til lovforslagets bestemmelser",
    "annex_intro": "Oversigten viser hver af bestemmelserne i *{source}* og den holdning, "
    "{organisation} tager til den i dette høringssvar.",
}
_BILL_EN = {
    "specific": "Remarks on the bill's provisions",
    "recommendation": "Provision",
    "recommendations": "Provisions",
    "annex": "Annex: {org_possessive} stance on the bill's provisions",
    "annex_intro": "The table lists each provision of *{source}* and the stance "
    "{organisation} takes on it in this response.",
}

KIND_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "report": {"da": {}, "en": {}},
    "bill": {"da": _BILL_DA, "en": _BILL_EN},
    "regulation": {
        "da": _BILL_DA | {
            "specific": "Bemærkninger til bekendtgørelsens bestemmelser",
            "annex": "Bilag: {org_possessive} holdning til bekendtgørelsens bestemmelser",
        },
        "en": _BILL_EN | {
            "specific": "Remarks on the regulation's provisions",
            "annex": "Annex: {org_possessive} stance on the regulation's provisions",
        },
    },
    "eu-proposal": {
        "da": {
            "specific": "Bemærkninger til forslagets artikler",
            "recommendation": "Artikel",
            "recommendations": "Artikler",
            "annex": "Bilag: {org_possessive} holdning til forslagets artikler",
            "annex_intro": "Oversigten viser hver af artiklerne i *{source}* og den holdning, "
            "{organisation} tager til den i dette høringssvar.",
        },
        "en": {
            "specific": "Remarks on the proposal's articles",
            "recommendation": "Article",
            "recommendations": "Articles",
            "annex": "Annex: {org_possessive} stance on the proposal's articles",
            "annex_intro": "The table lists each article of *{source}* and the stance "
            "{organisation} takes on it in this response.",
        },
    },
    "strategy": {
        "da": {
            "specific": "Bemærkninger til strategiens initiativer",
            "recommendation": "Initiativ",
            "recommendations": "Initiativer",
            "annex": "Bilag: {org_possessive} holdning til strategiens initiativer",
            "annex_intro": "Oversigten viser hvert af initiativerne i *{source}* og den "
            "holdning, {organisation} tager til det i dette høringssvar.",
        },
        "en": {
            "specific": "Remarks on the strategy's initiatives",
            "recommendation": "Initiative",
            "recommendations": "Initiatives",
            "annex": "Annex: {org_possessive} stance on the strategy's initiatives",
            "annex_intro": "The table lists each initiative of *{source}* and the stance "
            "{organisation} takes on it in this response.",
        },
    },
    "other": {
        "da": {
            "specific": "Bemærkninger til høringsmaterialets punkter",
            "recommendation": "Punkt",
            "recommendations": "Punkter",
            "annex": "Bilag: {org_possessive} holdning til høringsmaterialets punkter",
            "annex_intro": "Oversigten viser hvert af punkterne i *{source}* og den holdning, "
            "{organisation} tager til det i dette høringssvar.",
        },
        "en": {
            "specific": "Remarks on the points of the consultation material",
            "recommendation": "Point",
            "recommendations": "Points",
            "annex": "Annex: {org_possessive} stance on the points of the consultation "
            "material",
            "annex_intro": "The table lists each point of *{source}* and the stance "
            "{organisation} takes on it in this response.",
        },
    },
}
"""The words that differ from a report's (`LABELS`), by kind and language."""

RAW_LABELS = frozenset({"page", "draft", "keywords", "accessed"})
"""Labels printed outside the template, which fill in only their own placeholders."""
COMMON_PLACEHOLDERS = ("organisation", "org_possessive", "source")
"""What every label the template prints may name: the short name, its genitive, the
source's title."""


def labels_for(
    language: str, kind: str = "report", overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The fixed words of a document about a `kind` of hearing, with the workspace's own."""
    words = LABELS[language] | KIND_LABELS.get(kind, {}).get(language, {})
    return words | dict(overrides or {})


def placeholders(text: str) -> list[str]:
    """The {fields} of a label as written, without braces; ValueError when its braces do
    not pair up."""
    return [
        name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        for _, name, spec, conversion in string.Formatter().parse(text) if name is not None
    ]


def allowed_placeholders(name: str) -> tuple[str, ...]:
    """The {names} the label `name` may hold."""
    own: dict[str, None] = {}
    for language, words in LABELS.items():
        texts = [words[name], *(k[language].get(name, "") for k in KIND_LABELS.values())]
        for text in texts:
            own.update(dict.fromkeys(placeholders(text)))
    if name in RAW_LABELS:
        return tuple(own)
    return tuple(dict.fromkeys([*COMMON_PLACEHOLDERS, *own]))


STANCES: dict[str, dict[str, str]] = {
    "da": {
        "support": "Støtter",
        "support-with-reservations": "Støtter med forbehold",
        "oppose": "Støtter ikke",
        "neutral": "Neutral",
        "new-proposal": "Nyt forslag",
    },
    "en": {
        "support": "Supports",
        "support-with-reservations": "Supports with reservations",
        "oppose": "Opposes",
        "neutral": "Neutral",
        "new-proposal": "New proposal",
    },
}

BCP47 = {"da": "da-DK", "en": "en-GB"}

_AND = {"da": "og", "en": "and"}


def join_names(names: list[str], language: str) -> str:
    """'A, B og C' in Danish, 'A, B and C' in English (neither puts a comma before 'and')."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND.get(language, '&')} {names[-1]}"

_MONTHS = {
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def supported(language: str) -> bool:
    return language in LABELS


def format_date(value: date, language: str) -> str:
    """'6. august 2024' in Danish, '6 August 2024' in English."""
    month = _MONTHS[language][value.month - 1]
    if language == "da":
        return f"{value.day}. {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def possessive(name: str, language: str) -> str:
    """The genitive: 'HTHC's' in both languages; Danish adds a bare s to other names."""
    if language == "da" and not name.isupper():
        return f"{name}'" if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
    return f"{name}'" if name.endswith("s") else f"{name}'s"
