"""The outgoing-document register (sổ văn bản đi): storage, numbering, reservations, voiding, verification.

Storage goes through SQLAlchemy Core. By default the register is an SQLite file in the workspace
(WAL journal, `synchronous=FULL`, every write in a `BEGIN IMMEDIATE` transaction, so one writer at a
time across processes); an office that shares one register points it at PostgreSQL, where every write
transaction first takes a transaction-scoped advisory lock. Either way, allocating numbers, writing the
files and inserting the rows happen under one lock and one transaction: numbers are consecutive, never
duplicated, and a failed transaction consumes none.

The schema is versioned: `schema_version` holds the number of applied migrations and `MIGRATIONS` is
the ordered list of migration functions; `Register` applies the missing ones when it opens.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from congvan import __version__, clock
from congvan.errors import DatabaseUnavailable, RegisterError
from congvan.register import chain
from congvan.register.audit import verify_register
from congvan.register.engine import make_engine, normalize_url
from congvan.register.records import (
    DEFAULT_SERIES,
    STATUS_RESERVED,
    NewDocument,
    Record,
    VerifyReport,
)
from congvan.register.schema import (
    MIGRATIONS,
    check_lengths,
    counters,
    current_version,
    documents,
    moved_to,
    schema_version,
)
from congvan.vn import document_number, fold, nfc

# -- the register --


class Register:
    """An open register. Use as a context manager or call `close()`."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        try:
            if migrate:
                self.migrate()
        except sa.exc.OperationalError as err:
            self.engine.dispose()
            raise DatabaseUnavailable(f"không mở được sổ văn bản đi {self.display_url}: {err.orig}") from err

    @property
    def display_url(self) -> str:
        """Return the URL without its password."""
        return normalize_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """Yield a connection inside a transaction that holds the register's write lock until commit."""
        with self.engine.connect().execution_options(congvan_write=True) as conn, conn.begin():
            if self.dialect == "postgresql":
                conn.execute(sa.text(
                    "SELECT pg_advisory_xact_lock(hashtext(current_database() || '/' || current_schema()"
                    " || '/congvan-register'))"
                ))
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection in a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # -- migrations --

    def schema_version(self) -> int:
        """Return the number of migrations applied (0 for an empty database)."""
        with self.read() as conn:
            return current_version(conn)

    def migrate(self, target: int | None = None) -> int:
        """Apply the missing migrations up to `target` (default: all); return the resulting version."""
        target = len(MIGRATIONS) if target is None else target
        with self.write() as conn:
            version = current_version(conn)
            if version > len(MIGRATIONS):
                raise RegisterError(
                    f"sổ văn bản {self.display_url} có lược đồ phiên bản {version}, mới hơn phiên bản "
                    f"{len(MIGRATIONS)} mà congvan {__version__} biết. Hãy cập nhật congvan."
                )
            if (moved := moved_to(conn)) is not None:
                raise RegisterError(
                    f"sổ {self.display_url} đã chuyển sang {moved.target} lúc {moved.moved_at} "
                    "(`congvan register move`); không ghi vào sổ cũ nữa. Đặt CONGVAN_REGISTER_URL hoặc [register] "
                    "url của congvan.toml là địa chỉ sổ mới (docs/office.md).")
            if version == 0 and not sa.inspect(conn).has_table("schema_version"):
                schema_version.create(conn)
            for step in range(version, target):
                MIGRATIONS[step](conn)
                conn.execute(schema_version.delete())
                conn.execute(schema_version.insert().values(
                    version=step + 1, applied_at=clock.now().isoformat(), tool_version=__version__))
                version = step + 1
            return version

    # -- numbering --

    def next_number(self, conn: Connection, organ: str, year: int, series: str = DEFAULT_SERIES) -> int:
        """Return the next free number of a series (call inside `write()` to be sure it stays free)."""
        highest = conn.execute(
            sa.select(sa.func.max(documents.c.number)).where(
                documents.c.organ == organ, documents.c.year == year, documents.c.series == series)
        ).scalar()
        counter = conn.execute(
            sa.select(counters.c.next_number).where(
                counters.c.organ == organ, counters.c.year == year, counters.c.series == series)
        ).scalar()
        return max(counter or 1, (highest or 0) + 1)

    def peek_next(self, organ: str, year: int, series: str = DEFAULT_SERIES) -> int:
        """Return the number the next document would get now (informational, not reserved)."""
        with self.read() as conn:
            return self.next_number(conn, organ, year, series)

    def check_date_order(self, conn: Connection, organ: str, date: dt.date, series: str = DEFAULT_SERIES, *,
                         backdate: bool = False) -> bool:
        """Check an issue date; return whether it is back-dated (allowed only with `backdate`).

        A date after today (Vietnam time) is refused. A date earlier than the last letter of the year
        that is not withdrawn is refused unless `backdate`: numbers and dates follow issuing order.
        """
        if date > clock.today():
            raise RegisterError(
                f"ngày {date:%d/%m/%Y} ở sau hôm nay ({clock.today():%d/%m/%Y}): không cấp số trước cho ngày "
                "chưa đến. Bỏ --date để lấy ngày hôm nay, hoặc đợi đến ngày đó.")
        last = conn.execute(
            sa.select(sa.func.max(documents.c.issued_date)).where(
                documents.c.organ == organ, documents.c.year == date.year, documents.c.series == series,
                documents.c.voided_at.is_(None))
        ).scalar()
        if isinstance(last, str):
            last = dt.date.fromisoformat(last)
        if last is None or date >= last:
            return False
        if not backdate:
            raise RegisterError(
                f"ngày {date:%d/%m/%Y} sớm hơn ngày của văn bản cấp số gần nhất ({last:%d/%m/%Y}); "
                "số và ngày văn bản phải theo thứ tự ban hành (NĐ 30/2020, Điều 15). Nếu đúng là phải "
                "lùi ngày, thêm --backdate (sổ ghi lại việc lùi ngày).")
        return True

    def check_date(self, organ: str, date: dt.date, series: str = DEFAULT_SERIES, *, backdate: bool = False) -> bool:
        """`check_date_order` in a read transaction: check a date before doing any work with it."""
        with self.read() as conn:
            return self.check_date_order(conn, organ, date, series, backdate=backdate)

    def insert(self, conn: Connection, doc: NewDocument, *, organ: str, number: int, date: dt.date,
               series: str = DEFAULT_SERIES, backdated: bool = False) -> Record:
        """Insert one row with `number` and chain it (caller holds `write()` and has checked the number)."""
        return self.insert_many(conn, [doc], organ=organ, first=number, date=date, series=series,
                                backdated=backdated)[0]

    def insert_many(self, conn: Connection, docs: Sequence[NewDocument], *, organ: str, first: int, date: dt.date,
                    series: str = DEFAULT_SERIES, backdated: bool = False) -> list[Record]:
        """Insert rows numbered `first`, `first + 1`, … and chain them, in a few statements whatever their count.

        The caller holds `write()` and has checked the numbers. Each row's id and chain hash are worked out
        before the insert (the write lock keeps any other writer out until the commit), so nothing is read
        back. A row the database refuses is named, as `insert` names it; the register then holds none of them.
        """
        stamp = clock.now().isoformat()
        rows = [_row_values(doc, organ, first + offset, date, series, backdated, stamp)
                for offset, doc in enumerate(docs)]
        ids = self._new_ids(conn, len(rows))
        hashes = chain.append_many(conn, [
            (chain.RESERVE if row["status"] == STATUS_RESERVED else chain.ISSUE, row_id, chain.row_content(row))
            for row_id, row in zip(ids, rows, strict=True)])
        for row, row_id, digest in zip(rows, ids, hashes, strict=True):
            row.update(id=row_id, chain_hash=digest)
        try:
            with conn.begin_nested():  # on a refusal, back to here and find the row to name
                conn.execute(documents.insert(), rows)
        except (sa.exc.IntegrityError, sa.exc.DataError) as err:
            for row in rows:
                _insert_row(conn, row)
            raise RegisterError(f"sổ văn bản đi không nhận {len(rows)} văn bản từ số {document_number(first)} "
                                f"({str(err.orig).splitlines()[0]}). Sổ chưa ghi gì.") from err
        return [Record.from_mapping(row) for row in rows]

    def _new_ids(self, conn: Connection, count: int) -> list[int]:
        """Return `count` unused ids of `documents` (inside `write()`, so no other writer takes them)."""
        if self.dialect == "postgresql":  # the id column's sequence, as a plain insert would use it
            return sorted(conn.execute(sa.text(
                "SELECT nextval(pg_get_serial_sequence('documents', 'id')) FROM generate_series(1, :count)"),
                {"count": count}).scalars())
        top = conn.execute(sa.select(sa.func.max(documents.c.id))).scalar() or 0  # what SQLite itself would give
        return list(range(top + 1, top + count + 1))

    def advance_counter(self, conn: Connection, organ: str, year: int, next_number: int,
                        series: str = DEFAULT_SERIES) -> None:
        """Store `next_number` as the next number of the series (inside `write()`)."""
        where = (counters.c.organ == organ, counters.c.year == year, counters.c.series == series)
        exists = conn.execute(sa.select(counters.c.next_number).where(*where)).first()
        stamp = clock.now().isoformat()
        if exists is None:
            conn.execute(counters.insert().values(organ=organ, year=year, series=series,
                                                  next_number=next_number, updated_at=stamp))
        else:
            conn.execute(counters.update().where(*where).values(next_number=next_number, updated_at=stamp))

    def reserve(self, doc: NewDocument, *, organ: str, date: dt.date | None = None,
                series: str = DEFAULT_SERIES, backdate: bool = False) -> Record:
        """Take the next number for a document made elsewhere (lấy số bằng tay) and return its row."""
        date = date or clock.today()
        doc = NewDocument(**{**{f.name: getattr(doc, f.name) for f in fields(NewDocument)},
                             "status": STATUS_RESERVED})
        with self.write() as conn:
            backdated = self.check_date_order(conn, organ, date, series, backdate=backdate)
            number = self.next_number(conn, organ, date.year, series)
            record = self.insert(conn, doc, organ=organ, number=number, date=date, series=series,
                                 backdated=backdated)
            self.advance_counter(conn, organ, date.year, number + 1, series)
            return record

    def set_next(self, organ: str, year: int, number: int, series: str = DEFAULT_SERIES) -> int:
        """Make `number` the next number of the year; refuse to go back to or below a number in the register."""
        if number < 1:
            raise RegisterError("số tiếp theo phải từ 1 trở lên.")
        with self.write() as conn:
            highest = conn.execute(
                sa.select(sa.func.max(documents.c.number)).where(
                    documents.c.organ == organ, documents.c.year == year, documents.c.series == series)
            ).scalar()
            if highest is not None and number <= highest:
                raise RegisterError(
                    f"năm {year} đã cấp đến số {document_number(highest)}; số tiếp theo phải lớn hơn "
                    f"{document_number(highest)} (không được lùi lại, không cấp trùng số)."
                )
            first = self.next_number(conn, organ, year, series)
            chain.append_skip(conn, organ, year, series, first, number - 1, "set-next")
            self.advance_counter(conn, organ, year, number, series)
        return number

    def void(self, organ: str, year: int, number: int, reason: str,
             series: str = DEFAULT_SERIES) -> Record:
        """Mark a number as withdrawn (thu hồi): the row stays, with the reason and the time."""
        reason = nfc(reason).strip()
        if not reason:
            raise RegisterError("phải ghi lý do thu hồi (--ly-do).")
        with self.write() as conn:
            record = self._get(conn, organ, year, number, series)
            if record.voided:
                raise RegisterError(f"số {record.number_symbol} đã bị thu hồi lúc {record.voided_at}.")
            values = {"voided_at": clock.now().isoformat(), "void_reason": reason}
            conn.execute(documents.update().where(documents.c.id == record.id).values(**values))
            chain.append_change(conn, chain.VOID, record.id, values)
            return self._get(conn, organ, year, number, series)

    def mark_sent(self, organ: str, year: int, number: int, sent_date: dt.date, receipt: str = "",
                  series: str = DEFAULT_SERIES) -> Record:
        """Record when a document was handed over or sent (ngày chuyển) and who signed for it (ký nhận)."""
        with self.write() as conn:
            record = self._get(conn, organ, year, number, series)
            if record.voided:
                raise RegisterError(f"số {record.number_symbol} đã bị thu hồi, không chuyển đi được.")
            if sent_date < record.issued_date:
                raise RegisterError(f"ngày chuyển {sent_date:%d/%m/%Y} trước ngày văn bản "
                                    f"{record.issued_date:%d/%m/%Y} của số {record.number_symbol}.")
            values = {"sent_date": sent_date, "receipt": nfc(receipt).strip() or None}
            check_lengths(values, f"số {record.number_symbol}")
            conn.execute(documents.update().where(documents.c.id == record.id).values(**values))
            chain.append_change(conn, chain.SEND, record.id, values)
            return self._get(conn, organ, year, number, series)

    # -- queries --

    def _get(self, conn: Connection, organ: str, year: int, number: int, series: str) -> Record:
        row = conn.execute(sa.select(documents).where(
            documents.c.organ == organ, documents.c.year == year, documents.c.series == series,
            documents.c.number == number)).first()
        if row is None:
            raise RegisterError(
                f"không có số {document_number(number)} năm {year} (sổ '{series}') trong sổ văn bản đi.")
        return Record.from_row(row)

    def get(self, organ: str, year: int, number: int, series: str = DEFAULT_SERIES) -> Record:
        """Return one row; raise `RegisterError` when the number is not in the register."""
        with self.read() as conn:
            return self._get(conn, organ, year, number, series)

    def records(self, *, organ: str | None = None, year: int | None = None, unit: str | None = None,
                text: str | None = None, series: str | None = None) -> list[Record]:
        """Return rows in register order; `unit` and `text` match case-insensitively (Vietnamese aware)."""
        query = sa.select(documents)
        if organ is not None:
            query = query.where(documents.c.organ == organ)
        if year is not None:
            query = query.where(documents.c.year == year)
        if series is not None:
            query = query.where(documents.c.series == series)
        query = query.order_by(documents.c.organ, documents.c.year, documents.c.series, documents.c.number)
        with self.read() as conn:
            rows = [Record.from_row(row) for row in conn.execute(query)]
        if unit:
            wanted = fold(unit)
            rows = [r for r in rows if r.unit and wanted in fold(r.unit)]
        if text:
            wanted = fold(text)
            rows = [r for r in rows if wanted in fold(" ".join(
                (r.number_symbol, r.type_name, r.subject, r.unit or "", r.signer_info, r.note,
                 " ".join(r.recipients), r.void_reason or "")))]
        return rows

    def batch_records(self, conn: Connection, batch_id: str) -> dict[int, Record]:
        """Return the rows already issued from a draft batch, by letter index."""
        rows = conn.execute(sa.select(documents).where(documents.c.batch_id == batch_id))
        return {row.letter_index: Record.from_row(row) for row in rows}

    def registered_files(self, conn: Connection) -> dict[str, str | None]:
        """Return every file path of the register (relative to the output folder) with its SHA-256."""
        query = sa.select(documents.c.file_path, documents.c.sha256).where(documents.c.file_path.isnot(None))
        return {row.file_path: row.sha256 for row in conn.execute(query)}

    # -- audit --

    def verify(self, output_dir: Path, *, organ: str | None = None, year: int | None = None) -> VerifyReport:
        """Recompute the chain, check numbers and files against it (see `congvan.register.audit`)."""
        with self.read() as conn:
            return verify_register(conn, Path(output_dir), organ=organ, year=year)


def _row_values(doc: NewDocument, organ: str, number: int, date: dt.date, series: str, backdated: bool,
                stamp: str) -> dict[str, Any]:
    """Return the columns of a new row (all but its id and chain hash); refuse a value longer than its column."""
    values = {
        "organ": organ, "year": date.year, "series": series, "number": number,
        "code_number": document_number(number), "code_notation": doc.code_notation,
        "status": doc.status, "issued_date": date, "type_name": doc.type_name, "subject": nfc(doc.subject),
        "organ_name": doc.organ_name, "language": doc.language, "page_amount": doc.page_amount,
        "signer_authority": doc.signer_authority, "signer_position": doc.signer_position,
        "signer_name": doc.signer_name,
        "recipients": json.dumps(list(doc.recipients), ensure_ascii=False),
        "distribution": json.dumps(list(doc.distribution), ensure_ascii=False),
        "archive_copy": doc.archive_copy, "priority": doc.priority, "issued_amount": doc.issued_amount,
        "due_date": doc.due_date, "sent_date": None, "receipt": None, "note": doc.note,
        "batch_id": doc.batch_id, "letter_index": doc.letter_index, "unit": doc.unit,
        "file_path": doc.file_path, "sha256": doc.sha256, "template_sha256": doc.template_sha256,
        "draft_sha256": doc.draft_sha256, "context_json": doc.context_json, "tool_version": __version__,
        "created_at": stamp, "voided_at": None, "void_reason": None,
        "backdated": backdated,
    }
    check_lengths(values, _who(values))
    return values


def _who(values: dict[str, Any]) -> str:
    return f"văn bản gửi {values['unit']}" if values["unit"] else f"văn bản \"{values['subject'][:60]}\""


def _insert_row(conn: Connection, row: dict[str, Any]) -> None:
    """Insert one row alone (to name the row the database refuses)."""
    try:
        with conn.begin_nested():
            conn.execute(documents.insert(), row)
    except sa.exc.IntegrityError as err:
        raise RegisterError(
            f"số {row['code_number']}/{row['code_notation']} năm {row['year']} đã có trong sổ ({err.orig})."
        ) from err
    except sa.exc.DataError as err:  # a value the database refuses: say so without the row's whole content
        raise RegisterError(f"{_who(row)}: cơ sở dữ liệu sổ không nhận một giá trị ({str(err.orig).splitlines()[0]})."
                            " Sổ chưa ghi gì.") from None
