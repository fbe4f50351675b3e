"""The văn phòng's and the lãnh đạo's pages of `congvan web` through Litestar's test client: recipient lists
edited with their comments kept, checked before saving, refused on a concurrent edit; a batch submitted,
returned, approved and issued, each decision kept with the batch and in the journal."""

from __future__ import annotations

import json
import re

import pytest
from litestar.testing import TestClient

from congvan.batch import approval
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.compose.workflow import ComposeRequest, compose
from congvan.config import load_workspace
from congvan.register import journal
from congvan.register.store import Register
from congvan.web.auth import CLERK, LEADER, OFFICE, OFFICER
from tests.test_compose import example_workspace
from tests.web_support import add_user, csrf, sign_in, web_app


@pytest.fixture
def app(workspace):
    for name, role in (("vanphong", OFFICE), ("lanhdao", LEADER), ("chuyenvien", OFFICER), ("vanthu", CLERK)):
        add_user(workspace, name, role)
    return web_app(workspace)


def _client(app, username: str) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    sign_in(client, username)
    return client


def _versions(page: str) -> str:
    found = re.search(r'name="phien_ban" value="([^"]*)"', page)
    assert found
    return found.group(1).replace("&#34;", '"').replace("&quot;", '"')


def _journal(workspace) -> list[journal.Entry]:
    with Register(load_workspace(workspace).register_url) as register:
        return journal.recent(register)


def test_a_secretary_adds_a_recipient_and_the_comments_stay(app, workspace):
    path = workspace / "recipients" / "danh_sach.toml"
    before = path.read_text(encoding="utf-8")
    client = _client(app, "vanphong")
    page = client.get("/nguoi-nhan")
    assert page.status_code == 200 and 'data-list="chi-dao"' in page.text
    changed = client.post("/nguoi-nhan/danh-sach", headers={**csrf(client), "hx-request": "true"},
                          data={"phien_ban": _versions(page.text), "danh_sach": "chi-dao", "thao_tac": "them",
                                "noi_dung": "Sở Tư pháp (p/h)"})
    assert changed.status_code == 200, changed.text
    assert "Đã thêm" in changed.text and "<html" not in changed.text  # the fragment htmx swaps
    after = path.read_text(encoding="utf-8")
    assert '"Sở Tư pháp (p/h)"' in after
    assert all(line in after for line in before.splitlines() if line.startswith("#"))  # comments kept
    preview = client.get("/nguoi-nhan/xem-truoc", params={"don_vi": "Phường Nha Trang"})
    assert "- Sở Tư pháp (p/h);" in preview.text and "Kính gửi:\n- Ủy ban nhân dân phường Nha Trang;" in preview.text
    assert any(e.action == "sửa danh sách người nhận" and e.username == "vanphong" for e in _journal(workspace))


def test_rows_move_take_notes_and_go(app, workspace):
    client = _client(app, "vanphong")
    data = {"danh_sach": "thuong-truc", "vi_tri": "2", "phien_ban": _versions(client.get("/nguoi-nhan").text)}
    moved = client.post("/nguoi-nhan/danh-sach", headers=csrf(client), data={**data, "thao_tac": "len"})
    assert moved.status_code == 200
    text = (workspace / "recipients" / "danh_sach.toml").read_text(encoding="utf-8")
    assert text.index("Giám đốc, các Phó Giám đốc Sở") < text.index("UBND tỉnh (b/c)")
    noted = client.post("/nguoi-nhan/danh-sach", headers=csrf(client),
                        data={**data, "vi_tri": "1", "phien_ban": _versions(moved.text), "ghi_chu": ["để biết",
                                                                                                      "VBĐT"]})
    assert noted.status_code == 200, noted.text
    assert '"Giám đốc, các Phó Giám đốc Sở (để biết) (VBĐT)"' in (
        workspace / "recipients" / "danh_sach.toml").read_text(encoding="utf-8")
    gone = client.post("/nguoi-nhan/danh-sach", headers=csrf(client),
                       data={**data, "vi_tri": "1", "phien_ban": _versions(noted.text), "thao_tac": "xoa"})
    assert gone.status_code == 200
    assert "Giám đốc" not in (workspace / "recipients" / "danh_sach.toml").read_text(encoding="utf-8")


def test_a_list_the_check_refuses_is_shown_and_nothing_is_written(app, workspace):
    path = workspace / "recipients" / "danh_sach.toml"
    before = path.read_bytes()
    client = _client(app, "vanphong")
    refused = client.post("/nguoi-nhan/danh-sach", headers=csrf(client),
                          data={"phien_ban": _versions(client.get("/nguoi-nhan").text), "danh_sach": "chi-dao",
                                "thao_tac": "them", "noi_dung": "@khong-co"})
    assert refused.status_code == 400
    shown = re.search(r'id="tu-choi">([^<]*)<', refused.text)
    assert shown and "khong-co" in shown.group(1) and "không lưu" in shown.group(1)
    assert path.read_bytes() == before


def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(app, workspace):
    path = workspace / "recipients" / "danh_sach.toml"
    client = _client(app, "vanphong")
    shown = _versions(client.get("/nguoi-nhan").text)
    path.write_text(path.read_text(encoding="utf-8") + '\nmoi = ["Sở Xây dựng"]\n', encoding="utf-8")
    edited = path.read_bytes()
    refused = client.post("/nguoi-nhan/danh-sach", headers=csrf(client),
                          data={"phien_ban": shown, "danh_sach": "chi-dao", "thao_tac": "them", "noi_dung": "Sở Y tế"})
    assert refused.status_code == 409
    assert "danh_sach.toml" in refused.text
    assert path.read_bytes() == edited


def test_additions_and_defaults_are_saved_from_their_forms(app, workspace):
    client = _client(app, "vanphong")
    page = client.get("/nguoi-nhan")
    assert '<datalist id="cac-don-vi">' in page.text and '<option value="Phường Nha Trang">' in page.text
    saved = client.post("/nguoi-nhan/bo-sung", headers=csrf(client),
                        data={"phien_ban": _versions(page.text), "so_dong": "2", "don_vi_0": "Đặc khu Trường Sa",
                              "nn_0": "Bộ Tư lệnh Vùng 4 Hải quân (p/h)", "don_vi_1": "Phường Nha Trang",
                              "kg_1": "Công an phường Nha Trang; Đảng ủy phường Nha Trang"})
    assert saved.status_code == 200, saved.text
    csv = (workspace / "recipients" / "bo_sung.csv").read_text(encoding="utf-8")
    assert "Phường Nha Trang,Công an phường Nha Trang; Đảng ủy phường Nha Trang," in csv
    defaults = client.post("/nguoi-nhan/mac-dinh", headers=csrf(client),
                           data={"phien_ban": _versions(saved.text), "kinh_gui": "don-vi", "noi_nhan": "chi-dao",
                                 "luu": "VT, TCCB", "so_ban_luu": "3", "sap_xep": "abc"})
    assert defaults.status_code == 200, defaults.text
    config = (workspace / "congvan.toml").read_text(encoding="utf-8")
    assert 'luu = "VT, TCCB"' in config and "so_ban_luu = 3" in config and 'sap_xep = "abc"' in config
    assert "# danh sách \"Kính gửi\" mặc định" in config  # its comments kept
    preview = client.get("/nguoi-nhan/xem-truoc", params={"don_vi": "Phường Nha Trang"})
    assert "Lưu: VT, TCCB (03b)." in preview.text and "Công an phường Nha Trang" in preview.text


def _batch(workspace) -> str:
    return build_letters(BuildRequest(workspace=workspace)).report.batch


def test_a_leader_returns_then_approves_a_batch_and_the_clerk_issues_it(app, workspace):
    batch = _batch(workspace)
    folder = load_workspace(workspace).drafts_dir / batch
    officer, leader, clerk = (_client(app, name) for name in ("chuyenvien", "lanhdao", "vanthu"))
    submitted = officer.post(f"/lo/{batch}/trinh-ky", headers=csrf(officer), data={"ghi_chu": "Kính trình"},
                             follow_redirects=False)
    assert submitted.status_code in (302, 303)
    assert f'href="/trinh-ky/{batch}"' in leader.get("/trinh-ky").text
    review = leader.get(f"/trinh-ky/{batch}")
    assert "Phường Nha Trang" in review.text and 'data-verdict="rat_thap"' in review.text
    assert "data/ket_qua_2025.xlsx" in review.text  # the inputs
    assert 'id="cap-so" disabled' in clerk.get(f"/lo/{batch}").text
    refused = clerk.post(f"/lo/{batch}/cap-so", headers=csrf(clerk))  # pending: refused on the server too
    assert refused.status_code == 409 and "chờ lãnh đạo duyệt" in refused.text
    no_comment = leader.post(f"/trinh-ky/{batch}/quyet-dinh", headers=csrf(leader), data={"quyet_dinh": "tra_lai"})
    assert no_comment.status_code == 400 and "lý do" in no_comment.text
    assert approval.read_approval(folder).state == approval.SUBMIT
    leader.post(f"/trinh-ky/{batch}/quyet-dinh", headers=csrf(leader),
                data={"quyet_dinh": "tra_lai", "y_kien": "Sửa căn cứ"})
    assert approval.read_approval(folder).state == approval.RETURN
    officer.post(f"/lo/{batch}/trinh-ky", headers=csrf(officer), data={"ghi_chu": "Đã sửa"})
    approved = leader.post(f"/trinh-ky/{batch}/quyet-dinh", headers=csrf(leader), data={"quyet_dinh": "duyet"})
    assert "Đã duyệt lô" in approved.text
    history = approval.read_approval(folder).history
    assert [(d.action, d.person) for d in history] == [("trinh", "Chuyenvien (chuyenvien)"),
                                                       ("tra_lai", "Lanhdao (lanhdao)"),
                                                       ("trinh", "Chuyenvien (chuyenvien)"),
                                                       ("duyet", "Lanhdao (lanhdao)")]
    assert 'id="cap-so" disabled' not in clerk.get(f"/lo/{batch}").text
    issued = clerk.post(f"/lo/{batch}/cap-so", headers=csrf(clerk), follow_redirects=False)
    assert issued.status_code in (302, 303)
    actions = [(e.username, e.action, e.batch_id) for e in reversed(_journal(workspace))]
    assert [a for a in actions if a[2] == batch] == [("chuyenvien", "trình ký", batch), ("lanhdao", "trả lại", batch),
                                                     ("chuyenvien", "trình ký", batch), ("lanhdao", "duyệt", batch),
                                                     ("vanthu", "cấp số", batch)]


def test_when_approval_is_required_an_unsubmitted_batch_cannot_be_issued(app, workspace):
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[phe_duyet]\nbat_buoc = true\n", encoding="utf-8")
    batch = _batch(workspace)
    clerk = _client(app, "vanthu")
    assert 'id="cap-so" disabled' in clerk.get(f"/lo/{batch}").text
    refused = clerk.post(f"/lo/{batch}/cap-so", headers=csrf(clerk))
    assert refused.status_code == 409 and "chưa trình ký" in refused.text


def test_a_submitter_cannot_approve_their_own_batch(workspace):
    add_user(workspace, "canhan", OFFICER, LEADER)
    app = web_app(workspace)
    batch = _batch(workspace)
    client = _client(app, "canhan")
    client.post(f"/lo/{batch}/trinh-ky", headers=csrf(client), data={"ghi_chu": ""})
    refused = client.post(f"/trinh-ky/{batch}/quyet-dinh", headers=csrf(client), data={"quyet_dinh": "duyet"})
    assert refused.status_code == 409 and "không tự duyệt" in refused.text
    assert json.loads((load_workspace(workspace).drafts_dir / batch / "phe_duyet.json").read_text())["history"][-1][
        "action"] == "trinh"


def test_the_summary_workbook_and_report_download_from_the_batch_and_the_leaders_page(app, workspace):
    batch = _batch(workspace)
    folder = load_workspace(workspace).drafts_dir / batch
    report = folder / "tong_hop.docx"
    report.write_bytes(next(folder.glob("*nha-trang*.docx")).read_bytes())  # as the summary step writes it
    clerk = _client(app, "vanthu")
    page = clerk.get(f"/lo/{batch}").text
    assert 'id="tong-hop-xlsx"' in page and 'id="tong-hop-docx"' in page
    assert clerk.get(f"/lo/{batch}/tep/tong_hop.docx").content == report.read_bytes()
    assert clerk.get(f"/lo/{batch}/tep/tong_hop.xlsx").content == (folder / "tong_hop.xlsx").read_bytes()
    officer = _client(app, "chuyenvien")
    officer.post(f"/lo/{batch}/trinh-ky", headers=csrf(officer), data={"ghi_chu": ""})
    review = _client(app, "lanhdao").get(f"/trinh-ky/{batch}").text
    assert f'href="/lo/{batch}/tep/tong_hop.docx"' in review and f'href="/lo/{batch}/tep/tong_hop.xlsx"' in review


def test_a_composed_letter_is_submitted_approved_and_issued_like_a_batch(tmp_path):
    root = example_workspace(tmp_path, "002_gia_nghia")
    for name, role in (("lanhdao", LEADER), ("chuyenvien", OFFICER), ("vanthu", CLERK)):
        add_user(root, name, role)
    batch = compose(ComposeRequest(root, root / "thu.toml")).batch_dir.name
    app = web_app(root)
    officer, leader, clerk = (_client(app, name) for name in ("chuyenvien", "lanhdao", "vanthu"))
    officer.post(f"/lo/{batch}/trinh-ky", headers=csrf(officer), data={"ghi_chu": "Trình công văn"})
    review = leader.get(f"/trinh-ky/{batch}")
    assert review.status_code == 200 and "văn bản soạn riêng" in review.text
    leader.post(f"/trinh-ky/{batch}/quyet-dinh", headers=csrf(leader), data={"quyet_dinh": "duyet"})
    issued = clerk.post(f"/lo/{batch}/cap-so", headers=csrf(clerk), follow_redirects=False)
    assert issued.status_code in (302, 303)
    with Register(load_workspace(root).register_url) as register:
        assert [r.batch_id for r in register.records()] == [batch]


def test_a_list_edit_or_a_decision_without_its_csrf_token_changes_nothing(app, workspace):
    path = workspace / "recipients" / "danh_sach.toml"
    before = path.read_bytes()
    batch = _batch(workspace)
    client = _client(app, "vanphong")
    refused = client.post("/nguoi-nhan/danh-sach", data={"phien_ban": _versions(client.get("/nguoi-nhan").text),
                                                         "danh_sach": "chi-dao", "thao_tac": "them",
                                                         "noi_dung": "Sở Tư pháp"})
    assert refused.status_code == 403 and path.read_bytes() == before
    officer = _client(app, "chuyenvien")
    assert officer.post(f"/lo/{batch}/trinh-ky", data={"ghi_chu": ""}).status_code == 403
    assert approval.read_approval(load_workspace(workspace).drafts_dir / batch).state == approval.NONE
