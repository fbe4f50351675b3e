"""Locate the components of a letter in the document model: header lines, Số, date, V/v, Kính gửi, body,
Nơi nhận and signature, by their text rather than their position (see congvan.lint.rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from congvan.lint.model import DocModel, Finding, Para, Segment
from congvan.vn import nfc

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
ATTACHMENT_RE = re.compile(r"^\(.*\)$", re.DOTALL)


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
        one = bool(inline_recipient(lay.kinh_gui.lines()[0].text if lay.kinh_gui.lines() else lay.kinh_gui.plain))
        for para in model.paras if not one else ():  # recipients listed under Kính gửi
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


def inline_recipient(first_line: str) -> str:
    """The one recipient written on the «Kính gửi:» line itself, or "" when a dash list follows (§3.6):
    after «Kính gửi: Bộ Nội vụ» the dash lines are the body («- Các đơn vị …»), not more recipients."""
    rest = re.sub(r"^kính\s+gửi\s*:?\s*", "", squash(first_line), flags=re.IGNORECASE)
    return rest if rest[:1] not in "-–" else ""


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
        closing = closing_para(lay.body)
        if closing is not None:
            tail = [p for p in lay.body if p.index > closing.index and not ATTACHMENT_RE.match(p.plain)]
            sig_paras = tail + sig_paras
            lay.body = [p for p in lay.body if p not in tail]
    lay.signature = [
        Located(p, line) for p in sig_paras for line in p.lines()
        if has_letters(line.text) and not ATTACHMENT_RE.match(squash(line.text))
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


def closing_para(body: list[Para]) -> Para | None:
    closing = None
    for para in body:
        if para.plain.endswith("./."):
            closing = para
    return closing
