"""Paragraph and run properties read from the XML for the lint model: spacing, first-line indent, borders, and
the text of runs typed in a TCVN3/VNI font converted to Unicode."""

from __future__ import annotations

from lxml import etree

from congvan.lint.model import NS, RunFormat, w_tag, xml_val
from congvan.lint.styles import StyleSheet
from congvan.vn.legacy import legacy_font_encoding, legacy_font_is_uppercase, legacy_to_unicode


def decoded_text(text: str, fmt: RunFormat) -> str:
    """Text of a run typed in a TCVN3/VNI font, converted to Unicode (`.VnTimeH` shows capitals)."""
    font = fmt.font_hansi if legacy_font_encoding(fmt.font_hansi) else fmt.font_ascii
    encoding = legacy_font_encoding(font)
    if encoding is None:
        return text
    return legacy_to_unicode(text, encoding, uppercase=legacy_font_is_uppercase(font))


def _twips(element: etree._Element | None, attr: str) -> int | None:
    value = xml_val(element, attr)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def spacing(sheet: StyleSheet, ppr: etree._Element | None) -> tuple[int, int, int, str]:
    """Effective (before, after, line, lineRule), each from the first level that sets it (twips; line in
    240ths of a line when the rule is auto)."""
    found: dict[str, int] = {}
    rule = "auto"
    for level in sheet.ppr_levels(ppr):
        spacing = level.find("w:spacing", NS)
        for attr in ("before", "after", "line"):
            value = _twips(spacing, attr)
            if attr not in found and value is not None:
                found[attr] = value
                if attr == "line":
                    rule = xml_val(spacing, "lineRule") or "auto"
    return found.get("before", 0), found.get("after", 0), found.get("line", 240), rule


def first_line(sheet: StyleSheet, ppr: etree._Element | None) -> int | None:
    """First-line indent in twips (a hanging indent is negative), None when no level sets it."""
    ind = sheet.para_property(ppr, "w:ind")
    if ind is None:
        return None
    hanging = _twips(ind, "hanging")
    return -hanging if hanging else _twips(ind, "firstLine")


def is_border(element: etree._Element | None) -> bool:
    """Whether a border element draws a line (not nil/none)."""
    if element is None:
        return False
    return (element.get(w_tag("val")) or "nil") not in ("nil", "none")
