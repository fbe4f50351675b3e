"""Every link in README and docs/ resolves to a file of this repository (a reader has nothing else)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def local_links(text: str) -> list[str]:
    """Return the link targets of a Markdown text that point at files (web and in-page links left out)."""
    targets = [match.group(1) for match in LINK.finditer(text)]
    return [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_the_link_finder_sees_relative_links_only():
    text = "[a](docs/x.md) [b](https://example.org) [c](#top) ![img](p.png) [d](../up.md#part)"
    assert local_links(text) == ["docs/x.md", "../up.md#part"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(page: Path):
    text = page.read_text(encoding="utf-8")
    for target in local_links(text):
        resolved = (page.parent / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(ROOT), f"{page.name}: link {target} leaves the repository"
        assert resolved.exists(), f"{page.name}: link {target} points at nothing"
    assert "../shared" not in text and "shared/docs/" not in text, f"{page.name} names a file outside the repository"
