"""Generate the bad-input corpus of results files (issue 7), so that no binary needs to live in git.

Each case is one small file, written into FOLDER/<case>/, that the results reader must either read
correctly or refuse with a message naming the file, sheet, row, column and what was expected; the
expected outcome of each case is asserted in tests/test_bad_inputs.py. The workbooks follow the
shipped catalog (data/tieu_chi.toml): sheet "UBND cấp xã" (title, blank row, header on row 3, five
units on rows 4–8) and sheet "Trạm y tế" (header on row 1, fractions in cells formatted 0.00%).

The old-Excel and password-protected cases are minimal but valid OLE compound files (one "Workbook"
stream; "EncryptionInfo" + "EncryptedPackage" streams), written here byte by byte: what the reader must
recognise is the container, not the content.

    python scripts/make_bad_inputs.py OUTDIR            # every case
    python scripts/make_bad_inputs.py OUTDIR --case ods # one case
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import io
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

UBND = "UBND cấp xã"
TYT = "Trạm y tế"
HEADERS = ["Tiếp cận dịch vụ", "Điều kiện tiếp đón, phục vụ", "Thủ tục hành chính", "Sự phục vụ của công chức",
           "Kết quả, tiến độ giải quyết công việc", "Tiếp nhận, xử lý phản ánh, kiến nghị"]
UNITS: dict[str, list[Any]] = {
    "Phường Nha Trang": [72.27, 68.83, 85.70, 84.50, 87.17, 73.22],
    "Phường Cam Ranh": [80.00, 83.00, 90.10, 79.95, 88.00, 84.00],
    "Xã Cam Lâm": [90.00, 91.50, 88.25, 86.00, 92.10, 89.40],
    "Xã Diên Khánh": [60.50, 70.00, 75.00, 78.00, 81.00, 82.99],
    "Đặc khu Trường Sa": [85.00, 86.00, 87.00, 88.00, 89.00, 90.00],
}
HEALTH = {"Phường Nha Trang": 0.7646, "Phường Cam Ranh": 0.8512, "Xã Cam Lâm": 0.8830, "Xã Diên Khánh": 0.6900,
          "Đặc khu Trường Sa": 0.8400}
FIRST_UNIT_ROW = 4  # row of "Phường Nha Trang" in sheet UBND cấp xã
LONG_NAME = ("Xã " + "Rất Dài " * 25)[:191] + "Cuối cùng"  # 200 characters: the longest unit a register row keeps
ODD_NAMES = ['Phường A & B', 'Xã <Cam> "Lâm"', "Xã Ông Đồ's", "Phường Bắc/Nam", "Xã Đông\\Tây", "Xã ..\\..\\etc",
             "../../Đặc khu", LONG_NAME]

Writer = Callable[[Path], Path]
CASES: dict[str, Writer] = {}


def case(name: str) -> Callable[[Writer], Writer]:
    """Register a case writer under `name`; it gets its own empty folder and returns the file it wrote."""
    def register(writer: Writer) -> Writer:
        CASES[name] = writer
        return writer
    return register


def make(name: str, folder: Path) -> Path:
    """Write case `name` into folder/name/ and return the path of its file."""
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    return CASES[name](target)


def make_all(folder: Path) -> dict[str, Path]:
    """Write every case into `folder` and return case -> file."""
    return {name: make(name, folder) for name in CASES}


# -- workbooks --


def ubnd_rows(units: dict[str, list[Any]] | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = [["KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2025 (số liệu thử)"], [], ["STT", "Đơn vị", *HEADERS]]
    rows += [[i, name, *scores] for i, (name, scores) in enumerate((units or UNITS).items(), start=1)]
    return rows


def add_sheet(workbook: openpyxl.Workbook, title: str, rows: list[list[Any]], percent: bool = False) -> Worksheet:
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    if percent:
        for row in sheet.iter_rows(min_row=2, min_col=3):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00%"
    return sheet


def standard_workbook(units: dict[str, list[Any]] | None = None) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, UBND, ubnd_rows(units))
    health = list(HEALTH.values())
    names = list(units) if units else list(HEALTH)
    add_sheet(workbook, TYT, [["STT", "Đơn vị", "Chỉ số hài lòng"]]
              + [[i, n, health[(i - 1) % len(health)]] for i, n in enumerate(names, start=1)], percent=True)
    return workbook


def save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def with_cell(folder: Path, column: int, value: Any, row: int = FIRST_UNIT_ROW, number_format: str | None = None,
              name: str = "ket_qua.xlsx") -> Path:
    """The standard workbook with one cell of sheet UBND cấp xã replaced (column 1 = STT, 2 = Đơn vị, 3.. scores)."""
    workbook = standard_workbook()
    cell = workbook[UBND].cell(row=row, column=column)
    cell.value = value  # cell(value=None) would keep the old value
    if number_format:
        cell.number_format = number_format
    return save(workbook, folder / name)


def with_units(folder: Path, units: dict[str, list[Any]]) -> Path:
    return save(standard_workbook(units), folder / "ket_qua.xlsx")


@case("empty_workbook")
def _empty_workbook(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    return save(workbook, folder / "ket_qua.xlsx")


@case("empty_table_sheet")
def _empty_table_sheet(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = UBND
    return save(workbook, folder / "ket_qua.xlsx")


@case("title_merged_above_header")
def _title_merged(folder: Path) -> Path:
    workbook = standard_workbook()
    sheet = workbook[UBND]
    sheet.merge_cells("A1:H1")
    sheet.insert_rows(2)
    sheet["A2"] = "(Kèm theo Quyết định số 2150/QĐ-UBND)"
    sheet.merge_cells("A2:H2")
    return save(workbook, folder / "ket_qua.xlsx")  # header now on row 4, units on rows 5-9


@case("header_on_two_merged_rows")
def _two_row_header(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = UBND
    sheet.append(["KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2025"])
    sheet.merge_cells("A1:H1")
    sheet.append(["STT", "Đơn vị", "Chỉ số thành phần (%)"])
    sheet.append([None, None, *HEADERS])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:H2")
    for i, (name, scores) in enumerate(UNITS.items(), start=1):
        sheet.append([i, name, *scores])
    return save(workbook, folder / "ket_qua.xlsx")  # units on rows 4-8


@case("merged_score_cells")
def _merged_scores(folder: Path) -> Path:
    workbook = standard_workbook()
    workbook[UBND].merge_cells("C5:D5")  # Phường Cam Ranh: one value over two criteria
    return save(workbook, folder / "ket_qua.xlsx")


@case("hidden_duplicate_sheet")
def _hidden_duplicate(folder: Path) -> Path:
    workbook = standard_workbook()
    old = add_sheet(workbook, "ubnd_xa", ubnd_rows({"Xã Cũ": [1.0] * 6}))
    old.sheet_state = "hidden"
    return save(workbook, folder / "ket_qua.xlsx")


@case("hidden_table_sheet")
def _hidden_table(folder: Path) -> Path:
    workbook = standard_workbook()
    workbook[UBND].sheet_state = "hidden"
    return save(workbook, folder / "ket_qua.xlsx")


@case("formula_without_cached_value")
def _formula(folder: Path) -> Path:
    return with_cell(folder, 4, "=C4*1")  # openpyxl saves the formula and no computed value


@case("unit_name_formula")
def _unit_formula(folder: Path) -> Path:
    return with_cell(folder, 2, '="Phường "&"Nha Trang"')


@case("score_date")
def _score_date(folder: Path) -> Path:
    return with_cell(folder, 3, dt.datetime(2025, 7, 8), number_format="dd/mm/yyyy")  # "8.7" typed, Excel made a day


@case("score_boolean")
def _score_bool(folder: Path) -> Path:
    return with_cell(folder, 3, True)


@case("score_na")
def _score_na(folder: Path) -> Path:
    return with_cell(folder, 3, "N/A")


@case("score_dash")
def _score_dash(folder: Path) -> Path:
    return with_cell(folder, 3, "-")


@case("score_blank")
def _score_blank(folder: Path) -> Path:
    return with_cell(folder, 3, None)


@case("score_excel_error")
def _score_error(folder: Path) -> Path:
    return with_cell(folder, 3, "#DIV/0!")


@case("percent_spellings")
def _percent_spellings(folder: Path) -> Path:
    units = {name: list(scores) for name, scores in UNITS.items()}
    for name, text in zip(units, ["85,7", "85.7", "85.70", "85,700", "85,7%"], strict=True):
        units[name][2] = text  # Thủ tục hành chính
    return with_units(folder, units)


@case("fraction_among_percentages")
def _fraction_text(folder: Path) -> Path:
    return with_cell(folder, 5, "0,857", row=FIRST_UNIT_ROW + 1)  # Phường Cam Ranh, Thủ tục hành chính


@case("fraction_number_among_percentages")
def _fraction_number(folder: Path) -> Path:
    return with_cell(folder, 5, 0.857, row=FIRST_UNIT_ROW + 1)


@case("percent_format_on_a_percentage")
def _percent_format(folder: Path) -> Path:
    return with_cell(folder, 5, 85.7, number_format="0.00%")


@case("score_over_100")
def _over_100(folder: Path) -> Path:
    return with_cell(folder, 8, 112.5, row=FIRST_UNIT_ROW + 1)


@case("score_negative")
def _negative(folder: Path) -> Path:
    return with_cell(folder, 8, -5, row=FIRST_UNIT_ROW + 1)


@case("score_dot_may_group_thousands")
def _dot_thousands(folder: Path) -> Path:
    return with_cell(folder, 5, "1.500", row=FIRST_UNIT_ROW + 1)  # 1500 the Vietnamese way, 1.5 the English way


@case("score_negative_text")
def _negative_text(folder: Path) -> Path:
    return with_cell(folder, 8, "-5,5", row=FIRST_UNIT_ROW + 1)


def _duplicate(folder: Path, spelling: str) -> Path:
    units = dict(UNITS)
    units[spelling] = [80.0] * 6
    return with_units(folder, units)  # the duplicate is on row 9


@case("duplicate_unit_case")
def _dup_case(folder: Path) -> Path:
    return _duplicate(folder, "PHƯỜNG NHA TRANG")


@case("duplicate_unit_spaces")
def _dup_spaces(folder: Path) -> Path:
    return _duplicate(folder, " Phường  Nha\u00a0Trang ")


@case("duplicate_unit_nfd")
def _dup_nfd(folder: Path) -> Path:
    return _duplicate(folder, unicodedata.normalize("NFD", "Phường Nha Trang"))


@case("unit_trailing_spaces")
def _trailing(folder: Path) -> Path:
    return with_cell(folder, 2, "Phường Nha Trang   ")


@case("odd_unit_names")
def _odd_names(folder: Path) -> Path:
    scores = list(UNITS.values())
    return with_units(folder, {name: scores[i % len(scores)] for i, name in enumerate(ODD_NAMES)})


@case("unit_name_excel_error")
def _unit_ref(folder: Path) -> Path:
    return with_cell(folder, 2, "#REF!")


@case("unit_name_number")
def _unit_number(folder: Path) -> Path:
    return with_cell(folder, 2, 123)


@case("unit_name_digits_as_text")
def _unit_digits(folder: Path) -> Path:
    return with_cell(folder, 2, "123")


@case("unit_name_na")
def _unit_na(folder: Path) -> Path:
    return with_cell(folder, 2, "N/A")


@case("unit_name_dash")
def _unit_dash(folder: Path) -> Path:
    return with_cell(folder, 2, "-")


@case("unit_name_no_letter")
def _unit_no_letter(folder: Path) -> Path:
    return with_cell(folder, 2, "(*)")


@case("unit_name_zero_width_only")
def _unit_zero_width(folder: Path) -> Path:
    return with_cell(folder, 2, "\u200b")


@case("duplicate_unit_zero_width")
def _dup_zero_width(folder: Path) -> Path:
    return _duplicate(folder, "Phường Nha\u200b Trang\u200b")


@case("duplicate_unit_cyrillic")
def _dup_cyrillic(folder: Path) -> Path:
    return _duplicate(folder, "Phường Nh\u0430 Trang")  # Cyrillic a


@case("duplicate_unit_eth")
def _dup_eth(folder: Path) -> Path:
    return _duplicate(folder, "\u00d0ặc khu Trường Sa")  # Ð (U+00D0, Icelandic Eth) for Đ


# -- too big to open: refused from the zip directory and the raw XML, before openpyxl --


@case("styled_cell_at_the_last_row")
def _last_row(folder: Path) -> Path:  # 6 KB; openpyxl would build 8 million cells (a minute, gigabytes)
    workbook = standard_workbook()
    workbook[UBND].cell(row=1048576, column=8).number_format = "0.00"
    return save(workbook, folder / "ket_qua.xlsx")


def rewrite_sheet(folder: Path, change: Callable[[bytes], bytes], workbook: openpyxl.Workbook | None = None) -> Path:
    """Save `workbook` (the standard one) with the XML of sheet UBND cấp xã passed through `change`."""
    buffer = io.BytesIO()
    (workbook or standard_workbook()).save(buffer)
    source = zipfile.ZipFile(buffer)
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            archive.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return path


@case("rows_beyond_the_declared_dimension")
def _real_rows(folder: Path) -> Path:  # the dimension says A1:H8, a cell sits on row 30000
    workbook = standard_workbook()
    workbook[UBND].cell(row=30000, column=2).value = "Ghi chú"
    return rewrite_sheet(folder, lambda xml: xml.replace(b'ref="A1:H30000"', b'ref="A1:H8"'), workbook)


@case("columns_beyond_the_limit")
def _wide(folder: Path) -> Path:
    workbook = standard_workbook()
    workbook[UBND].cell(row=3, column=300).value = "Ghi chú"
    return save(workbook, folder / "ket_qua.xlsx")


@case("sheet_xml_with_a_1_gib_comment")
def _huge_comment(folder: Path) -> Path:  # 1 MB on disk; the sheet XML decompresses to 1 GiB
    buffer = io.BytesIO()
    standard_workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(item, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with archive.open(item.filename, "w", force_zip64=True) as member:
                member.write(head + b"<!--")
                block = b" " * (1 << 20)
                for _ in range(1024):
                    member.write(block)
                member.write(b"--><sheetData>" + tail)
    return path


@case("zip_bomb_media")
def _zip_bomb(folder: Path) -> Path:  # one 60 MB part of zeros: under the part limit, 1 000 times its packed size
    buffer = io.BytesIO()
    standard_workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/media/image1.png", bytes(60 << 20))
    return path


# -- not .xlsx at all --


def compound_file(streams: dict[str, bytes]) -> bytes:
    """Return a minimal valid OLE compound file (version 3, 512-byte sectors) holding `streams` at its root.

    Every stream is padded to 4096 bytes so that all live in regular sectors (no mini stream).
    """
    sector = 512
    free, end, fat_sect, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    data = {n: streams[n].ljust(max(4096, len(streams[n])), b"\0") for n in names}
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = {}
    for name in names:
        count = -(-len(data[name]) // sector)
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
    if len(fat) > sector // 4:
        raise ValueError("too many sectors for a one-sector FAT")
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no_stream, right, child) + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16
                + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 1, no_stream, end, 0)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else no_stream
        entries.append(entry(name, 2, no_stream, right, starts[name], len(streams[name])))
    directory = b"".join(entries).ljust(sector, b"\0")
    if len(directory) > sector:
        raise ValueError("too many streams for a one-sector directory")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(data[n] for n in names)


@case("old_xls")
def _old_xls(folder: Path) -> Path:
    biff_bof = struct.pack("<HHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0)
    path = folder / "ket_qua.xls"
    path.write_bytes(compound_file({"Workbook": biff_bof}))
    return path


@case("password_protected_xlsx")
def _password(folder: Path) -> Path:
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header, version 4.4
    path = folder / "ket_qua.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 12345)}))
    return path


@case("html_saved_as_xls")
def _html_xls(folder: Path) -> Path:
    path = folder / "ket_qua.xls"
    path.write_text("<html><body><table><tr><td>Đơn vị</td><td>Tiếp cận dịch vụ</td></tr></table></body></html>",
                    encoding="utf-8")
    return path


@case("ods")
def _ods(folder: Path) -> Path:
    path = folder / "ket_qua.ods"
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="{UBND}"><table:table-row><table:table-cell '
               'office:value-type="string"><text:p>Đơn vị</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


@case("ods_named_xlsx")
def _ods_renamed(folder: Path) -> Path:
    path = _ods(folder)
    return path.rename(folder / "ket_qua.xlsx")


@case("xlsx_saved_as_xls")
def _xlsx_as_xls(folder: Path) -> Path:
    return save(standard_workbook(), folder / "ket_qua.xls")  # a real .xlsx package under the old extension


@case("truncated_xlsx")
def _truncated(folder: Path) -> Path:
    buffer = io.BytesIO()
    standard_workbook().save(buffer)
    path = folder / "ket_qua.xlsx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


@case("damaged_part_xlsx")
def _damaged_part(folder: Path) -> Path:
    buffer = io.BytesIO()
    standard_workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            archive.writestr(item, b"<worksheet><sheetData><row" if item.filename == "xl/worksheets/sheet1.xml"
                             else data)
    return path


@case("strict_open_xml_xlsx")
def _strict(folder: Path) -> Path:  # Excel's "Strict Open XML Spreadsheet": same parts, ISO 29500 Strict namespaces
    buffer = io.BytesIO()
    standard_workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    strict = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main":
              b"http://purl.oclc.org/ooxml/spreadsheetml/main",
              b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"}
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            for transitional, iso in strict.items():
                data = data.replace(transitional, iso)
            archive.writestr(item, data)
    return path


@case("garbage_xlsx")
def _garbage(folder: Path) -> Path:
    path = folder / "ket_qua.xlsx"
    path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(2048)))
    return path


@case("zero_bytes_xlsx")
def _zero(folder: Path) -> Path:
    path = folder / "ket_qua.xlsx"
    path.write_bytes(b"")
    return path


@case("docx_named_xlsx")
def _docx(folder: Path) -> Path:
    path = folder / "ket_qua.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


# -- CSV --

CSV_ROWS = [["STT", "Đơn vị", "Chỉ số hài lòng"], ["1", "Phường Nha Trang", "76,46"], ["2", "Xã Cam Lâm", "88,3"],
            ["3", "Đặc khu Trường Sa", "84"]]
CSV_SCORES = {"Phường Nha Trang": 76.46, "Xã Cam Lâm": 88.3, "Đặc khu Trường Sa": 84.0}


def csv_text(separator: str = ";") -> str:
    return "\r\n".join(separator.join(row) for row in CSV_ROWS) + "\r\n"


def windows_1258(text: str) -> bytes:
    """Encode `text` as Windows-1258 does: base letters (â, ư, đ...) precomposed, tones as combining marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(out).encode("cp1258")


def write_csv(folder: Path, data: bytes) -> Path:
    path = folder / "tram_y_te.csv"
    path.write_bytes(data)
    return path


@case("csv_utf8_bom")
def _csv_bom(folder: Path) -> Path:
    return write_csv(folder, codecs.BOM_UTF8 + csv_text(";").encode("utf-8"))


@case("csv_utf16")
def _csv_utf16(folder: Path) -> Path:  # Excel's "Unicode Text": UTF-16 LE with BOM, tab-separated
    return write_csv(folder, codecs.BOM_UTF16_LE + csv_text("\t").encode("utf-16-le"))


@case("csv_utf16_no_bom")
def _csv_utf16_no_bom(folder: Path) -> Path:
    return write_csv(folder, csv_text("\t").encode("utf-16-le"))


@case("csv_windows_1258")
def _csv_1258(folder: Path) -> Path:
    return write_csv(folder, windows_1258(csv_text(";")))


@case("csv_unknown_encoding")
def _csv_unknown(folder: Path) -> Path:
    text = "STT;Don vi;Chi so hai long\r\n1;Müller Straße;76,46\r\n"  # Western European, not Vietnamese
    return write_csv(folder, text.encode("cp1252"))


@case("csv_control_character")
def _csv_control(folder: Path) -> Path:  # openpyxl refuses to write one into a workbook; a CSV export can hold it
    return write_csv(folder, csv_text(";").replace("Xã Cam Lâm", "Xã Cam\x07Lâm").encode("utf-8"))


@case("csv_empty")
def _csv_empty(folder: Path) -> Path:
    return write_csv(folder, codecs.BOM_UTF8 + b"\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    args = parser.parse_args()
    for name in args.case or CASES:
        print(make(name, args.folder))


if __name__ == "__main__":
    main()
