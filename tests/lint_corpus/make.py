"""Build the lint corpus: realistic NĐ 30 documents of eight types, clean and with faults, the way offices type them.

Each document is a `Doc` (type, layout, faults); `build_corpus(folder)` writes `<name>.docx` and, beside it,
`<name>.expected` (the rule ids of the errors lint must report, one a line; `DECLINED` for a legal document
lint must decline). Deterministic: the same files every run. Run by tests/test_lint_corpus.py into a tmp
folder, or by hand: `python tests/lint_corpus/make.py OUTDIR`.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from congvan.vn.legacy_tables import TCVN3_TABLE, VNI_PAIRS, VNI_SINGLE

_SPEC = importlib.util.spec_from_file_location(
    "layout_fixtures", Path(__file__).resolve().parent.parent / "fixtures" / "layout" / "make_fixtures.py")
assert _SPEC is not None and _SPEC.loader is not None
fx = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = fx
_SPEC.loader.exec_module(fx)

DECLINED = "DECLINED"
_TO_TCVN3 = {char: chr(code) for code, char in TCVN3_TABLE.items() if len(char) == 1 and char.islower()}
_TO_VNI = {**{letter: base + modifier for (base, modifier), letter in VNI_PAIRS.items()},
           **{letter: code for code, letter in VNI_SINGLE.items()}}


def to_tcvn3(text: str) -> str:
    """Text as typed in a TCVN3 capitals font (.VnTimeH): lower-case codes that the font shows as capitals."""
    return "".join(_TO_TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text.lower()))


def to_vni(text: str) -> str:
    """Text as typed in a VNI-Windows font: a base letter and a modifier byte, the base giving the case."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = _TO_VNI.get(ch.lower())
        out.append(ch if code is None else (code[0].upper() + code[1:] if ch.isupper() else code))
    return "".join(out)


# -- the documents' words --

TITLES = {  # type -> (title, summary, abbreviation)
    "Công văn": ("", "V/v triển khai kết quả Chỉ số hài lòng năm 2025", ""),
    "Thông báo": ("THÔNG BÁO", "Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 11 năm 2026", "TB"),
    "Kế hoạch": ("KẾ HOẠCH", "Cải thiện Chỉ số hài lòng về sự phục vụ hành chính năm 2027", "KH"),
    "Báo cáo": ("BÁO CÁO", "Kết quả công tác cải cách hành chính năm 2026", "BC"),
    "Tờ trình": ("TỜ TRÌNH", "Về việc phê duyệt Kế hoạch cải cách hành chính năm 2027", "TTr"),
    "Quyết định": ("QUYẾT ĐỊNH", "Về việc thành lập Tổ công tác cải cách hành chính", "QĐ"),
    "Giấy mời": ("GIẤY MỜI", "Dự Hội nghị tổng kết công tác cải cách hành chính năm 2026", "GM"),
    "Chỉ thị": ("CHỈ THỊ", "Về tăng cường kỷ luật, kỷ cương hành chính", "CT"),
}
PROSE = [
    "Thực hiện Kế hoạch số 120/KH-UBND ngày 27/02/2026 của Ủy ban nhân dân tỉnh về cải cách hành chính năm "
    "2026, trên cơ sở kết quả khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
    "hành chính nhà nước, Sở Nội vụ triển khai các nội dung sau đây.",
    "Tổ chức phổ biến, công bố rộng rãi đến toàn thể cán bộ, công chức, viên chức và người lao động kết quả "
    "Chỉ số hài lòng năm 2025; đăng tải kết quả trên Trang thông tin điện tử của địa phương để người dân, tổ "
    "chức, doanh nghiệp được biết và cùng giám sát việc thực hiện.",
    "Nghiên cứu, rà soát các tiêu chí có kết quả thấp hơn chỉ tiêu được giao, phân tích nguyên nhân chủ quan, "
    "khách quan; xây dựng kế hoạch khắc phục với giải pháp cụ thể, phân công rõ người, rõ việc, rõ thời hạn "
    "hoàn thành, bảo đảm mức độ hài lòng năm 2027 đạt từ 85% trở lên.",
    "Tăng cường kiểm tra, giám sát việc tiếp nhận, giải quyết thủ tục hành chính tại Bộ phận Một cửa; công "
    "khai đầy đủ, kịp thời các thủ tục hành chính; xử lý nghiêm các trường hợp gây phiền hà, sách nhiễu tổ "
    "chức, cá nhân trong quá trình giải quyết thủ tục hành chính.",
    "Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình, thanh toán trực tuyến và số hóa hồ sơ, kết quả giải "
    "quyết thủ tục hành chính; hướng dẫn người dân sử dụng tài khoản định danh điện tử khi thực hiện dịch vụ "
    "công; bảo đảm tỷ lệ hồ sơ trực tuyến đạt chỉ tiêu được giao.",
    "Định kỳ hằng quý báo cáo kết quả thực hiện về Sở Nội vụ (qua Phòng Cải cách hành chính) trước ngày 20 của "
    "tháng cuối quý để tổng hợp, báo cáo Ủy ban nhân dân tỉnh theo quy định; trong quá trình thực hiện, nếu có "
    "khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn, giải quyết.",
]
QUOTED = [  # a body that quotes a signature sample and says "Nơi nhận …" (P3: not the foot)
    "Nơi nhận hồ sơ là Bộ phận Tiếp nhận và Trả kết quả của Sở, địa chỉ số 04 Phan Bội Châu, phường Nha Trang.",
    "Mẫu ký văn bản thống nhất như sau: «KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / họ và tên người ký».",
]
LEGAL = {  # name -> (title, number line, summary)
    "luat": ("LUẬT", "Luật số: 59/2020/QH14", "DOANH NGHIỆP"),
    "nghi_dinh": ("NGHỊ ĐỊNH", "Số: 30/2020/NĐ-CP", "Về công tác văn thư"),
    "thong_tu": ("THÔNG TƯ", "Số: 01/2011/TT-BNV", "Hướng dẫn thể thức và kỹ thuật trình bày văn bản hành chính"),
    "quyet_dinh_qppl": ("QUYẾT ĐỊNH", "Số: 12/2023/QĐ-UBND", "Ban hành Quy định về phân cấp quản lý"),
}


@dataclass
class Doc:
    """One corpus document: its type, how it is laid out, and its faults (each fault adds its rule ids)."""

    name: str
    kind: str = "Công văn"
    legal: str = ""  # a key of LEGAL: a legal document lint must decline
    header: str = "table"  # table | plain
    agency_rule: str = "border"  # border | underscores | next_row | shape
    tn_rule: str = "border"
    foot: str = "table"  # table | tabs
    legacy: bool = False  # header and signature lines typed in TCVN3 with .VnTimeH
    vni: bool = False  # body typed in VNI-Times
    page_mm: tuple[float, float] = (210, 297)
    margins: dict[str, float] = field(default_factory=lambda: {"top": 20, "bottom": 20, "left": 30, "right": 15})
    size: float | None = None  # every run at this size (web copy)
    body_font: str = "Times New Roman"
    qh_wrap: bool = False
    narrow: bool = False  # a 96 mm right header column with the Quốc hiệu at 13 pt: Word wraps it
    header_align: str = "center"
    vv_align: str = "center"
    title_size: float = 14
    summary_bold: bool = True
    summary: str = ""  # a trích yếu of its own (default: the type's in TITLES)
    sign: list[str] | None = None
    signing_note: bool = False
    nn_colon_plain: bool = False
    nn_label_size: float = 12
    nn_label_bold: bool = True
    item_size: float = 11
    vbdt: bool = False
    quoted: bool = False
    attached: bool = False  # a document attached after the signature, with its own «./.» and issuer line
    body_align: str = "both"
    indent_mm: float = 12.7
    space_after: float = 6
    line: float = 1.0
    closing: bool = True
    page_numbers: bool = True
    articles: bool = True  # a quyết định's body in «Điều N.» articles
    nhu_dieu: int = 3  # the article «- Như Điều N;» names
    expected: set[str] = field(default_factory=set)


# -- building --


def _fmt_size(doc: Doc, size: float) -> float:
    return doc.size if doc.size is not None else size


def _line(container, doc: Doc, text: str, size: float, *, align: str = "center", bold: bool = False,
          italic: bool = False, legacy: bool = False):
    p = fx.para(container, align=align)
    font = ".VnTimeH" if legacy and doc.legacy else None
    fx.run(p, to_tcvn3(text) if font else text, size=_fmt_size(doc, size), bold=bold, italic=italic, font=font)
    return p


def _rule(container, doc: Doc, after, kind: str, length_mm: float, width_mm: float, ident: int) -> None:
    """The short rule under the agency name or the Tiêu ngữ, drawn the way `kind` says."""
    if kind == "border":
        fx.rule_paragraph(container, max(0.0, (width_mm - length_mm) / 2))
    elif kind == "underscores":  # typed after a line break in the same paragraph
        after.add_run().add_break()
        fx.run(after, "_" * int(length_mm / 2.2), size=_fmt_size(doc, 12))
    elif kind == "shape":
        fx.drawing_line(fx.para(container, size=6), length_mm, ident)
    elif kind == "next_row":  # `container` is the cell of the next table row: its top border is the rule
        container._tc.get_or_add_tcPr().append(parse_xml(
            f'<w:tcBorders {nsdecls("w")}><w:top w:val="single" w:sz="6" w:color="000000"/></w:tcBorders>'))
        fx.para(container, size=2)


def _header(d: Document, doc: Doc, so: str) -> None:
    title, summary, _ = TITLES[doc.kind]
    if doc.summary:  # a công văn's trích yếu is «V/v …»
        summary = doc.summary.replace("Về việc", "V/v", 1) if doc.kind == "Công văn" else doc.summary
    next_row = "next_row" in (doc.agency_rule, doc.tn_rule)
    table = d.add_table(rows=3 if next_row else 1, cols=2)
    fx.borderless(table)
    cells = [[fx.clear_cell(c) for c in row.cells] for row in table.rows]
    fx.set_widths(table, 64, 96 if doc.narrow else 101)
    left, right = cells[0]
    rule_left, rule_right = cells[1] if next_row else (left, right)
    low_left, low_right = cells[-1]
    _line(left, doc, "UBND TỈNH KHÁNH HÒA", 13, align=doc.header_align, legacy=True)
    issuer = _line(left, doc, "SỞ NỘI VỤ", 13, align=doc.header_align, bold=True, legacy=True)
    _rule(rule_left, doc, issuer, doc.agency_rule, 25, 64, 101)
    if doc.qh_wrap:
        _line(right, doc, "CỘNG HÒA XÃ HỘI", 12, bold=True, legacy=True)
        _line(right, doc, "CHỦ NGHĨA VIỆT NAM", 12, bold=True, legacy=True)
    else:
        _line(right, doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13 if doc.narrow else 12, bold=True, legacy=True)
    tn = _line(right, doc, "Độc lập - Tự do - Hạnh phúc", 14 if doc.narrow else 13, bold=True)
    _rule(rule_right, doc, tn, doc.tn_rule, 62, 101, 102)
    if next_row:
        for cell in (rule_left, rule_right):
            if not cell.paragraphs:
                fx.para(cell, size=2)
    p = _line(low_left, doc, so, 13, align=doc.header_align)
    p.paragraph_format.space_before = Pt(6)
    if doc.kind == "Công văn":
        vv = _line(low_left, doc, summary, 12, align=doc.vv_align)
        vv.paragraph_format.space_before = Pt(6)
    date = _line(low_right, doc, "Khánh Hòa, ngày 04 tháng 12 năm 2026", 14 if doc.narrow else 13, italic=True)
    date.paragraph_format.space_before = Pt(6)
    if title:
        t = _line(d, doc, title, doc.title_size, bold=True)
        t.paragraph_format.space_before = Pt(12)
        _line(d, doc, summary, 14, bold=doc.summary_bold)
        fx.rule_paragraph(d, 60)


def _body_para(d: Document, doc: Doc, text: str, *, italic: bool = False, bold_head: str = ""):
    p = fx.para(d, align=doc.body_align)
    pf = p.paragraph_format
    pf.first_line_indent = Mm(doc.indent_mm)
    pf.space_after = Pt(doc.space_after)
    pf.line_spacing = doc.line
    font = "VNI-Times" if doc.vni else (None if doc.body_font == "Times New Roman" else doc.body_font)
    typed = to_vni if doc.vni else str
    if bold_head:
        fx.run(p, typed(bold_head), size=_fmt_size(doc, 14), bold=True, font=font)
    fx.run(p, typed(text), size=_fmt_size(doc, 14), italic=italic, font=font)
    return p


def _body(d: Document, doc: Doc) -> None:
    first = True
    if doc.kind in ("Công văn", "Tờ trình"):
        kg = _line(d, doc, "Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa.", 14)
        kg.paragraph_format.space_before = Pt(12)
    if doc.kind == "Quyết định":
        _line(d, doc, "GIÁM ĐỐC SỞ NỘI VỤ", 14, bold=True)
        _body_para(d, doc, "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công "
                           "tác văn thư;", italic=True)
        _body_para(d, doc, "Theo đề nghị của Chánh Văn phòng Sở.", italic=True)
        _line(d, doc, "QUYẾT ĐỊNH:", 14, bold=True)
        heads = ["Điều 1. ", "Điều 2. ", "Điều 3. "] if doc.articles else ["1. ", "2. ", "3. "]
        texts = list(zip(heads, PROSE[1:4], strict=True))
    elif doc.kind == "Giấy mời":
        texts = [("", "Sở Nội vụ trân trọng kính mời: Lãnh đạo Ủy ban nhân dân các xã, phường."), ("", PROSE[0]),
                 ("", PROSE[1]), ("", "Thời gian: 08 giờ 00, ngày 10 tháng 12 năm 2026."), ("", PROSE[5])]
    else:  # two pages: page numbers are required
        texts = [("", t) for t in PROSE + PROSE[1:4]]
    if doc.quoted:
        texts[2:2] = [("", q) for q in QUOTED]
    for number, (head, text) in enumerate(texts, start=1):
        last = number == len(texts)
        text = text.rstrip(".") + "./." if last and doc.closing else text
        p = _body_para(d, doc, text, bold_head=head)
        if first:
            p.paragraph_format.space_before = Pt(12)
            first = False


def _sign_lines(doc: Doc) -> list[str]:
    if doc.sign is not None:
        return doc.sign
    return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if doc.kind == "Chỉ thị" else [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def _nn_items(doc: Doc) -> list[str]:
    first = f"- Như Điều {doc.nhu_dieu};" if doc.kind == "Quyết định" else (
        "- Như trên (VBĐT);" if doc.vbdt else "- Như trên;")
    if doc.kind not in ("Công văn", "Tờ trình", "Quyết định"):
        first = "- UBND các xã, phường;"
    return [first, "- Giám đốc Sở (b/c);", "- Lưu: VT, CCHC (02b)."]


def _nn_label(container, doc: Doc):
    p = fx.para(container, align="left")
    p.paragraph_format.space_before = Pt(12)
    label = "Nơi nhận" if doc.nn_colon_plain else "Nơi nhận:"
    fx.run(p, label, size=_fmt_size(doc, doc.nn_label_size), bold=doc.nn_label_bold, italic=True)
    if doc.nn_colon_plain:
        fx.run(p, ":", size=_fmt_size(doc, doc.nn_label_size))
    if doc.vbdt:
        fx.run(p, " (VBĐT)", size=_fmt_size(doc, doc.nn_label_size), italic=True)
    return p


def _foot_table(d: Document, doc: Doc) -> None:
    table = d.add_table(rows=1, cols=2)
    fx.borderless(table)
    left, right = (fx.clear_cell(c) for c in table.rows[0].cells)
    fx.set_widths(table, 80, 85)
    _nn_label(left, doc)
    for item in _nn_items(doc):
        _line(left, doc, item, doc.item_size, align="left")
    for number, line in enumerate(_sign_lines(doc)):
        p = _line(right, doc, line, 14, bold=True, legacy=True)
        if number == 0:
            p.paragraph_format.space_before = Pt(12)
    if doc.signing_note:
        _line(right, doc, "(Chữ ký của người có thẩm quyền, dấu/chữ ký số của cơ quan)", 13, italic=True)
    else:
        for _ in range(3):
            fx.para(right, size=_fmt_size(doc, 14))
    _line(right, doc, "Trần Văn Minh", 14, bold=True)


def _foot_tabs(d: Document, doc: Doc) -> None:
    """Nơi nhận at the left margin and the signature at a centred tab stop, on the same lines."""
    items = _nn_items(doc)
    sign = _sign_lines(doc)
    rows = max(len(items) + 1, len(sign) + 4)
    left_col = ["Nơi nhận:", *items] + [""] * (rows - len(items) - 1)
    right_col = [*sign, "", "", ""] + [""] * (rows - len(sign) - 4) + ["Trần Văn Minh"]
    for number, (left, right) in enumerate(zip(left_col, right_col, strict=True)):
        p = fx.para(d, align="left")
        p.paragraph_format.tab_stops.add_tab_stop(Mm(120), alignment=1)
        if number == 0:
            p.paragraph_format.space_before = Pt(12)
            fx.run(p, left, size=_fmt_size(doc, doc.nn_label_size), bold=doc.nn_label_bold, italic=True)
        elif left:
            fx.run(p, left, size=_fmt_size(doc, doc.item_size))
        if right:
            fx.run(p, "\t", size=_fmt_size(doc, 14))
            fx.run(p, right, size=_fmt_size(doc, 14), bold=True)


def build(doc: Doc) -> Document:
    """Return the .docx of `doc`."""
    d = Document()
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(_fmt_size(doc, 14))
    section = d.sections[0]
    section.page_width, section.page_height = Mm(doc.page_mm[0]), Mm(doc.page_mm[1])
    section.top_margin, section.bottom_margin = Mm(doc.margins["top"]), Mm(doc.margins["bottom"])
    section.left_margin, section.right_margin = Mm(doc.margins["left"]), Mm(doc.margins["right"])
    fx.page_number_header(section, SimpleNamespace(title_page=True, page_align="center",
                                                   page_field=doc.page_numbers))
    if doc.legal:
        _legal(d, doc)
        return d
    _, _, abbr = TITLES[doc.kind]
    _header(d, doc, f"Số: 05/{abbr + '-' if abbr else ''}SNV" + ("" if abbr else "-CCHC"))
    _body(d, doc)
    (_foot_tabs if doc.foot == "tabs" else _foot_table)(d, doc)
    if doc.attached:
        _attachment(d, doc)
    return d


def _attachment(d: Document, doc: Doc) -> None:
    """A văn bản gửi kèm on a page of its own: title, body ending «./.», the issuing body under it."""
    title = _line(d, doc, "THÔNG BÁO", 14, bold=True)
    title.paragraph_format.page_break_before = True
    _line(d, doc, "Lịch tiếp công dân năm 2027", 14, bold=True)
    _body_para(d, doc, PROSE[3])
    _body_para(d, doc, PROSE[4].rstrip(".") + "./.")
    _line(d, doc, "SỞ NỘI VỤ", 14, bold=True)


def _legal(d: Document, doc: Doc) -> None:
    title, number, summary = LEGAL[doc.legal]
    issuer = {"luat": "QUỐC HỘI", "nghi_dinh": "CHÍNH PHỦ", "thong_tu": "BỘ NỘI VỤ"}.get(doc.legal, "ỦY BAN NHÂN DÂN")
    table = d.add_table(rows=1, cols=2)
    fx.borderless(table)
    left, right = (fx.clear_cell(c) for c in table.rows[0].cells)
    fx.set_widths(table, 64, 101)
    _line(left, doc, issuer, 13, bold=True)
    fx.rule_paragraph(left, 20)
    _line(left, doc, number, 13)
    _line(right, doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    _line(right, doc, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    fx.rule_paragraph(right, 20)
    _line(right, doc, "Hà Nội, ngày 05 tháng 3 năm 2020", 13, italic=True)
    _line(d, doc, title, 14, bold=True)
    _line(d, doc, summary, 14, bold=True)
    for text in PROSE[:3]:
        _body_para(d, doc, text)


# -- the corpus --

CLEAN_LAYOUTS: dict[str, dict] = {  # false-alarm patterns of the issue: every one must lint clean
    "": {},
    "noinhan_colon_plain": {"nn_colon_plain": True},
    "rule_underscores": {"agency_rule": "underscores", "tn_rule": "underscores"},
    "rule_next_row": {"agency_rule": "next_row", "tn_rule": "next_row"},
    "rule_shape": {"agency_rule": "shape", "tn_rule": "shape"},
    "signing_note": {"signing_note": True},
    "quoted_body": {"quoted": True},
    "foot_tabs": {"foot": "tabs"},
    "vbdt": {"vbdt": True},
    "cites_law": {"summary": "Về việc triển khai Thông tư số 01/2011/TT-BNV của Bộ Nội vụ"},  # not a legal document
    "attached": {"attached": True},
}
FAULTS: dict[str, tuple[dict, set[str]]] = {  # name -> (changes, rule ids lint must report)
    "letter_paper": ({"page_mm": (215.9, 279.4)}, {"ND30-PAPER-SIZE"}),
    "margins": ({"margins": {"top": 15, "bottom": 15, "left": 25, "right": 25}},
                {"ND30-MARGIN-TOP", "ND30-MARGIN-BOTTOM", "ND30-MARGIN-LEFT", "ND30-MARGIN-RIGHT"}),
    "arial_body": ({"body_font": "Arial"}, {"ND30-FONT"}),
    "tcvn3": ({"legacy": True}, {"ND30-FONT"}),
    "vni": ({"vni": True}, {"ND30-FONT"}),
    "web_10pt": ({"size": 10}, {"ND30-QUOCHIEU-SIZE", "ND30-TIEUNGU-SIZE", "ND30-AGENCY-SIZE", "ND30-SO-SIZE",
                                "ND30-DATE-SIZE", "ND30-BODY-SIZE", "ND30-NOINHAN-SIZE", "ND30-NOINHAN-ITEM-SIZE",
                                "ND30-SIGN-SIZE"}),
    "qh_wrap": ({"qh_wrap": True}, {"ND30-QUOCHIEU-WRAP"}),
    "qh_narrow": ({"narrow": True}, {"ND30-QUOCHIEU-WRAP"}),
    "header_left": ({"header_align": "left"}, {"ND30-AGENCY-ALIGN", "ND30-SO-ALIGN"}),
    "vv_left": ({"vv_align": "left"}, {"ND30-VV-ALIGN"}),
    "title_20pt": ({"title_size": 20}, {"ND30-TITLE-SIZE"}),
    "summary_regular": ({"summary_bold": False}, {"ND30-TITLE-SUMMARY-BOLD"}),
    "sign_no_kt": ({"sign": ["TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH"]}, {"ND30-SIGN-AUTHORITY"}),
    "body_left": ({"body_align": "left"}, {"ND30-BODY-ALIGN"}),
    "body_no_indent": ({"indent_mm": 0}, {"ND30-BODY-INDENT"}),
    "body_spacing": ({"space_after": 0, "line": 2.0}, {"ND30-BODY-SPACING"}),
    "no_closing": ({"closing": False}, {"ND30-CLOSING"}),
    "no_page_numbers": ({"page_numbers": False}, {"ND30-PAGENUM-MISSING"}),
    "noinhan_sizes": ({"nn_label_size": 13, "nn_label_bold": False, "item_size": 13},
                      {"ND30-NOINHAN-SIZE", "ND30-NOINHAN-STYLE", "ND30-NOINHAN-ITEM-SIZE"}),
}
UNFIXABLE = {"qh_wrap", "sign_no_kt", "qd_no_dieu", "qd_nhu_dieu"}  # text faults: lint --fix leaves them
NAMED_ONLY = {"title_20pt", "summary_regular"}
ONE_PAGE = {"Giấy mời", "Quyết định", "Tờ trình"}  # short types: page numbers not required
CONG_VAN_ONLY = {"vv_left", "vbdt"}
KINDS = list(TITLES)


def corpus() -> list[Doc]:
    """Every document of the corpus: each type clean, each false-alarm layout and each fault on ≥ 2 types."""
    docs: list[Doc] = []
    for number, kind in enumerate(KINDS):
        slug = _slug(kind)
        docs.append(Doc(f"{slug}_clean", kind))
        for offset, (layout, changes) in enumerate(CLEAN_LAYOUTS.items()):
            if not layout or (layout in CONG_VAN_ONLY and kind not in ("Công văn", "Tờ trình")):
                continue
            if (number + offset) % 3 == 0 or kind == "Công văn" or layout in CONG_VAN_ONLY:
                docs.append(Doc(f"{slug}_clean_{layout}", kind, **changes))
        for offset, (fault, (changes, rules)) in enumerate(FAULTS.items()):
            if (fault in NAMED_ONLY and kind == "Công văn" or fault in CONG_VAN_ONLY and kind != "Công văn"
                    or fault == "no_page_numbers" and kind in ONE_PAGE):
                continue
            if (number + offset) % 3 == 0 or kind == "Công văn" or (fault in CONG_VAN_ONLY):
                docs.append(Doc(f"{slug}_fault_{fault}", kind, expected=set(rules) | _extra(kind, fault), **changes))
    docs.append(Doc("cong_van_tabs_fault_vv_left", foot="tabs", vv_align="left", expected={"ND30-VV-ALIGN"}))
    docs.append(dataclasses.replace(docs[0], name="cong_van_tabs_fault_tcvn3", legacy=True, foot="tabs",
                                    expected={"ND30-FONT"}))
    for foot in ("table", "tabs"):  # quyết định: articles, and «Như Điều N» naming one that exists
        docs.append(Doc(f"quyet_dinh_{foot}_fault_qd_no_dieu", "Quyết định", foot=foot, articles=False,
                        expected={"ND30-QD-DIEU"}))
        docs.append(Doc(f"quyet_dinh_{foot}_fault_qd_nhu_dieu", "Quyết định", foot=foot, nhu_dieu=4,
                        expected={"ND30-QD-DIEU"}))
    for key in LEGAL:
        docs.append(Doc(f"legal_{key}", legal=key, expected={DECLINED}))
    return docs


def _extra(kind: str, fault: str) -> set[str]:
    """Rule ids a fault adds on some types only (a 10 pt web copy shrinks the V/v or the title block too)."""
    if fault != "web_10pt":
        return set()
    if kind == "Công văn":
        return {"ND30-VV-SIZE", "ND30-KINHGUI-STYLE"}
    return {"ND30-TITLE-SIZE", "ND30-TITLE-SUMMARY-SIZE"} | ({"ND30-KINHGUI-STYLE"} if kind == "Tờ trình" else set())


def _slug(kind: str) -> str:
    plain = unicodedata.normalize("NFD", kind.lower().replace("đ", "d")).encode("ascii", "ignore").decode()
    return plain.replace("đ", "d").replace(" ", "_")


def build_corpus(folder: Path) -> list[Doc]:
    """Write every corpus document and its .expected file into `folder`; return the documents."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = corpus()
    for doc in docs:
        build(doc).save(folder / f"{doc.name}.docx")
        (folder / f"{doc.name}.expected").write_text("".join(f"{r}\n" for r in sorted(doc.expected)),
                                                     encoding="utf-8")
    return docs


if __name__ == "__main__":
    built = build_corpus(Path(sys.argv[1]))
    print(f"{len(built)} documents in {sys.argv[1]}")
