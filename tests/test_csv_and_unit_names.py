"""CSV files as Excel saves them (issue 13, item 6) and unit names (item 4).

CSV: the separator is the one whose split of the header row matches the catalog, so a semicolon or tab
file whose header "Điều kiện tiếp đón, phục vụ" holds commas is read; UTF-8 with BOM, UTF-16 (Excel
"Unicode Text") and Windows-1258; CRLF, LF or CR-only line ends. Each layout is built into letters and
every figure of every unit is checked in the letters' contexts. The same reader serves bo_sung.csv.

Unit names: a "Loại" column or the catalog's `loai_mac_dinh` gives a bare name its type; a bare name left
so is a warning naming its cell; pre-2025 types warn when the two-level government applies.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.batch import drafts
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.errors import DataError, cell_location
from congvan.models import ReadLimits, unit_key
from congvan.recipients.files import read_additions
from congvan.sources.catalog import load_catalog
from congvan.sources.detect import read_csv_text
from congvan.sources.results import load_results
from congvan.vn import slugify
from tests.conftest import CRITERIA_CODES, CRITERIA_HEADERS, HEALTH, ROOT, UNITS

CATALOG = load_catalog(ROOT / "data" / "tieu_chi.toml")
TITLE = "KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2025"


def vn_decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def ubnd_rows(score: Callable[[float], str] = vn_decimal) -> list[list[str]]:
    rows = [[TITLE], [], ["STT", "Đơn vị", *CRITERIA_HEADERS]]
    return rows + [[str(i), name, *map(score, scores)] for i, (name, scores) in enumerate(UNITS.items(), start=1)]


def tyt_rows(score: Callable[[float], str] = vn_decimal) -> list[list[str]]:
    return [["STT", "Đơn vị", "Chỉ số hài lòng"]] + [
        [str(i), name, score(value * 100)] for i, (name, value) in enumerate(HEALTH.items(), start=1)]


def quoted(cell: str, separator: str) -> str:
    return f'"{cell}"' if separator in cell else cell


def encode(rows: list[list[str]], separator: str, encoding: str, line_end: str = "\r\n") -> bytes:
    text = line_end.join(separator.join(quoted(c, separator) for c in row) for row in rows) + line_end
    if encoding == "utf-16":  # Excel "Unicode Text"
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return windows_1258(text)


def windows_1258(text: str) -> bytes:
    from tests.test_bad_inputs import gen  # the corpus generator writes tones as combining marks, as 1258 does
    return gen.windows_1258(text)


# layout -> (separator, encoding, line end, how a score is written)
LAYOUTS = {
    "semicolon_utf8_bom": (";", "utf-8-sig", "\r\n", vn_decimal),
    "unicode_text_utf16_tab": ("\t", "utf-16", "\r\n", lambda v: vn_decimal(v) + "%"),
    "windows_1258_comma_quoted_header": (",", "cp1258", "\r\n", lambda v: f"{v:.2f}"),
    "semicolon_cr_only": (";", "utf-8-sig", "\r", vn_decimal),
}


def write_layout(folder: Path, layout: str) -> list[Path]:
    separator, encoding, line_end, score = LAYOUTS[layout]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in (("ubnd_xa", ubnd_rows(score)), ("tram_y_te", tyt_rows(score))):
        path = folder / f"{name}.csv"
        path.write_bytes(encode(rows, separator, encoding, line_end))
        paths.append(path)
    return paths


def build(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])


def contexts(workspace: Path) -> dict[str, dict]:
    (batch,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    return {letter.unit: letter.context for letter in drafts.load_batch(batch).letters}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_csv_layout_builds_letters_with_every_figure_of_the_file(workspace: Path, layout: str) -> None:
    paths = write_layout(workspace / "data" / layout, layout)
    if LAYOUTS[layout][1] == "cp1258":
        assert b"\xcc" in paths[0].read_bytes()  # a combining tone: really Windows-1258, not UTF-8
    result = build(workspace, *(arg for path in paths for arg in ("--data", str(path))))
    assert result.exit_code == 0, result.output
    by_unit = contexts(workspace)
    assert sorted(by_unit) == sorted(UNITS)
    for unit, scores in UNITS.items():
        ubnd, tyt = by_unit[unit]["bang"]
        figures = {c["ma"]: c["ket_qua_so"] for c in ubnd["tieu_chi"]}
        assert figures == dict(zip(CRITERIA_CODES, scores, strict=True)), unit  # cell by cell
        assert tyt["tieu_chi"][0]["ket_qua_so"] == pytest.approx(HEALTH[unit] * 100)


@pytest.mark.parametrize("layout", ["semicolon_utf8_bom", "semicolon_cr_only", "unicode_text_utf16_tab"])
def test_the_separator_comes_from_the_header_not_from_punctuation(tmp_path: Path, layout: str) -> None:
    """Sniffing punctuation (csv.Sniffer, what pandas' sep=None did) gets these files wrong; the header does not."""
    (path, _) = write_layout(tmp_path, layout)
    text = read_csv_text(path, None)
    assert csv.Sniffer().sniff(text).delimiter != LAYOUTS[layout][0]
    (table,) = load_results([path], CATALOG)
    assert table.scores["Phường Nha Trang"]["tiep_don"] == 68.83
    assert table.rows["Phường Nha Trang"] == 4


def test_a_short_csv_row_names_its_empty_cell(tmp_path: Path) -> None:
    rows = ubnd_rows()
    rows[4] = rows[4][:5]  # Phường Cam Ranh stops after "Thủ tục hành chính"
    path = tmp_path / "ubnd_xa.csv"
    path.write_bytes(encode(rows, ";", "utf-8-sig"))
    with pytest.raises(DataError) as info:
        load_results([path], CATALOG)
    assert str(info.value) == (f"{cell_location(path, None, 5, CRITERIA_HEADERS[3])}: ô điểm bị trống; cần một tỷ lệ "
                               "phần trăm từ 0 đến 100.")


def test_a_broken_csv_is_explained_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "ubnd_xa.csv"
    path.write_text(f"Đơn vị;{CRITERIA_HEADERS[0]}\r\n\"Phường A;{'x' * 140_000}\r\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_results([path], CATALOG)
    assert str(info.value) == (f"{path}, dòng 2: không đọc được CSV: có một ô dài quá 131.072 ký tự (thường do thiếu "
                               "dấu ngoặc kép đóng). Mở tệp bằng Excel và lưu lại thành 'CSV UTF-8'.")


def test_csv_rows_and_columns_are_limited(tmp_path: Path) -> None:
    (path, _) = write_layout(tmp_path, "semicolon_utf8_bom")
    with pytest.raises(DataError) as info:
        load_results([path], CATALOG, limits=ReadLimits(rows=5))
    assert str(info.value) == (f"{path}: tệp CSV có 8 dòng, quá giới hạn 5 dòng ('so_dong_toi_da' trong [du_lieu] "
                               "của congvan.toml).")
    with pytest.raises(DataError) as info:
        load_results([path], CATALOG, limits=ReadLimits(columns=5))
    assert str(info.value) == (f"{path}, dòng 3: dòng có 8 cột (tách bằng dấu chấm phẩy), quá giới hạn 5 cột "
                               "('so_cot_toi_da' trong [du_lieu] của congvan.toml).")


# -- bo_sung.csv: the same reader --


@pytest.mark.parametrize("separator, encoding", [(";", "utf-8-sig"), ("\t", "utf-16"), (",", "cp1258")])
def test_bo_sung_csv_is_read_with_any_separator(tmp_path: Path, separator: str, encoding: str) -> None:
    rows = [["Đơn vị", "Kính gửi", "Nơi nhận"],
            ["Đặc khu Trường Sa", "", "Bộ Tư lệnh Vùng 4 Hải quân (p/h); Ban Chỉ huy Quân sự đặc khu"],
            ["Phường Nha Trang", "Công an phường Nha Trang", ""]]
    path = tmp_path / "bo_sung.csv"
    path.write_bytes(encode(rows, separator, encoding))
    additions = read_additions(path, UNITS)
    assert [e.text for e in additions[unit_key("Đặc khu Trường Sa")][1]] == [
        "Bộ Tư lệnh Vùng 4 Hải quân (p/h)", "Ban Chỉ huy Quân sự đặc khu"]
    assert [e.text for e in additions[unit_key("Phường Nha Trang")][0]] == ["Công an phường Nha Trang"]


def test_a_semicolon_bo_sung_csv_builds(workspace: Path) -> None:
    (workspace / "recipients" / "bo_sung.csv").write_bytes(
        codecs.BOM_UTF8 + "Đơn vị;Kính gửi;Nơi nhận\r\nĐặc khu Trường Sa;;Bộ Tư lệnh Vùng 4 Hải quân (p/h)\r\n"
        .encode())
    result = build(workspace)
    assert result.exit_code == 0, result.output
    assert any("Bộ Tư lệnh Vùng 4 Hải quân (p/h)" in line
               for line in contexts(workspace)["Đặc khu Trường Sa"]["noi_nhan"])


def test_bo_sung_csv_without_its_unit_column_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bo_sung.csv"
    path.write_text("Tên;Kính gửi\r\nPhường Nha Trang;Công an phường\r\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_additions(path, UNITS)
    assert str(info.value) == f"{path}, dòng 1: thiếu cột 'Đơn vị' ở dòng tiêu đề."


# -- unit names --


BARE = {"Phương Sài": ("phường", [80.0] * 6), "Vĩnh Ngọc": ("xã", [81.0] * 6), "Trường Sa": ("đặc khu", [82.0] * 6)}


def bare_rows(kind_column: bool) -> list[list[str]]:
    header = ["STT", *(["Loại"] if kind_column else []), "Đơn vị", *CRITERIA_HEADERS]
    return [header] + [[str(i), *([kind] if kind_column else []), name, *map(vn_decimal, scores)]
                       for i, (name, (kind, scores)) in enumerate(BARE.items(), start=1)]


def test_a_kind_column_is_joined_to_the_name(workspace: Path) -> None:
    path = workspace / "data" / "ubnd_xa.csv"
    path.write_bytes(encode(bare_rows(kind_column=True), ";", "utf-8-sig"))
    (table,) = load_results([path], CATALOG)
    assert list(table.scores) == ["Phường Phương Sài", "Xã Vĩnh Ngọc", "Đặc khu Trường Sa"]
    (workspace / "recipients" / "bo_sung.csv").unlink()
    result = build(workspace, "--data", str(path))
    assert result.exit_code == 0, result.output
    assert contexts(workspace)["Phường Phương Sài"]["don_vi"]["ubnd_day_du"] == "Ủy ban nhân dân phường Phương Sài"


def test_an_unknown_kind_is_refused_naming_its_cell(tmp_path: Path) -> None:
    rows = bare_rows(kind_column=True)
    rows[2][1] = "khu phố"
    path = tmp_path / "ubnd_xa.csv"
    path.write_bytes(encode(rows, ";", "utf-8-sig"))
    with pytest.raises(DataError) as info:
        load_results([path], CATALOG)
    assert str(info.value) == (f"{cell_location(path, None, 3, 'Loại')}: loại đơn vị 'khu phố' không nhận ra; cần một "
                               "trong 'phường', 'xã', 'đặc khu', 'thị trấn', 'thị xã', 'thành phố', 'huyện', 'quận'.")


def test_a_bare_name_is_a_warning_naming_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "ubnd_xa.csv"
    path.write_bytes(encode(bare_rows(kind_column=False), ";", "utf-8-sig"))
    warnings: list[str] = []
    (table,) = load_results([path], CATALOG, warnings=warnings)
    assert list(table.scores) == list(BARE)
    assert warnings[0] == (f"{cell_location(path, None, 2, 'Đơn vị')}: tên đơn vị 'Phương Sài' không có loại (phường, "
                           "xã, đặc khu); công văn sẽ viết 'Ủy ban nhân dân Phương Sài'. Ghi đủ tên (ví dụ 'Phường "
                           "Phương Sài'), thêm cột 'Loại', hoặc đặt 'loai_mac_dinh' cho bảng trong danh mục tiêu chí.")
    assert len(warnings) == 3


def test_loai_mac_dinh_gives_bare_names_their_kind(tmp_path: Path) -> None:
    text = (ROOT / "data" / "tieu_chi.toml").read_text(encoding="utf-8")
    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(text.replace('ten = "UBND cấp xã"', 'ten = "UBND cấp xã"\nloai_mac_dinh = "phường"', 1),
                            encoding="utf-8")
    path = tmp_path / "ubnd_xa.csv"
    path.write_bytes(encode(bare_rows(kind_column=False), ";", "utf-8-sig"))
    warnings: list[str] = []
    (table,) = load_results([path], load_catalog(catalog_path), warnings=warnings)
    assert list(table.scores) == ["Phường Phương Sài", "Phường Vĩnh Ngọc", "Phường Trường Sa"]
    assert warnings == []


def test_a_wrong_loai_mac_dinh_is_refused_by_the_schema(tmp_path: Path) -> None:
    text = (ROOT / "data" / "tieu_chi.toml").read_text(encoding="utf-8")
    catalog_path = tmp_path / "tieu_chi.toml"
    catalog_path.write_text(text.replace('ten = "UBND cấp xã"', 'ten = "UBND cấp xã"\nloai_mac_dinh = "huyện"', 1),
                            encoding="utf-8")
    with pytest.raises(DataError, match="loai_mac_dinh"):
        load_catalog(catalog_path)


def pre_2025_rows() -> list[list[str]]:
    names = ["Thị trấn Cam Đức", "Huyện Cam Lâm", "Quận Hải Châu", "Phường Nha Trang"]
    return [["Đơn vị", *CRITERIA_HEADERS]] + [[name, *(["80"] * 6)] for name in names]


@pytest.mark.parametrize("two_level, warned", [(True, 3), (False, 0)])
def test_pre_2025_unit_types_warn_under_the_two_level_government(tmp_path: Path, two_level: bool,
                                                                 warned: int) -> None:
    path = tmp_path / "ubnd_xa.csv"
    path.write_bytes(encode(pre_2025_rows(), ";", "utf-8-sig"))
    warnings: list[str] = []
    load_results([path], CATALOG, warnings=warnings, two_level=two_level)
    assert len(warnings) == warned
    if warned:
        assert warnings[0] == (f"{cell_location(path, None, 2, 'Đơn vị')}: 'Thị trấn Cam Đức' là loại đơn vị 'thị "
                               "trấn' của chính quyền ba cấp; từ 01/7/2025 chính quyền địa phương hai cấp chỉ còn xã, "
                               "phường, đặc khu. Kiểm tra lại tên đơn vị (hoặc đặt 'chinh_quyen_hai_cap = false' trong "
                               "[danh_gia] của congvan.toml nếu số liệu trước đó).")


@pytest.mark.parametrize("year, setting, expected", [(2025, None, True), (2024, None, False), (2025, "false", False),
                                                     (2024, "true", True)])
def test_the_two_level_government_follows_the_year_unless_configured(workspace: Path, year: int,
                                                                     setting: str | None, expected: bool) -> None:
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8").replace("nam = 2025", f"nam = {year}", 1)
    if setting:
        text = text.replace("[danh_gia]\n", f"[danh_gia]\nchinh_quyen_hai_cap = {setting}\n", 1)
    config.write_text(text, encoding="utf-8")
    assert load_workspace(workspace).two_level is expected


def test_look_alike_names_are_one_unit_and_keep_their_letters_in_slugs() -> None:
    assert unit_key("Ðặc khu Trường Sa") == unit_key("Đặc khu Trường Sa")  # U+00D0 / U+0110
    assert unit_key("Phường Nh\u0430 Trang") == unit_key("Phường Nha Trang")  # Cyrillic a
    assert unit_key("Phường Ba Ngòi\u200b") == unit_key("phường  ba ngòi")
    assert unit_key("Phường Ba Ngòi") != unit_key("Phường Ba Ngồi")  # a tone is not a look-alike
    assert slugify("Ðặc khu Trường Sa") == slugify("Đặc khu Trường Sa") == "dac-khu-truong-sa"
    assert slugify("Phường Nh\u0430 Trang\u200b") == "phuong-nha-trang"
