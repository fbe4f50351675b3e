"""The Huey consumer of a workspace: `congvan web worker` on any machine of an office, or the child process of
`congvan web` (Huey's consumer needs the main thread for its signal handlers): `python -m congvan.web.consumer
WORKSPACE`."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path

from congvan.web.jobs import abandon_running, make_queue, queue_place


def run_consumer(root: Path, workers: int = 1, announce: Callable[[str], None] | None = None, *,
                 check: bool = False) -> None:
    """Take jobs from the workspace's queue with `workers` threads until SIGINT/SIGTERM (SIGINT: the running jobs
    finish first). Jobs a consumer of this machine left running when it ended are marked failed first.

    With `check`, open the queue (connect, create its tables) and return.
    """
    root = Path(root).resolve()
    queue = make_queue(root)
    say = announce or (lambda text: None)
    if check:
        say(f"Sẵn sàng nhận việc nền của {root} từ {queue_place(queue)}.")
        return
    abandoned = abandon_running(root)
    if abandoned:
        say(f"{abandoned} việc đang chạy dở của một tiến trình đã dừng được ghi là không thành công.")
    say(f"congvan web worker ({socket.gethostname()}): {workers} luồng nhận việc nền của {root} từ "
        f"{queue_place(queue)}. Dừng: Ctrl+C (việc đang chạy được làm xong).")
    queue.huey.create_consumer(workers=workers, worker_type="thread").run()


if __name__ == "__main__":
    run_consumer(Path(sys.argv[1]))
