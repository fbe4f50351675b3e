"""What the browser tests share: a `congvan web` process on a free loopback port in a tmp workspace, Debian's
chromium driven by Playwright, pages signed in, and where screenshots go ($CONGVAN_WEB_SCREENSHOTS, e.g.
docs/web/ when refreshing the docs, or the test's tmp folder)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_workspace
from tests.web_support import PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]


def require(tool: str) -> None:
    if shutil.which(tool):
        return
    message = f"{tool} is not installed (apt-get install {tool})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: .ci/run must install it)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """A `congvan web` process on a free loopback port; yield its address, the set-up link and the workspace."""
    require("chromium")
    require("soffice")
    root = make_workspace(tmp_path / "ws")
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "congvan", "web", "--port", str(port)], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    link, lines = "", []
    while not link and time.monotonic() - started < 20:
        line = process.stdout.readline() if process.stdout else ""
        if not line and process.poll() is not None:
            break
        lines.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+/cai-dat/\S+)", line)
        link = found.group(1) if found else ""
    assert link, "no set-up link printed:\n" + "".join(lines)
    try:
        yield f"http://127.0.0.1:{port}", link, root
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONGVAN_WEB_SCREENSHOTS") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signed_in(browser, base: str, username: str):
    """A page of a new browser context (its own cookies) signed in as `username`."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN").new_page()
    page.set_default_timeout(20_000)
    page.goto(base + "/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/dang-nhap" not in page.url, page.inner_text("main")
    return page
