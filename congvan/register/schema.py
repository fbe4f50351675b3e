"""The register's database schema and its ordered migrations (`schema_version` holds how many ran)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# -- schema and migrations --


def _migration_1(conn: Connection) -> None:
    """Create the register: documents (Phụ lục IV + VI + audit columns), counters."""
    meta = sa.MetaData()
    sa.Table(
        "documents", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organ", sa.String(30), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("series", sa.String(30), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("code_number", sa.String(11), nullable=False),
        sa.Column("code_notation", sa.String(30), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("issued_date", sa.Date, nullable=False),
        sa.Column("type_name", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("organ_name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(30), nullable=False),
        sa.Column("page_amount", sa.Integer),
        sa.Column("signer_authority", sa.String(100), nullable=False),
        sa.Column("signer_position", sa.String(100), nullable=False),
        sa.Column("signer_name", sa.String(50), nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.Column("archive_copy", sa.String(200), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("issued_amount", sa.Integer),
        sa.Column("due_date", sa.Date),
        sa.Column("sent_date", sa.Date),
        sa.Column("receipt", sa.String(200)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("batch_id", sa.String(64)),
        sa.Column("letter_index", sa.Integer),
        sa.Column("unit", sa.String(200)),
        sa.Column("file_path", sa.String(500)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("template_sha256", sa.String(64)),
        sa.Column("draft_sha256", sa.String(64)),
        sa.Column("context_json", sa.Text),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("voided_at", sa.String(40)),
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


MIGRATIONS: list[Callable[[Connection], None]] = [_migration_1, _migration_2, _migration_3]

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
