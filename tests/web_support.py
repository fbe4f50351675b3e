"""Helpers of the web tests: an application on a test workspace, accounts, signing in with the CSRF token."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from congvan.config import load_workspace
from congvan.register import accounts
from congvan.register.store import Register
from congvan.web.app import CSRF_HEADER, create_app
from congvan.web.auth import hash_password
from congvan.web.jobs import make_queue

PASSWORD = "mat-khau-du-dai-1"


def web_app(root: Path, **options: object) -> Litestar:
    """The application of `root` with jobs run at once, in the request (Huey's immediate mode)."""
    queue = make_queue(root)
    queue.huey.immediate = True
    return create_app(root, queue=queue, **options)  # type: ignore[arg-type]


def add_user(root: Path, username: str, *roles: str) -> None:
    with Register(load_workspace(root).register_url) as register:
        accounts.add_account(register, username, username.title(), roles, hash_password(PASSWORD))


def csrf(client: TestClient) -> dict[str, str]:
    """The CSRF header of `client` (a GET first sets the cookie)."""
    if "csrftoken" not in client.cookies:
        client.get("/dang-nhap")
    return {CSRF_HEADER: client.cookies["csrftoken"]}


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/dang-nhap", data={"username": username, "password": password}, headers=csrf(client),
                           follow_redirects=False)
    assert response.status_code in (302, 303), response.text
