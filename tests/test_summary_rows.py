"""The summary workbook's rows written as XML text (summary/rows.py) read back as the cells openpyxl writes."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError

from congvan.summary import rows

ROWS = [["Xã A", 72.5, None, 3], [" Xã B & <C> ", math.nan, -1.25, 0], ["=1+1", 100, 2.0, 12]]


def spliced(values: list[list[object]]) -> openpyxl.Workbook:
    """A sheet with a styled pattern row 2 and a row below, with `values` spliced in between."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Đơn vị", "Điểm", "Tăng/giảm", "Xếp hạng"])
    sheet.append(["Xã Mẫu", 80.0, 1.5, 1])
    sheet.cell(2, 2).number_format = "0.00"
    sheet.cell(2, 3).number_format = "+0.00;-0.00;0.00"
    sheet.cell(3 + len(values), 1, "Bình quân")
    item = rows.Rows(sheet, 2, rows.pattern_styles(sheet, 2, 4), iter(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(rows.splice(buffer.getvalue(), [item])))


def test_rows_read_back_with_their_values_and_the_pattern_rows_styles():
    sheet = spliced(ROWS).active
    read = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_row=5)]
    assert read == [["Xã A", 72.5, None, 3], [" Xã B & <C> ", None, -1.25, 0], ["=1+1", 100, 2, 12]]
    assert sheet.cell(5, 1).data_type == "s"  # a name is never a formula
    for row in range(2, 6):
        assert [sheet.cell(row, column).number_format for column in range(1, 5)] == [
            "General", "0.00", "+0.00;-0.00;0.00", "General"]
    assert [sheet.cell(1, 1).value, sheet.cell(6, 1).value, sheet.max_row] == ["Đơn vị", "Bình quân", 6]


def test_many_rows_are_written_in_blocks_in_order():
    count = rows.BLOCK * 2 + 7
    sheet = spliced([[f"Xã {n}", n / 4, None, n] for n in range(count)]).active
    assert [sheet.cell(row, 4).value for row in range(3, 3 + count)] == list(range(count))
    assert sheet.cell(3 + count, 1).value == "Bình quân"


def test_a_control_character_is_refused_as_openpyxl_refuses_it():
    with pytest.raises(IllegalCharacterError):
        spliced([["Xã\x01A", 1.0, None, 1]])
