"""The default template templates_docx/cong_van_chi_dao.docx: NĐ 30 layout, glossary names, clean output."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from congvan.render.template import LetterTemplate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates_docx" / "cong_van_chi_dao.docx"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TNR = "Times New Roman"


@pytest.fixture(scope="module")
def template() -> LetterTemplate:
    return LetterTemplate(TEMPLATE)


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def render(template: LetterTemplate, context: dict[str, Any]) -> Document:
    return docx.Document(io.BytesIO(template.render(context)))


@pytest.fixture(scope="module")
def sample(template: LetterTemplate) -> Document:
    return render(template, load("context_sample"))


@pytest.fixture(scope="module")
def all_pass(template: LetterTemplate) -> Document:
    return render(template, load("context_all_pass"))


# -- effective formatting (run -> paragraph style chain -> document defaults) --


def _default_size(document: Document) -> float:
    path = "/".join(qn(tag) for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:sz"))
    size = document.styles.element.find(path)
    return int(size.get(qn("w:val"))) / 2


def size_pt(paragraph: Paragraph, run: Run, document: Document) -> float:
    value = run.font.size
    style = paragraph.style
    while value is None and style is not None:
        value, style = style.font.size, style.base_style
    return value.pt if value is not None else _default_size(document)


def flag(paragraph: Paragraph, run: Run, name: str) -> bool:
    value = getattr(run.font, name)
    style = paragraph.style
    while value is None and style is not None:
        value, style = getattr(style.font, name), style.base_style
    return bool(value)


def para_format(paragraph: Paragraph, name: str) -> Any:
    value = getattr(paragraph.paragraph_format, name)
    style = paragraph.style
    while value is None and style is not None:
        value, style = getattr(style.paragraph_format, name), style.base_style
    return value


def text_runs(paragraph: Paragraph) -> list[Run]:
    return [run for run in paragraph.runs if run.text.strip()]


def assert_runs(paragraph: Paragraph, document: Document, size: float, bold: bool, italic: bool) -> None:
    runs = text_runs(paragraph)
    assert runs, f"no text in {paragraph.text!r}"
    for run in runs:
        assert size_pt(paragraph, run, document) == size, paragraph.text
        assert flag(paragraph, run, "bold") is bold, paragraph.text
        assert flag(paragraph, run, "italic") is italic, paragraph.text


def cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def has_bottom_border(paragraph: Paragraph) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") is not None


def rule_width(paragraph: Paragraph, cell_width: int) -> int:
    """Length in twips of a bottom-border rule: the cell's text width minus the paragraph's indents."""
    fmt = paragraph.paragraph_format
    return cell_width - 2 * 57 - fmt.left_indent.twips - fmt.right_indent.twips


def all_paragraphs(document: Document) -> list[Paragraph]:
    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def expected_body(context: dict[str, Any]) -> list[str]:
    """The body paragraphs (outside the two layout tables) the template must produce, in order."""
    lines = context["kinh_gui_dong"]
    if len(context["kinh_gui"]) > 1:
        texts = ["Kính gửi:\t" + "\n".join(lines)]
    else:
        texts = [f"Kính gửi: {context['kinh_gui'][0]}"]
    texts += context["can_cu"] + [context["mo_dau"]]
    for section in context["bang"]:
        texts += [f"{section['so']}. {section['tieu_de']}", section["tong_quan"]]
        for group in section["nhom"]:
            if group["tieu_de"]:
                texts.append(f"{group['nhan']} {group['tieu_de']}")
            for item in group["tieu_chi"]:
                if item["tieu_de"]:
                    texts.append(f"- {item['tieu_de']}")
                texts += [item["nhan_xet"], *item["chi_dao"]]
    for section in context["chi_dao_chung"]:
        texts += [f"{section['so']}. {section['tieu_de']}", *section["noi_dung"]]
    texts.append(context["ket_thuc"] + "./.")
    if context["dinh_kem"]:
        texts.append(f"({context['dinh_kem']})")
    return texts


# -- the package --


def test_template_file_is_small_and_pruned():
    assert TEMPLATE.stat().st_size < 60 * 1024
    with zipfile.ZipFile(TEMPLATE) as archive:
        names = set(archive.namelist())
        styles = etree.fromstring(archive.read("word/styles.xml"))
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert not {"word/stylesWithEffects.xml", "word/theme/theme1.xml", "docProps/thumbnail.jpeg",
                "word/webSettings.xml", "customXml/item1.xml"} & names
    assert styles.find(qn("w:latentStyles")) is None
    assert len(styles.findall(qn("w:style"))) <= 8
    assert "<dc:language>vi-VN</dc:language>" in core and "<dc:title>Công văn" in core


def test_template_uses_only_glossary_names(template):
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    section = glossary.split("## Template context", 1)[1].split("### `bang` item", 1)[0]
    known = set()
    for line in section.splitlines():
        cell = re.match(r"^\| ([^|]*`[^|]*)\|", line)
        if cell:
            known |= set(re.findall(r"`([a-z_]+)(?:\.[a-z_]+)?`", cell.group(1)))
    assert {"co_quan", "so_ky_hieu", "bang", "ky"} <= known
    assert template.variables() <= known
    for name in ("context_sample", "context_all_pass"):
        assert set(load(name)) <= known


def test_committed_template_is_what_the_script_builds():
    spec = importlib.util.spec_from_file_location("build_template", ROOT / "scripts" / "build_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = zipfile.ZipFile(io.BytesIO(module.build_bytes()))
    with zipfile.ZipFile(TEMPLATE) as committed:
        assert sorted(built.namelist()) == sorted(committed.namelist())
        for name in ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml"):
            assert (etree.tostring(etree.fromstring(built.read(name)), method="c14n")
                    == etree.tostring(etree.fromstring(committed.read(name)), method="c14n")), (
                f"{name} differs: run scripts/build_template.py and commit templates_docx/")


# -- page, styles, page numbers --


def test_page_setup_and_page_numbers(sample):
    section = sample.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert section.top_margin.twips == 1134 and section.bottom_margin.twips == 1134
    assert section.left_margin.twips == 1701 and section.right_margin.twips == 850
    assert section.different_first_page_header_footer
    header = section.header._element
    assert " PAGE " in "".join(header.itertext())
    number = section.header.paragraphs[0]
    assert para_format(number, "alignment") == 1  # centred
    sizes = {int(s.get(qn("w:val"))) for s in header.iter(qn("w:sz"))}
    assert sizes == {28}  # 14 pt
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert "PAGE" not in "".join(first._element.itertext())


def test_normal_style_is_explicit_times_new_roman_14(sample):
    normal = sample.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == TNR
    assert normal.font.size == Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == 3  # justified
    assert fmt.first_line_indent.twips == 720
    assert fmt.space_after == Pt(6)
    assert fmt.line_spacing in (1.0, 1.15)
    defaults = sample.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == TNR
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    # no theme fonts anywhere (the theme part is gone)
    assert "Theme" not in etree.tostring(sample.styles.element).decode()


# -- header --


def test_header_block(sample):
    header = sample.tables[0]
    agency, motto = header.cell(0, 0), header.cell(0, 1)
    number, date = header.cell(1, 0), header.cell(1, 1)
    assert cell_texts(agency) == ["UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ", ""]
    assert_runs(agency.paragraphs[0], sample, 13, bold=False, italic=False)
    assert_runs(agency.paragraphs[1], sample, 13, bold=True, italic=False)
    assert has_bottom_border(agency.paragraphs[2])
    assert cell_texts(motto) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert_runs(motto.paragraphs[0], sample, 12, bold=True, italic=False)
    assert_runs(motto.paragraphs[1], sample, 13, bold=True, italic=False)
    assert has_bottom_border(motto.paragraphs[1])
    # rule as long as the Tiêu ngữ line: 3183 twips in TNR bold 13 pt (font metrics)
    assert 3183 <= rule_width(motto.paragraphs[1], motto.width.twips) <= 3183 * 1.05
    assert cell_texts(number) == ["Số:       /SNV-CCHC", "V/v " + load("context_sample")["trich_yeu"]]
    assert_runs(number.paragraphs[0], sample, 13, bold=False, italic=False)
    assert_runs(number.paragraphs[1], sample, 12, bold=False, italic=False)
    assert number.paragraphs[1].paragraph_format.space_before == Pt(6)
    assert cell_texts(date) == ["Khánh Hòa, ngày      tháng 11 năm 2026"]
    assert_runs(date.paragraphs[0], sample, 13, bold=False, italic=True)
    # "Số:" and the date open the same row with the same spacing, so they sit on one level
    number_before = number.paragraphs[0].paragraph_format.space_before
    assert number_before == date.paragraphs[0].paragraph_format.space_before
    for cell in (agency, motto, number, date):
        for paragraph in cell.paragraphs:
            assert para_format(paragraph, "alignment") == 1  # centred
    assert agency.width.twips + motto.width.twips == 9355
    assert 0.38 <= agency.width.twips / 9355 <= 0.42
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(b.get(qn("w:val")) in ("nil", "none") for b in borders)


@pytest.mark.parametrize(("name", "text_width"), [
    ("SỞ NỘI VỤ", 1344), ("BAN QUẢN LÝ", 1806), ("THÀNH PHỐ NHA TRANG", 3228), ("ỦY BAN NHÂN DÂN", 2448),
])
def test_agency_rule_is_a_third_to_a_half_of_the_name(template, name, text_width):
    # text widths: TNR bold 13 pt, measured from the font metrics (Liberation Serif has the same widths)
    context = load("context_sample")
    context["co_quan"]["ten"] = name
    agency = render(template, context).tables[0].cell(0, 0)
    rules = [p for p in agency.paragraphs if has_bottom_border(p)]
    assert len(rules) == 1
    fmt = rules[0].paragraph_format
    assert fmt.left_indent == fmt.right_indent  # centred
    assert 1 / 3 <= rule_width(rules[0], agency.width.twips) / text_width <= 1 / 2


def test_empty_parent_body_line_vanishes(template):
    context = load("context_sample")
    context["co_quan"]["chu_quan"] = ""
    document = render(template, context)
    assert cell_texts(document.tables[0].cell(0, 0)) == ["SỞ NỘI VỤ", ""]


# -- Kính gửi and body --


def test_several_addressees_hang_under_the_first_dash(sample):
    paragraph = sample.paragraphs[0]
    assert paragraph.text == "Kính gửi:\t- Ủy ban nhân dân phường Nha Trang;\n- Trạm y tế phường Nha Trang."
    fmt = paragraph.paragraph_format
    assert fmt.first_line_indent.twips < 0 < fmt.left_indent.twips + fmt.first_line_indent.twips
    assert [stop.position.twips for stop in fmt.tab_stops] == [fmt.left_indent.twips]
    assert_runs(paragraph, sample, 14, bold=False, italic=False)


def test_one_addressee_is_one_centred_line(all_pass):
    paragraph = all_pass.paragraphs[0]
    assert paragraph.text == "Kính gửi: Ủy ban nhân dân xã Cam Lâm"
    assert para_format(paragraph, "alignment") == 1
    assert_runs(paragraph, all_pass, 14, bold=False, italic=False)


@pytest.mark.parametrize("name", ["context_sample", "context_all_pass"])
def test_body_sections_in_order_with_no_extra_paragraphs(template, name):
    context = load(name)
    document = render(template, context)
    assert [p.text for p in document.paragraphs] == expected_body(context)


def test_body_formatting(sample):
    context = load("context_sample")
    body = {p.text: p for p in sample.paragraphs}
    first = context["bang"][0]
    weakest = first["nhom"][0]["tieu_chi"][0]
    plain = [*context["can_cu"], context["mo_dau"], first["tong_quan"], weakest["nhan_xet"],
             weakest["chi_dao"][0], context["chi_dao_chung"][0]["noi_dung"][0]]
    for text in plain:
        paragraph = body[text]
        assert_runs(paragraph, sample, 14, bold=False, italic=False)
        assert para_format(paragraph, "alignment") == 3  # justified
        assert para_format(paragraph, "first_line_indent").twips == 720
    for section in [*context["bang"], *context["chi_dao_chung"]]:
        assert_runs(body[f"{section['so']}. {section['tieu_de']}"], sample, 14, bold=True, italic=False)
    for group in first["nhom"]:
        assert_runs(body[f"{group['nhan']} {group['tieu_de']}"], sample, 14, bold=True, italic=True)
        for item in group["tieu_chi"]:
            assert_runs(body[f"- {item['tieu_de']}"], sample, 14, bold=False, italic=True)
    closing = sample.paragraphs[-2]
    assert closing.text.endswith("các nội dung trên./.")
    assert_runs(closing, sample, 14, bold=False, italic=False)
    assert_runs(sample.paragraphs[-1], sample, 14, bold=False, italic=True)  # (Đính kèm ...)


# -- Nơi nhận and signature --


def test_distribution_beside_signature(sample):
    context = load("context_sample")
    table = sample.tables[1]
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    assert cell_texts(recipients) == ["Nơi nhận:"] + [f"- {line}" for line in context["noi_nhan"]]
    assert_runs(recipients.paragraphs[0], sample, 12, bold=True, italic=True)
    for paragraph in recipients.paragraphs:
        assert para_format(paragraph, "alignment") == 0  # left
        assert para_format(paragraph, "first_line_indent").twips == 0
        assert para_format(paragraph, "line_spacing") == 1.0
    for paragraph in recipients.paragraphs[1:]:
        assert_runs(paragraph, sample, 11, bold=False, italic=False)
    assert cell_texts(signer) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Minh Hằng"]
    for paragraph in signer.paragraphs:
        assert_runs(paragraph, sample, 14, bold=True, italic=False)
        assert para_format(paragraph, "alignment") == 1
    assert signer.paragraphs[2].paragraph_format.space_before >= Pt(3 * 14)  # room to sign
    assert signer.paragraphs[0].paragraph_format.space_before in (None, Pt(0))  # level with "Nơi nhận:"
    assert len(sample.tables) == 2


def test_signer_without_authority_line(all_pass):
    assert cell_texts(all_pass.tables[1].cell(0, 1)) == ["GIÁM ĐỐC", "Lê Văn Dũng"]
    assert all_pass.paragraphs[-1].text.endswith("./.")  # no attachment line when dinh_kem is ""


# -- clean output --


@pytest.mark.parametrize("name", ["context_sample", "context_all_pass"])
def test_no_leftover_tags_or_empty_paragraphs(template, name):
    data = template.render(load(name))
    document = docx.Document(io.BytesIO(data))
    for paragraph in all_paragraphs(document):
        assert not re.search(r"\{\{|\}\}|\{%|%\}", paragraph.text), paragraph.text
        if not paragraph.text.strip():
            assert has_bottom_border(paragraph), "an empty paragraph was left where a tag was"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.endswith(".xml"):
                assert b"{{" not in archive.read(member) and b"{%" not in archive.read(member), member
    assert sum(has_bottom_border(p) for p in all_paragraphs(document)) == 2  # agency rule + Tiêu ngữ


def test_special_characters_survive(template):
    context = copy.deepcopy(load("context_sample"))
    odd = "A & B <C>"
    context["co_quan"]["ten"] = context["co_quan"]["ten_dong"] = odd
    context["kinh_gui"] = [f"Ủy ban nhân dân {odd}", "Trạm y tế phường Nha Trang"]
    context["kinh_gui_dong"] = [f"- Ủy ban nhân dân {odd};", "- Trạm y tế phường Nha Trang."]
    context["bang"][0]["tieu_de"] = f"Đối với Chỉ số hài lòng về sự phục vụ của UBND {odd}"
    context["noi_nhan"] = ["Như trên;", f"UBND {odd};", "Lưu: VT, CCHC (02b)."]
    document = render(template, context)
    assert document.tables[0].cell(0, 0).paragraphs[1].text == odd
    assert document.paragraphs[0].text.startswith(f"Kính gửi:\t- Ủy ban nhân dân {odd};\n")
    assert f"1. Đối với Chỉ số hài lòng về sự phục vụ của UBND {odd}" in [p.text for p in document.paragraphs]
    assert f"- UBND {odd};" in cell_texts(document.tables[1].cell(0, 0))
