"""The summary workbook (tong_hop.xlsx): written by the build, read back with pandas and checked against the
assessment: every figure, rank, colour rule, the print set-up and the chart; `congvan summary` writes it again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from congvan.batch.build import BuildOptions, plan
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.models import UnitAssessment
from congvan.summary.workbook import CRITERIA_SHEET, VERDICT_COLOURS, sheet_names
from congvan.vn import format_number
from tests.conftest import require_tool

HEADER = 2  # pandas' header row (0-based): the title and subtitle are above it


def build(workspace: Path) -> Path:
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    return folder / "tong_hop.xlsx"


def assessments(workspace: Path) -> list[UnitAssessment]:
    return [letter.assessment for letter in plan(load_workspace(workspace), BuildOptions()).letters]


@pytest.fixture
def built(workspace: Path) -> tuple[Path, list[UnitAssessment]]:
    return build(workspace), assessments(workspace)


def test_every_figure_and_rank_matches_the_assessment(built):
    path, judged = built
    sheets = pd.read_excel(path, sheet_name=None, header=HEADER)
    assert list(sheets) == ["UBND cấp xã", "Trạm y tế", CRITERIA_SHEET]
    for name in ("UBND cấp xã", "Trạm y tế"):
        frame = sheets[name]
        results = [(a.unit.name, t) for a in judged for t in a.tables if t.spec.name == name]
        ranked = sorted(results, key=lambda item: item[1].overall_rank)
        units = frame.iloc[:len(ranked)]
        assert list(units["Đơn vị"]) == [unit for unit, _ in ranked]
        assert list(units["STT"]) == list(range(1, len(ranked) + 1))
        spec = ranked[0][1].spec
        assert list(frame.columns) == ["STT", "Đơn vị", *(c.name for c in spec.criteria), "Chỉ số chung",
                                       "Xếp hạng", "Số tiêu chí chưa đạt"]
        for row, (_unit, result) in zip(units.itertuples(index=False), ranked, strict=True):
            values = dict(zip(frame.columns, row, strict=True))
            assert [values[c.criterion.name] for c in result.criteria] == [c.score for c in result.criteria]
            assert values["Chỉ số chung"] == result.overall
            assert values["Xếp hạng"] == result.overall_rank
            assert values["Số tiêu chí chưa đạt"] == len(result.weaknesses)
        average, target = frame.iloc[len(ranked)], frame.iloc[len(ranked) + 1]
        assert (average["Đơn vị"], target["Đơn vị"]) == ("Bình quân", "Chỉ tiêu")
        first = ranked[0][1]
        assert average["Chỉ số chung"] == first.overall_average
        for criterion in first.criteria:
            assert average[criterion.criterion.name] == criterion.average
            assert target[criterion.criterion.name] == criterion.target


def test_the_criteria_sheet_lists_average_extremes_shortfalls_and_the_weakest_five(built):
    path, judged = built
    frame = pd.read_excel(path, sheet_name=CRITERIA_SHEET, header=HEADER)
    expected = []
    for spec in dict.fromkeys(t.spec for a in judged for t in a.tables):
        for position, criterion in enumerate(spec.criteria):
            scored = [(a.unit.name, t.criteria[position]) for a in judged for t in a.tables if t.spec == spec]
            scores = [c.score for _u, c in scored]
            weakest = sorted(scored, key=lambda item: item[1].score)[:5]
            expected.append([spec.name, criterion.name, scored[0][1].target, scored[0][1].average, min(scores),
                             max(scores), sum(not c.meets_target for _u, c in scored),
                             "; ".join(f"{u} ({format_number(c.score)})" for u, c in weakest)])
    assert frame.values.tolist() == expected


def _rule_colour(rules, value: float) -> str | None:
    """The fill the first matching rule (they all stop if true) gives `value`, as Excel and LibreOffice apply it."""
    tests = {"equal": lambda a: value == a, "greaterThan": lambda a: value > a, "lessThan": lambda a: value < a}
    for rule in sorted(rules, key=lambda r: r.priority):
        if tests[rule.operator](float(rule.formula[0])):
            assert rule.stopIfTrue
            return rule.dxf.fill.fgColor.rgb[-6:]
    return None


def test_each_score_is_coloured_by_its_verdict_with_a_legend(built):
    path, judged = built
    book = openpyxl.load_workbook(path)
    sheet = book["UBND cấp xã"]
    headers = [cell.value for cell in sheet[3]]
    rules = {str(cf.sqref): cf.rules for cf in sheet.conditional_formatting}
    seen = set()
    for row in range(4, 4 + len(judged)):
        unit = sheet.cell(row, 2).value
        result = next(t for a in judged if a.unit.name == unit for t in a.tables if t.spec.name == "UBND cấp xã")
        for criterion in result.criteria:
            column = headers.index(criterion.criterion.name) + 1
            letter = openpyxl.utils.get_column_letter(column)
            cell_rules = rules[f"{letter}4:{letter}{3 + len(judged)}"]
            assert _rule_colour(cell_rules, sheet.cell(row, column).value) == VERDICT_COLOURS[criterion.verdict][0]
            assert sheet.cell(row, column).number_format == "0.00"
            seen.add(criterion.verdict)
    assert seen == set(VERDICT_COLOURS)  # the fixture has every verdict, so every rule is exercised
    legend = {sheet.cell(row, 1).fill.fgColor.rgb[-6:]: sheet.cell(row, 2).value for row in range(1, sheet.max_row + 1)
              if sheet.cell(row, 1).fill.fill_type == "solid"}
    assert legend == {"56B4E9": "vượt chỉ tiêu", "CDE8F6": "đạt chỉ tiêu", "F5C26B": "chưa đạt chỉ tiêu",
                      "D55E00": "rất thấp so với chỉ tiêu (thấp hơn quá 10 điểm)"}
    overall = openpyxl.utils.get_column_letter(headers.index("Chỉ số chung") + 1)
    (bar,) = rules[f"{overall}4:{overall}{3 + len(judged)}"]
    assert bar.type == "dataBar" and [float(v.val) for v in bar.dataBar.cfvo] == [0, 100]


def test_print_setup_frozen_header_and_the_chart(built):
    path, _judged = built
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "C4"
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == "$1:$3"
        assert sheet.print_area
    (chart,) = book[CRITERIA_SHEET]._charts
    assert chart.y_axis.scaling.min == 0
    sheet = f"'{CRITERIA_SHEET}'!"
    assert [(s.tx.strRef.f, s.val.numRef.f) for s in chart.series] == [(f"{sheet}C3", f"{sheet}$C$4:$C$10"),
                                                                        (f"{sheet}D3", f"{sheet}$D$4:$D$10")]


def test_it_opens_in_libreoffice(built, tmp_path):
    require_tool("soffice")
    path, _judged = built
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = (tmp_path / "tong_hop.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") >= 3


def test_sheet_names_are_valid_and_unique():
    assert sheet_names(["A/B: c?", "Tiêu chí", "x" * 40, "x" * 40]) == [
        "A B  c", "Tiêu chí (2)", "x" * 31, "x" * 27 + " (2)"]


def test_summary_command_writes_it_again_and_refuses_changed_inputs(built, workspace):
    path, _judged = built
    before = pd.read_excel(path, sheet_name=None, header=HEADER)
    path.unlink()
    run = CliRunner().invoke(cli, ["summary", "-w", str(workspace), "--dry-run"])
    assert run.exit_code == 0, run.output
    assert "không ghi tệp nào" in run.output and not path.exists()
    run = CliRunner().invoke(cli, ["summary", "latest", "-w", str(workspace)])
    assert run.exit_code == 0, run.output
    after = pd.read_excel(path, sheet_name=None, header=HEADER)
    assert list(after) == list(before)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame)
    results = workspace / "data" / "ket_qua_2025.xlsx"
    results.write_bytes(results.read_bytes() + b"\0")
    run = CliRunner().invoke(cli, ["summary", "-w", str(workspace)])
    assert run.exit_code == 1
    assert "data/ket_qua_2025.xlsx (đã sửa)" in run.output and "congvan build" in run.output
