"""Write the summary workbook (tong_hop.xlsx): one sheet per results table, a criteria sheet and its chart.

Scores are numbers shown with `number_format` "0.00" (Excel or LibreOffice writes the decimal comma of the
reader's locale). Each criterion cell is coloured by conditional formatting against the criterion's target, in
the four verdicts of the letters, with colours told apart without colour vision (Okabe-Ito blue and orange
families, the darkest with white bold text) and a legend under the table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from congvan.models import VERDICT_WORDS
from congvan.summary import rows, tables
from congvan.summary.tables import TableSummary
from congvan.vn import format_number

# verdict -> (fill, font colour): Okabe-Ito blue (met) and orange/vermilion (not met), light to dark.
VERDICT_COLOURS = {"vuot": ("56B4E9", "000000"), "dat": ("CDE8F6", "000000"),
                   "chua_dat": ("F5C26B", "000000"), "rat_thap": ("D55E00", "FFFFFF")}
BAR_COLOUR = "0072B2"
SERIES_COLOURS = ("E69F00", "0072B2")  # the chart's target and average bars
CRITERIA_SHEET = "Tiêu chí"
CHANGES_SHEET = "So với năm trước"
HEADER_ROW = 3  # rows 1-2: title and subtitle; row 3: column names (repeated on every printed page)
NUMBER_FORMAT = "0.00"
CHANGE_FORMAT = "+0.00;-0.00;0.00"  # a change since last year shows its sign
_BOLD = Font(bold=True)


def summary_workbook(summarized: tables.Summaries, very_low_margin: float, title: str = "") -> bytes:
    """Return the .xlsx bytes of the summary (`tables.summarize`); `title` (e.g. the batch) heads every sheet."""
    summaries = summarized.tables
    book = Workbook()
    book.remove(book.active)
    names = sheet_names([s.spec.name for s in summaries])
    bulk = [_table_sheet(book.create_sheet(name), summary, very_low_margin, title)
            for summary, name in zip(summaries, names, strict=True)]
    _criteria_sheet(book.create_sheet(CRITERIA_SHEET), tables.criteria_table(summaries), title)
    if any(summary.previous_year is not None for summary in summaries):
        _changes_sheet(book.create_sheet(CHANGES_SHEET), tables.changes_table(summaries), title)
    buffer = io.BytesIO()
    book.save(buffer)
    return rows.splice(buffer.getvalue(), bulk)


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel sheet names: without []:*?/\\, at most 31 characters, unique, never the criteria sheet's."""
    taken = {CRITERIA_SHEET.casefold(), CHANGES_SHEET.casefold()}
    result = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Bảng"
        candidate, number = base, 2
        while candidate.casefold() in taken:
            suffix = f" ({number})"
            candidate, number = base[:31 - len(suffix)] + suffix, number + 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _table_sheet(sheet: Worksheet, summary: TableSummary, margin: float, title: str) -> rows.Rows:
    """The ranked units of one table, its average and target rows and the legend; the units after the first are
    returned, to be written by `rows.splice` in the first one's styles."""
    frame = summary.units
    columns = list(frame.columns)
    units = frame.itertuples(index=False, name=None)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(frame)
    _put(sheet, HEADER_ROW, columns)
    _put(sheet, first, next(units))
    for row, label, figures in ((last + 1, tables.AVERAGE, summary.average),
                                (last + 2, tables.TARGET, summary.targets)):
        _put(sheet, row, [label if column == tables.UNIT else figures.get(column) for column in columns])
    _heading(sheet, f"Báo cáo tổng hợp: {summary.spec.name}",
             f"{len(frame)} đơn vị, xếp theo chỉ số chung. {title}".strip())
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        if column.startswith(tables.change_column("")):
            sheet.cell(first, position).number_format = CHANGE_FORMAT
        if summary.previous_year is not None and column == tables.previous_column(summary.previous_year):
            sheet.cell(first, position).number_format = NUMBER_FORMAT
        if column in summary.targets or column == tables.OVERALL:
            for row in (first, last + 1, last + 2):
                sheet.cell(row, position).number_format = NUMBER_FORMAT
        if column in summary.targets:
            _verdict_rules(sheet, f"{letter}{first}:{letter}{last}", summary.targets[column], margin)
        if column == tables.OVERALL:
            sheet.conditional_formatting.add(f"{letter}{first}:{letter}{last}", DataBarRule(
                start_type="num", start_value=0, end_type="num", end_value=100, color=BAR_COLOUR))
    for row in (last + 1, last + 2):
        sheet.cell(row, 2).font = _BOLD
    _legend(sheet, last + 4, margin)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 28
    for position in range(3, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 40 if columns[position - 1] == tables.NOTE else 14
    sheet.freeze_panes = f"C{first}"
    _print_setup(sheet, f"A1:{get_column_letter(len(columns))}{last + 8}")
    return rows.Rows(sheet, first, rows.pattern_styles(sheet, first, len(columns)), units)


def _put(sheet: Worksheet, row: int, values: Sequence[object]) -> None:
    """Write `values` into `row` from column A; None and NaN (pandas' missing figure) leave a cell empty, and a
    text stays text even when it begins with "=" (a unit's name is never a formula)."""
    for column, value in enumerate(values, start=1):
        if value is None or value != value:
            continue
        cell = sheet.cell(row, column, value)
        if isinstance(value, str):
            cell.data_type = "s"


def _frame(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """A small table: its column names in the header row, its rows below."""
    _put(sheet, HEADER_ROW, list(frame.columns))
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=HEADER_ROW + 1):
        _put(sheet, row, values)


def _heading(sheet: Worksheet, title: str, subtitle: str) -> None:
    """Title and subtitle in A1 and A2 (not merged: they spill over), the column names wrapped."""
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = subtitle
    for cell in sheet[HEADER_ROW]:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.row_dimensions[HEADER_ROW].height = 48


def _verdict_rules(sheet: Worksheet, cells: str, target: float, margin: float) -> None:
    """The four verdicts of `congvan.letter.assessment.verdict`, first matching rule wins."""
    rules = [("dat", "equal", [target]), ("vuot", "greaterThan", [target]),
             ("rat_thap", "lessThan", [target - margin]), ("chua_dat", "lessThan", [target])]
    for verdict, operator, formula in rules:
        fill, font = VERDICT_COLOURS[verdict]
        sheet.conditional_formatting.add(cells, CellIsRule(
            operator=operator, formula=[repr(float(value)) for value in formula], stopIfTrue=True,
            fill=PatternFill("solid", start_color=fill, end_color=fill), font=Font(color=font)))


def _legend(sheet: Worksheet, row: int, margin: float) -> None:
    """The four colours and what they mean, under the table."""
    sheet.cell(row, 2, "Chú giải màu (so với chỉ tiêu của từng tiêu chí):").font = _BOLD
    texts = {"rat_thap": f"{VERDICT_WORDS['rat_thap']} (thấp hơn quá {format_number(margin)} điểm)"}
    for offset, (verdict, (fill, _font)) in enumerate(VERDICT_COLOURS.items(), start=1):
        sheet.cell(row + offset, 1).fill = PatternFill("solid", start_color=fill, end_color=fill)
        sheet.cell(row + offset, 2, texts.get(verdict, VERDICT_WORDS[verdict]))


def _print_setup(sheet: Worksheet, area: str) -> None:
    """A4 landscape, one page wide, title and header rows repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{HEADER_ROW}"
    sheet.print_area = area


def _changes_sheet(sheet: Worksheet, frame: pd.DataFrame, title: str) -> None:
    """The units whose overall index rose most and fell most since last year, per table."""
    _frame(sheet, frame)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(frame)
    _heading(sheet, "Báo cáo tổng hợp: so với năm trước",
             f"Chỉ số chung: {tables.MOST} đơn vị tăng nhiều nhất và {tables.MOST} đơn vị giảm nhiều nhất của mỗi "
             f"bảng (đơn vị hợp nhất, đơn vị không có số liệu năm trước không xếp). {title}".strip())
    for row in range(first, last + 1):
        for column in "DE":
            sheet[f"{column}{row}"].number_format = NUMBER_FORMAT
        sheet[f"F{row}"].number_format = CHANGE_FORMAT
    for column, width in zip("ABCDEF", (18, 18, 30, 12, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{first}"
    _print_setup(sheet, f"A1:F{max(last, HEADER_ROW)}")


def _criteria_sheet(sheet: Worksheet, frame: pd.DataFrame, title: str) -> None:
    _frame(sheet, frame)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(frame)
    _heading(sheet, "Báo cáo tổng hợp: các tiêu chí",
             f"Bình quân của bảng (như trong thư), thấp nhất, cao nhất và số đơn vị chưa đạt. {title}".strip())
    for row in range(first, last + 1):
        for column in "CDEF":
            sheet[f"{column}{row}"].number_format = NUMBER_FORMAT
        sheet[f"H{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGH", (18, 30, 10, 10, 10, 10, 12, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"C{first}"
    if frame.empty:
        _print_setup(sheet, f"A1:H{HEADER_ROW}")
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Bình quân các tiêu chí so với chỉ tiêu"
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(sheet, min_col=3, max_col=4, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=last))
    for series, colour in zip(chart.series, SERIES_COLOURS, strict=True):  # target, then average
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.height = max(9.0, 1.2 * len(frame))
    chart.width = 30
    sheet.add_chart(chart, f"B{last + 3}")
    _print_setup(sheet, f"A1:H{last + 3 + int(chart.height * 2)}")
