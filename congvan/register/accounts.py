"""The accounts of `congvan web` in the register database: user names, roles and password hashes.

The hash is made by the caller (argon2 in `congvan.web.auth`); nothing here sees a password.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from congvan import clock
from congvan.errors import UsageError
from congvan.register.schema import users
from congvan.register.store import Register
from congvan.vn import nfc


@dataclass(frozen=True)
class Account:
    """One user of the web application."""

    id: int
    username: str
    full_name: str
    roles: tuple[str, ...]
    password_hash: str
    active: bool


def _account(row: sa.Row) -> Account:
    return Account(row.id, row.username, row.full_name, tuple(r for r in row.roles.split(",") if r),
                   row.password_hash, bool(row.active))


def normalize_username(name: str) -> str:
    """Return the user name as stored: NFC, trimmed, lower case."""
    return nfc(name).strip().lower()


def count_accounts(register: Register) -> int:
    with register.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar() or 0)


def find_account(register: Register, username: str) -> Account | None:
    with register.read() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == normalize_username(username))).first()
    return _account(row) if row is not None else None


def list_accounts(register: Register) -> list[Account]:
    with register.read() as conn:
        return [_account(row) for row in conn.execute(sa.select(users).order_by(users.c.username))]


def add_account(register: Register, username: str, full_name: str, roles: tuple[str, ...], password_hash: str,
                *, only_if_none: bool = False) -> Account:
    """Create an account; refuse a name that exists (and, with `only_if_none`, any account when one exists)."""
    name = normalize_username(username)
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise UsageError(f"tên đăng nhập '{username}' không hợp lệ: chỉ dùng chữ, số, dấu chấm, gạch dưới, gạch ngang.")
    with register.write() as conn:
        if only_if_none and conn.execute(sa.select(sa.func.count()).select_from(users)).scalar():
            raise UsageError("đã có tài khoản quản trị; liên kết cài đặt chỉ dùng được một lần.")
        if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first() is not None:
            raise UsageError(f"tên đăng nhập '{name}' đã có; chọn tên khác.")
        new_id = conn.execute(users.insert().values(
            username=name, full_name=nfc(full_name).strip(), roles=",".join(roles), password_hash=password_hash,
            active=True, created_at=clock.now().isoformat(timespec="seconds"))).inserted_primary_key
    return Account(int(new_id[0]) if new_id else 0, name, nfc(full_name).strip(), roles, password_hash, True)


def set_password_hash(register: Register, username: str, password_hash: str) -> None:
    """Replace a user's hash (argon2 parameters raised since the hash was made)."""
    with register.write() as conn:
        conn.execute(users.update().where(users.c.username == normalize_username(username))
                     .values(password_hash=password_hash))
