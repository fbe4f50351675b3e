"""`congvan build --dry-run` says what the build would make (congvan.batch.preview), and writes nothing."""

from __future__ import annotations

from click.testing import CliRunner

from congvan.batch.workflows import BuildRequest, build_letters
from congvan.cli import cli
from tests.conftest import HEALTH, UNITS, standard_sheets, write_workbook


def test_summary_per_table_weakest_criterion_and_destination(workspace):
    result = build_letters(BuildRequest(workspace=workspace, dry_run=True))
    summary = result.summary
    assert result.report.folder is None and not (workspace / "output" / "drafts").exists()
    assert (summary.letters, summary.short) == (5, 3)  # Nha Trang, Cam Ranh, Diên Khánh fall short somewhere
    commune, health = summary.tables
    assert (commune.name, commune.units, commune.short) == ("UBND cấp xã", 5, 3)
    assert "ket_qua_2025.xlsx" in commune.source and "sheet 'UBND cấp xã'" in commune.source
    # Tiếp cận dịch vụ: 72,27 80 90 60,5 85 against 83 -> 3 of 5 short, mean 5,446 below
    assert (commune.weakest.name, commune.weakest.short, round(commune.weakest.mean_gap, 3)) == (
        "Tiếp cận dịch vụ", 3, -5.446)
    assert (health.name, health.units, health.short, round(health.weakest.mean_gap, 3)) == ("Trạm y tế", 5, 2, -2.424)
    assert summary.weakest == commune.weakest
    assert summary.folder.parent == workspace / "output" / "drafts" and summary.warnings == []
    assert summary.files == ["5_dac-khu-truong-sa.docx", "2_phuong-cam-ranh.docx", "1_phuong-nha-trang.docx",
                             "3_xa-cam-lam.docx", "4_xa-dien-khanh.docx"]  # batch (alphabetical) order


def test_cli_prints_the_summary(workspace):
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--dry-run", "--unit", "Xã Cam Lâm",
                                      "--unit", "Xã Diên Khánh"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("Kiểm tra xong: 2 văn bản hợp lệ, 1 đơn vị có tiêu chí chưa đạt "
                        "(--dry-run, không ghi tệp nào).")
    assert lines[1].startswith("- Bảng 'UBND cấp xã' (") and lines[1].endswith(
        "2 đơn vị, 1 đơn vị có tiêu chí chưa đạt; yếu nhất: 'Tiếp cận dịch vụ' "
        "(1/2 đơn vị chưa đạt, trung bình thấp hơn chỉ tiêu 7,75 điểm).")
    assert lines[2].startswith("- Bảng 'Trạm y tế'")
    assert lines[3] == ("Tiêu chí yếu nhất: 'Tiếp cận dịch vụ' (1/2 đơn vị chưa đạt, trung bình thấp hơn chỉ tiêu "
                        "7,75 điểm), bảng 'UBND cấp xã'.")
    assert lines[4] == "Không có cảnh báo."
    assert lines[5].startswith(f"Văn bản sẽ ghi vào: {workspace / 'output' / 'drafts'}/")
    assert "(3_xa-cam-lam.docx … 4_xa-dien-khanh.docx;" in lines[5]
    assert not (workspace / "output" / "drafts").exists()


def test_warnings_are_counted(workspace):
    health = {k: v for k, v in HEALTH.items() if k != "Xã Diên Khánh"}
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", standard_sheets(UNITS, health), {"Trạm y tế": "0.00%"})
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('thieu_don_vi = "loi"', 'thieu_don_vi = "bo_qua"'),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Cảnh báo: 'Xã Diên Khánh' không có trong bảng Trạm y tế" in result.output
    assert "Cảnh báo: 1 (in ở trên)." in result.output
    assert "- Bảng 'Trạm y tế' (" in result.output and "4 đơn vị, 1 đơn vị có tiêu chí chưa đạt" in result.output
