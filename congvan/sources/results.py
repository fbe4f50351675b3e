"""Read the results tables (.xlsx sheets, .csv files) of the criteria catalog.

Every error names the file, sheet, row and column, and what was expected there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from congvan import processes, vn
from congvan.errors import DataError, DataFileUnreadable, cell_location
from congvan.models import DEFAULT_LIMITS, Catalog, ReadLimits, ResultTable, TableSpec, unit_key
from congvan.sources.cells import Cell, blank, check_fraction_columns
from congvan.sources.csv_rows import read_csv_rows
from congvan.sources.detect import SPREADSHEET_SUFFIXES, damaged, formula_lookup, open_workbook_sized
from congvan.sources.grid import sheet_grid
from congvan.sources.layout import (
    DEFAULT_IGNORED,
    HEADER_SEARCH_ROWS,
    find_header_row,
    header_key,
    header_text,
    is_column_number_row,
    row_text,
    title_years,
    two_row_header,
)
from congvan.sources.rows import OVERALL, Formula, Found, read_row, summary_note
from congvan.sources.units import KIND_HEADERS, UnitNames

# -- results --

PARALLEL_FROM_ROWS = 4_000  # rows of the tables of one workbook; below this, forking costs more than it saves


def load_results(paths: Sequence[Path], catalog: Catalog, *, convert_legacy: bool = False,
                 warnings: list[str] | None = None, year: int | None = None, limits: ReadLimits = DEFAULT_LIMITS,
                 two_level: bool = True) -> list[ResultTable]:
    """Read every results file and return one `ResultTable` per catalog table found, in catalog order.

    `warnings` receives what was read but deserves a look: skipped group and summary rows, the end of a
    table, a year in a title other than `year`, bare unit names. `limits` bound each file's size before it
    is parsed; with `two_level`, unit types of the three-level government (thị trấn, huyện, quận) are warnings.

    Hidden sheets are never read: one that matches a table is reported in `warnings` when the table is
    found elsewhere, and stops the run when it is not (the clerk must unhide it or rename it).
    """
    found: dict[str, ResultTable] = {}
    hidden: list[tuple[Path, str, TableSpec]] = []
    sheets_seen: list[str] = []

    def unit_names(spec: TableSpec, notes: list[str] | None = warnings) -> UnitNames:
        return UnitNames(spec.default_kind, two_level, notes)

    for path in paths:
        if not path.is_file():
            raise DataFileUnreadable("không tìm thấy tệp kết quả.", str(path))
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES:
            tables, hidden_here, titles = _read_workbook(path, catalog, convert_legacy, limits, unit_names,
                                                          year=year, warnings=warnings)
            hidden += [(path, title, spec) for title, spec in hidden_here]
            sheets_seen += [f"'{title}'" for title in titles]
        elif suffix == ".csv":
            tables = [_read_csv(path, catalog, convert_legacy, warnings, year, limits, unit_names)]
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
        raise DataError(f"không có bảng kết quả nào. Cần sheet (hoặc tệp .csv) tên {names}.{seen} Sheet tên khác "
                        "thì khai báo tên đó ở ten_sheet của bảng trong danh mục tiêu chí.",
                        ", ".join(str(p) for p in paths))
    return [found[spec.code] for spec in catalog.tables if spec.code in found]


def _match_table(name: str, catalog: Catalog) -> TableSpec | None:
    """Return the table whose name, code or `ten_sheet` alias is `name` (compared like headers)."""
    key = header_key(name)
    for spec in catalog.tables:
        if key in {header_key(alias) for alias in (spec.name, spec.code, *spec.sheet_names)}:
            return spec
    return None


def _read_workbook(path: Path, catalog: Catalog, convert_legacy: bool, limits: ReadLimits,
                   unit_names: Callable[[TableSpec, list[str] | None], UnitNames], *, year: int | None,
                   warnings: list[str] | None) -> tuple[list[ResultTable], list[tuple[str, TableSpec]], list[str]]:
    """Return the tables of the visible sheets, the hidden sheets matching a table, and every sheet title.

    A workbook with one sheet is the table of a catalog with one table, whatever the sheet's name. The sheets
    of a large workbook are read at once, each by its own process (`forked`); what is read, refused and
    warned is the same, in the same order, as when they are read one after another.
    """
    (workbook, merges), sizes = open_workbook_sized(path, limits)
    formulas = formula_lookup(path)
    hidden = []
    only = catalog.tables[0] if len(catalog.tables) == 1 and len(workbook.worksheets) == 1 else None
    try:
        readers: list[Callable[[], tuple[ResultTable, list[str]]]] = []
        specs: list[TableSpec] = []
        rows = 0
        for sheet in workbook.worksheets:
            spec = _match_table(sheet.title, catalog) or only
            if spec is None:
                continue
            if sheet.sheet_state != "visible":
                hidden.append((sheet.title, spec))
                continue
            rows += sizes.get(sheet.title, 0)
            specs.append(spec)
            readers.append(partial(_read_sheet, sheet, spec, path, merges.get(sheet.title, ()), convert_legacy,
                                   unit_names, partial(formulas, sheet.title), year, warnings is not None))
        parallel = len(readers) > 1 and rows >= PARALLEL_FROM_ROWS and processes.can_fork()
        tables: list[ResultTable] = []
        read = processes.run_in_order(readers) if parallel else (reader() for reader in readers)
        for spec, (table, notes) in zip(specs, read, strict=True):
            tables.append(table if table.spec is spec else replace(table, spec=spec))  # the catalog's own spec
            if warnings is not None:
                warnings += notes
    finally:
        workbook.close()
    return tables, hidden, [sheet.title for sheet in workbook.worksheets]


def _read_sheet(sheet: Any, spec: TableSpec, path: Path, merges: Sequence[str], convert_legacy: bool,
                unit_names: Callable[[TableSpec, list[str] | None], UnitNames], formula: Formula, year: int | None,
                warn: bool) -> tuple[ResultTable, list[str]]:
    """Read one visible sheet's table; return it and its warnings (kept apart, since it may run in a child)."""
    notes: list[str] | None = [] if warn else None
    try:
        grid = sheet_grid(sheet, merges)
    except Exception as err:  # a damaged sheet part shows only as it is streamed
        raise damaged(path, err) from err
    table = _read_grid(grid, spec, str(path), sheet.title, convert_legacy, unit_names(spec, notes),
                       formula=formula, year=year, warnings=notes)
    return table, notes or []


def _read_csv(path: Path, catalog: Catalog, convert_legacy: bool, warnings: list[str] | None, year: int | None,
              limits: ReadLimits, unit_names: Callable[[TableSpec], UnitNames]) -> ResultTable:
    spec = _match_table(path.stem, catalog) or _match_table(path.stem.replace("_", " "), catalog)
    if spec is None:
        names = ", ".join(f"'{t.code}.csv'" for t in catalog.tables)
        raise DataError(f"không biết tệp CSV này thuộc bảng nào; đặt tên tệp theo mã bảng: {names}.", str(path))
    known = {header_key(h) for h in (*spec.unit_headers, *spec.overall_headers)}
    known |= {header_key(h) for c in spec.criteria for h in c.headers}
    rows = read_csv_rows(path, lambda text: header_key(text) in known, warnings, limits)
    if not any(rows):
        raise DataError("tệp CSV không có dữ liệu; cần dòng tiêu đề có cột đơn vị và các dòng điểm.", str(path))
    grid = [[Cell(value or None, "General") for value in row] for row in rows]
    return _read_grid(grid, spec, str(path), None, convert_legacy, unit_names(spec), year=year, warnings=warnings)


def _read_grid(grid: list[list[Cell]], spec: TableSpec, path: str, sheet: str | None, convert_legacy: bool,
               unit_names: UnitNames, formula: Formula | None = None, *, year: int | None = None,
               warnings: list[str] | None = None) -> ResultTable:
    where = cell_location(path, sheet)
    if not any(not blank(cell.value) for row in grid for cell in row):
        units = " / ".join(f"'{h}'" for h in spec.unit_headers)
        raise DataError(f"{'sheet' if sheet else 'tệp'} trống, không có ô nào có dữ liệu; cần dòng tiêu đề có cột "
                        f"đơn vị ({units}) và các dòng điểm.", where)
    _decode_legacy(grid, convert_legacy, path, sheet)
    header_row = find_header_row(grid, spec.unit_headers)
    if header_row is None:
        raise DataError(
            "không tìm thấy dòng tiêu đề có cột đơn vị (" + " / ".join(f"'{h}'" for h in spec.unit_headers)
            + f") trong {HEADER_SEARCH_ROWS} dòng đầu.", where)
    notes: list[str] = []
    other_years = sorted({y for y in title_years(grid, header_row) if year is not None and y != year})
    if other_years:
        notes.append(f"{where}: tiêu đề bảng ghi năm {', '.join(map(str, other_years))}, khác năm đánh giá {year} "
                     "([danh_gia] nam trong congvan.toml); kiểm tra lại tệp kết quả hoặc năm đánh giá.")
    headers, columns, data_start = _header_columns(grid, header_row, spec, path, sheet)
    unit_col = columns.pop("__unit__")
    kind_col = columns.pop("__kind__", None)
    found = Found(unit_names, kind_col)
    for offset, row in enumerate(grid[data_start:], start=data_start + 1):
        if offset == data_start + 1 and is_column_number_row(row):
            continue
        if not read_row(found, row, offset, unit_col, columns, headers, path, sheet, formula):
            rest = sum(1 for later in grid[offset - 1:] if any(not blank(cell.value) for cell in later))
            notes.append(f"{cell_location(path, sheet, offset)}: hết bảng ở đây ('{row_text(row)}'); {rest} dòng có "
                         "chữ từ đây trở xuống (chữ ký, ghi chú) không đọc.")
            break
    if not found.scores:
        raise DataError("bảng không có dòng dữ liệu nào.", where)
    check_fraction_columns(found.scores, found.rows, found.fractions, found.percent_columns, columns, headers,
                           path, sheet)
    overall = {name: unit.pop(OVERALL) for name, unit in found.scores.items()} if OVERALL in columns else {}
    if found.groups:
        notes.append(f"{where}: bỏ qua {len(found.groups)} dòng nhóm (không phải đơn vị): {'; '.join(found.groups)}.")
    notes += filter(None, (summary_note(found, overall, columns, headers, summary, path, sheet)
                           for summary in found.summaries))
    if warnings is not None:
        warnings += notes
    return ResultTable(spec=spec, source=where, scores=found.scores, rows=found.rows, overall=overall)


def _header_columns(grid: list[list[Cell]], header_row: int, spec: TableSpec, path: str, sheet: str | None
                    ) -> tuple[list[str], dict[str, int], int]:
    """Return the headers, the column of each criterion (and "__unit__") and the index of the first data row."""
    two_rows = two_row_header(grid, header_row)
    if two_rows is not None:
        return two_rows, _map_columns(two_rows, spec, path, sheet, header_row + 2), header_row + 2
    headers = [header_text(cell.value) for cell in grid[header_row]]
    return headers, _map_columns(headers, spec, path, sheet, header_row + 1), header_row + 1


def _map_columns(headers: list[str], spec: TableSpec, path: str, sheet: str | None, row: int) -> dict[str, int]:
    by_header = {header_key(alias): criterion.code for criterion in spec.criteria for alias in criterion.headers}
    by_header.update({header_key(alias): OVERALL for alias in spec.overall_headers})
    unit_aliases = {header_key(h) for h in spec.unit_headers}
    ignored = {header_key(h) for h in (*DEFAULT_IGNORED, *spec.ignored_headers)}
    kinds = {header_key(h) for h in KIND_HEADERS}
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        if key in unit_aliases and "__unit__" not in columns:
            columns["__unit__"] = index
        elif key in kinds and "__kind__" not in columns:  # "Loại" beside the name: joined to it
            columns["__kind__"] = index
        elif key in by_header:
            code = by_header[key]
            if code in columns:
                what = "cột chỉ số chung" if code == OVERALL else f"tiêu chí '{code}'"
                raise DataError(f"hai cột cùng là {what} (cột {columns[code] + 1} và cột {index + 1}).",
                                cell_location(path, sheet, row, header))
            columns[code] = index
        elif key not in ignored:
            known = "; ".join(c.headers[0] for c in spec.criteria)
            raise DataError(
                f"cột '{header}' không khớp tiêu chí nào của bảng '{spec.name}' (tiêu chí có: {known}). Nếu không "
                f"cần đọc cột này, thêm bo_qua_cot = [\"{header}\"] vào bảng '{spec.code}' trong danh mục tiêu chí; "
                f"nếu đây là chỉ số chung chính thức, khai báo cot_chi_so_chung = [\"{header}\"]; nếu là tên khác "
                "của một tiêu chí, thêm vào 'cot' của tiêu chí đó.", cell_location(path, sheet, row, header))
    missing = [c for c in spec.criteria if c.code not in columns]
    if missing:
        listing = "; ".join(" / ".join(f"'{h}'" for h in c.headers) for c in missing)
        raise DataError(f"thiếu cột tiêu chí: {listing}.", cell_location(path, sheet, row))
    if spec.overall_headers and OVERALL not in columns:
        listing = " / ".join(f"'{h}'" for h in spec.overall_headers)
        raise DataError(f"thiếu cột chỉ số chung ({listing}) khai báo ở cot_chi_so_chung của bảng '{spec.code}'.",
                        cell_location(path, sheet, row))
    return columns


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
