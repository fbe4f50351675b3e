"""*Tạo văn bản*: queue a build job; its page, with progress streamed by server-sent events."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, ServerSentEvent, Template

from congvan.vn import format_number
from congvan.web import jobs, pages
from congvan.web.auth import OFFICER
from congvan.web.results_pages import results_files

OFFICERS = {"roles": (OFFICER,)}
TICK = 0.5  # seconds between progress events (at least one a second)


@get("/tao-van-ban", opt=OFFICERS, sync_to_thread=True)
def build_page(request: Request) -> Template:
    ws = pages.workspace(request)
    return pages.page(request, "build.html", files=results_files(ws, pages.paths(request).uploads))


@post("/tao-van-ban/bat-dau", opt=OFFICERS)
async def start_build(request: Request) -> Template | Redirect:
    form = await request.form()
    ws = pages.workspace(request)
    files = results_files(ws, pages.paths(request).uploads)
    chosen = str(form.get("tep") or "")
    if chosen not in files:
        return pages.page(request, "build.html", 400, files=files,
                          error=f"Không có tệp kết quả '{chosen}' trong thư mục làm việc; chọn lại.")
    who = pages.user(request)
    root = pages.root(request)
    job_id = jobs.new_job(root, "build", who.username, source=chosen)
    request.app.state.queue.build(str(root), job_id, [chosen], who.username)
    return Redirect(f"/cong-viec/{job_id}")


def _job(request: Request, job_id: str) -> dict:
    state = jobs.job_state(pages.root(request), job_id) if job_id.replace("-", "").isalnum() else None
    if state is None:
        raise NotFoundException(f"Không có công việc '{job_id}'.")
    return state


def progress_view(state: dict) -> dict:
    """What the page shows of a job: done/total, percent, time left, status in Vietnamese."""
    left, total = jobs.seconds_left(state), state.get("total") or 0
    if state["status"] in (jobs.DONE, jobs.FAILED):
        took = (state.get("updated") or 0) - (state.get("started") or 0)
        timing = f"trong {format_number(took, 1)} giây" if state.get("started") else ""
    else:
        timing = "" if left is None else f"còn khoảng {int(left) + 1} giây"
    return {"status": state["status"], "label": jobs.STATUS_LABELS[state["status"]], "done": state.get("done", 0),
            "total": total, "percent": int(100 * state.get("done", 0) / total) if total else 0,
            "left": timing, "batch": state.get("batch"), "link": state.get("link") or (
                f"/lo/{state['batch']}" if state.get("batch") else None),
            "link_text": state.get("link_text") or f"Xem lô văn bản {state.get('batch') or ''}",
            "error": state.get("error"), "warnings": state.get("warnings") or []}


@get("/cong-viec/{job_id:str}", sync_to_thread=True)
def job_page(request: Request, job_id: FromPath[str]) -> Template:
    state = _job(request, job_id)
    return pages.page(request, "job.html", job=state, view=progress_view(state))


@get("/cong-viec/{job_id:str}/tien-do")
async def job_events(request: Request, job_id: FromPath[str]) -> ServerSentEvent:
    _job(request, job_id)
    root = pages.root(request)

    async def events() -> AsyncIterator[str]:
        deadline = time.monotonic() + 6 * 3600
        while time.monotonic() < deadline:
            state = jobs.job_state(root, job_id) or {"status": jobs.FAILED, "error": "mất tệp tiến độ"}
            yield json.dumps(progress_view(state), ensure_ascii=False)
            if state["status"] in (jobs.DONE, jobs.FAILED):
                return
            await asyncio.sleep(TICK)

    return ServerSentEvent(events())


ROUTES = [build_page, start_build, job_page, job_events]
