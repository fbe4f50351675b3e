"""Point a clerk at the name they probably meant."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

from congvan.vn.text import name_key


def suggest(word: str, choices: Sequence[str]) -> str:
    """Return " — có phải 'x'?" for the nearest choice, or the list of choices when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f" — có phải '{close[0]}'?"
    return f" (dùng được: {', '.join(choices)})." if choices else "."


def _loose(name: str) -> str:
    """`name_key` without tone marks and with đ as d: "Phuong phuong sai" meets "Phường Phương Sài"."""
    decomposed = unicodedata.normalize("NFD", name_key(name).replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def suggest_names(word: str, names: Sequence[str], limit: int = 3) -> str:
    """Return " — có phải 'A' hoặc 'B'?" for the unit names nearest `word` (folded, tone marks ignored), or "".

    Names as close as the nearest one (within 0.05) are offered too: "Xã Tân Định" and "Phường Tân Định".
    """
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(_loose(name), name)
    wanted = _loose(word)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in by_key), reverse=True)
    if not scored or scored[0][0] < 0.6:
        return ""
    close = [key for score, key in scored[:limit] if score >= max(0.6, scored[0][0] - 0.05)]
    return " — có phải " + " hoặc ".join(f"'{by_key[key]}'" for key in close) + "?"
