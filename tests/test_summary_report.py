"""The summary report (tong_hop.docx) beside every batch: an NĐ30 báo cáo with the workbook's figures and charts."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from congvan.batch.build import BuildOptions, build
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.lint.check import check_docx
from congvan.render.template import iter_text
from tests.conftest import CRITERIA_HEADERS, UNITS
from tests.test_last_year import with_last_year


def report(folder: Path) -> docx.document.Document:
    return docx.Document(str(folder / "tong_hop.docx"))


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def batch(workspace: Path) -> Path:
    made = build(load_workspace(workspace), BuildOptions())
    assert made.folder is not None
    return made.folder


def test_the_report_holds_the_ranked_table_with_the_letters_figures(batch):
    document = report(batch)
    text = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in text
    assert ("Năm 2025, 5 đơn vị được đánh giá trên 2 bảng kết quả; 3/5 đơn vị có ít nhất một tiêu chí chưa đạt "
            "chỉ tiêu.") in text
    ubnd = rows(document.tables[1])  # tables[0] is the header
    assert ubnd[0] == ["STT", "Đơn vị", *CRITERIA_HEADERS, "Chỉ số chung", "Xếp hạng"]
    # ranked by overall index (the mean of the six criteria): Cam Lâm, Trường Sa, Cam Ranh, Nha Trang, Diên Khánh
    assert [row[1] for row in ubnd[1:6]] == ["Xã Cam Lâm", "Đặc khu Trường Sa", "Phường Cam Ranh", "Phường Nha Trang",
                                             "Xã Diên Khánh"]
    nha_trang = next(row for row in ubnd if row[1] == "Phường Nha Trang")
    assert nha_trang[2:8] == [f"{score:.2f}".replace(".", ",") for score in UNITS["Phường Nha Trang"]]
    assert nha_trang[8:] == ["78,62", "4"]
    assert ubnd[-2][1] == "Bình quân" and ubnd[-1][1] == "Chỉ tiêu" and ubnd[-1][2] == "83"


def test_criteria_weakest_units_counts_and_one_chart(batch):
    document = report(batch)
    criteria = rows(document.tables[3])
    assert criteria[0][:3] == ["Bảng", "Tiêu chí", "Bình quân"]
    first = criteria[1]
    # Tiếp cận dịch vụ: 72,27 / 80 / 90 / 60,5 / 85 -> average 77,55, lowest 60,5, highest 90, 3 below 83
    assert first[1:] == ["Tiếp cận dịch vụ", "77,55%", "83%", "60,50%", "90,00%", "3"]
    weakest = next(p.text for p in document.paragraphs if p.text.startswith("- Tiếp cận dịch vụ"))
    assert weakest.startswith("- Tiếp cận dịch vụ (UBND cấp xã): Xã Diên Khánh (60,50); Phường Nha Trang (72,27)")
    assert len(document.inline_shapes) == 1  # UBND cấp xã; Trạm y tế has one criterion
    assert [f"{f.rule_id}: {f.found}" for f in check_docx(batch / "tong_hop.docx")] == []  # a báo cáo: no finding
    paragraphs = list(iter_text((batch / "tong_hop.docx").read_bytes()))
    assert "Trên đây là báo cáo tổng hợp kết quả Chỉ số hài lòng năm 2025./." in paragraphs


def test_with_last_year_the_report_lists_the_changes(workspace):
    made = build(load_workspace(with_last_year(workspace)), BuildOptions())
    assert made.folder is not None
    document = report(made.folder)
    changes = rows(document.tables[-2])
    assert changes[0] == ["Bảng", "Nhóm", "Đơn vị", "Năm trước", "Năm nay", "Tăng/giảm (điểm %)"]
    assert changes[1] == ["UBND cấp xã", "Tăng nhiều nhất", "Phường Cam Ranh", "80,83%", "84,18%", "+3,35"]


def test_the_summary_command_writes_the_report_again(batch, workspace):
    (batch / "tong_hop.docx").unlink()
    result = CliRunner().invoke(cli, ["summary", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "tong_hop.docx" in result.output
    assert rows(report(batch).tables[1])[1][1] == "Xã Cam Lâm"


def test_pdf_of_a_batch_folder_leaves_the_report_out(batch):
    from congvan.pdf.convert import collect_docx

    names = [path.name for path in collect_docx([batch])]
    assert "tong_hop.docx" not in names and "template.docx" not in names and len(names) == len(UNITS)


def test_a_table_of_more_units_than_a_province_has_is_shortened_to_its_two_ends(tmp_path):
    import datetime as dt

    from bench.render import make_workspace
    from congvan.batch.build import read_assessments
    from congvan.sources.catalog import workspace_catalog
    from congvan.summary.report import FULL_TABLE, SHOWN, summary_report
    from congvan.summary.tables import summarize

    (tmp_path / "ws").mkdir()
    workspace = load_workspace(make_workspace(tmp_path / "ws", FULL_TABLE + 20))
    _tables, assessed = read_assessments(workspace, workspace_catalog(workspace), workspace.results, (), [])
    data = summary_report(workspace, workspace.letter.template, summarize(assessed), dt.date(2026, 11, 30))
    table = rows(docx.Document(io.BytesIO(data)).tables[1])
    assert len(table) == 1 + 2 * SHOWN + 1 + 2  # header, both ends, the gap line, average and target
    assert [row[0] for row in table[1:SHOWN + 1]] == [str(n) for n in range(1, SHOWN + 1)]
    assert table[SHOWN + 1][1] == f"… {FULL_TABLE + 20 - 2 * SHOWN} đơn vị khác: xem tong_hop.xlsx"
    assert table[SHOWN + 2][0] == str(FULL_TABLE + 20 - SHOWN + 1)
