"""SQLAlchemy engines for a register URL: psycopg 3 for PostgreSQL; SQLite in WAL mode, `synchronous=FULL`,
every write transaction a `BEGIN IMMEDIATE` (one writer at a time across processes), and the tone-mark-blind
`congvan_plain()` function the register search uses."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from congvan.errors import RegisterError
from congvan.register.search import PLAIN_FUNCTION, plain


def normalize_url(url: str) -> sa.URL:
    """Return the SQLAlchemy URL for a register: `postgresql://` uses psycopg 3; SQLite folders are created."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as err:
        raise RegisterError(f"địa chỉ sổ văn bản không hợp lệ: {url!r} ({err}).") from err
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return parsed
    raise RegisterError(f"sổ văn bản chỉ hỗ trợ SQLite hoặc PostgreSQL, không hỗ trợ '{backend}' ({url}).")


def _set_wal(cursor: Any, tries: int = 100) -> None:
    """Put the database in WAL mode. Processes opening a new register at the same moment can get "database is
    locked" here without SQLite's busy handler being called (the switch needs the file to itself): wait and
    try again."""
    for attempt in range(tries):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def make_engine(url: str) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": 120}, poolclass=sa.pool.NullPool)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            dbapi_connection.create_function(PLAIN_FUNCTION, 1, plain, deterministic=True)  # register desk search
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 120000")
            _set_wal(cursor)
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("congvan_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, poolclass=sa.pool.NullPool)
