"""The order and bookmark titles of letters in a print bundle.

A draft batch folder has manifest.json: its letters come in the manifest's order, titled by their unit.
Other files (issued letters "05-SNV-CCHC_....docx", loose files) come in natural name order, so that
"100-..." follows "99-...", titled by their file name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

_DIGITS = re.compile(r"(\d+)")


def natural_key(path: Path) -> tuple[object, ...]:
    """Sort key comparing runs of digits as numbers: 9-... < 10-... < 100-..."""
    parts = _DIGITS.split(path.name.lower())
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts if p)


def _manifest_units(folder: Path) -> dict[str, str]:
    """Map file name -> unit in manifest order; empty when the folder has no readable manifest."""
    try:
        letters = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["letters"]
        return {str(entry["file"]): str(entry.get("unit") or Path(entry["file"]).stem) for entry in letters}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def bundle_order(files: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Return `files` in print order (folder by folder as given) and one bookmark title per file."""
    folders: dict[Path, list[Path]] = {}
    for path in files:
        folders.setdefault(path.parent, []).append(path)
    ordered: list[Path] = []
    titles: list[str] = []
    for folder, members in folders.items():
        units = _manifest_units(folder)
        rank = {name: i for i, name in enumerate(units)}
        listed = sorted((p for p in members if p.name in rank), key=lambda p: rank[p.name])
        rest = sorted((p for p in members if p.name not in rank), key=natural_key)
        ordered += listed + rest
        titles += [units[p.name] for p in listed] + [p.stem for p in rest]
    return ordered, titles
