"""What a position said, and what it answered, when it was approved: its fingerprint.

A fingerprint is written `ALGORITHM:HEX`, today `sha256-v1:…`. Each algorithm in
`ALGORITHMS` is frozen once released: a stamp is always verified with the algorithm it
names, so a new algorithm is added beside the old ones, never in their place, and stamps
written by an older hthc stay valid.

sha256-v1 reads these *parts* of a position, each with its name:

- `title`, `summary`, `argument`: one part per language (`argument/en`), or one part when
  the text is written once for every language (`argument`);
- `proposals.N`: the N-th proposal, per language likewise (`proposals.2/da`);
- `stance`; `addresses`: the ids it addresses, sorted, one per line;
- `rec:ID`: each recommendation it addresses, its title and its text, per language
  (`rec:SSK-DIGI/da`).

Status, owner and the stamp itself are not read: approving changes none of the parts. Each
text is normalised before it is hashed: line breaks become LF, spaces and tabs at the end
of each line and blank lines at the end of the text go, and the text is put in Unicode
NFC. So re-indenting the YAML, turning a quoted text into a block or saving it with
Windows line endings is no change; a changed word is.

The fingerprint is the SHA-256 of every part, name and text, in order. So that check can
say *which* text changed without asking git, the stamp also keeps a short digest of each
part (`parts: title/da=1a2b3c4d …`, the first 8 hex digits of the part's own SHA-256):
check compares those only when the fingerprint differs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hthc_cli.workspace.model import Position, Workspace
from hthc_cli.workspace.schema import Text

CURRENT = "sha256-v1"
PART_DIGITS = 8
"""Hex digits kept per part: enough to tell which part changed (the fingerprint tells
whether anything did)."""

_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_FINGERPRINT = re.compile(r"(?P<algorithm>[a-z][a-z0-9-]*):(?P<hex>[0-9a-f]+)\Z")
_PART = re.compile(r"(?P<name>[^\s=]+)=(?P<hex>[0-9a-f]+)\Z")

Parts = list[tuple[str, str]]
"""(name, normalised text) of each part, in the order they are hashed."""


def normalise(text: str) -> str:
    """A text as compared: LF line breaks, no trailing spaces or blank lines, NFC."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if " \n" in text or "\t\n" in text:
        text = _TRAILING.sub("", text)
    text = text.rstrip(" \t\n")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _text_parts(name: str, text: Text | None, out: Parts) -> None:
    if text is None:
        return
    if text.common is not None:
        out.append((name, normalise(str(text.common.value))))
        return
    for lang in sorted(text.by_language):
        out.append((f"{name}/{lang}", normalise(str(text.by_language[lang].value))))


class _V1:
    """sha256-v1: frozen; see the module's docstring."""

    name = "sha256-v1"

    def __init__(self) -> None:
        self._recs: dict[int, Parts] = {}

    def parts(self, ws: Workspace, position: Position) -> Parts:
        out: Parts = []
        _text_parts("title", position.title, out)
        out.append(("stance", position.stance))
        ids = sorted({ref.value for ref in position.addresses})
        out.append(("addresses", "\n".join(ids)))
        _text_parts("summary", position.summary, out)
        _text_parts("argument", position.argument, out)
        for number, proposal in enumerate(position.proposals, start=1):
            _text_parts(f"proposals.{number}", proposal, out)
        for rec_id in ids:
            rec = ws.recommendations.get(rec_id)
            if rec is not None:
                out += self._rec_parts(rec_id, rec.title, rec.text)
        return out

    def _rec_parts(self, rec_id: str, title: Text, text: Text) -> Parts:
        # Many positions address one recommendation: its parts are made once.
        key = id(text)
        found = self._recs.get(key)
        if found is None:
            titles: Parts = []
            texts: Parts = []
            _text_parts("", title, titles)
            _text_parts("", text, texts)
            found = []
            langs = dict.fromkeys(name for name, _ in titles + texts)
            title_of, text_of = dict(titles), dict(texts)
            for lang in langs:
                value = title_of.get(lang, title_of.get("", "")) + "\n\n" + \
                    text_of.get(lang, text_of.get("", ""))
                found.append((f"rec:{rec_id}{lang}", value))
            self._recs[key] = found
        return found

    def digest(self, parts: Parts) -> str:
        hasher = hashlib.sha256()
        update = hasher.update
        for name, text in parts:
            data = text.encode("utf-8")
            update(f"{name}\x1f{len(data)}\x1f".encode())
            update(data)
        return hasher.hexdigest()

    def part_digest(self, name: str, text: str) -> str:
        data = f"{name}\x1f".encode() + text.encode("utf-8")
        return hashlib.sha256(data).hexdigest()[:PART_DIGITS]


ALGORITHMS: dict[str, Callable[[], _V1]] = {"sha256-v1": _V1}
"""Every algorithm a stamp may name, by name. Add, never change or remove."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What `hthc approve` writes into a position's `approved:`."""

    fingerprint: str
    parts: dict[str, str]
    texts: Parts


def stamp(ws: Workspace, position: Position) -> Stamp:
    """The fingerprint of a position as it is now, with the current algorithm."""
    algorithm = ALGORITHMS[CURRENT]()
    parts = algorithm.parts(ws, position)
    return Stamp(f"{CURRENT}:{algorithm.digest(parts)}",
                 {name: algorithm.part_digest(name, text) for name, text in parts}, parts)


def parse_parts(value: str) -> dict[str, str] | None:
    """The part digests of a stamp's `parts:` line, or None when it is not one."""
    found: dict[str, str] = {}
    for item in value.split():
        match = _PART.match(item)
        if match is None:
            return None
        found[match["name"]] = match["hex"]
    return found


def format_parts(parts: dict[str, str]) -> str:
    return " ".join(f"{name}={digest}" for name, digest in parts.items())


@dataclass(frozen=True, slots=True)
class Change:
    """A part that is not as it was approved."""

    name: str
    how: str
    """'changed', 'added' (not there when approved) or 'removed'."""


@dataclass(frozen=True, slots=True)
class Verdict:
    matches: bool
    changes: tuple[Change, ...] = ()
    unknown_algorithm: str | None = None
    malformed: bool = False


class Verifier:
    """Verifies stamps, each with the algorithm it names; one per check run."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._algorithms: dict[str, _V1] = {}

    def verify(self, position: Position, fingerprint: str,
               parts: dict[str, str] | None) -> Verdict:
        match = _FINGERPRINT.match(fingerprint.strip())
        if match is None:
            return Verdict(False, malformed=True)
        name = match["algorithm"]
        algorithm = self._algorithms.get(name)
        if algorithm is None:
            make = ALGORITHMS.get(name)
            if make is None:
                return Verdict(False, unknown_algorithm=name)
            algorithm = self._algorithms[name] = make()
        now = algorithm.parts(self.ws, position)
        if algorithm.digest(now) == match["hex"]:
            return Verdict(True)
        return Verdict(False, tuple(_changes(algorithm, now, parts)))


def _changes(algorithm: _V1, now: Parts, then: dict[str, str] | None) -> Iterable[Change]:
    if then is None:
        return
    current = {name: algorithm.part_digest(name, text) for name, text in now}
    for name, digest in current.items():
        if name not in then:
            yield Change(name, "added")
        elif then[name] != digest[:len(then[name])]:
            yield Change(name, "changed")
    for name in then:
        if name not in current:
            yield Change(name, "removed")


_OWN = {"title": "title", "summary": "summary", "argument": "argument", "stance": "stance",
        "addresses": "list of what it addresses"}


def describe(changes: Iterable[Change]) -> str:
    """The changes in words: "its argument (en), recommendation 'R''s text (da)"."""
    groups: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        base, _, lang = change.name.partition("/")
        if base.startswith("rec:"):
            rec = base.removeprefix("rec:")
            what = {"changed": f"the text of recommendation '{rec}'",
                    "added": f"recommendation '{rec}', now addressed",
                    "removed": f"recommendation '{rec}', no longer addressed or gone"}
        else:
            if base.startswith("proposals."):
                noun = f"proposal {base.removeprefix('proposals.')}"
            else:
                noun = _OWN.get(base, base)
            what = {"changed": f"its {noun}", "added": f"its {noun}, added",
                    "removed": f"its {noun}, removed"}
        groups.setdefault((what[change.how], change.how), []).append(lang)
    out = []
    for (words, _), langs in groups.items():
        shown = [lang for lang in langs if lang]
        out.append(words + (f" ({', '.join(shown)})" if shown else ""))
    return out[0] if len(out) < 2 else ", ".join(out[:-1]) + " and " + out[-1]


def part_label(name: str) -> str:
    """A part's name for a person: 'argument (en)', "recommendation 'R' (da)"."""
    return describe([Change(name, "changed")]).removeprefix("its ")
