"""docs/format.md, written from the format table: `python -m hthc_cli.workspace.format_doc`.

Every key of every kind of file, with its type, allowed values, default and whether it is
required, comes from `schema.FILE_SPECS`; the example files here use every key, and a test
checks that they check clean, so the guide cannot drift from what `hthc check` accepts.
"""

from __future__ import annotations

import sys

from hthc_cli.workspace.schema import FILE_SPECS, Field, Spec
from hthc_cli.workspace.schema_export import SCHEMA_FILES

FILES = {
    "workspace": ("hthc.yaml", "hthc.yaml",
                  "One per workspace, at its root: who sends the responses, in which languages."),
    "recommendations": ("recommendations/*.yaml", "recommendations/draft-bill-2025.yaml",
                        "One per document under consultation: the document (`source`) and "
                        "what it proposes (`recommendations`)."),
    "positions": ("positions/*.yaml", "positions/access.yaml",
                  "The team's positions, in as many files as suits the team."),
    "references": ("references.yaml", "references.yaml",
                   "Works the texts cite as `[@key]`."),
    "response": ("responses/*.yaml", "responses/draft-bill-2025.yaml",
                 "One per consultation response: one document in each language."),
    "reviews": ("reviews/*.yaml", "reviews/dp-lf-2025-patient.yaml",
                "The comments reviewers made in Word on a response, one entry per Word "
                "comment, kept until they are dealt with. `hthc review import` writes them; "
                "`hthc render` shows the open ones as Word comments again, and `hthc check "
                "--release` fails while one is open."),
}
"""Each kind of file: where it lives, the example's path, what it is for."""

_TYPES = {
    "text": "text",
    "markdown": "Markdown text",
    "string": "string, the same in every language",
    "id": "id",
    "ref": "id of a source",
    "refs": "list of ids",
    "enum": "one word from a list",
    "date": "date, YYYY-MM-DD",
    "url": "web address, https://…",
    "email": "email address",
    "bool": "true or false",
    "datetime": "moment in UTC, 'YYYY-MM-DDTHH:MM:SSZ'",
    "year": "year",
    "language": "language code",
    "languages": "list of language codes",
    "texts": "list of texts",
    "object": "mapping",
    "objects": "list of mappings",
}

_EXAMPLES = {
    "workspace": """\
organisation:
  name: Danske Patienter            # replace with your organisation's name
  short_name: DP
  website: https://danskepatienter.dk
  address: Fiolstræde 17B, 1171 København K
  email: info@example.org
  phone: "+45 11 22 33 44"
  cvr: "12345678"
languages: [da, en]                 # the first is the default
reference_doc: letterhead.docx      # optional: a .docx with your letterhead and styles
templates: templates                # optional: this is the default
page_numbers: true                  # optional: "Side X af Y" when the letterhead has none
labels:                             # optional: hthc's fixed words in your own
  da:
    specific: Vores bemærkninger til lovforslagets bestemmelser
  en:
    specific: Our remarks on the bill's provisions
""",
    "recommendations": """\
source:
  id: LF-2025-PATIENT
  title:
    da: Udkast til forslag til lov om patienters retsstilling
    en: Draft bill on the legal position of patients
  publisher:
    da: Indenrigs- og Sundhedsministeriet
    en: Ministry of the Interior and Health
  published: 2025-01-15
  url: https://www.hoeringsportalen.dk/
  kind: bill                        # report | bill | regulation | eu-proposal | strategy | other

recommendations:
  - id: LF-2025-PATIENT-P1
    label: § 1
    title:
      da: Ret til digital adgang til egne journaloplysninger
      en: A right to digital access to one's own health records
    text:
      da: Patienter skal have digital adgang til deres journaloplysninger.
      en: Patients are to have digital access to their health records.
    wording: paraphrase
    url: https://www.hoeringsportalen.dk/
""",
    "positions": """\
positions:
  - id: DP-RECORD-ACCESS
    title:
      da: Digital adgang skal gælde alle patienter
      en: Digital access must reach every patient
    stance: support-with-reservations
    addresses: [LF-2025-PATIENT-P1]
    summary:
      da: Danske Patienter støtter forslaget, men adgangen skal også virke uden MitID.
      en: Danske Patienter supports the proposal, but access must work without MitID too.
    argument:
      da: |
        Digital adgang styrker patienternes overblik [@dp-survey-2024]. Se også
        [[LF-2025-PATIENT-P1]].
      en: |
        Digital access gives patients an overview [@dp-survey-2024]. See also
        [[LF-2025-PATIENT-P1]].
    proposals:
      - da: Adgang for pårørende med fuldmagt.
        en: Access for relatives holding a power of attorney.
    status: approved
    owner: Policy team

  - id: DP-PATIENT-VOICE
    title: Patients must be heard before the rules are written
    stance: neutral
    addresses: [LF-2025-PATIENT-P1]
    summary: Patients' organisations should take part in writing the executive order.
    argument: The bill leaves the details to an executive order; patients know them best.
    status: approved                  # draft | review | approved
""",
    "references": """\
references:
  - key: dp-survey-2024
    title: Patienters brug af digitale sundhedsløsninger
    author: Danske Patienter
    year: 2024
    publisher: Danske Patienter
    url: https://danskepatienter.dk/
    accessed: 2025-02-01
    note:
      da: Spørgeskemaundersøgelse blandt 2.000 patienter.
      en: A survey of 2,000 patients.
""",
    "response": """\
id: DP-LF-2025-PATIENT
source: LF-2025-PATIENT
title:
  da: Høringssvar om udkast til lov om patienters retsstilling
  en: Consultation response on the draft bill on the legal position of patients
hearing:
  authority:
    da: Indenrigs- og Sundhedsministeriet
    en: Ministry of the Interior and Health
  case_number: 2025-0042
  deadline: 2025-02-28
  url: https://www.hoeringsportalen.dk/
date: 2025-02-20
introduction:
  da: Danske Patienter takker for muligheden for at afgive høringssvar.
  en: Danske Patienter thanks the Ministry for the opportunity to respond.
brief_introduction:                 # optional: the brief opens with this instead
  da: Vi forbereder et høringssvar om lovforslaget, og vi vil gerne høre fra jer.
  en: We are preparing a response to the bill, and we would like to hear from you.
general: [DP-PATIENT-VOICE]
specific: [DP-RECORD-ACCESS]
closing:
  da: Vi uddyber gerne vores bemærkninger.
  en: We would be glad to discuss our comments further.
signatory:
  name: Anna Jensen
  role:
    da: Direktør
    en: Director
contact:
  name: Peter Hansen
  email: ph@example.org
  phone: "+45 11 22 33 55"
template: response.md.j2
language: da
""",
    "reviews": """\
response: DP-LF-2025-PATIENT
comments:
  - id: RC-3f9a0c21b7
    author: Peter Hansen
    initials: PH
    date: '2025-02-18T10:15:00Z'
    anchor: uden MitID
    target:
      file: positions/access.yaml
      item: DP-RECORD-ACCESS
      field: summary
      language: da
    body: |
      Hvilke andre måder at logge ind på tænker vi på?
    replies:
      - author: Anna Jensen
        date: '2025-02-18T11:02:00Z'
        body: Fuldmagt og en pårørendeadgang; se forslaget.
    status: resolved                # open | resolved
""",
}


def example_files() -> dict[str, str]:
    """Path in the workspace → text of the example of each kind of file."""
    out = {}
    for name, (_, path, _) in FILES.items():
        schema = ("../" if "/" in path else "") + "schemas/" + SCHEMA_FILES[name]
        out[path] = f"# yaml-language-server: $schema={schema}\n" + _EXAMPLES[name]
    return out


def _type(fld: Field) -> str:
    if fld.kind == "enum":
        return "one of " + ", ".join(f"`{c}`" for c in fld.choices)
    if fld.kind in ("object", "objects") and fld.spec is not None:
        return f"{_TYPES[fld.kind]} ([{fld.spec.title}](#{_anchor(fld.spec)}))"
    return _TYPES[fld.kind]


def _anchor(spec: Spec) -> str:
    return "".join(c for c in spec.title.lower().replace(" ", "-") if c.isalnum() or c == "-")


def _table(spec: Spec) -> list[str]:
    out = ["| key | type | required | default | what it is |", "|---|---|---|---|---|"]
    for key, fld in spec.fields.items():
        required = "yes" if fld.required else "no"
        out.append(f"| `{key}` | {_type(fld)} | {required} | {fld.default or '—'} | "
                   f"{fld.description} |")
    return out


def _nested(spec: Spec) -> list[Spec]:
    """The mappings inside `spec`, in the order their keys come."""
    found: list[Spec] = []
    for fld in spec.fields.values():
        if fld.spec is not None:
            found += [fld.spec, *_nested(fld.spec)]
    return found


def format_markdown() -> str:
    out = [
        "# The workspace format",
        "",
        "A workspace is a folder of YAML files. `hthc check` reads every one of them and",
        "says, with file, line and column, what does not match this guide.",
        "",
        "- **text**: one string for every language, or one per language of `hthc.yaml`:",
        "  `title: {da: …, en: …}`.",
        "- **Markdown text**: a text written in Markdown; it may link a recommendation or",
        "  position as `[[ID]]` and cite a work of `references.yaml` as `[@key]`.",
        "- **id**: starts with a letter and holds only letters, digits, `-`, `_` and `.`.",
        "- **date**: `YYYY-MM-DD`, for example `2025-02-28`.",
        "- A key that is not required may be left out; *default* says what that means.",
        "- The first line of each example lets editors complete and check the file from",
        "  `schemas/` (`hthc schema` writes them).",
        "",
        "This file is generated from `src/hthc_cli/workspace/schema.py`:",
        "`python -m hthc_cli.workspace.format_doc > docs/format.md`.",
    ]
    examples = example_files()
    for name, (pattern, path, purpose) in FILES.items():
        spec = FILE_SPECS[name]
        out += ["", f"## {pattern}", "", purpose, "", *_table(spec)]
        for inner in _nested(spec):
            out += ["", f"### {inner.title}", "", *_table(inner)]
        out += ["", f"Example, `{path}`:", "", "```yaml", examples[path].rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(format_markdown())
