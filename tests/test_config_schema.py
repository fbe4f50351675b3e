"""The declared schemas of congvan.toml, data/tieu_chi.toml and recipients/*.toml: typos, blanks, ranges, lines."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.config import load_workspace
from congvan.config.document import read_document
from congvan.config.hints import suggest
from congvan.config.locate import TomlLines
from congvan.config.reference import render
from congvan.errors import ConfigError, DataError
from congvan.sources.catalog import load_catalog
from tests.conftest import ROOT


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the file at `path`; return the line where `new` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def config_error(workspace: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_workspace(workspace)
    return str(info.value)


# -- finding lines --


def test_lines_of_tables_keys_and_arrays_of_tables():
    lines = TomlLines("""a = 1
[t]
x = [
  "[not.a.header]",
  "y = 2",
]
"q.k" = 3
d.e = 4
[[bang]]
ma = "one"
[[bang.tieu_chi]]
ma = "c1"
[[bang]]
ma = "two"
[[bang.tieu_chi]]
ma = "c2"
[[bang.tieu_chi]]
ma = "c3"
[bang.tieu_chi.chi_dao]
vuot = '''multi
z = 9
'''
dat = ["b"]
""")
    assert lines.line(("a",)) == 1 and lines.line(("t",)) == 2 and lines.line(("t", "x")) == 3
    assert lines.line(("t", "y")) == 2  # not a key: the table's line
    assert lines.line(("not", "a", "header")) is None
    assert lines.line(("t", "q.k")) == 7 and lines.line(("t", "d", "e")) == 8
    assert lines.line(("bang", 0, "ma")) == 10 and lines.line(("bang", 0, "tieu_chi", 0, "ma")) == 12
    assert lines.line(("bang", 1)) == 13 and lines.line(("bang", 1, "tieu_chi", 1, "ma")) == 18
    assert lines.line(("bang", 1, "tieu_chi", 1, "chi_dao", "dat")) == 23
    assert lines.line(("bang", 1, "tieu_chi", 1, "chi_dao", "z")) == 19  # inside a multi-line string
    assert lines.line(("bang", 1, "tieu_chi", 0, "missing")) == 15
    assert lines.item_line(("t", "x"), "y = 2") == 5 and lines.item_line(("t", "x"), "absent") == 3


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    """Every key path of a parsed TOML document, arrays of tables by index."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += [(*path, key), *_paths(value, (*path, key))]
    elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        for index, item in enumerate(node):
            found += _paths(item, (*path, index))
    return found


@pytest.mark.parametrize("name", ["congvan.toml", "data/tieu_chi.toml", "recipients/danh_sach.toml"])
def test_every_key_of_the_sample_files_is_found_on_its_own_line(name):
    document = read_document(ROOT / name, "thiếu")
    paths = _paths(document.raw)
    assert len(paths) > 10
    for path in paths:
        line = document.lines.where.get(path)
        assert line is not None, path
        assert path[-1] in document.lines.lines[line - 1], (path, line)


def test_suggest_names_the_nearest_key_or_lists_them_all():
    assert suggest("nguong_rat_thap_", ["nam", "nguong_rat_thap"]) == " — có phải 'nguong_rat_thap'?"
    assert suggest("xyz", ["nam", "chi_tieu"]) == " (dùng được: nam, chi_tieu)."


def test_read_document_is_nfc_accepts_a_bom_and_names_file_and_line(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text('\ufefften = "Kha\u0301nh Ho\u0300a"\n', encoding="utf-8")
    assert read_document(path, "thiếu").raw["ten"] == "Khánh Hòa"
    path.write_text('ten = "a"\nx = \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"a\.toml, dòng 2: sai cú pháp TOML"):
        read_document(path, "thiếu")
    with pytest.raises(DataError, match=r"b\.toml: thiếu tệp"):
        read_document(tmp_path / "b.toml", "thiếu tệp")


# -- congvan.toml --


def test_the_sample_loads_with_the_same_values_and_defaults(workspace):
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("nguong_rat_thap")
    config.write_text(text[:start] + text[text.index("\n", text.index("thieu_don_vi")):text.index("[nguoi_nhan]")],
                      encoding="utf-8")
    ws = load_workspace(workspace)
    assert (ws.assessment.very_low_margin, ws.assessment.decimals, ws.assessment.order,
            ws.assessment.missing_unit) == (10.0, 2, "nhom", "loi")
    assert ws.recipients.addressees_list == "kinh-gui" and ws.recipients.distribution_list == "noi-nhan"
    assert (ws.recipients.archive, ws.recipients.archive_copies, ws.recipients.order) == ("VT, CCHC", 2, "danh_sach")
    assert ws.register_url.endswith("output/so_van_ban_di.sqlite")
    assert ws.letter.template == workspace / "templates_docx" / "cong_van_chi_dao.docx"
    assert ws.catalog == workspace / "data" / "tieu_chi.toml" and ws.convert_legacy is False
    assert ws.agency.symbol == "SNV-CCHC" and ws.signer.name == "Nguyễn Thị Minh Hằng"
    assert ws.letter.general_sections[0].title == "Tổ chức thực hiện và chế độ báo cáo"


def test_texts_are_nfc_and_trimmed_and_one_string_is_a_list(workspace):
    config = workspace / "congvan.toml"
    edit(config, 'ho_ten = "Nguyễn Thị Minh Hằng"', f'ho_ten = "  {unicodedata.normalize("NFD", "Nguyễn Hằng")} "')
    edit(config, 'ket_qua = ["data/ket_qua_2025.xlsx"]', 'ket_qua = "data/ket_qua_2025.xlsx"')
    ws = load_workspace(workspace)
    assert ws.signer.name == "Nguyễn Hằng" and ws.results == (workspace / "data" / "ket_qua_2025.xlsx",)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("nguong_rat_thap = 10", "nguong_rat_thap_ = 10",
     ", [danh_gia]: không có khóa 'nguong_rat_thap_' — có phải 'nguong_rat_thap'?"),
    ("[nguoi_ky]", "[nguoi_kyy]", ": không có khóa 'nguoi_kyy' — có phải 'nguoi_ky'?"),
    ('tieu_de = "Tổ chức', 'tieu_dee = "Tổ chức',
     ", [[van_ban.chi_dao_chung]] (chi_dao_chung thứ 1): không có khóa 'tieu_dee' — có phải 'tieu_de'?"),
    ("sap_xep =", "thu_tu =", ", [nguoi_nhan]: không có khóa 'thu_tu' (dùng được: kinh_gui, noi_nhan, luu, "
                              "so_ban_luu, sap_xep)."),
], ids=["key-in-section", "section", "key-in-array-of-tables", "no-close-key"])
def test_a_misspelt_key_is_refused_with_the_nearest_one_and_its_line(workspace, old, new, expected):
    config = workspace / "congvan.toml"
    line = edit(config, old, new)
    assert f"{config}, dòng {line}{expected}" in config_error(workspace).splitlines()


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('ho_ten = "Nguyễn Thị Minh Hằng"', 'ho_ten = ""', "[nguoi_ky]: khóa 'ho_ten' đang để trống"),
    ('ten = "SỞ NỘI VỤ"', 'ten = " "', "[co_quan]: khóa 'ten' đang để trống"),
    ('dia_danh = "Khánh Hòa"', 'dia_danh = ""', "[co_quan]: khóa 'dia_danh' đang để trống"),
    ('viet_tat = "SNV"', 'viet_tat = ""', "[co_quan]: khóa 'viet_tat' đang để trống"),
], ids=["ho_ten", "ten", "dia_danh", "viet_tat"])
def test_a_blank_required_text_is_refused(workspace, old, new, expected):
    config = workspace / "congvan.toml"
    line = edit(config, old, new)
    assert config_error(workspace) == f"{config}, dòng {line}, {expected}; cần chuỗi, không để trống."


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("nam = 2025", "nam = 1999", "[danh_gia]: khóa 'nam' = 1999 không hợp lệ; cần số nguyên, từ 2000 đến 2100."),
    ("nam = 2025", 'nam = "2025"', "[danh_gia]: khóa 'nam' = \"2025\" không hợp lệ; cần số nguyên, từ 2000 đến 2100."),
    ("chi_tieu = 83 ", "chi_tieu = 100.5 ", "[danh_gia]: khóa 'chi_tieu' = 100.5 không hợp lệ; cần số, từ 0 đến 100."),
    ("# phan_anh = 80", "phan_anh = -1",
     "[danh_gia.chi_tieu_tieu_chi]: khóa 'phan_anh' = -1 không hợp lệ; cần số, từ 0 đến 100."),
    ("so_thap_phan = 2", "so_thap_phan = 5",
     "[danh_gia]: khóa 'so_thap_phan' = 5 không hợp lệ; cần số nguyên, từ 0 đến 4."),
    ('thu_tu = "nhom"', 'thu_tu = "abc"',
     "[danh_gia]: khóa 'thu_tu' = \"abc\" không hợp lệ; cần chuỗi, một trong: \"nhom\", \"danh_muc\"."),
    ("chuyen_ma_cu = false", "chuyen_ma_cu = 0",
     "[du_lieu]: khóa 'chuyen_ma_cu' = 0 không hợp lệ; cần true/false."),
    ('ket_qua = ["data/ket_qua_2025.xlsx"]', "ket_qua = []",
     "[du_lieu]: khóa 'ket_qua' = [] không hợp lệ; cần danh sách chuỗi, ít nhất một mục; mỗi mục không để trống."),
], ids=["year-low", "year-text", "target-high", "criterion-target", "decimals", "choice", "bool", "no-results"])
def test_a_value_of_the_wrong_type_or_out_of_range_is_refused(workspace, old, new, expected):
    config = workspace / "congvan.toml"
    line = edit(config, old, new)
    assert config_error(workspace) == f"{config}, dòng {line}, {expected}"


def test_every_problem_is_reported_one_per_line(workspace):
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("[nguoi_ky]"), text.index("# Đánh giá")
    text = text[:start] + text[end:]
    config.write_text(text.replace("nam = 2025", "nam = 20250"), encoding="utf-8")
    line = text[:text.index("nam = 2025")].count("\n") + 1
    assert config_error(workspace).splitlines() == [
        f"{config}: thiếu mục [nguoi_ky] (Người ký (ô 7)).",
        f"{config}, dòng {line}, [danh_gia]: khóa 'nam' = 20250 không hợp lệ; cần số nguyên, từ 2000 đến 2100.",
    ]


# -- data/tieu_chi.toml --


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("cot_don_vi = [", "cot_don_vii = [",
     "[[bang]] (bang thứ 1 'ubnd_xa'): không có khóa 'cot_don_vii' — có phải 'cot_don_vi'?"),
    ("# chi_tieu = 83", "chi_tieuu = 83",
     "[[bang.tieu_chi]] (bang thứ 1 'ubnd_xa', tieu_chi thứ 1 'tiep_can'): không có khóa 'chi_tieuu' — có phải "
     "'chi_tieu'?"),
    ("# chi_tieu = 83", "chi_tieu = 120",
     "[[bang.tieu_chi]] (bang thứ 1 'ubnd_xa', tieu_chi thứ 1 'tiep_can'): khóa 'chi_tieu' = 120 không hợp lệ; "
     "cần số, từ 0 đến 100."),
    ('ten = "Thủ tục hành chính"', 'ten = ""',
     "[[bang.tieu_chi]] (bang thứ 1 'ubnd_xa', tieu_chi thứ 3 'thu_tuc'): khóa 'ten' đang để trống; cần chuỗi, "
     "không để trống."),
    ('[bang.tieu_chi.nhan_xet]\nvuot', '[bang.tieu_chi.nhan_xet]\nvuott',
     "[bang.tieu_chi.nhan_xet] (bang thứ 2 'tram_y_te', tieu_chi thứ 1 'chi_so_tyt'): không có khóa 'vuott' — có "
     "phải 'vuot'?"),
], ids=["table-key", "criterion-key", "criterion-target", "blank-name", "remark-key"])
def test_catalog_problems_name_file_line_table_and_criterion(workspace, old, new, expected):
    catalog = workspace / "data" / "tieu_chi.toml"
    line = edit(catalog, old, new) + new.count("\n")  # the key is on the last line of `new`
    with pytest.raises(DataError) as info:
        load_catalog(catalog)
    assert str(info.value) == f"{catalog}, dòng {line}, {expected}"


def test_a_catalog_code_used_twice_names_its_line(workspace):
    catalog = workspace / "data" / "tieu_chi.toml"
    line = edit(catalog, 'ma = "tiep_don"', 'ma = "tiep_can"')
    with pytest.raises(DataError) as info:
        load_catalog(catalog)
    assert str(info.value) == (f"{catalog}, dòng {line}: mã tiêu chí 'tiep_can' bị trùng (đã dùng ở mục thứ 1); "
                               "mỗi mã chỉ dùng một lần.")


# -- recipients/*.toml --


def test_a_misspelt_key_in_a_recipient_list_file(workspace):
    lists = workspace / "recipients" / "danh_sach.toml"
    line = edit(lists, "noi_nhan = [", "noi_nhann = [")
    result = CliRunner().invoke(cli, ["recipients", "check", "-w", str(workspace)])
    assert result.exit_code == 1
    assert (f"{lists}, dòng {line}, [khi_chua_dat.tram_y_te]: không có khóa 'noi_nhann' — có phải 'noi_nhan'?"
            in result.output), result.output


def test_a_list_item_that_is_not_a_string_names_the_item(workspace):
    lists = workspace / "recipients" / "danh_sach.toml"
    line = edit(lists, '"Giám đốc, các Phó Giám đốc Sở",', "5,")
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--dry-run"])
    assert result.exit_code == 1
    assert f"{lists}, dòng {line - 2}, [danh_sach]: khóa 'thuong-truc' mục thứ 2 = 5 không hợp lệ" in result.output


# -- criterion codes of [danh_gia.chi_tieu_tieu_chi] against the catalog, and `congvan build` --


def test_a_target_for_an_unknown_criterion_is_refused_with_the_nearest_code(workspace):
    config = workspace / "congvan.toml"
    line = edit(config, "# phan_anh = 80", "phan_ahn = 70")
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert result.exit_code == 1
    assert (f"{config}, dòng {line}, [danh_gia.chi_tieu_tieu_chi]: không có tiêu chí mã 'phan_ahn' trong danh mục "
            f"{workspace / 'data' / 'tieu_chi.toml'} — có phải 'phan_anh'?") in result.output
    assert not (workspace / "output").exists()
    edit(config, "phan_ahn = 70", "phan_anh = 70")
    assert CliRunner().invoke(cli, ["build", "-w", str(workspace), "--dry-run"]).exit_code == 0


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("congvan.toml", "nguong_rat_thap = 10", "nguong_rat_thap_ = 10", "có phải 'nguong_rat_thap'?"),
    ("congvan.toml", 'ho_ten = "Nguyễn Thị Minh Hằng"', 'ho_ten = ""', "khóa 'ho_ten' đang để trống"),
    ("congvan.toml", "chi_tieu = 83 ", "chi_tieu = 830 ", "khóa 'chi_tieu' = 830 không hợp lệ"),
    ("data/tieu_chi.toml", "cot_don_vi = [", "cot_don_vii = [", "có phải 'cot_don_vi'?"),
    ("recipients/danh_sach.toml", "kinh_gui = [", "kinh_guii = [", "có phải 'kinh_gui'?"),
], ids=["config-typo", "config-blank", "config-range", "catalog-typo", "recipients-typo"])
def test_build_on_a_bad_file_exits_1_and_writes_nothing(workspace, file, old, new, expected):
    line = edit(workspace / file, old, new)
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert result.exit_code == 1
    assert f"{workspace / file}, dòng {line}" in result.output and expected in result.output, result.output
    assert not (workspace / "output").exists()  # no drafts folder, no register


# -- one source of truth, and the import cost --


def test_docs_config_md_is_generated_from_the_schemas():
    committed = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/config.md is stale: run `python scripts/make_config_docs.py`"
    for key in ("`nguong_rat_thap`", "`<mã tiêu chí>`", "`cot_don_vi`", "`<tên danh sách>`", "`so_ban_luu`"):
        assert key in committed


def test_importing_the_cli_does_not_import_pydantic():
    code = "import sys, congvan.cli; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
