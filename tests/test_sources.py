"""Reading results workbooks/CSV and the criteria catalog: values, formats and every bad-input message."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from congvan.errors import DataError
from congvan.sources.catalog import load_catalog
from congvan.sources.results import all_units, load_results
from tests.conftest import CRITERIA_HEADERS, standard_sheets, write_workbook

PERCENT = {"Trạm y tế": "0.00%"}

CATALOG = """
[nhan_xet]
vuot = "{{ doi_tuong }} đạt {{ ket_qua }}, vượt chỉ tiêu ({{ chi_tieu }})."
dat = "{{ doi_tuong }} đạt {{ ket_qua }}, đạt chỉ tiêu."
chua_dat = "{{ doi_tuong }} chỉ đạt {{ ket_qua }}, chưa đạt chỉ tiêu ({{ chi_tieu }})."
rat_thap = "{{ doi_tuong }} đạt rất thấp, chỉ có {{ ket_qua }}."

[[bang]]
ma = "ubnd_xa"
ten = "UBND cấp xã"
doi_tuong = "UBND {{ don_vi }}"
tieu_de = "Đối với {{ doi_tuong }}"
cot_don_vi = ["Đơn vị"]
""" + "".join(f"""
[[bang.tieu_chi]]
ma = "{code}"
ten = "{header}"
cot = ["{header}"]
[bang.tieu_chi.chi_dao]
vuot = ["Phát huy {code}."]
dat = ["Giữ vững {code}."]
chua_dat = ["Khắc phục {code}."]
rat_thap = ["Khắc phục ngay {code}."]
""" for code, header in zip(["tiep_can", "tiep_don", "thu_tuc", "cong_chuc", "ket_qua", "phan_anh"],
                            CRITERIA_HEADERS, strict=True)) + """
[[bang]]
ma = "tram_y_te"
ten = "Trạm y tế"
doi_tuong = "Trạm y tế {{ don_vi }}"
tieu_de = "Đối với {{ doi_tuong }}"

[[bang.tieu_chi]]
ma = "chi_so_tyt"
ten = "Chỉ số hài lòng đối với Trạm y tế"
cot = ["Chỉ số hài lòng"]
[bang.tieu_chi.chi_dao]
vuot = ["a"]
dat = ["b"]
chua_dat = ["c"]
rat_thap = ["d"]
"""


@pytest.fixture
def catalog(tmp_path: Path):
    path = tmp_path / "tieu_chi.toml"
    path.write_text(CATALOG, encoding="utf-8")
    return load_catalog(path)


def test_reads_both_sheets_with_percent_formatted_cells(tmp_path, catalog):
    path = write_workbook(tmp_path / "kq.xlsx", standard_sheets(), formats={"Trạm y tế": "0.00%"})
    ubnd, tyt = load_results([path], catalog)
    assert ubnd.spec.code == "ubnd_xa" and tyt.spec.code == "tram_y_te"
    assert ubnd.scores["Phường Nha Trang"]["tiep_don"] == pytest.approx(68.83)
    # stored 0.7646 in a cell formatted 0.00% -> 76.46, read from the number format
    assert tyt.scores["Phường Nha Trang"]["chi_so_tyt"] == pytest.approx(76.46)
    assert ubnd.rows["Phường Nha Trang"] == 4  # title, blank, header, then the first unit on row 4


@pytest.mark.parametrize("text, expected", [
    ("72,27", 72.27), ("72,27%", 72.27), ("72,27 %", 72.27), ("72.27", 72.27), (" 85 ", 85.0),
], ids=["comma", "comma-percent", "comma-space-percent", "dot", "spaces"])
def test_accepts_scores_written_as_text(tmp_path, catalog, text, expected):
    sheets = standard_sheets()
    sheets["UBND cấp xã"][3][2] = text
    path = write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)
    ubnd = load_results([path], catalog)[0]
    assert ubnd.scores["Phường Nha Trang"]["tiep_can"] == pytest.approx(expected)


def test_header_matching_ignores_case_spaces_and_nfd(tmp_path, catalog):
    sheets = standard_sheets()
    header = sheets["UBND cấp xã"][2]
    header[1] = "  ĐƠN   VỊ "
    header[2] = unicodedata.normalize("NFD", "tiếp cận  DỊCH vụ")
    path = write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)
    assert load_results([path], catalog)[0].scores["Xã Cam Lâm"]["tiep_can"] == pytest.approx(90.0)


def test_csv_table_named_after_the_table_code(tmp_path, catalog):
    csv_path = tmp_path / "tram_y_te.csv"
    csv_path.write_text("STT;Đơn vị;Chỉ số hài lòng\n1;Phường Nha Trang;76,46%\n2;Xã Cam Lâm;88,3\n", encoding="utf-8")
    (table,) = load_results([csv_path], catalog)
    assert table.scores == {"Phường Nha Trang": {"chi_so_tyt": 76.46}, "Xã Cam Lâm": {"chi_so_tyt": 88.3}}


def test_units_sorted_in_vietnamese_order(tmp_path, catalog):
    path = write_workbook(tmp_path / "kq.xlsx", standard_sheets(), PERCENT)
    names = all_units(load_results([path], catalog))
    assert names == ["Đặc khu Trường Sa", "Phường Cam Ranh", "Phường Nha Trang", "Xã Cam Lâm", "Xã Diên Khánh"]


def _error(tmp_path, catalog, sheets, formats=PERCENT) -> str:
    path = write_workbook(tmp_path / "kq.xlsx", sheets, formats)
    with pytest.raises(DataError) as info:
        load_results([path], catalog)
    return str(info.value)


def test_text_where_a_score_should_be(tmp_path, catalog):
    sheets = standard_sheets()
    sheets["UBND cấp xã"][5][3] = "khá"
    message = _error(tmp_path, catalog, sheets)
    assert "kq.xlsx" in message and "sheet 'UBND cấp xã'" in message and "dòng 6" in message
    assert "cột 'Điều kiện tiếp đón, phục vụ'" in message and "'khá'" in message


def test_score_outside_0_100(tmp_path, catalog):
    sheets = standard_sheets()
    sheets["UBND cấp xã"][4][7] = 112.5
    message = _error(tmp_path, catalog, sheets)
    assert "dòng 5" in message and "Tiếp nhận, xử lý phản ánh, kiến nghị" in message and "0–100" in message


def test_missing_criterion_column(tmp_path, catalog):
    sheets = standard_sheets()
    for row in sheets["UBND cấp xã"][2:]:
        del row[4]
    message = _error(tmp_path, catalog, sheets)
    assert "thiếu cột tiêu chí" in message and "'Thủ tục hành chính'" in message and "dòng 3" in message


def test_unknown_criterion_header(tmp_path, catalog):
    sheets = standard_sheets()
    sheets["UBND cấp xã"][2].append("Chỉ số số hóa")
    for row in sheets["UBND cấp xã"][3:]:
        row.append(80.0)
    message = _error(tmp_path, catalog, sheets)
    assert "cột 'Chỉ số số hóa'" in message and "không khớp tiêu chí" in message


def test_duplicate_unit(tmp_path, catalog):
    sheets = standard_sheets()
    sheets["UBND cấp xã"].append([9, "phường  nha trang", 80.0, 80.0, 80.0, 80.0, 80.0, 80.0])
    message = _error(tmp_path, catalog, sheets)
    assert "bị trùng" in message and "dòng 4" in message and "dòng 9" in message


def test_empty_workbook(tmp_path, catalog):
    message = _error(tmp_path, catalog, {"Sheet1": []})
    assert "không có bảng kết quả nào" in message and "'UBND cấp xã'" in message


def test_sheet_with_header_but_no_rows(tmp_path, catalog):
    message = _error(tmp_path, catalog, {"UBND cấp xã": [["STT", "Đơn vị", *CRITERIA_HEADERS]]})
    assert "không có dòng dữ liệu" in message and "sheet 'UBND cấp xã'" in message


def test_empty_score_cell(tmp_path, catalog):
    sheets = standard_sheets()
    sheets["UBND cấp xã"][3][3] = None
    message = _error(tmp_path, catalog, sheets)
    assert "ô điểm bị trống" in message and "dòng 4" in message


def test_fractions_without_percent_format_are_refused(tmp_path, catalog):
    message = _error(tmp_path, catalog, standard_sheets(), formats=None)  # Trạm y tế values 0.76 ... with no % format
    assert "sheet 'Trạm y tế'" in message and "định dạng phần trăm" in message


def test_catalog_errors_name_the_key(tmp_path):
    path = tmp_path / "tieu_chi.toml"
    text = CATALOG.replace('rat_thap = ["d"]', "")
    path.write_text(text, encoding="utf-8")
    header = text.splitlines().index("[bang.tieu_chi.chi_dao]", text[:text.index("tram_y_te")].count("\n")) + 1
    with pytest.raises(DataError) as info:
        load_catalog(path)
    assert str(info.value) == (
        f"{path}, dòng {header}, [bang.tieu_chi.chi_dao] (bang thứ 2 'tram_y_te', tieu_chi thứ 1 'chi_so_tyt'): "
        "thiếu khóa 'rat_thap' (Các đoạn chỉ đạo khi kết luận rất thấp); cần danh sách chuỗi, mỗi mục không để trống.")


LEGACY = Path(__file__).parent / "fixtures" / "legacy"
# the catalog cut before its second criterion: one table, one criterion ("Tiếp cận dịch vụ")
ONE_CRITERION = CATALOG[:CATALOG.index("[[bang.tieu_chi]]", CATALOG.index("[[bang.tieu_chi]]") + 1)]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_encoded_names_stop_with_the_cell_named(tmp_path, encoding):
    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(ONE_CRITERION, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_results([LEGACY / f"{encoding}.xlsx"], load_catalog(catalog_path))
    message = str(info.value)
    assert f"{encoding}.xlsx" in message and "sheet 'UBND cấp xã'" in message and "dòng " in message
    assert f"mã {encoding.upper()} cũ" in message and "chuyen_ma_cu" in message


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_encoded_names_are_converted_when_asked(tmp_path, encoding):
    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(ONE_CRITERION, encoding="utf-8")
    (table,) = load_results([LEGACY / f"{encoding}.xlsx"], load_catalog(catalog_path), convert_legacy=True)
    assert table.scores == {"Phường Nha Trang": {"tiep_can": 72.27}, "Phường Cam Ranh": {"tiep_can": 80.0},
                            "Xã Cam Lâm": {"tiep_can": 90.0}, "Xã Diên Khánh": {"tiep_can": 60.5},
                            "Đặc khu Trường Sa": {"tiep_can": 85.0}}


def test_a_legacy_font_decides_cells_too_short_to_tell_by_their_text(tmp_path):
    import openpyxl
    from openpyxl.styles import Font

    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(ONE_CRITERION, encoding="utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "UBND cấp xã"
    sheet.append(["Đơn vị", "Tiếp cận dịch vụ"])
    sheet.append(["Löu", 80.0])  # VNI for "Lưu": valid-looking either way, only the font tells
    sheet["A2"].font = Font(name="VNI-Times")
    sheet.append(["Xã Cam Lâm", 90.0])
    path = tmp_path / "kq.xlsx"
    workbook.save(path)
    with pytest.raises(DataError, match="dòng 2, cột 'A'.*mã VNI cũ"):
        load_results([path], load_catalog(catalog_path))
    (table,) = load_results([path], load_catalog(catalog_path), convert_legacy=True)
    assert set(table.scores) == {"Lưu", "Xã Cam Lâm"}


def _legacy_bytes(text: str) -> bytes:
    from congvan.vn.legacy_tables import legacy_byte

    return bytes(legacy_byte(char) or ord(char) for char in text)


def test_a_tcvn3_csv_is_not_taken_for_windows_1258(tmp_path):
    """8-bit TCVN3 bytes are not Vietnamese read as Windows-1258: the legacy check names the cell instead."""
    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(ONE_CRITERION, encoding="utf-8")
    lines = (LEGACY / "tcvn3.txt").read_text(encoding="utf-8").splitlines()
    rows = [f"{lines[2]};{lines[3]}", f"{lines[4]};72,27", f"{lines[6]};90"]
    csv_path = tmp_path / "ubnd_xa.csv"
    csv_path.write_bytes(_legacy_bytes("\r\n".join(rows) + "\r\n"))
    with pytest.raises(DataError, match=r"ubnd_xa\.csv, dòng 1, cột 'A': văn bản .* là mã TCVN3 cũ"):
        load_results([csv_path], load_catalog(catalog_path))
    warnings: list[str] = []
    (table,) = load_results([csv_path], load_catalog(catalog_path), convert_legacy=True, warnings=warnings)
    assert table.scores == {"Phường Nha Trang": {"tiep_can": 72.27}, "Xã Cam Lâm": {"tiep_can": 90.0}}
    assert warnings == []


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_separators(tmp_path, catalog, separator):
    csv_path = tmp_path / "tram_y_te.csv"
    rows = [["Đơn vị", "Chỉ số hài lòng"], ["Phường Nha Trang", "76.46"], ["Xã Cam Lâm", "88.3"]]
    csv_path.write_text("\n".join(separator.join(r) for r in rows) + "\n", encoding="utf-8")
    (table,) = load_results([csv_path], catalog)
    assert table.scores == {"Phường Nha Trang": {"chi_so_tyt": 76.46}, "Xã Cam Lâm": {"chi_so_tyt": 88.3}}


def test_explicit_small_percentages_and_zero_are_kept(tmp_path, catalog):
    """Only a plain number in (0, 1] among percentages is suspect; "0,857%" says what it is, and 0 is 0."""
    sheets = standard_sheets()
    sheets["UBND cấp xã"][3][2] = "0,857%"
    sheets["UBND cấp xã"][4][2] = 0
    ubnd = load_results([write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)], catalog)[0]
    assert ubnd.scores["Phường Nha Trang"]["tiep_can"] == pytest.approx(0.857)
    assert ubnd.scores["Phường Cam Ranh"]["tiep_can"] == 0


def test_a_second_header_row_is_tried_only_when_it_is_text(tmp_path, catalog):
    """A wrong header followed by data keeps its own message (the data row is not taken for a header)."""
    sheets = standard_sheets()
    sheets["UBND cấp xã"][2][3] = "Tiếp đón"
    message = _error(tmp_path, catalog, sheets)
    assert "dòng 3, cột 'Tiếp đón': cột 'Tiếp đón' không khớp tiêu chí nào" in message


def test_two_row_header_names_the_unknown_column_not_the_group_title(tmp_path, catalog):
    sheets = standard_sheets()
    ubnd = sheets["UBND cấp xã"]
    ubnd[2] = ["STT", "Đơn vị", "Nhóm chỉ số"]
    ubnd.insert(3, [None, None, *CRITERIA_HEADERS[:-1], "Chỉ số lạ"])
    message = _error(tmp_path, catalog, sheets)
    assert "dòng 4, cột 'Chỉ số lạ': cột 'Chỉ số lạ' không khớp tiêu chí nào" in message
    assert 'bo_qua_cot = ["Chỉ số lạ"]' in message and 'cot_chi_so_chung = ["Chỉ số lạ"]' in message


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheets_are_not_read_even_with_a_csv_for_the_table(tmp_path, catalog, state):
    import openpyxl

    path = write_workbook(tmp_path / "kq.xlsx", standard_sheets(), PERCENT)
    workbook = openpyxl.load_workbook(path)
    workbook["Trạm y tế"].sheet_state = state
    workbook.save(path)
    csv_path = tmp_path / "tram_y_te.csv"
    csv_path.write_text("Đơn vị;Chỉ số hài lòng\nPhường Nha Trang;50\nXã Cam Lâm;60\n", encoding="utf-8")
    warnings: list[str] = []
    ubnd, tyt = load_results([path, csv_path], catalog, warnings=warnings)
    assert tyt.source == str(csv_path) and tyt.scores["Phường Nha Trang"]["chi_so_tyt"] == 50
    assert warnings == [f"{path}, sheet 'Trạm y tế': sheet ẩn, không đọc (bảng 'Trạm y tế' lấy ở {csv_path})."]


def test_a_blank_row_in_a_formula_free_workbook_does_not_load_it_twice(tmp_path, catalog, monkeypatch):
    from congvan.sources import detect as sources_files

    sheets = standard_sheets()
    sheets["UBND cấp xã"].insert(5, [])
    path = write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)
    loads = []
    real = sources_files.openpyxl.load_workbook
    monkeypatch.setattr(sources_files.openpyxl, "load_workbook", lambda *a, **k: loads.append(k) or real(*a, **k))
    load_results([path], catalog)
    assert loads == [{"data_only": True, "read_only": True}]  # streamed, once


def test_a_csv_of_separators_only_is_an_empty_file(tmp_path, catalog):
    csv_path = tmp_path / "tram_y_te.csv"
    csv_path.write_text(";;\n;;\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_results([csv_path], catalog)
    assert str(info.value) == (f"{csv_path}: tệp trống, không có ô nào có dữ liệu; cần dòng tiêu đề có cột đơn vị "
                               "('Đơn vị') và các dòng điểm.")
