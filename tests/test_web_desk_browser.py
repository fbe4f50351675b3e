"""The văn phòng and the lãnh đạo in a real browser (chromium through Playwright, a real `congvan web`):
a secretary edits a list and the next batch uses it; a leader returns then approves a batch and the văn thư
issues it. Screenshots go to $CONGVAN_WEB_SCREENSHOTS (docs/web/ when refreshing the docs)."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from congvan.batch import approval
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from congvan.register.store import Register
from congvan.web.auth import CLERK, LEADER, OFFICE, OFFICER
from tests.browser_support import shots_folder, signed_in
from tests.web_support import add_user

pytestmark = pytest.mark.browser


def _texts(document: docx.document.Document) -> list[str]:
    """Every paragraph of the letter, those in tables (the Nơi nhận block) included."""
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p.text for p in cell.paragraphs]
    return found


def test_a_secretary_edits_a_list_and_the_next_batch_uses_it(server, browser, tmp_path):
    base, _link, root = server
    shots = shots_folder(tmp_path)
    add_user(root, "vanphong", OFFICE)
    add_user(root, "chuyenvien", OFFICER)
    page = signed_in(browser, base, "vanphong")
    page.goto(base + "/nguoi-nhan")
    chi_dao = page.locator('section[data-list="chi-dao"]')

    # add a recipient with a note: the htmx fragment comes back saying so; the file has it
    chi_dao.locator("input[name=noi_dung]").fill("Sở Tư pháp")
    chi_dao.locator("button[value=them]").click()
    page.wait_for_selector(".alert.ok")
    assert "Đã thêm “Sở Tư pháp”" in page.inner_text(".alert.ok")
    row = page.locator('section[data-list="chi-dao"] tr', has_text="Sở Tư pháp")
    row.locator("input[value='p/h']").check()  # a ticked note saves at once
    page.wait_for_function("() => document.querySelector('.alert.ok').innerText.includes('Sở Tư pháp (p/h)')")
    page.locator('section[data-list="chi-dao"] tr', has_text="Sở Tư pháp").locator("button[value=len]").click()
    page.wait_for_function("() => document.querySelector('.alert.ok').innerText.includes('Đã chuyển')")
    entries = page.locator('section[data-list="chi-dao"] td.entry').all_inner_texts()
    assert entries.index("Sở Tư pháp") == entries.index("Trung tâm Phục vụ hành chính công tỉnh") - 1
    assert '"Sở Tư pháp (p/h)"' in (root / "recipients" / "danh_sach.toml").read_text(encoding="utf-8")

    # the preview prints Kính gửi and Nơi nhận as the letter will
    page.select_option("#xem-nguoi-nhan select[name=don_vi]", "Phường Nha Trang")
    page.click("#xem-nguoi-nhan button")
    page.wait_for_selector("#ban-in-nguoi-nhan")
    assert "- Sở Tư pháp (p/h);" in page.inner_text("#ban-in-nguoi-nhan")
    page.screenshot(path=shots / "nguoi-nhan.png", full_page=True)

    # a list the check refuses: shown on the page, nothing written
    before = (root / "recipients" / "danh_sach.toml").read_bytes()
    chi_dao.locator("input[name=noi_dung]").fill("@khong-co")
    chi_dao.locator("button[value=them]").click()
    page.wait_for_selector("#tu-choi")
    assert "khong-co" in page.inner_text("#tu-choi")
    page.locator("#tu-choi").screenshot(path=shots / "nguoi-nhan-tu-choi.png")
    assert (root / "recipients" / "danh_sach.toml").read_bytes() == before

    # the chuyên viên's next batch uses the list
    officer = signed_in(browser, base, "chuyenvien")
    officer.goto(base + "/tao-van-ban")
    officer.click("text=Tạo văn bản >> nth=-1")
    officer.wait_for_selector("#tien-do[data-finished]", timeout=60_000)
    assert officer.get_attribute("#tien-do", "data-finished") == "done"
    officer.click("#lo")
    with officer.expect_download() as download:
        officer.click("#tai-zip")
    archive = zipfile.ZipFile(download.value.path())
    name = next(n for n in archive.namelist() if "nha-trang" in n)
    texts = _texts(docx.Document(io.BytesIO(archive.read(name))))
    assert "- Sở Tư pháp (p/h);" in texts


def test_a_leader_returns_then_approves_a_batch_and_the_clerk_issues_it(server, browser, tmp_path):
    base, _link, root = server
    shots = shots_folder(tmp_path)
    for username, role in (("chuyenvien", OFFICER), ("lanhdao", LEADER), ("vanthu", CLERK)):
        add_user(root, username, role)
    batch = build_letters(BuildRequest(workspace=root)).report.batch
    folder = load_workspace(root).drafts_dir / batch
    officer, leader, clerk = (signed_in(browser, base, name) for name in ("chuyenvien", "lanhdao", "vanthu"))

    officer.goto(f"{base}/lo/{batch}")
    officer.fill("#trinh-ky input[name=ghi_chu]", "Kính trình lãnh đạo ký ban hành.")
    officer.click("#trinh-ky button")
    assert "Đã trình ký" in officer.inner_text(".alert.ok")
    assert officer.inner_text("#tinh-trang") == "chờ duyệt"

    clerk.goto(f"{base}/lo/{batch}")  # not approved: Cấp số is shown disabled
    assert clerk.locator("#cap-so").is_disabled()

    leader.goto(base + "/trinh-ky")
    leader.click(f"a[href='/trinh-ky/{batch}']")
    leader.locator("text=xem trang").first.click()
    leader.wait_for_selector("img.page", timeout=60_000)
    assert leader.locator('td[data-verdict="rat_thap"]').count() >= 1  # the assessment grid
    leader.screenshot(path=shots / "trinh-ky.png", full_page=True)
    leader.click("button[value=tra_lai]")  # no comment: refused, still waiting
    assert "lý do" in leader.inner_text("#tu-choi")
    leader.fill("textarea[name=y_kien]", "Bổ sung căn cứ Kế hoạch 2026.")
    leader.click("button[value=tra_lai]")
    assert leader.inner_text("#tinh-trang").startswith("bị trả lại")

    officer.goto(f"{base}/lo/{batch}")
    assert "Bổ sung căn cứ Kế hoạch 2026." in officer.inner_text("#phe-duyet")
    officer.fill("#trinh-ky input[name=ghi_chu]", "Đã bổ sung căn cứ.")
    officer.click("#trinh-ky button")

    leader.goto(base + "/trinh-ky")
    leader.screenshot(path=shots / "trinh-ky-danh-sach.png")
    leader.click(f"a[href='/trinh-ky/{batch}']")
    leader.click("button[value=duyet]")
    assert "Đã duyệt lô" in leader.inner_text(".alert.ok")
    assert leader.inner_text("#tinh-trang").startswith("đã duyệt (Lanhdao (lanhdao)")
    assert [d.action for d in approval.read_approval(folder).history] == ["trinh", "tra_lai", "trinh", "duyet"]

    clerk.goto(f"{base}/lo/{batch}")
    assert clerk.locator("#cap-so").is_enabled()
    clerk.screenshot(path=shots / "lo-da-duyet.png", full_page=True)
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.click("#cap-so")
    assert re.search(r"Đã cấp số 5 văn bản", clerk.inner_text(".alert.ok"))
    with Register(load_workspace(root).register_url) as register:
        assert len([r for r in register.records() if r.batch_id == batch]) == 5
