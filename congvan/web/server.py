"""Run `congvan web`: the first-administrator link, the Huey consumer as a child process, uvicorn."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn

from congvan.config import load_workspace
from congvan.register.accounts import count_accounts
from congvan.register.store import Register
from congvan.web.app import create_app
from congvan.web.jobs import abandon_running, queue_place

STOP_SECONDS = 10


def setup_token(root: Path) -> str:
    """Return a one-time token for the first quản trị when the register has no account yet, else ""."""
    with Register(load_workspace(root).register_url) as register:
        return "" if count_accounts(register) else secrets.token_urlsafe(24)


class Consumer:
    """The workspace's Huey consumer in a child process (it needs a main thread of its own), started again when
    it dies while the server runs; a job it was running is then marked failed, with why."""

    def __init__(self, root: Path, announce: Callable[[str], None], check_every: float = 2.0) -> None:
        self.root, self.announce, self.check_every = root, announce, check_every
        self.child = self._spawn()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="congvan-consumer-watch", daemon=True)
        self._watcher.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        abandon_running(self.root)
        return subprocess.Popen([sys.executable, "-m", "congvan.web.consumer", str(self.root)],
                                env=os.environ.copy())

    def _watch(self) -> None:
        while not self._stopping.wait(self.check_every):
            code = self.child.poll()
            if code is not None and not self._stopping.is_set():
                self.announce(f"Tiến trình chạy việc nền đã dừng (mã {code}); đang khởi động lại.")
                self.child = self._spawn()

    def stop(self) -> None:
        """Ask the consumer to finish its current task (SIGINT), then end it."""
        self._stopping.set()
        self._watcher.join()
        if self.child.poll() is not None:
            return
        self.child.send_signal(signal.SIGINT)
        try:
            self.child.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def serve(root: Path, host: str, port: int, announce: Callable[[str], None], *, check: bool = False,
          worker: bool = True) -> None:
    """Serve the workspace at `root` until interrupted; `announce` prints the address and the set-up link.

    With `check`, build the application (workspace read, register migrated) and return without serving. Without
    `worker`, no child consumer: `congvan web worker` processes (here or on other machines) run the jobs.
    """
    started = time.monotonic()
    root = Path(root).resolve()
    token = setup_token(root)
    app = create_app(root, setup_token=token)
    address = f"http://{host}:{port}"
    if check:
        announce(f"Sẵn sàng phục vụ {root} tại {address} (kiểm tra trong {time.monotonic() - started:.1f} giây).")
        return
    consumer = Consumer(root, announce) if worker else None
    if not worker:
        announce(f"Không chạy việc nền ở đây: cần ít nhất một `congvan web worker` nhận việc từ "
                 f"{queue_place(app.state.queue)} (docs/office.md mục 9).")
    try:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        announce(f"congvan web: mở {address} trên trình duyệt (thư mục làm việc {root}). Dừng: Ctrl+C.")
        if token:
            announce("Chưa có tài khoản nào. Tạo tài khoản quản trị đầu tiên (liên kết dùng một lần): "
                     f"{address}/cai-dat/{token}")
        server.run()
    finally:
        if consumer:
            consumer.stop()
