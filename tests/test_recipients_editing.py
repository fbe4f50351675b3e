"""Editing recipient lists (congvan/recipients/editing.py, batch/recipients_edit.py, `congvan recipients them/…`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.batch.recipients_edit import check_edit, preview_letter, save_edit
from congvan.cli import cli
from congvan.errors import ConfigError, DataError, EditConflict, UsageError
from congvan.recipients.editing import Addition, RecipientEditor
from tests.test_recipients import build, built_letter, distribution_cell


def run(workspace: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["recipients", *args, "-w", str(workspace)])
    return result.exit_code, result.output


def test_cli_edits_keep_comments_and_the_next_build_uses_the_list(workspace: Path) -> None:
    lists = workspace / "recipients" / "danh_sach.toml"
    comments = [line for line in lists.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    code, out = run(workspace, "them", "chi-dao", "Sở Tài chính (p/h)", "--vi-tri", "2")
    assert code == 0, out
    assert "  2. Sở Tài chính (p/h)" in out
    assert run(workspace, "doi-cho", "chi-dao", "4", "1")[0] == 0
    assert run(workspace, "ghi-chu", "chi-dao", "3", "b/c", "VBĐT")[0] == 0
    assert run(workspace, "xoa", "chi-dao", "2")[0] == 0  # @thuong-truc, now second
    text = lists.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("#")] == comments
    assert 'chi-dao = [\n    "Trung tâm Phục vụ hành chính công tỉnh",\n    "Sở Tài chính (b/c) (VBĐT)",\n' in text

    assert build(workspace, "--unit", "Phường Nha Trang").exit_code == 0
    assert distribution_cell(built_letter(workspace, "phuong-nha-trang"))[1:5] == [
        "- Như trên;", "- Trung tâm Phục vụ hành chính công tỉnh;", "- Sở Tài chính (b/c) (VBĐT);",
        "- Đảng ủy phường Nha Trang;"]


def test_what_recipients_check_refuses_is_not_saved(workspace: Path) -> None:
    lists = workspace / "recipients" / "danh_sach.toml"
    before = lists.read_bytes()
    code, out = run(workspace, "them", "thuong-truc", "@chi-dao")
    assert code == 1 and "danh sách chèn vòng tròn: thuong-truc → chi-dao → thuong-truc" in out
    assert f"{lists.resolve()}, dòng" in out  # the workspace's file, not the temporary copy checked
    code, out = run(workspace, "them", "chi-dao", "Sở {{ khong_co }}")
    assert code == 1 and "khong_co" in out
    code, out = run(workspace, "xoa", "chi-dao", "9")
    assert code == 2 and "vị trí phải từ 1 đến 3" in out
    code, out = run(workspace, "ghi-chu", "chi-dao", "1", "xem")
    assert code == 2 and "là cả danh sách @thuong-truc" in out
    assert lists.read_bytes() == before


def test_additions_and_defaults_previewed_then_saved(workspace: Path) -> None:
    csv = workspace / "recipients" / "bo_sung.csv"
    csv.write_text("Đơn vị;Kính gửi;Nơi nhận\r\nXã Cam Lâm;;Công an tỉnh (p/h)\r\n", encoding="utf-8")
    editor = RecipientEditor(workspace)
    assert editor.additions() == [Addition("Xã Cam Lâm", (), ("Công an tỉnh (p/h)",))]
    editor.set_additions([*editor.additions(), Addition("Phường Nha Tang", (), ("Bộ đội Biên phòng tỉnh",))])
    with pytest.raises(DataError, match="'Phường Nha Tang' không có trong bảng kết quả — có phải 'Phường Nha Trang'"):
        save_edit(editor)
    editor.set_additions([*editor.additions()[:1], Addition("Phường Nha Trang", (), ("Bộ đội Biên phòng tỉnh",))])
    editor.set_defaults(luu="VT, TCCB", so_ban_luu=3)
    preview = preview_letter(editor, "Phường Nha Trang")
    assert preview[-2:] == ["- Bộ đội Biên phòng tỉnh;", "- Lưu: VT, TCCB (03b)."]
    assert "Bộ đội" not in csv.read_text(encoding="utf-8")  # a preview writes nothing
    save_edit(editor)
    assert csv.read_bytes().decode("utf-8-sig").splitlines() == [
        "Đơn vị;Kính gửi;Nơi nhận", "Xã Cam Lâm;;Công an tỉnh (p/h)", "Phường Nha Trang;;Bộ đội Biên phòng tỉnh"]
    assert 'luu = "VT, TCCB"' in (workspace / "congvan.toml").read_text(encoding="utf-8")
    code, out = run(workspace, "show", "--unit", "Phường Nha Trang")
    assert code == 0 and out.rstrip().splitlines()[-1] == "- Lưu: VT, TCCB (03b)."

    editor.set_defaults(noi_nhan="khong-co")
    assert any("không có danh sách 'khong-co'" in error for error in check_edit(editor).errors)
    editor.set_defaults(so_ban_luu=300)
    with pytest.raises(ConfigError, match="so_ban_luu"):
        editor.staged()
    with pytest.raises(UsageError, match="không có khóa 'ban_sao'"):
        editor.set_defaults(ban_sao=1)


def test_a_list_changed_by_someone_else_since_the_page_was_shown_is_not_overwritten(workspace: Path) -> None:
    shown = RecipientEditor(workspace).versions()
    other = RecipientEditor(workspace)
    other.add("y-te", "Trung tâm Kiểm soát bệnh tật tỉnh")
    save_edit(other)
    with pytest.raises(EditConflict, match="đã bị người khác .*sửa sau khi bạn mở"):
        RecipientEditor(workspace, versions=shown)
    mine = RecipientEditor(workspace)
    mine.add("y-te", "Bệnh viện tỉnh")
    other = RecipientEditor(workspace)
    other.delete_list("cac-phuong-xa")
    save_edit(other)
    with pytest.raises(EditConflict):
        save_edit(mine)
    assert "Bệnh viện tỉnh" not in (workspace / "recipients" / "danh_sach.toml").read_text(encoding="utf-8")
    extra = workspace / "recipients" / "cong_an.toml"
    extra.write_text('[danh_sach]\ncong-an = ["Công an tỉnh"]\n', encoding="utf-8")
    shown = RecipientEditor(workspace).versions()
    extra.unlink()
    with pytest.raises(EditConflict, match="cong_an.toml"):  # a file deleted since the page was shown
        RecipientEditor(workspace, versions=shown)


def test_a_new_list_goes_to_a_new_file_when_asked(workspace: Path) -> None:
    editor = RecipientEditor(workspace)
    editor.set_list("cong-an", ["Công an tỉnh (p/h)"], file="cong_an.toml")
    editor.add("chi-dao", "@cong-an")
    save_edit(editor)
    assert (workspace / "recipients" / "cong_an.toml").read_text(encoding="utf-8") == (
        '[danh_sach]\ncong-an = ["Công an tỉnh (p/h)"]\n')
    assert "- Công an tỉnh (p/h);" in preview_letter(RecipientEditor(workspace), "Phường Nha Trang")
    with pytest.raises(UsageError, match="phải là một tệp .toml"):
        RecipientEditor(workspace).set_list("x", ["A"], file="../congvan.toml")
