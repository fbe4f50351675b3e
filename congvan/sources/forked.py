"""Run a few independent reads at once: all but the first in forked processes, handed back in order.

Used for the tables of a large results workbook: each sheet is read (cells, units, scores, warnings) by its
own process on its own core. What the caller sees is what a loop over the tasks would give: the results in
order, and, when tasks fail, the exception of the first failing one in order (a later task's error is never
raised before an earlier one's). The exception raised in a child is pickled back as it was raised; its
traceback comes with it as the cause. A child that dies without answering (killed, out of memory) is an
error naming the process. Children still running when the caller stops are killed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Generator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from congvan.errors import CongvanError

T = TypeVar("T")


def can_fork() -> bool:
    """Return True when this process may fork to read: the platform forks and no other thread is running
    (a fork copies another thread's locks held, as in a web server; there the reads stay in-process)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class ChildFailed(CongvanError):
    """Raised when a forked reading process ended without handing back its result."""


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
