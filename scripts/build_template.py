"""Build templates_docx/cong_van_chi_dao.docx, the default docxtpl template of the directive letter.

Run `/work/venv/bin/python scripts/build_template.py [OUT.docx]` to rewrite the template. The layout follows
docs/nd30.md (Nghị định 30/2020/NĐ-CP): A4, margins 20/20/30/15 mm, a borderless two-column header
(ô 2/3/5b left, ô 1/4 right), Kính gửi, the body, then Nơi nhận beside the signature block; page numbers
in the top margin from page 2 on. The template uses only the context names of docs/glossary.md and docxtpl
paragraph tags (`{%p ... %}`), so no empty paragraph is left where a loop or condition was.

python-docx's default package carries ~800 KB of styles, a theme, stylesWithEffects, custom XML and a
thumbnail. They are dropped and replaced by the few explicit styles below, so the file stays a few KB and
LibreOffice converts it faster. The output is byte-for-byte reproducible (fixed dates and zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "templates_docx" / "cong_van_chi_dao.docx"

# -- page geometry, in twips (docs/nd30.md §1) --
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 portrait
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1134, 1134, 1701, 850  # 20, 20, 30, 15 mm
HEADER_DISTANCE = 567  # 10 mm: the page number sits in the top margin
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 9355
CELL_MARGIN = 57  # 1 mm left/right inside the layout tables

HEADER_LEFT = 3742  # 40 % of the text width: ô 2, 3, 5b
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT  # 60 %: ô 1, 4
TIEU_NGU_WIDTH = 3183  # "Độc lập - Tự do - Hạnh phúc", TNR bold 13 pt, measured from the font metrics
TIEU_NGU_RULE = TIEU_NGU_WIDTH + 60  # rule as long as the line (a hair longer so the line never wraps)
# Rule under the issuing body: 1/3-1/2 of its text. Upper-case TNR bold 13 pt is ~0.28 cm a character and
# the column holds ~21 characters a line, so three lengths keyed on the name's length stay within range.
AGENCY_RULES = ((10, 510), (15, 850), (None, 1247))  # (max characters, rule length): 0.9 / 1.5 / 2.2 cm

SIGN_LEFT = 4253  # Nơi nhận column (7.5 cm)
SIGN_RIGHT = TEXT_WIDTH - SIGN_LEFT  # signature block
SIGNATURE_GAP = 1290  # ~4 lines of 14 pt between position and name, for the signature and seal

KINH_GUI_LEFT = 2608  # where the addressee dashes align (4.6 cm)
KINH_GUI_HANGING = 1304  # "Kính gửi:" starts 2.3 cm from the margin

FONT = "Times New Roman"
CENTER, LEFT = "CV Căn giữa", "CV Trái"  # names of the two compact paragraph styles (ids CvCenter, CvLeft)
BUILD_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

STYLES_XML = f"""<w:styles {nsdecls('w')}>
 <w:docDefaults>
  <w:rPrDefault><w:rPr>
   <w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>
   <w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>
  </w:rPr></w:rPrDefault>
  <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
 </w:docDefaults>
 <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
  <w:name w:val="Normal"/><w:qFormat/>
  <w:pPr><w:widowControl/><w:spacing w:before="0" w:after="120" w:line="240" w:lineRule="auto"/>
   <w:ind w:firstLine="720"/><w:jc w:val="both"/></w:pPr>
  <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>
   <w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr>
 </w:style>
 <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
  <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>
 </w:style>
 <w:style w:type="table" w:default="1" w:styleId="TableNormal">
  <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>
   <w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
  </w:tblCellMar></w:tblPr>
 </w:style>
 <w:style w:type="paragraph" w:customStyle="1" w:styleId="CvCenter">
  <w:name w:val="CV Căn giữa"/><w:basedOn w:val="Normal"/><w:qFormat/>
  <w:pPr><w:spacing w:after="0"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>
 </w:style>
 <w:style w:type="paragraph" w:customStyle="1" w:styleId="CvLeft">
  <w:name w:val="CV Trái"/><w:basedOn w:val="Normal"/><w:qFormat/>
  <w:pPr><w:spacing w:after="0"/><w:ind w:firstLine="0"/><w:jc w:val="left"/></w:pPr>
 </w:style>
 <w:style w:type="paragraph" w:styleId="Header">
  <w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
  <w:pPr><w:spacing w:after="0"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>
 </w:style>
</w:styles>"""

SETTINGS_XML = f"""<w:settings {nsdecls('w')}>
 <w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>
 <w:characterSpacingControl w:val="doNotCompress"/>
 <w:compat><w:compatSetting w:name="compatibilityMode"
  w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
 <w:themeFontLang w:val="vi-VN"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>
</w:settings>"""

FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {nsdecls('w')}>
 <w:font w:name="{FONT}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>
  <w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
</w:fonts>"""

APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           b"<Application>congvan</Application><DocSecurity>0</DocSecurity></Properties>")

# Parts of python-docx's default package that the template does not use.
DROPPED_RELS = {"http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.WEB_SETTINGS,
                RT.THEME, RT.CUSTOM_XML, RT.NUMBERING}


# -- small builders --


def add_paragraph(container: Document | _Cell, text: str = "", style: str = "Normal", *,
                  size: float | None = None, bold: bool = False, italic: bool = False,
                  before: float | None = None, after: float | None = None,
                  keep_next: bool = False) -> Paragraph:
    """Add a paragraph holding one run of `text` (sizes in pt)."""
    paragraph = container.add_paragraph(style=style)
    if text:
        add_run(paragraph, text, size=size, bold=bold, italic=italic)
    fmt = paragraph.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def add_run(paragraph: Paragraph, text: str, *, size: float | None = None, bold: bool = False,
            italic: bool = False) -> None:
    """Append a run with explicit size, bold and italic (only what differs from the style is written)."""
    run = paragraph.add_run(text)
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True


def add_tag(container: Document | _Cell, tag: str) -> None:
    """Add a paragraph holding only a docxtpl paragraph tag: it vanishes when rendered."""
    container.add_paragraph(tag, style="Normal")


def bottom_rule(paragraph: Paragraph) -> None:
    """Draw a solid 0.75 pt rule under the paragraph (as wide as the paragraph between its indents)."""
    border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                       'w:color="000000"/></w:pBdr>')
    paragraph._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange")


def centred_indents(paragraph: Paragraph, available: int, width: int) -> None:
    """Indent both sides so the paragraph is `width` twips wide, centred in `available` twips."""
    side = (available - width) // 2
    paragraph.paragraph_format.left_indent = Twips(side)
    paragraph.paragraph_format.right_indent = Twips(side)


def rule_paragraph(cell: _Cell, width: int) -> None:
    """Add an empty, 4 pt high paragraph whose bottom border is a centred rule `width` twips long."""
    paragraph = add_paragraph(cell, style=CENTER)
    centred_indents(paragraph, HEADER_LEFT - 2 * CELL_MARGIN, width)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "8")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)
    bottom_rule(paragraph)


def layout_table(document: Document, rows: int, widths: tuple[int, int], top: int = 0) -> Table:
    """Add a borderless, fixed-layout table spanning the text width (used for header and signature).

    `top` is the cell top margin in twips: it moves the first lines of both columns down together.
    """
    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    tbl_pr.append(parse_xml(
        f'<w:tblW {nsdecls("w")} w:w="{sum(widths)}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(
        f'<w:tblBorders {nsdecls("w")}><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
        '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'))
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tbl_pr.append(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="{top}" w:type="dxa"/>'
        f'<w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'))
    tbl_pr.append(parse_xml(f'<w:tblLook {nsdecls("w")} w:val="0000" w:firstRow="0" w:lastRow="0" '
                            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
        for cell in column.cells:
            cell.width = Twips(width)
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    return table


def drop_first_paragraph(cell: _Cell) -> None:
    """Remove the empty paragraph python-docx puts in every new cell (call after filling the cell)."""
    cell._tc.remove(cell.paragraphs[0]._p)


# -- the letter --


def build_header(document: Document, subject: bool = True) -> None:
    """Ô 1-4 and 5b: a borderless 2 x 2 table, so "Số:" and the date share a row and a level.

    `subject`: the V/v line under "Số:" (a công văn); the other types print their name and trích yếu below."""
    table = layout_table(document, 2, (HEADER_LEFT, HEADER_RIGHT))
    agency, motto = table.cell(0, 0), table.cell(0, 1)
    number, date = table.cell(1, 0), table.cell(1, 1)

    add_tag(agency, "{%p if co_quan.chu_quan %}")
    add_paragraph(agency, "{{ co_quan.chu_quan_dong }}", CENTER, size=13)
    add_tag(agency, "{%p endif %}")
    add_paragraph(agency, "{{ co_quan.ten_dong }}", CENTER, size=13, bold=True)
    for index, (max_chars, width) in enumerate(AGENCY_RULES):
        if max_chars is None:
            add_tag(agency, "{%p else %}")
        else:
            keyword = "if" if index == 0 else "elif"
            add_tag(agency, f"{{%p {keyword} co_quan.ten|length <= {max_chars} %}}")
        rule_paragraph(agency, width)
    add_tag(agency, "{%p endif %}")

    add_paragraph(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", CENTER, size=12, bold=True)
    tieu_ngu = add_paragraph(motto, "Độc lập - Tự do - Hạnh phúc", CENTER, size=13, bold=True)
    centred_indents(tieu_ngu, HEADER_RIGHT - 2 * CELL_MARGIN, TIEU_NGU_RULE)
    bottom_rule(tieu_ngu)

    add_paragraph(number, "Số: {{ so_ky_hieu }}", CENTER, size=13, before=6)
    if subject:
        add_paragraph(number, "V/v {{ trich_yeu_dong }}", CENTER, size=12, before=6)
    add_paragraph(date, "{{ dia_danh_ngay }}", CENTER, size=13, italic=True, before=6)
    for cell in (agency, motto, number, date):
        drop_first_paragraph(cell)


def build_addressees(document: Document) -> None:
    """Ô 9a: one addressee on the "Kính gửi:" line, centred; several as dash lines aligned under the first."""
    add_tag(document, "{%p if kinh_gui|length > 1 %}")
    several = add_paragraph(document, "Kính gửi:", LEFT, before=12, after=12)
    fmt = several.paragraph_format
    fmt.left_indent = Twips(KINH_GUI_LEFT)
    fmt.first_line_indent = Twips(-KINH_GUI_HANGING)
    fmt.tab_stops.add_tab_stop(Twips(KINH_GUI_LEFT), WD_TAB_ALIGNMENT.LEFT)
    several.add_run().add_tab()
    # The lines are joined by line breaks ("\n" becomes <w:br/>), so every dash starts at the left indent.
    several.add_run('{{ kinh_gui_dong|join("\\n") }}')
    add_tag(document, "{%p elif kinh_gui %}")
    add_paragraph(document, "Kính gửi: {{ kinh_gui[0] }}", CENTER, before=12, after=12)
    add_tag(document, "{%p endif %}")


def build_body(document: Document) -> None:
    """Ô 6: bases, opening, one numbered section per results table, general sections, closing."""
    add_tag(document, "{%p for d in can_cu %}")
    add_paragraph(document, "{{ d }}")
    add_tag(document, "{%p endfor %}")
    add_paragraph(document, "{{ mo_dau }}")

    add_tag(document, "{%p for b in bang %}")
    add_paragraph(document, "{{ b.so }}. {{ b.tieu_de }}", bold=True, keep_next=True)
    add_tag(document, "{%p for d in (b.mo_dau if b.mo_dau is defined else []) %}")  # the catalog's mo_dau
    add_paragraph(document, "{{ d }}")
    add_tag(document, "{%p endfor %}")
    add_tag(document, "{%p if b.tong_quan %}")
    add_paragraph(document, "{{ b.tong_quan }}")
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p if b.bieu_do is defined and b.bieu_do %}")  # [van_ban] bieu_do = true: its chart
    add_paragraph(document, "{{ b.bieu_do|hinh }}", CENTER, before=6, after=6)
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p for g in b.nhom %}")
    add_tag(document, "{%p if g.tieu_de %}")
    add_paragraph(document, "{{ g.nhan }} {{ g.tieu_de }}", bold=True, italic=True, keep_next=True)
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p for t in g.tieu_chi %}")
    add_tag(document, "{%p if t.tieu_de %}")
    add_paragraph(document, "- {{ t.tieu_de }}", italic=True, keep_next=True)
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p if t.nhan_xet %}")
    add_paragraph(document, "{{ t.nhan_xet }}")
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p if t.so_sanh is defined and t.so_sanh %}")  # [du_lieu] nam_truoc: against last year
    add_paragraph(document, "{{ t.so_sanh }}")
    add_tag(document, "{%p endif %}")
    add_tag(document, "{%p for d in t.chi_dao %}")
    add_paragraph(document, "{{ d }}")
    add_tag(document, "{%p endfor %}")
    add_tag(document, "{%p endfor %}")
    add_tag(document, "{%p endfor %}")
    add_tag(document, "{%p endfor %}")

    add_tag(document, "{%p for c in chi_dao_chung %}")
    add_paragraph(document, "{{ c.so }}. {{ c.tieu_de }}", bold=True, keep_next=True)
    add_tag(document, "{%p for d in c.noi_dung %}")
    add_paragraph(document, "{{ d }}")
    add_tag(document, "{%p endfor %}")
    add_tag(document, "{%p endfor %}")

    # The closing lines keep with the signature table, so the signature never stands alone on a page.
    add_paragraph(document, "{{ ket_thuc }}./.", keep_next=True)
    add_tag(document, "{%p if dinh_kem %}")
    add_paragraph(document, "({{ dinh_kem }})", italic=True, keep_next=True)
    add_tag(document, "{%p endif %}")


def build_signature(document: Document) -> None:
    """Ô 9b beside ô 7a-7c: Nơi nhận on the left, level with the first line of the signature block."""
    table = layout_table(document, 1, (SIGN_LEFT, SIGN_RIGHT), top=120)
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    add_paragraph(recipients, "Nơi nhận:", LEFT, size=12, bold=True, italic=True)
    add_tag(recipients, "{%p for d in noi_nhan %}")
    add_paragraph(recipients, "- {{ d }}", LEFT, size=11)
    add_tag(recipients, "{%p endfor %}")

    add_tag(signer, "{%p if ky.quyen_han %}")
    add_paragraph(signer, "{{ ky.quyen_han }}", CENTER, size=14, bold=True)
    add_tag(signer, "{%p endif %}")
    add_paragraph(signer, "{{ ky.chuc_vu }}", CENTER, size=14, bold=True)
    name = add_paragraph(signer, "{{ ky.ho_ten }}", CENTER, size=14, bold=True)
    name.paragraph_format.space_before = Twips(SIGNATURE_GAP)
    for cell in (recipients, signer):
        drop_first_paragraph(cell)


def build_page_numbers(document: Document) -> None:
    """Centred PAGE field, 14 pt, in the top margin; page 1 has its own empty header (NĐ 30: no number)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.style = document.styles["Header"]
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = OxmlElement("w:r")
        props = parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>')
        run.append(props)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run.append(field)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run.append(element)
        paragraph._p.append(run)
    first = section.first_page_header.paragraphs[0]
    first.style = document.styles["Header"]


def set_page(document: Document) -> None:
    """A4 portrait, NĐ 30 margins."""
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(HEADER_DISTANCE)
    section.gutter = Twips(0)


def prune_package(document: Document) -> None:
    """Drop unused default parts and replace styles, settings, font table and app properties."""
    part = document.part
    for rel in list(part.rels.values()):
        if rel.reltype in DROPPED_RELS:
            part.drop_rel(rel.rId)
    package_rels = part.package.rels
    for rel in list(package_rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel.rId)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML
    part._styles_part._element = parse_xml(STYLES_XML)
    part._settings_part._element = parse_xml(SETTINGS_XML)
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = FONT_TABLE_XML.encode()


def set_properties(document: Document) -> None:
    """Core properties: title, subject, language vi-VN; fixed dates so the build is reproducible."""
    props = document.core_properties
    props.title = "Công văn chỉ đạo khắc phục hạn chế, nâng cao Chỉ số hài lòng"
    props.subject = "Mẫu công văn (docxtpl) theo Nghị định 30/2020/NĐ-CP"
    props.author = "congvan"
    props.last_modified_by = "congvan"
    props.keywords = "công văn; Nghị định 30/2020/NĐ-CP; Chỉ số hài lòng"
    props.comments = "Tạo bằng scripts/build_template.py; tên biến: docs/glossary.md."
    props.category = "Mẫu văn bản"
    props.language = "vi-VN"
    props.revision = 1
    props.created = BUILD_DATE.replace(tzinfo=None)
    props.modified = BUILD_DATE.replace(tzinfo=None)
    props.last_printed = BUILD_DATE.replace(tzinfo=None)


def build_document() -> Document:
    """Return the template as a python-docx Document (styles replaced before anything uses them)."""
    document = docx.Document()
    prune_package(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_page(document)
    build_header(document)
    build_addressees(document)
    build_body(document)
    build_signature(document)
    build_page_numbers(document)
    set_properties(document)
    return document


def build_bytes() -> bytes:
    """Return the template .docx bytes, with fixed zip timestamps and order (reproducible)."""
    return reproducible_zip(build_document())


def reproducible_zip(document: Document) -> bytes:
    """Return the .docx bytes of `document` with fixed zip timestamps and order."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with (zipfile.ZipFile(raw) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    """Write the template to argv[0] or templates_docx/cong_van_chi_dao.docx."""
    target = Path(argv[0]) if argv else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
