"""Issue 13 (part A): header keys, ignored and official columns, sheet aliases, group/summary/footer rows, values
as typed, fractions judged per column and for one unit, the year in the title."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from congvan.errors import DataError
from congvan.sources.catalog import load_catalog
from congvan.sources.cells import is_percent_format
from congvan.sources.layout import header_key
from congvan.sources.results import load_results
from tests.conftest import CRITERIA_HEADERS, UNITS, write_workbook
from tests.test_sources import CATALOG

UBND = "UBND cấp xã"


def catalog_with(tmp_path: Path, **keys: str) -> Any:
    """The test catalog with `keys` (TOML values) added to its first table."""
    extra = "".join(f"{key} = {value}\n" for key, value in keys.items())
    path = tmp_path / "tieu_chi.toml"
    path.write_text(CATALOG.replace('cot_don_vi = ["Đơn vị"]\n', f'cot_don_vi = ["Đơn vị"]\n{extra}', 1),
                    encoding="utf-8")
    return load_catalog(path)


def ubnd_rows(units: dict[str, list[Any]] | None = None, extra: list[str] | None = None,
              extra_values: list[Any] | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = [["STT", "Đơn vị", *CRITERIA_HEADERS, *(extra or [])]]
    rows += [[i, name, *scores, *(extra_values or [])] for i, (name, scores) in enumerate((units or UNITS).items(),
                                                                                          start=1)]
    return rows


def read(tmp_path: Path, rows: list[list[Any]], catalog: Any, *, sheet: str = UBND, year: int | None = None,
         fmt: str | None = None) -> tuple[Any, list[str]]:
    path = write_workbook(tmp_path / "kq.xlsx", {sheet: rows}, {sheet: fmt} if fmt else None)
    warnings: list[str] = []
    (table,) = load_results([path], catalog, warnings=warnings, year=year)
    return table, warnings


def error(tmp_path: Path, rows: list[list[Any]], catalog: Any, **kwargs: Any) -> str:
    with pytest.raises(DataError) as info:
        read(tmp_path, rows, catalog, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(("written", "catalog_header"), [
    ("Tiếp nhận, xử lý phản ánh kiến nghị", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
    ("Chỉ số hài lòng (%)", "Chỉ số hài lòng"),
    ("CHỈ SỐ HÀI LÒNG %", "Chỉ số hài lòng"),
    ("Thủ tục hành chính (điểm)", "Thủ tục hành chính"),
    (unicodedata.normalize("NFD", "Điều  kiện tiếp đón - phục vụ"), "Điều kiện tiếp đón, phục vụ"),
])
def test_headers_match_whatever_the_case_spacing_punctuation_or_unit(written: str, catalog_header: str) -> None:
    assert header_key(written) == header_key(catalog_header)


def test_different_words_do_not_match() -> None:
    assert header_key("Tiếp cận dịch vụ công") != header_key("Tiếp cận dịch vụ")


@pytest.mark.parametrize(("number_format", "scaled"), [
    ("0.00%", True), ("0%", True), ('0.00"%"', False), ("0.00\\%", False), ("[Red]0.00", False),
    ("General", False)])
def test_only_a_real_percent_format_scales_by_100(number_format: str, scaled: bool) -> None:
    assert is_percent_format(number_format) is scaled


def test_an_unknown_column_is_named_with_both_remedies_and_bo_qua_cot_ignores_it(tmp_path: Path) -> None:
    rows = ubnd_rows(extra=["SIPAS chung"], extra_values=[80.0])
    message = error(tmp_path, rows, catalog_with(tmp_path))
    assert "cột 'SIPAS chung': cột 'SIPAS chung' không khớp tiêu chí nào" in message
    assert 'bo_qua_cot = ["SIPAS chung"]' in message and 'cot_chi_so_chung = ["SIPAS chung"]' in message
    table, _ = read(tmp_path, rows, catalog_with(tmp_path, bo_qua_cot='["SIPAS chung"]'))
    assert table.overall == {} and table.scores["Xã Cam Lâm"]["tiep_can"] == 90.0


def test_the_official_overall_column_is_read_when_declared(tmp_path: Path) -> None:
    official = {name: 70.0 + i for i, name in enumerate(UNITS)}
    rows = ubnd_rows(extra=["Chỉ số chung (%)", "Ghi chú", "Xếp loại", "Mã", "Loại"])
    for row in rows[1:]:
        row += [official[row[1]], "", "Khá", "X01", "phường"]
    table, _ = read(tmp_path, rows, catalog_with(tmp_path, cot_chi_so_chung='["Chỉ số chung"]'))
    assert table.overall == official
    assert "__overall__" not in table.scores["Xã Cam Lâm"]


def test_a_declared_official_column_that_is_missing_is_refused(tmp_path: Path) -> None:
    message = error(tmp_path, ubnd_rows(), catalog_with(tmp_path, cot_chi_so_chung='["SIPAS chung"]'))
    assert "thiếu cột chỉ số chung ('SIPAS chung') khai báo ở cot_chi_so_chung" in message


def test_sheet_aliases_match_like_headers(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path, ten_sheet='["Biểu 01 - UBND xã"]')
    table, _ = read(tmp_path, ubnd_rows(), catalog, sheet="BIỂU 01 – UBND XÃ")
    assert table.spec.code == "ubnd_xa"
    message = error(tmp_path, ubnd_rows(), catalog, sheet="Biểu 02")
    assert "Tệp có các sheet: 'Biểu 02'." in message and "ten_sheet" in message


def test_summary_rows_are_whole_labels_not_prefixes(tmp_path: Path, ) -> None:
    units = {**UNITS, "Xã Trung Bình Hòa": [80.0] * 6, "Tổng Đội": [81.0] * 6}
    rows = ubnd_rows(units) + [[None, "Trung bình", *[80.0] * 6]]
    table, warnings = read(tmp_path, rows, catalog_with(tmp_path))
    assert "Xã Trung Bình Hòa" in table.scores and "Tổng Đội" in table.scores
    assert "Trung bình" not in table.scores
    assert any("dòng tổng hợp 'Trung bình'" in w and "'Tiếp cận dịch vụ' ghi 80,00" in w for w in warnings)


def test_a_row_with_a_name_and_no_scores_is_a_group_row_reported(tmp_path: Path) -> None:
    rows = ubnd_rows()
    rows.insert(1, ["I", "KHỐI PHƯỜNG"])
    rows.insert(4, [None, "Cộng khối phường", *[77.0] * 6])  # a group's subtotal, with figures
    rows.insert(5, [None, "Khối xã, đặc khu"])
    table, warnings = read(tmp_path, rows, catalog_with(tmp_path))
    assert sorted(table.scores) == sorted(UNITS)
    assert warnings == [f"{tmp_path / 'kq.xlsx'}, sheet '{UBND}': bỏ qua 3 dòng nhóm (không phải đơn vị): dòng 2 "
                        "'KHỐI PHƯỜNG'; dòng 5 'Cộng khối phường'; dòng 6 'Khối xã, đặc khu'."]


def test_a_blank_row_then_rows_without_scores_ends_the_table(tmp_path: Path) -> None:
    rows = ubnd_rows() + [[], [None, "Nguyễn Văn A"], [None, "Người soát: Trần B"]]
    table, warnings = read(tmp_path, rows, catalog_with(tmp_path))
    assert sorted(table.scores) == sorted(UNITS)
    assert warnings == [f"{tmp_path / 'kq.xlsx'}, sheet '{UBND}', dòng 8: hết bảng ở đây ('Nguyễn Văn A'); 2 dòng "
                        "có chữ từ đây trở xuống (chữ ký, ghi chú) không đọc."]


def test_a_blank_row_inside_the_table_does_not_end_it(tmp_path: Path) -> None:
    rows = ubnd_rows()
    rows.insert(3, [])
    table, warnings = read(tmp_path, rows, catalog_with(tmp_path))
    assert sorted(table.scores) == sorted(UNITS) and warnings == []


def test_a_year_in_the_title_other_than_the_assessed_one_is_a_warning(tmp_path: Path) -> None:
    rows = [["KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2024"], ["(Kèm theo Báo cáo ngày 02 tháng 01 năm 2025)"], *ubnd_rows()]
    _, warnings = read(tmp_path, rows, catalog_with(tmp_path), year=2025)
    assert warnings == [f"{tmp_path / 'kq.xlsx'}, sheet '{UBND}': tiêu đề bảng ghi năm 2024, khác năm đánh giá 2025 "
                        "([danh_gia] nam trong congvan.toml); kiểm tra lại tệp kết quả hoặc năm đánh giá."]
    _, warnings = read(tmp_path, rows, catalog_with(tmp_path), year=2024)
    assert warnings == []  # the date of the cover note ("ngày … năm 2025") is not the title's year


def test_one_unit_with_fractions_is_refused(tmp_path: Path) -> None:
    rows = ubnd_rows({"Phường Nha Trang": [0.8, 0.85, 0.9, 0.7, 0.75, 0.95]})
    message = error(tmp_path, rows, catalog_with(tmp_path))
    assert f"cột '{CRITERIA_HEADERS[0]}': mọi giá trị đều ≤ 1 (giá trị 0,8): có vẻ là tỷ lệ" in message


def test_fractions_are_judged_per_column(tmp_path: Path) -> None:
    """One column of fractions is refused although the other columns hold percentages."""
    units = {name: [*scores[:5], round(scores[5] / 100, 4)] for name, scores in UNITS.items()}
    message = error(tmp_path, ubnd_rows(units), catalog_with(tmp_path))
    assert f"cột '{CRITERIA_HEADERS[5]}': mọi giá trị đều ≤ 1" in message


def test_one_unit_in_a_percent_format_is_read(tmp_path: Path) -> None:
    table, _ = read(tmp_path, ubnd_rows({"Phường Nha Trang": [0.8, 0.85, 0.9, 0.7, 0.75, 0.95]}),
                    catalog_with(tmp_path), fmt="0.00%")
    assert table.scores["Phường Nha Trang"]["tiep_can"] == 80.0


@pytest.mark.parametrize(("value", "shown"), [(100.0000004, "100,0000004"), ("100,0000004", "100,0000004"),
                                              (-0.5, "-0,5"), ("101%", "101%")])
def test_out_of_range_values_are_shown_as_typed(tmp_path: Path, value: Any, shown: str) -> None:
    units = {**UNITS, "Phường Nha Trang": [value, *UNITS["Phường Nha Trang"][1:]]}
    message = error(tmp_path, ubnd_rows(units), catalog_with(tmp_path))
    assert message.endswith(f"dòng 2, cột '{CRITERIA_HEADERS[0]}': điểm {shown} nằm ngoài khoảng 0–100; cần một tỷ "
                            "lệ phần trăm từ 0 đến 100.")


def test_a_us_style_number_is_refused_as_ambiguous(tmp_path: Path) -> None:
    units = {**UNITS, "Xã Cam Lâm": [*UNITS["Xã Cam Lâm"][:2], "1,234.5", *UNITS["Xã Cam Lâm"][3:]]}
    message = error(tmp_path, ubnd_rows(units), catalog_with(tmp_path))
    assert f"dòng 4, cột '{CRITERIA_HEADERS[2]}': không rõ giá trị '1,234.5': có dấu phẩy nhóm nghìn" in message


def test_a_short_csv_row_says_the_cell_is_blank(tmp_path: Path) -> None:
    path = tmp_path / "ubnd_xa.csv"
    header = ",".join(["Đơn vị", *(f'"{h}"' for h in CRITERIA_HEADERS)])
    path.write_text(f"{header}\nPhường Nha Trang,80,81,82,83,84,85\nXã Cam Lâm,80,81,82\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_results([path], catalog_with(tmp_path))
    assert str(info.value).endswith(f"dòng 3, cột '{CRITERIA_HEADERS[3]}': ô điểm bị trống; cần một tỷ lệ phần trăm "
                                    "từ 0 đến 100.")


def test_a_data_row_of_text_scores_is_not_taken_for_a_second_header_row(tmp_path: Path) -> None:
    """Text under a column with no header does not make the first unit row a header when its scores are text."""
    rows: list[list[Any]] = [["Đơn vị", *CRITERIA_HEADERS, None]]
    rows += [[name, *(f"{v:.2f}%".replace(".", ",") for v in scores), "đã rà soát"] for name, scores in UNITS.items()]
    table, _ = read(tmp_path, rows, catalog_with(tmp_path))
    assert table.scores["Phường Nha Trang"]["tiep_can"] == 72.27 and len(table.scores) == len(UNITS)
