"""Recipient lists: named lists, includes, unit fields, notes, dedupe, NĐ 30 punctuation, commands, letters."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.config import load_workspace
from congvan.errors import DataError
from congvan.letter.context import unit_values
from congvan.models import Unit
from congvan.recipients.rules import (
    Recipients,
    addressee_lines,
    distribution_lines,
    for_unit,
    load_workspace_rules,
    split_notes,
)
from tests.conftest import UNITS
from tests.test_template import assert_runs

TABLES = ["ubnd_xa", "tram_y_te"]


def write_lists(workspace: Path, text: str, name: str = "danh_sach.toml") -> Path:
    path = workspace / "recipients" / name
    path.write_text(text, encoding="utf-8")
    return path


def set_config(workspace: Path, **values: object) -> None:
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        old = next(line for line in text.splitlines() if line.startswith(f"{key} ="))
        new = f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}"
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")


def rules_for(workspace: Path):
    return load_workspace_rules(load_workspace(workspace), TABLES, list(UNITS))


def letter_for(workspace: Path, unit: str, short: tuple[str, ...] = ()) -> Recipients:
    ws = load_workspace(workspace)
    rules = load_workspace_rules(ws, TABLES, list(UNITS))
    return for_unit(rules, unit, short, unit_values(Unit(unit), ws.assessment))


def build(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])


def built_letter(workspace: Path, slug: str) -> docx.document.Document:
    (batch,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    (path,) = batch.glob(f"*_{slug}.docx")
    return docx.Document(str(path))


def distribution_cell(document) -> list[str]:
    return [p.text for p in document.tables[1].cell(0, 0).paragraphs]


# -- printing rules (NĐ 30 §3.6, §3.10) --


def test_one_addressee_stays_on_the_line_several_become_a_dash_list():
    assert addressee_lines(["UBND phường A"]) == ["UBND phường A"]
    assert addressee_lines(["UBND phường A", "Trạm y tế phường A", "Công an phường A"]) == [
        "- UBND phường A;", "- Trạm y tế phường A;", "- Công an phường A."]
    assert addressee_lines(["- UBND phường A;", "Trạm y tế."]) == ["- UBND phường A;", "- Trạm y tế."]


def test_nhu_tren_only_with_addressees_and_luu_last_with_padded_copies():
    with_to = Recipients(("UBND phường A",), ("Sở Y tế (p/h)", "Công an tỉnh;"), "VT, CCHC", 5)
    assert distribution_lines(with_to) == ["Như trên;", "Sở Y tế (p/h);", "Công an tỉnh;", "Lưu: VT, CCHC (05b)."]
    without_to = Recipients((), ("Sở Y tế",), "VT, NV.", 12)
    assert distribution_lines(without_to) == ["Sở Y tế;", "Lưu: VT, NV (12b)."]


def test_notes_are_recognised_and_normalised():
    assert split_notes("UBND tỉnh (b/c)") == ("UBND tỉnh", ("b/c",))
    assert split_notes("Sở Y tế (p/h) (vbđt)") == ("Sở Y tế", ("p/h", "VBĐT"))
    assert split_notes("Công an tỉnh (Phòng PA03)") == ("Công an tỉnh (Phòng PA03)", ())


# -- lists, includes, placeholders --


def test_include_chains_resolve_depth_first_in_order(workspace):
    write_lists(workspace, """
[danh_sach]
kinh-gui = ["UBND {{ don_vi }}"]
noi-nhan = ["@a", "Cuối"]
a = ["A1", "@b", "A2"]
b = ["B1", "@c"]
c = ["C1"]
""")
    set_config(workspace, kinh_gui="kinh-gui", noi_nhan="noi-nhan")
    letter = letter_for(workspace, "Phường Nha Trang")
    assert letter.addressees == ("UBND phường Nha Trang",)
    assert letter.distribution == ("A1", "B1", "C1", "A2", "Cuối")


def test_a_cycle_is_an_error_naming_the_chain_and_line(workspace):
    path = write_lists(workspace, """[danh_sach]
don-vi = ["UBND {{ don_vi }}"]
chi-dao = ["@a"]
a = ["A1", "@b"]
b = ["@a"]
""")
    with pytest.raises(DataError) as err:
        rules_for(workspace)
    message = str(err.value)
    assert "a → b → a" in message and str(path) in message and "dòng 5" in message


def test_a_missing_list_is_an_error_with_the_line_and_closest_name(workspace):
    write_lists(workspace, """[danh_sach]
don-vi = ["UBND {{ don_vi }}"]
chi-dao = [
    "Sở Nội vụ",
    "@thuong-truc",
]
thuong-truc1 = ["UBND tỉnh"]
""")
    with pytest.raises(DataError) as err:
        rules_for(workspace)
    assert "không có danh sách 'thuong-truc'" in str(err.value) and "dòng 5" in str(err.value)
    assert "thuong-truc1" in str(err.value)


def test_missing_default_list_and_build_override(workspace):
    result = build(workspace, "--kinh-gui", "khong-co", "--dry-run")
    assert result.exit_code == 1 and "không có danh sách 'khong-co'" in result.output
    assert "--kinh-gui" in result.output


def test_unit_fields_fill_per_unit(workspace):
    write_lists(workspace, """[danh_sach]
don-vi = ["UBND {{ don_vi.loai }} {{ don_vi.ten_rieng }}", "Trạm y tế {{ don_vi }}"]
chi-dao = ["Đảng ủy {{ don_vi.ten_hoa }}", "{{ don_vi.ubnd_day_du }} (VBĐT)"]
""")
    for unit in ("Phường Nha Trang", "Xã Cam Lâm", "Đặc khu Trường Sa"):
        letter = letter_for(workspace, unit)
        lowered = unit[0].lower() + unit[1:]
        kind, bare = {"P": ("phường", unit[7:]), "X": ("xã", unit[3:]), "Đ": ("đặc khu", unit[8:])}[unit[0]]
        assert letter.addressees == (f"UBND {kind} {bare}", f"Trạm y tế {lowered}")
        assert letter.distribution[:2] == (f"Đảng ủy {unit}", f"Ủy ban nhân dân {lowered} (VBĐT)")


def test_an_unknown_placeholder_names_the_line(workspace):
    write_lists(workspace, """[danh_sach]
don-vi = ["UBND {{ don_vi }}"]
chi-dao = [
  "Đảng ủy {{ ten_don_vi }}",
]
""")
    with pytest.raises(DataError) as err:
        letter_for(workspace, "Phường Nha Trang")
    assert "ten_don_vi" in str(err.value) and "dòng 4" in str(err.value)


def test_per_unit_extras_reach_only_that_unit(workspace):
    (workspace / "recipients" / "bo_sung.csv").write_text(
        "Đơn vị,Kính gửi,Nơi nhận\n"
        "xã  cam lâm,Công an {{ don_vi }},Sở Y tế (p/h); @thuong-truc\n", encoding="utf-8")
    cam_lam = letter_for(workspace, "Xã Cam Lâm")
    assert cam_lam.addressees == ("Ủy ban nhân dân xã Cam Lâm", "Công an xã Cam Lâm")
    assert cam_lam.distribution[-2:] == ("Trung tâm Phục vụ hành chính công tỉnh", "Sở Y tế (p/h)")
    assert "Sở Y tế (p/h)" not in letter_for(workspace, "Phường Nha Trang").distribution


def test_additions_when_a_table_falls_short(workspace):
    short = letter_for(workspace, "Phường Nha Trang", ("tram_y_te",))
    assert short.addressees == ("Ủy ban nhân dân phường Nha Trang", "Trạm y tế phường Nha Trang")
    assert short.distribution[-1] == "Sở Y tế (p/h)"
    assert letter_for(workspace, "Phường Nha Trang", ("ubnd_xa",)).addressees == ("Ủy ban nhân dân phường Nha Trang",)


# -- duplicates and order --


def test_duplicates_after_normalising_are_dropped_with_a_warning(workspace):
    nfd = unicodedata.normalize("NFD", "UBND phường Nha Trang")
    write_lists(workspace, f"""[danh_sach]
don-vi = ["UBND {{{{ don_vi }}}}"]
chi-dao = ["Sở Y tế", "ubnd  PHƯỜNG nha trang", "{nfd}", "Sở y tế (p/h)", "UBND tỉnh", "UBND  tỉnh (b/c)"]
""")
    ws = load_workspace(workspace)
    rules = load_workspace_rules(ws, TABLES, list(UNITS))
    letter = for_unit(rules, "Phường Nha Trang", (), unit_values(Unit("Phường Nha Trang"), ws.assessment))
    # the unit's own UBND is Kính gửi, so "Như trên" covers it; the two UBND tỉnh lines merge their notes
    assert letter.distribution == ("Sở Y tế (p/h)", "UBND tỉnh (b/c)")
    assert len(rules.warnings) == 4
    assert all("dòng 3" in w for w in rules.warnings)
    assert any("Như trên" in w for w in rules.warnings)
    result = build(workspace, "--unit", "Phường Nha Trang")
    assert result.exit_code == 0, result.output
    assert "Cảnh báo" in result.output and "trùng với 'Sở Y tế'" in result.output
    assert distribution_cell(built_letter(workspace, "phuong-nha-trang")) == [
        "Nơi nhận:", "- Như trên;", "- Sở Y tế (p/h);", "- UBND tỉnh (b/c);", "- Lưu: VT, CCHC (02b)."]


def test_vietnamese_alphabetical_order_when_asked(workspace):
    write_lists(workspace, """[danh_sach]
don-vi = ["Ủy ban nhân dân {{ don_vi }}", "Đảng ủy {{ don_vi }}", "Công an {{ don_vi }}"]
chi-dao = ["Ủy ban MTTQ tỉnh", "Sở Tư pháp", "Đài Phát thanh", "Báo Khánh Hòa", "Ban Dân vận", "Sở Tài chính"]
""")
    assert letter_for(workspace, "Xã Cam Lâm").distribution[0] == "Ủy ban MTTQ tỉnh"  # list order by default
    set_config(workspace, sap_xep="abc")
    letter = letter_for(workspace, "Xã Cam Lâm")
    assert letter.addressees == ("Công an xã Cam Lâm", "Đảng ủy xã Cam Lâm", "Ủy ban nhân dân xã Cam Lâm")
    assert letter.distribution == ("Ban Dân vận", "Báo Khánh Hòa", "Đài Phát thanh", "Sở Tài chính", "Sở Tư pháp",
                                   "Ủy ban MTTQ tỉnh")


# -- malformed files: file and line --


@pytest.mark.parametrize(("text", "line", "expected"), [
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B" "C"]\n', 3, "sai cú pháp TOML"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B"]\n\n[nhom]\nx = ["C"]\n', 5,
     "không có khóa 'nhom' (dùng được: danh_sach, khi_chua_dat)"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B"]\n"" = ["C"]\n', 4, "tên danh sách rỗng"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = [\n  "B",\n  "  ",\n]\n', 5, "mục rỗng"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B"]\n"Thường trực" = ["C"]\n', 4, "chữ thường không dấu"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B"]\n[khi_chua_dat.tram_y_te]\nkinh_gui = ["C"]\nnoi_nhn = ["D"]\n',
     6, "[khi_chua_dat.tram_y_te]: không có khóa 'noi_nhn' — có phải 'noi_nhan'?"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["B"]\n[khi_chua_dat.benh_vien]\nkinh_gui = ["C"]\n', 4,
     "không có bảng mã 'benh_vien'"),
    ('[danh_sach]\ndon-vi = ["A"]\nchi-dao = ["{{ don_vi "]\n', 3, "lỗi cú pháp"),
])
def test_malformed_list_file_names_file_and_line(workspace, text, line, expected):
    path = write_lists(workspace, text)
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1
    assert f"{path}, dòng {line}" in result.output and expected in result.output, result.output


def test_a_list_defined_twice_across_files_names_both(workspace):
    write_lists(workspace, '[danh_sach]\nthem = ["X"]\n', name="z_them.toml")
    write_lists(workspace, '[danh_sach]\nthem = ["Y"]\n', name="a_them.toml")
    with pytest.raises(DataError) as err:
        rules_for(workspace)
    assert "a_them.toml, dòng 2" in str(err.value) and "z_them.toml, dòng 2" in str(err.value)


@pytest.mark.parametrize(("csv_text", "expected"), [
    ("Đơn vị,Kính gửi,Nơi nhận\nPhường Không Có,,Sở Y tế\n", "dòng 2, cột 'Đơn vị': đơn vị 'Phường Không Có'"),
    ("Đơn vị,Kính gửi,Ghi chú\nXã Cam Lâm,,\n", "dòng 1: cột 'ghi chú' không dùng được"),
    ("Đơn vị,Kính gửi,Nơi nhận\nXã Cam Lâm,,@khong-co\n", "dòng 2, cột 'Nơi nhận': không có danh sách 'khong-co'"),
])
def test_bad_additions_csv_names_row_and_column(workspace, csv_text, expected):
    (workspace / "recipients" / "bo_sung.csv").write_text(csv_text, encoding="utf-8")
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1 and expected in result.output, result.output


# -- letters --


def test_letters_print_the_lists_with_punctuation_and_sizes(workspace):
    (workspace / "recipients" / "bo_sung.csv").write_text(
        "Đơn vị,Kính gửi,Nơi nhận\nXã Cam Lâm,Công an xã Cam Lâm,Sở Y tế (VBĐT)\n", encoding="utf-8")
    set_config(workspace, so_ban_luu=3, luu="VT, CCHC, NV")
    result = build(workspace)
    assert result.exit_code == 0, result.output
    several = built_letter(workspace, "xa-cam-lam")
    kinh_gui = several.paragraphs[0]
    assert kinh_gui.text == "Kính gửi:\t- Ủy ban nhân dân xã Cam Lâm;\n- Công an xã Cam Lâm."
    assert_runs(kinh_gui, several, 14, bold=False, italic=False)
    cell = several.tables[1].cell(0, 0)
    assert distribution_cell(several) == [
        "Nơi nhận:", "- Như trên;", "- UBND tỉnh (b/c);", "- Giám đốc, các Phó Giám đốc Sở;", "- Đảng ủy xã Cam Lâm;",
        "- Trung tâm Phục vụ hành chính công tỉnh;", "- Sở Y tế (VBĐT);", "- Lưu: VT, CCHC, NV (03b)."]
    assert_runs(cell.paragraphs[0], several, 12, bold=True, italic=True)
    for paragraph in cell.paragraphs[1:]:
        assert_runs(paragraph, several, 11, bold=False, italic=False)
    single = built_letter(workspace, "dac-khu-truong-sa")
    assert single.paragraphs[0].text == "Kính gửi: Ủy ban nhân dân đặc khu Trường Sa"
    assert_runs(single.paragraphs[0], single, 14, bold=False, italic=False)


def test_build_with_other_lists(workspace):
    result = build(workspace, "--kinh-gui", "cac-phuong-xa", "--noi-nhan", "thuong-truc", "--unit", "Xã Cam Lâm")
    assert result.exit_code == 0, result.output
    document = built_letter(workspace, "xa-cam-lam")
    assert document.paragraphs[0].text == "Kính gửi: Ủy ban nhân dân các phường, xã, đặc khu"
    assert distribution_cell(document) == ["Nơi nhận:", "- Như trên;", "- UBND tỉnh (b/c);",
                                           "- Giám đốc, các Phó Giám đốc Sở;", "- Lưu: VT, CCHC (02b)."]


# -- commands --


def recipients(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["recipients", *args, "-w", str(workspace)])


def test_recipients_list_shows_every_list_with_size_and_line(workspace):
    result = recipients(workspace, "list")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(rows) == {"don-vi", "cac-phuong-xa", "thuong-truc", "chi-dao", "y-te", "tram-y-te"}
    assert "4 mục" in rows["chi-dao"] and "@thuong-truc" in rows["chi-dao"] and "Nơi nhận mặc định" in rows["chi-dao"]
    assert "danh_sach.toml, dòng" in rows["don-vi"]


def test_recipients_show_prints_exactly_as_in_the_letter(workspace):
    result = recipients(workspace, "show", "chi-dao", "--unit", "Phường Nha Trang")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Nơi nhận:", "- Như trên;", "- UBND tỉnh (b/c);", "- Giám đốc, các Phó Giám đốc Sở;",
        "- Đảng ủy phường Nha Trang;", "- Trung tâm Phục vụ hành chính công tỉnh;", "- Lưu: VT, CCHC (02b)."]
    result = recipients(workspace, "show", "thuong-truc", "--as", "kinh-gui")
    assert result.output.splitlines() == ["Kính gửi:", "- UBND tỉnh (b/c);", "- Giám đốc, các Phó Giám đốc Sở."]
    assert recipients(workspace, "show", "don-vi", "--unit", "Xã Cam Lâm").output.splitlines() == [
        "Kính gửi: Ủy ban nhân dân xã Cam Lâm"]


def test_recipients_show_unit_matches_the_built_letter(workspace):
    result = recipients(workspace, "show", "--unit", "Phường Nha Trang")
    assert result.exit_code == 0, result.output
    assert build(workspace, "--unit", "Phường Nha Trang").exit_code == 0
    document = built_letter(workspace, "phuong-nha-trang")
    shown = result.output.splitlines()
    blank = shown.index("")
    printed_to = document.paragraphs[0].text.replace("Kính gửi:\t", "Kính gửi:\n").split("\n")
    assert shown[:blank] == printed_to
    assert shown[blank + 1:] == distribution_cell(document)


def test_recipients_check_passes_on_the_sample_and_reports_every_problem(workspace):
    result = recipients(workspace, "check")
    assert result.exit_code == 0, result.output
    assert "6 danh sách, 5 đơn vị" in result.output
    assert "cac-phuong-xa" in result.output  # warned: nothing uses it by default
    write_lists(workspace, """[danh_sach]
don-vi = ["{{ 'Trạm y tế ' ~ don_vi if don_vi.loai == 'xã' else '' }}"]
chi-dao = ["Sở Nội vụ"]
""")
    result = recipients(workspace, "check")
    assert result.exit_code == 1
    for unit in ("Phường Nha Trang", "Phường Cam Ranh", "Đặc khu Trường Sa"):
        assert f"thư gửi '{unit}'" in result.output
    assert "thư gửi 'Xã Cam Lâm'" not in result.output
