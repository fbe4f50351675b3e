"""The many data rows of the summary workbook's table sheets, written as XML text into the saved package.

openpyxl makes a Cell object per cell and writes each through lxml: about 3 s of CPU and 50 MB for the 170,000
cells of a 10,000-unit batch, in the process that runs beside the letter workers. So openpyxl makes the workbook
with every table sheet's first data row only — the pattern row: its cells carry the columns' styles — and
`splice` then writes the other rows below it as openpyxl writes cells (inline strings, numbers as "%.16g", each
column the style of the pattern row's cell), a block at a time straight into the zip file.
"""

from __future__ import annotations

import io
import itertools
import math
import numbers
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

BLOCK = 2000  # rows joined and compressed at a time
LEVEL = 1  # deflate level of the rows: at 20,000 units 0.1 s less CPU than 6 for a file 30 % larger (2.3 MB)
_ESCAPES = {"\r": "&#13;"}  # as lxml writes a carriage return in text


@dataclass(frozen=True)
class Rows:
    """Rows to write into `sheet` below its pattern row `after`, numbered from `after + 1`; `styles` holds the
    style id of each column's cell in the pattern row (None: unstyled)."""

    sheet: Worksheet
    after: int
    styles: tuple[int | None, ...]
    values: Iterable[Sequence[object]]  # read once, a block at a time


def pattern_styles(sheet: Worksheet, row: int, columns: int) -> tuple[int | None, ...]:
    """The style id of each of the first `columns` cells of `row` (the pattern row), None where unstyled."""
    cells = [sheet.cell(row, column) for column in range(1, columns + 1)]
    return tuple(cell.style_id if cell.has_style else None for cell in cells)


def splice(package: bytes, rows: Iterable[Rows]) -> bytes:
    """Return the saved workbook `package` with each `rows` written into its sheet under the pattern row."""
    by_member = {item.sheet.path.lstrip("/"): item for item in rows}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as target:
        for info in source.infolist():
            data = source.read(info)
            item = by_member.pop(info.filename, None)
            if item is None:
                target.writestr(info, data, compress_type=info.compress_type)
                continue
            text = data.decode("utf-8")
            cut = _below(text, item.after)
            with target.open(info.filename, "w") as stream:
                stream.write(text[:cut].encode("utf-8"))
                values, start = iter(item.values), item.after + 1
                while block := list(itertools.islice(values, BLOCK)):
                    stream.write(_xml(item.styles, start, block).encode("utf-8"))
                    start += len(block)
                stream.write(text[cut:].encode("utf-8"))
    if by_member:
        raise ValueError(f"không thấy trang tính {', '.join(by_member)} trong tệp vừa lưu")
    return out.getvalue()


def _below(text: str, row: int) -> int:
    """Where the rows after `row` go in a sheet's XML: after the row element `row`."""
    start = text.find(f'<row r="{row}"')
    if start < 0:
        raise ValueError(f"không thấy dòng mẫu {row} trong trang tính")
    ends = [found for found in (text.find("<row ", start + 1), text.find("</sheetData>", start)) if found >= 0]
    return min(ends)


def _xml(column_styles: Sequence[int | None], start: int, block: Sequence[Sequence[object]]) -> str:
    """The rows `block`, numbered from `start`."""
    letters = [get_column_letter(column) for column in range(1, len(column_styles) + 1)]
    styles = [f' s="{style}"' if style is not None else "" for style in column_styles]
    parts = []
    for number, values in enumerate(block, start=start):
        parts.append(f'<row r="{number}">')
        for letter, style, value in zip(letters, styles, values, strict=True):
            parts.append(_cell(f"{letter}{number}", style, value))
        parts.append("</row>")
    return "".join(parts)


def _cell(reference: str, style: str, value: object) -> str:
    """One cell as openpyxl writes it; an empty cell only when styled."""
    if type(value) is float or type(value) is int or isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isfinite(value):
            return f'<c r="{reference}"{style} t="n"><v>{value:.16g}</v></c>'
        return f'<c r="{reference}"{style}/>' if style else ""  # NaN: a missing figure in pandas
    if isinstance(value, str) and value:
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return (f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{escape(value[:32767], _ESCAPES)}</t></is>'
                "</c>")
    if value is None or value == "":
        return f'<c r="{reference}"{style}/>' if style else ""
    raise TypeError(f"{reference}: giá trị {value!r} không ghi được vào bảng tính")
