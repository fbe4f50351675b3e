"""A results sheet as a grid of cells, streamed row by row (openpyxl's read-only reader).

The grid is what openpyxl's full reader shows — rows from row 1 and cells from column A, every row as wide
as the widest, a merged range's cells other than its top-left one empty and naming the range — without
first building the whole workbook in memory (the full reader holds every cell as an object: ~180 MB and
3 s for 20,000 rows). The sheet's declared `<dimension>` is ignored, as the full reader ignores it: a
wrong one written by another program must not cut the table short.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.cell_range import CellRange

from congvan.sources.cells import Cell


def sheet_grid(sheet: Any, merges: Iterable[str]) -> list[list[Cell]]:
    """Return the cells of the read-only worksheet `sheet`, whose merged ranges are `merges` ("B5:B6")."""
    covered: dict[tuple[int, int], str] = {}  # every cell of a merged range but its top-left one -> the range
    bottom = right = 0
    for ref in merges:
        area = CellRange(ref)
        bottom, right = max(bottom, area.max_row), max(right, area.max_col)
        covered.update(((r, c), area.coord) for r in range(area.min_row, area.max_row + 1)
                       for c in range(area.min_col, area.max_col + 1) if (r, c) != (area.min_row, area.min_col))
    sheet.reset_dimensions()
    grid: list[list[Cell]] = []
    last = 0  # the last row with a cell in the XML: rows below it (only heights or styles) are not the sheet's
    for r, row in enumerate(sheet.iter_rows(), start=1):
        if row:
            last = r
        grid.append([_cell(cell) for cell in row])
    del grid[max(last, bottom):]
    grid += [[] for _ in range(bottom - len(grid))]
    width = max([right, *map(len, grid)])
    for row in grid:
        row += [Cell(None, None) for _ in range(width - len(row))]
    for (r, c), area_coord in covered.items():
        grid[r - 1][c - 1] = Cell(None, None, None, area_coord)
    return grid


def _cell(cell: Any) -> Cell:
    value = cell.value
    # The font matters only to tell TCVN3/VNI text (a .VnTime font), so it is looked up for text alone.
    font = cell.font.name if isinstance(value, str) and cell.font else None
    return Cell(value, cell.number_format, font)
