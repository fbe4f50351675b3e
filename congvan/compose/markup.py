"""The body markup of a composed letter (docs/compose.md): plain text a clerk types -> blocks (render/blocks.py).

One line is one paragraph; blank lines only separate. Numbered items ("1.", "1.1."), lettered items ("a)"),
dash and plus items ("- ", "+ ") are written as the clerk typed them, as NĐ 30 prints them. A short line
ending with ":" ("Giao Phòng Nội vụ:") or a numbered line without a final full stop is a heading that stays
on the page of what follows it. `**bold**` and `*italic*` mark runs; rows of `| a | b |` make a table (a
`|---|` row under the first makes it the header). Each line first goes through the one sandbox, so
`{{ nam }}` placeholders are filled and a mistake names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from congvan.compose.docx_body import docx_lines
from congvan.errors import DataError
from congvan.render import blocks
from congvan.render import texts as snippets
from congvan.vn import nfc

_NUMBERED = re.compile(r"^(\d+\.)+\s")
_ARTICLE = re.compile(r"^(Điều \d+\.)(\s)")  # "Điều 1." is bold (NĐ 30 §3.7)
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_EMPHASIS = re.compile(r"(\*\*.+?\*\*|\*[^*\s][^*]*?\*)")
HEADING_CHARS = 160  # a line ending with ":" longer than this is a sentence, not a heading


def parse(text: str, values: Mapping[str, Any], source: str) -> list[dict[str, Any]]:
    """Return the blocks of a body `text` read from `source` (for messages), placeholders filled from `values`."""
    out: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    header = False
    for number, raw in enumerate(nfc(text).splitlines(), start=1):
        where = f"{source}, dòng {number}"
        line = snippets.fill(raw, values, where).strip() if raw.strip() else ""
        if line.startswith("|"):
            if _SEPARATOR.match(line):
                if len(rows) != 1:
                    raise DataError("dòng |---| chỉ đặt ngay dưới dòng đầu của bảng (dòng tiêu đề cột).", where)
                header = True
            else:
                rows.append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        if rows:
            out.append(blocks.table(rows, header))
            rows, header = [], False
        if line:
            out.append(blocks.paragraph(runs(_ARTICLE.sub(r"**\1**\2", line), where), _style(line)))
    if rows:
        out.append(blocks.table(rows, header))
    return out


def _style(line: str) -> str:
    plain = line.replace("*", "")
    if plain.endswith(":") and len(plain) <= HEADING_CHARS:
        return "heading"
    if _NUMBERED.match(plain) and not plain.rstrip().endswith((".", ";", "./.")):
        return "heading"
    return "body"


def runs(line: str, where: str) -> list[tuple[str, bool, bool]]:
    """Split `**bold**` and `*italic*` runs out of one line; an unclosed marker is refused at `where`."""
    out: list[tuple[str, bool, bool]] = []
    for piece in _EMPHASIS.split(line):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append((piece[2:-2], True, False))
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2 and not piece.startswith("* "):
            out.append((piece[1:-1], False, True))
        elif "**" in piece or re.search(r"\*\S", piece):
            raise DataError(f"dấu * chưa đóng trong \"{piece[:60]}\": viết **chữ đậm** hoặc *chữ nghiêng*.", where)
        else:
            out.append((piece, False, False))
    return out


def read_body(path: Path, values: Mapping[str, Any], source: str | None = None) -> list[dict[str, Any]]:
    """Return the blocks of the body file at `path`: plain text (.txt, UTF-8) or a Word file (.docx)."""
    shown = source or str(path)
    if path.suffix.lower() == ".docx":
        return parse("\n".join(docx_lines(path)), values, shown)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise DataError(f"{shown}: không có tệp nội dung. Kiểm tra khóa noi_dung trong tệp thư.") from err
    except UnicodeDecodeError as err:
        raise DataError(f"{shown}: tệp nội dung phải lưu bằng UTF-8 ({err}).") from err
    return parse(text, values, shown)


def plain_lines(body: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return the text of each paragraph block and each table row ("a | b"): what the letter says, in order."""
    lines = []
    for block in body:
        if block["kind"] == "paragraph":
            lines.append(blocks.block_text(block))
        elif block["kind"] == "table":
            lines += [" | ".join(row) for row in block["rows"]]
    return lines
