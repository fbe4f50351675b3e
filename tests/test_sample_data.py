"""The shipped sample workbook and the small fixture: layout, formats, figures, and reproducible generation."""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from congvan.config import AssessmentSettings
from congvan.letter.assessment import assess
from congvan.models import Unit
from congvan.sources.catalog import load_catalog
from congvan.sources.results import all_units, load_results
from congvan.vn import sort_key

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "ket_qua_2025.xlsx"
SMALL = ROOT / "tests" / "fixtures" / "results_small.xlsx"
UBND_HEADER = ["STT", "Đơn vị", "Tiếp cận dịch vụ", "Điều kiện tiếp đón, phục vụ", "Thủ tục hành chính",
               "Sự phục vụ của công chức", "Kết quả, tiến độ giải quyết công việc",
               "Tiếp nhận, xử lý phản ánh, kiến nghị"]
SETTINGS = AssessmentSettings(year=2025, target=83.0, next_year_target=85.0, criterion_targets={},
                              very_low_margin=10.0, decimals=2, order="nhom", missing_unit="loi")


def read(path: Path):
    catalog = load_catalog(ROOT / "data" / "tieu_chi.toml")
    tables = load_results([path], catalog)
    return tables, assess(tables, all_units(tables), SETTINGS)


def test_sheets_look_like_an_office_workbook():
    workbook = openpyxl.load_workbook(SAMPLE)
    assert workbook.sheetnames == ["UBND cấp xã", "Trạm y tế"]
    ubnd, health = workbook.worksheets
    assert ubnd["A1"].value == ("KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA TỔ CHỨC, CÁ NHÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA UBND CẤP XÃ "
                                "NĂM 2025")
    for sheet in (ubnd, health):
        assert "A1:" in " ".join(str(r) for r in sheet.merged_cells.ranges)
        assert "SỐ LIỆU MẪU" in sheet["A2"].value
        assert sheet.freeze_panes == "A5"
        assert all(cell.font.bold and cell.border.bottom.style == "thin" for cell in sheet[4])
        assert sheet.column_dimensions["B"].width >= 20
    assert [c.value for c in ubnd[4]] == UBND_HEADER
    assert [c.value for c in health[4]] == ["STT", "Đơn vị", "Chỉ số hài lòng"]
    first = ubnd.cell(5, 3)
    assert first.number_format == "0.00" and 60 <= first.value <= 95 and round(first.value, 2) == first.value
    percent = health.cell(5, 3)
    assert percent.number_format == "0.00%" and 0.6 <= percent.value <= 0.95


def test_sample_has_the_65_units_of_khanh_hoa_in_vietnamese_order():
    tables, _ = read(SAMPLE)
    assert [len(t.scores) for t in tables] == [65, 65]
    names = tables[0].units()
    assert names == sorted(names, key=sort_key) and names == tables[1].units()
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert Counter(Unit(n).kind for n in names) == {"xã": 48, "phường": 16, "đặc khu": 1}
    assert {"Phường Nha Trang", "Xã Cam Lâm", "Đặc khu Trường Sa"} <= set(names)


def test_sample_figures_are_plausible_and_cover_every_verdict():
    tables, assessments = read(SAMPLE)
    values = [v for t in tables for unit in t.scores.values() for v in unit.values()]
    assert 60 <= min(values) < 65 and 90 < max(values) <= 95
    assert len(set(values)) > 0.85 * len(values)  # real spread, not a few repeated figures
    health = [unit["chi_so_tyt"] for unit in tables[1].scores.values()]
    assert all(round(v, 2) == v for v in health)  # 0.7646 read as 76.46 through the % format
    no_weakness = [a.unit.name for a in assessments if not any(t.weaknesses for t in a.tables)]
    assert len(no_weakness) >= 3
    verdicts = Counter(c.verdict for a in assessments for t in a.tables for c in t.criteria)
    assert set(verdicts) == {"vuot", "dat", "chua_dat", "rat_thap"}
    far_below = [a for a in assessments if sum(c.verdict == "rat_thap" for c in a.tables[0].criteria) >= 4]
    assert len(far_below) >= 3


def test_small_fixture_is_a_subset_of_the_sample():
    small, assessments = read(SMALL)
    full, _ = read(SAMPLE)
    assert [len(t.scores) for t in small] == [6, 6]
    for part, whole in zip(small, full, strict=True):
        assert all(part.scores[name] == whole.scores[name] for name in part.units())
    assert {Unit(n).kind for n in small[0].units()} == {"xã", "phường", "đặc khu"}
    verdicts = {c.verdict for a in assessments for t in a.tables for c in t.criteria}
    assert verdicts == {"vuot", "dat", "chua_dat", "rat_thap"}
    assert any(not any(t.weaknesses for t in a.tables) for a in assessments)


@pytest.mark.parametrize(("args", "committed"), [([], SAMPLE), (["--small"], SMALL)], ids=["sample", "small"])
def test_generator_reproduces_the_committed_files(tmp_path, args, committed):
    if importlib.util.find_spec("vietnam_provinces") is None:
        pytest.skip("vietnam-provinces is not installed (optional extra: pip install -e '.[sample]')")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_sample_data
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    out = tmp_path / "out.xlsx"
    assert make_sample_data.main([*args, "--out", str(out)]) == 0
    assert out.read_bytes() == committed.read_bytes()
