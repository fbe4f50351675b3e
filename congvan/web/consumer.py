"""The Huey consumer of a workspace, run as a child process of `congvan web` (Huey's consumer needs the main
thread for its signal handlers): `python -m congvan.web.consumer WORKSPACE`."""

from __future__ import annotations

import sys
from pathlib import Path

from congvan.web.jobs import make_queue


def main(argv: list[str]) -> None:
    make_queue(Path(argv[0])).huey.create_consumer(workers=1, worker_type="thread").run()


if __name__ == "__main__":
    main(sys.argv[1:])
