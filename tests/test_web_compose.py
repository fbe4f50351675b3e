"""*Soạn văn bản* through Litestar's test client: the form kept as soan/…/thu.toml for the CLI, its draft batch
approved and issued with the type's symbol, a markup mistake named by line next to its field, nothing kept."""

from __future__ import annotations

import io
import re
import time

import docx
import pytest
from litestar.testing import TestClient

from congvan import clock
from congvan.batch import approval, drafts
from congvan.batch.register_flows import NumberRequest, show
from congvan.compose.letter import read_letter
from congvan.config import load_workspace
from congvan.web.auth import CLERK, OFFICER
from tests.conftest import require_tool
from tests.web_support import add_user, csrf, sign_in, web_app

BODY = """Thực hiện Kế hoạch số 15/KH-UBND, Sở Nội vụ thông báo lịch tiếp công dân năm {{ nam_sau }}:

1. Niêm yết công khai lịch tiếp công dân.

- Tổng hợp kết quả, **báo cáo trước ngày 15 hằng tháng**./."""

FORM = {"loai": "thông báo", "trich_yeu": "Lịch tiếp công dân định kỳ", "noi_dung": BODY,
        "kinh_gui": "Ủy ban nhân dân phường Nha Trang", "noi_nhan": "Lãnh đạo Sở",
        "phu_luc_1_tieu_de": "DANH SÁCH CÁN BỘ TIẾP CÔNG DÂN",
        "phu_luc_1": "| Họ tên | Chức vụ |\n|---|---|\n| An | CV |"}


@pytest.fixture
def app(workspace):
    add_user(workspace, "chuyenvien", OFFICER)
    add_user(workspace, "vanthu", CLERK)
    return web_app(workspace)


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    sign_in(client, username)
    return client


def test_a_composed_letter_is_kept_for_the_cli_approved_and_issued(app, workspace):
    officer = _signed_in(app, "chuyenvien")
    made = officer.post("/soan-van-ban/tao", data=FORM, headers=csrf(officer), follow_redirects=False)
    assert made.status_code in (302, 303), made.text
    batch = re.search(r"/lo/([\w-]+)", made.headers["location"]).group(1)
    [kept] = (workspace / "soan").iterdir()
    assert kept.name == "lich-tiep-cong-dan-dinh-ky"
    source = read_letter(kept / "thu.toml")  # the CLI reads it as it is
    assert source.front.loai == "thông báo" and source.front.phu_luc[0].tieu_de == FORM["phu_luc_1_tieu_de"]
    assert (kept / "noi_dung.txt").read_text(encoding="utf-8") == BODY
    again = officer.post("/soan-van-ban/tao", data=FORM, headers=csrf(officer), follow_redirects=False)
    assert again.status_code in (302, 303) and (workspace / "soan" / "lich-tiep-cong-dan-dinh-ky-2").is_dir()

    folder = load_workspace(workspace).drafts_dir / batch
    approval.decide(folder, approval.SUBMIT, "Trần Thị Chuyên")
    approval.decide(folder, approval.APPROVE, "Nguyễn Văn Lãnh")
    clerk = _signed_in(app, "vanthu")
    confirm = clerk.get(f"/so-van-ban/cap-so/{batch}")
    assert "đã duyệt (Nguyễn Văn Lãnh" in confirm.text and "01/TB-SNV" in confirm.text
    issued = clerk.post(f"/so-van-ban/cap-so/{batch}", headers=csrf(clerk))
    assert "01/TB-SNV" in issued.text
    record = show(NumberRequest(workspace, "01", clock.today().year))
    assert record.type_name == "Thông báo" and record.subject == "Lịch tiếp công dân định kỳ"
    letter = docx.Document(io.BytesIO((load_workspace(workspace).archive_dir / record.file_path).read_bytes()))
    cells = [c.text for t in letter.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in letter.paragraphs] + cells)
    assert "Số: 01/TB-SNV" in text
    assert re.search(r"Sở Nội vụ thông báo lịch tiếp công dân năm 20\d\d:", text) and "{{" not in text
    assert "DANH SÁCH CÁN BỘ TIẾP CÔNG DÂN" in text


def test_a_markup_mistake_is_named_by_line_next_to_its_field_and_nothing_is_kept(app, workspace):
    officer = _signed_in(app, "chuyenvien")
    wrong = {**FORM, "noi_dung": "Dòng một.\n\nDòng ba có {{ ten_la }}."}
    refused = officer.post("/soan-van-ban/tao", data=wrong, headers=csrf(officer))
    assert refused.status_code == 422
    beside = re.search(r'<div class="alert error field-error" id="loi-noi_dung" role="alert">([^<]+)</div>',
                       refused.text)
    assert beside and "dòng 3" in beside.group(1) and "ten_la" in beside.group(1)
    assert "Dòng ba có {{ ten_la }}." in refused.text  # the typed text is kept in the form
    assert not list((workspace / "soan").glob("*"))  # only hidden leftovers would match nothing: none either
    assert not list(load_workspace(workspace).drafts_dir.glob("*"))


def test_the_compose_pages_are_the_officers(app):
    clerk = _signed_in(app, "vanthu")
    assert clerk.get("/soan-van-ban").status_code == 403
    officer = _signed_in(app, "chuyenvien")
    page = officer.get("/soan-van-ban")
    assert "Tạo bản nháp" in page.text and re.search(r'<option value="@[\w-]+">', page.text)
    assert officer.post("/soan-van-ban/tao", data=FORM).status_code == 403  # no CSRF token


def test_the_live_preview_shows_the_pages_or_the_mistake_by_line(app, workspace):
    require_tool("soffice")
    officer = _signed_in(app, "chuyenvien")
    started = time.monotonic()
    shown = officer.post("/soan-van-ban/xem-truoc", data=FORM, headers={**csrf(officer), "hx-request": "true"})
    took = time.monotonic() - started
    images = re.findall(r'<img src="([^"]+)"', shown.text)
    assert len(images) == 2, shown.text  # the letter, then the phụ lục's page
    assert officer.get(images[0]).headers["content-type"] == "image/png"
    assert took < 30
    wrong = officer.post("/soan-van-ban/xem-truoc", data={**FORM, "phu_luc_1": "**chưa đóng"},
                         headers={**csrf(officer), "hx-request": "true"})
    assert "Ô «Phụ lục 1»: dòng 1" in wrong.text and "<img" not in wrong.text
    assert not (workspace / "soan").exists() and not list(load_workspace(workspace).drafts_dir.glob("*"))


def test_a_word_body_and_a_mail_merge_make_one_letter_per_unit(app, workspace, tmp_path):
    body = docx.Document()
    body.add_paragraph("Đề nghị Ủy ban nhân dân {{ don_vi }} báo cáo trước ngày 15./.")
    body.save(tmp_path / "than.docx")
    officer = _signed_in(app, "chuyenvien")
    page = officer.get("/soan-van-ban")
    assert '<option value="@thuong-truc">' in page.text  # the picker lists the workspace's recipients lists
    form = {"loai": "công văn", "trich_yeu": "báo cáo định kỳ", "gui_tung_don_vi": "@thuong-truc"}
    made = officer.post("/soan-van-ban/tao", data=form, headers=csrf(officer), follow_redirects=False,
                        files={"tep_noi_dung": ("than.docx", (tmp_path / "than.docx").read_bytes())})
    assert made.status_code in (302, 303), made.text
    kept = workspace / "soan" / "bao-cao-dinh-ky"
    assert (kept / "noi_dung.docx").read_bytes() == (tmp_path / "than.docx").read_bytes()
    assert not (kept / "noi_dung.txt").exists()
    batch = load_workspace(workspace).drafts_dir / re.search(r"/lo/([\w-]+)", made.headers["location"]).group(1)
    letters = [batch / row.file for row in drafts.letter_rows(batch)]
    assert len(letters) > 1
    texts = ["\n".join(p.text for p in docx.Document(str(path)).paragraphs) for path in letters]
    assert all("Đề nghị Ủy ban nhân dân" in t and "{{" not in t for t in texts)
    assert len(set(texts)) == len(texts)  # each unit its own letter
