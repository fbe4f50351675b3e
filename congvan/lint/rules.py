"""The NĐ 30 layout rules run by `congvan.lint.check.check_docx` (one function per component).

Each rule id, what it checks and the section of docs/nd30.md it comes from are listed in
docs/lint.md. Components are located by their text, not by position, so both the usual layout (a
borderless 2-column header table and a 2-column Nơi nhận/signature table) and plain paragraphs work.
"""

from __future__ import annotations

import math
import re

from congvan.lint.header_rules import (
    check_agency,
    check_date,
    check_fonts,
    check_page,
    check_quoc_hieu,
    check_size_pairing,
    check_so,
    check_tieu_ngu,
    check_vv,
)
from congvan.lint.locate import (
    A4,
    ATTACHMENT_RE,
    ERROR,
    VALID_AUTHORITY,
    WARNING,
    Collector,
    Layout,
    closing_para,
    excerpt,
    has_letters,
    inline_recipient,
    is_upper,
    locate,
    sizes_text,
    squash,
)
from congvan.lint.model import NS, DocModel, Finding, Para, Section, Segment


def _lines_after(model: DocModel, para: Para) -> list[tuple[Para, Segment]]:
    """Lines (para, segment) of the dash list that follows `para` (its own later lines included)."""
    lines = [(para, ln) for ln in para.lines()[1:]]
    for nxt in model.paras:
        if nxt.index <= para.index:
            continue
        if not nxt.plain:
            continue
        if nxt.plain[:1] in "-–+":
            lines.extend((nxt, ln) for ln in nxt.lines())
            continue
        break
    return lines


def _item_text(seg: Segment) -> str:
    return squash(seg.text)


def kinh_gui_recipients(lay: Layout) -> list[str]:
    """Recipients written after «Kính gửi» (empty when there is no Kính gửi)."""
    kg = lay.kinh_gui
    if kg is None:
        return []
    first = squash(kg.lines()[0].text) if kg.lines() else kg.plain
    one = inline_recipient(first)
    if one:
        return [one] if has_letters(one) else []
    rest = re.sub(r"^kính\s+gửi\s*:?\s*", "", first, flags=re.IGNORECASE)
    items = [rest] if rest else []
    items += [_item_text(seg) for _, seg in _lines_after(lay.model, kg)]
    return [i for i in items if has_letters(i)]


def check_kinh_gui(lay: Layout, out: Collector) -> None:
    """Kính gửi: colon; one recipient on the line, or a dash list with «;» and a final «.» (§3.6)."""
    comp = "Kính gửi"
    kg = lay.kinh_gui
    if kg is None:
        out.add("ND30-KINHGUI-MISSING", WARNING, comp, "không thấy «Kính gửi»",
                "công văn có «Kính gửi: …» trước nội dung")
        return
    first = squash(kg.lines()[0].text) if kg.lines() else kg.plain
    head = re.match(r"^kính\s+gửi\s*(:?)\s*(.*)$", first, flags=re.IGNORECASE)
    colon, rest = (head[1], head[2]) if head else ("", "")
    following = [] if inline_recipient(first) else _lines_after(lay.model, kg)
    if not colon:
        out.add("ND30-KINHGUI-FORM", ERROR, comp, f"«{excerpt(first)}» thiếu dấu hai chấm",
                "«Kính gửi:» có dấu hai chấm", kg.where())
    items = ([rest] if rest else []) + [_item_text(seg) for _, seg in following]
    if not items:
        out.add("ND30-KINHGUI-FORM", ERROR, comp, "không có nơi nhận sau «Kính gửi:»",
                "«Kính gửi: Bộ Nội vụ» hoặc danh sách «- …;»", kg.where())
    elif rest and not rest.startswith(("-", "–")) and not following:
        if rest.endswith((";", ",")):
            out.add("ND30-KINHGUI-FORM", ERROR, comp, f"«{excerpt(rest)}»",
                    "một nơi nhận viết cùng dòng, không kết thúc bằng «;»", kg.where())
    else:
        problems = []
        for number, item in enumerate(items, start=1):
            last = number == len(items)
            if not re.match(r"^[-–] \S", item):
                problems.append(f"dòng {number} «{excerpt(item, 40)}» không bắt đầu bằng «- »")
            elif item.startswith("–"):
                problems.append(f"dòng {number} dùng gạch dài «–»")
            if last and not item.endswith("."):
                problems.append(f"dòng cuối «{excerpt(item, 40)}» không kết thúc bằng «.»")
            if not last and not item.endswith(";"):
                problems.append(f"dòng {number} «{excerpt(item, 40)}» không kết thúc bằng «;»")
        if problems:
            out.add("ND30-KINHGUI-LIST", ERROR, comp, "; ".join(problems),
                    "mỗi nơi nhận một dòng «- …;», dòng cuối kết thúc bằng «.»", kg.where())
        elif len(items) == 1:
            out.add("ND30-KINHGUI-LIST", WARNING, comp, "một nơi nhận viết thành danh sách",
                    "một nơi nhận viết cùng dòng: «Kính gửi: Bộ Nội vụ»", kg.where())
    segs = [kg.whole()] + [seg for _, seg in following]
    sizes = sorted({s for seg in segs for s in seg.sizes()})
    if any(seg.any_bold() or seg.any_italic() for seg in segs) or not all(13 <= s <= 14 for s in sizes):
        found = []
        if any(seg.any_bold() for seg in segs):
            found.append("in đậm")
        if any(seg.any_italic() for seg in segs):
            found.append("in nghiêng")
        if not all(13 <= s <= 14 for s in sizes):
            found.append(sizes_text(sizes))
        out.add("ND30-KINHGUI-STYLE", ERROR, comp, ", ".join(found), "13–14 pt, chữ đứng, không đậm", kg.where())


def check_body(lay: Layout, out: Collector) -> None:
    """Body text 13–14 pt and the closing «./.» (§1, §3.7)."""
    comp = "Nội dung"
    body = [p for p in lay.body if has_letters(p.text) and p.table is None]
    bad = []
    found_sizes: set[float] = set()
    for para in body:
        sizes = para.whole().sizes()
        wrong = [s for s in sizes if not 13 <= s <= 14]
        if wrong:
            bad.append(para)
            found_sizes.update(wrong)
    if bad:
        more = f" và {len(bad) - 3} đoạn khác" if len(bad) > 3 else ""
        out.add("ND30-BODY-SIZE", ERROR, comp, f"cỡ chữ {sizes_text(sorted(found_sizes))}", "13–14 pt",
                "; ".join(p.where() for p in bad[:3]) + more)
    if not body:
        out.add("ND30-BODY-MISSING", ERROR, comp, "không thấy phần nội dung", "nội dung công văn sau Kính gửi")
        return
    text_paras = [p for p in body if not ATTACHMENT_RE.match(p.plain)]
    last = text_paras[-1] if text_paras else body[-1]
    if not last.plain.endswith("./."):
        closing = closing_para(body)
        found = (f"«./.» ở {closing.where()}, không phải đoạn cuối" if closing
                 else f"đoạn cuối kết thúc bằng «{last.plain[-12:]}»")
        out.add("ND30-CLOSING", ERROR, comp, found, "nội dung kết thúc bằng «./.» ngay sau chữ cuối cùng",
                last.where())


NHU_TREN = re.compile(r"^- Như trên(\s*\([^)]*\))?;$", re.IGNORECASE)  # «- Như trên (VBĐT);» is practice too


def check_noi_nhan(lay: Layout, out: Collector) -> None:
    """Nơi nhận: «Nơi nhận:» 12 pt bold italic; items 11 pt; «- Như trên;» first; «- Lưu: VT, ….» last (§3.10)."""
    comp = "Nơi nhận"
    nn = lay.noi_nhan
    if nn is None:
        out.add("ND30-NOINHAN-MISSING", ERROR, comp, "không thấy «Nơi nhận:»",
                "«Nơi nhận:» ngang dòng chức vụ người ký, sát lề trái")
        return
    first = nn.lines()[0] if nn.lines() else nn.whole()
    heading = re.match(r"^\s*nơi\s+nhận\s*:?", first.text, flags=re.IGNORECASE)
    label_len = len(heading[0]) if heading else 0
    label: list = []
    count = 0
    for piece in first.pieces:
        if count >= label_len:
            break
        label.append(piece)
        count += len(piece.text)
    label = [p for p in label if p.text.strip()]
    if not re.match(r"^\s*Nơi nhận:", first.text):
        out.add("ND30-NOINHAN-FORM", ERROR, comp, f"«{excerpt(first.text, 30)}»", "«Nơi nhận:»", nn.where())
    if not all(p.fmt.bold and p.fmt.italic for p in label):
        out.add("ND30-NOINHAN-STYLE", ERROR, comp, "«Nơi nhận:» không đậm nghiêng", "đậm, nghiêng", nn.where())
    label_sizes = sorted({p.fmt.size for p in label})
    if label_sizes != [12]:
        out.add("ND30-NOINHAN-SIZE", ERROR, comp, f"«Nơi nhận:» {sizes_text(label_sizes)}", "12 pt", nn.where())
    lines = _lines_after(lay.model, nn)
    items = [(p, seg) for p, seg in lines if has_letters(seg.text)]
    if not items:
        out.add("ND30-NOINHAN-ITEMS", ERROR, comp, "không có dòng nơi nhận nào", "«- Như trên;» … «- Lưu: VT.»",
                nn.where())
        return
    sizes = sorted({s for _, seg in items for s in seg.sizes()})
    if sizes != [11]:
        out.add("ND30-NOINHAN-ITEM-SIZE", ERROR, comp, f"các dòng nơi nhận {sizes_text(sizes)}", "11 pt",
                items[0][0].where())
    texts = [_item_text(seg) for _, seg in items]
    problems = [f"«{excerpt(t, 40)}»" for t in texts[:-1] if not (t.startswith("- ") and t.endswith(";"))]
    if problems:
        out.add("ND30-NOINHAN-ITEM-FORM", ERROR, comp, "dòng không đúng dạng: " + ", ".join(problems[:3]),
                "mỗi dòng bắt đầu bằng «- » và kết thúc bằng «;»", items[0][0].where())
    if kinh_gui_recipients(lay) and not NHU_TREN.match(texts[0]):
        out.add("ND30-NOINHAN-NHUTREN", ERROR, comp, f"dòng đầu «{excerpt(texts[0], 40)}»",
                "dòng đầu «- Như trên;» (công văn có Kính gửi)", items[0][0].where())
    last = texts[-1]
    if not re.match(r"^-\s*Lưu\s*:\s*VT\b.*\.$", last):
        out.add("ND30-NOINHAN-LUU", ERROR, comp, f"dòng cuối «{excerpt(last, 40)}»",
                "dòng cuối «- Lưu: VT, <đơn vị soạn thảo> (02b).» kết thúc bằng «.»", items[-1][0].where())


def check_signature(lay: Layout, out: Collector) -> None:
    """Signature block: TM./KT./TL./TUQ./Q., upper case bold positions, bold name, 13–14 pt (§3.8)."""
    comp = "Chữ ký"
    lines = lay.signature
    if len(lines) < 2:
        found = "không thấy khối chữ ký" if not lines else f"chỉ có «{lines[0].text}»"
        out.add("ND30-SIGN-MISSING", ERROR, comp, found, "chức vụ (in hoa, đậm) và họ tên người ký (đậm)")
        return
    positions, name = lines[:-1], lines[-1]
    for ln in positions:
        text = ln.text
        token = re.match(r"^([A-ZĐa-zđ./]{1,5}?)(\.|\s)", text)
        bad_prefix = re.match(r"^(T/M|K/T|T/L|T\.M\.?|K\.T\.?|T\.L\.?|Q/)\s*", text) or re.match(
            r"^(TM|KT|TL|TUQ)\s", text)
        if bad_prefix or (token and token[2] == "." and (token[1] + ".") not in VALID_AUTHORITY
                          and len(token[1]) <= 4 and is_upper(token[1])):
            out.add("ND30-SIGN-PREFIX", ERROR, comp, f"«{text}»",
                    "quyền hạn ký viết «TM.», «KT.», «TL.», «TUQ.» hoặc «Q.»", ln.where())
        if not is_upper(ln.seg.text):
            out.add("ND30-SIGN-CASE", ERROR, comp, f"«{text}» không in hoa", "quyền hạn, chức vụ in hoa", ln.where())
        if not ln.seg.all_bold() or ln.seg.any_italic():
            out.add("ND30-SIGN-BOLD", ERROR, comp, f"«{text}» không đậm hoặc nghiêng", "chữ đứng, đậm", ln.where())
    if not name.seg.all_bold() or name.seg.any_italic():
        out.add("ND30-SIGN-NAME-BOLD", ERROR, comp, f"họ tên «{name.text}» không đậm hoặc nghiêng",
                "họ tên chữ đứng, đậm", name.where())
    if is_upper(name.seg.text):
        out.add("ND30-SIGN-NAME-CASE", ERROR, comp, f"họ tên «{name.text}» in hoa toàn bộ",
                "họ tên chữ thường, viết hoa chữ cái đầu", name.where())
    sizes = sorted({s for ln in lines for s in ln.seg.sizes()})
    if not all(13 <= s <= 14 for s in sizes):
        out.add("ND30-SIGN-SIZE", ERROR, comp, sizes_text(sizes), "13–14 pt", positions[0].where())


def estimate_pages(model: DocModel) -> int:
    """Rough page count from text length, font sizes, spacing and page size (no rendering)."""
    sect = model.sections[-1] if model.sections else None
    width = (sect.width or A4[0]) - (sect.left or 1701) - (sect.right or 1134) if sect else 9071
    height = (sect.height or A4[1]) - (sect.top or 1134) - (sect.bottom or 1134) if sect else 14570
    width_pt, height_pt = max(width, 2000) / 20, max(height, 2000) / 20

    def para_height(para: Para, avail_pt: float) -> float:
        size = para.size_for_estimate
        chars = max(1, len(para.text))
        lines = max(1, math.ceil(chars * size * 0.47 / avail_pt))
        return lines * size * 1.15 * para.line_factor + para.space_pt

    total = 0.0
    rows: dict[int, dict[int, float]] = {}
    for para in model.paras:
        if para.row is None:
            total += para_height(para, width_pt)
        else:
            cols = len(para.row.findall("w:tc", NS)) or 1
            cell_heights = rows.setdefault(id(para.row), {})
            cell_heights[id(para.cell)] = cell_heights.get(id(para.cell), 0.0) + para_height(para, width_pt / cols)
    total += sum(max(cells.values()) for cells in rows.values())
    return max(1, math.ceil(total / height_pt)) + model.explicit_page_breaks


def check_page_numbers(model: DocModel, out: Collector) -> None:
    """Page numbers: PAGE field centred in the header, not on page 1 (§1)."""
    if not model.sections:
        return
    pages = estimate_pages(model)
    severity = ERROR if pages >= 2 else WARNING
    note = f" (ước tính {pages} trang)"
    comp = "Số trang"
    sect: Section = model.sections[0]
    header = sect.default_header or []
    fields = [p for p in header if p.page_field]
    if not fields:
        in_footer = any(p.page_field for p in sect.default_footer or [])
        found = "số trang đặt ở chân trang" if in_footer else "không có trường số trang (PAGE) ở đầu trang"
        out.add("ND30-PAGENUM-MISSING", severity, comp, found + note,
                "số trang từ trang 2, căn giữa trong lề trên (trường PAGE ở đầu trang)")
        return
    first_has = any(p.page_field for p in (sect.first_header or []))
    if not sect.title_page or first_has:
        found = "trang đầu có hiện số trang" + ("" if sect.title_page else " (chưa bật «Different First Page»)")
        out.add("ND30-PAGENUM-FIRST", severity, comp, found + note, "trang 1 không đánh số")
    for para in fields:
        if para.alignment != "center":
            out.add("ND30-PAGENUM-ALIGN", severity, comp, f"căn {para.alignment}{note}", "căn giữa",
                    "đầu trang")
        if para.page_field_size is not None and not 13 <= para.page_field_size <= 14:
            out.add("ND30-PAGENUM-SIZE", WARNING, comp, sizes_text([para.page_field_size]), "13–14 pt",
                    "đầu trang")


def run_rules(model: DocModel) -> list[Finding]:
    """Run every rule on the document model."""
    lay = locate(model)
    out = Collector()
    check_page(model, lay, out)
    check_fonts(model, out)
    check_quoc_hieu(lay, out)
    check_tieu_ngu(lay, out)
    check_size_pairing(lay, out)
    check_agency(lay, out)
    check_so(lay, out)
    check_date(lay, out)
    check_vv(lay, out)
    check_kinh_gui(lay, out)
    check_body(lay, out)
    check_noi_nhan(lay, out)
    check_signature(lay, out)
    check_page_numbers(model, out)
    return out.findings
