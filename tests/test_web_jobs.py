"""`congvan web`'s jobs: the consumer child is started again when it dies, and a job it was running is marked
failed with why, never left "running"."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from congvan.web import jobs
from congvan.web.server import Consumer
from congvan.web.state import WebPaths, write_json


def _running_job(root: Path, worker: str) -> str:
    job_id = jobs.new_job(root, "build", "chuyenvien")
    path = WebPaths(root).jobs / f"{job_id}.json"
    write_json(path, jobs.job_state(root, job_id) | {"status": jobs.RUNNING, "worker": worker})
    return job_id


def test_a_job_of_an_ended_consumer_is_marked_failed_and_a_live_ones_is_not(workspace):
    WebPaths(workspace).prepare()
    host = socket.gethostname()
    ended = _running_job(workspace, f"{host}:{2**22 + 12345}")  # above pid_max: no such process
    alive = _running_job(workspace, f"{host}:{os.getpid()}")
    elsewhere = _running_job(workspace, f"may-khac:{2**22 + 12345}")  # another machine's: not ours to judge
    assert jobs.abandon_running(workspace) == 1
    failed = jobs.job_state(workspace, ended)
    assert failed["status"] == jobs.FAILED and "dừng giữa chừng" in failed["error"]
    assert jobs.job_state(workspace, alive)["status"] == jobs.RUNNING
    assert jobs.job_state(workspace, elsewhere)["status"] == jobs.RUNNING


def test_the_consumer_is_started_again_when_it_dies(workspace):
    WebPaths(workspace).prepare()
    said: list[str] = []
    consumer = Consumer(workspace, said.append, check_every=0.2)
    try:
        first = consumer.child.pid
        job = _running_job(workspace, f"{socket.gethostname()}:{first}")
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while consumer.child.pid == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert consumer.child.pid != first and consumer.child.poll() is None
        assert said and "khởi động lại" in said[0]
        assert jobs.job_state(workspace, job)["status"] == jobs.FAILED
    finally:
        consumer.stop()
    assert consumer.child.poll() is not None
