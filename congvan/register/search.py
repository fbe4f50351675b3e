"""The register desk (bàn văn thư): a paged, filtered search of the sổ văn bản đi, done in the database.

Filters: organ, year, series, type (name or Phụ lục III abbreviation), a number range, the unit, the
trích yếu, free text (number, type, trích yếu, unit, signer, note, recipients, void reason) and the status
(issued, voided, reserved, sent). Text matches ignore case and tone marks ("hai long" finds "hài lòng",
"Đô" finds "do"), the same on SQLite and PostgreSQL: a row matches when `plain(column)` contains
`plain(query)`. SQLite computes `plain(column)` with the function `congvan.register.engine` registers
on each connection; PostgreSQL matches the column as stored against a regular expression in which every
letter of the query is the class of the letters `plain` makes it ("a" -> "[aAàÀáÁ…]"), which is the same
test and ~50 times faster than `translate()` over all the letters on every row. The answer is one page
of rows and the total count of matching rows.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from congvan.errors import UsageError
from congvan.register.records import (
    MAX_PAGE_SIZE,
    STATUS_FILTERS,
    STATUS_ISSUED,
    STATUS_RESERVED,
    TYPE_ABBREVIATIONS,
    Record,
)
from congvan.register.schema import documents
from congvan.vn import squash

ISSUED, VOIDED, RESERVED, SENT = STATUS_FILTERS
PLAIN_FUNCTION = "congvan_plain"  # the SQLite function registered by congvan.register.engine


def _plain_letters() -> tuple[str, str]:
    """Return (letters, their plain forms) for str.translate and SQL translate(): Vietnamese and ASCII letters."""
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "d" if char in "Đđ" else unicodedata.normalize("NFKD", char)[0].lower()
        if char.isalpha() and base.isascii() and base.isalpha() and base != char:
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


PLAIN_FROM, PLAIN_TO = _plain_letters()
_PLAIN_TABLE = str.maketrans(PLAIN_FROM, PLAIN_TO)
_VARIANTS: dict[str, str] = {}
for _letter, _base in zip(PLAIN_FROM, PLAIN_TO, strict=True):
    _VARIANTS[_base] = _VARIANTS.get(_base, _base) + _letter


def plain(text: str | None) -> str:
    """Return `text` as searches compare it: tone marks and case dropped, "đ" made "d" ("Hài Lòng" -> "hai long")."""
    return unicodedata.normalize("NFC", text or "").translate(_PLAIN_TABLE)


@dataclass(frozen=True)
class Query:
    """What the văn thư asks the register for; empty fields do not filter."""

    organ: str | None = None
    year: int | None = None
    series: str | None = None
    type_name: str = ""  # "Công văn", "Quyết định" or "QĐ"
    number_from: int | None = None
    number_to: int | None = None
    unit: str = ""
    subject: str = ""  # trích yếu
    text: str = ""  # anywhere in the row
    status: str | None = None  # ISSUED, VOIDED, RESERVED, SENT
    page: int = 1
    page_size: int = 50
    newest_first: bool = False


@dataclass(frozen=True)
class Page:
    """One page of matching rows, and how many rows match in all."""

    rows: list[Record]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def search(conn: Connection, query: Query) -> Page:
    """Return the page `query.page` of the rows matching `query`, in register order (or newest first)."""
    _check(query)
    conditions = _conditions(conn, query)
    total = conn.execute(sa.select(sa.func.count()).select_from(documents).where(*conditions)).scalar_one()
    order: list[Any] = [documents.c.organ, documents.c.year, documents.c.series, documents.c.number]
    if query.newest_first:
        order = [column.desc() for column in order]
    rows = conn.execute(sa.select(documents).where(*conditions).order_by(*order)
                        .limit(query.page_size).offset((query.page - 1) * query.page_size))
    return Page([Record.from_row(row) for row in rows], total, query.page, query.page_size)


def _check(query: Query) -> None:
    if query.page < 1 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise UsageError(f"trang phải từ 1, số dòng một trang từ 1 đến {MAX_PAGE_SIZE}.")
    if query.status is not None and query.status not in STATUS_FILTERS:
        raise UsageError(f"tình trạng '{query.status}' không có; dùng: "
                         + ", ".join(f"{key} ({label})" for key, label in STATUS_FILTERS.items()) + ".")
    if query.number_from is not None and query.number_to is not None and query.number_from > query.number_to:
        raise UsageError(f"khoảng số {query.number_from}–{query.number_to}: số đầu lớn hơn số cuối.")


def _conditions(conn: Connection, query: Query) -> list[Any]:
    c = documents.c
    found: list[Any] = []
    for column, value in ((c.organ, query.organ), (c.year, query.year), (c.series, query.series)):
        if value is not None:
            found.append(column == value)
    if query.number_from is not None:
        found.append(c.number >= query.number_from)
    if query.number_to is not None:
        found.append(c.number <= query.number_to)
    if query.type_name.strip():
        found.append(_matches(conn, c.type_name, _type_name(query.type_name), whole=True))
    anywhere: Any = (c.code_number + "/" + c.code_notation + " " + c.type_name + " " + c.subject + " "
                     + sa.func.coalesce(c.unit, "") + " " + c.signer_authority + " " + c.signer_position + " "
                     + c.signer_name + " " + c.note + " " + c.recipients + " " + sa.func.coalesce(c.void_reason, ""))
    texts: list[tuple[Any, str]] = [(c.unit, query.unit), (c.subject, query.subject), (anywhere, query.text)]
    for column, value in texts:
        if squash(value):
            found.append(_matches(conn, column, value))
    if query.status is not None:
        found.append(_status(query.status))
    return found


def _type_name(text: str) -> str:
    """Return the type named by `text`: a Phụ lục III abbreviation ("QĐ") gives its name, else `text` itself."""
    names = {abbreviation.casefold(): name for name, abbreviation in TYPE_ABBREVIATIONS.items()}
    return names.get(squash(text).casefold(), text)


def _status(status: str) -> Any:
    c = documents.c
    alive = c.voided_at.is_(None)
    return {ISSUED: sa.and_(c.status == STATUS_ISSUED, alive), VOIDED: c.voided_at.is_not(None),
            RESERVED: sa.and_(c.status == STATUS_RESERVED, alive), SENT: sa.and_(c.sent_date.is_not(None), alive)
            }[status]


def _matches(conn: Connection, column: Any, text: str, whole: bool = False) -> Any:
    """Return the SQL test "plain(column) contains (or, `whole`, equals) plain(text)" for this database."""
    wanted = plain(squash(text))
    if conn.dialect.name == "postgresql":
        pattern = "".join(f"[{_VARIANTS[ch]}]" if ch in _VARIANTS else ("\\" + ch if not ch.isalnum() else ch)
                          for ch in wanted)
        return column.regexp_match(f"^{pattern}$" if whole else pattern)
    folded = getattr(sa.func, PLAIN_FUNCTION)(column)
    return folded == wanted if whole else folded.contains(wanted, autoescape=True)
