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

The fingerprint is the SHA-256 of every part, name and text, in order (see `_V1`). So that check can
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
    return _normalise_lines(text.rstrip(_END))


_END = " \t\r\n"


def _normalise_lines(text: str) -> str:
    """LF line breaks, no spaces or tabs before a line break, NFC."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if " \n" in text or "\t\n" in text:
        text = _TRAILING.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _text_pieces(name: str, text: Text | None, out: list[tuple[str, str]]) -> None:
    """(name, text) of each language of a text, the text not yet normalised."""
    if text is None:
        return
    if text.common is not None:
        out.append((name, str(text.common.value)))
        return
    by_language = text.by_language
    for lang in sorted(by_language) if len(by_language) > 1 else by_language:
        out.append((f"{name}/{lang}", str(by_language[lang].value)))


class _V1:
    """sha256-v1: frozen; see the module's docstring.

    What is hashed is each part as `NAME US TEXT RS` (the ASCII unit and record separators,
    which no text holds: check refuses control characters), texts normalised. Normalising
    the joined parts once is the same as normalising each part: the separators end every
    line and every run of combining characters.
    """

    name = "sha256-v1"

    def __init__(self) -> None:
        self._recs: dict[int, list[tuple[str, str]]] = {}
        self._rec_blobs: dict[str, str] = {}

    def pieces(self, ws: Workspace, position: Position) -> list[tuple[str, str]]:
        """(name, text not yet normalised) of each part, in the order they are hashed."""
        out: list[tuple[str, str]] = []
        _text_pieces("title", position.title, out)
        out.append(("stance", position.stance))
        ids = sorted({ref.value for ref in position.addresses})
        out.append(("addresses", "\n".join(ids)))
        _text_pieces("summary", position.summary, out)
        _text_pieces("argument", position.argument, out)
        out += self.pieces_of_proposals(position)
        recommendations = ws.recommendations
        for rec_id in ids:
            rec = recommendations.get(rec_id)
            if rec is not None:
                out += self._rec_pieces(rec_id, rec.title, rec.text)
        return out

    def parts(self, ws: Workspace, position: Position) -> Parts:
        return [(name, normalise(text)) for name, text in self.pieces(ws, position)]

    def _rec_pieces(self, rec_id: str, title: Text, text: Text) -> list[tuple[str, str]]:
        # Many positions address one recommendation: its parts are made once.
        key = id(text)
        found = self._recs.get(key)
        if found is None:
            titles: list[tuple[str, str]] = []
            texts: list[tuple[str, str]] = []
            _text_pieces("", title, titles)
            _text_pieces("", text, texts)
            title_of, text_of = dict(titles), dict(texts)
            found = []
            langs = list(dict.fromkeys(name for name, _ in titles + texts))
            if len(langs) > 1 and "" in langs:  # one title beside a text per language
                langs.remove("")
            for lang in langs:
                # normalised with the rest: a line break joins as it separates
                both = (title_of.get(lang, title_of.get("", "")).rstrip(_END) + "\n\n"
                        + text_of.get(lang, text_of.get("", "")).rstrip(_END))
                found.append((f"rec:{rec_id}{lang}", both))
            self._recs[key] = found
        return found

    def digest(self, ws: Workspace, position: Position) -> str:
        # The hot path of check, once per stamped position: it makes as few calls as it can.
        # (Every value of a Text is a str: the validator keeps no other.)
        blob: list[str] = []
        add = blob.append
        addresses = position.addresses
        ids = [addresses[0].value] if len(addresses) == 1 else \
            sorted({ref.value for ref in addresses})
        for name, text in (("title", position.title), ("stance", None),
                           ("summary", position.summary), ("argument", position.argument)):
            if text is None:
                add(f"stance\x1f{position.stance}\x1eaddresses\x1f" + "\n".join(ids) + "\x1e")
            elif text.common is not None:
                add(f"{name}\x1f{text.common.value.rstrip(_END)}\x1e")
            else:
                for lang, scalar in sorted(text.by_language.items()):
                    add(f"{name}/{lang}\x1f{scalar.value.rstrip(_END)}\x1e")
        for number, proposal in enumerate(position.proposals, start=1):
            if proposal.common is not None:
                add(f"proposals.{number}\x1f{proposal.common.value.rstrip(_END)}\x1e")
            else:
                for lang, scalar in sorted(proposal.by_language.items()):
                    add(f"proposals.{number}/{lang}\x1f{scalar.value.rstrip(_END)}\x1e")
        recs = self._rec_blobs
        for rec_id in ids:
            found = recs.get(rec_id)
            if found is None:
                found = recs[rec_id] = self._rec_blob(ws, rec_id)
            add(found)
        return hashlib.sha256(_normalise_lines("".join(blob)).encode("utf-8")).hexdigest()

    def _rec_blob(self, ws: Workspace, rec_id: str) -> str:
        rec = ws.recommendations.get(rec_id)
        if rec is None:
            return ""
        titles, texts = rec.title.by_language, rec.text.by_language
        if rec.title.common is None and rec.text.common is None and titles.keys() == texts.keys():
            # the usual case, a title and a text per language, made without the general way
            return "".join(
                f"rec:{rec_id}/{lang}\x1f" + (
                    str(titles[lang].value).rstrip(_END) + "\n\n"
                    + str(texts[lang].value).rstrip(_END)).rstrip(_END) + "\x1e"
                for lang in (sorted(texts) if len(texts) > 1 else texts))
        return "".join(f"{name}\x1f{value.rstrip(_END)}\x1e"
                       for name, value in self._rec_pieces(rec_id, rec.title, rec.text))

    @staticmethod
    def pieces_of_proposals(position: Position) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for number, proposal in enumerate(position.proposals, start=1):
            _text_pieces(f"proposals.{number}", proposal, out)
        return out

    def digest_of(self, parts: Parts) -> str:
        """The digest of parts already normalised (as kept by `parts`)."""
        blob = "".join([f"{name}\x1f{text}\x1e" for name, text in parts])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def part_digest(self, name: str, text: str) -> str:
        data = f"{name}\x1f{text}\x1e".encode()
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
    return Stamp(f"{CURRENT}:{algorithm.digest(ws, position)}",
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

    def verify(self, position: Position, fingerprint: str, parts: str | None) -> Verdict:
        """Whether `position` is as stamped; `parts` is the stamp's `parts:` line."""
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
        if algorithm.digest(self.ws, position) == match["hex"]:
            return Verdict(True)
        then = parse_parts(parts) if parts else None
        return Verdict(False, tuple(_changes(algorithm, algorithm.parts(self.ws, position),
                                             then)))


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
    base, _, lang = name.partition("/")
    if base.startswith("rec:"):
        what = f"recommendation '{base.removeprefix('rec:')}'"
    elif base.startswith("proposals."):
        what = f"proposal {base.removeprefix('proposals.')}"
    else:
        what = _OWN.get(base, base)
    return what + (f" ({lang})" if lang else "")
