"""Dates as NĐ 30 writes them: "ngày 04 tháng 7 năm 2023", the place-date line."""

from __future__ import annotations

import datetime as dt

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
