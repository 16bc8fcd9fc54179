"""'Did you mean …?': the nearest known word to a mistyped one."""

from __future__ import annotations

from collections.abc import Iterable


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate nearest to `value`, if any is near enough."""
    import difflib  # only paid for when something is misspelt

    found = difflib.get_close_matches(value, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    found = closest(value, candidates, cutoff)
    return f"did you mean '{found}'?" if found else None
