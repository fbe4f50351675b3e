"""NĐ 30 rules for the page and the header block: paper, margins, fonts, Quốc hiệu, Tiêu ngữ, size pairing,
agency lines, Số, place-date line and V/v (docs/lint.md lists every rule id)."""

from __future__ import annotations

import re
from typing import Any

from congvan.lint.locate import (
    A4,
    BODY_WORDS,
    ERROR,
    MARGINS,
    MIXED_CASE_ABBR,
    MM_TOLERANCE,
    PAPER_TOLERANCE,
    QUOC_HIEU,
    RULE_TEXT,
    TIEU_NGU,
    TNR,
    WARNING,
    Collector,
    Layout,
    Located,
    excerpt,
    fold,
    has_letters,
    is_upper,
    mm,
    mm_text,
    pt,
    sizes_text,
    squash,
)
from congvan.lint.model import NS, DocModel, Para, Segment
from congvan.vn import nfc

# -- rules --


def _size_ok(seg: Segment, low: float, high: float) -> bool:
    sizes = seg.sizes()
    return bool(sizes) and all(low <= s <= high for s in sizes)


def check_page(model: DocModel, lay: Layout, out: Collector) -> None:
    """Paper A4 portrait and margins (§1)."""
    has_data_table = any(t not in lay.layout_tables for t in model.top_tables)
    for sect in model.sections:
        where = f"mục (section) {sect.number}"
        if sect.width and sect.height:
            size = (sect.width, sect.height)
            portrait = all(abs(a - b) <= PAPER_TOLERANCE for a, b in zip(size, A4, strict=True))
            landscape = all(abs(a - b) <= PAPER_TOLERANCE for a, b in zip(size, A4[::-1], strict=True))
            found = f"{mm_text(mm(sect.width))} × {mm_text(mm(sect.height))}"
            if landscape:
                out.add("ND30-PAPER-ORIENT", WARNING if has_data_table else ERROR, "Khổ giấy",
                        f"A4 khổ ngang ({found})",
                        "A4 khổ dọc; khổ ngang chỉ khi văn bản có bảng biểu", where)
            elif not portrait:
                out.add("ND30-PAPER-SIZE", ERROR, "Khổ giấy", found, "A4, 210 × 297 mm", where)
        for suffix, (attr, name, low, high) in MARGINS.items():
            value = getattr(sect, attr)
            if value is None:
                continue
            got = mm(value)
            if not (low - MM_TOLERANCE <= got <= high + MM_TOLERANCE):
                out.add(f"ND30-MARGIN-{suffix}", ERROR, "Lề trang", f"{name} {mm_text(got)}",
                        f"{name} {low}–{high} mm", where)


def check_fonts(model: DocModel, out: Collector) -> None:
    """Every run in Times New Roman (§1)."""
    bad: dict[str, list[str]] = {}
    for para in list(model.paras) + list(model.header_paras):
        for piece in para.pieces:
            text = piece.text
            if not text.strip():
                continue
            fonts = set()
            if any(ord(ch) < 128 and not ch.isspace() for ch in text):
                fonts.add(piece.fmt.font_ascii)
            if any(ord(ch) >= 128 and not ch.isspace() for ch in text):
                fonts.add(piece.fmt.font_hansi)
            for font in fonts:
                if font.strip().casefold() != TNR:
                    where = para.where() if para.index else f"đầu/chân trang «{excerpt(para.text, 30)}»"
                    places = bad.setdefault(font, [])
                    if where not in places:
                        places.append(where)
    for font, places in bad.items():
        more = f" và {len(places) - 3} chỗ khác" if len(places) > 3 else ""
        out.add("ND30-FONT", ERROR, "Phông chữ", f"phông {font}",
                "Times New Roman", "; ".join(places[:3]) + more)


def check_quoc_hieu(lay: Layout, out: Collector) -> None:
    """Quốc hiệu text, case, bold upright, 12–13 pt (§3.1)."""
    comp = "Quốc hiệu"
    qh = lay.quoc_hieu
    if qh is None:
        out.add("ND30-QUOCHIEU-MISSING", ERROR, comp, "không thấy dòng Quốc hiệu", QUOC_HIEU)
        return
    if fold(qh.text) != fold(QUOC_HIEU) and not lay.qh_wrapped:
        out.add("ND30-QUOCHIEU-TEXT", ERROR, comp, f"«{qh.text}»", f"«{QUOC_HIEU}» (HÒA hoặc HOÀ)", qh.where())
    if not is_upper(qh.seg.text):
        out.add("ND30-QUOCHIEU-CASE", ERROR, comp, f"«{qh.text}» không in hoa", "chữ in hoa", qh.where())
    if not qh.seg.all_bold() or qh.seg.any_italic():
        found = "không đậm" if not qh.seg.all_bold() else "nghiêng"
        out.add("ND30-QUOCHIEU-STYLE", ERROR, comp, found, "chữ đứng, đậm", qh.where())
    if not _size_ok(qh.seg, 12, 13):
        out.add("ND30-QUOCHIEU-SIZE", ERROR, comp, sizes_text(qh.seg.sizes()), "12–13 pt", qh.where())


def _cell_border(cell: Any, side: str) -> bool:
    if cell is None:
        return False
    border = cell.find(f"w:tcPr/w:tcBorders/w:{side}", NS)
    if border is None:
        table = cell.getparent().getparent() if cell.getparent() is not None else None
        border = table.find(f"w:tblPr/w:tblBorders/w:{side}", NS) if table is not None else None
    if border is None:
        return False
    return (border.get(f"{{{NS['w']}}}val") or "nil") not in ("nil", "none")


def has_rule_below(model: DocModel, para: Para, *, underline_ok: bool = False, seg: Segment | None = None) -> bool:
    """Whether a horizontal rule follows `para`: bottom border, drawn line, tiny bordered paragraph or cell."""
    if para.border_bottom or para.has_drawing:
        return True
    if underline_ok and seg is not None and seg.inked() and all(p.fmt.underline for p in seg.inked()):
        return True
    if seg is not None and seg in para.segments:  # «____» typed after a line break in the same paragraph
        later = para.segments[para.segments.index(seg) + 1:]
        if later and not has_letters(later[0].text) and RULE_TEXT.fullmatch(later[0].text):
            return True
    if _rule_in_next_row(model, para):
        return True
    paras = model.paras
    pos = paras.index(para)
    same_cell = [p for p in paras if para.cell is not None and p.cell is para.cell]
    if same_cell and any(p.has_drawing for p in same_cell):
        return True
    if para.cell is not None and _cell_border(para.cell, "bottom"):
        rest = [p for p in same_cell if p.index > para.index and has_letters(p.text)]
        if not rest:
            return True
    for prev in paras[max(0, pos - 2):pos]:
        if prev.has_drawing and prev.cell is para.cell:
            return True
    for nxt in paras[pos + 1:pos + 4]:
        if has_letters(nxt.text):
            break
        if nxt.has_drawing or nxt.border_top or nxt.border_bottom:
            return True
        if re.fullmatch(r"\s*[_\-–—─]{3,}\s*", nxt.text):
            return True
        if nxt.cell is not None and nxt.cell is not para.cell and (
            _cell_border(nxt.cell, "top") or _cell_border(nxt.cell, "bottom")
        ):
            return True
    return False


def _rule_in_next_row(model: DocModel, para: Para) -> bool:
    """The rule drawn in the next table row, same column: a cell border, a shape or «____», and no text there."""
    if para.row is None:
        return False
    same_cell = [p for p in model.paras if p.cell is para.cell and p.index > para.index]
    if any(has_letters(p.text) for p in same_cell):
        return False
    below = [p for p in model.paras if p.table is para.table and p.row is not None
             and p.row.getprevious() is para.row and p.column == para.column]
    if not below or any(has_letters(p.text) for p in below):
        return False
    return _cell_border(below[0].cell, "top") or any(
        p.has_drawing or p.border_bottom or p.border_top or RULE_TEXT.fullmatch(p.text) for p in below)


def check_tieu_ngu(lay: Layout, out: Collector) -> None:
    """Tiêu ngữ text with hyphen-minus, bold upright, 13–14 pt, rule beneath (§3.1)."""
    comp = "Tiêu ngữ"
    tn = lay.tieu_ngu
    if tn is None:
        out.add("ND30-TIEUNGU-MISSING", ERROR, comp, "không thấy dòng Tiêu ngữ", TIEU_NGU)
        return
    if tn.text != TIEU_NGU:
        found = f"«{tn.text}»"
        if re.search(r"[\u2010-\u2015\u2212]", tn.text):
            found += " (dùng gạch dài/en dash)"
        out.add("ND30-TIEUNGU-TEXT", ERROR, comp, found,
                f"«{TIEU_NGU}» với dấu gạch nối '-' có dấu cách hai bên", tn.where())
    if not tn.seg.all_bold() or tn.seg.any_italic():
        found = "không đậm" if not tn.seg.all_bold() else "nghiêng"
        out.add("ND30-TIEUNGU-STYLE", ERROR, comp, found, "chữ đứng, đậm", tn.where())
    if not _size_ok(tn.seg, 13, 14):
        out.add("ND30-TIEUNGU-SIZE", ERROR, comp, sizes_text(tn.seg.sizes()), "13–14 pt", tn.where())
    if not has_rule_below(lay.model, tn.para, underline_ok=True, seg=tn.seg):
        out.add("ND30-TIEUNGU-RULE", ERROR, comp, "không có đường kẻ dưới Tiêu ngữ",
                "đường kẻ ngang, nét liền, dài bằng dòng Tiêu ngữ", tn.where())


def check_size_pairing(lay: Layout, out: Collector) -> None:
    """Quốc hiệu 13 ⇒ Tiêu ngữ and date 14; Quốc hiệu 12 ⇒ 13 and 13 (§1, footnote to Section V)."""
    if lay.quoc_hieu is None or lay.tieu_ngu is None:
        return
    qh, tn = lay.quoc_hieu.seg.sizes(), lay.tieu_ngu.seg.sizes()
    if len(qh) != 1 or qh[0] not in (12, 13) or len(tn) != 1 or not 13 <= tn[0] <= 14:
        return  # the size rules of each component report it
    want = qh[0] + 1
    parts = [f"Quốc hiệu {pt(qh[0])} pt", f"Tiêu ngữ {pt(tn[0])} pt"]
    wrong = tn[0] != want
    if lay.date is not None:
        ds = lay.date.seg.sizes()
        if len(ds) == 1 and 13 <= ds[0] <= 14:
            parts.append(f"ngày tháng {pt(ds[0])} pt")
            wrong = wrong or ds[0] != want
    if wrong:
        out.add("ND30-SIZE-PAIRING", ERROR, "Cỡ chữ phần đầu", ", ".join(parts),
                f"Quốc hiệu {pt(qh[0])} pt ⇒ Tiêu ngữ và ngày tháng {pt(want)} pt", lay.quoc_hieu.where())


def split_agency(lines: list[Located]) -> tuple[list[Located], list[Located]]:
    """Return (chủ quản lines, ban hành lines)."""
    bolds = [ln.seg.all_bold() for ln in lines]
    for cut in range(1, len(lines)):
        if not any(bolds[:cut]) and all(bolds[cut:]):
            return lines[:cut], lines[cut:]
    starts = [i for i, ln in enumerate(lines) if i > 0 and any(
        squash(ln.seg.text).upper().startswith(word + " ") or squash(ln.seg.text).upper() == word
        for word in BODY_WORDS)]
    if starts:
        return lines[:starts[-1]], lines[starts[-1]:]
    return [], lines


def check_agency(lay: Layout, out: Collector) -> None:
    """Cơ quan chủ quản (not bold) and ban hành (bold), upper case, 12–13 pt, rule beneath (§3.2)."""
    comp = "Tên cơ quan"
    lines = lay.agency
    if not lines:
        out.add("ND30-AGENCY-MISSING", ERROR, comp, "không thấy tên cơ quan ban hành",
                "tên cơ quan ban hành ở góc trên bên trái, chữ in hoa, đậm")
        return
    parent, issuer = split_agency(lines)
    for ln in lines:
        if not is_upper(ln.seg.text):
            out.add("ND30-AGENCY-CASE", ERROR, comp, f"«{ln.text}» không in hoa", "chữ in hoa", ln.where())
        if not _size_ok(ln.seg, 12, 13):
            out.add("ND30-AGENCY-SIZE", ERROR, comp, sizes_text(ln.seg.sizes()), "12–13 pt", ln.where())
        if ln.seg.any_italic():
            out.add("ND30-AGENCY-STYLE", ERROR, comp, "chữ nghiêng", "chữ đứng", ln.where())
    for ln in parent:
        if ln.seg.any_bold():
            out.add("ND30-AGENCY-PARENT-BOLD", ERROR, "Cơ quan chủ quản", f"«{ln.text}» in đậm",
                    "cơ quan chủ quản không đậm", ln.where())
    for ln in issuer:
        if not ln.seg.all_bold():
            out.add("ND30-AGENCY-BOLD", ERROR, "Cơ quan ban hành", f"«{ln.text}» không đậm",
                    "cơ quan ban hành in đậm", ln.where())
    last = issuer[-1]
    if not has_rule_below(lay.model, last.para, seg=last.seg):
        out.add("ND30-AGENCY-RULE", ERROR, "Cơ quan ban hành", "không có đường kẻ dưới tên cơ quan ban hành",
                "đường kẻ ngang nét liền, dài 1/3–1/2 dòng chữ, căn giữa", last.where())


_SO_STRICT = re.compile(r"Số:\s*(?P<num>\d*)/(?P<sym>[A-Za-zĐđ0-9]+(?:[-/][A-Za-zĐđ0-9]+)*)")


def check_so(lay: Layout, out: Collector) -> None:
    """Số, ký hiệu: form, no CV, no year, zero padding, 13 pt regular (§3.3)."""
    comp = "Số, ký hiệu"
    so = lay.so
    if so is None:
        out.add("ND30-SO-MISSING", ERROR, comp, "không thấy dòng «Số:»", "Số: 05/UBND-NV")
        return
    raw = nfc(so.seg.text).replace("\u00a0", " ").strip()
    strict = _SO_STRICT.fullmatch(raw)
    _, _, after = raw.partition("/")
    head = raw.split("/", 1)[0]
    number = re.sub(r"^(Số|SỐ|số)\s*:?", "", head).strip()
    groups = [g for g in re.split(r"[-/]", after.replace(" ", "")) if g]
    if strict is None or any(g != g.upper() and g not in MIXED_CASE_ABBR for g in groups):
        out.add("ND30-SO-FORM", ERROR, comp, f"«{squash(raw)}»",
                "«Số: 05/UBND-NV»: «Số:», số, «/», ký hiệu in hoa nối bằng «-», không có dấu cách", so.where())
    if any(g.upper() == "CV" for g in groups):
        out.add("ND30-SO-CV", ERROR, comp, f"«{squash(raw)}» có «CV»",
                "ký hiệu công văn không có chữ CV: <cơ quan>-<đơn vị soạn thảo>, ví dụ 5237/UBND-NV", so.where())
    if any(re.fullmatch(r"(19|20)\d\d", g) for g in groups):
        out.add("ND30-SO-YEAR", ERROR, comp, f"«{squash(raw)}» có năm",
                "văn bản hành chính không ghi năm trong ký hiệu", so.where())
    if number.isdigit():
        value = int(number)
        if (value < 10 and len(number) != 2) or (value >= 10 and number.startswith("0")):
            out.add("ND30-SO-PAD", ERROR, comp, f"số «{number}»",
                    "số nhỏ hơn 10 ghi thêm số 0 phía trước (05), từ 10 trở lên ghi bình thường", so.where())
    elif number and not re.fullmatch(r"[\s._…]*", number):
        out.add("ND30-SO-FORM", ERROR, comp, f"số «{number}»", "số Ả Rập, hoặc để trống khi là bản nháp",
                so.where())
    sizes = so.seg.sizes()
    if sizes != [13]:
        severity = WARNING if all(12 <= s <= 14 for s in sizes) else ERROR
        out.add("ND30-SO-SIZE", severity, comp, sizes_text(sizes), "13 pt", so.where())
    if so.seg.any_bold() or so.seg.any_italic():
        out.add("ND30-SO-STYLE", ERROR, comp, "in đậm hoặc nghiêng", "chữ đứng, không đậm", so.where())


_DATE_PARTS = re.compile(
    r"^(?P<place>.+?)(?P<comma>,?)\s*ngày\s*(?P<day>\d*)\s*tháng\s*(?P<month>\d*)\s*năm\s*(?P<year>\d*)\s*$"
)


def check_date(lay: Layout, out: Collector) -> None:
    """Địa danh, ngày tháng năm: italic, 13–14 pt, zero padding, draft day blank allowed (§3.4)."""
    comp = "Địa danh, ngày tháng"
    date = lay.date
    if date is None:
        out.add("ND30-DATE-MISSING", ERROR, comp, "không thấy dòng địa danh, ngày tháng năm",
                "Hà Nội, ngày 05 tháng 01 năm 2020")
        return
    text = squash(date.seg.text)
    match = _DATE_PARTS.match(text)
    if match is None or not match["comma"] or len(match["year"]) != 4:
        out.add("ND30-DATE-FORM", ERROR, comp, f"«{text}»",
                "«<Địa danh>, ngày DD tháng M năm YYYY», có dấu phẩy sau địa danh", date.where())
    if match is not None:
        day, month = match["day"], match["month"]
        bad = []
        if day and not (len(day) == 2 and 1 <= int(day) <= 31):
            bad.append(f"ngày «{day}»")
        if month:
            value = int(month)
            want = f"{value:02d}" if value <= 2 else str(value)
            if month != want or not 1 <= value <= 12:
                bad.append(f"tháng «{month}»")
        if bad:
            out.add("ND30-DATE-PAD", ERROR, comp, ", ".join(bad),
                    "ngày dưới 10 và tháng 1, 2 có số 0 phía trước (ngày 05 tháng 01); tháng 3–12 không", date.where())
    if not date.seg.all_italic() or date.seg.any_bold():
        found = "không nghiêng" if not date.seg.all_italic() else "in đậm"
        out.add("ND30-DATE-STYLE", ERROR, comp, found, "chữ nghiêng, không đậm", date.where())
    if not _size_ok(date.seg, 13, 14):
        out.add("ND30-DATE-SIZE", ERROR, comp, sizes_text(date.seg.sizes()), "13–14 pt", date.where())


def check_vv(lay: Layout, out: Collector) -> None:
    """Trích yếu công văn «V/v …»: 12–13 pt, upright, not bold, no full stop (§3.5)."""
    comp = "Trích yếu (V/v)"
    vv = lay.vv
    if vv is None:
        out.add("ND30-VV-MISSING", WARNING, comp, "không thấy dòng «V/v …»",
                "công văn có trích yếu «V/v …» dưới số, ký hiệu")
        return
    segs = [vv.seg] + [p.whole() for p in lay.vv_more]
    sizes = sorted({s for seg in segs for s in seg.sizes()})
    if not sizes or not all(12 <= s <= 13 for s in sizes):
        out.add("ND30-VV-SIZE", ERROR, comp, sizes_text(sizes), "12–13 pt", vv.where())
    if any(seg.any_bold() or seg.any_italic() for seg in segs):
        out.add("ND30-VV-STYLE", ERROR, comp, "in đậm hoặc nghiêng", "chữ đứng, không đậm", vv.where())
    last = squash(segs[-1].text)
    if last.endswith(".") and not last.endswith("./."):
        out.add("ND30-VV-FORM", WARNING, comp, "có dấu chấm cuối", "trích yếu không có dấu chấm cuối", vv.where())
