"""The văn thư's *Sổ văn bản đi* through Litestar's test client: cấp số with its confirmation page, the filtered
table, void (reason required), reserve, set-next, mark sent, exports that parse, verify, recreate, the letter view."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import openpyxl
import pytest
from litestar.testing import TestClient
from lxml import etree
from pypdf import PdfReader

from congvan import clock
from congvan.batch.register_flows import NumberRequest, show
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from congvan.register import journal
from congvan.register.store import Register
from congvan.web.auth import CLERK
from tests.conftest import require_tool
from tests.web_support import add_user, csrf, sign_in, web_app

YEAR, TODAY = clock.today().year, clock.today().isoformat()


@pytest.fixture
def client(workspace):
    add_user(workspace, "vanthu", CLERK)
    with TestClient(web_app(workspace)) as client:
        sign_in(client, "vanthu")
        yield client


@pytest.fixture
def batch(workspace) -> str:
    return build_letters(BuildRequest(workspace=workspace)).report.batch


def _issue(client, batch: str) -> list[str]:
    response = client.post(f"/so-van-ban/cap-so/{batch}", headers=csrf(client))
    assert response.status_code == 200, response.text
    return re.findall(r'<a href="/so-van-ban/\d+/\d+">([^<]+)</a>', response.text)


def _numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/so-van-ban/\d+/\d+">([^<]+)</a>', html)


def _journal(workspace) -> list[journal.Entry]:
    with Register(load_workspace(workspace).register_url) as register:
        return journal.recent(register)


def test_the_confirmation_shows_the_numbers_to_take_and_the_issue_takes_them(client, workspace, batch):
    before = client.get(f"/so-van-ban/cap-so/{batch}")
    planned = re.findall(r"<td>(\d{2}/[^<]+)</td>", before.text)
    assert planned == [f"{n:02d}/SNV-CCHC" for n in range(1, 6)]
    assert "0 dòng" in client.get("/so-van-ban").text  # looking took no number
    taken = _issue(client, batch)
    assert taken == planned
    assert show(NumberRequest(workspace, "05", YEAR)).batch_id == batch
    assert any(e.action == "cấp số" and e.batch_id == batch for e in _journal(workspace))
    again = client.get(f"/so-van-ban/cap-so/{batch}")
    assert again.text.count("đã có số") == 5


def test_the_table_filters_from_the_url_accent_insensitive_and_pages(client, workspace, batch):
    _issue(client, batch)
    everything = client.get(f"/so-van-ban?nam={YEAR}")
    assert "5 dòng" in everything.text and _numbers(everything.text)[0] == "05/SNV-CCHC"  # newest first
    unit = client.get("/so-van-ban?don_vi=" + quote("nha trang"))
    assert _numbers(unit.text) == [next(r for r in _rows(workspace) if r.unit == "Phường Nha Trang").number_symbol]
    ranged = client.get("/so-van-ban?tu=2&den=3")
    assert _numbers(ranged.text) == ["03/SNV-CCHC", "02/SNV-CCHC"]
    subject = _rows(workspace)[0].subject
    plain = client.get("/so-van-ban?trich_yeu=" + quote("CHI SO HAI LONG cua to chuc"))
    assert "chỉ số hài lòng của tổ chức" in subject.lower() and len(_numbers(plain.text)) == 5
    assert _numbers(client.get("/so-van-ban?trich_yeu=" + quote("hai long cua ca nhan")).text) == []
    first = client.get(f"/so-van-ban?nam={YEAR}&dong=2")
    assert _numbers(first.text) == ["05/SNV-CCHC", "04/SNV-CCHC"] and "trang 1/3" in first.text
    following = re.search(r'<a href="([^"]+)" id="trang-sau">', first.text).group(1).replace("&amp;", "&")
    assert following == f"/so-van-ban?nam={YEAR}&dong=2&trang=2"  # the filters stay in the link
    assert _numbers(client.get(following).text) == ["03/SNV-CCHC", "02/SNV-CCHC"]
    bad = client.get("/so-van-ban?tu=hai")
    assert bad.status_code == 400 and "Từ số &#39;hai&#39; không phải số" in bad.text


def _rows(workspace):
    with Register(load_workspace(workspace).register_url) as register:
        return register.records()


def test_a_void_needs_its_reason_then_is_kept_with_it(client, workspace, batch):
    _issue(client, batch)
    confirm = client.get(f"/so-van-ban/{YEAR}/2/thu-hoi")
    assert "Lý do thu hồi (bắt buộc)" in confirm.text
    refused = client.post(f"/so-van-ban/{YEAR}/2/thu-hoi", data={"ly_do": "  "}, headers=csrf(client))
    assert refused.status_code == 422 and "Chưa ghi lý do thu hồi" in refused.text
    assert not show(NumberRequest(workspace, "02", YEAR)).voided
    done = client.post(f"/so-van-ban/{YEAR}/2/thu-hoi", data={"ly_do": "Gửi nhầm đơn vị"}, headers=csrf(client))
    record = show(NumberRequest(workspace, "02", YEAR))
    assert record.voided and record.void_reason == "Gửi nhầm đơn vị"
    assert "ĐÃ THU HỒI" in done.text and "Gửi nhầm đơn vị" in done.text
    assert any(e.action == "thu hồi số" and e.number == "02/SNV-CCHC" for e in _journal(workspace))
    voided = client.get("/so-van-ban?tinh_trang=voided")
    assert _numbers(voided.text) == ["02/SNV-CCHC"]


def test_reserve_set_next_and_mark_sent(client, workspace, batch):
    _issue(client, batch)
    reserved = client.post("/so-van-ban/lay-so", data={"loai": "Quyết định", "trich_yeu": "Về việc khen thưởng"},
                           headers=csrf(client))
    assert "Đã lấy số 06/QĐ-SNV" in reserved.text
    moved = client.post("/so-van-ban/so-tiep-theo", data={"nam": str(YEAR), "so": "20"}, headers=csrf(client))
    assert f"Số tiếp theo của năm {YEAR}: 20" in moved.text
    client.post("/so-van-ban/lay-so", data={"loai": "Công văn", "trich_yeu": "V/v họp giao ban"}, headers=csrf(client))
    assert show(NumberRequest(workspace, "20", YEAR)).subject == "họp giao ban"
    sent = client.post(f"/so-van-ban/{YEAR}/1/da-gui", data={"ngay_chuyen": TODAY, "ky_nhan": "Lê Văn Nhận"},
                       headers=csrf(client))
    record = show(NumberRequest(workspace, "01", YEAR))
    assert record.sent_date.isoformat() == TODAY and record.receipt == "Lê Văn Nhận"
    assert "Lê Văn Nhận" in sent.text
    assert _numbers(client.get("/so-van-ban?tinh_trang=sent").text) == ["01/SNV-CCHC"]
    assert _numbers(client.get("/so-van-ban?loai=QĐ").text) == ["06/QĐ-SNV"]


def test_exports_download_and_parse(client, workspace, batch):
    _issue(client, batch)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/so-van-ban/xuat/xlsx?nam={YEAR}").content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert any("05/SNV-CCHC" in c or c == "05" for c in cells)
    data = json.loads(client.get("/so-van-ban/xuat/json").content)
    assert [d["CodeNumber"] for d in data["OutgoingDocuments"]] == ["01", "02", "03", "04", "05"]
    response = client.get("/so-van-ban/xuat/xml")
    assert 'filename="so_van_ban_di_tat_ca.xml"' in response.headers["content-disposition"]
    assert len(etree.fromstring(response.content).findall("Document")) == 5
    assert client.get("/so-van-ban/xuat/csv").status_code == 400


def test_verify_recreate_and_the_letter_view(client, workspace, batch):
    _issue(client, batch)
    assert "Sổ khớp: 5 dòng" in client.get("/so-van-ban/kiem-tra").text
    view = client.get(f"/so-van-ban/{YEAR}/3")
    record = show(NumberRequest(workspace, "03", YEAR))
    assert record.sha256 in view.text and "tệp khớp mã băm" in view.text and "khớp (5 dòng" in view.text
    assert "cấp số" in view.text  # the history: the journal entry of the batch
    again = client.post(f"/so-van-ban/{YEAR}/3/tao-lai", headers=csrf(client))
    assert again.headers["x-congvan-giong-ban-cap"] == "true"
    assert again.content == (load_workspace(workspace).archive_dir / record.file_path).read_bytes()
    (load_workspace(workspace).archive_dir / record.file_path).write_bytes(b"sua")
    report = client.get("/so-van-ban/kiem-tra")
    assert "Sổ có sai lệch" in report.text and "tệp đã bị sửa" in report.text and "03/SNV-CCHC" in report.text
    assert "tệp đã bị sửa: mã băm khác" in client.get(f"/so-van-ban/{YEAR}/3").text


def test_the_print_bundle_of_the_year_is_a_job_with_its_download(client, workspace, batch):
    require_tool("soffice")
    _issue(client, batch)
    client.post(f"/so-van-ban/{YEAR}/4/thu-hoi", data={"ly_do": "Sai đơn vị"}, headers=csrf(client))
    started = client.post("/so-van-ban/ban-in", data={"nam": str(YEAR)}, headers=csrf(client), follow_redirects=False)
    job = client.get(started.headers["location"])
    assert "xong" in job.text and f'href="/so-van-ban/ban-in/{YEAR}"' in job.text
    bundle = PdfReader(io.BytesIO(client.get(f"/so-van-ban/ban-in/{YEAR}").content))
    titles = [item.title for item in bundle.outline]
    assert len(titles) == 4 and not any(t.startswith("04/") for t in titles)  # the voided letter left out
    assert any(e.action == "tạo bản in PDF sổ văn bản" for e in _journal(workspace))
