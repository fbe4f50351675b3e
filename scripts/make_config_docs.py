"""Rewrite docs/config.md from the declared schemas of the TOML files (congvan/config/)."""

from __future__ import annotations

from pathlib import Path

from congvan.config.reference import render

DOCS = Path(__file__).resolve().parent.parent / "docs" / "config.md"

if __name__ == "__main__":
    DOCS.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCS}")
