"""`congvan web` in a real browser: Debian's chromium driven by Playwright against a `congvan web` server (with
its Huey consumer) on 127.0.0.1, in a tmp workspace. Screenshots of each page go to $CONGVAN_WEB_SCREENSHOTS
(docs/web/ when refreshing the docs) or the test's tmp folder."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from tests.browser_support import shots_folder
from tests.conftest import standard_sheets, write_workbook
from tests.web_support import PASSWORD

pytestmark = pytest.mark.browser

VERDICT_COLOURS = {"vuot": "rgb(198, 239, 206)", "dat": "rgb(226, 240, 217)", "chua_dat": "rgb(255, 235, 156)",
                   "rat_thap": "rgb(255, 199, 206)"}

def test_a_clerk_goes_from_workbook_to_letters_in_the_browser(server, browser, tmp_path):
    base, link, root = server
    shots = shots_folder(tmp_path)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page.set_default_timeout(20_000)

    # a logged-out visit lands on the sign-in page
    page.goto(base + "/lo")
    assert page.url.endswith("/dang-nhap")
    page.screenshot(path=shots / "dang-nhap.png")

    # the one-time link makes the first quản trị (every role)
    page.goto(link)
    page.fill("input[name=full_name]", "Nguyễn Văn Quản")
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.screenshot(path=shots / "cai-dat.png")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ket-qua")

    # Kết quả: the grid, coloured by verdict
    for verdict, colour in VERDICT_COLOURS.items():
        cell = page.locator(f'td[data-verdict="{verdict}"]').first
        assert cell.evaluate("c => getComputedStyle(c).backgroundColor") == colour, verdict
    page.screenshot(path=shots / "ket-qua.png", full_page=True)
    page.check("input[name=yeu]")  # htmx swaps the grid: only units with a weakness
    page.wait_for_function("() => !document.body.innerText.includes('Xã Cam Lâm')")
    assert page.locator("td", has_text="Phường Nha Trang").count() >= 1

    # a bad workbook: the refused cell named, nothing kept
    bad = standard_sheets()
    bad["UBND cấp xã"][4][2] = "tám mươi"
    page.set_input_files("input[name=tep]", str(write_workbook(tmp_path / "sai.xlsx", bad,
                                                                 formats={"Trạm y tế": "0.00%"})))
    page.click("text=Tải lên và kiểm tra")
    refused = page.locator("#bao-cao tbody tr").first.inner_text()
    assert "sai.xlsx" in refused and "UBND cấp xã" in refused and "tám mươi" in refused
    page.screenshot(path=shots / "ket-qua-tu-choi.png", full_page=True)
    assert not (root / "data" / "tai_len").exists()

    # a good workbook is kept and shown
    page.set_input_files("input[name=tep]", str(write_workbook(tmp_path / "tot.xlsx", standard_sheets(),
                                                                 formats={"Trạm y tế": "0.00%"})))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_url(re.compile(r".*/ket-qua\?tep=data/tai_len/.*tot\.xlsx"))
    assert page.locator("table.assessment").count() == 2

    # Nội dung: edit a text, save, preview the letter as page images
    page.click("nav >> text=Nội dung")
    page.fill("textarea[name=mo_dau]", "Sở Nội vụ đề nghị Ủy ban nhân dân {{ don_vi }} thực hiện các nội dung sau:")
    page.click("#noi-dung button[type=submit]")
    assert "Đã lưu" in page.locator(".alert.ok").inner_text()
    page.select_option("select[name=don_vi]", "Phường Nha Trang")
    page.click("#xem-truoc-form button")
    page.wait_for_selector("#xem-truoc img.page", timeout=60_000)
    page.screenshot(path=shots / "noi-dung.png", full_page=True)

    # Tạo văn bản: the job streams its progress to the end
    page.click("nav >> text=Tạo văn bản")
    page.screenshot(path=shots / "tao-van-ban.png")
    page.click("text=Tạo văn bản >> nth=-1")
    page.wait_for_selector("#tien-do[data-finished]", timeout=60_000)
    assert page.get_attribute("#tien-do", "data-finished") == "done"
    assert page.inner_text("#so-luong") == "5/5"
    page.screenshot(path=shots / "cong-viec.png")

    # the batch page: page images on click, the .zip with a letter that opens
    page.click("#lo")
    page.locator("text=xem trang").first.click()
    page.wait_for_selector("img.page", timeout=60_000)
    page.screenshot(path=shots / "lo-van-ban.png", full_page=True)
    with page.expect_download() as download:
        page.click("#tai-zip")
    archive = zipfile.ZipFile(download.value.path())
    name = next(n for n in archive.namelist() if "nha-trang" in n)
    letter = docx.Document(io.BytesIO(archive.read(name)))
    assert any("Sở Nội vụ đề nghị Ủy ban nhân dân phường Nha Trang" in p.text for p in letter.paragraphs)
    page.click("nav >> text=Lô văn bản")
    page.screenshot(path=shots / "danh-sach-lo.png")

    # a chuyên viên made by the quản trị cannot issue nor read the journal
    page.click("nav >> text=Người dùng")
    page.fill("input[name=full_name]", "Trần Thị Chuyên")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.check("input[value=chuyen_vien]")
    page.click("form[action=\"/nguoi-dung/them\"] button")
    assert page.locator("td", has_text="chuyenvien").count() == 1
    page.screenshot(path=shots / "nguoi-dung.png")
    page.click("nav >> text=Nhật ký")
    assert page.locator("td", has_text="tạo lô văn bản").count() == 1
    page.screenshot(path=shots / "nhat-ky.png")
    page.click("text=Đăng xuất")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ket-qua")
    response = page.goto(base + "/nhat-ky")
    assert response is not None and response.status == 403
    assert "Không có quyền" in page.inner_text("h1")
    page.screenshot(path=shots / "khong-co-quyen.png")
    page.goto(base + "/lo")
    page.locator("table.data a").first.click()
    assert page.locator("text=Cấp số").count() == 0
