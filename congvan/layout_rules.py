"""The NĐ 30 layout rules run by `congvan.layout.check_docx` (one function per component).

Each rule id, what it checks and the section of docs/nd30-format.md it comes from are listed in
docs/lint.md. Components are located by their text, not by position, so both the usual layout (a
borderless 2-column header table and a 2-column Nơi nhận/signature table) and plain paragraphs work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from congvan.layout import NS, DocModel, Finding, Para, Section, Segment
from congvan.vietnamese import nfc

ERROR = "error"
WARNING = "warning"

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TNR = "times new roman"

A4 = (11906, 16838)
PAPER_TOLERANCE = 40  # twips (~0.7 mm): Word writes 11906 or 11907, 16838 or 16840
MARGINS = {  # rule suffix: (attribute, Vietnamese name, min mm, max mm)
    "TOP": ("top", "lề trên", 20, 25),
    "BOTTOM": ("bottom", "lề dưới", 20, 25),
    "LEFT": ("left", "lề trái", 30, 35),
    "RIGHT": ("right", "lề phải", 15, 20),
}
MM_TOLERANCE = 0.2
VALID_AUTHORITY = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
MIXED_CASE_ABBR = {"QyĐ", "TTr", "CTr", "TrS"}
BODY_WORDS = (
    "UBND", "HĐND", "ỦY BAN", "UỶ BAN", "SỞ", "PHÒNG", "BAN", "VĂN PHÒNG", "CHI CỤC", "CỤC", "TỔNG CỤC",
    "TRUNG TÂM", "THANH TRA", "BỘ", "VỤ", "HỘI ĐỒNG", "TRƯỜNG", "BỆNH VIỆN", "ĐÀI", "TRẠM", "VIỆN",
    "TÒA", "VIỆN KIỂM SÁT", "CÔNG AN", "BỘ CHỈ HUY", "KHO BẠC", "CHI NHÁNH", "TẬP ĐOÀN", "TỔNG CÔNG TY",
    "CÔNG TY", "HỌC VIỆN", "ĐẠI HỌC", "BÁO", "BAN QUẢN LÝ", "ĐẢNG ỦY", "MẶT TRẬN",
)


# -- text helpers --


def fold(text: str) -> str:
    """Loose key: NFC, case-folded, one space, "hoà"/"hòa" and dashes unified."""
    text = re.sub(r"\s+", " ", nfc(text)).strip().casefold()
    text = text.replace("hoà", "hòa").replace("uỷ", "ủy")
    return re.sub(r"\s*[-\u2010-\u2015\u2212]\s*", " - ", text)


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", nfc(text)).strip()


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch == ch.upper() for ch in letters)


def pt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def sizes_text(sizes: Iterable[float]) -> str:
    return ", ".join(pt(s) for s in sizes) + " pt"


def mm(twips: int) -> float:
    return twips * 25.4 / 1440


def mm_text(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " mm"


def excerpt(text: str, limit: int = 60) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Located:
    """A component found in the document: the paragraph and the segment holding it."""

    para: Para
    seg: Segment

    @property
    def text(self) -> str:
        return squash(self.seg.text)

    def where(self) -> str:
        return f"đoạn {self.para.index} «{excerpt(self.seg.text, 50)}»"


@dataclass
class Layout:
    """Where each component is, once located."""

    model: DocModel
    quoc_hieu: Located | None = None
    tieu_ngu: Located | None = None
    so: Located | None = None
    date: Located | None = None
    vv: Located | None = None
    vv_more: list[Para] = field(default_factory=list)
    agency: list[Located] = field(default_factory=list)
    kinh_gui: Para | None = None
    header_end: int = 0
    foot_start: int = 10**9
    body: list[Para] = field(default_factory=list)
    noi_nhan: Para | None = None
    signature: list[Located] = field(default_factory=list)
    layout_tables: set[Any] = field(default_factory=set)


class Collector:
    """Accumulates findings."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, rule_id: str, severity: str, component: str, found: str, expected: str,
            location: str = "") -> None:
        self.findings.append(Finding(rule_id, severity, component, found, expected, location))


# -- locating components --


def _segments(paras: Iterable[Para]) -> Iterable[Located]:
    for para in paras:
        for seg in para.segments:
            if seg.text.strip():
                yield Located(para, seg)


_SO_RE = re.compile(r"^\s*(Số|SỐ|số)\b")
_DATE_RE = re.compile(r",?\s*ngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
_VV_RE = re.compile(r"^\s*v/v\b", re.IGNORECASE)
_KINH_GUI_RE = re.compile(r"^\s*kính\s+gửi\b", re.IGNORECASE)
_NOI_NHAN_RE = re.compile(r"^\s*nơi\s+nhận\b", re.IGNORECASE)
_AUTHORITY_RE = re.compile(r"^\s*(TM|KT|TL|TUQ|Q|T/M|K/T|T/L|T\.M|K\.T|T\.L)(\.|\s|/)", re.UNICODE)
_ATTACHMENT_RE = re.compile(r"^\(.*\)$", re.DOTALL)


def _header_area(model: DocModel) -> list[Para]:
    """Paragraphs where the header components may be: up to Kính gửi or the first 40 paragraphs."""
    area: list[Para] = []
    for para in model.paras:
        if _KINH_GUI_RE.match(para.plain) or len(area) >= 40:
            break
        area.append(para)
    return area


def locate(model: DocModel) -> Layout:
    """Find every component of the công văn in the document."""
    lay = Layout(model)
    area = _header_area(model)
    for loc in _segments(area):
        key = fold(loc.seg.text)
        if lay.quoc_hieu is None and ("chủ nghĩa việt nam" in key or key.startswith("cộng hòa xã hội")):
            lay.quoc_hieu = loc
        elif lay.tieu_ngu is None and ("độc lập" in key and ("hạnh phúc" in key or "tự do" in key)):
            lay.tieu_ngu = loc
        elif lay.so is None and _SO_RE.match(loc.seg.text) and "/" in loc.seg.text:
            lay.so = loc
        elif lay.date is None and _DATE_RE.search(loc.seg.text):
            lay.date = loc
        elif lay.vv is None and _VV_RE.match(loc.seg.text):
            lay.vv = loc
    if lay.vv is not None and lay.vv.para.cell is not None:
        lay.vv_more = [p for p in model.paras if p.cell is lay.vv.para.cell and p.index > lay.vv.para.index
                       and has_letters(p.text)]
    lay.agency = _locate_agency(model, area, lay)
    for found in (lay.quoc_hieu, lay.so, lay.date, lay.vv):
        if found is not None and found.para.table is not None:
            lay.layout_tables.add(found.para.table)
    lay.kinh_gui = next((p for p in model.paras if _KINH_GUI_RE.match(p.plain)), None)
    header_ids = [x.para.index for x in (lay.quoc_hieu, lay.tieu_ngu, lay.so, lay.date, lay.vv) if x]
    header_ids += [p.index for p in lay.vv_more] + [a.para.index for a in lay.agency]
    for table in lay.layout_tables:
        header_ids += [p.index for p in model.paras if p.table is table]
    lay.header_end = max(header_ids, default=0)
    if lay.kinh_gui is not None:
        lay.header_end = max(lay.header_end, lay.kinh_gui.index)
        for para in model.paras:  # recipients listed under Kính gửi
            if para.index <= lay.kinh_gui.index:
                continue
            if not para.plain:
                continue
            if para.plain[:1] in "-–+":
                lay.header_end = para.index
                continue
            break
    _locate_foot(model, lay)
    return lay


def _locate_agency(model: DocModel, area: list[Para], lay: Layout) -> list[Located]:
    taken = {id(x.seg) for x in (lay.quoc_hieu, lay.tieu_ngu, lay.so, lay.date, lay.vv) if x}
    qh = lay.quoc_hieu
    if qh is not None and qh.para.table is not None:
        limit = lay.so.para.index if lay.so and lay.so.para.table is qh.para.table else 10**9
        if lay.vv and lay.vv.para.table is qh.para.table:
            limit = min(limit, lay.vv.para.index)
        candidates = [p for p in model.paras if p.table is qh.para.table and p.column != qh.para.column
                      and p.index < limit]
    else:
        stop = min([x.para.index for x in (lay.so, lay.vv) if x] or [10**9])
        candidates = [p for p in area if p.index < stop]
    found: list[Located] = []
    for loc in _segments(candidates):
        if id(loc.seg) in taken or not has_letters(loc.seg.text):
            continue
        if _DATE_RE.search(loc.seg.text) or _SO_RE.match(loc.seg.text):
            continue
        found.append(loc)
    return found


def _locate_foot(model: DocModel, lay: Layout) -> None:
    after = [p for p in model.paras if p.index > lay.header_end]
    lay.noi_nhan = next((p for p in after if _NOI_NHAN_RE.match(p.plain)), None)
    starts = []
    if lay.noi_nhan is not None:
        starts.append(lay.noi_nhan)
    authority = next((p for p in after if _AUTHORITY_RE.match(p.plain) and is_upper(p.plain)), None)
    if authority is not None:
        starts.append(authority)
    first = min(starts, key=lambda p: p.index) if starts else None
    if first is not None and first.table is not None:
        lay.layout_tables.add(first.table)
        first = next(p for p in model.paras if p.table is first.table)
    lay.foot_start = first.index if first is not None else 10**9
    lay.body = [p for p in after if p.index < lay.foot_start and (p.table is None or p.table not in
                                                                   lay.layout_tables)]
    # signature block
    sig_paras: list[Para] = []
    anchor = lay.noi_nhan or authority
    if anchor is not None and anchor.table is not None:
        column = anchor.column if anchor is lay.noi_nhan else -1
        sig_paras = [p for p in model.paras if p.table is anchor.table and
                     (p.column != column if column >= 0 else p.cell is anchor.cell or p.index >= anchor.index)]
    else:
        skip = set(_noi_nhan_block(model, lay)) if lay.noi_nhan is not None else set()
        sig_paras = [p for p in model.paras if p.index >= lay.foot_start and p.index not in skip]
        # plain layout: upper-case lines after the closing "./." belong to the signature too
        closing = _closing_para(lay.body)
        if closing is not None:
            tail = [p for p in lay.body if p.index > closing.index and not _ATTACHMENT_RE.match(p.plain)]
            sig_paras = tail + sig_paras
            lay.body = [p for p in lay.body if p not in tail]
    lay.signature = [
        Located(p, line) for p in sig_paras for line in p.lines()
        if has_letters(line.text) and not _ATTACHMENT_RE.match(squash(line.text))
        and not _NOI_NHAN_RE.match(line.text) and squash(line.text)[:1] not in "-–"
    ]


def _noi_nhan_block(model: DocModel, lay: Layout) -> list[int]:
    """Indexes of the Nơi nhận paragraph and of its item paragraphs."""
    nn = lay.noi_nhan
    if nn is None:
        return []
    block = [nn.index]
    for para in model.paras:
        if para.index <= nn.index or (nn.cell is not None and para.cell is not nn.cell):
            continue
        if not para.plain:
            continue
        if para.plain[:1] in "-–+":
            block.append(para.index)
            continue
        break
    return block


def _closing_para(body: list[Para]) -> Para | None:
    closing = None
    for para in body:
        if para.plain.endswith("./."):
            closing = para
    return closing


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
    if fold(qh.text) != fold(QUOC_HIEU):
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


def _split_agency(lines: list[Located]) -> tuple[list[Located], list[Located]]:
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
    parent, issuer = _split_agency(lines)
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
    if not has_rule_below(lay.model, last.para):
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
    following = _lines_after(lay.model, kg)
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
    text_paras = [p for p in body if not _ATTACHMENT_RE.match(p.plain)]
    last = text_paras[-1] if text_paras else body[-1]
    if not last.plain.endswith("./."):
        closing = _closing_para(body)
        found = (f"«./.» ở {closing.where()}, không phải đoạn cuối" if closing
                 else f"đoạn cuối kết thúc bằng «{last.plain[-12:]}»")
        out.add("ND30-CLOSING", ERROR, comp, found, "nội dung kết thúc bằng «./.» ngay sau chữ cuối cùng",
                last.where())


def check_noi_nhan(lay: Layout, out: Collector) -> None:
    """Nơi nhận: «Nơi nhận:» 12 pt bold italic; items 11 pt; «- Như trên;» first; «- Lưu: VT, ….» last (§3.10)."""
    comp = "Nơi nhận"
    nn = lay.noi_nhan
    if nn is None:
        out.add("ND30-NOINHAN-MISSING", ERROR, comp, "không thấy «Nơi nhận:»",
                "«Nơi nhận:» ngang dòng chức vụ người ký, sát lề trái")
        return
    first = nn.lines()[0] if nn.lines() else nn.whole()
    label_len = len(re.match(r"^\s*nơi\s+nhận\s*:?", first.text, flags=re.IGNORECASE)[0])
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
    if kinh_gui_recipients(lay) and fold(texts[0]) != fold("- Như trên;"):
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
