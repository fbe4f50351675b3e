"""Open results files: tell the format by the bytes, decode CSV text, load workbooks and their formulas.

The extension is only a hint: an old .xls, a password-protected workbook (both OLE/CFB files), an
OpenDocument sheet, a web page saved as ".xls" or a damaged zip each get a message saying what the
file really is and how to save it as .xlsx (UTF-8 .csv) instead.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import openpyxl
from openpyxl.workbook.workbook import Workbook

from congvan import vn
from congvan.errors import DataError, DataFileUnreadable
from congvan.models import ReadLimits
from congvan.sources.limits import check_workbook_size

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
ZIP_SIGNATURE = b"PK\x03\x04"
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"  # ISO 29500 Strict, which openpyxl misreads
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file keeps its package in
SAVE_AS_XLSX = ("Mở tệp bằng Excel (hoặc LibreOffice Calc), chọn Lưu thành (Save As) 'Excel Workbook (.xlsx)' "
                "rồi dùng tệp mới.")
SAVE_AS_CSV = "Mở tệp bằng Excel, chọn Lưu thành 'CSV UTF-8 (Comma delimited)', hoặc lưu thành .xlsx."
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")


class OpenWorkbook(NamedTuple):
    """A workbook opened read-only (its sheets are streamed) and the merged ranges of each sheet, by title."""

    workbook: Workbook
    merges: dict[str, list[str]]


def open_workbook(path: Path, limits: ReadLimits) -> OpenWorkbook:
    """Open the workbook at `path` read-only with cached values (data_only); refuse anything that is not an
    .xlsx, or is larger than `limits` (checked before openpyxl parses anything)."""
    return open_workbook_sized(path, limits)[0]


def open_workbook_sized(path: Path, limits: ReadLimits) -> tuple[OpenWorkbook, dict[str, int]]:
    """`open_workbook`, also returning each sheet's last row (by title), from the same scan as the limits."""
    data = _read_bytes(path)
    _check_spreadsheet_bytes(data, path)
    extents = check_workbook_size(data, str(path), limits)
    merges: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for extent in extents.values():
        if extent.title is not None:
            merges[extent.title], rows[extent.title] = extent.merges, extent.rows
    try:
        workbook = _load_read_only(data, [part for part, extent in extents.items()
                                          if not extent.declared and part.startswith("xl/worksheets/")])
    except Exception as err:  # openpyxl raises many kinds for a damaged part
        raise damaged(path, err) from err
    return OpenWorkbook(workbook, merges), rows


_NO_DIMENSION = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def _load_read_only(data: bytes, undeclared: list[str]) -> Workbook:
    """Return openpyxl's read-only workbook of the package `data`, whose sheet parts `undeclared` have no
    `<dimension>` (written by a program other than Excel).

    Opening a workbook, openpyxl looks for each sheet's `<dimension>`, and parses a whole sheet without one
    only to learn that it has none. It is shown, for those sheets, a part that says just that; the workbook
    then streams the real parts (the limits' scan has already read them once).
    """
    if not undeclared:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, io.BytesIO() as shown:
        with zipfile.ZipFile(shown, "w", zipfile.ZIP_STORED) as copy:
            for name in dict.fromkeys(archive.namelist()):  # a name written twice: the one openpyxl would read
                copy.writestr(name, _NO_DIMENSION if name in undeclared else archive.read(name))
        workbook = openpyxl.load_workbook(io.BytesIO(shown.getvalue()), data_only=True, read_only=True)
    workbook._archive.close()
    workbook._archive = zipfile.ZipFile(io.BytesIO(data))  # the real sheets, streamed by the read-only sheets
    return workbook


def damaged(path: Path, err: Exception) -> DataError:
    """The error for a workbook part openpyxl could not parse (when opening it, or a sheet as it is streamed)."""
    return DataError(f"tệp .xlsx bị hỏng, không đọc được ({type(err).__name__}: {err}). {SAVE_AS_XLSX}", str(path))


def formula_lookup(path: Path) -> Callable[[str, int, int], str | None]:
    """Return `formula(sheet, row, column)` (1-based) giving the formula text of a cell, loading it on first use.

    Used only to explain an empty cell: a workbook written by a program other than Excel keeps formulas
    without their computed values, which openpyxl reads as empty. A workbook whose sheets hold no formula
    at all (looked up in the raw XML) is never loaded a second time.
    """
    loaded: list[Workbook | None] = []

    def formula(sheet: str, row: int, column: int) -> str | None:
        if not loaded:
            data = path.read_bytes()
            loaded.append(openpyxl.load_workbook(io.BytesIO(data), data_only=False) if _has_formulas(data) else None)
        workbook = loaded[0]
        if workbook is None or sheet not in workbook.sheetnames:
            return None
        value = workbook[sheet].cell(row=row, column=column).value
        if isinstance(value, str) and value.startswith("="):
            return value
        text = getattr(value, "text", None)  # ArrayFormula / DataTableFormula
        return text if isinstance(text, str) else None

    return formula


_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(data: bytes) -> bool:
    """Return True if a worksheet of the .xlsx package `data` has a formula (<f> element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(_FORMULA_ELEMENT.search(archive.read(name)) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataFileUnreadable(f"không đọc được tệp: {err.strerror or err}.", str(path)) from err
    if not data:
        raise DataError("tệp rỗng (0 byte): có thể tệp chưa được lưu xong hoặc bị hỏng khi sao chép.", str(path))
    return data


def _check_spreadsheet_bytes(data: bytes, path: Path) -> None:
    """Raise a DataError naming what the file really is unless it is an Excel .xlsx/.xlsm package."""
    where = str(path)
    if data.startswith(CFB_SIGNATURE):
        if _ENCRYPTED in data:
            raise DataError("tệp có mật khẩu hoặc là .xls cũ: đây là bảng tính được đặt mật khẩu mở (mã hóa), "
                            "congvan không đọc được. Mở bằng Excel, gỡ mật khẩu (File > Info > Protect Workbook > "
                            "Encrypt with Password, xóa mật khẩu) rồi lưu lại thành .xlsx.", where)
        raise DataError(f"tệp có mật khẩu hoặc là .xls cũ: đây là tệp Excel 97–2003 (.xls), congvan chỉ đọc .xlsx. "
                        f"{SAVE_AS_XLSX}", where)
    if not data.startswith(ZIP_SIGNATURE):
        head = data[:512].lstrip(codecs.BOM_UTF8).lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
            raise DataError("tệp này là trang web (HTML/XML) đặt tên như bảng tính, thường do phần mềm xuất ra; "
                            f"congvan không đọc được. {SAVE_AS_XLSX}", where)
        raise DataError(f"tệp không phải bảng tính .xlsx (không có cấu trúc zip của Excel): tệp bị hỏng hoặc "
                        f"sai định dạng. {SAVE_AS_XLSX}", where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
            workbook_xml = archive.read("xl/workbook.xml")[:4096] if "xl/workbook.xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as err:
        raise DataError(f"tệp .xlsx bị hỏng (cấu trúc zip không đọc được: {err}); có thể tệp tải về hoặc sao chép "
                        f"chưa hết. {SAVE_AS_XLSX}", where) from err
    if mimetype.startswith(ODS_MIMETYPE):
        raise DataError("đây là bảng tính OpenDocument (.ods, LibreOffice/OpenOffice), congvan chỉ đọc .xlsx. "
                        "Trong LibreOffice Calc chọn File > Save As, kiểu 'Excel 2007-365 (.xlsx)'.", where)
    if "xl/workbook.xml" not in names:
        what = "tệp Word (.docx)" if "word/document.xml" in names else "một tệp nén, không phải bảng tính Excel"
        raise DataError(f"đây là {what}, không có bảng tính (thiếu xl/workbook.xml). Chọn đúng tệp kết quả .xlsx.",
                        where)
    if STRICT_NAMESPACE in workbook_xml:
        raise DataError("tệp được lưu theo kiểu 'Strict Open XML Spreadsheet', congvan chỉ đọc kiểu .xlsx thường. "
                        "Mở bằng Excel, chọn Lưu thành (Save As) 'Excel Workbook (.xlsx)'.", where)


# -- CSV text --


def read_csv_text(path: Path, warnings: list[str] | None) -> str:
    """Return the text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258.

    Windows-1258 is accepted only when UTF-8 fails and the decoded text reads as Vietnamese; it writes
    tones as combining marks, so the text is NFC-normalised. Anything else is refused with a message.
    """
    data = _read_bytes(path)
    where = str(path)
    if data.startswith(CFB_SIGNATURE) or data.startswith(ZIP_SIGNATURE):
        raise DataError("tệp có đuôi .csv nhưng là bảng tính Excel/LibreOffice; đổi đuôi thành .xlsx, "
                        f"hoặc {SAVE_AS_CSV[0].lower()}{SAVE_AS_CSV[1:]}", where)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return vn.nfc(data.decode("utf-16"))
        except UnicodeDecodeError as err:
            raise DataError(f"tệp CSV ghi là UTF-16 nhưng hỏng ở byte {err.start}. {SAVE_AS_CSV}", where) from err
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif _looks_utf16_without_bom(data):
        raise DataError(f"tệp CSV có vẻ là UTF-16 nhưng không có BOM, không biết thứ tự byte. {SAVE_AS_CSV}", where)
    try:
        return vn.nfc(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        utf8_error = err
    line = data.count(b"\n", 0, utf8_error.start) + 1
    try:
        text = vn.nfc(data.decode("cp1258"))
    except UnicodeDecodeError:
        text = None
    if text is not None and looks_vietnamese(text):
        if warnings is not None:
            warnings.append(f"{path}: tệp CSV không phải UTF-8; đã đọc theo bảng mã Windows-1258 (tiếng Việt). "
                            "Nên lưu lại thành 'CSV UTF-8'.")
        return text
    legacy = data.decode("latin-1").translate(_CP1252)
    if vn.detect_legacy_encoding_many(_WORD.findall(legacy)):
        return legacy  # TCVN3/VNI bytes: the legacy check of the table converts them or names the cell
    raise DataError(f"không nhận ra bảng mã của tệp CSV: không phải UTF-8 (byte 0x{data[utf8_error.start]:02X} "
                    f"ở dòng {line}) và không đọc ra tiếng Việt theo Windows-1258. {SAVE_AS_CSV}", where)


_WORD = re.compile(r"[^\W\d_]+")
# Bytes as a workbook shows a legacy-font cell: Windows-1252, and latin-1 for the five bytes 1252 leaves undefined.
_CP1252 = {i: bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(128, 256)}


def looks_vietnamese(text: str) -> bool:
    """Return True when most words with non-ASCII letters in `text` are Vietnamese syllables (at least one)."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return False
    valid = sum(1 for w in words if vn.is_vietnamese_syllable(w))
    return valid >= 0.8 * len(words)


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:400]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 3
