"""Map a function over many items in forked worker processes: results in input order, a bounded number in flight.

The function (a closure or any callable) is inherited by the workers through `fork`, so it is never pickled;
items and results are. Each worker dies with its parent (Linux: PR_SET_PDEATHSIG), so a killed run leaves no
process behind. Where `fork` is missing, or with one worker, the items are mapped in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Generic, TypeVar

from congvan.errors import EnvironmentMissing

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 32  # items a worker takes at once
AHEAD = 2  # chunks queued per worker: the workers never wait for the issuer, and at most ~3 MB of letters wait

_FUNCTION: list[Callable[[Any], Any]] = []  # set in the parent just before the fork


def available_cpus() -> int:
    """Return the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers(Generic[T, R]):
    """Forked processes that each run `function`: use as a context manager, then `map` items through them.

    The processes are forked on entering, so that the caller can fork before it opens a database connection
    or starts a thread (neither may be shared with a child); with `count` 1, or no `fork`, `map` runs in the
    calling process. On leaving, the workers stop; queued items are dropped.
    """

    def __init__(self, function: Callable[[T], R], count: int) -> None:
        self.function = function
        self.count = count if "fork" in multiprocessing.get_all_start_methods() else 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers[T, R]:
        if self.count > 1:
            _FUNCTION[:] = [self.function]
            try:
                self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_die_with_parent, initargs=(os.getpid(),))
                self._pool.submit(int).result()  # the workers are forked now
            finally:
                _FUNCTION.clear()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def map(self, items: Iterable[T]) -> Iterator[R]:
        """Yield `function(item)` for each item, in order.

        An exception raised by `function` is raised here as it was raised (its class and message); a worker
        that dies (killed, out of memory) raises `EnvironmentMissing`.
        """
        pool = self._pool
        if pool is None:
            yield from map(self.function, items)
            return
        chunks = _chunks(items)
        try:
            pending: deque[Future[list[Any]]] = deque(pool.submit(_chunk, chunk)
                                                      for chunk in islice(chunks, self.count * AHEAD))
            while pending:
                results = pending.popleft().result()
                following = next(chunks, None)
                if following is not None:
                    pending.append(pool.submit(_chunk, following))
                yield from results
        except BrokenProcessPool as err:
            raise EnvironmentMissing(
                f"một tiến trình phụ đã dừng đột ngột (thường do máy hết bộ nhớ): {err}. Đóng bớt chương trình "
                "khác rồi chạy lại.") from err


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    rest = iter(items)
    while chunk := list(islice(rest, CHUNK)):
        yield chunk


def _chunk(items: list[Any]) -> list[Any]:
    function = _FUNCTION[0]
    return [function(item) for item in items]


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (a SIGKILLed run must not leave workers behind)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when it finds its queue closed
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
