"""Export the register: a printable Sổ đăng ký văn bản đi (.xlsx, NĐ 30 Phụ lục IV) and Phụ lục VI data (JSON, XML)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from congvan.files import atomic_write
from congvan.register.records import CONG_VAN, STATUS_RESERVED, Record

# Phụ lục IV, mục I: the 10 columns of the sổ đăng ký văn bản đi, with print widths (characters).
REGISTER_COLUMNS: list[tuple[str, float]] = [
    ("Số, ký hiệu văn bản", 14),
    ("Ngày tháng văn bản", 11),
    ("Tên loại và trích yếu nội dung văn bản", 42),
    ("Người ký", 16),
    ("Nơi nhận văn bản", 26),
    ("Đơn vị, người nhận bản lưu", 14),
    ("Số lượng bản", 8),
    ("Ngày chuyển", 10),
    ("Ký nhận", 10),
    ("Ghi chú", 20),
]
FONT = "Times New Roman"
HEADER_ROW = 5


def short_date(date: dt.date | None) -> str:
    """Return "23/11/2026" ("" for None)."""
    return date.strftime("%d/%m/%Y") if date else ""


def subject_line(record: Record) -> str:
    """Return the trích yếu as printed: "V/v ..." for a công văn, the plain text otherwise."""
    return f"V/v {record.subject}" if record.type_name == CONG_VAN else record.subject


def type_and_subject(record: Record) -> str:
    """Column 3: "Công văn V/v ..." / "Quyết định ban hành ..."."""
    return f"{record.type_name} {subject_line(record)}".strip()


def destination(record: Record) -> str:
    """Column 5: the addressees and the other Nơi nhận lines (without "Như trên" and "Lưu"), one per line."""
    lines = list(record.recipients)
    for item in record.distribution:
        cleaned = item.strip().lstrip("-– ").rstrip(";.").strip()
        lowered = cleaned.lower()
        if cleaned and not lowered.startswith("như trên") and not lowered.startswith("lưu"):
            lines.append(cleaned)
    return "\n".join(lines)


def remarks(record: Record) -> str:
    """Column 10: the note, "lấy số trước" for hand-reserved numbers, and the withdrawal (thu hồi)."""
    parts = [record.note] if record.note else []
    if record.status == STATUS_RESERVED:
        parts.append("Lấy số cho văn bản làm ngoài hệ thống")
    if record.voided_at:
        parts.append(f"Thu hồi ngày {short_date(dt.date.fromisoformat(record.voided_at[:10]))}: {record.void_reason}")
    return "\n".join(parts)


def register_rows(records: Sequence[Record]) -> list[list[Any]]:
    """Return the 10 Phụ lục IV values of each record, as printed."""
    return [
        [r.number_symbol, short_date(r.issued_date), type_and_subject(r), r.signer_name, destination(r),
         r.archive_copy, r.issued_amount, short_date(r.sent_date), r.receipt or "", remarks(r)]
        for r in records
    ]


def export_xlsx(records: Sequence[Record], path: Path, *, organ_name: str = "", parent_name: str = "",
                title_year: int | None = None) -> Path:
    """Write the printable register: A4 landscape, Vietnamese headers repeated on every page."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"So di {title_year}" if title_year else "So van ban di"
    ncols = len(REGISTER_COLUMNS)
    last = get_column_letter(ncols)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, horizontal="center", vertical="center")

    sheet["A1"] = parent_name.upper()
    sheet["A1"].font = Font(name=FONT, size=12)
    sheet["A2"] = organ_name.upper()
    sheet["A2"].font = Font(name=FONT, size=12, bold=True)
    sheet.merge_cells(f"A3:{last}3")
    sheet["A3"] = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    sheet["A3"].font = Font(name=FONT, size=14, bold=True)
    sheet["A3"].alignment = centred
    sheet.merge_cells(f"A4:{last}4")
    years = sorted({r.year for r in records})
    span = f"Năm {title_year}" if title_year else ("Năm " + ", ".join(map(str, years)) if years else "")
    if records:
        span += f" (từ số {records[0].number_symbol} đến số {records[-1].number_symbol})"
    sheet["A4"] = span
    sheet["A4"].font = Font(name=FONT, size=12, italic=True)
    sheet["A4"].alignment = centred

    for column, (title, width) in enumerate(REGISTER_COLUMNS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
        for row, value in ((HEADER_ROW, title), (HEADER_ROW + 1, f"({column})")):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = Font(name=FONT, size=11, bold=True)
            cell.alignment = centred
            cell.border = border
    sheet.row_dimensions[HEADER_ROW].height = 45

    for offset, values in enumerate(register_rows(records)):
        row = HEADER_ROW + 2 + offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = Font(name=FONT, size=11, strike=bool(records[offset].voided_at) and column == 1)
            cell.alignment = wrap_top
            cell.border = border
        # LibreOffice does not grow rows for wrapped text on its own: give each row its height.
        sheet.row_dimensions[row].height = 15 * max(_wrapped_lines(value, width)
                                                    for value, (_, width) in zip(values, REGISTER_COLUMNS, strict=True))

    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 2, column=1)
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write(Path(path), buffer.getvalue())
    return Path(path)


def _wrapped_lines(value: Any, width: float) -> int:
    """Estimate how many lines `value` takes in a column `width` characters wide (Times New Roman 11)."""
    if value is None or value == "":
        return 1
    per_line = max(1, int(width * 1.1))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))


def phu_luc_vi(record: Record) -> dict[str, Any]:
    """Return the NĐ 30 Phụ lục VI fields of an outgoing document (dates ISO 8601, YYYY-MM-DD)."""
    description = remarks(record)
    return {
        "TypeName": record.type_name,
        "CodeNumber": record.code_number,
        "CodeNotation": record.code_notation,
        "IssuedDate": record.issued_date.isoformat(),
        "OrganName": record.organ_name,
        "Subject": subject_line(record),
        "Language": record.language,
        "PageAmount": record.page_amount,
        "Description": description,
        "SignerInfo": {"Position": " ".join(p for p in (record.signer_authority, record.signer_position) if p),
                       "FullName": record.signer_name},
        "To": [{"OrganId": "", "OrganName": name} for name in record.recipients],
        "Priority": record.priority,
        "IssuedAmount": record.issued_amount,
        "DueDate": record.due_date.isoformat() if record.due_date else None,
        "Status": "voided" if record.voided_at else record.status,
        "FilePath": record.file_path,
        "Sha256": record.sha256,
    }


def export_json(records: Sequence[Record], path: Path) -> Path:
    """Write the Phụ lục VI fields of every record as a UTF-8 JSON document."""
    payload = {"OutgoingDocuments": [phu_luc_vi(r) for r in records]}
    atomic_write(Path(path), (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return Path(path)


def export_xml(records: Sequence[Record], path: Path) -> Path:
    """Write the Phụ lục VI fields as XML: <OutgoingDocuments><Document>…</Document></OutgoingDocuments>."""
    root = etree.Element("OutgoingDocuments")
    for record in records:
        _xml_fields(etree.SubElement(root, "Document"), phu_luc_vi(record))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    atomic_write(Path(path), data)
    return Path(path)


def _xml_fields(parent: etree._Element, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "To":
            for item in value:
                _xml_fields(etree.SubElement(parent, "To"), item)
        elif isinstance(value, dict):
            _xml_fields(etree.SubElement(parent, key), value)
        else:
            etree.SubElement(parent, key).text = "" if value is None else str(value)
