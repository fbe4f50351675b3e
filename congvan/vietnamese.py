"""Vietnamese text helpers: NFC, dates, decimal comma, percentages, collation and file-name slugs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

# -- text --


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (precomposed) form, as TCVN 6909:2001 text must be."""
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """Return `text` NFC-normalised, trimmed, with runs of white space collapsed to one space."""
    return re.sub(r"\s+", " ", nfc(text)).strip()


def fold(text: str) -> str:
    """Return a key for loose matching of headers and names: NFC, case-folded, single spaces."""
    return squash(text).casefold()


def capitalize_first(text: str) -> str:
    """Return `text` with only its first letter upper-cased ("phường X" -> "Phường X")."""
    return text[:1].upper() + text[1:] if text else text


# -- numbers --


def _quantize(value: float | Decimal, decimals: int) -> Decimal:
    exponent = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


def format_number(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return `value` with a decimal comma and dot thousands: 1234567.891 -> "1.234.567,89".

    A whole result drops its ",00" unless `keep_zeros` is set; other decimals keep their width
    ("85,70"), as in published SIPAS tables.
    """
    number = _quantize(value, decimals)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
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
    """Parse "72,27", "72.27", "72,27 %", "1.234,5" into a float; raise ValueError if it is not a number."""
    cleaned = squash(text).replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("ô trống")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1:
        raise ValueError(f"không phải số: {text!r}")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(f"không phải số: {text!r}")
    return float(cleaned)


def document_number(number: int) -> str:
    """Return a document number as written after "Số:": at least two digits (5 -> "05")."""
    if number < 1:
        raise ValueError("số văn bản bắt đầu từ 1")
    return f"{number:02d}"


# -- dates --

DRAFT_DAY_BLANK = "    "


def _day(day: int) -> str:
    return f"{day:02d}"


def _month(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(date: dt.date) -> str:
    """Return "ngày 04 tháng 7 năm 2023" (day < 10 and months 1-2 zero-padded, NĐ 30 Phụ lục I)."""
    return f"ngày {_day(date.day)} tháng {_month(date.month)} năm {date.year}"


def draft_long_date(month: int, year: int) -> str:
    """Return the draft form with the day left blank: "ngày      tháng 4 năm 2023"."""
    return f"ngày {DRAFT_DAY_BLANK} tháng {_month(month)} năm {year}"


def header_date(place: str, date: dt.date) -> str:
    """Return the place-date line: "Nha Trang, ngày 04 tháng 7 năm 2023"."""
    return f"{place}, {long_date(date)}"


def draft_header_date(place: str, month: int, year: int) -> str:
    """Return the draft place-date line with a blank day: "Nha Trang, ngày      tháng 4 năm 2023"."""
    return f"{place}, {draft_long_date(month, year)}"


def body_date(date: dt.date) -> str:
    """Return a date as cited in body text: "ngày 02/6/2023", "ngày 24/01/2019"."""
    return f"ngày {_day(date.day)}/{_month(date.month)}/{date.year}"


# -- collation --

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# tone order used by Vietnamese dictionaries: none, huyền, hỏi, ngã, sắc, nặng
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def _split_letter(char: str) -> tuple[str, int]:
    """Return (base letter with its vowel marks, tone rank) for one character."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = 0
    marks = ""
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _LETTER_MARKS:
            marks += mark
    return unicodedata.normalize("NFC", base + marks), tone


def sort_key(text: str) -> tuple:
    """Return a key that sorts Vietnamese strings in dictionary order (a ă â b c d đ e ê ..., then tones)."""
    letters = []
    tones = []
    for char in squash(text):
        letter, tone = _split_letter(char)
        rank = _BASE_RANK.get(letter)
        letters.append((0, rank) if rank is not None else (1, ord(letter)))
        tones.append(tone)
    return (tuple(letters), tuple(tones), text)


# -- file names --


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII-safe file-name stem: "Phường Tân Lập & Lộc Thọ" -> "phuong-tan-lap-loc-tho"."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"
