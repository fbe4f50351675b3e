"""`congvan lint` on folders: recursive, .docx only, templates skipped, a total per folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from congvan.cli import cli
from congvan.lint.report import TEMPLATE_SKIPPED, is_template

FIXTURES = Path(__file__).parent / "fixtures" / "layout"


def lint(*args: str):
    return CliRunner().invoke(cli, ["lint", *args])


def test_a_batch_folder_is_linted_with_its_template_skipped(workspace):
    assert CliRunner().invoke(cli, ["build", "-w", str(workspace)]).exit_code == 0
    drafts = workspace / "output" / "drafts"
    (batch,) = drafts.iterdir()
    assert is_template(batch / "template.docx")
    assert not is_template(next(batch.glob("1_*.docx")))
    (batch / "ghi_chu.txt").write_text("không phải docx", encoding="utf-8")  # not a .docx: not looked at
    result = lint(str(drafts))
    assert result.exit_code == 0, result.output
    assert f"{batch / 'template.docx'}: {TEMPLATE_SKIPPED}" in result.output
    assert "{{" not in result.output.replace(TEMPLATE_SKIPPED, "")  # no findings about template tags
    assert f"{batch / '1_phuong-nha-trang.docx'}: đạt (0 lỗi" in result.output
    assert f"{batch / 'tong_hop.docx'}: đạt (0 lỗi" in result.output  # the summary report is checked too
    assert result.output.splitlines()[-1] == (
        f"{batch}: 6 tệp đã kiểm tra — 6 đạt, 0 không đạt, 0 không đọc được; 1 bỏ qua.")
    # the shell glob of the issue (output/drafts/<batch>/*.docx) no longer lints the template either
    result = lint(*map(str, sorted(batch.glob("*.docx"))))
    assert result.exit_code == 0 and f"template.docx: {TEMPLATE_SKIPPED}" in result.output


def test_folders_are_walked_with_a_total_each_hidden_and_lock_files_left_out(tmp_path):
    top = tmp_path / "thu"
    (top / "con").mkdir(parents=True)
    (top / ".an").mkdir()
    shutil.copyfile(FIXTURES / "clean_base.docx", top / "a.docx")
    shutil.copyfile(FIXTURES / "fault_margin_left.docx", top / "con" / "b.DOCX")
    shutil.copyfile(FIXTURES / "fault_margin_left.docx", top / ".an" / "c.docx")  # e.g. a .partial batch
    (top / "con" / "~$b.docx").write_bytes(b"lock")
    result = lint(str(top))
    assert result.exit_code == 1
    assert ".an" not in result.output
    assert f"{top / 'con' / '~$b.docx'}: tệp tạm của Word" in result.output
    assert f"{top}: 1 tệp đã kiểm tra — 1 đạt, 0 không đạt, 0 không đọc được; 0 bỏ qua." in result.output
    assert f"{top / 'con'}: 1 tệp đã kiểm tra — 0 đạt, 1 không đạt, 0 không đọc được; 1 bỏ qua." in result.output
    report = json.loads(lint("--json", str(top)).stdout)
    assert [Path(f["file"]).name for f in report] == ["a.docx", "b.DOCX", "~$b.docx"]
    assert report[2]["skipped"] and report[0]["skipped"] is None


def test_a_folder_without_any_docx_is_refused(tmp_path):
    (tmp_path / "rong" / "con").mkdir(parents=True)
    result = lint(str(tmp_path / "rong"))
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi: ") and "không có tệp .docx nào" in result.output
