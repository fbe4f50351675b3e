"""A shared office on loopback (docs/office.md section 9): a PostgreSQL register (accounts, sessions, journal)
and `PostgresHuey` queue, `congvan web --no-worker` and TWO `congvan web worker` processes, three browser sessions
of three roles working at once. Then: numbers gapless and unique, every job done once, `register verify` clean."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from congvan.register import journal
from congvan.register.store import Register
from congvan.web import jobs
from congvan.web.auth import ADMIN, CLERK, OFFICER
from tests.conftest import make_workspace, require_tool
from tests.test_register_support import backend_url
from tests.web_processes import all_jobs, free_port, office_env, start_server, start_worker
from tests.web_support import PASSWORD, add_user

pytestmark = [pytest.mark.postgres, pytest.mark.browser]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
LETTERS = 5


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workspace on a fresh PostgreSQL schema (register and queue), three accounts and one built batch."""
    require_tool("chromium")
    for url in backend_url("postgresql", tmp_path):
        monkeypatch.setenv("CONGVAN_REGISTER_URL", url)
        monkeypatch.setenv(jobs.QUEUE_URL_ENV, url)
        root = make_workspace(tmp_path / "ws")
        for username, role in (("chuyenvien", OFFICER), ("vanthu", CLERK), ("quantri", ADMIN)):
            add_user(root, username, role)
        batch = build_letters(BuildRequest(workspace=root)).report.batch
        yield root, url, batch


async def _sign_in(browser, base: str, username: str):
    context = await browser.new_context(locale="vi-VN")
    page = await context.new_page()
    page.set_default_timeout(45_000)
    await page.goto(base + "/dang-nhap")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: not url.endswith(("/dang-nhap", "/")))  # the first page of the role
    return context, page


async def _officer_builds_two(browser, base: str) -> list[str]:
    context, first = await _sign_in(browser, base, "chuyenvien")
    second = await context.new_page()
    second.set_default_timeout(45_000)

    async def build(page) -> str:
        await page.goto(base + "/tao-van-ban")
        await page.click("form[action='/tao-van-ban/bat-dau'] button")
        await page.wait_for_selector("#tien-do[data-finished]")
        return str(await page.get_attribute("#tien-do", "data-finished"))

    return list(await asyncio.gather(build(first), build(second)))


async def _clerk_issues(browser, base: str, batch: str) -> str:
    _, page = await _sign_in(browser, base, "vanthu")
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto(f"{base}/lo/{batch}")
    await page.click("form[action$='/cap-so'] button")
    await page.wait_for_url(re.compile(r".*message=.*"))
    return await page.inner_text("main")


async def _admin_reads_the_journal(browser, base: str) -> str:
    """The quản trị reloads Nhật ký until the two builds and the issue are there."""
    _, page = await _sign_in(browser, base, "quantri")
    for _ in range(200):
        await page.goto(base + "/nhat-ky")
        text = await page.inner_text("main")
        if text.count("tạo lô văn bản") == 2 and "cấp số" in text:
            return text
        await asyncio.sleep(0.2)
    return text


async def _three_roles_at_once(base: str, batch: str) -> tuple[list[str], str, str]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(_officer_builds_two(browser, base), _clerk_issues(browser, base, batch),
                                        _admin_reads_the_journal(browser, base))
        finally:
            await browser.close()


def test_a_shared_office_two_consumers_three_roles_at_once(office):
    root, url, issued_batch = office
    env = office_env(url, url)
    port = free_port()
    server = start_server(root, env, port, "--no-worker")
    workers = [start_worker(root, env), start_worker(root, env, "--workers", "2")]
    try:
        builds, clerk_page, journal_page = asyncio.run(_three_roles_at_once(f"http://127.0.0.1:{port}", issued_batch))
    finally:
        for process in (*workers, server):
            process.stop()
    assert any("PostgreSQL" in line for line in workers[0].lines)  # the shared queue, not a file of this machine
    assert builds == ["done", "done"]
    assert f"Đã cấp số {LETTERS} văn bản" in clerk_page
    assert journal_page.count("tạo lô văn bản") == 2 and "cấp số" in journal_page

    # every job done exactly once, by one of the two consumers; none left in the queue
    done = all_jobs(root)
    assert [job["status"] for job in done] == [jobs.DONE, jobs.DONE]
    assert {job["worker"].rsplit(":", 1)[1] for job in done} <= {str(w.pid) for w in workers}
    built = {job["batch"] for job in done}
    assert len(built) == 2 and issued_batch not in built
    assert jobs.make_queue(root).huey.pending_count() == 0
    with Register(load_workspace(root).register_url) as register:
        entries = journal.recent(register)
        assert Counter(e.batch_id for e in entries if e.action == "tạo lô văn bản") == dict.fromkeys(built, 1)
        # numbers gapless and unique
        numbers = [record.number for record in register.records()]
    assert sorted(numbers) == list(range(1, LETTERS + 1))
    verify = subprocess.run([sys.executable, "-m", "congvan", "register", "verify"], cwd=root, env=env,
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
