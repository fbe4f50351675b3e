"""Header lines broken like a văn thư breaks them (congvan/vn/lines.py) and the V/v text Word must not split."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import zipfile
from pathlib import Path

import pytest

from congvan.batch.workflows import BuildRequest, build_letters
from congvan.config import load_workspace
from congvan.register.store import Register
from congvan.vn.lines import HEADER_TEXT_WIDTH, NBSP, header_text, keep_together, one_line, text_width

ROOT = Path(__file__).resolve().parent.parent

# (name, bold, expected lines) — bold: the issuing body (ô 2, lower line); regular: the managing body.
# The breaks are the ones a văn thư writes; a name that fits the 13 pt column stays on one line.
AGENCIES = [
    # provinces and their bodies
    ("UBND TỈNH KHÁNH HÒA", False, "UBND TỈNH KHÁNH HÒA"),
    ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", True, "ỦY BAN NHÂN DÂN / TỈNH KHÁNH HÒA"),
    ("ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU", False, "ỦY BAN NHÂN DÂN TỈNH / BÀ RỊA - VŨNG TÀU"),
    ("UBND TỈNH BÀ RỊA - VŨNG TÀU", True, "UBND TỈNH / BÀ RỊA - VŨNG TÀU"),
    ("HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NGÃI", True, "HỘI ĐỒNG NHÂN DÂN / TỈNH QUẢNG NGÃI"),
    ("CÔNG AN TỈNH KHÁNH HÒA", True, "CÔNG AN TỈNH / KHÁNH HÒA"),
    ("VĂN PHÒNG UBND TỈNH KHÁNH HÒA", True, "VĂN PHÒNG UBND / TỈNH KHÁNH HÒA"),
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH KHÁNH HÒA", True,
     "TRUNG TÂM PHỤC VỤ / HÀNH CHÍNH CÔNG / TỈNH KHÁNH HÒA"),
    ("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH KHÁNH HÒA", True,
     "BAN QUẢN LÝ DỰ ÁN / ĐẦU TƯ XÂY DỰNG / TỈNH KHÁNH HÒA"),
    # cities
    ("UBND THÀNH PHỐ NHA TRANG", False, "UBND THÀNH PHỐ / NHA TRANG"),
    ("UBND THÀNH PHỐ HỒ CHÍ MINH", True, "UBND THÀNH PHỐ / HỒ CHÍ MINH"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", False, "ỦY BAN NHÂN DÂN / THÀNH PHỐ HỒ CHÍ MINH"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG", True, "ỦY BAN NHÂN DÂN / THÀNH PHỐ ĐÀ NẴNG"),
    ("UBND THÀNH PHỐ CAM RANH", True, "UBND THÀNH PHỐ / CAM RANH"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ", True, "ỦY BAN NHÂN DÂN / THÀNH PHỐ HUẾ"),
    ("UBND THỊ XÃ NINH HÒA", True, "UBND THỊ XÃ NINH HÒA"),
    # wards and communes
    ("UBND PHƯỜNG NHA TRANG", False, "UBND PHƯỜNG NHA TRANG"),
    ("UBND PHƯỜNG NHA TRANG", True, "UBND PHƯỜNG / NHA TRANG"),
    ("UBND PHƯỜNG BẮC NHA TRANG", False, "UBND PHƯỜNG / BẮC NHA TRANG"),
    ("ỦY BAN NHÂN DÂN PHƯỜNG TÂY NHA TRANG", True, "ỦY BAN NHÂN DÂN / PHƯỜNG TÂY NHA TRANG"),
    ("ỦY BAN NHÂN DÂN XÃ CAM HIỆP", True, "ỦY BAN NHÂN DÂN / XÃ CAM HIỆP"),
    ("UBND XÃ NAM KHÁNH VĨNH", True, "UBND XÃ / NAM KHÁNH VĨNH"),
    ("TRẠM Y TẾ PHƯỜNG NHA TRANG", True, "TRẠM Y TẾ PHƯỜNG / NHA TRANG"),
    ("BAN CHỈ HUY QUÂN SỰ PHƯỜNG BẮC NHA TRANG", True, "BAN CHỈ HUY QUÂN SỰ / PHƯỜNG BẮC NHA TRANG"),
    ("PHÒNG VĂN HÓA - XÃ HỘI PHƯỜNG NHA TRANG", True, "PHÒNG VĂN HÓA - XÃ HỘI / PHƯỜNG NHA TRANG"),
    # special zones
    ("UBND ĐẶC KHU TRƯỜNG SA", False, "UBND ĐẶC KHU TRƯỜNG SA"),
    ("UBND ĐẶC KHU TRƯỜNG SA", True, "UBND ĐẶC KHU / TRƯỜNG SA"),
    ("ỦY BAN NHÂN DÂN ĐẶC KHU PHÚ QUỐC", True, "ỦY BAN NHÂN DÂN / ĐẶC KHU PHÚ QUỐC"),
    ("ỦY BAN NHÂN DÂN ĐẶC KHU VÂN ĐỒN", True, "ỦY BAN NHÂN DÂN / ĐẶC KHU VÂN ĐỒN"),
    ("ĐẶC KHU CÔN ĐẢO", True, "ĐẶC KHU CÔN ĐẢO"),
    # Sở
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", True, "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", True, "SỞ TÀI NGUYÊN / VÀ MÔI TRƯỜNG"),
    ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", True, "SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG"),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", True, "SỞ VĂN HÓA, THỂ THAO / VÀ DU LỊCH"),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", True, "SỞ LAO ĐỘNG - / THƯƠNG BINH VÀ XÃ HỘI"),
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", True, "SỞ KHOA HỌC / VÀ CÔNG NGHỆ"),
]


@pytest.mark.parametrize(("name", "bold", "expected"), AGENCIES,
                         ids=[f"{name}-{'b' if bold else 'r'}" for name, bold, _ in AGENCIES])
def test_agency_names_break_where_a_van_thu_breaks_them(name: str, bold: bool, expected: str) -> None:
    lines = header_text(name, bold=bold).split("\n")
    assert " / ".join(lines) == expected
    assert all(text_width(line, bold=bold) <= HEADER_TEXT_WIDTH for line in lines)


def test_thirty_real_agency_names_are_tested() -> None:
    assert len({name for name, _bold, _lines in AGENCIES}) >= 30


def test_widths_follow_the_font_bold_and_size() -> None:
    # "Độc lập - Tự do - Hạnh phúc", bold 13 pt: 3183 twips (scripts/build_template.py TIEU_NGU_WIDTH)
    assert round(text_width("Độc lập - Tự do - Hạnh phúc", bold=True)) == 3183
    assert text_width("SỞ NỘI VỤ", bold=True) > text_width("SỞ NỘI VỤ", bold=False)
    assert text_width("SỞ NỘI VỤ", bold=False, size=12) == pytest.approx(text_width("SỞ NỘI VỤ", bold=False) * 12 / 13)
    # at 12 pt the bold "UBND ĐẶC KHU TRƯỜNG SA" fits the column; at 13 pt it does not
    assert header_text("UBND ĐẶC KHU TRƯỜNG SA", bold=True, size=12) == "UBND ĐẶC KHU TRƯỜNG SA"


def test_the_clerks_line_break_wins_and_spaces_are_tidied() -> None:
    assert header_text("SỞ NÔNG NGHIỆP VÀ\n  MÔI TRƯỜNG ", bold=True) == "SỞ NÔNG NGHIỆP VÀ\nMÔI TRƯỜNG"
    assert header_text("SỞ NỘI VỤ\n", bold=True) == "SỞ NỘI VỤ"
    assert one_line("SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG") == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    assert header_text("", bold=False) == ""


def test_header_width_is_the_templates_left_column() -> None:
    spec = importlib.util.spec_from_file_location("build_template", ROOT / "scripts" / "build_template.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert HEADER_TEXT_WIDTH == module.HEADER_LEFT - 2 * module.CELL_MARGIN


def test_width_table_is_what_the_script_reads_from_the_font() -> None:
    pytest.importorskip("fontTools")
    spec = importlib.util.spec_from_file_location("make_font_widths", ROOT / "scripts" / "make_font_widths.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not (module.FONT_DIR / module.FONTS["BOLD"]).is_file():
        pytest.skip("Liberation Serif is not installed")
    committed = (ROOT / "congvan" / "vn" / "font_widths.py").read_text(encoding="utf-8")
    assert module.render() == committed, "run scripts/make_font_widths.py and commit congvan/vn/font_widths.py"


# -- the V/v block --


def test_v_v_text_keeps_tram_y_te_unit_names_and_percentages_whole() -> None:
    text = "chấn chỉnh Trạm y tế phường Bắc Nha Trang đạt 68,5 % và trạm Y tế xã Cam Lâm đạt 70%"
    kept = keep_together(text, ("phường Bắc Nha Trang",))
    assert f"Trạm{NBSP}y{NBSP}tế" in kept and f"trạm{NBSP}Y{NBSP}tế" in kept
    assert f"phường{NBSP}Bắc{NBSP}Nha{NBSP}Trang" in kept
    assert f"68,5{NBSP}%" in kept
    assert kept.replace(NBSP, " ") == text  # only the spaces change
    assert "chấn chỉnh " in kept  # other words still wrap


# -- in a letter and in the register --


def _set_agency(workspace: Path, parent: str, issuer: str, subject: str) -> None:
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    for key, value in (("chu_quan", parent), ("ten", issuer), ("trich_yeu", subject), ("ho_ten", "Lê Văn An")):
        text = re.sub(rf'(?m)^{key} = ".*?"', lambda _m, key=key, value=value: f'{key} = "{value}"', text, count=1)
    config.write_text(text, encoding="utf-8")


def test_issued_letter_has_the_breaks_and_the_register_the_name_on_one_line(workspace: Path) -> None:
    _set_agency(workspace, "UBND THÀNH PHỐ NHA TRANG", r"PHÒNG VĂN HÓA\nVÀ THÔNG TIN",
                "chấn chỉnh Trạm y tế {{ don_vi }} năm {{ nam_sau }}")
    ws = load_workspace(workspace)
    assert (ws.agency.parent, ws.agency.issuer) == ("UBND THÀNH PHỐ NHA TRANG", "PHÒNG VĂN HÓA VÀ THÔNG TIN")
    result = build_letters(BuildRequest(workspace=workspace, units=("Phường Nha Trang",), issue=True,
                                        issued_on=dt.date(2026, 4, 2)))
    assert result.issued is not None
    letter = next((workspace / "output" / "2026").glob("*.docx"))
    with zipfile.ZipFile(letter) as docx_zip:
        xml = docx_zip.read("word/document.xml").decode("utf-8")
    header = xml.split("<w:tbl>", 2)[1]
    assert re.search(r"UBND THÀNH PHỐ</w:t>.*?<w:br/>.*?<w:t[^>]*>NHA TRANG<", header)
    assert re.search(r"PHÒNG VĂN HÓA</w:t>.*?<w:br/>.*?<w:t[^>]*>VÀ THÔNG TIN<", header)
    assert f"V/v chấn chỉnh Trạm{NBSP}y{NBSP}tế phường{NBSP}Nha{NBSP}Trang năm 2026" in header
    with Register(ws.register_url) as register:
        record = register.records()[0]
    assert record.organ_name == "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    assert record.subject == "chấn chỉnh Trạm y tế phường Nha Trang năm 2026"
