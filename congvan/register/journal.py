"""The journal of `congvan web` in the register database: who did what, when, on which batch or number.

(`register/audit.py` is the register's chain verifier; this is the log of people's actions.)
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from congvan import clock
from congvan.register.schema import journal
from congvan.register.store import Register


@dataclass(frozen=True)
class Entry:
    """One action of one person."""

    at: str
    username: str
    action: str
    detail: str
    batch_id: str | None = None
    number: str | None = None


def record(register: Register, username: str, action: str, detail: str = "", *, batch_id: str | None = None,
           number: str | None = None) -> None:
    """Add an entry, stamped with Vietnam time."""
    with register.write() as conn:
        conn.execute(journal.insert().values(at=clock.now().isoformat(timespec="seconds"), username=username,
                                             action=action, detail=detail, batch_id=batch_id, number=number))


def recent(register: Register, limit: int = 200) -> list[Entry]:
    """Return the newest `limit` entries, newest first."""
    with register.read() as conn:
        rows = conn.execute(sa.select(journal).order_by(journal.c.id.desc()).limit(limit))
        return [Entry(r.at, r.username, r.action, r.detail, r.batch_id, r.number) for r in rows]
