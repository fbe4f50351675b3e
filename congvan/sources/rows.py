"""Read the rows below a results table's header: units and their scores, and the rows that are not units.

Group rows are collected, summary rows are compared with the units' means, and a footer (or rows with no
score after a blank row) ends the table; the caller turns what is collected into warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import fmean

from congvan import vn
from congvan.errors import DataError, cell_location
from congvan.sources.cells import Cell, blank, formula_message, read_score, unit_name
from congvan.sources.layout import has_numbers, is_footer, is_group_label, is_summary_label, row_text
from congvan.sources.units import UnitNames

EMPTY = Cell(None, None)
OVERALL = "__overall__"  # the column of the table's official overall index, among the criteria columns
Formula = Callable[[int, int], str | None]  # (row, column), 1-based -> formula text of the cell, or None
SUMMARY_TOLERANCE = 0.01  # a summary row's figure may differ from the computed mean by its rounding


class Found:
    """What the rows of one table hold: scores by unit, their rows, and the rows that are not units.

    `unit_names` gives each name its type (from the `kind_col` column, "Loại", when there is one) and refuses
    a name read twice.
    """

    def __init__(self, unit_names: UnitNames, kind_col: int | None = None) -> None:
        self.unit_names = unit_names
        self.kind_col = kind_col
        self.scores: dict[str, dict[str, float]] = {}
        self.rows: dict[str, int] = {}
        self.fractions: dict[str, list[str]] = {}  # column -> units whose plain number is in (0, 1]
        self.percent_columns: set[str] = set()  # columns with a cell written as a percentage
        self.groups: list[str] = []
        self.summaries: list[tuple[int, str, list[Cell]]] = []
        self.after_blank = False  # a blank row was met below the units read so far


def read_row(found: Found, row: list[Cell], offset: int, unit_col: int, columns: dict[str, int],
             headers: list[str], path: str, sheet: str | None, formula: Formula | None) -> bool:
    """Read one row below the header into `found`; return False when the table has ended above it."""
    if all(blank(cell.value) for cell in row):
        if found.scores:
            found.after_blank = True
        return True
    unit_cell = row[unit_col] if unit_col < len(row) else EMPTY
    unit_where = cell_location(path, sheet, offset, headers[unit_col])
    raw_name = unit_cell.value
    values_present = any(not blank(row[c].value) for c in columns.values() if c < len(row))
    group = isinstance(raw_name, str) and is_group_label(raw_name)
    footer = is_footer(row) and not has_numbers(row, columns.values())
    if footer or (found.after_blank and not values_present and not group):
        return False
    found.after_blank = False
    if blank(raw_name):
        formula_text = formula(offset, unit_col + 1) if formula else None
        if formula_text:
            raise DataError(formula_message(formula_text, "tên đơn vị"), unit_where)
        if values_present:
            merged = f" (ô nằm trong vùng ô gộp {unit_cell.merged}; ghi tên đơn vị ở mỗi dòng)" \
                if unit_cell.merged else ""
            raise DataError(f"dòng có điểm nhưng thiếu tên đơn vị{merged}.", unit_where)
        found.groups.append(f"dòng {offset} '{row_text(row)}'")  # a label written in another column
        return True
    if isinstance(raw_name, str) and is_summary_label(raw_name):
        found.summaries.append((offset, vn.squash(raw_name), row))
        return True
    if group or (isinstance(raw_name, str) and not values_present):
        found.groups.append(f"dòng {offset} '{vn.squash(raw_name)}'")
        return True
    kind_col = found.kind_col
    kind = row[kind_col].value if kind_col is not None and kind_col < len(row) else None
    kind_where = cell_location(path, sheet, offset, headers[kind_col]) if kind_col is not None else ""
    name = found.unit_names.add(unit_name(raw_name, unit_where), offset, unit_where,
                                "" if blank(kind) else vn.squash(str(kind)), kind_where)
    unit_scores = {}
    for code, col in columns.items():
        cell = row[col] if col < len(row) else EMPTY
        explain = (lambda r=offset, c=col + 1: formula(r, c)) if formula else None
        score, plain = read_score(cell, cell_location(path, sheet, offset, headers[col]), explain)
        unit_scores[code] = score
        if not plain:
            found.percent_columns.add(code)
        elif 0 < score <= 1:
            found.fractions.setdefault(code, []).append(name)
    found.scores[name] = unit_scores
    found.rows[name] = offset
    return True


def summary_note(found: Found, overall: dict[str, float], columns: dict[str, int], headers: list[str],
                 summary: tuple[int, str, list[Cell]], path: str, sheet: str | None) -> str | None:
    """Say where a summary row's figures differ from the means of the units (None when they agree)."""
    offset, label, row = summary
    differences = []
    for code, col in columns.items():
        values = overall.values() if code == OVERALL else [unit[code] for unit in found.scores.values()]
        try:
            figure, _ = read_score(row[col] if col < len(row) else EMPTY, "")
        except DataError:
            continue
        computed = fmean(values)
        if abs(figure - computed) > SUMMARY_TOLERANCE:
            differences.append(f"'{headers[col]}' ghi {vn.format_number(figure, 2, keep_zeros=True)}, bình quân "
                               f"các đơn vị là {vn.format_number(computed, 2, keep_zeros=True)}")
    if not differences:
        return None
    return (f"{cell_location(path, sheet, offset)}: dòng tổng hợp '{label}' (không đọc như đơn vị) có số khác số "
            f"tính từ các đơn vị: {'; '.join(differences)}. Kiểm tra bảng có thiếu hay thừa đơn vị không.")
