"""'Did you mean …?': the nearest known word to a mistyped one.

Text pasted from Word or a web page brings characters that look like ordinary ones but are
not: a no-break space, a zero-width space, an en dash for '-'. `odd_character` names them
for messages, and `normalise` undoes them before looking for the nearest known word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LOOKALIKES: dict[str, tuple[str, str]] = {
    "\u00a0": ("a no-break space", " "),
    "\u2002": ("an en space", " "),
    "\u2003": ("an em space", " "),
    "\u2007": ("a figure space", " "),
    "\u2009": ("a thin space", " "),
    "\u202f": ("a narrow no-break space", " "),
    "\u3000": ("an ideographic space", " "),
    "\u200b": ("a zero-width space", ""),
    "\u200c": ("a zero-width non-joiner", ""),
    "\u200d": ("a zero-width joiner", ""),
    "\u2060": ("a word joiner", ""),
    "\ufeff": ("a zero-width no-break space", ""),
    "\u00ad": ("a soft hyphen", ""),
    "\u2010": ("a hyphen (U+2010)", "-"),
    "\u2011": ("a non-breaking hyphen", "-"),
    "\u2012": ("a figure dash", "-"),
    "\u2013": ("an en dash", "-"),
    "\u2014": ("an em dash", "-"),
    "\u2212": ("a minus sign", "-"),
    "\u2018": ("a typographic quote", ""),
    "\u2019": ("a typographic quote", ""),
    "\u201c": ("a typographic quote", ""),
    "\u201d": ("a typographic quote", ""),
}
"""Characters that pass for an ordinary one: what to call them, what they stand for."""

_NORMALISE = str.maketrans({ch: plain for ch, (_, plain) in LOOKALIKES.items()})


def character_name(char: str) -> str:
    """'a no-break space (U+00A0)'; 'a space' for the ordinary one."""
    if char == " ":
        return "a space"
    if char == "\t":
        return "a tab"
    name = LOOKALIKES[char][0] if char in LOOKALIKES else "the character"
    code = f"U+{ord(char):04X}"
    return name if code in name else f"{name} ({code})"


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNENCODABLE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown_as(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":  # a byte of a file name that is not UTF-8
        return "\ufffd"
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str, one_line: bool = True) -> str:
    """`text` fit to print, in any encoding a terminal or a JSON reader takes.

    A byte of a file name that is not UTF-8 (which Python keeps as a lone surrogate) is
    shown as U+FFFD; with `one_line`, a line break or other control character as its
    escape ('\\n'), so that the text stays on one line.
    """
    pattern = _UNPRINTABLE if one_line else _UNENCODABLE
    return pattern.sub(_shown_as, text) if pattern.search(text) else text


def normalise(value: str) -> str:
    """`value` with look-alike characters replaced by what they pass for, and stripped."""
    return value.translate(_NORMALISE).strip()


def odd_character(value: str) -> tuple[int, str] | None:
    """Where `value` holds a character one cannot see or tell apart, and what it is.

    A leading or trailing space counts; one between words does not (it shows). The
    index is into `value`; `None` when there is nothing odd.
    """
    for index, char in enumerate(value):
        if char in LOOKALIKES:
            return index, char
    if value[:1].isspace():
        return 0, value[0]
    if value[-1:].isspace():
        return len(value) - 1, value[-1]
    return None


def describe_odd(value: str, column: int | None = None) -> str | None:
    """'it holds a no-break space (U+00A0) at column 9', or None when nothing is odd.

    `column` is where `value` starts on its line; without it, where the character stands
    is told in words.
    """
    found = odd_character(value)
    if found is None:
        return None
    index, char = found
    name = character_name(char)
    if index == 0 and len(value) > 1:
        return f"it starts with {name}"
    if index == len(value) - 1 and len(value) > 1:
        return f"it ends with {name}"
    if column is None:
        return f"it holds {name} after '{value[:index]}'"
    return f"it holds {name} at column {column + index}"


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate nearest to `value`, if any is near enough."""
    import difflib  # only paid for when something is misspelt

    pool = list(candidates)
    plain = normalise(value)
    if plain != value and plain in pool:
        return plain
    found = difflib.get_close_matches(plain, pool, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    found = closest(value, candidates, cutoff)
    return f"did you mean '{found}'?" if found else None
