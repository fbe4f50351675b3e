"""Work in forked processes that inherit this process's objects: nothing is pickled but arguments sent later,
results and exceptions.

- `run_in_order`: a few independent reads at once (the sheets of a large results workbook, last year's results),
  all but the first in forked processes, handed back in order: what a loop over the tasks would give, the first
  failing task's exception (never a later one's first), its traceback as the cause; a child that dies without
  answering is an error naming the process; children still running when the caller stops are killed.
- `call_forked` / `forked`: one call in a forked process, its result pickled back, its exception raised again
  (the build reads large results apart so that the memory a read leaves scattered is not inherited; the
  summaries are written beside the letters).
- `started`: a process forked now, sent calls later: it holds what this process holds now, not what is loaded
  here afterwards (the report's charts drawn apart from pandas).
- `Workers`: a function mapped over many items in forked workers (issuing a large batch), results in input order,
  a bounded number in flight; the function is inherited, never pickled (items and results are); each worker
  dies with its parent (Linux: PR_SET_PDEATHSIG), so a killed run leaves no process behind. Where `fork` is
  missing, or with one worker, the items are mapped in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import count, islice
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from congvan.errors import CongvanError, EnvironmentMissing

T = TypeVar("T")


def can_fork() -> bool:
    """Return True when this process may fork: the platform forks and no other thread is running (a fork copies
    another thread's locks held, as in a web server; there the work stays in-process)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class ChildFailed(CongvanError):
    """Raised when a forked process ended without handing back its result."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a forked process, shown as that exception's cause."""

    def __str__(self) -> str:
        return str(self.args[0])


def run_in_order(tasks: Sequence[Callable[[], T]]) -> Generator[T, None, None]:
    """Run `tasks[0]` here and the others each in a forked process; yield their results in order."""
    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    try:
        for task in tasks[1:]:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(task, sender))
            process.start()
            sender.close()
            children.append((process, receiver))
        yield tasks[0]()
        for process, receiver in children:
            yield _result(process, receiver)
    finally:
        for process, receiver in children:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()


def _result(process: Any, receiver: Connection) -> Any:
    try:
        ok, value, remote = receiver.recv()
    except EOFError:
        process.join()
        raise ChildFailed(f"tiến trình đọc số liệu (pid {process.pid}) dừng bất thường (mã {process.exitcode}), "
                          "có thể do thiếu bộ nhớ; chạy lại lệnh.") from None
    if not ok:
        raise value from RemoteTraceback(remote)
    return value


def _child(task: Callable[[], Any], sender: Connection) -> None:
    try:
        outcome: tuple[bool, Any, str] = (True, task(), "")
    except BaseException as err:  # handed to the parent, which raises it in order
        outcome = (False, err, traceback.format_exc())
    try:
        sender.send(outcome)
    except Exception as err:  # a result or exception that does not pickle
        sender.send((False, RuntimeError(f"{type(err).__name__}: {err}"), traceback.format_exc()))
    sender.close()
    os._exit(0)  # nothing of the parent's (atexit handlers, buffered files) runs again in the child


# -- one call, in a forked process --

_CALLS: dict[int, Callable[[], Any]] = {}  # what a forked process runs, by key: set before the fork, inherited
_KEYS = count()


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


# -- a function mapped over many items, in forked workers --

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
