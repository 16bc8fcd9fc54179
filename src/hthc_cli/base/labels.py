"""Fixed words of a response in each language, and dates written the way each language does."""

from __future__ import annotations

from datetime import date

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
    },
}

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
