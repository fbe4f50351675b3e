"""Background jobs on Huey: the queue of a workspace, the build task and its progress file.

The same task code runs on `SqliteHuey` (a file in the workspace, the default) and on `PostgresHuey` for a
shared office (`CONGVAN_WEB_QUEUE_URL=postgresql://…`). A task writes its progress to
`.congvan-web/jobs/<id>.json` at most every 0.2 s; the page streams that file (SSE).
"""

from __future__ import annotations

import os
import secrets
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from huey import Huey, PostgresHuey, SqliteHuey

from congvan.config import load_workspace
from congvan.errors import ConfigError, CongvanError, DatabaseUnavailable
from congvan.register import journal
from congvan.register.store import Register
from congvan.web.state import WebPaths, read_json, write_json

QUEUE_URL_ENV = "CONGVAN_WEB_QUEUE_URL"
BUNDLE_NAME = "ban_in.pdf"  # as congvan.batch.workflows names it (not imported here: pandas; a test compares)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {QUEUED: "đang chờ", RUNNING: "đang chạy", DONE: "xong", FAILED: "không thành công"}


@dataclass(frozen=True)
class Queue:
    """The Huey queue of a workspace and its tasks (call `.build(...)` to enqueue)."""

    huey: Huey
    build: Any
    bundle: Any
    register_bundle: Any


def make_queue(root: Path) -> Queue:
    """Return the Huey queue of the workspace at `root`, with its tasks registered: `PostgresHuey` when
    CONGVAN_WEB_QUEUE_URL names a PostgreSQL database (password in ~/.pgpass or PGPASSFILE, never in the URL),
    else `SqliteHuey` in the workspace."""
    url = os.environ.get(QUEUE_URL_ENV, "").strip()
    WebPaths(root).prepare()
    huey: Huey
    if not url:
        huey = SqliteHuey(name="congvan", filename=str(WebPaths(root).queue))
    elif url.startswith(("postgresql://", "postgres://")):
        huey = _postgres_huey(url)
    else:
        raise ConfigError(f"biến môi trường {QUEUE_URL_ENV} = {url!r}: hàng đợi việc nền chỉ dùng được PostgreSQL "
                          "(postgresql://người_dùng@máy:5432/tên_csdl). Bỏ biến này để dùng hàng đợi trong thư mục "
                          "làm việc. Xem docs/office.md mục 9.")
    return Queue(huey, huey.task(name="build")(run_build), huey.task(name="bundle")(run_bundle),
                 huey.task(name="register_bundle")(run_register_bundle))


def _postgres_huey(url: str) -> Huey:
    import psycopg

    if urlsplit(url).password:
        raise ConfigError(f"biến môi trường {QUEUE_URL_ENV} có mật khẩu trong địa chỉ: bỏ mật khẩu khỏi địa chỉ và "
                          "ghi nó vào ~/.pgpass (hoặc tệp PGPASSFILE) như docs/office.md bước 4.")
    try:
        return PostgresHuey(name="congvan", dsn=url)
    except psycopg.OperationalError as err:
        raise DatabaseUnavailable(f"không kết nối được hàng đợi việc nền {queue_place_of(url)} "
                                  f"({QUEUE_URL_ENV}; {str(err).strip()}). Kiểm tra máy chủ PostgreSQL đang chạy, "
                                  "địa chỉ và mật khẩu trong ~/.pgpass (docs/office.md mục 8).") from err


def queue_place_of(url: str) -> str:
    """Where a queue URL points, for messages: `user@host:port/database`, never a password."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"PostgreSQL {user}{parts.hostname or 'localhost'}{port}{parts.path}"


def queue_place(queue: Queue) -> str:
    """Where the jobs of `queue` wait, for messages."""
    if isinstance(queue.huey, PostgresHuey):
        return queue_place_of(os.environ.get(QUEUE_URL_ENV, "").strip())
    return f"tệp {queue.huey.storage.filename}"


def new_job(root: Path, kind: str, username: str, **details: Any) -> str:
    """Create the progress file of a queued job and return its id."""
    job_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)
    write_json(WebPaths(root).jobs / f"{job_id}.json",
               {"id": job_id, "kind": kind, "user": username, "status": QUEUED, "done": 0, "total": 0,
                "queued": time.time(), "started": None, "batch": None, "warnings": [], "error": None, **details})
    return job_id


def job_state(root: Path, job_id: str) -> dict[str, Any] | None:
    return read_json(WebPaths(root).jobs / f"{job_id}.json")


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(worker: str) -> bool:
    """Whether the consumer process `host:pid` was on this machine and has ended."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def abandon_running(root: Path) -> int:
    """Mark as failed, saying so, the jobs left running by a consumer of this machine that has ended; return how
    many. (A build writes into a hidden folder renamed only at its end: an interrupted one left no batch.)"""
    count = 0
    for path in sorted(WebPaths(root).jobs.glob("*.json")):
        state = read_json(path)
        if state is not None and state.get("status") == RUNNING and _gone(str(state.get("worker", ""))):
            state.update(status=FAILED, updated=time.time(),
                         error="tiến trình chạy việc nền dừng giữa chừng: việc này không xong và không ghi kết quả "
                               "dở dang nào. Hãy chạy lại.")
            write_json(path, state)
            count += 1
    return count


def seconds_left(state: dict[str, Any], now: float | None = None) -> float | None:
    """Estimate the seconds left from the pace so far (None before the first letter is done)."""
    done, total, started = state.get("done", 0), state.get("total", 0), state.get("started")
    if not started or not done or not total:
        return None
    elapsed = (now or time.time()) - started
    return max(0.0, elapsed / done * (total - done))


class _Progress:
    """The workflow's `progress(stage, done, total)` callback writing the job file (throttled)."""

    def __init__(self, path: Path, state: dict[str, Any]) -> None:
        self.path, self.state, self.written = path, state, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.state.get("stage"):
            self.state.update(stage=stage, done=0, total=total)
        self.state["done"] = min(total, self.state["done"] + done)
        if time.monotonic() - self.written >= 0.2 or self.state["done"] == total:
            self.flush()

    def flush(self) -> None:
        self.state["updated"] = time.time()
        write_json(self.path, self.state)
        self.written = time.monotonic()


def _run(root: str, job_id: str, work: Callable[[_Progress], dict[str, Any]]) -> None:
    path = WebPaths(Path(root)).jobs / f"{job_id}.json"
    state = read_json(path) or {"id": job_id}
    state.update(status=RUNNING, started=time.time(), worker=_worker())
    progress = _Progress(path, state)
    progress.flush()
    try:
        state.update(work(progress), status=DONE)
    except CongvanError as err:
        state.update(status=FAILED, error=str(err))
    except Exception as err:  # a bug: still say what and where, never a bare "ERROR"
        where = traceback.extract_tb(err.__traceback__)[-1]
        state.update(status=FAILED, error=f"lỗi trong congvan ({type(err).__name__}: {err}; {Path(where.filename).name}"
                                          f" dòng {where.lineno}). Báo lỗi này cho người quản trị.")
    progress.flush()


def run_build(root: str, job_id: str, data: list[str], username: str) -> None:
    """The build task: `build_letters` on the workspace, progress in the job file, the result in the journal."""
    from congvan.batch.workflows import BuildRequest, build_letters  # heavy (pandas, docxtpl): in the consumer only

    def work(progress: _Progress) -> dict[str, Any]:
        request = BuildRequest(workspace=Path(root), data=tuple(Path(root) / d for d in data))
        result = build_letters(request, progress=progress)
        batch = result.report.batch
        ws = load_workspace(Path(root))
        with Register(ws.register_url) as register:
            journal.record(register, username, "tạo lô văn bản",
                           f"{len(result.report.letters)} văn bản từ {', '.join(data) or 'tệp kết quả mặc định'}",
                           batch_id=batch)
        return {"batch": batch, "warnings": result.report.warnings, "done": len(result.report.letters),
                "total": len(result.report.letters)}

    _run(root, job_id, work)


def run_bundle(root: str, job_id: str, batch: str, username: str) -> None:
    """The print bundle task: every letter of a draft batch to PDF, gathered into `ban_in.pdf` in print order."""
    from congvan.batch.pdfs import PdfRequest, make_pdfs

    def work(progress: _Progress) -> dict[str, Any]:
        ws = load_workspace(Path(root))
        folder = ws.drafts_dir / batch
        result = make_pdfs(PdfRequest(paths=(folder,), out=WebPaths(Path(root)).state / "pdf" / batch,
                                      bundle_to=folder / BUNDLE_NAME, workspace=Path(root)), progress=progress)
        with Register(ws.register_url) as register:
            journal.record(register, username, "tạo bản in PDF", f"{result.bundled} văn bản", batch_id=batch)
        return {"batch": batch, "warnings": result.report.warnings}

    _run(root, job_id, work)


def register_bundle_path(root: Path, year: int) -> Path:
    """Where the print bundle of the issued letters of `year` is kept (made again on each request)."""
    return WebPaths(root).state / "pdf" / f"so-{year}" / BUNDLE_NAME


def run_register_bundle(root: str, job_id: str, year: int, username: str) -> None:
    """The register's print bundle: the issued letters of `year` (output/<year>/) to PDF, voided ones left out,
    bookmarked by their number, gathered into one file to download."""
    from congvan.batch.pdfs import PdfRequest, make_pdfs

    def work(progress: _Progress) -> dict[str, Any]:
        ws = load_workspace(Path(root))
        target = register_bundle_path(Path(root), year)
        target.unlink(missing_ok=True)  # the web's own copy, made again; the letters' PDFs are kept when current
        result = make_pdfs(PdfRequest(paths=(ws.archive_dir / str(year),), out=target.parent,
                                      bundle_to=target, workspace=Path(root)), progress=progress)
        with Register(ws.register_url) as register:
            journal.record(register, username, "tạo bản in PDF sổ văn bản", f"năm {year}: {result.bundled} văn bản")
        return {"link": f"/so-van-ban/ban-in/{year}", "link_text": f"Tải bản in PDF năm {year}",
                "warnings": result.report.warnings}

    _run(root, job_id, work)
