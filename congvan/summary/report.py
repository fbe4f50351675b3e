"""Write the summary report (báo cáo tổng hợp, tong_hop.docx): an NĐ30 báo cáo for the leader to sign or attach.

The frame is the batch's own letter template: its page set-up (A4, NĐ30 margins), styles (Times New Roman 14) and
the page number from page 2 are kept, its body is replaced. This module is self-contained: it does not use the
one-off letters' báo cáo template (congvan compose), so the report keeps the batch template's look.

The body holds the same figures as tong_hop.xlsx (summary/tables.py): the counts, per results table the units in
rank order and a bar chart of the criterion averages against their targets (render/charts.py, with last year's
averages as the grey bars when `[du_lieu] nam_truoc` is set), per criterion the average, lowest, highest, units
below target and the five weakest units, and the units that rose and fell most since last year.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pandas as pd
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from congvan.config import Workspace
from congvan.config.workspace import Agency
from congvan.render.charts import BarChart, Picture, draw
from congvan.summary import tables
from congvan.summary.tables import TableSummary
from congvan.vn import draft_long_date, format_number, format_percent

CENTER, LEFT = "CV Căn giữa", "CV Trái"  # the letter template's compact styles (scripts/build_template.py)
TABLE_FONT = 10  # pt: a table of 9 or 10 columns fits the 16.5 cm text width
# A table of more units than a province has communes is shortened to its two ends; the workbook lists them all
# (a 10,000-row table would be 300 pages nobody reads, and cost seconds and hundreds of MB to write).
FULL_TABLE, SHOWN, REPORT_WORKBOOK = 300, 50, "tong_hop.xlsx"
TEXT_CM = 16.5  # A4 less the NĐ30 margins (30 mm left, 15 mm right)
HEADER_CM = (6.6, 9.9)  # the header's two columns, 40 % and 60 % as in the letter template


def summary_report(workspace: Workspace, template: Path, summarized: tables.Summaries, today: dt.date,
                   draw_chart: Callable[[BarChart], Picture] = draw) -> bytes:
    """Return the .docx bytes of the report on the summary (`tables.summarize`), on the page and styles of
    `template`; `draw_chart` draws each table's chart (a build draws them in another process)."""
    decimals = workspace.assessment.decimals
    summaries = summarized.tables
    document = docx.Document(str(template))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    _header(document, workspace.agency, today)
    _paragraph(document, "BÁO CÁO", CENTER, bold=True, before=18)
    _paragraph(document, f"Kết quả Chỉ số hài lòng của tổ chức, cá nhân đối với sự phục vụ năm "
                         f"{workspace.assessment.year}", CENTER, bold=True)
    _rule(document, TEXT_CM, 4.0)
    _paragraph(document, "", after=6)
    _overview(document, workspace.assessment.year, summarized)
    for number, summary in enumerate(summaries, start=1):
        _table_section(document, number, summary, decimals, draw_chart)
    criteria = tables.criteria_table(summaries)
    _heading(document, f"{len(summaries) + 1}. Các tiêu chí và đơn vị thấp nhất của từng tiêu chí")
    _grid(document, ["Bảng", "Tiêu chí", "Bình quân", "Chỉ tiêu", "Thấp nhất", "Cao nhất", "Số đơn vị chưa đạt"], 2,
          [[row[0], row[1], format_percent(row[3], decimals, keep_zeros=True), format_percent(row[2], decimals),
            format_percent(row[4], decimals, keep_zeros=True), format_percent(row[5], decimals, keep_zeros=True),
            str(row[6])] for row in criteria.itertuples(index=False)])
    for row in criteria.itertuples(index=False):
        _paragraph(document, f"- {row[1]} ({row[0]}): {row[7]}.")
    changes = tables.changes_table(summaries)
    if not changes.empty:
        _heading(document, f"{len(summaries) + 2}. So với năm trước")
        _grid(document, list(tables.CHANGES_COLUMNS), 3,
              [[r[0], r[1], r[2], format_percent(r[3], decimals, keep_zeros=True),
                format_percent(r[4], decimals, keep_zeros=True), _signed(r[5], decimals)]
               for r in changes.itertuples(index=False)])
    _paragraph(document, f"Trên đây là báo cáo tổng hợp kết quả Chỉ số hài lòng năm {workspace.assessment.year}./.")
    _signature(document, workspace)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_dates(buffer.getvalue())


# -- the parts of the report --


def _header(document: docx.document.Document, organ: Agency, today: dt.date) -> None:
    table = _layout(document, 2, (HEADER_CM[0], HEADER_CM[1]))
    agency, motto = table.cell(0, 0), table.cell(0, 1)
    if organ.parent:
        _paragraph(agency, organ.parent, CENTER, size=13, first=True)
    _paragraph(agency, organ.issuer, CENTER, size=13, bold=True, first=not organ.parent)
    _rule(agency, HEADER_CM[0], 1.5)
    _paragraph(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", CENTER, size=12, bold=True, first=True)
    _paragraph(motto, "Độc lập - Tự do - Hạnh phúc", CENTER, size=13, bold=True)
    _rule(motto, HEADER_CM[1], 5.6)  # as long as the tiêu ngữ
    _paragraph(table.cell(1, 0), f"Số:       /BC-{organ.symbol}", CENTER, size=13, first=True, before=6)
    _paragraph(table.cell(1, 1), f"{organ.place}, {draft_long_date(today.month, today.year)}", CENTER, size=13,
               italic=True, first=True, before=6)


def _overview(document: docx.document.Document, year: int, summarized: tables.Summaries) -> None:
    units, short = summarized.units, summarized.short
    _paragraph(document, f"Năm {year}, {units} đơn vị được đánh giá trên {len(summarized.tables)} "
                         f"bảng kết quả; {short}/{units} đơn vị có ít nhất một tiêu chí chưa đạt chỉ tiêu.")
    for summary in summarized.tables:
        frame = summary.units
        below = int((frame[tables.SHORT] > 0).sum())
        _paragraph(document, f"- {summary.spec.name}: {len(frame)} đơn vị, Chỉ số chung bình quân "
                             f"{format_percent(summary.average[tables.OVERALL], 2, keep_zeros=True)}; {below} đơn vị "
                             f"có tiêu chí chưa đạt chỉ tiêu.")


def _table_section(document: docx.document.Document, number: int, summary: TableSummary, decimals: int,
                   draw_chart: Callable[[BarChart], Picture]) -> None:
    _heading(document, f"{number}. Kết quả {summary.spec.name}")
    names = [c.name for c in summary.spec.criteria]
    if len(names) > 1:
        previous = _previous_averages(summary)
        grey = f"Bình quân năm {summary.previous_year}" if previous else ""
        picture = draw_chart(BarChart(tuple(names), tuple(summary.average[n] for n in names),
                                tuple(summary.targets[n] for n in names), previous or (), decimals, grey))
        paragraph = _paragraph(document, "", CENTER, before=6)
        paragraph.add_run().add_picture(io.BytesIO(picture.png), width=Emu(picture.width_emu),
                                        height=Emu(picture.height_emu))
        what = f"; cột xám: bình quân năm {summary.previous_year} của các đơn vị so sánh được" if previous else ""
        _paragraph(document, f"Biểu đồ: bình quân các đơn vị của từng tiêu chí so với chỉ tiêu{what}.", CENTER,
                   italic=True, size=13, after=6)
    headers = ["STT", "Đơn vị", *names, "Chỉ số chung", "Xếp hạng"]
    rows = [[str(row[tables.STT]), str(row[tables.UNIT]),
             *(format_number(row[n], decimals, keep_zeros=True) for n in names),
             format_number(row[tables.OVERALL], decimals, keep_zeros=True), str(row[tables.RANK])]
            for _, row in _shown(summary.units).iterrows()]
    if len(summary.units) > FULL_TABLE:  # the strongest, a line saying how many are left out, the weakest
        rows.insert(SHOWN, ["", f"… {len(summary.units) - 2 * SHOWN} đơn vị khác: xem {REPORT_WORKBOOK}",
                            *[""] * (len(headers) - 2)])
    rows.append(["", tables.AVERAGE, *(format_number(summary.average[n], decimals, keep_zeros=True) for n in names),
                 format_number(summary.average[tables.OVERALL], decimals, keep_zeros=True), ""])
    rows.append(["", tables.TARGET, *(format_number(summary.targets[n], decimals) for n in names), "", ""])
    _grid(document, headers, 2, rows)


def _shown(units: pd.DataFrame) -> pd.DataFrame:
    """Every unit of a table of up to FULL_TABLE units; else the SHOWN strongest and the SHOWN weakest."""
    return units if len(units) <= FULL_TABLE else pd.concat([units.head(SHOWN), units.tail(SHOWN)])


def _previous_averages(summary: TableSummary) -> tuple[float, ...] | None:
    """Last year's table average of each criterion, from this year's units compared (None without nam_truoc)."""
    if summary.previous_year is None:
        return None
    result = []
    for criterion in summary.spec.criteria:
        changes = summary.units[tables.change_column(criterion.name)].dropna()
        if changes.empty:
            return None
        now = summary.units.loc[changes.index, criterion.name]
        result.append(round(float((now - changes).mean()), 2))
    return tuple(result)


def _signature(document: docx.document.Document, workspace: Workspace) -> None:
    table = _layout(document, 1, (7.5, 9.0))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _paragraph(left, "Nơi nhận:", LEFT, size=12, bold=True, italic=True, first=True)
    _paragraph(left, "- Lãnh đạo (để b/c);", LEFT, size=11)
    _paragraph(left, f"- Lưu: {workspace.recipients.archive}.", LEFT, size=11)
    signer = workspace.signer
    lines = [line for line in (signer.authority, signer.position) if line]
    for index, line in enumerate(lines):
        _paragraph(right, line, CENTER, bold=True, first=index == 0)
    _paragraph(right, signer.name, CENTER, bold=True, before=64)


# -- small builders --


def _fixed_dates(data: bytes) -> bytes:
    """Return the package with every member dated 1980-01-01, so the same batch gives the same bytes (python-docx
    dates the members with the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(info),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _paragraph(container: object, text: str, style: str | None = None, *, size: float | None = None,
               bold: bool = False, italic: bool = False, before: float | None = None, after: float | None = None,
               first: bool = False) -> Paragraph:
    """Add a paragraph of one run; `first` fills a table cell's own empty paragraph."""
    paragraph: Paragraph = (container.paragraphs[0] if first else container.add_paragraph())  # type: ignore[attr-defined]
    if style:
        paragraph.style = style
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    return paragraph


def _rule(container: object, available_cm: float, length_cm: float) -> None:
    """Add a centred rule `length_cm` long (under the issuing body, the tiêu ngữ, the title), as a paragraph of its
    own: an empty line in 2 pt type with a bottom border and indents that leave the rule's length."""
    paragraph = _paragraph(container, "", CENTER, before=3)
    margin = Cm(max(0.0, (available_cm - length_cm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = margin
    properties = paragraph._p.get_or_add_pPr()
    properties.append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'))
    properties.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr>'))


def _heading(document: docx.document.Document, text: str) -> None:
    paragraph = _paragraph(document, text, bold=True, before=6)
    paragraph.paragraph_format.keep_with_next = True


def _layout(document: docx.document.Document, rows: int, widths_cm: tuple[float, float]) -> Table:
    """A borderless table of two columns (header, signature)."""
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, [Cm(width) for width in widths_cm])
    return table


def _text_width(document: docx.document.Document) -> int:
    section = document.sections[0]
    return (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)


def _set_widths(table: Table, widths: Sequence[int]) -> None:
    """Fix the column widths (EMU) in the grid and every cell, as Word and LibreOffice both read them."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Emu(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Emu(width)


def _grid(document: docx.document.Document, headers: list[str], figures_from: int, rows: list[list[str]]) -> None:
    """A table with single borders, the header row bold and repeated on each page; the columns from
    `figures_from` on hold figures, aligned right. STT is narrow, the names wide, the figures share the rest.

    The XML is written as text and parsed once: python-docx's cell by cell API takes seconds per thousand rows,
    and a province's table has thousands of units."""
    total, count = _text_width(document) // 635, len(headers)  # twips
    first = total * 8 // 100 if headers[0] == tables.STT else total * 18 // 100
    names = total * 22 // 100
    widths = [first, names, *[(total - first - names) // (count - 2)] * (count - 2)]
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:jc w:val="center"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
             f'<w:tblLayout w:type="fixed"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr><w:tblGrid>',
             *(f'<w:gridCol w:w="{width}"/>' for width in widths), "</w:tblGrid>",
             '<w:tr><w:trPr><w:tblHeader/></w:trPr>',
             *(_cell(text, width, "CvCenter", bold=True) for text, width in zip(headers, widths, strict=True)),
             "</w:tr>"]
    for values in rows:
        parts.append("<w:tr>")
        parts += [_cell(text, width, "CvCenter" if column == 0 else "CvLeft", right=column >= figures_from)
                  for column, (text, width) in enumerate(zip(values, widths, strict=True))]
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    document.element.body.find(qn("w:sectPr")).addprevious(parse_xml("".join(parts)))
    _paragraph(document, "", after=6)


def _cell(text: str, width: int, style: str, *, bold: bool = False, right: bool = False) -> str:
    size = TABLE_FONT * 2  # half-points
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>'
            + ('<w:jc w:val="right"/>' if right else "") + "</w:pPr><w:r><w:rPr>" + ("<w:b/>" if bold else "")
            + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t>'
            "</w:r></w:p></w:tc>")


def _signed(value: float, decimals: int) -> str:
    return ("+" if value > 0 else "-" if value < 0 else "") + format_number(abs(value), decimals, keep_zeros=True)


