"""Run a call in a forked process that inherits this process's objects: only the call's result is pickled back.

`congvan build` uses it twice: reading the results (a read makes and drops millions of small objects, and the
memory they leave scattered would stay with the parent and every process forked from it afterwards), and writing
the summaries beside the letters. An exception the call raises is raised again here, the same class and message.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import count
from typing import Any, TypeVar

T = TypeVar("T")
_CALLS: dict[int, Callable[[], Any]] = {}  # what a forked process runs, by key: set before the fork, inherited
_KEYS = count()


def can_fork() -> bool:
    """Whether this system starts processes by forking (Linux, not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked(call: Callable[[], T]) -> Iterator[Future[T]]:
    """Start `call` in a forked process; yield its future. On leaving, the process is waited for (an error
    in the `with` block cancels a call that has not begun)."""
    key = next(_KEYS)
    _CALLS[key] = call
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        yield executor.submit(_run, key)  # the process is forked here, with `call` in _CALLS
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        del _CALLS[key]


@contextmanager
def started() -> Iterator[ProcessPoolExecutor]:
    """Yield an executor whose one process is forked now: it holds what this process holds now, not what is
    loaded here later (calls sent to it are pickled)."""
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        executor.submit(int).result()  # forks the process
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def call_forked(call: Callable[[], T]) -> T:
    """Return `call()`, computed in a forked process."""
    with forked(call) as future:
        return future.result()


def _run(key: int) -> Any:
    return _CALLS[key]()
