"""Read the values of a results table's cells: one score, one unit name, and what to say when they are wrong.

A score is a percentage from 0 to 100: a number (×100 when the cell has a % format) or text such as
"72,27", "72.27" or "72,27%". Blanks, dates, booleans, "N/A", "-", Excel errors and formulas without a
saved result are refused with a message saying what the cell holds and what was expected; none is read as 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from typing import Any

from congvan import vn
from congvan.errors import DataError, cell_location
from congvan.sources.detect import EXCEL_ERRORS


class Cell:
    """One cell of a results table: its value, number format, font name and the merged range covering it."""

    __slots__ = ("value", "number_format", "font", "merged")

    def __init__(self, value: Any, number_format: str | None, font: str | None = None,
                 merged: str | None = None) -> None:
        self.value = value
        self.number_format = number_format or "General"
        self.font = font
        self.merged = merged  # the merged range ("B5:B6") covering this cell, when it is not its top-left cell


def blank(value: Any) -> bool:
    """Return True for an empty cell value (None, NaN of a short CSV row, or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@functools.lru_cache(maxsize=256)  # a table has a few number formats, read for each of its cells
def is_percent_format(number_format: str) -> bool:
    """Return True for a number format that scales by 100 ("0.00%"), not one that only shows a "%" sign
    (`0.00"%"`, `0.00\\%`), nor a "%" inside a [colour] or [$-locale] section."""
    return "%" in _LITERAL.sub("", number_format)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def unit_name(value: Any, where: str) -> str:
    """Return a unit name cell as NFC text with single spaces, invisible characters dropped and look-alike
    letters made Vietnamese (Ð U+00D0 -> Đ); refuse what cannot be a name, naming the cell.

    Refused: dates, booleans, numbers (also typed as text), Excel errors, "no figure" marks (N/A, -),
    text without a letter, only invisible characters, control characters.
    """
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise DataError(f"ô tên đơn vị đang là {_shown(value)}, không phải tên; cần tên đơn vị (chữ).", where)
    if isinstance(value, int | float):
        raise DataError(f"ô tên đơn vị đang là số {_number(value)}, không phải tên; cần tên đơn vị (chữ), ví dụ "
                        "'Phường Nha Trang'. Có thể cột tên và cột số thứ tự bị lệch.", where)
    text = str(value)
    if _CONTROL.search(text):
        shown = vn.squash(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))
        raise DataError(f"tên đơn vị '{shown}' có ký tự điều khiển không in được; xóa ký tự đó trong ô.", where)
    name = vn.squash(vn.unlookalike(text))
    if not name:
        raise DataError("ô tên đơn vị chỉ có ký tự vô hình (như dấu cách độ rộng 0), không có tên; nhập tên đơn vị "
                        "hoặc xóa hẳn nội dung ô.", where)
    if name.upper() in EXCEL_ERRORS:
        raise DataError(f"ô tên đơn vị có lỗi công thức {name.upper()}; sửa công thức trong Excel (thường do xóa "
                        "dòng, cột mà công thức tham chiếu) hoặc nhập tên đơn vị.", where)
    if vn.fold(name) in NO_DATA:
        raise DataError(f"ô tên đơn vị ghi '{name}', không phải tên; nhập tên đơn vị, hoặc xóa dòng nếu không phải "
                        "đơn vị.", where)
    if not any(ch.isalpha() for ch in name):
        what = "chỉ có số" if any(ch.isdigit() for ch in name) else "không có chữ cái nào"
        raise DataError(f"tên đơn vị '{name}' {what}; cần tên đơn vị (chữ), ví dụ 'Phường Nha Trang'.", where)
    return name


EXPECTED = "cần một tỷ lệ phần trăm từ 0 đến 100"
# What clerks type for "no figure"; never read as 0.
NO_DATA = frozenset({"n/a", "na", "n.a", "n.a.", "-", "--", "–", "—", "x", "?", "...", "…", "k/đ", "kxđ",
                     "không", "không có", "chưa có", "null", "none", "nan"})


def read_score(cell: Cell, where: str, formula: Callable[[], str | None] | None = None) -> tuple[float, bool]:
    """Return the percentage in `cell`, and whether it was written as a plain number (no % sign or format)."""
    value = cell.value
    if blank(value):
        formula_text = formula() if formula else None
        if formula_text:
            raise DataError(formula_message(formula_text, "điểm"), where)
        if cell.merged:
            raise DataError(f"ô nằm trong vùng ô gộp {cell.merged} nên không có giá trị riêng; {EXPECTED} ở "
                            "từng ô (bỏ gộp ô).", where)
        raise DataError(f"ô điểm bị trống; {EXPECTED}.", where)
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        hint = (" Excel có thể đã tự đổi số gõ vào (như 85.7) thành ngày: định dạng ô là Number (Số) rồi nhập lại."
                if not isinstance(value, bool) else "")
        raise DataError(f"ô đang là {_shown(value)}, không phải số; {EXPECTED}.{hint}", where)
    percent_format = is_percent_format(cell.number_format)
    if isinstance(value, int | float):
        plain = not percent_format
        score = float(value) * 100 if percent_format else float(value)
        if percent_format and not 0 <= score <= 100 and 0 <= value <= 100:
            raise DataError(f"ô định dạng phần trăm nên {_number(value)} được hiểu là "
                            f"{_number(score)}%, nằm ngoài khoảng 0–100. Nhập "
                            f"{_number(value / 100)} (ô định dạng %), hoặc bỏ định dạng % của ô.", where)
    elif isinstance(value, str):
        text = vn.squash(value)
        if vn.fold(text) in NO_DATA:
            raise DataError(f"ô ghi '{text}' (không có số liệu); {EXPECTED}. Ô này không được tự coi là 0: "
                            "nhập điểm, hoặc bỏ đơn vị khỏi bảng.", where)
        if text.upper() in EXCEL_ERRORS:
            raise DataError(f"ô có lỗi công thức {text.upper()}; sửa công thức trong Excel để ô ra một số "
                            "từ 0 đến 100.", where)
        if _US_NUMBER.match(text):
            raise DataError(f"không rõ giá trị '{text}': có dấu phẩy nhóm nghìn và dấu chấm thập phân kiểu Mỹ. "
                            "Ghi điểm theo cách Việt Nam: phần thập phân sau dấu phẩy (72,27).", where)
        try:
            score = vn.parse_score(text)
        except vn.AmbiguousNumber as err:
            raise DataError(f"không rõ giá trị: {err}. Điểm có phần thập phân ghi bằng dấu phẩy (72,27) "
                            "hoặc dấu chấm với một, hai chữ số (72.27); điểm nguyên ghi không có dấu (72).",
                            where) from err
        except ValueError as err:
            raise DataError(f"cần một số (ví dụ 72,27 hoặc 72,27%), đang là '{text}'.", where) from err
        plain = "%" not in text
    else:
        raise DataError(f"cần một số, đang là {value!r}.", where)
    if not 0 <= score <= 100:
        typed = text if isinstance(value, str) else _typed(score) + ("%" if percent_format else "")
        raise DataError(f"điểm {typed} nằm ngoài khoảng 0–100; {EXPECTED}.", where)
    return round(score, 6), plain


def _number(value: float) -> str:
    """Write a number the Vietnamese way with up to 6 decimals and no trailing zeros: 0.857 -> "0,857"."""
    text = vn.format_number(value, 6)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _typed(value: float) -> str:
    """Write a number with every digit it has (100.0000004 -> "100,0000004", never "100"), decimal comma."""
    text = f"{value:.15g}"
    return text.replace(".", ",") if "e" not in text else repr(value)


_US_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+%?$")


def _shown(value: Any) -> str:
    """Describe a non-number cell value the way Excel shows it."""
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({'TRUE' if value else 'FALSE'})"
    if isinstance(value, dt.datetime):
        shown = f"{value:%d/%m/%Y}" if value.time() == dt.time() else f"{value:%d/%m/%Y %H:%M}"
        return f"ngày tháng ({shown})"
    if isinstance(value, dt.date):
        return f"ngày tháng ({value:%d/%m/%Y})"
    return f"giờ ({value})"


def formula_message(formula_text: str, what: str) -> str:
    return (f"ô {what} có công thức '{formula_text}' nhưng tệp không lưu kết quả đã tính (tệp được ghi bằng một "
            "chương trình khác, không phải Excel), nên đọc ra ô trống; congvan không tự điền giá trị (không coi "
            "là 0). Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại để có kết quả, hoặc nhập số thay công thức.")


def check_fraction_columns(scores: dict[str, dict[str, float]], rows: dict[str, int],
                           fractions: dict[str, list[str]], percent_columns: set[str], columns: dict[str, int],
                           headers: list[str], path: str, sheet: str | None) -> None:
    """Refuse percentages typed as fractions (0,857 for 85,7%) without the % format.

    A column whose every value is a plain number ≤ 1 is refused as a column, even with one unit; one plain
    number in (0, 1] among percentages above 1 is refused at its own cell ("0,857" beside "85,7" is 85,7%
    written as a fraction, or a typo).
    """
    for code, col in columns.items():
        values = [unit[code] for unit in scores.values()]
        if code not in percent_columns and all(v <= 1 for v in values) and any(v > 0 for v in values):
            only = f" (giá trị {_number(values[0])})" if len(values) == 1 else ""
            raise DataError(f"mọi giá trị đều ≤ 1{only}: có vẻ là tỷ lệ (0,72) nhưng ô không định dạng phần trăm. "
                            "Định dạng ô là % trong Excel, hoặc nhập 72,27.",
                            cell_location(path, sheet, None, headers[col]))
    for code, units in fractions.items():
        above = [unit for unit in scores if scores[unit][code] > 1]
        if not above:
            continue
        unit = units[0]
        value = scores[unit][code]
        raise DataError(
            f"giá trị {_number(value)} quá nhỏ so với các ô khác của cột (ví dụ "
            f"{_number(scores[above[0]][code])} ở dòng {rows[above[0]]}): có vẻ là tỷ lệ "
            f"{_number(value * 100)}% viết dạng phân số. Nhập {_number(value * 100)} nếu là "
            f"{_number(value * 100)}%, hoặc {_number(value)}% nếu đúng là "
            f"{_number(value)}%.", cell_location(path, sheet, rows[unit], headers[columns[code]]))
