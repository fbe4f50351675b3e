"""Numbers as Vietnamese writes them: decimal comma, thousands dot, document numbers."""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from congvan.vn.text import squash


def _quantize(value: float | Decimal, decimals: int) -> Decimal:
    exponent = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value))
    if not number.is_finite():
        return number
    with localcontext() as context:  # 1e22 with 2 decimals needs more than the default 28 digits
        context.prec = max(28, number.adjusted() + decimals + 2)
        return number.quantize(exponent, rounding=ROUND_HALF_UP)


# Targets, averages and scores recur in every letter of a batch: each is formatted once. `typed` keeps 2.675
# (float) and Decimal(2.675) apart, which compare equal but round differently.
@functools.lru_cache(maxsize=8192, typed=True)
def format_number(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return `value` with a decimal comma and dot thousands: 1234567.891 -> "1.234.567,89".

    A whole result drops its ",00" unless `keep_zeros` is set; other decimals keep their width
    ("85,70"), as in published SIPAS tables. NaN and infinities (not numbers a letter may show) are
    written as "NaN", "vô cực" and "âm vô cực" so that a message about a bad cell can still quote them.
    """
    if not Decimal(str(value)).is_finite():
        special = Decimal(str(value))
        return "NaN" if special.is_nan() else ("âm vô cực" if special < 0 else "vô cực")
    number = _quantize(value, decimals)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    if fraction and (keep_zeros or int(fraction) != 0):
        result += "," + fraction
    return result


@functools.lru_cache(maxsize=8192, typed=True)
def format_percent(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return a percentage the Vietnamese way, no space before %: 68.888 -> "68,89%", 83 -> "83%"."""
    return format_number(value, decimals, keep_zeros=keep_zeros) + "%"


class AmbiguousNumber(ValueError):
    """Raised for a score cell such as "1.500": one thousand five hundred, or 1,5 with a decimal point?"""


_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")  # "1.500", "1.234.567,89"
_PLAIN = re.compile(r"[+-]?\d+(,\d+)?")  # "72", "72,27"


def _clean(text: str) -> str:
    cleaned = squash(text).replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("ô trống")
    return cleaned


def parse_vietnamese_number(text: str) -> Decimal:
    """Parse a number written the Vietnamese way: the dot groups thousands, the comma is the decimal point.

    "1.500" -> 1500, "1.234.567,89" -> 1234567.89, "68,89%" -> 68.89, "72" -> 72. Used for numbers in
    Vietnamese text (amounts to write in words, anything typed in a letter); "72.27" is refused here: in
    Vietnamese text a dot is followed by three digits. Raise ValueError when `text` is not such a number.
    """
    cleaned = _clean(text)
    if not (_GROUPED.fullmatch(cleaned) or _PLAIN.fullmatch(cleaned)):
        raise ValueError(f"không phải số viết theo cách Việt Nam (1.234,5): {text!r}")
    return Decimal(cleaned.replace(".", "").replace(",", "."))


def parse_score(text: str) -> float:
    """Parse a score typed in a spreadsheet cell: "72,27", "72,27 %", "72.27", "1.234,5" -> float.

    As `parse_vietnamese_number`, except that one dot with no comma is the decimal point spreadsheets
    export ("72.27", "85.7", "72.272727"). One dot followed by exactly three digits ("1.500") could be either
    way and raises `AmbiguousNumber`, so that the reader names the cell instead of guessing.
    """
    cleaned = _clean(text)
    single_dot = re.fullmatch(r"[+-]?\d+\.(\d+)", cleaned)
    if single_dot:
        if len(single_dot.group(1)) == 3:
            raise AmbiguousNumber(f"'{squash(text)}' có thể là {cleaned.replace('.', '')} (dấu chấm ngăn nghìn) "
                                  f"hoặc {cleaned.replace('.', ',')} (dấu chấm thập phân)")
        return float(cleaned)
    return float(parse_vietnamese_number(cleaned))


def document_number(number: int) -> str:
    """Return a document number as written after "Số:": at least two digits (5 -> "05")."""
    if number < 1:
        raise ValueError("số văn bản bắt đầu từ 1")
    return f"{number:02d}"


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """Return `number` (1–3999) in Roman numerals, as NĐ 30 numbers phụ lục and mục: 4 -> "IV"."""
    if not 0 < number < 4000:
        raise ValueError(f"số La Mã chỉ từ 1 đến 3999: {number}")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)
