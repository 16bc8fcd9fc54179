"""What `hthc init` writes and what `hthc new` adds: file texts, made here as text.

Every example text is written in each of the workspace's languages and says what to replace
it with; none holds a word that check reports as a placeholder, so a new workspace checks
clean and renders. Nothing here prints: functions return texts, `write_files` writes them.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from hthc_cli.base.errors import UsageError
from hthc_cli.workspace.edit import ListStyle, restyle
from hthc_cli.workspace.schema import ID_PATTERN
from hthc_cli.workspace.schema_export import SCHEMA_FILES, schema_texts

INIT_LANGUAGES = ("da", "en")
"""The languages init writes example texts in: those hthc has labels for."""
DEADLINE_AFTER = timedelta(weeks=6)
ACTION = "healthtechhub/hthc"
RELEASE = "v0.2"
"""The release whose GitHub Action and pre-commit hook a new workspace uses."""

Texts = Mapping[str, str]
"""One text in each language init knows: {'da': …, 'en': …}."""

# What each example text says, in each language. Each says what to replace it with.
PHRASES: dict[str, Texts] = {
    "source_title": {
        "da": "Titlen på det dokument, der er i høring (erstat med dokumentets rigtige titel)",
        "en": "The title of the document under consultation (replace with its real title)",
    },
    "source_publisher": {
        "da": "Ministeriet eller myndigheden, der har udgivet dokumentet (erstat)",
        "en": "The ministry or authority that published the document (replace)",
    },
    "recommendation_title": {
        "da": "En kort titel på anbefalingen (erstat)",
        "en": "A short title of the recommendation (replace)",
    },
    "recommendation_text": {
        "da": "Erstat denne tekst med anbefalingens ordlyd, eller et referat af den.",
        "en": "Replace this text with the recommendation's wording, or a summary of it.",
    },
    "general_title": {
        "da": "Vores overordnede holdning (erstat med en kort titel)",
        "en": "Our overall view (replace with a short title)",
    },
    "general_summary": {
        "da": "Erstat denne sætning med jeres overordnede holdning til høringen, i én sætning.",
        "en": "Replace this sentence with your overall view of the consultation, in one "
        "sentence.",
    },
    "general_argument": {
        "da": "Erstat dette afsnit med jeres begrundelse. Teksten er Markdown: *kursiv*, "
        "**fed**, lister og henvisninger som [@{key}] til en kilde i references.yaml.",
        "en": "Replace this paragraph with your argument. The text is Markdown: *italics*, "
        "**bold**, lists, and citations such as [@{key}] of a work in references.yaml.",
    },
    "specific_title": {
        "da": "Vores holdning til anbefaling 1 (erstat med en kort titel)",
        "en": "Our view of recommendation 1 (replace with a short title)",
    },
    "specific_summary": {
        "da": "Erstat denne sætning med jeres holdning til anbefalingen, i én sætning.",
        "en": "Replace this sentence with your view of the recommendation, in one sentence.",
    },
    "specific_argument": {
        "da": "Erstat dette afsnit med jeres begrundelse. Et link som [[{rec}]] peger på "
        "anbefalingen.",
        "en": "Replace this paragraph with your argument. A link such as [[{rec}]] points "
        "to the recommendation.",
    },
    "reference_title": {
        "da": "Titlen på en rapport eller artikel, I henviser til (erstat)",
        "en": "The title of a report or article you cite (replace)",
    },
    "response_title": {
        "da": "Høringssvar om dokumentet i høring (erstat med jeres titel)",
        "en": "Consultation response on the document (replace with your title)",
    },
    "authority": {
        "da": "Myndigheden, der har sendt dokumentet i høring (erstat)",
        "en": "The authority that runs the consultation (replace)",
    },
    "introduction": {
        "da": "{name} takker for muligheden for at afgive høringssvar. Erstat dette afsnit "
        "med jeres indledning: hvem I er, og hvad svaret handler om.",
        "en": "{name} thanks you for the opportunity to respond. Replace this paragraph "
        "with your introduction: who you are and what the response is about.",
    },
    "closing": {
        "da": "Erstat dette afsnit med jeres afslutning, for eksempel at I gerne uddyber "
        "svaret.",
        "en": "Replace this paragraph with your closing, for instance that you are glad to "
        "say more.",
    },
    "role": {
        "da": "Stillingsbetegnelse (erstat)",
        "en": "Job title (replace)",
    },
    "person": {
        "da": "Navn på den ansvarlige (erstat)",
        "en": "Name of the person responsible (replace)",
    },
    "position_title": {
        "da": "Positionens titel (erstat med en kort titel)",
        "en": "The position's title (replace with a short title)",
    },
    "position_summary": {
        "da": "Erstat denne sætning med positionen, i én sætning.",
        "en": "Replace this sentence with the position, in one sentence.",
    },
    "position_argument": {
        "da": "Erstat dette afsnit med begrundelsen.",
        "en": "Replace this paragraph with the argument.",
    },
}


@dataclass(frozen=True)
class InitOptions:
    """What `hthc init` was told."""

    name: str
    short_name: str | None = None
    languages: tuple[str, ...] = INIT_LANGUAGES
    website: str | None = None
    today: date = field(default_factory=date.today)


def parse_languages(value: str) -> tuple[str, ...]:
    """'da,en' → ('da', 'en'); only languages init has example texts for."""
    codes = tuple(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))
    unknown = [code for code in codes if code not in INIT_LANGUAGES]
    if not codes or unknown:
        shown = f"'{unknown[0]}' is not one of them" if unknown else "none was given"
        raise UsageError(
            f"--languages: hthc writes documents in {', '.join(INIT_LANGUAGES)}; {shown} "
            "(write them comma-separated, e.g. --languages da,en)"
        )
    return codes


def id_prefix(options: InitOptions) -> str:
    """The start of the new workspace's ids: the short name, else the name's initials."""
    letters = options.short_name or "".join(word[:1] for word in options.name.split())
    prefix = re.sub(r"[^A-Za-z0-9]", "", letters).upper()
    return prefix if ID_PATTERN.match(prefix) else "ORG"


def init_files(options: InitOptions) -> dict[str, str]:
    """Path (relative to the workspace, with '/') → text of every file `hthc init` writes."""
    _check_options(options)
    prefix = id_prefix(options)
    year = options.today.year
    source_id = f"{prefix}-HEARING-{year}"
    rec_id = f"{source_id}-1"
    general_id, specific_id = f"{prefix}-GENERAL", f"{prefix}-RECOMMENDATION-1"
    response_id = f"{prefix}-RESPONSE-{year}"
    ref_key = f"{prefix.lower()}-example-{year}"
    langs = options.languages
    files = {
        "hthc.yaml": _hthc_yaml(options),
        "recommendations/hearing.yaml": _recommendations_yaml(source_id, rec_id, options),
        f"positions/{prefix.lower()}.yaml": _modeline("positions") + (
            "#\n# Your positions: one per item. A response lists the general ones under\n"
            "# 'general'; the others are shown under the recommendations they address.\n"
            "positions:\n"
            + restyle(_position(general_id, "general", langs, (), key=ref_key), ListStyle())
            + "\n"
            + restyle(_position(specific_id, "specific", langs, (rec_id,), rec=rec_id),
                      ListStyle())
        ),
        "references.yaml": _modeline("references", top=True) + (
            "#\n# The works your texts cite as [@key].\nreferences:\n"
            + restyle(_reference(ref_key, langs, author=options.name, year=year), ListStyle())
        ),
        f"responses/{response_id.lower()}.yaml": _response_yaml(
            response_id, source_id, general_id, options),
        ".vscode/settings.json": vscode_settings(),
        ".gitignore": "# What hthc render writes\nbuild/\n",
        ".pre-commit-config.yaml": pre_commit_config(),
        ".github/workflows/hthc.yml": workflow(),
    }
    files.update({f"schemas/{name}": text for name, text in schema_texts().items()})
    return files


def _check_options(options: InitOptions) -> None:
    if not options.name.strip():
        raise UsageError("--name: give the organisation's name, e.g. --name \"Danske Patienter\"")
    if "\n" in options.name or "\r" in options.name:
        raise UsageError("--name: write the name on one line")
    if options.website is not None and not re.match(r"https?://[^\s/$.?#]\S*\Z",
                                                     options.website):
        raise UsageError(f"--website: '{options.website}' is not a web address; write it "
                         "with https://, e.g. https://example.dk")


def existing_files(root: Path, files: Iterable[str]) -> list[str]:
    """The files of `files` (relative to `root`) that are already there, in order."""
    return [name for name in files if (root / name).exists() or (root / name).is_symlink()]


def write_files(root: Path, files: Mapping[str, str]) -> list[Path]:
    """Write every file, refusing (before writing any) if one is already there."""
    there = existing_files(root, files)
    if there:
        shown = ", ".join(str(root / name) for name in there)
        raise UsageError(
            f"{'this file is' if len(there) == 1 else 'these files are'} already there: "
            f"{shown}; nothing was written. hthc does not overwrite files: choose an empty "
            "folder, e.g. hthc init my-workspace"
        )
    written = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
        written.append(path)
    return written


def quoted(value: str) -> str:
    """`value` as a YAML scalar on one line: plain when YAML reads it back the same."""
    try:
        plain = yaml.safe_load(f"k: {value}\n") == {"k": value}
    except yaml.YAMLError:
        plain = False
    if plain and value == value.strip() and not value.startswith(("'", '"', "[", "{")):
        return value
    return json.dumps(value, ensure_ascii=False)


def text(phrase: Texts, languages: tuple[str, ...], indent: int, block: bool = False,
         **fill: str) -> str:
    """What follows 'key:' for a human text in every language, lines indented `indent`.

    One language: the text on the key's line; several: one line per language. A `block`
    text (Markdown) is written as a '|' block wrapped to short lines, as editors show it.
    """
    def say(language: str, pad: str) -> str:
        words = phrase.get(language, phrase["en"]).format(**fill)
        if not block:
            return " " + quoted(words)
        lines = textwrap.wrap(words, width=max(40, 88 - len(pad)), break_long_words=False,
                              break_on_hyphens=False)
        return " |\n" + "".join(f"{pad}{line}\n" for line in lines).rstrip("\n")

    if len(languages) == 1:
        return say(languages[0], " " * indent) + "\n"
    pad = " " * indent
    return "\n" + "".join(f"{pad}{language}:{say(language, pad + '  ')}\n"
                          for language in languages)


def _modeline(kind: str, top: bool = False) -> str:
    folder = "" if top else "../"
    return f"# yaml-language-server: $schema={folder}schemas/{SCHEMA_FILES[kind]}\n"


def _hthc_yaml(options: InitOptions) -> str:
    lines = [
        _modeline("workspace", top=True),
        "#\n# Who sends the responses, and the languages of the texts (the first is the\n"
        "# default). Every other file's example texts say what to replace them with.\n",
        "organisation:\n",
        f"  name: {quoted(options.name)}\n",
    ]
    if options.short_name:
        lines.append(f"  short_name: {quoted(options.short_name)}\n")
    if options.website:
        lines.append(f"  website: {quoted(options.website)}\n")
    lines.append(f"languages: [{', '.join(options.languages)}]\n")
    return "".join(lines)


def _recommendations_yaml(source_id: str, rec_id: str, options: InitOptions) -> str:
    langs = options.languages
    return (
        _modeline("recommendations")
        + "#\n# The document under consultation (the source) and its recommendations: one\n"
        "# file per document. Replace the example texts and the date.\n"
        + _source(source_id, langs, options.today)
        + "\nrecommendations:\n"
        + restyle(recommendation_entry(rec_id, langs, label="1"), ListStyle())
    )


def _response_yaml(response_id: str, source_id: str, general_id: str,
                   options: InitOptions) -> str:
    return (
        _modeline("response")
        + "#\n# One consultation response: `hthc render` makes it a Word document in build/.\n"
        "# Its specific positions are those that address the source's recommendations.\n"
        + response_body(response_id, source_id, [general_id], options.languages, options.today,
                        name=options.name)
    )


def response_body(response_id: str, source_id: str, general: list[str],
                  languages: tuple[str, ...], today: date, name: str) -> str:
    """The keys of a response file, with example texts."""
    deadline = today + DEADLINE_AFTER
    return (
        f"id: {response_id}\n"
        f"source: {source_id}\n"
        f"title:{text(PHRASES['response_title'], languages, 2)}"
        "hearing:\n"
        f"  authority:{text(PHRASES['authority'], languages, 4)}"
        f"  deadline: {deadline.isoformat()}\n"
        f"date: {today.isoformat()}\n"
        f"introduction:{text(PHRASES['introduction'], languages, 2, block=True, name=name)}"
        f"general: [{', '.join(general)}]\n"
        f"closing:{text(PHRASES['closing'], languages, 2, block=True)}"
        "signatory:\n"
        f"  name: {quoted(_one(PHRASES['person'], languages))}\n"
        f"  role:{text(PHRASES['role'], languages, 4)}"
        "contact:\n"
        f"  name: {quoted(_one(PHRASES['person'], languages))}\n"
    )


def _one(phrase: Texts, languages: tuple[str, ...]) -> str:
    """A phrase in the default language, for a value that is not a text per language."""
    return phrase.get(languages[0], phrase["en"])


def recommendation_entry(rec_id: str, languages: tuple[str, ...], label: str | None = None,
                         ) -> str:
    """One item of a recommendations list, its '- ' at the start of the line."""
    return (
        f"- id: {rec_id}\n"
        + (f"  label: {quoted(label)}\n" if label else "")
        + f"  title:{text(PHRASES['recommendation_title'], languages, 4)}"
        f"  text:{text(PHRASES['recommendation_text'], languages, 4, block=True)}"
        "  wording: paraphrase\n"
    )


def _position(position_id: str, which: str, languages: tuple[str, ...],
              addresses: tuple[str, ...], **fill: str) -> str:
    return (
        f"- id: {position_id}\n"
        f"  title:{text(PHRASES[f'{which}_title'], languages, 4)}"
        "  stance: support\n"
        f"  addresses: [{', '.join(addresses)}]\n"
        f"  summary:{text(PHRASES[f'{which}_summary'], languages, 4)}"
        f"  argument:{text(PHRASES[f'{which}_argument'], languages, 4, block=True, **fill)}"
        "  status: approved\n"
    )


def _reference(key: str, languages: tuple[str, ...], author: str, year: int) -> str:
    return (
        f"- key: {key}\n"
        f"  title:{text(PHRASES['reference_title'], languages, 4)}"
        f"  author: {quoted(author)}\n"
        f"  year: {year}\n"
    )


def vscode_settings() -> str:
    """Maps each folder to its schema, for the YAML extension of VS Code."""
    schemas = {
        f"./schemas/{SCHEMA_FILES['workspace']}": "hthc.yaml",
        f"./schemas/{SCHEMA_FILES['recommendations']}": "recommendations/**/*.yaml",
        f"./schemas/{SCHEMA_FILES['positions']}": "positions/**/*.yaml",
        f"./schemas/{SCHEMA_FILES['references']}": "references.yaml",
        f"./schemas/{SCHEMA_FILES['response']}": "responses/**/*.yaml",
        f"./schemas/{SCHEMA_FILES['reviews']}": "reviews/**/*.yaml",
    }
    settings = {
        "yaml.schemas": schemas,
        "yaml.customTags": [],
        "files.encoding": "utf8",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }
    return json.dumps(settings, indent=2) + "\n"


def pre_commit_config() -> str:
    return (
        "# Runs hthc check before each commit (pip install pre-commit && pre-commit install).\n"
        "repos:\n"
        f"  - repo: https://github.com/{ACTION}\n"
        f"    rev: {RELEASE}.0\n"
        "    hooks:\n"
        "      - id: hthc-check\n"
    )


def workflow() -> str:
    """A GitHub Actions workflow: check (annotating the files), render, keep the documents."""
    return (
        "# Checks the workspace on every push and pull request, and renders the documents:\n"
        "# they are kept as the run's artifact 'hthc-documents'.\n"
        "name: hthc\n"
        "on:\n"
        "  push:\n"
        "  pull_request:\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  check-and-render:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        f"      - uses: {ACTION}@{RELEASE}\n"
        "        with:\n"
        "          format: github\n"
        "          render: true\n"
    )


NEW_KINDS = ("position", "recommendation", "response", "reference")
_LISTS = {"position": "positions", "recommendation": "recommendations",
          "reference": "references"}
"""The list of a file that each kind of item is added to."""
_FOLDERS = {"position": "positions", "recommendation": "recommendations",
            "response": "responses"}
_ID_RULE = "ids start with a letter and hold only letters, digits, '-', '_' and '.'"


@dataclass(frozen=True)
class Added:
    path: Path
    line: int
    """The line the new item starts on."""


def add_item(root: Path, kind: str, item_id: str, file: Path | None = None,
             today: date | None = None) -> Added:
    """Add a skeleton `kind` with `item_id` to the workspace at `root`.

    As a new file in its folder, or at the end of the list of `file` (references always go
    to references.yaml unless `file` says otherwise). Refuses an invalid or existing id.
    """
    from hthc_cli.workspace.edit import append_entry, read_for_edit, write_text
    from hthc_cli.workspace.loader import load_workspace

    today = today or date.today()
    if not ID_PATTERN.match(item_id):
        raise UsageError(f"'{item_id}' is not a valid id: {_ID_RULE}")
    ws = load_workspace(root).workspace
    taken = _taken(ws, kind)
    if item_id in taken:
        raise UsageError(f"the {'key' if kind == 'reference' else 'id'} '{item_id}' is "
                         f"already used by a {taken[item_id]}: choose another")
    languages = ws.languages
    if kind == "response":
        if file is not None:
            raise UsageError("a response is a file of its own: leave out --file")
        entry, key = "", ""
    else:
        key = _LISTS[kind]
        entry = _entry(kind, item_id, languages, today)
    if file is None and kind == "reference":
        file = root / "references.yaml"
        if not file.exists():
            return _new_file(file, _modeline("references", top=True) + "references:\n"
                             + restyle(entry, ListStyle()))
    if file is not None:
        if not file.is_file():
            raise UsageError(f"no such file: {file} (leave out --file to make a new file)")
        source, bom = read_for_edit(file, str(file))
        appended = append_entry(source, key, entry)
        write_text(file, appended.text, bom)
        return Added(file, appended.line)
    path = root / _FOLDERS[kind] / f"{item_id.lower()}.yaml"
    if path.exists():
        raise UsageError(f"{path} is already there: name it with --file to add to its list")
    if kind == "response":
        sources = sorted(ws.sources)
        if not sources:
            raise UsageError("a response answers a source, and the workspace has none: add "
                             "one first (hthc new recommendation ID)")
        return _new_file(path, _modeline("response") + response_body(
            item_id, sources[0], [], languages, today, ws.organisation.name.any(languages[0])))
    if kind == "recommendation":
        return _new_file(path, _modeline("recommendations") + _source(
            _source_id(item_id, taken), languages, today)
            + "\nrecommendations:\n" + restyle(entry, ListStyle()))
    return _new_file(path, _modeline("positions") + "positions:\n"
                     + restyle(entry, ListStyle()))


def _taken(ws: Any, kind: str) -> dict[str, str]:
    """The ids (or reference keys) already in use, with what uses each."""
    if kind == "reference":
        return dict.fromkeys(ws.references, "reference")
    taken: dict[str, str] = {}
    for what, items in (("source", ws.sources), ("recommendation", ws.recommendations),
                        ("position", ws.positions), ("response", ws.responses)):
        taken.update(dict.fromkeys(items, what))
    return taken


def _entry(kind: str, item_id: str, languages: tuple[str, ...], today: date) -> str:
    if kind == "position":
        return (
            f"- id: {item_id}\n"
            f"  title:{text(PHRASES['position_title'], languages, 4)}"
            "  stance: support\n"
            "  addresses: []\n"
            f"  summary:{text(PHRASES['position_summary'], languages, 4)}"
            f"  argument:{text(PHRASES['position_argument'], languages, 4, block=True)}"
            "  status: draft\n"
        )
    if kind == "recommendation":
        return recommendation_entry(item_id, languages)
    return (
        f"- key: {item_id}\n"
        f"  title:{text(PHRASES['reference_title'], languages, 4)}"
        f"  year: {today.year}\n"
    )


def _source_id(item_id: str, taken: Mapping[str, str]) -> str:
    """The id of the source a recommendation in a new file belongs to: SSK-2024 for
    SSK-2024-DIGI, else the recommendation's id with -SOURCE."""
    for candidate in (item_id.rpartition("-")[0], f"{item_id}-SOURCE"):
        if ID_PATTERN.match(candidate) and candidate not in taken:
            return candidate
    raise UsageError(f"no free id for the source of '{item_id}': name a recommendations "
                     "file with --file")


def _source(source_id: str, languages: tuple[str, ...], today: date) -> str:
    return (
        "source:\n"
        f"  id: {source_id}\n"
        f"  title:{text(PHRASES['source_title'], languages, 4)}"
        f"  publisher:{text(PHRASES['source_publisher'], languages, 4)}"
        f"  published: {today.isoformat()}\n"
    )


def _new_file(path: Path, text: str) -> Added:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as out:
        out.write(text)
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.lstrip().startswith("- ")]
    line = starts[0] if starts else next(n for n, line in enumerate(lines, 1)
                                         if line.startswith("id:"))
    return Added(path, line)
