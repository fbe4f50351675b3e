"""What every page shares: the workspace and register of the request, the page template, messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.response import Template

from congvan.config import Workspace, load_workspace
from congvan.register import journal
from congvan.register.store import Register
from congvan.web.auth import ADMIN, CLERK, LEADER, OFFICE, OFFICER, ROLES, SessionUser, session_user
from congvan.web.state import WebPaths

# (path, label, roles that see it in the menu; empty: everyone signed in)
MENU = [
    ("/ket-qua", "Kết quả", (OFFICER,)),
    ("/tao-van-ban", "Tạo văn bản", (OFFICER,)),
    ("/lo", "Lô văn bản", ()),
    ("/noi-dung", "Nội dung", (OFFICER,)),
    ("/soan-van-ban", "Soạn văn bản", (OFFICER,)),
    ("/so-van-ban", "Sổ văn bản đi", (CLERK,)),
    ("/nguoi-nhan", "Người nhận", (OFFICE,)),
    ("/trinh-ky", "Trình ký", (LEADER,)),
    ("/nguoi-dung", "Người dùng", (ADMIN,)),
    ("/nhat-ky", "Nhật ký", (ADMIN, CLERK)),
]


def root(request: Request) -> Path:
    return Path(request.app.state.root)


def paths(request: Request) -> WebPaths:
    return WebPaths(root(request))


def workspace(request: Request) -> Workspace:
    return load_workspace(root(request))


@contextmanager
def register(request: Request) -> Iterator[Register]:
    """Open the workspace's register (its database holds the accounts and the journal too)."""
    with Register(request.app.state.register_url) as opened:
        yield opened


def user(request: Request) -> SessionUser:
    found = session_user(request)
    assert found is not None  # the guard let the request in
    return found


def note(request: Request, action: str, detail: str = "", *, batch_id: str | None = None,
         number: str | None = None) -> None:
    """Write what the signed-in user did to the journal."""
    with register(request) as opened:
        journal.record(opened, user(request).username, action, detail, batch_id=batch_id, number=number)


async def form_fields(request: Request) -> dict[str, str]:
    """The submitted form as text fields (the last value of a repeated name)."""
    return {key: str(value) for key, value in (await request.form()).items()}


def page_menu(who: SessionUser | None) -> list[tuple[str, str]]:
    """The menu entries `who` may open."""
    return [(href, label) for href, label, roles in MENU if who is not None and (not roles or who.has(*roles))]


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Template:
    """Render `templates/<name>` with the menu of the signed-in user (if any)."""
    who = session_user(request)
    return Template(template_name=name, status_code=status_code,
                    context={"who": who, "menu": page_menu(who), "path": request.url.path, "role_names": ROLES,
                             **context})
