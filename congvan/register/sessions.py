"""Server-side sessions of `congvan web` in the register database, so that every server of an office (and a
restarted one) knows them. Keys are random session ids; data is opaque bytes; expiry is seconds since the epoch."""

from __future__ import annotations

import time

import sqlalchemy as sa

from congvan.register.schema import sessions
from congvan.register.store import Register


def put(register: Register, key: str, data: bytes, expires_at: float | None) -> None:
    with register.write() as conn:
        conn.execute(sessions.delete().where(sessions.c.key == key))
        conn.execute(sessions.insert().values(key=key, data=data, expires_at=expires_at))


def fetch(register: Register, key: str, renew_for: float | None = None) -> tuple[bytes, float | None] | None:
    """Return the session's data and expiry, None when missing or expired; `renew_for` seconds push the expiry on."""
    now = time.time()
    with register.read() as conn:
        row = conn.execute(sa.select(sessions.c.data, sessions.c.expires_at).where(sessions.c.key == key)).first()
    if row is None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        remove(register, key)
        return None
    expires_at = row.expires_at
    if renew_for and expires_at is not None:
        expires_at = now + renew_for
        with register.write() as conn:
            conn.execute(sessions.update().where(sessions.c.key == key).values(expires_at=expires_at))
    return bytes(row.data), expires_at


def remove(register: Register, key: str) -> None:
    with register.write() as conn:
        conn.execute(sessions.delete().where(sessions.c.key == key))


def remove_all(register: Register) -> None:
    """Delete every session (everyone signs in again)."""
    with register.write() as conn:
        conn.execute(sessions.delete())


def remove_expired(register: Register) -> int:
    """Delete the expired sessions; return how many."""
    with register.write() as conn:
        return conn.execute(sessions.delete().where(sessions.c.expires_at <= time.time())).rowcount
