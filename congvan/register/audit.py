"""`register verify`: recompute the hash chain, compare every row with it, check numbers and files.

Reports deleted rows, edited rows (naming the columns), rows outside the chain, breaks in the chain,
gaps that are neither withdrawn, reserved nor skipped on purpose, duplicate numbers, two rows on one
file, a number that differs from its file name, files missing or altered, issued-looking files the
register does not know, and temporary files left by a killed run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from congvan.files import sha256_file
from congvan.register import chain
from congvan.register.records import ISSUED_NAME_RE, Finding, Record, VerifyReport, is_letter_leftover
from congvan.register.schema import counters, documents
from congvan.vn import document_number

DELETED, EDITED, UNCHAINED, BROKEN = "DÒNG BỊ XÓA", "DÒNG BỊ SỬA", "DÒNG NGOÀI CHUỖI", "CHUỖI HỎNG"
GAP, DUPLICATE, SHARED, MISNAMED = "KHOẢNG TRỐNG", "TRÙNG SỐ", "TRÙNG TỆP", "SAI TÊN TỆP"


def _label(row: dict[str, Any]) -> str:
    return f"số {document_number(row['number'])}/{row['code_notation']} năm {row['year']} ({row['unit'] or 'lấy số'})"


def verify_register(conn: Connection, output_dir: Path, *, organ: str | None = None,
                    year: int | None = None) -> VerifyReport:
    """Check the register (rows of `organ` and `year`, or all) and the files under `output_dir`."""
    replay = chain.replay(chain.read_events(conn))
    query = sa.select(documents).order_by(documents.c.organ, documents.c.year, documents.c.series,
                                          documents.c.number)
    wanted = [dict(row._mapping) for row in conn.execute(query)
              if (organ is None or row.organ == organ) and (year is None or row.year == year)]
    findings = [Finding(BROKEN, text) for text in replay.broken]
    findings += _against_chain(wanted, replay, organ, year)
    findings += _gaps(conn, wanted, replay)
    findings += _duplicates(wanted)
    records = [Record.from_row(_Row(row)) for row in wanted if row["file_path"]]
    missing, altered = _files(records, output_dir)
    known = {record.file_path or "" for record in records}
    years = {str(year)} if year is not None else {path.split("/")[0] for path in known} | _year_dirs(output_dir)
    return VerifyReport(checked=len(records), missing=missing, altered=altered,
                        unregistered=stray_letters(output_dir, years, known),
                        leftovers=temp_leftovers(output_dir), findings=findings, events=replay.count)


class _Row:
    """A dict seen as a SQLAlchemy row by `Record.from_row`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._mapping = values


def _against_chain(rows: list[dict[str, Any]], replay: chain.Replay, organ: str | None,
                   year: int | None) -> Iterator[Finding]:
    present = {row["id"] for row in rows}
    for row in rows:
        expected = replay.rows.get(row["id"])
        if expected is None:
            yield Finding(UNCHAINED, f"{_label(row)}: dòng không do congvan ghi (không có trong chuỗi).")
            continue
        actual = chain.row_content(row)
        changed = sorted(key for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key))
        if row["chain_hash"] != replay.hashes.get(row["id"]):
            changed.append("chain_hash")
        if changed:
            was = f" (sổ ghi lúc cấp: số {document_number(expected['number'])})" if "number" in changed else ""
            yield Finding(EDITED, f"{_label(row)}{was}: đã bị sửa ngoài congvan ở cột {', '.join(changed)}.")
    for document_id, expected in replay.rows.items():
        if document_id in present:
            continue
        if (organ is None or expected["organ"] == organ) and (year is None or expected["year"] == year):
            yield Finding(DELETED, f"{_label(expected)}: dòng đã bị xóa khỏi sổ.")


def _gaps(conn: Connection, rows: list[dict[str, Any]], replay: chain.Replay) -> Iterator[Finding]:
    held: dict[tuple[str, int, str], set[int]] = {}
    for row in rows:
        held.setdefault((row["organ"], row["year"], row["series"]), set()).add(row["number"])
    tops = {key: max(numbers) for key, numbers in held.items()}
    for counter in conn.execute(sa.select(counters)):
        key = (counter.organ, counter.year, counter.series)
        if key in tops:
            tops[key] = max(tops[key], counter.next_number - 1)
    for key, top in sorted(tops.items()):
        missing = [n for n in range(1, top + 1) if n not in held[key] and not replay.is_skipped(*key, n)]
        for first, last in chain.ranges(missing):
            span = document_number(first) + ("" if first == last else f"–{document_number(last)}")
            yield Finding(GAP, f"năm {key[1]}, sổ '{key[2]}': thiếu số {span} (không thu hồi, không lấy số, "
                               "không bỏ qua bằng set-next).")


def _duplicates(rows: list[dict[str, Any]]) -> Iterator[Finding]:
    numbers = Counter((row["organ"], row["year"], row["series"], row["number"]) for row in rows)
    for (_organ, year, series, number), count in sorted(numbers.items()):
        if count > 1:
            yield Finding(DUPLICATE, f"số {document_number(number)} năm {year}, sổ '{series}': {count} dòng.")
    files = Counter(row["file_path"] for row in rows if row["file_path"])
    for path, count in sorted(files.items()):
        if count > 1:
            yield Finding(SHARED, f"tệp {path}: {count} dòng cùng trỏ vào một tệp.")
    for row in rows:
        match = ISSUED_NAME_RE.match(Path(row["file_path"] or "").name)
        folder = (row["file_path"] or "").split("/")[0]
        if row["file_path"] and (not match or int(match.group(1)) != row["number"] or folder != str(row["year"])):
            yield Finding(MISNAMED, f"{_label(row)}: tệp {row['file_path']} không mang số và năm của dòng.")


def _files(records: list[Record], output_dir: Path) -> tuple[list[Record], list[Record]]:
    missing: list[Record] = []
    altered: list[Record] = []
    for record in records:
        path = output_dir / (record.file_path or "")
        if not path.is_file():
            missing.append(record)
        elif sha256_file(path) != record.sha256:
            altered.append(record)
    return missing, altered


def _year_dirs(output_dir: Path) -> set[str]:
    if not output_dir.is_dir():
        return set()
    return {p.name for p in output_dir.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)}


def stray_letters(output_dir: Path, years: set[str], known: set[str]) -> list[Path]:
    """Return files of `output_dir/<year>/` with an issued letter's name that the register does not know."""
    return sorted(path for name in years for path in (output_dir / name).glob("*.docx")
                  if f"{name}/{path.name}" not in known and ISSUED_NAME_RE.match(path.name))


def temp_leftovers(output_dir: Path) -> list[Path]:
    """Return pending letters and letters' temporary files in the year folders of `output_dir`."""
    return sorted(path for name in _year_dirs(output_dir) for path in (output_dir / name).iterdir()
                  if is_letter_leftover(path.name) and path.is_file())
