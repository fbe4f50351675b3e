"""WordprocessingML for a body written as blocks: the paragraphs, tables and page breaks of a composed letter.

A block is a plain dict (it is stored in the draft's JSON context and rendered again when the letter is
issued): `{"kind": "paragraph", "style": "body", "runs": [["text", bold, italic], ...]}`, `{"kind": "table",
"rows": [["cell", ...], ...], "header": true}` or `{"kind": "page_break"}`. Templates place them with the
`khoi_van_ban` filter in a paragraph tag (`{{p noi_dung|khoi_van_ban }}`); every text is XML-escaped here,
so what a clerk typed can never become markup. Formatting follows NĐ 30 (docs/nd30.md §1, §3.7, §3.11): body
paragraphs justified with a 1.27 cm first-line indent and 6 pt after, in the template's Normal style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from congvan.errors import TemplateError

TEXT_WIDTH = 9355  # A4 minus the 30 mm and 15 mm margins, in twips
SIGNATURE_INDENT = 4253  # where the signature column starts (as in the letter's signature table)

# style -> paragraph properties; "body" is the template's Normal style (justified, first line 1.27 cm)
_STYLES: dict[str, str] = {
    "body": "",
    "heading": "<w:keepNext/>",
    "basis": "",
    "center": '<w:pStyle w:val="CvCenter"/><w:keepNext/><w:spacing w:after="0"/>',
    "center_spaced": '<w:pStyle w:val="CvCenter"/><w:keepNext/><w:spacing w:before="120" w:after="120"/>',
    "signature": (f'<w:pStyle w:val="CvCenter"/><w:keepNext/><w:spacing w:before="240"/>'
                  f'<w:ind w:left="{SIGNATURE_INDENT}"/>'),
    "cell": '<w:pStyle w:val="CvLeft"/>',
    "cell_center": '<w:pStyle w:val="CvCenter"/>',
}
STYLES = frozenset(_STYLES)


def paragraph(runs: Iterable[tuple[str, bool, bool]] | str, style: str = "body") -> dict[str, Any]:
    """Return a paragraph block; `runs` is plain text or (text, bold, italic) triples."""
    if isinstance(runs, str):
        runs = [(runs, False, False)]
    return {"kind": "paragraph", "style": style, "runs": [[t, b, i] for t, b, i in runs if t]}


def table(rows: Sequence[Sequence[str]], header: bool = True) -> dict[str, Any]:
    """Return a table block (the first row is a bold, centred header when `header`)."""
    return {"kind": "table", "rows": [list(r) for r in rows], "header": header}


PAGE_BREAK: dict[str, Any] = {"kind": "page_break"}


def block_text(block: Mapping[str, Any]) -> str:
    """Return the plain text of a paragraph block (for tests and messages)."""
    return "".join(run[0] for run in block.get("runs", []))


def _run(text: str, bold: bool, italic: bool, size: int | None = None) -> str:
    props = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    if size:
        props += f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/>'
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(block: Mapping[str, Any], size: int | None = None) -> str:
    style = block.get("style", "body")
    if style not in _STYLES:
        raise TemplateError(f"kiểu đoạn văn '{style}' không có (khoi_van_ban): dùng một trong {sorted(_STYLES)}.")
    runs = "".join(_run(str(t), bool(b), bool(i), size) for t, b, i in block.get("runs", []))
    props = _STYLES[style]
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _cell(text: str, width: int, bold: bool, centre: bool) -> str:
    style = "cell_center" if centre else "cell"
    body = _paragraph({"style": style, "runs": [[text, bold, False]]}, size=13)
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{body}</w:tc>'


def _table(block: Mapping[str, Any]) -> str:
    rows = [list(map(str, row)) for row in block.get("rows", [])]
    columns = max((len(r) for r in rows), default=0)
    if not columns:
        return ""
    widths = _widths(rows, columns)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
           f'<w:tblGrid>{grid}</w:tblGrid>']
    for index, row in enumerate(rows):
        head = bool(block.get("header")) and index == 0
        row = row + [""] * (columns - len(row))
        cells = "".join(_cell(text, width, head, head or _numeric(text))
                        for text, width in zip(row, widths, strict=True))
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if head else ''}</w:trPr>{cells}</w:tr>")
    out.append("</w:tbl>")
    # Word needs a paragraph between a table and what follows; an empty 2 pt one keeps the spacing small.
    out.append('<w:p><w:pPr><w:pStyle w:val="CvLeft"/><w:spacing w:after="60"/>'
               '<w:rPr><w:sz w:val="4"/></w:rPr></w:pPr></w:p>')
    return "".join(out)


def _widths(rows: list[list[str]], columns: int) -> list[int]:
    """Column widths over the text width, by the longest text of each column (a short "STT" column stays narrow)."""
    longest = [max(4, *(len(row[c]) for row in rows if c < len(row))) for c in range(columns)]
    shares = [min(n, 40) for n in longest]  # a long column does not squeeze the others to nothing
    return [TEXT_WIDTH * share // sum(shares) for share in shares]


def _numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "").replace("%", "").strip()
    return bool(stripped) and stripped.isdigit()


def blocks_xml(blocks: Any) -> Markup:
    """Return the OOXML of `blocks` as markup the template inserts unescaped (the `khoi_van_ban` filter)."""
    if not isinstance(blocks, list):
        raise TemplateError("khoi_van_ban: cần một danh sách khối văn bản (noi_dung, phu_luc).")
    out = []
    for block in blocks:
        kind = block.get("kind") if isinstance(block, Mapping) else None
        if kind == "paragraph":
            out.append(_paragraph(block))
        elif kind == "table":
            out.append(_table(block))
        elif kind == "page_break":
            out.append('<w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            raise TemplateError(f"khoi_van_ban: khối không hợp lệ: {str(block)[:80]}")
    return Markup("".join(out))  # noqa: S704 - every text above went through escape()
