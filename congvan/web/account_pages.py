"""Sign in and out, the one-time set-up of the first quản trị, user accounts and the journal page."""

from __future__ import annotations

import hmac

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from congvan.errors import CongvanError
from congvan.register import accounts, journal
from congvan.web import pages
from congvan.web.auth import (
    ADMIN,
    CLERK,
    ROLES,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

PUBLIC = {"public": True}


def _start_session(request: Request, account: accounts.Account) -> None:
    request.clear_session()
    request.set_session({"user": {"username": account.username, "full_name": account.full_name,
                                  "roles": list(account.roles)}})


@get("/dang-nhap", opt=PUBLIC, sync_to_thread=False)
def login_page(request: Request) -> Template:
    return pages.page(request, "login.html")


@post("/dang-nhap", opt=PUBLIC)
async def login(request: Request) -> Template | Redirect:
    form = await pages.form_fields(request)
    name, address = accounts.normalize_username(form.get("username", "")), request.client.host if request.client else ""
    limiter = request.app.state.limiter
    wait = limiter.blocked_for(name, address)
    if wait:
        return pages.page(request, "login.html", 429, error=f"Đăng nhập sai quá nhiều lần; thử lại sau {wait} giây.")
    with pages.register(request) as register:
        account = accounts.find_account(register, name)
        ok = account is not None and account.active and verify_password(account.password_hash, form.get("password", ""))
        if not ok or account is None:
            limiter.failed(name, address)
            return pages.page(request, "login.html", 401, error="Sai tên đăng nhập hoặc mật khẩu.", username=name)
        if needs_rehash(account.password_hash):
            accounts.set_password_hash(register, name, hash_password(form["password"]))
        journal.record(register, name, "đăng nhập")
    limiter.succeeded(name, address)
    _start_session(request, account)
    return Redirect("/")


@post("/dang-xuat", sync_to_thread=False)
def logout(request: Request) -> Redirect:
    request.clear_session()
    return Redirect("/dang-nhap")


def _setup_token_ok(request: Request, token: str) -> bool:
    expected = request.app.state.setup_token
    return bool(expected) and hmac.compare_digest(expected, token)


@get("/cai-dat/{token:str}", opt=PUBLIC, sync_to_thread=False)
def setup_page(request: Request, token: FromPath[str]) -> Template:
    if not _setup_token_ok(request, token):
        return pages.page(request, "message.html", 404, title="Liên kết cài đặt không dùng được",
                          text="Liên kết này sai hoặc đã dùng. Tài khoản quản trị đầu tiên đã có: hãy đăng nhập.")
    return pages.page(request, "setup.html", token=token)


@post("/cai-dat/{token:str}", opt=PUBLIC)
async def setup(request: Request, token: FromPath[str]) -> Template | Redirect:
    if not _setup_token_ok(request, token):
        return pages.page(request, "message.html", 404, title="Liên kết cài đặt không dùng được",
                          text="Liên kết này sai hoặc đã dùng.")
    form = await pages.form_fields(request)
    problem = password_problem(form.get("password", ""), form.get("again", ""))
    try:
        if problem:
            raise ValueError(problem)
        with pages.register(request) as register:
            account = accounts.add_account(register, form.get("username", ""), form.get("full_name", ""),
                                           tuple(ROLES), hash_password(form["password"]), only_if_none=True)
            journal.record(register, account.username, "tạo tài khoản quản trị đầu tiên")
    except (ValueError, CongvanError) as err:
        return pages.page(request, "setup.html", 400, token=token, error=str(err), form=form)
    request.app.state.setup_token = ""  # used: the link is dead
    _start_session(request, account)
    return Redirect("/")


@get("/", sync_to_thread=False)
def home(request: Request) -> Redirect:
    first = next((href for href, _label in pages.page_menu(pages.user(request))), "/lo")
    return Redirect(first)


@get("/nguoi-dung", opt={"roles": (ADMIN,)}, sync_to_thread=True)
def users_page(request: Request) -> Template:
    with pages.register(request) as register:
        return pages.page(request, "users.html", users=accounts.list_accounts(register))


@post("/nguoi-dung/them", opt={"roles": (ADMIN,)})
async def add_user(request: Request) -> Template | Response:
    roles = tuple(r for r in (await request.form()).getall("roles") if r in ROLES)
    fields = await pages.form_fields(request)
    try:
        problem = password_problem(fields.get("password", ""), fields.get("again", "")) or (
            None if roles else "Chọn ít nhất một vai trò.")
        if problem:
            raise ValueError(problem)
        with pages.register(request) as register:
            account = accounts.add_account(register, fields.get("username", ""), fields.get("full_name", ""), roles,
                                           hash_password(fields["password"]))
        pages.note(request, "tạo tài khoản", f"{account.username} ({', '.join(ROLES[r] for r in roles)})")
    except (ValueError, CongvanError) as err:
        with pages.register(request) as register:
            return pages.page(request, "users.html", 400, users=accounts.list_accounts(register), error=str(err),
                              form=fields)
    return Redirect("/nguoi-dung")


@get("/nhat-ky", opt={"roles": (ADMIN, CLERK)}, sync_to_thread=True)
def journal_page(request: Request) -> Template:
    with pages.register(request) as register:
        return pages.page(request, "journal.html", entries=journal.recent(register))


ROUTES = [login_page, login, logout, setup_page, setup, home, users_page, add_user, journal_page]
