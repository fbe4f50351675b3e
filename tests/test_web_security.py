"""`congvan web` security: every route needs a session, roles are enforced per route, CSRF on every form,
uploads are size-limited, downloads stay in their folder, passwords are kept as argon2 hashes only."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from congvan.batch import workflows
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from congvan.register import accounts
from congvan.register.store import Register
from congvan.web import app as web_app_module
from congvan.web import jobs
from congvan.web.auth import ADMIN, CLERK, OFFICER, ROLES
from tests.test_register_support import backend_url
from tests.web_support import PASSWORD, add_user, csrf, sign_in, web_app

PUBLIC = {"/dang-nhap", "/cai-dat/{token:str}", "/static/{file_path:path}"}


@pytest.fixture
def app(workspace):
    return web_app(workspace, setup_token="mot-lan", max_upload=200_000)


def _routes(app) -> list[tuple[str, str, dict]]:
    """Every (method, path, opt) of the route table, static files aside."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, handler.opt))
    return found


def _filled(path: str) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: {"batch": "20260101-000000-abcdef"}.get(
        m.group(1), "1" if m.group(2) == "int" else "x"), path)


def test_a_logged_out_request_to_every_route_is_refused(app):
    routes = [(m, p, o) for m, p, o in _routes(app) if not o.get("public") and not p.startswith("/static")]
    assert len(routes) >= 20
    with TestClient(app) as client:
        headers = csrf(client)
        for method, path, _opt in routes:
            response = client.request(method, _filled(path), headers=headers, follow_redirects=False)
            if method == "GET":
                assert response.status_code == 303 and response.headers["location"] == "/dang-nhap", (method, path)
            else:
                assert response.status_code == 401, (method, path, response.status_code)


def test_the_public_routes_are_only_sign_in_set_up_and_static_files(app):
    public = {p for _m, p, o in _routes(app) if o.get("public")}
    assert public <= PUBLIC


def test_a_wrong_role_gets_403_on_every_protected_route(app, workspace):
    """Each protected route is tried by an account of every role it does not name."""
    protected = [(m, p, o) for m, p, o in _routes(app) if o.get("roles")]
    assert {r for _m, _p, o in protected for r in o["roles"]} >= set(ROLES)  # every role has pages
    for role in ROLES:
        add_user(workspace, f"chi-{role}", role)
        with TestClient(app) as client:
            sign_in(client, f"chi-{role}")
            for method, path, opt in protected:
                if role in opt["roles"]:
                    continue
                response = client.request(method, _filled(path), headers=csrf(client), follow_redirects=False)
                assert response.status_code == 403, (role, method, path, response.status_code)
                assert "Không có quyền" in response.text


def test_an_officer_cannot_issue_numbers(app, workspace):
    add_user(workspace, "chuyenvien", OFFICER)
    batch = build_letters(BuildRequest(workspace=workspace)).report.batch
    with TestClient(app) as client:
        sign_in(client, "chuyenvien")
        page = client.get(f"/lo/{batch}")
        assert page.status_code == 200 and "Cấp số" not in page.text
        response = client.post(f"/lo/{batch}/cap-so", headers=csrf(client), follow_redirects=False)
    assert response.status_code == 403
    with Register(load_workspace(workspace).register_url) as register:
        assert register.records() == []


def test_a_form_without_its_csrf_token_is_refused(app, workspace):
    add_user(workspace, "quantri", ADMIN)
    form = {"username": "moi", "full_name": "Người Mới", "password": PASSWORD, "again": PASSWORD, "roles": OFFICER}
    with TestClient(app) as client:
        sign_in(client, "quantri")
        refused = client.post("/nguoi-dung/them", data=form, follow_redirects=False)
        assert refused.status_code == 403 and "CSRF" in refused.text
        with Register(load_workspace(workspace).register_url) as register:
            assert accounts.find_account(register, "moi") is None
        accepted = client.post("/nguoi-dung/them", data=form, headers=csrf(client), follow_redirects=False)
        assert accepted.status_code in (302, 303)
    with Register(load_workspace(workspace).register_url) as register:
        assert accounts.find_account(register, "moi").roles == (OFFICER,)


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(app, workspace):
    add_user(workspace, "chuyenvien", OFFICER)
    with TestClient(app) as client:
        sign_in(client, "chuyenvien")
        response = client.post("/ket-qua/tai-len", files={"tep": ("lon.xlsx", b"x" * 300_000)}, headers=csrf(client))
    assert response.status_code == 413 and "tối đa" in response.text
    assert not (workspace / "data" / "tai_len").exists()


OUTSIDE = ["..%2F..%2Fcongvan.toml", "%2E%2E", ".manifest.json", "manifest.json", "..%2F..%2F..%2Fetc%2Fpasswd",
           "%2Fetc%2Fpasswd"]


def test_a_download_outside_the_batch_is_refused(app, workspace):
    add_user(workspace, "chuyenvien", OFFICER)
    batch = build_letters(BuildRequest(workspace=workspace)).report.batch
    with TestClient(app) as client:
        sign_in(client, "chuyenvien")
        assert client.get(f"/lo/{batch}/tep/tong_hop.xlsx").status_code == 200
        for name in OUTSIDE:
            response = client.get(f"/lo/{batch}/tep/{name}")
            assert response.status_code == 404 and "[register]" not in response.text, name
            assert "root:" not in response.text, name
        assert client.get(f"/lo/..%2F..%2F{batch}/zip").status_code == 404
        assert client.get("/ket-qua?tep=..%2Fcongvan.toml").status_code == 404


def test_the_first_administrator_link_works_once_and_keeps_an_argon2_hash_only(app, workspace):
    secret = "mot mat khau rat dai 2026"
    with TestClient(app) as client:
        assert client.get("/cai-dat/sai").status_code == 404
        response = client.post("/cai-dat/mot-lan", headers=csrf(client), follow_redirects=False,
                               data={"username": "QuanTri", "full_name": "Quản trị", "password": secret,
                                     "again": secret})
        assert response.status_code in (302, 303)
        assert client.get("/nguoi-dung").status_code == 200  # signed in, with every role
        again = client.post("/cai-dat/mot-lan", headers=csrf(client),
                            data={"username": "khac", "full_name": "Khác", "password": secret, "again": secret})
        assert again.status_code == 404
    database = Path(load_workspace(workspace).register_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT username, password_hash FROM web_users").fetchall()
    assert [name for name, _hash in rows] == ["quantri"]
    assert rows[0][1].startswith("$argon2id$")
    for path in database.parent.glob(database.name + "*"):
        assert secret.encode() not in path.read_bytes()


def test_a_short_or_mismatched_first_password_is_refused(app, workspace):
    with TestClient(app) as client:
        short = client.post("/cai-dat/mot-lan", headers=csrf(client),
                            data={"username": "a", "full_name": "A", "password": "ngan", "again": "ngan"})
        assert short.status_code == 400 and "ít nhất 10" in short.text
    with Register(load_workspace(workspace).register_url) as register:
        assert accounts.count_accounts(register) == 0


def test_logins_are_rate_limited(app, workspace):
    add_user(workspace, "vanthu", CLERK)
    with TestClient(app) as client:
        for _ in range(5):
            wrong = client.post("/dang-nhap", headers=csrf(client), data={"username": "vanthu", "password": "sai"})
            assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
        blocked = client.post("/dang-nhap", headers=csrf(client), data={"username": "vanthu", "password": PASSWORD})
    assert blocked.status_code == 429 and "thử lại sau" in blocked.text


def test_signing_out_ends_the_session(app, workspace):
    add_user(workspace, "vanthu", CLERK)
    with TestClient(app) as client:
        sign_in(client, "vanthu")
        assert client.get("/nhat-ky").status_code == 200
        client.post("/dang-xuat", headers=csrf(client))
        assert client.get("/nhat-ky", follow_redirects=False).status_code == 303


def test_the_web_names_the_print_bundle_as_the_workflow_does():
    assert jobs.BUNDLE_NAME == workflows.BUNDLE_NAME


def test_the_vendored_htmx_is_the_recorded_release():
    static = Path(__file__).resolve().parent.parent / "congvan" / "web" / "static"
    recorded = re.search(r"`([0-9a-f]{64})`", (static / "README.md").read_text(encoding="utf-8")).group(1)
    assert hashlib.sha256((static / "htmx.min.js").read_bytes()).hexdigest() == recorded


def test_an_idle_session_ends(workspace, monkeypatch):
    monkeypatch.setattr(web_app_module, "IDLE_SECONDS", 1)
    add_user(workspace, "vanthu", CLERK)
    with TestClient(web_app(workspace)) as client:
        sign_in(client, "vanthu")
        assert client.get("/nhat-ky").status_code == 200
        time.sleep(2.2)
        assert client.get("/nhat-ky", follow_redirects=False).headers["location"] == "/dang-nhap"


def test_a_session_is_kept_in_the_register_database_for_every_server_of_the_office(workspace):
    add_user(workspace, "vanthu", CLERK)
    with TestClient(web_app(workspace)) as first, TestClient(web_app(workspace)) as second:
        sign_in(first, "vanthu")
        second.cookies.update(first.cookies)
        assert second.get("/nhat-ky").status_code == 200
    database = Path(load_workspace(workspace).register_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM web_sessions").fetchone()[0] == 1


@pytest.mark.postgres
def test_accounts_sessions_and_the_journal_work_on_an_office_postgresql_register(workspace, tmp_path, monkeypatch):
    url = next(urls := backend_url("postgresql", tmp_path))
    try:
        monkeypatch.setenv("CONGVAN_REGISTER_URL", url)
        add_user(workspace, "vanthu", CLERK)
        with TestClient(web_app(workspace)) as first, TestClient(web_app(workspace)) as second:
            sign_in(first, "vanthu")
            second.cookies.update(first.cookies)
            journal = second.get("/nhat-ky")
        assert journal.status_code == 200 and "đăng nhập" in journal.text
        with Register(url) as register:
            assert accounts.find_account(register, "vanthu").password_hash.startswith("$argon2id$")
    finally:
        urls.close()
