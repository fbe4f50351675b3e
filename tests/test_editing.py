"""Round-trip editing of workspace files (congvan/config/editing.py): comments kept, schema first, version check."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from congvan.config.editing import TomlEditor, save_csv, stable_read
from congvan.config.recipients_schema import ListFile
from congvan.config.schema import ConfigFile
from congvan.errors import ConfigError, DataError, EditConflict
from congvan.files import file_version, replace_if_unchanged, sha256_bytes

LISTS = """\
# Danh sách người nhận — ghi chú của văn phòng
[danh_sach]
# Kính gửi
don-vi = ["Ủy ban nhân dân {{ don_vi }}"]  # mỗi thư một đơn vị

thuong-truc = [
    "UBND tỉnh (b/c)",
    "Giám đốc, các Phó Giám đốc Sở",
]

# Thêm khi chưa đạt
[khi_chua_dat.tram_y_te]
noi_nhan = ["Sở Y tế (p/h)"]
"""


def _lists(tmp_path: Path) -> Path:
    path = tmp_path / "danh_sach.toml"
    path.write_text(LISTS, encoding="utf-8")
    return path


def test_edits_keep_comments_layout_and_key_order(tmp_path: Path) -> None:
    path = _lists(tmp_path)
    editor = TomlEditor.open(path, ListFile)
    editor.set(("danh_sach", "thuong-truc"), ["UBND tỉnh (b/c)", "Sở Tài chính", "Giám đốc, các Phó Giám đốc Sở"])
    editor.set(("danh_sach", "y-te"), ["Sở Y tế (p/h)"])
    editor.set(("danh_sach", "don-vi"), ["UBND {{ don_vi }}"])
    editor.save()
    assert path.read_text(encoding="utf-8") == """\
# Danh sách người nhận — ghi chú của văn phòng
[danh_sach]
# Kính gửi
don-vi = ["UBND {{ don_vi }}"]  # mỗi thư một đơn vị

thuong-truc = [
    "UBND tỉnh (b/c)",
    "Sở Tài chính",
    "Giám đốc, các Phó Giám đốc Sở",
]
y-te = ["Sở Y tế (p/h)"]

# Thêm khi chưa đạt
[khi_chua_dat.tram_y_te]
noi_nhan = ["Sở Y tế (p/h)"]
"""
    assert editor.version == file_version(path)


def test_new_nested_table_and_removal(tmp_path: Path) -> None:
    path = _lists(tmp_path)
    editor = TomlEditor.open(path, ListFile)
    editor.set(("khi_chua_dat", "cong_an", "kinh_gui"), ["Công an {{ don_vi }}"])
    editor.remove(("khi_chua_dat", "tram_y_te"))
    editor.remove(("danh_sach", "khong-co"))  # a missing key is left alone
    editor.save()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["khi_chua_dat"] == {"cong_an": {"kinh_gui": ["Công an {{ don_vi }}"]}}
    assert "# Danh sách người nhận — ghi chú của văn phòng" in path.read_text(encoding="utf-8")


def test_schema_refusal_names_the_key_and_writes_nothing(tmp_path: Path) -> None:
    path = _lists(tmp_path)
    before = path.read_bytes()
    editor = TomlEditor.open(path, ListFile)
    editor.set(("danh_sach", "Danh Sách Mới"), ["Sở Tài chính"])
    with pytest.raises(DataError, match=r"dòng \d+, \[danh_sach\]: tên danh sách 'Danh Sách Mới'"):
        editor.save()
    assert path.read_bytes() == before


def test_a_change_made_by_someone_else_is_never_overwritten(tmp_path: Path) -> None:
    path = _lists(tmp_path)
    mine, theirs = TomlEditor.open(path, ListFile), TomlEditor.open(path, ListFile)
    theirs.set(("danh_sach", "y-te"), ["Sở Y tế"])
    theirs.save()
    mine.set(("danh_sach", "don-vi"), ["UBND {{ don_vi }}"])
    with pytest.raises(EditConflict, match="đã bị người khác .*sửa.*Mở lại tệp"):
        mine.save()
    assert tomllib.loads(path.read_text(encoding="utf-8"))["danh_sach"]["y-te"] == ["Sở Y tế"]
    with pytest.raises(EditConflict):  # a web form's stale token is refused on opening too
        TomlEditor.open(path, ListFile, version=mine.version)


def test_arrays_of_tables_replaced_in_congvan_toml(tmp_path: Path) -> None:
    path = tmp_path / "congvan.toml"
    path.write_bytes(Path("congvan.toml").read_bytes())
    editor = TomlEditor.open(path, ConfigFile, error=ConfigError)
    editor.replace_tables(("van_ban", "chi_dao_chung"), [
        {"tieu_de": "Tổ chức thực hiện", "noi_dung": ["Đoạn một.", "Đoạn hai."]},
        {"tieu_de": "Chế độ báo cáo", "noi_dung": ["Báo cáo trước ngày 15/6."]}])
    editor.set(("nguoi_nhan", "so_ban_luu"), 3)
    editor.save()
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert [s["tieu_de"] for s in data["van_ban"]["chi_dao_chung"]] == ["Tổ chức thực hiện", "Chế độ báo cáo"]
    assert "so_ban_luu = 3             # số bản lưu, in hai chữ số: (02b)" in text
    editor.set(("nguoi_nhan", "so_ban_luu"), 300)
    with pytest.raises(ConfigError, match=r"\[nguoi_nhan\]: khóa 'so_ban_luu' = 300 .*từ 0 đến 99"):
        editor.check()


def test_csv_saved_with_the_same_version_check(tmp_path: Path) -> None:
    path = tmp_path / "bo_sung.csv"
    rows, version = stable_read(path, lambda p: p.read_bytes() if p.exists() else b"")
    assert (rows, version) == (b"", None)
    header = ["Đơn vị", "Kính gửi", "Nơi nhận"]
    version = save_csv(path, None, [header, ["Phường Nha Trang", "", "Công an tỉnh (p/h)"]])
    assert path.read_bytes().startswith("\ufeffĐơn vị,".encode())  # Excel opens UTF-8 with a BOM
    with pytest.raises(EditConflict):
        save_csv(path, None, [header])  # "must not exist yet" refused once someone created it
    save_csv(path, version, [header])
    assert path.read_bytes().decode("utf-8-sig") == "Đơn vị,Kính gửi,Nơi nhận\r\n"


def test_replace_if_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    new = replace_if_unchanged(path, sha256_bytes(b"one"), b"two")
    assert (path.read_bytes(), new) == (b"two", sha256_bytes(b"two"))
    with pytest.raises(EditConflict):
        replace_if_unchanged(path, sha256_bytes(b"one"), b"three")
    assert path.read_bytes() == b"two"


def test_a_file_that_does_not_parse_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "danh_sach.toml"
    path.write_text('[danh_sach]\nchi-dao = ["Sở Y tế"\nkhac = []\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"danh_sach.toml, dòng \d: sai cú pháp TOML"):
        TomlEditor.open(path, ListFile)
