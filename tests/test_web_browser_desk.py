"""The văn thư's register desk and the chuyên viên's one-off letter in a real browser (fixtures and screenshots
as tests/test_web_browser.py): issue with the confirmation page, void with a reason, export, verify; compose,
approve, issue and open the issued .docx."""

from __future__ import annotations

import io
import json
import re
import time

import docx
import openpyxl
import pytest

from congvan import clock
from congvan.batch import approval
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from tests.browser_support import shots_folder  # the server and browser fixtures: tests/browser_support.py
from tests.web_support import PASSWORD

pytestmark = pytest.mark.browser
INVITATION = ("Sở Nội vụ trân trọng kính mời:\n\n- Thời gian: 08 giờ 00, **ngày 15 tháng 12**;\n"
              "- Địa điểm: *Hội trường Sở Nội vụ*./.")


def _first_user(page, base: str, link: str) -> None:
    """The one-time link makes the first quản trị, who has every role."""
    page.goto(link)
    page.fill("input[name=full_name]", "Nguyễn Văn Quản")
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ket-qua")


def test_a_clerk_issues_voids_exports_and_verifies(server, browser, tmp_path):  # noqa: F811
    base, link, root = server
    shots = shots_folder(tmp_path)
    batch = build_letters(BuildRequest(workspace=root)).report.batch
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page.set_default_timeout(20_000)
    _first_user(page, base, link)

    page.goto(f"{base}/lo/{batch}")
    page.click("#xem-so-se-cap")
    planned = page.locator("#so-se-cap tbody td:nth-child(3)").all_inner_texts()
    assert planned == [f"{n:02d}/SNV-CCHC" for n in range(1, 6)]
    page.screenshot(path=shots / "cap-so-xac-nhan.png", full_page=True)
    page.click("#cap-so")
    page.wait_for_selector("#so-da-cap")
    assert page.locator("#so-da-cap tbody td:nth-child(3)").all_inner_texts() == planned
    page.screenshot(path=shots / "cap-so-xong.png", full_page=True)

    page.click("nav >> text=Sổ văn bản đi")
    page.fill("input[name=don_vi]", "nha trang")  # no tone marks: still found
    page.click("#loc button[type=submit]")
    page.wait_for_url(re.compile(r".*don_vi=nha\+trang.*"))
    assert page.locator("#so tbody tr").count() == 1
    page.screenshot(path=shots / "so-van-ban.png", full_page=True)
    page.locator("#so tbody a").first.click()
    number = page.inner_text("h1").removeprefix("Số ")
    page.click("#thu-hoi")
    page.click("#xac-nhan-thu-hoi button[type=submit]")  # no reason: the browser keeps the form
    assert page.url.endswith("/thu-hoi")
    page.fill("textarea[name=ly_do]", "Gửi nhầm nội dung")
    page.screenshot(path=shots / "thu-hoi.png")
    page.click("#xac-nhan-thu-hoi button[type=submit]")
    assert "ĐÃ THU HỒI" in page.inner_text("h1") and "Gửi nhầm nội dung" in page.inner_text("#truong")
    page.screenshot(path=shots / "so-van-ban-mot-so.png", full_page=True)

    page.click("nav >> text=Sổ văn bản đi")
    with page.expect_download() as download:
        page.click("#xuat-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert any("Gửi nhầm nội dung" in str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    with page.expect_download() as download:
        page.click("#xuat-json")
    exported = json.loads(download.value.path().read_bytes())["OutgoingDocuments"]
    assert [d["Status"] for d in exported].count("voided") == 1 and len(exported) == 5
    page.click("#kiem-tra")
    assert "Sổ khớp: 5 dòng" in page.inner_text("#ket-luan")
    page.screenshot(path=shots / "kiem-tra-so.png", full_page=True)
    assert number.endswith("/SNV-CCHC")


def test_an_officer_composes_a_letter_that_is_approved_and_issued(server, browser, tmp_path):  # noqa: F811
    base, link, root = server
    shots = shots_folder(tmp_path)
    page = browser.new_page(viewport={"width": 1366, "height": 1000}, locale="vi-VN")
    page.set_default_timeout(20_000)
    _first_user(page, base, link)

    page.click("nav >> text=Soạn văn bản")
    page.select_option("select[name=loai]", "giấy mời")
    page.fill("input[name=trich_yeu]", "Dự hội nghị tổng kết công tác cải cách hành chính")
    page.fill("textarea[name=kinh_gui]", "Ủy ban nhân dân phường Nha Trang")
    page.fill("textarea[name=noi_dung]", INVITATION + "\n\nDòng có {{ ten_sai }}.")
    page.wait_for_selector("#xem-truoc .alert.error", timeout=60_000)  # the mistake, by line, after the pause
    assert "dòng 6" in page.inner_text("#xem-truoc") and "ten_sai" in page.inner_text("#xem-truoc")
    started = time.monotonic()
    page.fill("textarea[name=noi_dung]", INVITATION)
    page.wait_for_selector("#xem-truoc img.page", timeout=60_000)
    print(f"live preview: {time.monotonic() - started:.1f} s after the last key (1.5 s of it the pause)")
    page.screenshot(path=shots / "soan-van-ban.png", full_page=True)
    page.click("#tao-ban-nhap")
    page.wait_for_url(re.compile(r".*/lo/[\w-]+\?message=.*"))
    batch = re.search(r"/lo/([\w-]+)", page.url).group(1)
    assert "soan/du-hoi-nghi-tong-ket" in page.inner_text(".alert.ok")

    folder = load_workspace(root).drafts_dir / batch  # a lãnh đạo approves through the approval library
    approval.decide(folder, approval.SUBMIT, "Trần Thị Chuyên")
    approval.decide(folder, approval.APPROVE, "Lê Văn Lãnh")
    page.reload()
    page.click("#xem-so-se-cap")
    assert "đã duyệt (Lê Văn Lãnh" in page.inner_text("#phe-duyet")
    page.click("#cap-so")
    page.wait_for_selector("#so-da-cap")
    assert page.locator("#so-da-cap tbody td:nth-child(3)").all_inner_texts() == ["01/GM-SNV"]
    page.locator("#so-da-cap a").first.click()
    with page.expect_download() as download:
        page.click("#tai-tep")
    letter = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    cells = [c.text for t in letter.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in letter.paragraphs] + cells)
    assert "Số: 01/GM-SNV" in text and "GIẤY MỜI" in text and "Hội trường Sở Nội vụ" in text
    assert f"năm {clock.today().year}" in text
