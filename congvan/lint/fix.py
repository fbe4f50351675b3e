"""`congvan lint --fix`: repair what can be repaired safely in a .docx — page size and margins, fonts (TCVN3/VNI
runs converted to Unicode), sizes, bold/italic and alignment per component, body justification, indent and
spacing, page numbers from page 2, the closing «./.» — keeping the words; then lint the result again.

The document is read into the lint model (its paragraphs keep their XML elements), the elements are changed in
place and every part is written to a temporary file beside the output, renamed over it at the end (atomic).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from congvan.errors import LayoutFileError
from congvan.lint.check import LintResult, lint_docx, read_docx
from congvan.lint.docx_edit import (
    PPR_ORDER,
    TNR,
    add_page_numbers,
    child,
    ppr_of,
    rpr_of,
    set_font,
    set_size,
    set_toggle,
)
from congvan.lint.header_rules import split_agency
from congvan.lint.locate import MARGINS, Layout, locate, sizes_text
from congvan.lint.model import NS, Finding, Para, Piece, RunFormat, Segment, w_tag
from congvan.lint.props import decoded_text
from congvan.lint.rules import run_rules
from congvan.lint.styles import StyleSheet
from congvan.lint.type_rules import INDENT_TWIPS, MIN_SPACE_PT, line_ok, prose_paragraphs, quoc_hieu_fits
from congvan.vn.legacy import legacy_font_encoding

A4_TWIPS = (11906, 16838)
_TEXT_PARTS = ("word/document.xml", "word/styles.xml")


FIXABLE_RULES = frozenset({  # the rule ids whose findings fix_docx repairs (docs/lint.md lists them)
    "ND30-PAPER-SIZE", "ND30-PAPER-ORIENT", "ND30-MARGIN-TOP", "ND30-MARGIN-BOTTOM", "ND30-MARGIN-LEFT",
    "ND30-MARGIN-RIGHT", "ND30-FONT", "ND30-SIZE-PAIRING", "ND30-QUOCHIEU-SIZE", "ND30-QUOCHIEU-STYLE",
    "ND30-TIEUNGU-SIZE", "ND30-TIEUNGU-STYLE", "ND30-AGENCY-SIZE", "ND30-AGENCY-BOLD", "ND30-AGENCY-PARENT-BOLD",
    "ND30-AGENCY-ALIGN", "ND30-SO-SIZE", "ND30-SO-ALIGN", "ND30-DATE-SIZE", "ND30-DATE-STYLE", "ND30-VV-SIZE",
    "ND30-VV-ALIGN", "ND30-TITLE-SIZE", "ND30-TITLE-SUMMARY-SIZE", "ND30-TITLE-SUMMARY-BOLD", "ND30-KINHGUI-STYLE",
    "ND30-BODY-SIZE", "ND30-BODY-ALIGN", "ND30-BODY-INDENT", "ND30-BODY-SPACING", "ND30-CLOSING",
    "ND30-NOINHAN-SIZE", "ND30-NOINHAN-STYLE", "ND30-NOINHAN-ITEM-SIZE", "ND30-SIGN-SIZE", "ND30-SIGN-NAME-BOLD",
    "ND30-PAGENUM-MISSING", "ND30-PAGENUM-FIRST", "ND30-PAGENUM-ALIGN",
})


@dataclass
class FixResult:
    """What `fix_docx` changed (Vietnamese lines) and the errors still there after it."""

    output: Path
    changes: list[str] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)


class _Fixer:
    """Changes the runs of located components and remembers what it did."""

    def __init__(self) -> None:
        self.changes: list[str] = []

    def pieces(self, pieces: Iterable[Piece], what: str, *, low: float, high: float,
               bold: bool | None = None, italic: bool | None = None) -> None:
        done: set[int] = set()
        sizes: set[float] = set()
        styles: set[str] = set()
        for piece in pieces:
            if piece.run is None or id(piece.run) in done or not piece.text.strip():
                continue
            done.add(id(piece.run))
            if not low <= piece.fmt.size <= high:
                size = min(max(piece.fmt.size, low), high)
                set_size(piece.run, size)
                sizes.add(size)
            for tag, want, word in (("b", bold, "đậm"), ("i", italic, "nghiêng")):
                if want is not None and getattr(piece.fmt, "bold" if tag == "b" else "italic") != want:
                    set_toggle(piece.run, tag, want)
                    styles.add(word if want else f"bỏ {word}")
        done_text = [f"cỡ chữ {sizes_text(sorted(sizes))}"] if sizes else []
        if done_text or styles:
            self.changes.append(f"{what}: " + ", ".join(done_text + sorted(styles)))

    def segs(self, segs: Iterable[Segment], what: str, **kwargs) -> None:
        self.pieces([p for seg in segs for p in seg.pieces], what, **kwargs)

    def align(self, paras: Iterable[Para], jc: str, what: str) -> None:
        wrong = [p for p in paras if p.alignment != jc]
        for para in wrong:
            child(ppr_of(para.element), "jc", PPR_ORDER, fresh=True).set(w_tag("val"), jc)
        if wrong:
            self.changes.append(f"{what}: căn {'giữa' if jc == 'center' else 'đều hai bên'} ({len(wrong)} đoạn)")


# -- the fixes --


def _fix_components(lay: Layout, fixer: _Fixer) -> None:
    qh_size = 12.0
    if lay.quoc_hieu is not None:
        sizes = lay.quoc_hieu.seg.sizes()
        qh_size = sizes[0] if len(sizes) == 1 and sizes[0] in (12, 13) else 12.0
        if not quoc_hieu_fits(lay, qh_size) and quoc_hieu_fits(lay, 12):
            qh_size = 12.0  # 12 pt keeps it on one line of its column
        fixer.segs([lay.quoc_hieu.seg], "Quốc hiệu", low=qh_size, high=qh_size, bold=True, italic=False)
    pair = qh_size + 1
    if lay.tieu_ngu is not None:
        fixer.segs([lay.tieu_ngu.seg], "Tiêu ngữ", low=pair, high=pair, bold=True, italic=False)
    if lay.date is not None:
        fixer.segs([lay.date.seg], "Địa danh, ngày tháng", low=pair, high=pair, bold=False, italic=True)
    if lay.agency:
        parent, issuer = split_agency(lay.agency)
        fixer.segs([ln.seg for ln in parent], "Cơ quan chủ quản", low=12, high=13, bold=False, italic=False)
        fixer.segs([ln.seg for ln in issuer], "Cơ quan ban hành", low=12, high=13, bold=True, italic=False)
    if lay.so is not None:
        fixer.segs([lay.so.seg], "Số, ký hiệu", low=13, high=13, bold=False, italic=False)
    if lay.vv is not None:
        fixer.segs([lay.vv.seg] + [p.whole() for p in lay.vv_more], "Trích yếu (V/v)", low=12, high=13,
                   bold=False, italic=False)
    if lay.title is not None:
        fixer.segs([lay.title.seg], "Tên loại", low=13, high=14, bold=True, italic=False)
        fixer.segs([p.whole() for p in lay.summary], "Trích yếu", low=13, high=14, bold=True)
    if lay.kinh_gui is not None:
        fixer.segs([lay.kinh_gui.whole()], "Kính gửi", low=13, high=14, bold=False, italic=False)
    body = [p for p in lay.body if p.table is None]
    fixer.segs([p.whole() for p in body], "Nội dung", low=13, high=14)
    if lay.nn_label is not None:
        label = [p for p in lay.nn_label.pieces if p.text.strip()][:2]
        fixer.pieces(label, "«Nơi nhận:»", low=12, high=12, bold=True, italic=True)
        fixer.segs([seg for _, seg in lay.nn_items], "Các dòng nơi nhận", low=11, high=11)
    if lay.signature:
        fixer.segs([ln.seg for ln in lay.signature], "Chữ ký", low=13, high=14, bold=True, italic=False)
    centred = [x.para for x in (lay.quoc_hieu, lay.tieu_ngu, lay.so, lay.vv, lay.title) if x is not None]
    fixer.align([p for p in centred + [a.para for a in lay.agency] if p.cell is not None or p is getattr(
        lay.title, "para", None)], "center", "Phần đầu")


def _fix_body_layout(lay: Layout, fixer: _Fixer) -> None:
    prose = prose_paragraphs(lay)
    fixer.align(prose, "both", "Nội dung")
    changed = 0
    for para in prose:
        if para.first_line is None or not INDENT_TWIPS[0] <= para.first_line <= INDENT_TWIPS[1]:
            ind = child(ppr_of(para.element), "ind", PPR_ORDER)
            for attr in ("hanging", "hangingChars", "firstLineChars"):
                ind.attrib.pop(w_tag(attr), None)
            ind.set(w_tag("firstLine"), "567")
            changed += 1
        if para.space_before + para.space_after < MIN_SPACE_PT:
            child(ppr_of(para.element), "spacing", PPR_ORDER).set(w_tag("after"), "120")
            changed += 1
        if not line_ok(para):
            spacing = child(ppr_of(para.element), "spacing", PPR_ORDER)
            spacing.set(w_tag("line"), "240")
            spacing.set(w_tag("lineRule"), "auto")
            changed += 1
    if changed:
        fixer.changes.append("Nội dung: lùi đầu dòng 1 cm, cách đoạn 6 pt, cách dòng đơn")


def _fix_closing(lay: Layout, fixer: _Fixer) -> None:
    text_paras = [p for p in lay.body if p.table is None and p.plain and not p.plain.startswith("(")]
    if not text_paras or text_paras[-1].plain.endswith("./.") or any(p.plain.endswith("./.") for p in lay.body):
        return
    last = text_paras[-1]
    runs = [p.run for p in last.pieces if p.run is not None and p.text.strip()]
    texts = runs[-1].findall("w:t", NS) if runs else []
    if not texts:
        return
    node = texts[-1]
    node.text = (node.text or "").rstrip() + ("/." if (node.text or "").rstrip().endswith(".") else "./.")
    fixer.changes.append(f"Nội dung: thêm «./.» cuối {last.where()}")


def _fix_page(root: etree._Element, fixer: _Fixer, portrait: bool) -> None:
    """A4 and margins in range; an A4 landscape section turns portrait only when `portrait` (no data table)."""
    changed = False
    for sect in root.iter(w_tag("sectPr")):
        size = sect.find("w:pgSz", NS)
        found = (int(size.get(w_tag("w"), "0")), int(size.get(w_tag("h"), "0"))) if size is not None else A4_TWIPS
        a4 = [all(abs(a - b) <= 40 for a, b in zip(found, want, strict=True)) for want in (A4_TWIPS, A4_TWIPS[::-1])]
        if size is not None and not a4[0] and (portrait or not a4[1]):
            size.set(w_tag("w"), str(A4_TWIPS[0]))
            size.set(w_tag("h"), str(A4_TWIPS[1]))
            size.attrib.pop(w_tag("orient"), None)
            changed = True
        margins = sect.find("w:pgMar", NS)
        for attr, _, low, high in MARGINS.values() if margins is not None else ():
            if margins.get(w_tag(attr)) is None:
                continue
            value = abs(int(float(margins.get(w_tag(attr)))))
            low_t, high_t = round(low * 1440 / 25.4), round(high * 1440 / 25.4)
            if not low_t - 12 <= value <= high_t + 12:
                margins.set(w_tag(attr), str(min(max(value, low_t), high_t)))
                changed = True
    if changed:
        fixer.changes.append("Khổ giấy, lề trang: A4 dọc, lề trên/dưới 20–25 mm, trái 30–35 mm, phải 15–20 mm")


def _fix_fonts(parts: dict[str, etree._Element], fixer: _Fixer,
               sheet_run_format: Callable[[etree._Element], RunFormat]) -> None:
    count = 0
    for name, root in parts.items():
        if name == "word/styles.xml":  # styles quietly: Word's own styles name theme fonts nobody sees
            for rpr in root.iter(w_tag("rPr")):
                fonts = rpr.find("w:rFonts", NS)
                if fonts is not None and any(v != TNR for v in fonts.attrib.values()):
                    set_font(rpr)
            defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
            if defaults is not None and defaults.find("w:rFonts", NS) is None:
                set_font(defaults)
            continue
        for run in root.iter(w_tag("r")):
            fmt = sheet_run_format(run)
            if fmt.font_ascii == TNR and fmt.font_hansi == TNR:
                continue
            if legacy_font_encoding(fmt.font_hansi) or legacy_font_encoding(fmt.font_ascii):
                for node in run.findall("w:t", NS):
                    node.text = decoded_text(node.text or "", fmt)
            set_font(rpr_of(run))
            count += 1
    if count:
        fixer.changes.append(f"Phông chữ: Times New Roman ({count} đoạn chữ; chữ TCVN3/VNI chuyển sang Unicode)")


# -- the entry point --


def fix_docx(source: Path | str, output: Path | str, *, overwrite: bool = False,
             forced_type: str | None = None) -> FixResult:
    """Repair `source` into `output` (atomic write); refuse to write over `source` unless `overwrite`."""
    source, output = Path(source), Path(output)
    if output.exists() and output.resolve() == source.resolve() and not overwrite:
        raise LayoutFileError(f"{output}: là chính tệp gốc; chọn tệp khác bằng -o, hoặc thêm --ghi-de để ghi đè.")
    model = read_docx(source)
    before = LintResult(*run_rules(model, forced_type))
    if before.declined:
        raise LayoutFileError(f"{source}: {before.declined}; không sửa. Dùng --type để buộc sửa theo NĐ 30.")
    lay = locate(model)
    root = model.paras[0].element.getroottree().getroot() if model.paras else None
    if root is None:
        raise LayoutFileError(f"{source}: văn bản không có đoạn nào, không sửa được.")
    fixer = _Fixer()
    rules = {f.rule_id for f in before.findings if f.severity == "error"}
    _fix_components(lay, fixer)
    _fix_body_layout(lay, fixer)
    _fix_closing(lay, fixer)
    _fix_page(root, fixer, portrait="ND30-PAPER-ORIENT" in rules)
    with zipfile.ZipFile(source) as archive:
        parts = {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                 if name in _TEXT_PARTS[1:] or name.startswith(("word/header", "word/footer"))
                 and name.endswith(".xml")}
        parts["word/document.xml"] = root
        sheet = _sheet(archive)
        _fix_fonts(parts, fixer, lambda run: sheet.run_format(run.find("w:rPr", NS), _para_style(run)))
        extra: dict[str, bytes] = {}
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        if rules & {"ND30-PAGENUM-MISSING", "ND30-PAGENUM-FIRST", "ND30-PAGENUM-ALIGN"}:
            add_page_numbers(root, extra, rels, types)
            fixer.changes.append("Số trang: trường PAGE căn giữa ở đầu trang, từ trang 2 (trang 1 không đánh số)")
            parts["word/_rels/document.xml.rels"] = rels
            parts["[Content_Types].xml"] = types
        _write(archive, output, parts, extra)
    after = lint_docx(output, forced_type)
    return FixResult(output, fixer.changes, [f for f in after.findings if f.severity == "error"])


def _sheet(archive: zipfile.ZipFile) -> StyleSheet:
    """The style sheet as it was before any fix (its own parse of the parts)."""
    names = archive.namelist()
    styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in names else None
    theme_name = next((n for n in names if n.startswith("word/theme/")), None)
    theme = etree.fromstring(archive.read(theme_name)) if theme_name else None
    return StyleSheet(styles, theme)


def _para_style(run: etree._Element) -> str | None:
    para = next((a for a in run.iterancestors(w_tag("p"))), None)
    style = para.find("w:pPr/w:pStyle", NS) if para is not None else None
    return style.get(w_tag("val")) if style is not None else None


def _write(archive: zipfile.ZipFile, output: Path, parts: dict[str, etree._Element],
           extra: dict[str, bytes]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                if info.filename in parts:
                    out.writestr(info, etree.tostring(parts[info.filename], xml_declaration=True,
                                                      encoding="UTF-8", standalone=True))
                else:
                    out.writestr(info, archive.read(info.filename))
            for name, data in extra.items():
                out.writestr(name, data)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
