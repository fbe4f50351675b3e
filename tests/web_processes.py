"""Helpers of the deployment and fault tests: `congvan web` and `congvan web worker` as real processes on
loopback, their output read line by line, job files polled, an httpx client signed in (no tests here)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from congvan.web.app import CSRF_HEADER
from congvan.web.jobs import DONE, FAILED, QUEUE_URL_ENV, job_state
from congvan.web.state import WebPaths
from tests.web_support import PASSWORD


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def office_env(register_url: str = "", queue_url: str = "") -> dict[str, str]:
    """The environment of the office's processes: the register and queue URLs (unset: SQLite in the workspace)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CONGVAN_REGISTER_URL", QUEUE_URL_ENV)}
    env["PYTHONUNBUFFERED"] = "1"
    if register_url:
        env["CONGVAN_REGISTER_URL"] = register_url
    if queue_url:
        env[QUEUE_URL_ENV] = queue_url
    return env


class Running:
    """A `congvan …` process whose output lines are collected by a thread."""

    def __init__(self, args: list[str], root: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "congvan", *args], cwd=root, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first output line matching `pattern`; fail with the output when none comes in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not any(re.search(pattern, x) for x in self.lines):
                break
            time.sleep(0.05)
        raise AssertionError(f"no line /{pattern}/ from {self.process.args}:\n" + "".join(self.lines))

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def start_server(root: Path, env: dict[str, str], port: int, *options: str) -> Running:
    server = Running(["web", "--port", str(port), *options], root, env)
    server.wait_for(r"congvan web: mở http://")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # uvicorn answers a moment after the line
        try:
            httpx.get(f"http://127.0.0.1:{port}/dang-nhap", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server does not answer:\n" + "".join(server.lines))


def start_worker(root: Path, env: dict[str, str], *options: str) -> Running:
    worker = Running(["web", "worker", *options], root, env)
    worker.wait_for(r"congvan web worker \(")
    return worker


def signed_in(base: str, username: str) -> httpx.Client:
    """An httpx client of `base` signed in as `username` (password tests.web_support.PASSWORD)."""
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"username": username, "password": PASSWORD},
                           headers=csrf_header(client))
    assert response.status_code in (302, 303), response.text
    return client


def csrf_header(client: httpx.Client) -> dict[str, str]:
    return {CSRF_HEADER: client.cookies["csrftoken"]}


def start_build(client: httpx.Client, source: str = "data/ket_qua_2025.xlsx") -> str:
    """Post the build form; return the job id the page redirects to."""
    response = client.post("/tao-van-ban/bat-dau", data={"tep": source}, headers=csrf_header(client))
    assert response.status_code in (302, 303), response.text
    return response.headers["location"].rsplit("/", 1)[1]


def wait_job(root: Path, job_id: str, statuses: tuple[str, ...] = (DONE, FAILED), timeout: float = 40
             ) -> dict[str, Any]:
    """The job's state once its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = job_state(root, job_id)
        if state is not None and state["status"] in statuses:
            return state
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} is not {statuses} after {timeout} s: {job_state(root, job_id)}")


def all_jobs(root: Path) -> list[dict[str, Any]]:
    return [job_state(root, path.stem) or {} for path in sorted(WebPaths(root).jobs.glob("*.json"))]
