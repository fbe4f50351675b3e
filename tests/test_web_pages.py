"""`congvan web` pages through Litestar's test client: the results report and grid, a build job to its batch
and downloads, the letter texts saved with their comments and checked."""

from __future__ import annotations

import io
import re
import time
import zipfile

import docx
import pytest
from litestar.testing import TestClient

from congvan.web import jobs
from congvan.web.auth import OFFICER
from congvan.web.build_pages import progress_view
from tests.conftest import UNITS, standard_sheets, write_workbook
from tests.web_support import add_user, csrf, sign_in, web_app


@pytest.fixture
def client(workspace):
    add_user(workspace, "chuyenvien", OFFICER)
    with TestClient(web_app(workspace)) as client:
        sign_in(client, "chuyenvien")
        yield client


def _workbook(tmp_path, sheets) -> bytes:
    return write_workbook(tmp_path / "up.xlsx", sheets, formats={"Trạm y tế": "0.00%"}).read_bytes()


def bad_sheets():
    sheets = standard_sheets()
    sheets["UBND cấp xã"][4][2] = "tám mươi"  # row 5 of the sheet: Phường Cam Ranh, column D
    return sheets


def test_a_good_workbook_is_kept_and_its_grid_shows_verdicts(client, workspace, tmp_path):
    upload = {"tep": ("kết quả mới.xlsx", _workbook(tmp_path, standard_sheets()))}
    response = client.post("/ket-qua/tai-len", files=upload, headers=csrf(client))
    assert response.status_code == 200
    kept = list((workspace / "data" / "tai_len").iterdir())
    assert [p.name.split("_", 1)[1] for p in kept] == ["kết quả mới.xlsx"]
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)</td><td>([^<]+)</td>(.*?)</tr>", response.text, re.S)
    ubnd = rows[:len(UNITS)]
    assert {unit for _rank, unit, _cells in ubnd} == set(UNITS)
    nha_trang = next(cells for _rank, unit, cells in ubnd if unit == "Phường Nha Trang")
    verdicts = re.findall(r'data-verdict="(\w+)"[^>]*>([^<]*)<', nha_trang)
    assert verdicts[0] == ("rat_thap", "72,27%") and verdicts[2] == ("vuot", "85,70%")
    assert ubnd[0][1] == "Xã Cam Lâm" and ubnd[0][0] == "1"


def test_units_with_weaknesses_filter_and_sorting(client):
    weak = client.get("/ket-qua?yeu=true&xep=ten", headers={"hx-request": "true"})
    units = re.findall(r'<td class="num">\d+</td><td>([^<]+)</td>', weak.text)
    assert "Xã Cam Lâm" not in units and "Phường Nha Trang" in units
    assert units[:3] == ["Phường Cam Ranh", "Phường Nha Trang", "Xã Diên Khánh"]  # the UBND table
    by_access = client.get("/ket-qua?xep=tiep_can", headers={"hx-request": "true"})
    ordered = re.findall(r'<td class="num">\d+</td><td>([^<]+)</td>', by_access.text)[:len(UNITS)]
    assert ordered[0] == "Xã Diên Khánh"  # lowest Tiếp cận dịch vụ first


def test_a_refused_workbook_names_the_cell_and_keeps_nothing(client, workspace, tmp_path):
    response = client.post("/ket-qua/tai-len", files={"tep": ("sai.xlsx", _workbook(tmp_path, bad_sheets()))},
                           headers=csrf(client))
    assert response.status_code == 422
    refusal = re.search(r'<tbody><tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>',
                        response.text)
    assert refusal.group(1) == "sai.xlsx" and refusal.group(2) == "UBND cấp xã" and refusal.group(3) == "5"
    assert refusal.group(4) == "Tiếp cận dịch vụ" and "tám mươi" in refusal.group(5)
    assert "chưa lưu gì" in response.text
    assert not (workspace / "data" / "tai_len").exists()


def test_a_build_job_makes_a_batch_to_download(client, workspace):
    started = client.post("/tao-van-ban/bat-dau", data={"tep": "data/ket_qua_2025.xlsx"}, headers=csrf(client),
                          follow_redirects=False)
    job = started.headers["location"]
    events = client.get(f"{job}/tien-do").text
    last = [line for line in events.splitlines() if line.startswith("data:")][-1]
    assert '"status": "done"' in last and '"done": 5' in last and '"total": 5' in last
    batch = re.search(r'"batch": "([^"]+)"', last).group(1)
    page = client.get(f"/lo/{batch}")
    assert page.text.count(".docx</a>") == len(UNITS)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/lo/{batch}/zip").content))
    assert len(archive.namelist()) == len(UNITS)
    name = next(n for n in archive.namelist() if "nha-trang" in n)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(archive.read(name))).paragraphs)
    assert "Ủy ban nhân dân phường Nha Trang" in text
    one = client.get(f"/lo/{batch}/tep/{name}")
    assert one.status_code == 200 and one.content == archive.read(name)
    journal = client.get("/nhat-ky")
    assert journal.status_code == 403  # the journal is the quản trị's and văn thư's


def test_a_failed_build_says_why_precisely(client, workspace, tmp_path):
    write_workbook(workspace / "data" / "tai_len" / "20260101-000000_sai.xlsx", bad_sheets(),
                   formats={"Trạm y tế": "0.00%"})
    started = client.post("/tao-van-ban/bat-dau", data={"tep": "data/tai_len/20260101-000000_sai.xlsx"},
                          headers=csrf(client), follow_redirects=False)
    events = client.get(f"{started.headers['location']}/tien-do").text
    assert '"status": "failed"' in events and "UBND cấp xã" in events and "dòng 5" in events
    assert "ERROR" not in events


def _content_form(client) -> dict[str, str]:
    page = client.get("/noi-dung").text
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    form |= {name: value for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', page)}
    form |= dict(re.findall(r'<input name="(cd_tieu_de_\d+)" value="([^"]*)"', page))
    return {k: v.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&") for k, v in form.items()}


def test_letter_texts_are_saved_with_their_comments(client, workspace):
    form = _content_form(client) | {"mo_dau": "Sở Nội vụ đề nghị {{ don_vi }} khắc phục ngay."}
    response = client.post("/noi-dung/luu", data=form, headers=csrf(client))
    assert response.status_code == 200 and "Đã lưu" in response.text
    saved = (workspace / "congvan.toml").read_text(encoding="utf-8")
    assert 'mo_dau = "Sở Nội vụ đề nghị {{ don_vi }} khắc phục ngay."' in saved
    assert "# Cơ quan ban hành (ô 2, ô 3 theo Nghị định 30/2020/NĐ-CP)" in saved


def test_an_unknown_placeholder_is_refused_and_nothing_written(client, workspace):
    before = (workspace / "congvan.toml").read_bytes()
    form = _content_form(client) | {"ket_thuc": "Đề nghị {{ donvi }} thực hiện"}
    response = client.post("/noi-dung/luu", data=form, headers=csrf(client))
    assert response.status_code == 400 and "donvi" in response.text and "van_ban] ket_thuc" in response.text
    assert (workspace / "congvan.toml").read_bytes() == before


def test_a_concurrent_edit_is_refused(client, workspace):
    form = _content_form(client) | {"mo_dau": "Bản của người thứ nhất {{ don_vi }}."}
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# sửa ở máy khác\n", encoding="utf-8")
    response = client.post("/noi-dung/luu", data=form, headers=csrf(client))
    assert response.status_code == 409 and "đã bị người khác" in response.text
    assert "Bản của người thứ nhất" not in config.read_text(encoding="utf-8")


def test_the_job_page_shows_time_left_while_running_and_time_taken_when_done():
    now = time.time()
    running = {"status": jobs.RUNNING, "done": 5, "total": 20, "started": now - 10, "updated": now}
    view = progress_view(running)
    assert view["label"] == "đang chạy" and view["percent"] == 25 and view["left"] in ("còn khoảng 31 giây",
                                                                                        "còn khoảng 30 giây")
    done = running | {"status": jobs.DONE, "done": 20, "updated": now + 30}
    assert progress_view(done)["left"] == "trong 40 giây" and progress_view(done)["label"] == "xong"
