"""Point a clerk at the name they probably meant."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def suggest(word: str, choices: Sequence[str]) -> str:
    """Return " — có phải 'x'?" for the nearest choice, or the list of choices when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f" — có phải '{close[0]}'?"
    return f" (dùng được: {', '.join(choices)})." if choices else "."
