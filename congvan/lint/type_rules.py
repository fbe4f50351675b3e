"""Rules that depend on the document type or on the paragraph layout: the title block of named types (ô 5a),
components centred in their header column, a Quốc hiệu on one line, signature authority lines, the body's
justification, first-line indent and spacing, and the "Điều" structure of a quyết định (docs/lint.md)."""

from __future__ import annotations

import re

from congvan.lint.doctype import DocType
from congvan.lint.locate import (
    ERROR,
    QUOC_HIEU,
    Collector,
    Layout,
    Located,
    has_letters,
    is_upper,
    mm_text,
    pt,
    sizes_text,
)
from congvan.lint.model import NS, Para, w_tag
from congvan.vn.lines import text_width

INDENT_TWIPS = (567 - 20, 720 + 20)  # 1–1.27 cm, with a little slack for 1.25 cm and rounding
MIN_SPACE_PT = 6 - 0.5
CELL_MARGIN = 108  # twips: Word's default left and right cell margin (0,19 cm)
FIT_SLACK = 20  # twips of measuring error allowed before a line is said not to fit
PROSE_CHARS = 60  # a body paragraph this long is prose (headings and list lines are left alone)
_DIEU = re.compile(r"^Điều\s+(\d+)\s*\.")
_KT = re.compile(r"^(KT|K/T|K\.T)\b")  # a malformed «K/T» is ND30-SIGN-PREFIX's finding, not this one
_NHU_DIEU = re.compile(r"^- Như Điều\s+(\d+)")


def check_title(doctype: DocType, lay: Layout, out: Collector) -> None:
    """Named types: type name upper case bold 13–14 pt centred, trích yếu bold 13–14 pt under it (§3.5)."""
    if not doctype.named:
        return
    comp = "Tên loại, trích yếu"
    title = lay.title
    if title is None:
        out.add("ND30-TITLE-MISSING", ERROR, comp, f"không thấy tên loại «{doctype.name.upper()}»",
                "tên loại văn bản in hoa, đậm, căn giữa dưới phần đầu")
        return
    if any(not 13 <= s <= 14 for s in title.seg.sizes()):
        out.add("ND30-TITLE-SIZE", ERROR, comp, f"tên loại {sizes_text(title.seg.sizes())}", "13–14 pt",
                title.where())
    if not title.seg.all_bold() or title.seg.any_italic():
        out.add("ND30-TITLE-STYLE", ERROR, comp, "tên loại không đậm hoặc nghiêng", "chữ in hoa, đứng, đậm",
                title.where())
    if title.para.alignment != "center":
        out.add("ND30-TITLE-ALIGN", ERROR, comp, f"tên loại căn {title.para.alignment}", "căn giữa", title.where())
    summary = [p.whole() for p in lay.summary]
    if summary and not all(seg.all_bold() for seg in summary):
        out.add("ND30-TITLE-SUMMARY-BOLD", ERROR, comp, "trích yếu dưới tên loại không đậm", "chữ thường, đậm",
                lay.summary[0].where())
    sizes = sorted({s for seg in summary for s in seg.sizes()})
    if any(not 13 <= s <= 14 for s in sizes):
        out.add("ND30-TITLE-SUMMARY-SIZE", ERROR, comp, f"trích yếu {sizes_text(sizes)}", "13–14 pt",
                lay.summary[0].where())


def _centred_in_cell(loc: Located | None) -> bool:
    """True unless the component sits in a table column and is not centred there."""
    return loc is None or loc.para.cell is None or loc.para.alignment == "center"


def check_header_alignment(doctype: DocType, lay: Layout, out: Collector) -> None:
    """Agency, Số, V/v centred under each other; Quốc hiệu and Tiêu ngữ centred (§2, ô 1–3, 5b)."""
    wrong_agency = [ln for ln in lay.agency if not _centred_in_cell(ln)]
    if wrong_agency:
        out.add("ND30-AGENCY-ALIGN", ERROR, "Tên cơ quan", f"căn {wrong_agency[0].para.alignment}",
                "căn giữa trong cột bên trái", wrong_agency[0].where())
    if not _centred_in_cell(lay.so):
        assert lay.so is not None
        out.add("ND30-SO-ALIGN", ERROR, "Số, ký hiệu", f"căn {lay.so.para.alignment}",
                "căn giữa dưới tên cơ quan", lay.so.where())
    if doctype.is_cong_van and not _centred_in_cell(lay.vv):
        assert lay.vv is not None
        out.add("ND30-VV-ALIGN", ERROR, "Trích yếu (V/v)", f"căn {lay.vv.para.alignment}",
                "căn giữa dưới số, ký hiệu", lay.vv.where())
    for loc, name in ((lay.quoc_hieu, "Quốc hiệu"), (lay.tieu_ngu, "Tiêu ngữ")):
        if not _centred_in_cell(loc):
            assert loc is not None
            out.add("ND30-HEADER-ALIGN", ERROR, name, f"căn {loc.para.alignment}", "căn giữa", loc.where())


def column_room(para: Para) -> int | None:
    """Twips of text room in the table cell holding `para` (its dxa width less the cell margins), None when the
    paragraph is not in a cell or the width is not given in twips."""
    if para.cell is None:
        return None
    width = para.cell.find("w:tcPr/w:tcW", NS)
    if width is None or width.get(w_tag("type"), "dxa") != "dxa" or not (width.get(w_tag("w")) or "").isdigit():
        return None
    table = para.cell.getparent().getparent() if para.cell.getparent() is not None else None
    margins = 0
    for side, default in (("left", CELL_MARGIN), ("right", CELL_MARGIN)):
        found = table.find(f"w:tblPr/w:tblCellMar/w:{side}", NS) if table is not None else None
        value = found.get(w_tag("w")) if found is not None else None
        margins += int(value) if value and value.isdigit() else default
    return int(width.get(w_tag("w"))) - margins


def quoc_hieu_fits(lay: Layout, size: float) -> bool:
    """Whether the Quốc hiệu, bold at `size` pt in Times New Roman, fits on one line of its column."""
    if lay.quoc_hieu is None:
        return True
    room = column_room(lay.quoc_hieu.para)
    return room is None or text_width(QUOC_HIEU, bold=True, size=size) <= room + FIT_SLACK


def check_quoc_hieu_line(lay: Layout, out: Collector) -> None:
    """The Quốc hiệu stands on one line: not cut in two, and not wider than its header column (§3.1)."""
    qh = lay.quoc_hieu
    if qh is None:
        return
    expected = "Quốc hiệu trên một dòng (cỡ chữ 12 pt hoặc nới rộng cột)"
    if lay.qh_wrapped:
        out.add("ND30-QUOCHIEU-WRAP", ERROR, "Quốc hiệu", f"«{qh.text}» xuống dòng", expected, qh.where())
        return
    size = max(qh.seg.sizes(), default=13)
    if size <= 13 and not quoc_hieu_fits(lay, size):  # a larger size is ND30-QUOCHIEU-SIZE's finding
        width = text_width(QUOC_HIEU, bold=True, size=size) * 25.4 / 1440
        room = (column_room(qh.para) or 0) * 25.4 / 1440
        out.add("ND30-QUOCHIEU-WRAP", ERROR, "Quốc hiệu",
                f"ở {pt(size)} pt dài {mm_text(width)}, cột chỉ rộng {mm_text(room)}: Word sẽ cho xuống dòng",
                expected, qh.where())


def check_authority(lay: Layout, out: Collector) -> None:
    """Signature authority: a deputy (PHÓ …) signs under «KT.»; a TM./KT./TL./TUQ. line needs a position under it."""
    positions = lay.signature[:-1]
    for number, line in enumerate(positions):
        text = line.text
        before = positions[number - 1].text if number else ""
        if text.startswith("PHÓ ") and not _KT.match(before):
            out.add("ND30-SIGN-AUTHORITY", ERROR, "Chữ ký", f"«{before + ' / ' if before else ''}{text}»",
                    "cấp phó ký thay ghi «KT. <CHỨC VỤ NGƯỜI ĐỨNG ĐẦU>» trên dòng chức vụ", line.where())
    if positions and re.match(r"^(TM|KT|TL|TUQ)\.", positions[-1].text):
        out.add("ND30-SIGN-AUTHORITY", ERROR, "Chữ ký", f"«{positions[-1].text}» không có dòng chức vụ dưới",
                "dòng quyền hạn (TM./KT./TL./TUQ.) rồi dòng chức vụ người ký", positions[-1].where())


def prose_paragraphs(lay: Layout) -> list[Para]:
    """Body paragraphs of running text (≥ 60 characters, not a heading): what the body layout rules judge."""
    return [p for p in lay.body if p.table is None and len(p.plain) >= PROSE_CHARS
            and not p.whole().all_bold() and has_letters(p.text) and not is_upper(p.plain)]


def _most(paras: list[Para], wrong: list[Para]) -> bool:
    return bool(paras) and len(wrong) * 2 > len(paras)


def check_body_layout(lay: Layout, out: Collector) -> None:
    """Body prose justified, first-line indent 1–1.27 cm, ≥ 6 pt between paragraphs, single to 1.5 lines (§1).

    Judged on most prose paragraphs (≥ 60 characters), so a heading or a short list line never fires it."""
    prose = prose_paragraphs(lay)
    comp = "Nội dung"
    unjustified = [p for p in prose if p.alignment != "both"]
    if _most(prose, unjustified):
        out.add("ND30-BODY-ALIGN", ERROR, comp, f"{len(unjustified)}/{len(prose)} đoạn căn {unjustified[0].alignment}",
                "căn đều hai bên", unjustified[0].where())
    unindented = [p for p in prose if p.first_line is None or not INDENT_TWIPS[0] <= p.first_line <= INDENT_TWIPS[1]]
    if _most(prose, unindented):
        found = unindented[0].first_line or 0
        out.add("ND30-BODY-INDENT", ERROR, comp, f"{len(unindented)}/{len(prose)} đoạn lùi dòng đầu "
                f"{found / 567:.2f} cm".replace(".", ","), "lùi đầu dòng 1–1,27 cm", unindented[0].where())
    spaced = [p for p in prose if not spacing_ok(p)]
    if _most(prose, spaced):
        para = spaced[0]
        out.add("ND30-BODY-SPACING", ERROR, comp, f"{len(spaced)}/{len(prose)} đoạn: {_spacing_text(para)}",
                "cách đoạn tối thiểu 6 pt; cách dòng từ một dòng đơn đến 1,5 dòng", para.where())


def _line_lines(para: Para) -> float:
    """Line spacing in lines (1.0 = single)."""
    if para.line_rule == "auto":
        return para.line_value / 240
    return para.line_value / 20 / (para.size_for_estimate * 1.15)


def line_ok(para: Para) -> bool:
    """Line spacing from single to 1.5 lines."""
    lines = _line_lines(para)
    return 0.95 <= lines <= 1.55 or para.line_rule == "atLeast" and lines <= 1.55


def spacing_ok(para: Para) -> bool:
    """≥ 6 pt between paragraphs and single to 1.5 line spacing."""
    return para.space_before + para.space_after >= MIN_SPACE_PT and line_ok(para)


def _spacing_text(para: Para) -> str:
    gap = f"{para.space_before + para.space_after:g}".replace(".", ",")
    lines = f"{_line_lines(para):.2f}".replace(".", ",")
    return f"cách đoạn {gap} pt, cách dòng {lines} dòng"


def check_decision(doctype: DocType, lay: Layout, out: Collector) -> None:
    """Quyết định: body in «Điều N.» articles; «- Như Điều N;» names an article that exists (§3.7, §3.10)."""
    if doctype.name != "Quyết định":
        return
    articles = {int(m[1]) for p in lay.body if (m := _DIEU.match(p.plain))}
    if not articles:
        out.add("ND30-QD-DIEU", ERROR, "Nội dung", "quyết định không có «Điều 1.», «Điều 2.», …",
                "nội dung quyết định trình bày theo điều: «Điều 1. …»")
        return
    for para, seg in lay.nn_items:
        match = _NHU_DIEU.match(seg.text.strip())
        if match and int(match[1]) not in articles:
            out.add("ND30-QD-DIEU", ERROR, "Nơi nhận", f"«{seg.text.strip()}» nhưng không có Điều {match[1]}",
                    "«- Như Điều N;» chỉ điều có trong quyết định", para.where())
