"""Run `congvan web`: the first-administrator link, the Huey consumer as a child process, uvicorn."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn

from congvan.config import load_workspace
from congvan.register.accounts import count_accounts
from congvan.register.store import Register
from congvan.web.app import create_app

STOP_SECONDS = 10


def setup_token(root: Path) -> str:
    """Return a one-time token for the first quản trị when the register has no account yet, else ""."""
    with Register(load_workspace(root).register_url) as register:
        return "" if count_accounts(register) else secrets.token_urlsafe(24)


def start_consumer(root: Path) -> subprocess.Popen[bytes]:
    """Start the workspace's Huey consumer in a child process (it needs a main thread of its own)."""
    return subprocess.Popen([sys.executable, "-m", "congvan.web.consumer", str(root)], env=os.environ.copy())


def stop_consumer(child: subprocess.Popen[bytes]) -> None:
    """Ask the consumer to finish its current task (SIGINT), then end it."""
    if child.poll() is not None:
        return
    child.send_signal(2)
    try:
        child.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def serve(root: Path, host: str, port: int, announce: Callable[[str], None], *, check: bool = False) -> None:
    """Serve the workspace at `root` until interrupted; `announce` prints the address and the set-up link.

    With `check`, build the application (workspace read, register migrated) and return without serving.
    """
    started = time.monotonic()
    root = Path(root).resolve()
    token = setup_token(root)
    app = create_app(root, setup_token=token)
    address = f"http://{host}:{port}"
    if check:
        announce(f"Sẵn sàng phục vụ {root} tại {address} (kiểm tra trong {time.monotonic() - started:.1f} giây).")
        return
    child = start_consumer(root)
    try:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        announce(f"congvan web: mở {address} trên trình duyệt (thư mục làm việc {root}). Dừng: Ctrl+C.")
        if token:
            announce("Chưa có tài khoản nào. Tạo tài khoản quản trị đầu tiên (liên kết dùng một lần): "
                     f"{address}/cai-dat/{token}")
        server.run()
    finally:
        stop_consumer(child)
