"""The register's database schema and its ordered migrations (`schema_version` holds how many ran)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from congvan.errors import RegisterError

# -- column limits --

# The length of every text column of `documents` (characters; PostgreSQL enforces them, SQLite does not):
# `check_lengths` refuses a longer value before the insert, naming the unit and the field.
LIMITS = {
    "organ": 30,
    "series": 30,
    "code_number": 11,
    "code_notation": 30,
    "status": 10,
    "type_name": 100,
    "subject": 500,
    "organ_name": 200,
    "language": 30,
    "signer_authority": 100,
    "signer_position": 100,
    "signer_name": 50,
    "archive_copy": 200,
    "receipt": 200,
    "batch_id": 64,
    "unit": 200,
    "file_path": 500,
    "sha256": 64,
    "template_sha256": 64,
    "draft_sha256": 64,
    "tool_version": 40,
    "created_at": 40,
    "voided_at": 40,
}
LABELS = {
    "organ": ("chữ viết tắt tên cơ quan", "[co_quan] viet_tat của congvan.toml"),
    "series": ("tên sổ", "--series"),
    "code_notation": ("ký hiệu văn bản", "[co_quan] viet_tat và don_vi_soan_thao của congvan.toml"),
    "type_name": ("tên loại văn bản", "--loai"),
    "subject": ("trích yếu", "[van_ban] trich_yeu của congvan.toml hoặc --trich-yeu"),
    "organ_name": ("tên cơ quan ban hành", "[co_quan] ten của congvan.toml"),
    "signer_authority": ("quyền hạn ký", "[nguoi_ky] quyen_han của congvan.toml"),
    "signer_position": ("chức vụ người ký", "[nguoi_ky] chuc_vu của congvan.toml"),
    "signer_name": ("họ tên người ký", "[nguoi_ky] ho_ten của congvan.toml hoặc --nguoi-ky"),
    "archive_copy": ("dòng lưu", "[nguoi_nhan] luu của congvan.toml"),
    "receipt": ("ký nhận", "--ky-nhan"),
    "unit": ("tên đơn vị", "tên đơn vị trong tệp kết quả"),
    "file_path": ("tên tệp", "tên đơn vị trong tệp kết quả"),
}


def check_lengths(values: Mapping[str, Any], who: str) -> None:
    """Raise `RegisterError` naming `who` and every field longer than its column allows."""
    problems = [
        f"{LABELS.get(name, (name, ''))[0]} dài {len(values[name])} ký tự, sổ chỉ giữ tối đa {limit}"
        + (f" (rút gọn {LABELS[name][1]})" if name in LABELS else "")
        for name, limit in LIMITS.items()
        if isinstance(values.get(name), str) and len(values[name]) > limit
    ]
    if problems:
        raise RegisterError(f"{who}: " + "; ".join(problems) + ". Sổ chưa ghi gì; sửa rồi chạy lại.")


# -- schema and migrations --


def _migration_1(conn: Connection) -> None:
    """Create the register: documents (Phụ lục IV + VI + audit columns), counters."""
    meta = sa.MetaData()
    sa.Table(
        "documents", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organ", sa.String(LIMITS["organ"]), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("series", sa.String(LIMITS["series"]), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("code_number", sa.String(LIMITS["code_number"]), nullable=False),
        sa.Column("code_notation", sa.String(LIMITS["code_notation"]), nullable=False),
        sa.Column("status", sa.String(LIMITS["status"]), nullable=False),
        sa.Column("issued_date", sa.Date, nullable=False),
        sa.Column("type_name", sa.String(LIMITS["type_name"]), nullable=False),
        sa.Column("subject", sa.String(LIMITS["subject"]), nullable=False),
        sa.Column("organ_name", sa.String(LIMITS["organ_name"]), nullable=False),
        sa.Column("language", sa.String(LIMITS["language"]), nullable=False),
        sa.Column("page_amount", sa.Integer),
        sa.Column("signer_authority", sa.String(LIMITS["signer_authority"]), nullable=False),
        sa.Column("signer_position", sa.String(LIMITS["signer_position"]), nullable=False),
        sa.Column("signer_name", sa.String(LIMITS["signer_name"]), nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.Column("archive_copy", sa.String(LIMITS["archive_copy"]), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("issued_amount", sa.Integer),
        sa.Column("due_date", sa.Date),
        sa.Column("sent_date", sa.Date),
        sa.Column("receipt", sa.String(LIMITS["receipt"])),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("batch_id", sa.String(LIMITS["batch_id"])),
        sa.Column("letter_index", sa.Integer),
        sa.Column("unit", sa.String(LIMITS["unit"])),
        sa.Column("file_path", sa.String(LIMITS["file_path"])),
        sa.Column("sha256", sa.String(LIMITS["sha256"])),
        sa.Column("template_sha256", sa.String(LIMITS["template_sha256"])),
        sa.Column("draft_sha256", sa.String(LIMITS["draft_sha256"])),
        sa.Column("context_json", sa.Text),
        sa.Column("tool_version", sa.String(LIMITS["tool_version"]), nullable=False),
        sa.Column("created_at", sa.String(LIMITS["created_at"]), nullable=False),
        sa.Column("voided_at", sa.String(LIMITS["voided_at"])),
        sa.Column("void_reason", sa.Text),
        sa.UniqueConstraint("organ", "year", "series", "number", name="uq_documents_number"),
        sa.UniqueConstraint("batch_id", "letter_index", name="uq_documents_draft"),
    )
    sa.Table(
        "counters", meta,
        sa.Column("organ", sa.String(30), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("series", sa.String(30), primary_key=True),
        sa.Column("next_number", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    meta.create_all(conn)


def _migration_2(conn: Connection) -> None:
    """Index the columns `register list` filters on, and file paths for `verify` and issuing."""
    conn.execute(sa.text("CREATE INDEX ix_documents_year_unit ON documents (year, unit)"))
    conn.execute(sa.text("CREATE INDEX ix_documents_file_path ON documents (file_path)"))


def _migration_3(conn: Connection) -> None:
    """Chain the register: an events table, each row's chain hash and back-date mark; chain the rows there are."""
    conn.execute(sa.text("ALTER TABLE documents ADD COLUMN chain_hash VARCHAR(64)"))
    conn.execute(sa.text("ALTER TABLE documents ADD COLUMN backdated BOOLEAN"))
    meta = sa.MetaData()
    sa.Table(
        "register_events", meta,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("document_id", sa.Integer),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    meta.create_all(conn)
    from congvan.register.chain import chain_existing  # chain uses the tables defined below

    chain_existing(conn)


def _migration_4(conn: Connection) -> None:
    """Accounts, sessions and the journal of `congvan web`: users with their roles and argon2 hashes, server-side
    sessions (shared by every server of an office), who did what when."""
    meta = sa.MetaData()
    sa.Table(
        "web_users", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(60), nullable=False, unique=True),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),  # role codes separated by commas
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "web_sessions", meta,
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", sa.Float),  # seconds since the epoch; NULL: never
    )
    sa.Table(
        "web_journal", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("batch_id", sa.String(LIMITS["batch_id"])),
        sa.Column("number", sa.String(60)),
    )
    meta.create_all(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_migration_1, _migration_2, _migration_3, _migration_4]

_meta = sa.MetaData()
schema_version = sa.Table(
    "schema_version", _meta,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
    sa.Column("tool_version", sa.String(40), nullable=False),
)
documents = sa.Table("documents", _meta)
counters = sa.Table("counters", _meta)
events = sa.Table(
    "register_events", _meta,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String), sa.Column("document_id", sa.Integer), sa.Column("payload", sa.Text),
    sa.Column("prev_hash", sa.String), sa.Column("hash", sa.String), sa.Column("created_at", sa.String),
)
users = sa.Table(
    "web_users", _meta,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("username", sa.String),
    sa.Column("full_name", sa.String), sa.Column("roles", sa.String), sa.Column("password_hash", sa.String),
    sa.Column("active", sa.Boolean), sa.Column("created_at", sa.String),
)
sessions = sa.Table(
    "web_sessions", _meta,
    sa.Column("key", sa.String, primary_key=True), sa.Column("data", sa.LargeBinary),
    sa.Column("expires_at", sa.Float),
)
journal = sa.Table(
    "web_journal", _meta,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", sa.String), sa.Column("username", sa.String),
    sa.Column("action", sa.String), sa.Column("detail", sa.Text), sa.Column("batch_id", sa.String),
    sa.Column("number", sa.String),
)


def _reflect_columns() -> None:
    # The query-side table objects mirror the schema after every migration (kept by hand, tested).
    cols = {
        "id": sa.Integer, "organ": sa.String, "year": sa.Integer, "series": sa.String, "number": sa.Integer,
        "code_number": sa.String, "code_notation": sa.String, "status": sa.String, "issued_date": sa.Date,
        "type_name": sa.String, "subject": sa.String, "organ_name": sa.String, "language": sa.String,
        "page_amount": sa.Integer, "signer_authority": sa.String, "signer_position": sa.String,
        "signer_name": sa.String, "recipients": sa.Text, "distribution": sa.Text, "archive_copy": sa.String,
        "priority": sa.Integer, "issued_amount": sa.Integer, "due_date": sa.Date, "sent_date": sa.Date,
        "receipt": sa.String, "note": sa.Text, "batch_id": sa.String, "letter_index": sa.Integer,
        "unit": sa.String, "file_path": sa.String, "sha256": sa.String, "template_sha256": sa.String,
        "draft_sha256": sa.String, "context_json": sa.Text, "tool_version": sa.String,
        "created_at": sa.String, "voided_at": sa.String, "void_reason": sa.Text,
        "chain_hash": sa.String, "backdated": sa.Boolean,
    }
    for name, type_ in cols.items():
        documents.append_column(sa.Column(name, type_, primary_key=name == "id"))
    for name, type_ in {"organ": sa.String, "year": sa.Integer, "series": sa.String,
                        "next_number": sa.Integer, "updated_at": sa.String}.items():
        counters.append_column(sa.Column(name, type_, primary_key=name in ("organ", "year", "series")))


_reflect_columns()


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


MOVED_TABLE = "register_moved"  # made in a register copied elsewhere by `register move`


def moved_to(conn: Connection) -> Any:
    """Return the (target, moved_at) row of a register that was moved, else None."""
    if not sa.inspect(conn).has_table(MOVED_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT target, moved_at FROM {MOVED_TABLE}")).first()
