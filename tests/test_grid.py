"""The streamed sheet grid (sources/grid.py) is cell for cell what openpyxl's full reader shows."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from congvan.models import DEFAULT_LIMITS
from congvan.sources.detect import open_workbook
from congvan.sources.grid import sheet_grid


def _full_grid(path: Path, title: str) -> list[list[tuple[object, ...]]]:
    """The grid as results.py built it from openpyxl's full reader, before streaming."""
    sheet = openpyxl.load_workbook(path, data_only=True)[title]
    merged = {(r, c): str(rng.coord) for rng in sheet.merged_cells.ranges
              for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
              if (r, c) != (rng.min_row, rng.min_col)}
    return [[(cell.value, cell.number_format or "General",
              cell.font.name if isinstance(cell.value, str) and cell.font else None, merged.get((r, c)))
             for c, cell in enumerate(row, start=1)] for r, row in enumerate(sheet.iter_rows(), start=1)]


def _streamed_grid(path: Path, title: str) -> list[list[tuple[object, ...]]]:
    workbook, merges = open_workbook(path, DEFAULT_LIMITS)
    try:
        grid = sheet_grid(workbook[title], merges.get(title, ()))
    finally:
        workbook.close()
    return [[(cell.value, cell.number_format, cell.font, cell.merged) for cell in row] for row in grid]


def _tricky_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "UBND cấp xã"
    sheet["A1"] = "KẾT QUẢ NĂM 2025"
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["STT", "Đơn vị", "Chỉ số hài lòng theo từng yếu tố"])
    sheet.merge_cells("C3:E3")
    sheet.append([None, None, "Tiếp cận", "Thủ tục", "Kết quả"])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.append([1, "Phường Nha Trang", 0.7227, "80,5%", dt.datetime(2025, 3, 4)])
    sheet["C5"].number_format = "0.00%"
    sheet["B6"] = "Xã Ninh Hòa"
    sheet["B6"].font = Font(name=".VnTime")
    sheet["D6"] = True
    sheet["J9"].number_format = "0.0"  # a styled empty cell far right and below: the grid reaches it
    sheet.merge_cells("B11:C12")  # a merged range below every written cell
    sheet.row_dimensions[20].height = 30  # a row with only a height: not part of the grid
    workbook.save(path)
    return path


def test_the_streamed_grid_is_the_full_readers_grid(tmp_path):
    path = _tricky_workbook(tmp_path / "kq.xlsx")
    streamed = _streamed_grid(path, "UBND cấp xã")
    assert streamed == _full_grid(path, "UBND cấp xã")
    assert len(streamed) == 12 and {len(row) for row in streamed} == {10}
    assert streamed[3][1] == (None, "General", None, "B3:B4")
    assert streamed[5][1][2] == ".VnTime"


def test_a_wrong_declared_dimension_does_not_cut_the_table(tmp_path):
    """Another program's <dimension ref="A1"/> on a full sheet: every row is still read, as the full reader does."""
    path = _tricky_workbook(tmp_path / "kq.xlsx")
    wrong = tmp_path / "wrong.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(wrong, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
            target.writestr(info, data)
    assert b'ref="A1"/' in zipfile.ZipFile(io.BytesIO(wrong.read_bytes())).read("xl/worksheets/sheet1.xml")
    assert _streamed_grid(wrong, "UBND cấp xã") == _full_grid(path, "UBND cấp xã")
