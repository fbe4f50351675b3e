"""One pass over a sheet's XML before openpyxl (sources/limits.py): limits, merged ranges and the last row; and a
sheet without `<dimension>` (written by a program other than Excel) is not parsed by openpyxl only to size it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet import _reader

from congvan.models import DEFAULT_LIMITS
from congvan.sources.detect import open_workbook_sized
from tests.test_grid import _full_grid, _streamed_grid


def _without_dimension(path: Path) -> Path:
    """A workbook as openpyxl's write-only mode writes it: no <dimension>, merged ranges after the cells."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("UBND cấp xã")
    sheet.append(["KẾT QUẢ NĂM 2025"])
    sheet.append(["STT", "Đơn vị", "Tiếp cận"])
    for i in range(1, 40):
        sheet.append([i, f"Phường {i}", 70 + i / 10])
    sheet.merged_cells.ranges.add("A1:C1")
    other = workbook.create_sheet("Trạm y tế")
    other.append(["STT", "Đơn vị", "Chỉ số hài lòng"])
    workbook.save(path)
    return path


def test_a_sheet_without_dimension_is_streamed_cell_for_cell_as_the_full_reader_shows(tmp_path):
    path = _without_dimension(tmp_path / "kq.xlsx")
    assert b"dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert _streamed_grid(path, "UBND cấp xã") == _full_grid(path, "UBND cấp xã")
    (workbook, merges), rows = open_workbook_sized(path, DEFAULT_LIMITS)
    assert merges == {"UBND cấp xã": ["A1:C1"], "Trạm y tế": []}
    assert rows == {"UBND cấp xã": 41, "Trạm y tế": 1}
    plain = openpyxl.load_workbook(path, read_only=True)
    assert [(s.title, s.max_row, s.sheet_state) for s in workbook.worksheets] == \
        [(s.title, s.max_row, s.sheet_state) for s in plain.worksheets]  # what openpyxl learns when opening: none
    workbook.close()


@pytest.mark.parametrize("declared", [False, True], ids=["without", "with"])
def test_opening_a_workbook_parses_no_row_of_its_sheets(tmp_path, monkeypatch, declared):
    path = _without_dimension(tmp_path / "kq.xlsx")
    if declared:  # saved again in normal mode: a <dimension>, as Excel writes
        openpyxl.load_workbook(path).save(path)
    seen: list[str] = []
    real = _reader.iterparse

    def counted(source, *args, **kwargs):
        for event, element in real(source, *args, **kwargs):
            seen.append(element.tag.rsplit("}", 1)[-1])
            yield event, element

    monkeypatch.setattr(_reader, "iterparse", counted)
    (workbook, _merges), _rows = open_workbook_sized(path, DEFAULT_LIMITS)
    assert "row" not in seen
    assert len(list(workbook["UBND cấp xã"].iter_rows())) == 41 and "row" in seen  # the real rows, streamed
    workbook.close()
