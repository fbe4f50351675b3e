"""The document model the NĐ 30 checker works on: paragraphs with their effective run formatting,
page setup and findings (built by `congvan.lint.check.read_docx`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from congvan.vn import nfc

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W_NS, "a": A_NS, "r": R_NS}
_W = f"{{{W_NS}}}"

WORD_DEFAULT_FONT = "Times New Roman"  # what Word uses when no rFonts is set anywhere
WORD_DEFAULT_SIZE = 10.0  # pt, when no w:sz is set anywhere

_OFF = {"0", "false", "off", "none"}


def w_tag(name: str) -> str:
    return _W + name


def xml_val(element: etree._Element | None, attr: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(w_tag(attr))


def xml_on(element: etree._Element | None) -> bool | None:
    """Value of a toggle property element (<w:b/>, <w:b w:val="0"/>), None when absent."""
    if element is None:
        return None
    value = element.get(w_tag("val"))
    return value is None or value.lower() not in _OFF


# -- findings --


@dataclass(frozen=True)
class Finding:
    """One departure from NĐ 30: which rule, how serious, where, what was found and what is wanted."""

    rule_id: str
    severity: str  # "error" | "warning"
    component: str
    found: str
    expected: str
    location: str = ""

    def as_dict(self) -> dict[str, str]:
        """Return the finding as a plain dict (for JSON output)."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "component": self.component,
            "found": self.found,
            "expected": self.expected,
            "location": self.location,
        }


# -- formatting --


@dataclass(frozen=True)
class RunFormat:
    """Effective formatting of one run."""

    font_ascii: str
    font_hansi: str
    size: float  # pt
    bold: bool
    italic: bool
    underline: bool
    caps: bool


@dataclass(frozen=True)
class Piece:
    """A piece of text with one effective formatting (part of a run)."""

    text: str
    fmt: RunFormat
    run: Any = field(default=None, compare=False, repr=False)  # the w:r element (for lint --fix)

    @property
    def shown(self) -> str:
        """The text as displayed (upper-cased when the run has the caps property)."""
        return self.text.upper() if self.fmt.caps else self.text


@dataclass
class Segment:
    """Text between tabs and line breaks inside a paragraph, with its pieces."""

    pieces: list[Piece]

    @property
    def text(self) -> str:
        """Displayed text, NFC."""
        return nfc("".join(p.shown for p in self.pieces))

    def inked(self) -> list[Piece]:
        """Pieces that show some non-space character."""
        return [p for p in self.pieces if p.text.strip()]

    def sizes(self) -> list[float]:
        """Distinct effective sizes of the inked pieces, sorted."""
        return sorted({p.fmt.size for p in self.inked()})

    def all_bold(self) -> bool:
        return bool(self.inked()) and all(p.fmt.bold for p in self.inked())

    def any_bold(self) -> bool:
        return any(p.fmt.bold for p in self.inked())

    def all_italic(self) -> bool:
        return bool(self.inked()) and all(p.fmt.italic for p in self.inked())

    def any_italic(self) -> bool:
        return any(p.fmt.italic for p in self.inked())


@dataclass
class Para:
    """One paragraph of the body (top level or inside a table cell), in document order."""

    index: int  # 1-based, counting every paragraph of the body, tables included
    element: Any
    pieces: list[Piece]
    alignment: str  # left, center, right, both
    cell: Any = None  # the w:tc element holding it, None at top level
    table: Any = None  # the top-level w:tbl holding it
    column: int = -1  # column of the cell in its row
    row: Any = None  # the w:tr element
    border_bottom: bool = False
    border_top: bool = False
    has_drawing: bool = False
    size_for_estimate: float = 13.0
    line_factor: float = 1.0
    space_pt: float = 0.0
    segments: list[Segment] = field(default_factory=list)
    page_field: bool = False
    page_field_size: float | None = None
    first_line: int | None = None  # first-line indent in twips (negative: hanging), None when unset
    space_before: float = 0.0  # pt
    space_after: float = 0.0  # pt
    line_rule: str = "auto"  # auto (line_value in 240ths of a line) | exact | atLeast (line_value in twips)
    line_value: int = 240

    @property
    def text(self) -> str:
        """Displayed text with tabs kept, NFC."""
        return nfc("".join(p.shown for p in self.pieces))

    @property
    def plain(self) -> str:
        """Displayed text, white space collapsed, trimmed."""
        return re.sub(r"\s+", " ", self.text).strip()

    def lines(self) -> list[Segment]:
        """The paragraph split at line breaks (tabs kept)."""
        out: list[Segment] = [Segment([])]
        for piece in self.pieces:
            if piece.text == "\n":
                out.append(Segment([]))
            else:
                out[-1].pieces.append(piece)
        return [line for line in out if line.text.strip()]

    def whole(self) -> Segment:
        """The paragraph as one segment."""
        return Segment(self.pieces)

    def columns(self) -> list[Segment]:
        """The first line split at tabs: [left, right…] columns of a tab-laid line (empty cells left out)."""
        first = self.lines()[0] if self.lines() else Segment([])
        out: list[Segment] = [Segment([])]
        for piece in first.pieces:
            if piece.text == "\t":
                out.append(Segment([]))
            else:
                out[-1].pieces.append(piece)
        return out

    def where(self) -> str:
        """Human location: "đoạn 12 «Số: 05/…»"."""
        excerpt = self.plain
        if len(excerpt) > 50:
            excerpt = excerpt[:47] + "…"
        return f"đoạn {self.index} «{excerpt}»" if excerpt else f"đoạn {self.index}"


@dataclass
class Section:
    """Page setup of one section (values in twips) and its page-number headers."""

    number: int
    width: int | None
    height: int | None
    orient: str | None
    top: int | None
    bottom: int | None
    left: int | None
    right: int | None
    title_page: bool
    default_header: list[Para] | None
    first_header: list[Para] | None
    default_footer: list[Para] | None


@dataclass
class DocModel:
    """Everything the rules look at."""

    path: Path
    paras: list[Para]
    sections: list[Section]
    header_paras: list[Para]  # every paragraph of every header/footer part (for the font rule)
    top_tables: list[Any]
    explicit_page_breaks: int = 0
