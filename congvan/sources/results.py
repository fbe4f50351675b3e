"""Read the results tables (.xlsx sheets, .csv files) of the criteria catalog.

Every error names the file, sheet, row and column, and what was expected there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from congvan import vn
from congvan.errors import DataError, DataFileUnreadable, cell_location
from congvan.models import DEFAULT_LIMITS, Catalog, ReadLimits, ResultTable, TableSpec, unit_key
from congvan.sources.cells import Cell, blank, check_fraction_columns, formula_message, read_score, unit_name
from congvan.sources.csv_rows import read_csv_rows
from congvan.sources.detect import SPREADSHEET_SUFFIXES, formula_lookup, open_workbook
from congvan.sources.units import KIND_HEADERS, UnitNames

# Columns a results table may carry besides the unit and the criteria.
IGNORED_HEADERS = ("stt", "tt", "số tt", "ghi chú", "xếp hạng", "xếp loại", "mã", "mã đơn vị", "chỉ số chung",
                   "chỉ số hài lòng chung (trung bình)", "trung bình")
# Summary rows at the foot of a table, not units.
SUMMARY_ROWS = ("trung bình", "bình quân", "tổng", "tổng cộng", "chỉ số chung", "cộng")
HEADER_SEARCH_ROWS = 20


# -- results --


def load_results(paths: Sequence[Path], catalog: Catalog, *, convert_legacy: bool = False,
                 warnings: list[str] | None = None, limits: ReadLimits = DEFAULT_LIMITS,
                 two_level: bool = True) -> list[ResultTable]:
    """Read every results file and return one `ResultTable` per catalog table found, in catalog order.

    `limits` bound each file's size before it is parsed; with `two_level`, unit types of the three-level
    government (thị trấn, huyện, quận) are warnings.

    Hidden sheets are never read: one that matches a table is reported in `warnings` when the table is
    found elsewhere, and stops the run when it is not (the clerk must unhide it or rename it).
    """
    found: dict[str, ResultTable] = {}
    hidden: list[tuple[Path, str, TableSpec]] = []
    sheets_seen: list[str] = []

    def unit_names(spec: TableSpec) -> UnitNames:
        return UnitNames(spec.default_kind, two_level, warnings)

    for path in paths:
        if not path.is_file():
            raise DataFileUnreadable("không tìm thấy tệp kết quả.", str(path))
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES:
            tables, hidden_here, titles = _read_workbook(path, catalog, convert_legacy, limits, unit_names)
            hidden += [(path, title, spec) for title, spec in hidden_here]
            sheets_seen += [f"'{title}'" for title in titles]
        elif suffix == ".csv":
            tables = [_read_csv(path, catalog, convert_legacy, warnings, limits, unit_names)]
        else:
            raise DataError(f"định dạng '{suffix}' không được hỗ trợ; dùng .xlsx hoặc .csv.", str(path))
        for table in tables:
            if table.spec.code in found:
                raise DataError(f"bảng '{table.spec.name}' có ở hai nơi: {found[table.spec.code].source} và "
                                f"{table.source}.", str(path))
            found[table.spec.code] = table
    for path, title, spec in hidden:
        if spec.code not in found:
            raise DataError(f"sheet này khớp bảng '{spec.name}' nhưng đang bị ẩn; congvan không đọc sheet ẩn. "
                            "Nếu đây là số liệu cần dùng, bỏ ẩn sheet (chuột phải vào tên sheet > Unhide).",
                            cell_location(path, title))
        if warnings is not None:
            warnings.append(f"{cell_location(path, title)}: sheet ẩn, không đọc (bảng '{spec.name}' lấy ở "
                            f"{found[spec.code].source}).")
    if not found:
        names = ", ".join(f"'{t.name}'" for t in catalog.tables)
        seen = f" Tệp có các sheet: {', '.join(sheets_seen)}." if sheets_seen else ""
        raise DataError(f"không có bảng kết quả nào. Cần sheet (hoặc tệp .csv) tên {names}.{seen}",
                        ", ".join(str(p) for p in paths))
    return [found[spec.code] for spec in catalog.tables if spec.code in found]


def _match_table(name: str, catalog: Catalog) -> TableSpec | None:
    key = vn.fold(name)
    for spec in catalog.tables:
        if key in (vn.fold(spec.name), vn.fold(spec.code), vn.fold(spec.code.replace("_", " "))):
            return spec
    return None


def _read_workbook(path: Path, catalog: Catalog, convert_legacy: bool, limits: ReadLimits,
                   unit_names: Callable[[TableSpec], UnitNames]
                   ) -> tuple[list[ResultTable], list[tuple[str, TableSpec]], list[str]]:
    """Return the tables of the visible sheets, the hidden sheets matching a table, and every sheet title."""
    workbook = open_workbook(path, limits)
    formulas = formula_lookup(path)
    tables = []
    hidden = []
    for sheet in workbook.worksheets:
        spec = _match_table(sheet.title, catalog)
        if spec is None:
            continue
        if sheet.sheet_state != "visible":
            hidden.append((sheet.title, spec))
            continue
        merged = {(r, c): str(rng.coord) for rng in sheet.merged_cells.ranges
                  for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
                  if (r, c) != (rng.min_row, rng.min_col)}
        grid = [[Cell(cell.value, cell.number_format, cell.font.name if cell.font else None,
                       merged.get((r, c)) if merged else None)
                 for c, cell in enumerate(row, start=1)]
                for r, row in enumerate(sheet.iter_rows(), start=1)]
        title = sheet.title
        tables.append(_read_grid(grid, spec, str(path), title, convert_legacy, unit_names(spec),
                                 formula=partial(formulas, title)))
    return tables, hidden, [sheet.title for sheet in workbook.worksheets]


def _read_csv(path: Path, catalog: Catalog, convert_legacy: bool, warnings: list[str] | None, limits: ReadLimits,
              unit_names: Callable[[TableSpec], UnitNames]) -> ResultTable:
    spec = _match_table(path.stem, catalog) or _match_table(path.stem.replace("_", " "), catalog)
    if spec is None:
        names = ", ".join(f"'{t.code}.csv'" for t in catalog.tables)
        raise DataError(f"không biết tệp CSV này thuộc bảng nào; đặt tên tệp theo mã bảng: {names}.", str(path))
    known = {vn.fold(h) for h in spec.unit_headers} | {vn.fold(h) for c in spec.criteria for h in c.headers}
    rows = read_csv_rows(path, lambda text: vn.fold(text) in known, warnings, limits)
    if not any(rows):
        raise DataError("tệp CSV không có dữ liệu; cần dòng tiêu đề có cột đơn vị và các dòng điểm.", str(path))
    grid = [[Cell(value or None, "General") for value in row] for row in rows]
    return _read_grid(grid, spec, str(path), None, convert_legacy, unit_names(spec))


_EMPTY = Cell(None, None)
Formula = Callable[[int, int], str | None]  # (row, column), 1-based -> formula text of the cell, or None


def _read_grid(grid: list[list[Cell]], spec: TableSpec, path: str, sheet: str | None,
               convert_legacy: bool, unit_names: UnitNames, formula: Formula | None = None) -> ResultTable:
    where = cell_location(path, sheet)
    if not any(not blank(cell.value) for row in grid for cell in row):
        units = " / ".join(f"'{h}'" for h in spec.unit_headers)
        raise DataError(f"{'sheet' if sheet else 'tệp'} trống, không có ô nào có dữ liệu; cần dòng tiêu đề có cột "
                        f"đơn vị ({units}) và các dòng điểm.", where)
    _decode_legacy(grid, convert_legacy, path, sheet)
    header_row = _find_header_row(grid, spec)
    if header_row is None:
        raise DataError(
            "không tìm thấy dòng tiêu đề có cột đơn vị (" + " / ".join(f"'{h}'" for h in spec.unit_headers)
            + f") trong {HEADER_SEARCH_ROWS} dòng đầu.", where)
    headers, columns, data_start = _header_columns(grid, header_row, spec, path, sheet)
    unit_col = columns.pop("__unit__")
    kind_col = columns.pop("__kind__", None)

    scores: dict[str, dict[str, float]] = {}
    rows: dict[str, int] = {}
    fractions: dict[str, list[str]] = {}  # criterion -> units whose plain number is in (0, 1]
    for offset, row in enumerate(grid[data_start:], start=data_start + 1):
        unit_cell = row[unit_col] if unit_col < len(row) else _EMPTY
        unit_where = cell_location(path, sheet, offset, headers[unit_col])
        raw_name = unit_cell.value
        values_present = any(row[c].value not in (None, "") for c in columns.values() if c < len(row))
        if blank(raw_name):
            formula_text = formula(offset, unit_col + 1) if formula else None
            if formula_text:
                raise DataError(formula_message(formula_text, "tên đơn vị"), unit_where)
            if values_present:
                merged = f" (ô nằm trong vùng ô gộp {unit_cell.merged}; ghi tên đơn vị ở mỗi dòng)" \
                    if unit_cell.merged else ""
                raise DataError(f"dòng có điểm nhưng thiếu tên đơn vị{merged}.", unit_where)
            continue
        name = unit_name(raw_name, unit_where)
        if vn.fold(name) in SUMMARY_ROWS or vn.fold(name).startswith(("trung bình", "bình quân", "tổng")):
            continue
        kind = row[kind_col].value if kind_col is not None and kind_col < len(row) else None
        kind_where = cell_location(path, sheet, offset, headers[kind_col]) if kind_col is not None else ""
        name = unit_names.add(name, offset, unit_where, "" if blank(kind) else vn.squash(str(kind)), kind_where)
        unit_scores = {}
        for code, col in columns.items():
            cell = row[col] if col < len(row) else _EMPTY
            explain = (lambda r=offset, c=col + 1: formula(r, c)) if formula else None
            score, plain = read_score(cell, cell_location(path, sheet, offset, headers[col]), explain)
            unit_scores[code] = score
            if plain and 0 < score <= 1:
                fractions.setdefault(code, []).append(name)
        scores[name] = unit_scores
        rows[name] = offset
    if not scores:
        raise DataError("bảng không có dòng dữ liệu nào.", where)
    check_fraction_columns(scores, rows, fractions, columns, headers, path, sheet)
    return ResultTable(spec=spec, source=where, scores=scores, rows=rows)


def _header_columns(grid: list[list[Cell]], header_row: int, spec: TableSpec, path: str, sheet: str | None
                    ) -> tuple[list[str], dict[str, int], int]:
    """Return the headers, the column of each criterion (and "__unit__") and the index of the first data row.

    A header written over two rows (a merged group title above the criteria, the unit column merged
    down both rows) is read as one row: each column takes the lower text, or the upper one when empty.
    """
    headers = [_header_text(cell.value) for cell in grid[header_row]]
    try:
        return headers, _map_columns(headers, spec, path, sheet, header_row + 1), header_row + 1
    except DataError as err:
        below = grid[header_row + 1] if header_row + 1 < len(grid) else []
        if not any(isinstance(cell.value, str) and cell.value.strip() for cell in below) or any(
                isinstance(cell.value, int | float) and not isinstance(cell.value, bool) for cell in below):
            raise
        width = max(len(headers), len(below))
        combined = [(_header_text(below[i].value) if i < len(below) else "") or (headers[i] if i < len(headers)
                                                                                 else "") for i in range(width)]
        try:
            return combined, _map_columns(combined, spec, path, sheet, header_row + 2), header_row + 2
        except DataError:
            raise err from None


def _find_header_row(grid: list[list[Cell]], spec: TableSpec) -> int | None:
    wanted = {vn.fold(h) for h in spec.unit_headers}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        for cell in row:
            if isinstance(cell.value, str) and vn.fold(cell.value) in wanted:
                return index
    return None


def _map_columns(headers: list[str], spec: TableSpec, path: str, sheet: str | None, row: int) -> dict[str, int]:
    by_header: dict[str, str] = {}
    for criterion in spec.criteria:
        for alias in criterion.headers:
            by_header[vn.fold(alias)] = criterion.code
    unit_aliases = {vn.fold(h) for h in spec.unit_headers}
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = vn.fold(header)
        if not key:
            continue
        if key in unit_aliases and "__unit__" not in columns:
            columns["__unit__"] = index
        elif key in KIND_HEADERS and "__kind__" not in columns:
            columns["__kind__"] = index
        elif key in by_header:
            code = by_header[key]
            if code in columns:
                raise DataError(f"hai cột cùng là tiêu chí '{code}' (cột {columns[code] + 1} và cột {index + 1}).",
                                cell_location(path, sheet, row, header))
            columns[code] = index
        elif key not in IGNORED_HEADERS:
            known = "; ".join(c.headers[0] for c in spec.criteria)
            raise DataError(f"tiêu đề cột không khớp tiêu chí nào của bảng '{spec.name}'. Tiêu chí có: {known}. "
                            "Sửa tiêu đề, hoặc thêm tên này vào 'cot' của tiêu chí trong danh mục.",
                            cell_location(path, sheet, row, header))
    missing = [c for c in spec.criteria if c.code not in columns]
    if missing:
        listing = "; ".join(" / ".join(f"'{h}'" for h in c.headers) for c in missing)
        raise DataError(f"thiếu cột tiêu chí: {listing}.", cell_location(path, sheet, row))
    return columns


def _header_text(value: Any) -> str:
    return "" if value is None else vn.squash(str(value))


def _decode_legacy(grid: list[list[Cell]], convert_legacy: bool, path: str, sheet: str | None) -> None:
    """Find TCVN3/VNI text in the table's cells; convert it in place, or stop naming the first such cell."""
    texts = [cell.value for row in grid for cell in row if isinstance(cell.value, str)]
    by_text = vn.detect_legacy_encoding_many(texts)
    for row_index, row in enumerate(grid, start=1):
        for col_index, cell in enumerate(row):
            if not (isinstance(cell.value, str) and vn.may_be_legacy(cell.value)):
                continue
            # A .VnTime / VNI-Times font says it outright, even for a cell too short to tell by its text.
            encoding = vn.legacy_font_encoding(cell.font) or by_text
            if encoding is None:
                continue
            converted = vn.legacy_to_unicode(cell.value, encoding, uppercase=vn.legacy_font_is_uppercase(cell.font))
            if converted == cell.value:
                continue
            if not convert_legacy:
                raise DataError(
                    f"văn bản '{vn.squash(cell.value)}' là mã {encoding.upper()} cũ (đọc là '{vn.squash(converted)}'), "
                    "không phải Unicode. Chuyển mã tệp sang Unicode (ví dụ bằng Unikey), hoặc đặt "
                    "'chuyen_ma_cu = true' trong [du_lieu] của congvan.toml.",
                    cell_location(path, sheet, row_index, _column_letter(col_index)))
            cell.value = converted


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def all_units(tables: Iterable[ResultTable]) -> list[str]:
    """Return every unit name over `tables`, first spelling kept, in Vietnamese alphabetical order."""
    seen: dict[str, str] = {}
    for table in tables:
        for name in table.units():
            seen.setdefault(unit_key(name), name)
    return sorted(seen.values(), key=vn.sort_key)
