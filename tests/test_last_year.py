"""Last year beside this year ([du_lieu] nam_truoc, doi_ten.csv): changes in the letters and the summary workbook.

The pair: this year's five hand-picked units (tests/conftest.py) and a 2024 workbook where Phường Nha Trang and
Đặc khu Trường Sa have their own names, Phường Cam Ranh was Phường Ba Ngòi (renamed), Xã Cam Lâm was made of two
communes (merged) and Xã Diên Khánh is missing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from congvan.batch.build import BuildOptions, build
from congvan.config import load_workspace
from congvan.errors import DataError
from congvan.render.template import iter_text
from congvan.summary.tables import NOTE, change_column, previous_column
from congvan.summary.workbook import CHANGES_SHEET
from tests.conftest import CRITERIA_HEADERS, standard_sheets, write_workbook

LAST_YEAR = {
    "Phường Nha Trang": [70.00, 70.00, 80.00, 84.50, 90.00, 70.00],
    "Phường Ba Ngòi": [75.00, 80.00, 85.00, 80.00, 85.00, 80.00],
    "Xã Cam Hải Tây": [80.00, 80.00, 80.00, 80.00, 80.00, 80.00],
    "Xã Cam Đức": [90.00, 90.00, 90.00, 90.00, 90.00, 90.00],
    "Đặc khu Trường Sa": [86.00, 86.00, 86.00, 86.00, 86.00, 86.00],
}
LAST_HEALTH = {"Phường Nha Trang": 0.80, "Phường Ba Ngòi": 0.85, "Xã Cam Hải Tây": 0.80, "Xã Cam Đức": 0.90,
               "Đặc khu Trường Sa": 0.84}
RENAMES = "Tên cũ,Tên mới\nPhường Ba Ngòi,Phường Cam Ranh\nXã Cam Hải Tây,Xã Cam Lâm\nXã Cam Đức,Xã Cam Lâm\n"


def with_last_year(workspace: Path, renames: str = RENAMES) -> Path:
    sheets = standard_sheets(LAST_YEAR, LAST_HEALTH)
    sheets["UBND cấp xã"][0] = ["KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2024 (số liệu thử)"]
    write_workbook(workspace / "data" / "ket_qua_2024.xlsx", sheets, formats={"Trạm y tế": "0.00%"})
    (workspace / "data" / "doi_ten.csv").write_text(renames, encoding="utf-8")
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[du_lieu]\n", '[du_lieu]\nnam_truoc = ["data/ket_qua_2024.xlsx"]\ndoi_ten = "data/doi_ten.csv"\n', 1),
        encoding="utf-8")
    return workspace


@pytest.fixture
def batch(workspace: Path) -> Path:
    report = build(load_workspace(with_last_year(workspace)), BuildOptions())
    assert report.folder is not None
    return report.folder


def text(folder: Path, slug: str) -> list[str]:
    return list(iter_text(next(folder.glob(f"*_{slug}.docx")).read_bytes()))


def test_a_unit_with_its_own_name_gets_each_change(batch):
    paragraphs = text(batch, "phuong-nha-trang")
    # Tiếp cận dịch vụ: 72,27 now, 70,00 then
    assert "So với năm 2024 (70,00%), kết quả tăng 2,27 điểm phần trăm." in paragraphs
    # Sự phục vụ của công chức: 84,50 both years
    assert "So với năm 2024 (84,50%), kết quả không thay đổi." in paragraphs
    # Kết quả giải quyết: 87,17 now, 90,00 then
    assert "So với năm 2024 (90,00%), kết quả giảm 2,83 điểm phần trăm." in paragraphs
    summary = next(p for p in paragraphs if p.startswith("Năm 2025, Chỉ số hài lòng chung"))
    # overall: the mean of the criteria, 78,62 now (471,69 / 6, rounded half up) and 77,42 then (464,5 / 6)
    assert summary.endswith("So với năm 2024 (77,42%), Chỉ số chung tăng 1,20 điểm phần trăm.")
    # the one-criterion table (Trạm y tế, official index as a fraction): 76,46% now, 80,00% then
    assert "So với năm 2024 (80,00%), kết quả giảm 3,54 điểm phần trăm." in paragraphs


def test_renamed_merged_and_missing_units_say_so(batch):
    renamed = text(batch, "phuong-cam-ranh")
    assert "So với năm 2024 (75,00%, khi còn là Phường Ba Ngòi), kết quả tăng 5,00 điểm phần trăm." in renamed
    merged = text(batch, "xa-cam-lam")
    assert ("Không so sánh kết quả với năm 2024 vì đơn vị được hợp nhất từ Xã Cam Hải Tây, Xã Cam Đức "
            "(không gộp được số liệu của các đơn vị cũ).") in merged
    assert not any("tăng" in p and "điểm phần trăm" in p and "2024" in p for p in merged)
    missing = text(batch, "xa-dien-khanh")
    assert missing.count("Năm 2024 không có số liệu của đơn vị để so sánh.") == 7  # six criteria and Trạm y tế


def test_the_summary_workbook_has_change_columns_and_both_lists(batch):
    with pd.ExcelFile(batch / "tong_hop.xlsx") as book:
        sheet = pd.read_excel(book, sheet_name="UBND cấp xã", header=2).set_index("Đơn vị")
        changes = pd.read_excel(book, sheet_name=CHANGES_SHEET, header=2)
    first = CRITERIA_HEADERS[0]
    assert sheet.loc["Phường Nha Trang", change_column(first)] == pytest.approx(2.27)
    assert sheet.loc["Phường Cam Ranh", change_column(first)] == pytest.approx(5.0)
    assert sheet.loc["Phường Cam Ranh", previous_column(2024)] == pytest.approx(80.83)
    assert sheet.loc["Phường Cam Ranh", NOTE] == "Năm 2024 là Phường Ba Ngòi"
    assert pd.isna(sheet.loc["Xã Cam Lâm", change_column(first)])
    assert sheet.loc["Xã Cam Lâm", NOTE].startswith("Hợp nhất từ Xã Cam Hải Tây, Xã Cam Đức")
    assert sheet.loc["Xã Diên Khánh", NOTE] == "Không có số liệu năm 2024"
    ubnd = changes[changes["Bảng"] == "UBND cấp xã"]
    rising = ubnd[ubnd["Nhóm"] == "Tăng nhiều nhất"]["Đơn vị"].tolist()
    falling = ubnd[ubnd["Nhóm"] == "Giảm nhiều nhất"]["Đơn vị"].tolist()
    assert rising == ["Phường Cam Ranh", "Đặc khu Trường Sa", "Phường Nha Trang"]  # +3,35, +1,50, +1,20
    assert falling == []


def test_a_catalog_text_with_the_placeholder_says_it_once(workspace):
    catalog = workspace / "data" / "tieu_chi.toml"
    source = catalog.read_text(encoding="utf-8")
    catalog.write_text(source.replace('chua_dat = "Năm {{ nam }}', 'chua_dat = "Kết quả {{ thay_doi }}. Năm {{ nam }}',
                                      1), encoding="utf-8")
    report = build(load_workspace(with_last_year(workspace)), BuildOptions())
    assert report.folder is not None
    paragraphs = text(report.folder, "phuong-nha-trang")
    # Tiếp nhận, xử lý phản ánh: 73,22 now (chưa đạt), 70,00 then
    assert any(p.startswith("Kết quả tăng 3,22 điểm phần trăm so với năm 2024. Năm 2025") for p in paragraphs)
    assert "So với năm 2024 (70,00%), kết quả tăng 3,22 điểm phần trăm." not in paragraphs
    assert "So với năm 2024 (70,00%), kết quả tăng 2,27 điểm phần trăm." in paragraphs  # a text without it


def test_an_old_name_not_in_last_years_results_is_refused_naming_the_row(workspace):
    with_last_year(workspace, RENAMES + "Xã Không Có,Xã Cam Lâm\n")
    with pytest.raises(DataError, match=r"doi_ten\.csv, dòng 5: đơn vị cũ 'Xã Không Có'"):
        build(load_workspace(workspace), BuildOptions())
    assert not (workspace / "output" / "drafts").exists() or not any((workspace / "output" / "drafts").iterdir())


def test_without_last_year_nothing_changes(workspace):
    report = build(load_workspace(workspace), BuildOptions())
    assert report.folder is not None
    assert not any("so với năm 2024" in p.lower() for p in text(report.folder, "phuong-nha-trang"))
    with zipfile.ZipFile(io.BytesIO((report.folder / "tong_hop.xlsx").read_bytes())) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]) == 3
