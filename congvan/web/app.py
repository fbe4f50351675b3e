"""The Litestar application of a workspace: routes, guards, sessions, CSRF, templates, error pages."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from congvan.config import load_workspace
from congvan.errors import CongvanError
from congvan.register.sessions import remove_expired
from congvan.register.store import Register
from congvan.web import (
    account_pages,
    approval_pages,
    batch_pages,
    build_pages,
    compose_pages,
    content_pages,
    jobs,
    pages,
    recipient_pages,
    register_pages,
    register_tools_pages,
    results_pages,
)
from congvan.web.auth import IDLE_SECONDS, LoginLimiter, guard
from congvan.web.session_store import RegisterStore
from congvan.web.state import WebPaths

HERE = Path(__file__).parent
MAX_UPLOAD = 20 * 1024 * 1024  # bytes of one request: a results workbook is far smaller
CSRF_HEADER = "x-csrftoken"


def _unauthorized(request: Request, exc: Exception) -> Response:
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": "/dang-nhap"})
    if request.method == "GET":
        return Redirect("/dang-nhap", status_code=303)
    return pages.page(request, "message.html", 401, title="Chưa đăng nhập",
                      text="Phiên làm việc đã hết hoặc chưa đăng nhập. Hãy đăng nhập lại.", back="/dang-nhap")


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = exc.detail
    if exc.status_code == 403 and "CSRF" in text:
        text = "Biểu mẫu đã cũ hoặc thiếu mã bảo vệ (CSRF). Tải lại trang rồi gửi lại."
    elif exc.status_code == 413:
        text = f"Tệp tải lên quá lớn: tối đa {request.app.state.max_upload // (1024 * 1024)} MB."
    titles = {403: "Không có quyền", 404: "Không tìm thấy", 413: "Tệp quá lớn", 405: "Không hỗ trợ"}
    title = titles.get(exc.status_code, "Không thực hiện được")
    return pages.page(request, "message.html", exc.status_code, title=title, text=text, back="/")


def _congvan_error(request: Request, exc: Exception) -> Response:
    return pages.page(request, "message.html", 400, title="Không thực hiện được", text=str(exc), back="/")


def warm_up() -> None:
    """Import the heavy library modules (pandas, docxtpl, openpyxl) in the background once the server answers."""

    def load() -> None:
        import congvan.batch.build  # noqa: F401
        import congvan.batch.workflows  # noqa: F401

    threading.Thread(target=load, name="congvan-warm-up", daemon=True).start()


def create_app(root: Path, *, setup_token: str = "", max_upload: int = MAX_UPLOAD, queue: jobs.Queue | None = None,
               secure_cookies: bool = False) -> Litestar:
    """Return the application serving the workspace at `root`; `setup_token` opens the first-administrator page."""
    root = Path(root).resolve()
    web = WebPaths(root)
    web.prepare()
    register_url = load_workspace(root).register_url
    with Register(register_url) as register:  # migrate now: accounts, sessions, journal exist before any request
        remove_expired(register)
    queue = queue or jobs.make_queue(root)
    state: dict[str, Any] = {
        "root": str(root), "register_url": register_url, "setup_token": setup_token, "limiter": LoginLimiter(),
        "queue": queue, "max_upload": max_upload,
    }
    return Litestar(
        route_handlers=[*account_pages.ROUTES, *results_pages.ROUTES, *build_pages.ROUTES, *batch_pages.ROUTES,
                        *content_pages.ROUTES, *register_pages.ROUTES, *register_tools_pages.ROUTES,
                        *compose_pages.ROUTES,
                        *recipient_pages.ROUTES, *approval_pages.ROUTES,
                        create_static_files_router("/static", [HERE / "static"], opt={"public": True})],
        guards=[guard],
        middleware=[ServerSideSessionConfig(max_age=IDLE_SECONDS, renew_on_access=True, secure=secure_cookies,
                                            samesite="strict").middleware],
        stores={"sessions": RegisterStore(register_url)},
        csrf_config=CSRFConfig(secret=web.secret(), header_name=CSRF_HEADER, cookie_samesite="strict",
                               cookie_secure=secure_cookies),
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        exception_handlers={NotAuthorizedException: _unauthorized, HTTPException: _http_error,
                            CongvanError: _congvan_error},
        request_max_body_size=max_upload,
        on_startup=[warm_up],
        state=State(state),
    )
