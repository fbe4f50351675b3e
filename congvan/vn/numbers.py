"""Numbers as Vietnamese writes them: decimal comma, thousands dot, document numbers."""

from __future__ import annotations

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


def format_percent(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return a percentage the Vietnamese way, no space before %: 68.888 -> "68,89%", 83 -> "83%"."""
    return format_number(value, decimals, keep_zeros=keep_zeros) + "%"


def parse_number(text: str) -> float:
    """Parse "72,27", "72.27", "72,27 %", "1.234,5", "1.500.000" into a float; raise ValueError otherwise.

    A single dot without a comma is a decimal point ("72.27"), as spreadsheets export it.
    """
    cleaned = squash(text).replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("ô trống")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", cleaned):
            raise ValueError(f"không phải số: {text!r}")
        cleaned = cleaned.replace(".", "")  # "1.500.000": dots group thousands
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(f"không phải số: {text!r}")
    return float(cleaned)


def document_number(number: int) -> str:
    """Return a document number as written after "Số:": at least two digits (5 -> "05")."""
    if number < 1:
        raise ValueError("số văn bản bắt đầu từ 1")
    return f"{number:02d}"
