"""Build the template context of one letter (pure functions, no I/O).

The keys are the Vietnamese names listed in docs/glossary.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from congvan.vietnamese import DRAFT_DAY_BLANK, document_number, draft_long_date, long_date

DRAFT_NUMBER_BLANK = "      "


def number_fields(symbol: str, place: str, *, number: int | None, date: dt.date | None,
                  draft_month: int, draft_year: int) -> dict[str, Any]:
    """Return the context fields that differ between a draft and an issued letter."""
    if number is None or date is None:
        dated = draft_long_date(draft_month, draft_year)
        return {
            "so": "",
            "so_ky_hieu": f"{DRAFT_NUMBER_BLANK}/{symbol}",
            "ngay_thang_nam": dated,
            "dia_danh_ngay": f"{place}, {dated}",
            "ngay_ban_hanh": "",
            "ban_nhap": True,
        }
    dated = long_date(date)
    return {
        "so": document_number(number),
        "so_ky_hieu": f"{document_number(number)}/{symbol}",
        "ngay_thang_nam": dated,
        "dia_danh_ngay": f"{place}, {dated}",
        "ngay_ban_hanh": date.isoformat(),
        "ban_nhap": False,
    }


def with_number(context: dict[str, Any], number: int, date: dt.date) -> dict[str, Any]:
    """Return a copy of a draft `context` with its number and date filled in, ready to issue."""
    issued = dict(context)
    issued.update(number_fields(context["ky_hieu"], context["dia_danh"], number=number, date=date,
                                draft_month=date.month, draft_year=date.year))
    return issued


__all__ = ["DRAFT_DAY_BLANK", "number_fields", "with_number"]
