"""Read the criteria catalog (TOML) and the results tables (.xlsx sheets, .csv files).

Every error names the file, sheet, row and column, and what was expected there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from congvan import vietnamese as vn
from congvan.errors import DataError, cell_location
from congvan.files import read_toml
from congvan.models import VERDICTS, Catalog, Criterion, ResultTable, TableSpec, unit_key

# Columns a results table may carry besides the unit and the criteria.
IGNORED_HEADERS = ("stt", "tt", "số tt", "ghi chú", "xếp hạng", "xếp loại", "mã", "mã đơn vị", "chỉ số chung",
                   "chỉ số hài lòng chung (trung bình)", "trung bình")
# Summary rows at the foot of a table, not units.
SUMMARY_ROWS = ("trung bình", "bình quân", "tổng", "tổng cộng", "chỉ số chung", "cộng")
HEADER_SEARCH_ROWS = 20


# -- catalog --


def load_catalog(path: Path) -> Catalog:
    """Read the criteria catalog at `path` (see data/tieu_chi.toml) and return it."""
    raw = read_toml(path, "không tìm thấy danh mục tiêu chí.")
    remarks = _verdict_texts(raw.get("nhan_xet"), f"{path}, [nhan_xet]", single=True)
    tables_raw = raw.get("bang")
    if not isinstance(tables_raw, list) or not tables_raw:
        raise DataError("cần ít nhất một bảng [[bang]].", str(path))
    tables = []
    seen: set[str] = set()
    for index, table in enumerate(tables_raw, start=1):
        where = f"{path}, [[bang]] thứ {index}"
        code = _text(table, "ma", where)
        if code in seen:
            raise DataError(f"mã bảng '{code}' bị trùng.", where)
        seen.add(code)
        criteria_raw = table.get("tieu_chi")
        if not isinstance(criteria_raw, list) or not criteria_raw:
            raise DataError("bảng cần ít nhất một [[bang.tieu_chi]].", where)
        criteria = []
        codes: set[str] = set()
        for c_index, item in enumerate(criteria_raw, start=1):
            c_where = f"{where}, tiêu chí thứ {c_index}"
            c_code = _text(item, "ma", c_where)
            if c_code in codes:
                raise DataError(f"mã tiêu chí '{c_code}' bị trùng.", c_where)
            codes.add(c_code)
            name = _text(item, "ten", c_where)
            target = item.get("chi_tieu")
            if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                                       or not 0 <= target <= 100):
                raise DataError(f"'chi_tieu' phải là số từ 0 đến 100, đang là {target!r}.", c_where)
            own_remarks = _verdict_texts(item.get("nhan_xet"), f"{c_where}, nhan_xet", single=True, optional=True)
            criteria.append(Criterion(
                code=c_code,
                name=name,
                headers=tuple(_text_list(item, "cot", c_where, default=[name])),
                target=float(target) if target is not None else None,
                directives=_verdict_texts(item.get("chi_dao"), f"{c_where}, chi_dao", single=False),
                remarks={**remarks, **own_remarks},
            ))
        tables.append(TableSpec(
            code=code,
            name=_text(table, "ten", where),
            subject=_text(table, "doi_tuong", where),
            heading=_text(table, "tieu_de", where),
            unit_headers=tuple(_text_list(table, "cot_don_vi", where, default=["Đơn vị"])),
            criteria=tuple(criteria),
        ))
    return Catalog(source=str(path), tables=tuple(tables))


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"thiếu '{key}' (một chuỗi văn bản).", where)
    return vn.nfc(value).strip()


def _text_list(table: dict[str, Any], key: str, where: str, default: list[str]) -> list[str]:
    value = table.get(key, default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataError(f"'{key}' phải là một danh sách chuỗi.", where)
    return [vn.nfc(v).strip() for v in value]


def _verdict_texts(raw: Any, where: str, *, single: bool, optional: bool = False) -> dict[str, Any]:
    if raw is None and optional:
        return {}
    if not isinstance(raw, dict):
        raise DataError("cần một bảng với các khóa " + ", ".join(VERDICTS) + ".", where)
    unknown = sorted(set(raw) - set(VERDICTS))
    if unknown:
        raise DataError(f"khóa không hợp lệ: {', '.join(unknown)}; chỉ dùng " + ", ".join(VERDICTS) + ".", where)
    result: dict[str, Any] = {}
    for verdict in VERDICTS:
        value = raw.get(verdict)
        if value is None:
            if optional:
                continue
            raise DataError(f"thiếu văn bản cho kết luận '{verdict}'.", where)
        if single:
            if not isinstance(value, str):
                raise DataError(f"'{verdict}' phải là một chuỗi.", where)
            result[verdict] = vn.nfc(value).strip()
        else:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DataError(f"'{verdict}' phải là một danh sách đoạn văn.", where)
            result[verdict] = tuple(vn.nfc(v).strip() for v in value)
    return result


# -- results --


def load_results(paths: Sequence[Path], catalog: Catalog, *, convert_legacy: bool = False) -> list[ResultTable]:
    """Read every results file and return one `ResultTable` per catalog table found, in catalog order."""
    found: dict[str, ResultTable] = {}
    for path in paths:
        if not path.is_file():
            raise DataError("không tìm thấy tệp kết quả.", str(path))
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            tables = _read_workbook(path, catalog, convert_legacy)
        elif suffix == ".csv":
            tables = [_read_csv(path, catalog, convert_legacy)]
        else:
            raise DataError(f"định dạng '{suffix}' không được hỗ trợ; dùng .xlsx hoặc .csv.", str(path))
        for table in tables:
            if table.spec.code in found:
                raise DataError(f"bảng '{table.spec.name}' có ở hai nơi: {found[table.spec.code].source} và "
                                f"{table.source}.", str(path))
            found[table.spec.code] = table
    if not found:
        names = ", ".join(f"'{t.name}'" for t in catalog.tables)
        raise DataError(f"không có bảng kết quả nào. Cần sheet (hoặc tệp .csv) tên {names}.",
                        ", ".join(str(p) for p in paths))
    return [found[spec.code] for spec in catalog.tables if spec.code in found]


def _match_table(name: str, catalog: Catalog) -> TableSpec | None:
    key = vn.fold(name)
    for spec in catalog.tables:
        if key in (vn.fold(spec.name), vn.fold(spec.code), vn.fold(spec.code.replace("_", " "))):
            return spec
    return None


def _read_workbook(path: Path, catalog: Catalog, convert_legacy: bool) -> list[ResultTable]:
    try:
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise DataError(f"không mở được bảng tính: {err}", str(path)) from err
    tables = []
    for sheet in workbook.worksheets:
        spec = _match_table(sheet.title, catalog)
        if spec is None:
            continue
        grid = [[_Cell(cell.value, cell.number_format, cell.font.name if cell.font else None) for cell in row]
                for row in sheet.iter_rows()]
        tables.append(_read_grid(grid, spec, str(path), sheet.title, convert_legacy))
    return tables


def _read_csv(path: Path, catalog: Catalog, convert_legacy: bool) -> ResultTable:
    spec = _match_table(path.stem, catalog) or _match_table(path.stem.replace("_", " "), catalog)
    if spec is None:
        names = ", ".join(f"'{t.code}.csv'" for t in catalog.tables)
        raise DataError(f"không biết tệp CSV này thuộc bảng nào; đặt tên tệp theo mã bảng: {names}.", str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig",
                            sep=None, engine="python")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"không đọc được CSV (cần UTF-8): {err}", str(path)) from err
    grid = [[_Cell(value or None, "General") for value in row] for row in frame.itertuples(index=False)]
    return _read_grid(grid, spec, str(path), None, convert_legacy)


class _Cell:
    __slots__ = ("value", "number_format", "font")

    def __init__(self, value: Any, number_format: str | None, font: str | None = None) -> None:
        self.value = value
        self.number_format = number_format or "General"
        self.font = font


def _read_grid(grid: list[list[_Cell]], spec: TableSpec, path: str, sheet: str | None,
               convert_legacy: bool) -> ResultTable:
    where = cell_location(path, sheet)
    _decode_legacy(grid, convert_legacy, path, sheet)
    header_row = _find_header_row(grid, spec)
    if header_row is None:
        raise DataError(
            "không tìm thấy dòng tiêu đề có cột đơn vị (" + " / ".join(f"'{h}'" for h in spec.unit_headers)
            + f") trong {HEADER_SEARCH_ROWS} dòng đầu.", where)
    headers = [_header_text(cell.value) for cell in grid[header_row]]
    columns = _map_columns(headers, spec, path, sheet, header_row + 1)
    unit_col = columns.pop("__unit__")

    scores: dict[str, dict[str, float]] = {}
    rows: dict[str, int] = {}
    names: dict[str, str] = {}
    for offset, row in enumerate(grid[header_row + 1:], start=header_row + 2):
        raw_name = row[unit_col].value if unit_col < len(row) else None
        values_present = any(row[c].value not in (None, "") for c in columns.values() if c < len(row))
        if raw_name in (None, "") or (isinstance(raw_name, str) and not raw_name.strip()):
            if values_present:
                raise DataError("dòng có điểm nhưng thiếu tên đơn vị.",
                                cell_location(path, sheet, offset, headers[unit_col]))
            continue
        name = _text_cell(raw_name)
        if vn.fold(name) in SUMMARY_ROWS or vn.fold(name).startswith(("trung bình", "bình quân", "tổng")):
            continue
        key = unit_key(name)
        if key in names:
            raise DataError(f"đơn vị '{name}' bị trùng (đã có ở dòng {rows[names[key]]}).",
                            cell_location(path, sheet, offset, headers[unit_col]))
        unit_scores = {}
        for code, col in columns.items():
            cell = row[col] if col < len(row) else _Cell(None, None)
            unit_scores[code] = _score(cell, cell_location(path, sheet, offset, headers[col]))
        names[key] = name
        scores[name] = unit_scores
        rows[name] = offset
    if not scores:
        raise DataError("bảng không có dòng dữ liệu nào.", where)
    _check_fraction_columns(scores, columns, headers, path, sheet)
    return ResultTable(spec=spec, source=where, scores=scores, rows=rows)


def _find_header_row(grid: list[list[_Cell]], spec: TableSpec) -> int | None:
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


def _text_cell(value: Any) -> str:
    return vn.squash(str(value))


def _decode_legacy(grid: list[list[_Cell]], convert_legacy: bool, path: str, sheet: str | None) -> None:
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


def _score(cell: _Cell, where: str) -> float:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DataError("ô điểm bị trống; cần một tỷ lệ phần trăm từ 0 đến 100.", where)
    if isinstance(value, bool):
        raise DataError(f"cần một số, đang là {value!r}.", where)
    if isinstance(value, int | float):
        score = float(value) * 100 if "%" in cell.number_format else float(value)
    elif isinstance(value, str):
        try:
            score = vn.parse_number(value)
        except ValueError as err:
            raise DataError(f"cần một số (ví dụ 72,27 hoặc 72,27%), đang là '{vn.squash(value)}'.", where) from err
    else:
        raise DataError(f"cần một số, đang là {value!r}.", where)
    if not 0 <= score <= 100:
        raise DataError(f"điểm {vn.format_number(score)} nằm ngoài khoảng 0–100.", where)
    return round(score, 6)


def _check_fraction_columns(scores: dict[str, dict[str, float]], columns: dict[str, int], headers: list[str],
                            path: str, sheet: str | None) -> None:
    """Refuse a column whose every value is ≤ 1: a percentage typed as a fraction without the % format."""
    if len(scores) < 2:
        return
    for code, col in columns.items():
        if all(unit[code] <= 1 for unit in scores.values()):
            raise DataError("mọi giá trị đều ≤ 1: có vẻ là tỷ lệ (0,72) nhưng ô không định dạng phần trăm. "
                            "Định dạng ô là % trong Excel, hoặc nhập 72,27.",
                            cell_location(path, sheet, None, headers[col]))


def all_units(tables: Iterable[ResultTable]) -> list[str]:
    """Return every unit name over `tables`, first spelling kept, in Vietnamese alphabetical order."""
    seen: dict[str, str] = {}
    for table in tables:
        for name in table.units():
            seen.setdefault(unit_key(name), name)
    return sorted(seen.values(), key=vn.sort_key)
