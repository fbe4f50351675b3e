"""Read doi_ten.csv: units of last year's results renamed or merged since (old name -> new name).

Two columns, "Tên cũ" and "Tên mới"; one row per old unit. Several rows with the same new name mean the old units
were merged into it. The file is read like a results CSV (`sources.csv_rows`): comma, semicolon or tab; UTF-8,
UTF-16 or Windows-1258. Names are matched with the folding rules of the results (`models.unit_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from congvan import vn
from congvan.errors import DataError, DataFileUnreadable, cell_location
from congvan.models import unit_key
from congvan.sources.csv_rows import read_csv_rows

OLD, NEW = "Tên cũ", "Tên mới"


@dataclass(frozen=True)
class Rename:
    """One row of doi_ten.csv."""

    old: str
    new: str
    where: str  # file and row, for messages


def read_renames(path: Path) -> list[Rename]:
    """Return the rows of doi_ten.csv; raise `DataError` naming the row of a missing column, a blank name or an
    old name given twice."""
    if not path.is_file():
        raise DataFileUnreadable("không tìm thấy tệp đổi tên đơn vị ([du_lieu] doi_ten trong congvan.toml).",
                                 str(path))
    wanted = (vn.fold(OLD), vn.fold(NEW))
    rows = read_csv_rows(path, lambda text: vn.fold(text) in wanted, None)
    header = [vn.fold(cell) for cell in (rows[0] if rows else [])]
    for label, folded in zip((OLD, NEW), wanted, strict=True):
        if folded not in header:
            raise DataError(f"thiếu cột '{label}' ở dòng tiêu đề (hai cột: '{OLD}', '{NEW}').",
                            cell_location(path, None, 1))
    old_at, new_at = header.index(wanted[0]), header.index(wanted[1])
    renames: list[Rename] = []
    seen: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        old, new = (vn.squash(row[i]) if i < len(row) else "" for i in (old_at, new_at))
        for label, value in ((OLD, old), (NEW, new)):
            if not value:
                raise DataError("ô trống: ghi tên đơn vị.", cell_location(path, None, number, label))
        where = cell_location(path, None, number)
        if unit_key(old) in seen:
            raise DataError(f"'{old}' đã có ở {seen[unit_key(old)]}: mỗi đơn vị cũ ghi một dòng.",
                            cell_location(path, None, number, OLD))
        seen[unit_key(old)] = where
        renames.append(Rename(old, new, where))
    return renames
