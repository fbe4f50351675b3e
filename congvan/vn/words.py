"""Numbers in words: amounts, percentages, ordinals, through num2words with a corrected Vietnamese converter.

Importing this module registers `VietnameseWords` as num2words' "vi" converter, so inside congvan
`num2words(2024, lang="vi")` reads "hai nghìn không trăm hai mươi bốn". The functions below are the
congvan API; they call `num2words(..., lang="vi")` with the reading options as keyword arguments.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from num2words import CONVERTER_CLASSES, num2words
from num2words.lang_VI import Num2Word_VI

from congvan.vn.numbers import parse_vietnamese_number
from congvan.vn.text import capitalize_first

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9
_OPTIONS = {"zero_tens": ("lẻ", "linh"), "four": ("bốn", "tư"), "thousand": ("nghìn", "ngàn")}


class VietnameseWords(Num2Word_VI):
    """num2words' Vietnamese converter, read as official and accounting texts read numbers.

    What num2words' own `Num2Word_VI` (0.5.14) gets wrong, and this class reads right:

    - a zero hundreds digit inside a number: 2024 "hai nghìn không trăm hai mươi bốn", 1005 "một nghìn
      không trăm lẻ năm", 1_000_005 "một triệu không trăm lẻ năm" (upstream: "hai nghìn lẻ hai mươi bốn",
      "một nghìn lẻ năm", "một triệu lẻ năm");
    - 10^15 and more: "một triệu tỷ", "một tỷ tỷ" (upstream: "một trăm nghìn tỷ", "một Quintillion");
    - negatives: -7 "âm bảy" (upstream indexes its table with -7: "mười ba");
    - decimals exactly: 3.05 "ba phẩy không năm", 0.5 "không phẩy năm" (upstream rounds to two places and
      reads them as a two-digit number: "ba phẩy năm", "không phẩy năm mươi");
    - strings in Vietnamese notation ("84,5"), ordinals ("thứ nhất", "thứ tư") and amounts (`to="currency"`),
      which upstream does not handle.

    Options (keyword arguments of `num2words`): `zero_tens` "lẻ"/"linh", `four` "bốn"/"tư" (after "mươi"),
    `thousand` "nghìn"/"ngàn", and `decimals` to round half up first. One converter is kept per option set.
    """

    def __init__(self, zero_tens: str = "lẻ", four: str = "bốn", thousand: str = "nghìn") -> None:
        for name, value in (("zero_tens", zero_tens), ("four", four), ("thousand", thousand)):
            if value not in _OPTIONS[name]:
                allowed = " hoặc ".join(f"'{choice}'" for choice in _OPTIONS[name])
                raise ValueError(f"{name} phải là {allowed}")
        self.zero_tens, self.four, self.thousand = zero_tens, four, thousand

    # -- num2words entry points --

    def str_to_number(self, value: str) -> Decimal:
        """Parse a number written the Vietnamese way ("84,5", "1.500.000"); num2words calls this for strings."""
        return _to_decimal(value)

    def to_cardinal(self, number: int | float | Decimal | str, decimals: int | None = None,
                    **options: str) -> str:
        """Read a number: 105 -> "một trăm lẻ năm", 84.5 -> "tám mươi bốn phẩy năm"."""
        if options:
            return _converter(**options).to_cardinal(number, decimals)
        value = _to_decimal(number)
        if decimals is not None:
            value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return self.number_to_text(value)

    def to_ordinal(self, number: int) -> str:
        """Read an ordinal: 1 -> "thứ nhất", 4 -> "thứ tư", 21 -> "thứ hai mươi mốt"."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError("số thứ tự phải là số nguyên")
        if number < 1:
            raise ValueError("số thứ tự bắt đầu từ 1")
        return "thứ " + {1: "nhất", 4: "tư"}.get(number, self.to_cardinal(number))

    def to_currency(self, val: int | float | Decimal | str, currency: str = "đồng", **options: str) -> str:
        """Read an amount rounded to whole units, followed by the unit word `currency`: "năm trăm nghìn đồng"."""
        return self.to_cardinal(val, 0, **options) + " " + currency

    # -- reading (num2words' method names, corrected) --

    def number_to_text(self, number: Decimal) -> str:
        """Read a finite Decimal as it is, digits after the comma as one number after their leading zeros."""
        whole_text, _, fraction = f"{abs(number):f}".partition(".")
        fraction = fraction.rstrip("0")
        whole = int(whole_text)
        words = [self.vietnam_number(whole)] if whole else ["không"]
        if fraction:
            digits = fraction.lstrip("0")
            words += ["phẩy"] + ["không"] * (len(fraction) - len(digits)) + [self.vietnam_number(int(digits))]
        if number < 0 and (whole or fraction):
            words.insert(0, "âm")
        return " ".join(words)

    def vietnam_number(self, val: int) -> str:
        """Read an integer > 0; groups that are all zero are not read ("một triệu không trăm lẻ năm")."""
        return " ".join(self._integer_words(val, False))

    def _integer_words(self, value: int, full: bool) -> list[str]:
        if value >= _BILLION:
            high, low = divmod(value, _BILLION)
            billions = self._integer_words(high, full) + ["tỷ"]
            return billions + self._integer_words(low, True) if low else billions
        words: list[str] = []
        started = full
        for group, scale in ((value // 10**6, "triệu"), (value // 1000 % 1000, self.thousand), (value % 1000, "")):
            if group:
                words += self._group_words(group, started)
                if scale:
                    words.append(scale)
                started = True
        return words

    def _group_words(self, value: int, full: bool) -> list[str]:
        """Words for 0 < value < 1000; `full` reads a zero hundreds digit ("không trăm") inside a number."""
        hundreds, rest = divmod(value, 100)
        tens, units = divmod(rest, 10)
        words: list[str] = []
        if hundreds or full:
            words += [_DIGIT_WORDS[hundreds], "trăm"]
        if tens == 0:
            if units:
                words += [self.zero_tens, _DIGIT_WORDS[units]] if words else [_DIGIT_WORDS[units]]
        elif tens == 1:
            words.append("mười")
            if units:
                words.append("lăm" if units == 5 else _DIGIT_WORDS[units])
        else:
            words += [_DIGIT_WORDS[tens], "mươi"]
            if units:
                words.append({1: "mốt", 4: self.four, 5: "lăm"}.get(units, _DIGIT_WORDS[units]))
        return words


@cache
def _converter(zero_tens: str = "lẻ", four: str = "bốn", thousand: str = "nghìn") -> VietnameseWords:
    return VietnameseWords(zero_tens, four, thousand)


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


CONVERTER_CLASSES["vi"] = _converter()  # num2words(..., lang="vi") reads as congvan does from here on


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
    return num2words(value, lang="vi", decimals=decimals, zero_tens=zero_tens, four=four, thousand=thousand)


def ordinal_words(n: int) -> str:
    """Return an ordinal: 1 -> "thứ nhất", 4 -> "thứ tư", 10 -> "thứ mười", 21 -> "thứ hai mươi mốt"."""
    return num2words(n, lang="vi", to="ordinal")


def percent_words(value: int | float | Decimal | str, decimals: int = 2, **options: str) -> str:
    """Return a percentage in words, rounded like `format_percent`: 68.83 -> "sáu mươi tám phẩy tám mươi ba
    phần trăm"."""
    return number_to_words(value, decimals=decimals, **options) + " phần trăm"


def money_words(amount: int | float | Decimal | str, unit: str = "đồng", **options: str) -> str:
    """Return an amount as written after "Bằng chữ:", rounded to whole units, capital first letter:
    1500000 -> "Một triệu năm trăm nghìn đồng"."""
    return capitalize_first(num2words(amount, lang="vi", to="currency", currency=unit, **options))
