"""A Litestar `Store` of sessions in the register database (`congvan.register.sessions`), shared by every
server of an office; the database work runs in a worker thread."""

from __future__ import annotations

import time
from datetime import timedelta
from functools import partial

import anyio.to_thread
from litestar.stores.base import Store

from congvan.register import sessions
from congvan.register.store import Register


def _seconds(value: int | timedelta | None) -> float | None:
    return value.total_seconds() if isinstance(value, timedelta) else value


class RegisterStore(Store):
    """Sessions kept in the `web_sessions` table of the register at `url` (one engine for the app's life)."""

    def __init__(self, url: str) -> None:
        self._register = Register(url)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        expires_at = time.time() + seconds if seconds else None
        await anyio.to_thread.run_sync(partial(sessions.put, self._register, key, data, expires_at))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await anyio.to_thread.run_sync(partial(sessions.fetch, self._register, key, _seconds(renew_for)))
        return found[0] if found else None

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(partial(sessions.remove, self._register, key))

    async def delete_all(self) -> None:
        await anyio.to_thread.run_sync(partial(sessions.remove_all, self._register))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        found = await anyio.to_thread.run_sync(partial(sessions.fetch, self._register, key))
        if found is None or found[1] is None:
            return None
        return int(found[1] - time.time())

    def close(self) -> None:
        self._register.close()
