"""`register move`: copy a register (an SQLite file) into an empty PostgreSQL one with its hash chain.

Rows, counters and chain events are copied as they are (ids, hashes and all), in one transaction of the
target that also runs the chain verification on the copy: the copy is committed only when it verifies
like the source. The source is then marked as moved, so no one issues into it again by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from congvan import clock
from congvan.errors import RegisterError
from congvan.register.audit import verify_register
from congvan.register.schema import MOVED_TABLE, counters, documents, events
from congvan.register.store import Register

TABLES = (documents, counters, events)


@dataclass(frozen=True)
class MoveResult:
    """What was copied, and where to."""

    target: str  # the target URL without its password
    documents: int
    events: int


def move_register(source_url: str, target_url: str, archive_dir: Path) -> MoveResult:
    """Copy the register at `source_url` into the empty register at `target_url`, verified; mark the source."""
    with Register(source_url) as source, Register(target_url) as target:
        if source.display_url == target.display_url:
            raise RegisterError(f"sổ đích {target.display_url} chính là sổ đang dùng; chỉ ra một sổ khác (--to).")
        with source.read() as conn:
            before = verify_register(conn, archive_dir).findings
            if before:
                raise RegisterError(
                    f"sổ {source.display_url} có {len(before)} lỗi (đầu tiên: {before[0].kind} {before[0].text}); "
                    "chạy `congvan register verify`, xử lý xong rồi mới chuyển sổ.")
            rows = {table.name: [dict(row._mapping) for row in conn.execute(sa.select(table))] for table in TABLES}
        with target.write() as conn:
            held = {table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0
                    for table in TABLES}
            if any(held.values()):
                raise RegisterError(
                    f"sổ đích {target.display_url} đã có dữ liệu ({held['documents']} văn bản, "
                    f"{held['register_events']} sự kiện): chỉ chuyển vào một sổ trống, không gộp hai sổ.")
            for table in TABLES:
                if rows[table.name]:
                    conn.execute(table.insert(), rows[table.name])
            if target.dialect == "postgresql" and rows["documents"]:
                conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('documents', 'id'), "
                                     "(SELECT max(id) FROM documents))"))
            after = verify_register(conn, archive_dir).findings
            if after:
                raise RegisterError(f"bản chép ở {target.display_url} không khớp chuỗi băm ({after[0].kind} "
                                    f"{after[0].text}); đã hủy, sổ đích vẫn trống.")
        with source.write() as conn:
            conn.execute(sa.text(f"CREATE TABLE {MOVED_TABLE} (target VARCHAR(500), moved_at VARCHAR(40))"))
            conn.execute(sa.text(f"INSERT INTO {MOVED_TABLE} VALUES (:target, :at)"),
                         {"target": target.display_url, "at": clock.now().isoformat()})
        return MoveResult(target.display_url, len(rows["documents"]), len(rows["register_events"]))
