"""`register init-postgres`: make an office's shared register on a PostgreSQL server (docs/office.md).

With an administrator's URL it creates (or keeps, when they exist) a login role for the clerks, a
database owned by it and a schema in it that is the role's search path, then creates the register's
tables as that role. The clerks' URL is then `postgresql://<role>@<server>:<port>/<database>`, with the
password in each machine's ~/.pgpass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from congvan.errors import DatabaseUnavailable, RegisterError, UsageError
from congvan.register.engine import normalize_url
from congvan.register.schema import MIGRATIONS
from congvan.register.store import Register

NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class PostgresSetup:
    """What to create: the role (and its password), the database and the schema."""

    admin_url: str
    role: str = "vanthu"
    password: str = ""
    database: str = "congvan"
    schema: str = "congvan"


@dataclass
class SetupResult:
    """The clerks' URL (no password), what was created and what already existed."""

    url: str
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    schema_version: int = 0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def init_postgres(setup: PostgresSetup) -> SetupResult:
    """Create the role, database, schema and tables; idempotent (what exists is kept, tables are migrated)."""
    for what, name in (("--role", setup.role), ("--database", setup.database), ("--schema", setup.schema)):
        if not NAME_RE.fullmatch(name):
            raise UsageError(f"{what} '{name}': chỉ dùng chữ thường không dấu, chữ số và dấu _ (ví dụ congvan).")
    admin = normalize_url(setup.admin_url)
    if admin.get_backend_name() != "postgresql":
        raise UsageError(f"--admin phải là địa chỉ postgresql://, đang là {setup.admin_url}.")
    clerk = admin.set(username=setup.role, password=setup.password or None, database=setup.database)
    shown = sa.URL.create("postgresql", username=setup.role, host=admin.host, port=admin.port, database=setup.database)
    result = SetupResult(shown.render_as_string())
    _as_admin(admin, setup, result)
    _as_admin(admin.set(database=setup.database), setup, result, in_database=True)
    with Register(clerk.render_as_string(hide_password=False)) as register:
        result.schema_version = register.schema_version()
    if result.schema_version != len(MIGRATIONS):
        raise RegisterError(f"sổ ở {result.url} có lược đồ {result.schema_version}, cần {len(MIGRATIONS)}.")
    return result


def _as_admin(url: sa.URL, setup: PostgresSetup, result: SetupResult, *, in_database: bool = False) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if in_database:
                _schema(conn, setup, result)
            else:
                _role_and_database(conn, setup, result)
    except sa.exc.OperationalError as err:
        raise DatabaseUnavailable(f"không kết nối được PostgreSQL {url.render_as_string(hide_password=True)} "
                                  f"bằng tài khoản quản trị: {str(err.orig).strip()}") from None
    finally:
        engine.dispose()


def _role_and_database(conn: sa.Connection, setup: PostgresSetup, result: SetupResult) -> None:
    password = f" PASSWORD {_literal(setup.password)}" if setup.password else ""
    if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": setup.role}).first():
        conn.execute(sa.text(f"ALTER ROLE {setup.role} LOGIN{password}"))
        result.kept.append(f"vai trò {setup.role}" + (" (đã đặt mật khẩu mới)" if password else ""))
    else:
        conn.execute(sa.text(f"CREATE ROLE {setup.role} LOGIN{password}"))
        result.created.append(f"vai trò {setup.role}")
    if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": setup.database}).first():
        result.kept.append(f"cơ sở dữ liệu {setup.database}")
    else:
        conn.execute(sa.text(f"CREATE DATABASE {setup.database} OWNER {setup.role} ENCODING 'UTF8' TEMPLATE template0"))
        result.created.append(f"cơ sở dữ liệu {setup.database}")


def _schema(conn: sa.Connection, setup: PostgresSetup, result: SetupResult) -> None:
    exists = conn.execute(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": setup.schema}).first()
    conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {setup.schema} AUTHORIZATION {setup.role}"))
    (result.kept if exists else result.created).append(f"lược đồ {setup.schema}")
    conn.execute(sa.text(f"REVOKE ALL ON DATABASE {setup.database} FROM PUBLIC"))
    conn.execute(sa.text(f"GRANT CONNECT, TEMPORARY ON DATABASE {setup.database} TO {setup.role}"))
    conn.execute(sa.text(f"ALTER ROLE {setup.role} IN DATABASE {setup.database} SET search_path = {setup.schema}"))
