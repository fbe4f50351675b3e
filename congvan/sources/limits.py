"""Sizes of a results workbook, checked before openpyxl parses anything.

openpyxl builds every cell of a sheet up to its last used row and column: a 6 KB .xlsx with one styled
empty cell at H1048576 takes a minute and gigabytes, and a sheet XML holding a 1 GiB comment never
finishes. So, from the zip directory (nothing decompressed): no part may decompress beyond
`ReadLimits.part_bytes`, nor the package beyond `ReadLimits.ratio` times its size; then each sheet's XML
is scanned as a stream (bounded by the part limit) for its declared dimension and the highest row and
column any cell names, which must stay within `ReadLimits.rows` × `ReadLimits.columns`. The same pass
collects the sheet's merged ranges and gives its size, so nothing else reads the XML before openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import NamedTuple

from congvan import vn
from congvan.errors import DataError, cell_location
from congvan.files import zip_problem
from congvan.models import ReadLimits

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+\d+:)?([A-Z]+)(\d+)\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?(?:c|row)\s[^>]*?\br=\"([A-Z]*)(\d+)\"")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?/?>")
_ATTRIBUTE = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*?/?>")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
CHUNK = 1 << 20
TOO_BIG = ("Xóa các dòng, cột thừa bên dưới và bên phải bảng (chọn chúng, chuột phải > Delete) rồi lưu lại; "
           "sheet số liệu khác (phiếu khảo sát gốc) để ở tệp riêng.")


class SheetExtent(NamedTuple):
    """What one pass over a sheet's XML found: its title (None for a part no sheet names), its last row and
    column named by a cell, its merged ranges ("B5:B6"), and whether it declares a `<dimension>`."""

    title: str | None
    rows: int
    columns: int
    merges: list[str]
    declared: bool


def check_workbook_size(data: bytes, where: str, limits: ReadLimits) -> dict[str, SheetExtent]:
    """Raise a DataError naming the sheet when the .xlsx package `data` is larger than `limits` allow; return
    each sheet part's extent (part name -> `SheetExtent`), found in the same pass.

    Every part under xl/worksheets/ is checked, and any other part a sheet of xl/workbook.xml points to."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        problem = zip_problem(archive, limits.part_bytes, limits.ratio)
        if problem:
            raise DataError(f"{problem}; congvan không mở tệp này. Lưu lại bảng kết quả thành tệp .xlsx mới chỉ "
                            "gồm các sheet cần dùng.", where)
        titles = sheet_titles(archive)
        extents = {}
        for info in archive.infolist():
            name = info.filename
            if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name in titles:
                title = titles.get(name)
                extents[name] = _scan_sheet(archive, info, title, cell_location(where, title) if title else where,
                                            limits)
        return extents


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, title: str | None, where: str,
                limits: ReadLimits) -> SheetExtent:
    """Stream the sheet's XML once: check its declared dimension and the cells it names against `limits`, and
    collect its merged ranges (openpyxl's read-only reader skips them)."""
    last_row = last_column = 0
    declared = None
    merges: dict[str, None] = {}  # in order, once: a tag carried over between chunks may be found twice
    tail = b""
    with archive.open(info) as stream:
        first = True
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            if first:
                first = False
                declared = _DIMENSION.search(text[:4096])
                if declared:
                    area = (declared.group(1) or b"").decode() + (declared.group(2) + declared.group(3)).decode()
                    _check(int(declared.group(3)), _column_number(declared.group(2)), where, limits,
                           f"vùng dữ liệu sheet khai báo ({area})")
            refs = _CELL_REF.findall(text)
            if refs:
                last_row = max(last_row, max(map(int, [row for _letters, row in refs])))
                last_column = max(last_column, max(map(_column_number, {letters for letters, _row in refs})))
            if b"mergeCell" in text:
                merges.update(dict.fromkeys(m.decode() for m in _MERGE_CELL.findall(text)))
            tail = text[-256:]
    _check(last_row, last_column, where, limits, "sheet có ô (kể cả ô trống đã định dạng)")
    return SheetExtent(title, last_row, last_column, list(merges), declared is not None)


def _check(rows: int, columns: int, where: str, limits: ReadLimits, what: str) -> None:
    if rows > limits.rows:
        raise DataError(f"{what} tới dòng {vn.format_number(rows, 0)}, quá giới hạn "
                        f"{vn.format_number(limits.rows, 0)} dòng ('so_dong_toi_da' trong [du_lieu] của "
                        f"congvan.toml). {TOO_BIG}", where)
    if columns > limits.columns:
        raise DataError(f"{what} tới cột {_column_letters(columns)} (cột thứ {vn.format_number(columns, 0)}), quá "
                        f"giới hạn {limits.columns} cột ('so_cot_toi_da' trong [du_lieu] của congvan.toml). "
                        f"{TOO_BIG}", where)


def sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return part name -> sheet title, from xl/workbook.xml and its relationships (both small, size-checked)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for element in _RELATIONSHIP.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(element))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[attributes.get(b"Id", b"")] = target if target.startswith("xl/") else f"xl/{target}"
    titles = {}
    for element in _SHEET.findall(workbook):
        attributes = {name.split(b":")[-1]: value for name, value in _ATTRIBUTE.findall(element)}
        part = targets.get(attributes.get(b"id", b""))
        if part:
            titles[part] = _unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
    return titles


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
