"""Rows of a CSV file as clerks save them: the one reader of results CSVs and recipients/bo_sung.csv.

Excel saves CSV with a comma, a semicolon (Vietnamese regional settings, where the comma is the decimal
mark) or a tab ("Unicode Text", UTF-16). Headers such as "Điều kiện tiếp đón, phục vụ" hold commas, so
punctuation counts mislead: the separator is the one whose split of the first rows gives the most cells
that are known headers (`is_header`). Encodings are those of `detect.read_csv_text`; lines may end in
CR LF, LF or CR alone. Every message is in Vietnamese and names the file and line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from congvan import vn
from congvan.errors import DataError, DataFileUnreadable, cell_location
from congvan.files import megabytes
from congvan.models import DEFAULT_LIMITS, ReadLimits
from congvan.sources.detect import read_csv_text

SEPARATORS = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "tab"}
HEADER_ROWS = 20  # the header is looked for in this many first rows, as in a workbook


def read_csv_rows(path: Path, is_header: Callable[[str], bool], warnings: list[str] | None,
                  limits: ReadLimits = DEFAULT_LIMITS) -> list[list[str]]:
    """Return the rows of the CSV at `path` (cells NFC, as written), split by the separator its header shows."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DataFileUnreadable(f"không đọc được tệp: {err.strerror or err}.", str(path)) from err
    if size > limits.part_bytes:
        raise DataError(f"tệp CSV nặng {megabytes(size)}, quá giới hạn {megabytes(limits.part_bytes)}; congvan không "
                        "đọc tệp này. Chỉ giữ bảng kết quả trong tệp.", str(path))
    text = read_csv_text(path, warnings)
    separator = choose_separator(text, is_header)
    rows = _parse(text, separator, path)
    if len(rows) > limits.rows:
        raise DataError(f"tệp CSV có {vn.format_number(len(rows), 0)} dòng, quá giới hạn "
                        f"{vn.format_number(limits.rows, 0)} dòng ('so_dong_toi_da' trong [du_lieu] của "
                        "congvan.toml).", str(path))
    widest = max((len(row) for row in rows), default=0)
    if widest > limits.columns:
        line = next(number for number, row in enumerate(rows, start=1) if len(row) == widest)
        raise DataError(f"dòng có {widest} cột (tách bằng {SEPARATORS[separator]}), quá giới hạn {limits.columns} "
                        "cột ('so_cot_toi_da' trong [du_lieu] của congvan.toml).", cell_location(path, None, line))
    return rows


def choose_separator(text: str, is_header: Callable[[str], bool]) -> str:
    """Return the separator whose split of the first rows gives a row with the most known headers.

    With no known header under any separator, the one giving the most cells in the first row is kept
    (the caller then says which header is missing).
    """
    def score(separator: str) -> tuple[int, int]:
        try:
            rows = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=separator), HEADER_ROWS))
        except csv.Error:
            return (-1, 0)
        known = max((sum(1 for cell in row if is_header(cell)) for row in rows), default=0)
        return (known, len(rows[0]) if rows else 0)

    return max(SEPARATORS, key=score)


def _parse(text: str, separator: str, path: Path) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return [[vn.nfc(cell) for cell in row] for row in reader]
    except csv.Error as err:
        detail = str(err)
        if "field larger than field limit" in detail:
            reason = "có một ô dài quá 131.072 ký tự (thường do thiếu dấu ngoặc kép đóng)"
        elif "NUL" in detail:
            reason = "có ký tự NUL (byte 0): tệp không phải văn bản CSV hoặc bị hỏng"
        else:
            reason = f"sai cấu trúc CSV ({detail})"
        raise DataError(f"không đọc được CSV: {reason}. Mở tệp bằng Excel và lưu lại thành 'CSV UTF-8'.",
                        cell_location(path, None, reader.line_num or 1)) from err
