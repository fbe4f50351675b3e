"""The order and bookmark titles of letters in a print bundle.

The caller may know, for a folder, its letters' print order and titles (a draft batch's manifest, or
the register for issued letters: see `congvan.batch.pdfs.bundle_order`); those come first, in that
order. Other files come in natural name order, so that "100-..." follows "99-...", titled by their
file name. A bookmark is "số và ký hiệu — unit" for an issued letter (`issued_title`), the unit for a draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

_DIGITS = re.compile(r"(\d+)")

# folder -> {file name: title} in print order; empty for a folder with no known order
KnownTitles = Callable[[Path], dict[str, str]]


def issued_title(number_symbol: str, unit: str) -> str:
    """Return the bookmark of an issued letter: "05/SNV-CCHC — Phường Nha Trang"."""
    return f"{number_symbol} — {unit}" if unit else number_symbol


def natural_key(path: Path) -> tuple[object, ...]:
    """Sort key comparing runs of digits as numbers: 9-... < 10-... < 100-..."""
    parts = _DIGITS.split(path.name.lower())
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts if p)


def print_order(files: Sequence[Path], known: KnownTitles | None = None) -> tuple[list[Path], list[str]]:
    """Return `files` in print order (folder by folder as given) and one bookmark title per file."""
    folders: dict[Path, list[Path]] = {}
    for path in files:
        folders.setdefault(path.parent, []).append(path)
    ordered: list[Path] = []
    titles: list[str] = []
    for folder, members in folders.items():
        units = known(folder) if known else {}
        rank = {name: i for i, name in enumerate(units)}
        listed = sorted((p for p in members if p.name in rank), key=lambda p: rank[p.name])
        rest = sorted((p for p in members if p.name not in rank), key=natural_key)
        ordered += listed + rest
        titles += [units[p.name] for p in listed] + [p.stem for p in rest]
    return ordered, titles
