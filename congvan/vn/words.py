"""Numbers in words: amounts, percentages, ordinals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from congvan.vn.numbers import parse_vietnamese_number
from congvan.vn.text import capitalize_first

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9


def _group_words(value: int, full: bool, zero_tens: str, four: str) -> list[str]:
    """Words for 0 < value < 1000; `full` reads a zero hundreds digit ("không trăm") inside a number."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += [zero_tens, _DIGIT_WORDS[units]] if words else [_DIGIT_WORDS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGIT_WORDS[units])
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: four, 5: "lăm"}.get(units, _DIGIT_WORDS[units]))
    return words


def _integer_words(value: int, full: bool, zero_tens: str, four: str, thousand: str) -> list[str]:
    """Words for an integer > 0; groups that are all zero are not read ("một triệu không trăm lẻ năm")."""
    if value >= _BILLION:
        high, low = divmod(value, _BILLION)
        words = _integer_words(high, full, zero_tens, four, thousand) + ["tỷ"]
        if low:
            words += _integer_words(low, True, zero_tens, four, thousand)
        return words
    words = []
    started = full
    for group, scale in ((value // 10**6, "triệu"), (value // 1000 % 1000, thousand), (value % 1000, "")):
        if group:
            words += _group_words(group, started, zero_tens, four)
            if scale:
                words.append(scale)
            started = True
    return words


def _to_decimal(value: int | float | Decimal | str) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("không đọc được giá trị đúng/sai thành chữ số")
    if isinstance(value, str):
        return parse_vietnamese_number(value)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as err:
        raise ValueError(f"không phải số: {value!r}") from err
    if not number.is_finite():
        raise ValueError(f"không phải số hữu hạn: {value!r}")
    return number


def number_to_words(value: int | float | Decimal | str, *, decimals: int | None = None, zero_tens: str = "lẻ",
                    four: str = "bốn", thousand: str = "nghìn") -> str:
    """Read a number in Vietnamese words, as in official and accounting texts.

    2024 -> "hai nghìn không trăm hai mươi bốn", 105 -> "một trăm lẻ năm", 21 -> "hai mươi mốt",
    25 -> "hai mươi lăm", 84.5 -> "tám mươi bốn phẩy năm", 3.05 -> "ba phẩy không năm".
    The digits after the decimal comma are read as one number, their leading zeros as "không"; trailing
    zeros are dropped. `decimals` rounds first (half up). Options: `zero_tens="linh"` (105 -> "một trăm
    linh năm"), `four="tư"` (24 -> "hai mươi tư"; the default "bốn" is what official texts mostly
    write), `thousand="ngàn"`. A group of three zeros is skipped ("một triệu không trăm lẻ năm").
    A string is read the Vietnamese way with `parse_vietnamese_number` ("1.500" is 1500, "84,5").
    """
    if zero_tens not in ("lẻ", "linh"):
        raise ValueError("zero_tens phải là 'lẻ' hoặc 'linh'")
    if four not in ("bốn", "tư"):
        raise ValueError("four phải là 'bốn' hoặc 'tư'")
    if thousand not in ("nghìn", "ngàn"):
        raise ValueError("thousand phải là 'nghìn' hoặc 'ngàn'")
    number = _to_decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole_text, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    whole = int(whole_text)
    words = _integer_words(whole, False, zero_tens, four, thousand) if whole else ["không"]
    if fraction:
        digits = fraction.lstrip("0")
        words.append("phẩy")
        words += ["không"] * (len(fraction) - len(digits))
        words += _integer_words(int(digits), False, zero_tens, four, thousand)
    if number < 0 and (whole or fraction):
        words.insert(0, "âm")
    return " ".join(words)


def ordinal_words(n: int) -> str:
    """Return an ordinal: 1 -> "thứ nhất", 4 -> "thứ tư", 10 -> "thứ mười", 21 -> "thứ hai mươi mốt"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("số thứ tự phải là số nguyên")
    if n < 1:
        raise ValueError("số thứ tự bắt đầu từ 1")
    special = {1: "nhất", 4: "tư"}
    return "thứ " + special.get(n, number_to_words(n))


def percent_words(value: int | float | Decimal | str, decimals: int = 2, **options: str) -> str:
    """Return a percentage in words, rounded like `format_percent`: 68.83 -> "sáu mươi tám phẩy tám mươi ba
    phần trăm"."""
    return number_to_words(value, decimals=decimals, **options) + " phần trăm"


def money_words(amount: int | float | Decimal | str, unit: str = "đồng", **options: str) -> str:
    """Return an amount as written after "Bằng chữ:", rounded to whole units, capital first letter:
    1500000 -> "Một triệu năm trăm nghìn đồng"."""
    return capitalize_first(number_to_words(amount, decimals=0, **options) + " " + unit)
