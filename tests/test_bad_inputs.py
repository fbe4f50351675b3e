"""The bad-input corpus of issue 7 (scripts/make_bad_inputs.py): every case is read correctly or refused with
its exact message (file, sheet, row, column, what was expected); a refused build writes nothing and takes no
number; unit names with & < > " ' / \\ .. or 200 characters give letters whose files stay inside output/.

Decisions, case by case:
- empty workbook / empty table sheet / no table sheet: refused, naming the sheets found and the ones expected.
- title rows above the header (merged or not): the header is searched in the first 20 rows; a header over two
  rows (group title merged across the criteria, "Đơn vị" merged down both rows) is read as one row.
- hidden (or very hidden) sheets are never read: a warning when the table is found in a visible sheet,
  an error naming the hidden sheet when it is not (the clerk unhides it).
- a formula saved without its result (a workbook written by a program, not Excel) is refused, quoting the
  formula: it is never read as 0.
- dates, booleans, "N/A", "-", blanks, Excel errors, merged score cells: refused with what the cell holds.
- "85,7", "85.7", "85.700", "85,700", "85,7%" all read 85.7; a plain 0,857 among percentages above 1 is refused
  at its cell; 85.7 in a cell formatted % (8 570%) is refused with both ways to fix it; > 100 and < 0 refused.
- units differing only in case, spaces (also no-break spaces) or NFD are the same unit: refused as a duplicate;
  trailing spaces are trimmed; control characters in a name are refused.
- .xls (OLE file), password-protected .xlsx (OLE file with an EncryptedPackage stream), .ods (also renamed
  .xlsx), a "Strict Open XML" .xlsx (openpyxl misreads it), an HTML page named .xls, a .docx named .xlsx,
  a truncated, damaged, random or empty file: refused, saying what the file is and how to save it as .xlsx.
  A real .xlsx named .xls is read.
- CSV: UTF-8 with or without BOM and UTF-16 with BOM (Excel "Unicode Text", tab-separated) are read;
  Windows-1258 is read when UTF-8 fails and the text reads as Vietnamese (NFC-normalised, with a warning);
  UTF-16 without BOM and other encodings are refused.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from bench.render import own_config
from congvan.cli import cli
from congvan.errors import DataError, cell_location
from congvan.register.store import Register
from congvan.render.template import iter_text
from congvan.sources.catalog import load_catalog
from congvan.sources.results import load_results
from congvan.vn import slugify
from tests.conftest import CRITERIA_CODES, ROOT, require_tool

_spec = importlib.util.spec_from_file_location("make_bad_inputs", ROOT / "scripts" / "make_bad_inputs.py")
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules["make_bad_inputs"] = gen
_spec.loader.exec_module(gen)

CATALOG = load_catalog(ROOT / "data" / "tieu_chi.toml")
UBND = "UBND cấp xã"
UNIT = "Đơn vị"
TIEP_CAN, TIEP_DON, THU_TUC, PHAN_ANH = (gen.HEADERS[0], gen.HEADERS[1], gen.HEADERS[2], gen.HEADERS[5])
EXPECTED = "cần một tỷ lệ phần trăm từ 0 đến 100"
SAVE_AS_XLSX = ("Mở tệp bằng Excel (hoặc LibreOffice Calc), chọn Lưu thành (Save As) 'Excel Workbook (.xlsx)' "
                "rồi dùng tệp mới.")
SAVE_AS_CSV = "Mở tệp bằng Excel, chọn Lưu thành 'CSV UTF-8 (Comma delimited)', hoặc lưu thành .xlsx."
UNIT_HEADERS = "'Đơn vị' / 'Tên đơn vị' / 'Xã, phường' / 'Xã, phường, đặc khu'"
FORMULA = ("có công thức '{}' nhưng tệp không lưu kết quả đã tính (tệp được ghi bằng một chương trình khác, "
           "không phải Excel), nên đọc ra ô trống; congvan không tự điền giá trị (không coi là 0). Mở tệp bằng Excel "
           "hoặc LibreOffice Calc rồi lưu lại để có kết quả, hoặc nhập số thay công thức.")
SAME_NAME = ("tên đơn vị so sánh không phân biệt hoa thường, dấu cách, cách gõ dấu, ký tự vô hình và chữ trông giống "
             "nhau (Ð/Đ, chữ Kirin).")
DUPLICATE = "đơn vị '{}' bị trùng (đã có ở dòng 4: 'Phường Nha Trang'); " + SAME_NAME
NOT_A_NAME = "ô tên đơn vị ghi '{}', không phải tên; nhập tên đơn vị, hoặc xóa dòng nếu không phải đơn vị."
TOO_BIG = ("Xóa các dòng, cột thừa bên dưới và bên phải bảng (chọn chúng, chuột phải > Delete) rồi lưu lại; sheet số "
           "liệu khác (phiếu khảo sát gốc) để ở tệp riêng.")
NOT_OPENED = "; congvan không mở tệp này. Lưu lại bảng kết quả thành tệp .xlsx mới chỉ gồm các sheet cần dùng."
NO_DATA = "ô ghi '{}' (không có số liệu); " + EXPECTED + (". Ô này không được tự coi là 0: nhập điểm, hoặc bỏ đơn vị "
                                                          "khỏi bảng.")
OUT_OF_RANGE = "điểm {} nằm ngoài khoảng 0–100; " + EXPECTED + "."
FRACTION = ("giá trị 0,857 quá nhỏ so với các ô khác của cột (ví dụ 85,7 ở dòng 4): có vẻ là tỷ lệ 85,7% viết dạng "
            "phân số. Nhập 85,7 nếu là 85,7%, hoặc 0,857% nếu đúng là 0,857%.")
OLD_XLS = "tệp có mật khẩu hoặc là .xls cũ: đây là tệp Excel 97–2003 (.xls), congvan chỉ đọc .xlsx. " + SAVE_AS_XLSX
PASSWORD = ("tệp có mật khẩu hoặc là .xls cũ: đây là bảng tính được đặt mật khẩu mở (mã hóa), congvan không đọc được. "
            "Mở bằng Excel, gỡ mật khẩu (File > Info > Protect Workbook > Encrypt with Password, xóa mật khẩu) rồi "
            "lưu lại thành .xlsx.")
ODS = ("đây là bảng tính OpenDocument (.ods, LibreOffice/OpenOffice), congvan chỉ đọc .xlsx. Trong LibreOffice Calc "
       "chọn File > Save As, kiểu 'Excel 2007-365 (.xlsx)'.")

# case -> (sheet, row, column) of the location, then the exact explanation after ": ".
REFUSED: dict[str, tuple[tuple[str | None, int | None, str | None], str]] = {
    "empty_workbook": ((None, None, None), "không có bảng kết quả nào. Cần sheet (hoặc tệp .csv) tên 'UBND cấp xã', "
                                          "'Trạm y tế'. Tệp có các sheet: 'Sheet1'. Sheet tên khác thì "
                                          "khai báo tên đó ở ten_sheet của bảng trong danh mục tiêu chí."),
    "empty_table_sheet": ((UBND, None, None), "sheet trống, không có ô nào có dữ liệu; cần dòng tiêu đề có cột đơn vị "
                                              f"({UNIT_HEADERS}) và các dòng điểm."),
    "hidden_table_sheet": ((UBND, None, None), "sheet này khớp bảng 'UBND cấp xã' nhưng đang bị ẩn; congvan không đọc "
                                               "sheet ẩn. Nếu đây là số liệu cần dùng, bỏ ẩn sheet (chuột phải vào "
                                               "tên sheet > Unhide)."),
    "merged_score_cells": ((UBND, 5, TIEP_DON), "ô nằm trong vùng ô gộp C5:D5 nên không có giá trị riêng; "
                                                f"{EXPECTED} ở từng ô (bỏ gộp ô)."),
    "formula_without_cached_value": ((UBND, 4, TIEP_DON), "ô điểm " + FORMULA.format("=C4*1")),
    "unit_name_formula": ((UBND, 4, UNIT), "ô tên đơn vị " + FORMULA.format('="Phường "&"Nha Trang"')),
    "score_date": ((UBND, 4, TIEP_CAN), f"ô đang là ngày tháng (08/07/2025), không phải số; {EXPECTED}. Excel có thể "
                                        "đã tự đổi số gõ vào (như 85.7) thành ngày: định dạng ô là Number (Số) rồi "
                                        "nhập lại."),
    "score_boolean": ((UBND, 4, TIEP_CAN), f"ô đang là giá trị đúng/sai (TRUE), không phải số; {EXPECTED}."),
    "score_na": ((UBND, 4, TIEP_CAN), NO_DATA.format("N/A")),
    "score_dash": ((UBND, 4, TIEP_CAN), NO_DATA.format("-")),
    "score_blank": ((UBND, 4, TIEP_CAN), f"ô điểm bị trống; {EXPECTED}."),
    "score_excel_error": ((UBND, 4, TIEP_CAN), "ô có lỗi công thức #DIV/0!; sửa công thức trong Excel để ô ra một số "
                                               "từ 0 đến 100."),
    "fraction_among_percentages": ((UBND, 5, THU_TUC), FRACTION),
    "fraction_number_among_percentages": ((UBND, 5, THU_TUC), FRACTION),
    "percent_format_on_a_percentage": ((UBND, 4, THU_TUC), "ô định dạng phần trăm nên 85,7 được hiểu là 8.570%, nằm "
                                                           "ngoài khoảng 0–100. Nhập 0,857 (ô định dạng %), hoặc bỏ "
                                                           "định dạng % của ô."),
    "score_over_100": ((UBND, 5, PHAN_ANH), OUT_OF_RANGE.format("112,5")),
    "score_negative": ((UBND, 5, PHAN_ANH), OUT_OF_RANGE.format("-5")),
    "score_negative_text": ((UBND, 5, PHAN_ANH), OUT_OF_RANGE.format("-5,5")),
    "score_dot_may_group_thousands": ((UBND, 5, THU_TUC), "không rõ giá trị: '1.500' có thể là 1500 (dấu chấm ngăn "
                                                         "nghìn) hoặc 1,500 (dấu chấm thập phân). Điểm có phần thập "
                                                         "phân ghi bằng dấu phẩy (72,27) hoặc dấu chấm với một, hai "
                                                         "chữ số (72.27); điểm nguyên ghi không có dấu (72)."),
    "duplicate_unit_case": ((UBND, 9, UNIT), DUPLICATE.format("PHƯỜNG NHA TRANG")),
    "duplicate_unit_spaces": ((UBND, 9, UNIT), DUPLICATE.format("Phường Nha Trang")),
    "duplicate_unit_nfd": ((UBND, 9, UNIT), DUPLICATE.format("Phường Nha Trang")),
    "duplicate_unit_zero_width": ((UBND, 9, UNIT), DUPLICATE.format("Phường Nha Trang")),
    "duplicate_unit_cyrillic": ((UBND, 9, UNIT), DUPLICATE.format("Phường Nha Trang")),
    "duplicate_unit_eth": ((UBND, 9, UNIT), "đơn vị 'Đặc khu Trường Sa' bị trùng (đã có ở dòng 8: 'Đặc khu Trường "
                                            "Sa'); " + SAME_NAME),
    "unit_name_excel_error": ((UBND, 4, UNIT), "ô tên đơn vị có lỗi công thức #REF!; sửa công thức trong Excel (thường "
                                               "do xóa dòng, cột mà công thức tham chiếu) hoặc nhập tên đơn vị."),
    "unit_name_number": ((UBND, 4, UNIT), "ô tên đơn vị đang là số 123, không phải tên; cần tên đơn vị (chữ), ví dụ "
                                          "'Phường Nha Trang'. Có thể cột tên và cột số thứ tự bị lệch."),
    "unit_name_digits_as_text": ((UBND, 4, UNIT), "tên đơn vị '123' chỉ có số; cần tên đơn vị (chữ), ví dụ 'Phường Nha "
                                                  "Trang'."),
    "unit_name_na": ((UBND, 4, UNIT), NOT_A_NAME.format("N/A")),
    "unit_name_dash": ((UBND, 4, UNIT), NOT_A_NAME.format("-")),
    "unit_name_no_letter": ((UBND, 4, UNIT), "tên đơn vị '(*)' không có chữ cái nào; cần tên đơn vị (chữ), ví dụ "
                                             "'Phường Nha Trang'."),
    "unit_name_zero_width_only": ((UBND, 4, UNIT), "ô tên đơn vị chỉ có ký tự vô hình (như dấu cách độ rộng 0), không "
                                                   "có tên; nhập tên đơn vị hoặc xóa hẳn nội dung ô."),
    "styled_cell_at_the_last_row": ((UBND, None, None), "vùng dữ liệu sheet khai báo (A1:H1048576) tới dòng 1.048.576, "
                                                        "quá giới hạn 20.000 dòng ('so_dong_toi_da' trong [du_lieu] "
                                                        "của congvan.toml). " + TOO_BIG),
    "rows_beyond_the_declared_dimension": ((UBND, None, None), "sheet có ô (kể cả ô trống đã định dạng) tới dòng "
                                                               "30.000, quá giới hạn 20.000 dòng ('so_dong_toi_da' "
                                                               "trong [du_lieu] của congvan.toml). " + TOO_BIG),
    "columns_beyond_the_limit": ((UBND, None, None), "vùng dữ liệu sheet khai báo (A1:KN8) tới cột KN (cột thứ 300), "
                                                     "quá giới hạn 200 cột ('so_cot_toi_da' trong [du_lieu] của "
                                                     "congvan.toml). " + TOO_BIG),
    "sheet_xml_with_a_1_gib_comment": ((None, None, None), "phần 'xl/worksheets/sheet1.xml' trong tệp giải nén ra "
                                                           "1.024 MB, quá giới hạn 64 MB cho một phần" + NOT_OPENED),
    "zip_bomb_media": ((None, None, None), "tệp nén 0,1 MB nhưng giải nén ra 60 MB (gấp hơn 100 lần): có thể là tệp "
                                           "'bom nén'" + NOT_OPENED),
    "csv_control_character": ((None, 3, UNIT), "tên đơn vị 'Xã Cam\\x07Lâm' có ký tự điều khiển không in được; xóa ký "
                                               "tự đó trong ô."),
    "old_xls": ((None, None, None), OLD_XLS),
    "password_protected_xlsx": ((None, None, None), PASSWORD),
    "ods": ((None, None, None), ODS),
    "ods_named_xlsx": ((None, None, None), ODS),
    "html_saved_as_xls": ((None, None, None), "tệp này là trang web (HTML/XML) đặt tên như bảng tính, thường do phần "
                                              "mềm xuất ra; congvan không đọc được. " + SAVE_AS_XLSX),
    "docx_named_xlsx": ((None, None, None), "đây là tệp Word (.docx), không có bảng tính (thiếu xl/workbook.xml). "
                                            "Chọn đúng tệp kết quả .xlsx."),
    "truncated_xlsx": ((None, None, None), "tệp .xlsx bị hỏng (cấu trúc zip không đọc được: File is not a zip file); "
                                           "có thể tệp tải về hoặc sao chép chưa hết. " + SAVE_AS_XLSX),
    "damaged_part_xlsx": ((None, None, None), "tệp .xlsx bị hỏng, không đọc được (ParseError: unclosed token: line 1, "
                                              "column 22). " + SAVE_AS_XLSX),
    "strict_open_xml_xlsx": ((None, None, None), "tệp được lưu theo kiểu 'Strict Open XML Spreadsheet', congvan chỉ "
                                                 "đọc kiểu .xlsx thường. Mở bằng Excel, chọn Lưu thành (Save As) "
                                                 "'Excel Workbook (.xlsx)'."),
    "garbage_xlsx": ((None, None, None), "tệp không phải bảng tính .xlsx (không có cấu trúc zip của Excel): tệp bị "
                                         "hỏng hoặc sai định dạng. " + SAVE_AS_XLSX),
    "zero_bytes_xlsx": ((None, None, None), "tệp rỗng (0 byte): có thể tệp chưa được lưu xong hoặc bị hỏng khi sao "
                                            "chép."),
    "csv_utf16_no_bom": ((None, None, None), "tệp CSV có vẻ là UTF-16 nhưng không có BOM, không biết thứ tự byte. "
                                             + SAVE_AS_CSV),
    "csv_unknown_encoding": ((None, None, None), "không nhận ra bảng mã của tệp CSV: không phải UTF-8 (byte 0xFC ở "
                                                 "dòng 2) và không đọc ra tiếng Việt theo Windows-1258. "
                                                 + SAVE_AS_CSV),
    "csv_empty": ((None, None, None), "tệp CSV không có dữ liệu; cần dòng tiêu đề có cột đơn vị và các dòng điểm."),
}
READ = ["title_merged_above_header", "header_on_two_merged_rows", "hidden_duplicate_sheet", "percent_spellings",
        "unit_trailing_spaces", "odd_unit_names", "xlsx_saved_as_xls", "csv_utf8_bom", "csv_utf16",
        "csv_windows_1258"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return gen.make_all(tmp_path_factory.mktemp("bad_inputs"))


def read(path: Path, warnings: list[str] | None = None):
    return load_results([path], CATALOG, warnings=warnings)


def test_every_case_of_the_corpus_has_an_expected_outcome() -> None:
    assert set(REFUSED) | set(READ) == set(gen.CASES)
    assert not set(REFUSED) & set(READ)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_input_is_refused_with_its_exact_message(corpus: dict[str, Path], case: str) -> None:
    (sheet, row, column), explanation = REFUSED[case]
    path = corpus[case]
    with pytest.raises(DataError) as info:
        read(path)
    assert str(info.value) == f"{cell_location(path, sheet, row, column)}: {explanation}"
    assert info.value.location.startswith(str(path))


def scores_of(table, unit: str) -> list[float]:
    return [table.scores[unit][code] for code in CRITERIA_CODES]


def test_title_rows_merged_above_the_header(corpus: dict[str, Path]) -> None:
    ubnd, _tyt = read(corpus["title_merged_above_header"])
    assert {name: scores_of(ubnd, name) for name in ubnd.scores} == gen.UNITS
    assert ubnd.rows == {name: row for row, name in enumerate(gen.UNITS, start=5)}


def test_header_over_two_merged_rows(corpus: dict[str, Path]) -> None:
    (ubnd,) = read(corpus["header_on_two_merged_rows"])
    assert {name: scores_of(ubnd, name) for name in ubnd.scores} == gen.UNITS
    assert ubnd.rows["Phường Nha Trang"] == 4


def test_a_hidden_sheet_is_skipped_with_a_warning(corpus: dict[str, Path]) -> None:
    path = corpus["hidden_duplicate_sheet"]
    warnings: list[str] = []
    ubnd, _tyt = read(path, warnings)
    assert set(ubnd.scores) == set(gen.UNITS)  # not "Xã Cũ" of the hidden sheet
    assert warnings == [f"{path}, sheet 'ubnd_xa': sheet ẩn, không đọc (bảng 'UBND cấp xã' lấy ở {path}, "
                        "sheet 'UBND cấp xã')."]


def test_a_very_hidden_table_sheet_is_refused_too(tmp_path: Path) -> None:
    workbook = gen.standard_workbook()
    workbook[UBND].sheet_state = "veryHidden"
    path = gen.save(workbook, tmp_path / "kq.xlsx")
    with pytest.raises(DataError, match=r"kq\.xlsx, sheet 'UBND cấp xã': sheet này khớp bảng 'UBND cấp xã' nhưng "
                                        "đang bị ẩn"):
        read(path)


def test_percent_spellings_read_as_the_same_number(corpus: dict[str, Path]) -> None:
    ubnd, _tyt = read(corpus["percent_spellings"])  # "85,7", "85.7", "85.70", "85,700", "85,7%"
    assert [ubnd.scores[name]["thu_tuc"] for name in gen.UNITS] == [85.7] * 5


def test_trailing_spaces_are_trimmed(corpus: dict[str, Path]) -> None:
    ubnd, tyt = read(corpus["unit_trailing_spaces"])
    assert "Phường Nha Trang" in ubnd.scores and "Phường Nha Trang" in tyt.scores


def test_odd_unit_names_are_kept_exactly(corpus: dict[str, Path]) -> None:
    ubnd, tyt = read(corpus["odd_unit_names"])
    assert list(ubnd.scores) == gen.ODD_NAMES == list(tyt.scores)
    assert len(gen.LONG_NAME) == 200


def test_a_real_xlsx_named_xls_is_read(corpus: dict[str, Path]) -> None:
    ubnd, tyt = read(corpus["xlsx_saved_as_xls"])
    assert {name: scores_of(ubnd, name) for name in ubnd.scores} == gen.UNITS
    assert tyt.scores["Phường Nha Trang"]["chi_so_tyt"] == pytest.approx(76.46)


@pytest.mark.parametrize("case, warned", [("csv_utf8_bom", False), ("csv_utf16", False), ("csv_windows_1258", True)])
def test_csv_encodings_are_read(corpus: dict[str, Path], case: str, warned: bool) -> None:
    path = corpus[case]
    warnings: list[str] = []
    (table,) = read(path, warnings)
    assert table.scores == {name: {"chi_so_tyt": value} for name, value in gen.CSV_SCORES.items()}
    assert all(unicodedata.is_normalized("NFC", name) for name in table.scores)
    assert warnings == ([f"{path}: tệp CSV không phải UTF-8; đã đọc theo bảng mã Windows-1258 (tiếng Việt). "
                         "Nên lưu lại thành 'CSV UTF-8'."] if warned else [])


def test_a_formula_saved_with_its_result_is_read(corpus: dict[str, Path], tmp_path: Path) -> None:
    """The same workbook, re-saved by LibreOffice (which stores the computed results), reads the formula's value."""
    require_tool("soffice")
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(corpus["formula_without_cached_value"])],
                   check=True, capture_output=True, timeout=120)
    ubnd, _tyt = read(out / "ket_qua.xlsx")
    assert ubnd.scores["Phường Nha Trang"]["tiep_don"] == pytest.approx(72.27)  # =C4*1


@given(st.text(max_size=400))
def test_slugs_are_safe_file_names_whatever_the_text(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|van-ban", slug) and len(slug) <= 60


def test_windows_1258_really_writes_combining_tones() -> None:
    data = gen.windows_1258("Phường")
    assert data.decode("cp1258") != "Phường" and unicodedata.normalize("NFC", data.decode("cp1258")) == "Phường"


def test_the_generator_writes_the_corpus_from_the_command_line(tmp_path: Path) -> None:
    argv = sys.argv
    sys.argv = ["make_bad_inputs.py", str(tmp_path), "--case", "ods", "--case", "old_xls"]
    try:
        gen.main()
    finally:
        sys.argv = argv
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")) == [
        "ods/ket_qua.ods", "old_xls/ket_qua.xls"]
    assert (tmp_path / "old_xls" / "ket_qua.xls").read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


# -- end to end: a refused build writes nothing and takes no number --


def run_build(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])


def assert_nothing_written(workspace: Path) -> None:
    output = workspace / "output"
    drafts = output / "drafts"
    assert not drafts.exists() or list(drafts.iterdir()) == []  # no batch, no hidden .partial folder
    assert not output.exists() or list(output.rglob("*.docx")) == []  # no draft, no issued letter
    with Register(f"sqlite:///{output / 'so_van_ban_di.sqlite'}") as register:
        assert register.records() == []


@pytest.mark.parametrize("case", ["formula_without_cached_value", "score_na", "password_protected_xlsx",
                                  "truncated_xlsx", "hidden_table_sheet", "fraction_among_percentages"])
def test_a_refused_build_writes_nothing_and_takes_no_number(workspace: Path, corpus: dict[str, Path],
                                                             case: str) -> None:
    data = workspace / "data" / "ket_qua_2025.xlsx"
    shutil.copyfile(corpus[case], data)
    result = run_build(workspace, "--issue", "--date", "2026-01-05")
    (sheet, row, column), explanation = REFUSED[case]
    assert result.exit_code == 1
    assert f"Lỗi: {cell_location(data, sheet, row, column)}: {explanation}" in result.output
    assert_nothing_written(workspace)


def test_after_a_refused_build_the_next_letter_is_number_one(workspace: Path, corpus: dict[str, Path]) -> None:
    good = workspace / "data" / "ket_qua_2025.xlsx"
    bad = workspace / "data" / "tram_y_te.csv"
    shutil.copyfile(corpus["csv_unknown_encoding"], bad)
    result = run_build(workspace, "--issue", "--date", "2026-01-05", "--data", str(good), "--data", str(bad))
    assert result.exit_code == 1 and "không nhận ra bảng mã của tệp CSV" in result.output
    assert_nothing_written(workspace)
    assert run_build(workspace, "--issue", "--date", "2026-01-05").exit_code == 0
    issued = sorted(p.name for p in (workspace / "output" / "2026").glob("*.docx"))
    assert issued[0].startswith("01-SNV-CCHC_") and len(issued) == len(gen.UNITS)


# -- file names: whatever the unit name, files stay inside output/ --


def test_odd_unit_names_give_safe_files_showing_the_exact_name(workspace: Path, corpus: dict[str, Path]) -> None:
    shutil.copyfile(corpus["odd_unit_names"], workspace / "data" / "ket_qua_2025.xlsx")
    (workspace / "recipients" / "bo_sung.csv").unlink()  # it names the sample units
    config = workspace / "congvan.toml"  # not one sample unit: the sample's agency would be refused
    config.write_text(own_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    before = {p for p in workspace.rglob("*")}
    result = run_build(workspace, "--issue", "--date", "2026-01-05")
    assert result.exit_code == 0, result.output

    output = (workspace / "output").resolve()
    new = {p for p in workspace.rglob("*")} - before
    assert new and all(p.resolve().is_relative_to(output) for p in new)  # nothing written outside output/
    for path in new:
        parts = path.relative_to(output).parts
        assert all(len(part.encode("utf-8")) <= 255 and part not in ("..", ".") for part in parts), path
        assert path.name.isascii()
    assert len(list((output / "drafts").iterdir())) == 1
    assert sorted(p.name for p in output.iterdir()) == ["2026", "drafts", "so_van_ban_di.sqlite", "templates"]

    issued = sorted((output / "2026").glob("*.docx"))
    assert len(issued) == len(gen.ODD_NAMES)
    shown: dict[str, str] = {}
    for path in issued:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            for part in archive.namelist():
                if part.endswith((".xml", ".rels")):
                    etree.fromstring(archive.read(part))  # every part is well-formed XML
        text = "\n".join(iter_text(path.read_bytes()))
        shown[path.name] = text
    for name in gen.ODD_NAMES:
        # the letter says "Ủy ban nhân dân phường A & B": the name itself, its first letter lower-cased
        holders = [file for file, text in shown.items()
                   if name[1:] in text and name.casefold() in text.casefold()]
        assert len(holders) >= 1, name
    with Register(f"sqlite:///{output / 'so_van_ban_di.sqlite'}") as register:
        assert sorted(r.unit for r in register.records()) == sorted(gen.ODD_NAMES)
    (batch,) = (output / "drafts").iterdir()
    manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(letter["unit"] for letter in manifest["letters"]) == sorted(gen.ODD_NAMES)
    assert all((batch / letter["file"]).is_file() for letter in manifest["letters"])
