"""Find the table in a results sheet: its header (one or two rows), and what each row below it is.

Clerks' sheets carry title blocks, a group title merged over the criteria, group rows ("I / KHỐI PHƯỜNG"),
summary rows ("Bình quân chung") and a signature block ("NGƯỜI LẬP BIỂU" and a name): none is a unit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from congvan import vn
from congvan.sources.cells import Cell, blank

HEADER_SEARCH_ROWS = 20
# Harmless columns a results table may carry besides the unit and the criteria (compared as header keys).
DEFAULT_IGNORED = ("stt", "tt", "số tt", "số thứ tự", "ghi chú", "xếp hạng", "xếp loại", "thứ hạng", "hạng", "mã",
                   "mã đơn vị", "loại", "cấp")
# Summary rows, matched as whole labels: "Trung Bình Hòa" is a unit, "Trung bình" is not.
SUMMARY_LABELS = frozenset({"trung bình", "trung bình chung", "bình quân", "bình quân chung", "tổng", "tổng cộng",
                            "cộng", "chỉ số chung", "chỉ số chung toàn tỉnh", "toàn tỉnh", "bình quân toàn tỉnh"})
# The first words of a row under the table: signature block, notes, source.
FOOTER_STARTS = ("người lập biểu", "người lập bảng", "người lập", "người tổng hợp", "ghi chú", "nơi nhận",
                 "thủ trưởng", "giám đốc", "kt giám đốc", "tm ", "xác nhận", "nguồn số liệu", "lưu ý")
# "I / KHỐI PHƯỜNG", "A - Nhóm 1": a numeral, a separator, then a word ("N/A" is not a group)
_GROUP_LABEL = re.compile(r"^(?:[ivxlc]+|[a-z])\s*[/.)\-–:]\s*[^\W\d_]{2}|^(?:khối|nhóm|cụm|phần)\b")
_ROMAN = re.compile(r"^[ivxlc]+\.?$")
_SUBTOTAL = re.compile(r"^(?:trung bình|bình quân|tổng cộng|tổng|cộng|chỉ số chung)(?: chung)? (?:khối|nhóm|cụm)\b")
_UNIT_SUFFIX = re.compile(r"\((?:%|điểm|đ|tỷ lệ %)\)\s*$|%\s*$")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,3}\)?$")
_SCORE_TEXT = re.compile(r"^\s*[\d.,]+\s*%?\s*$")
_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b")


@functools.lru_cache(maxsize=1024, typed=True)  # a row's unit name is looked up as a footer, then as a summary
def header_key(text: Any) -> str:
    """Return the key headers and sheet names are matched by: case, spacing, NFC/NFD, punctuation and a unit
    suffix ("(%)", "%", "(điểm)") ignored; "Tiếp nhận, xử lý phản ánh kiến nghị (%)" -> "tiếp nhận xử lý ..."."""
    if text is None:
        return ""
    key = vn.fold(str(text))
    key = _UNIT_SUFFIX.sub("", key)
    return vn.squash(_PUNCTUATION.sub(" ", key))


def header_text(value: Any) -> str:
    return "" if value is None else vn.squash(str(value))


def find_header_row(grid: list[list[Cell]], unit_headers: tuple[str, ...]) -> int | None:
    """Return the index of the first row (of the first 20) with a unit column header, or None."""
    wanted = {header_key(h) for h in unit_headers}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if any(isinstance(cell.value, str) and header_key(cell.value) in wanted for cell in row):
            return index
    return None


def two_row_header(grid: list[list[Cell]], header_row: int) -> list[str] | None:
    """Return the headers of a header written over two rows, or None when the row below is not a header.

    The row below continues the header when it has text under an empty (merged) upper cell, such as the
    criteria under a group title "Chỉ số hài lòng theo từng yếu tố", and no number. Each column takes the
    lower text, or the upper one when the lower cell is empty (the unit column merged down both rows).
    """
    if header_row + 1 >= len(grid):
        return None
    upper, lower = grid[header_row], grid[header_row + 1]
    if any((isinstance(cell.value, int | float) and not isinstance(cell.value, bool))
           or (isinstance(cell.value, str) and _SCORE_TEXT.match(cell.value)) for cell in lower):
        return None  # a data row, scores typed as numbers or as text "72,27%"
    under_gap = any(isinstance(cell.value, str) and cell.value.strip()
                    and (i >= len(upper) or blank(upper[i].value)) for i, cell in enumerate(lower))
    if not under_gap:
        return None
    width = max(len(upper), len(lower))
    return [(header_text(lower[i].value) if i < len(lower) else "")
            or (header_text(upper[i].value) if i < len(upper) else "") for i in range(width)]


def is_column_number_row(row: list[Cell]) -> bool:
    """Return True for the row of column numbers ("(1)", "(2)" … or 1, 2 …) some tables put under the header."""
    values = [cell.value for cell in row if not blank(cell.value)]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(str(v).strip()) for v in values) \
        and any(isinstance(v, str) for v in values)


def is_summary_label(name: str) -> bool:
    return header_key(name) in SUMMARY_LABELS


def is_group_label(name: str) -> bool:
    """Return True for a section row label: "I / KHỐI PHƯỜNG", "II. Khối xã", "KHỐI XÃ, ĐẶC KHU", "A - Nhóm 1",
    or a group's subtotal ("Cộng khối phường", "Bình quân nhóm 2")."""
    key = vn.fold(name)
    return bool(_GROUP_LABEL.match(key) or _ROMAN.match(key) or _SUBTOTAL.match(key))


def is_footer(row: list[Cell]) -> bool:
    """Return True when a text cell of `row` starts a signature block or the notes under the table."""
    return any(isinstance(cell.value, str) and (header_key(cell.value) + " ").startswith(FOOTER_STARTS)
               for cell in row)


def has_numbers(row: list[Cell], columns: Iterable[int]) -> bool:
    """Return True when a cell of `row` in `columns` holds a number or text with a digit (a score, not a title)."""
    for column in columns:
        value = row[column].value if column < len(row) else None
        if (isinstance(value, int | float) and not isinstance(value, bool)) or (
                isinstance(value, str) and any(ch.isdigit() for ch in value)):
            return True
    return False


def row_text(row: list[Cell]) -> str:
    """Return the texts of a row joined, for a note naming an ignored row."""
    return " | ".join(vn.squash(str(cell.value)) for cell in row if not blank(cell.value))[:80]


def title_years(grid: list[list[Cell]], header_row: int) -> list[int]:
    """Return the years written "năm YYYY" in the title rows above the header (not in a date "ngày … năm")."""
    texts = [vn.fold(cell.value) for row in grid[:header_row] for cell in row if isinstance(cell.value, str)]
    return [int(year) for text in texts if "ngày" not in text for year in _TITLE_YEAR.findall(text)]
