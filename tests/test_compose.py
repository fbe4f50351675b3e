"""`congvan compose`: one-off letters of seven types, attachments on their own pages, the examples rebuilt."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from congvan import clock
from congvan.batch.workflows import IssueRequest, issue
from congvan.cli.main import cli
from congvan.compose.letter import TEMPLATE_FILES
from congvan.compose.markup import parse, plain_lines, read_body
from congvan.compose.workflow import ComposeRequest, compose
from congvan.config import load_workspace
from congvan.config.letter_schema import DOCUMENT_TYPES
from congvan.errors import DataError, RegisterError
from congvan.lint.check import check_docx
from congvan.register.store import Register
from tests.conftest import ROOT, require_tool

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EXAMPLES = ROOT / "examples"


# -- helpers --


def lines_of(data: bytes) -> list[str]:
    """Every line of the letter as a reader sees it: paragraphs split at line breaks and tabs, blanks dropped."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for paragraph in root.iter(f"{W}p"):
        text = "".join(node.text or "" if node.tag == f"{W}t" else "\n"
                       for node in paragraph.iter(f"{W}t", f"{W}br", f"{W}tab"))
        out += [squash(part) for part in text.split("\n") if squash(part)]
    return out


def squash(text: str) -> str:
    """NFC, single spaces, en dashes as hyphens, no "**" (the examples mark bold so); percentages as
    docs/nd30.md §8 writes them: the examples' "74,16 %" and "72.18%" are "74,16%" and "72,18%", and
    their "73,2%" is congvan's "73,20%" (two decimals, as published SIPAS tables)."""
    text = unicodedata.normalize("NFC", text).replace("**", "").replace("–", "-")
    text = re.sub(r"(\d) %", r"\1%", re.sub(r"(\d)\.(\d+) ?%", r"\1,\2%", text))
    text = re.sub(r"(,\d)0%", r"\1%", text)
    return " ".join(text.split())


def paragraphs(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return {squash("".join(p.itertext())): p for p in root.iter(f"{W}p") if squash("".join(p.itertext()))}


def bold(paragraph: etree._Element) -> bool:
    runs = [r for r in paragraph.iter(f"{W}r") if "".join(r.itertext()).strip()]
    return bool(runs) and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)


def lint_errors(path: Path) -> list[str]:
    """Every lint finding, errors and warnings alike."""
    return [f"{f.rule_id}: {f.found}" for f in check_docx(path)]


def write_letter(folder: Path, name: str, front: str, body: str) -> Path:
    (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    path = folder / f"{name}.toml"
    path.write_text(f'noi_dung = "{name}.txt"\n' + front, encoding="utf-8")
    return path


def example_workspace(tmp_path: Path, name: str) -> Path:
    """A copy of examples/<name> whose paths to the repository's sample data are absolute."""
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("output"))
    config = target / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../", f"{ROOT}/"), encoding="utf-8")
    return target


def example_lines(name: str) -> list[str]:
    """The published letter's text, kept beside its example (examples/<name>/van_ban_goc.txt)."""
    path = EXAMPLES / name / "van_ban_goc.txt"
    return [squash(line) for line in path.read_text(encoding="utf-8").splitlines() if squash(line)]


def compare_with_example(data: bytes, expected: list[str]) -> None:
    """The letter from "Kính gửi:" to the signer's name is the example line for line; every header line of the
    letter is in the example's header (which may wrap the V/v text elsewhere)."""
    got = lines_of(data)
    start_got, start_expected = got.index("Kính gửi:"), expected.index("Kính gửi:")
    assert got[start_got:] == expected[start_expected:]
    header = " ".join(expected[:start_expected])
    for line in got[:start_got]:
        assert line in header, line


# -- the body markup --


def test_markup_makes_paragraphs_items_headings_runs_and_tables():
    body = ("Mở đầu có **chữ đậm** và *chữ nghiêng*.\n\n1. Mục có tiêu đề\n"
            "a) Điểm thứ nhất;\n- Gạch đầu dòng.\nGiao Phòng Nội vụ:\n"
            "| Tiêu chí | Kết quả |\n|---|---|\n| Tiếp cận dịch vụ | 72,21% |\nKết thúc./.\n")
    blocks = parse(body, {}, "thu.txt")
    kinds = [(b["kind"], b.get("style")) for b in blocks]
    assert kinds == [("paragraph", "body"), ("paragraph", "heading"), ("paragraph", "body"), ("paragraph", "body"),
                     ("paragraph", "heading"), ("table", None), ("paragraph", "body")]
    assert blocks[0]["runs"] == [["Mở đầu có ", False, False], ["chữ đậm", True, False], [" và ", False, False],
                                 ["chữ nghiêng", False, True], [".", False, False]]
    assert blocks[5] == {"kind": "table", "rows": [["Tiêu chí", "Kết quả"], ["Tiếp cận dịch vụ", "72,21%"]],
                         "header": True}
    assert plain_lines(blocks)[-2:] == ["Tiếp cận dịch vụ | 72,21%", "Kết thúc./."]


def test_markup_mistakes_name_file_and_line():
    with pytest.raises(DataError, match=r"thu\.txt, dòng 2.*chưa đóng"):
        parse("Đúng.\nSai **chỗ này.\n", {}, "thu.txt")
    with pytest.raises(DataError, match=r"thu\.txt, dòng 3.*khong_co"):
        parse("Một.\n\nNăm {{ khong_co }}.\n", {"nam": 2024}, "thu.txt")
    assert parse("Năm {{ nam }}.", {"nam": 2024}, "thu.txt")[0]["runs"] == [["Năm 2024.", False, False]]


def test_word_body_keeps_paragraphs_emphasis_and_lists_and_drops_formatting(tmp_path):
    document = docx.Document()
    first = document.add_paragraph()
    first.add_run("Kính đề nghị ").font.size = docx.shared.Pt(9)
    first.add_run("các đơn vị").bold = True
    first.add_run(" thực hiện ")
    first.add_run("khẩn trương").italic = True
    first.paragraph_format.left_indent = docx.shared.Cm(4)
    document.add_paragraph("Một việc trong danh sách", style="List Bullet")
    document.add_paragraph("1. Việc đã đánh số;", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("Tiêu chí", "Kết quả"), ("Tiếp cận", "72,21%")), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "noi_dung.docx"
    document.save(path)
    blocks = read_body(path, {}, "noi_dung.docx")
    assert plain_lines(blocks) == ["Kính đề nghị các đơn vị thực hiện khẩn trương", "- Một việc trong danh sách",
                                   "1. Việc đã đánh số;", "Tiêu chí | Kết quả", "Tiếp cận | 72,21%"]
    assert blocks[0]["runs"][1] == ["các đơn vị", True, False] and blocks[0]["runs"][3] == ["khẩn trương", False, True]
    assert blocks[0]["style"] == "body"  # the 4 cm indent and 9 pt size are gone: NĐ 30's body paragraph


# -- the examples --


def test_example_000_is_rebuilt_line_for_line_issued_with_its_number_and_date(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    result = compose(ComposeRequest(ws, ws / "thu.toml"))
    assert result.issued is not None
    (letter,) = result.issued.letters
    assert letter.number_symbol == "5237/UBND-NV" and result.issued.issued_date == dt.date(2023, 7, 4)
    data = letter.path.read_bytes()
    compare_with_example(data, example_lines("000_nha_trang"))
    assert lint_errors(letter.path) == []
    with Register(load_workspace(ws).register_url) as register:
        (record,) = register.records(organ="UBND", year=2023)
    assert (record.number, record.code_notation, record.issued_date, record.type_name) == (
        5237, "UBND-NV", dt.date(2023, 7, 4), "Công văn")
    batches = set((ws / "output" / "drafts").iterdir())
    with pytest.raises(RegisterError, match="5237"):  # the number is taken: refused, no second draft written
        compose(ComposeRequest(ws, ws / "thu.toml"))
    assert set((ws / "output" / "drafts").iterdir()) == batches


def test_example_002_draft_is_rebuilt_line_for_line(tmp_path, monkeypatch):
    ws = example_workspace(tmp_path, "002_gia_nghia")
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2024, 3, 5, 9, 0, tzinfo=clock.VIETNAM_TZ))
    result = compose(ComposeRequest(ws, ws / "thu.toml"))
    assert result.issued is None
    (path,) = result.letters
    assert "{{ ket_qua_tat_ca|liet_ke(" in (ws / "noi_dung.txt").read_text(encoding="utf-8")  # figures from data
    compare_with_example(path.read_bytes(), example_lines("002_gia_nghia"))
    assert lint_errors(path) == []


# -- the seven types --

TYPE_FRONT = {
    "công văn": ("UBND-NV", ""),
    "thông báo": ("TB-UBND", ""),
    "kế hoạch": ("KH-UBND", ""),
    "báo cáo": ("BC-UBND", 'kinh_gui = "Ủy ban nhân dân tỉnh"\n'),
    "tờ trình": ("TTr-UBND", 'kinh_gui = "Ủy ban nhân dân tỉnh"\n'),
    "quyết định": ("QĐ-UBND", 'tham_quyen = "Chủ tịch Ủy ban nhân dân thành phố Nha Trang"\n'
                              'can_cu = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"]\n'
                              'noi_nhan = ["Như Điều 3", "Sở Nội vụ (b/c)"]\n'),
    "giấy mời": ("GM-UBND", ""),
}


@pytest.mark.parametrize("kind", DOCUMENT_TYPES)
def test_each_type_has_its_layout_its_symbol_and_passes_lint(tmp_path, kind):
    ws = example_workspace(tmp_path, "000_nha_trang")
    symbol, extra = TYPE_FRONT[kind]
    body = ("Điều 1. Phê duyệt danh sách.\nĐiều 2. Giao Phòng Nội vụ theo dõi.\n"
            "Điều 3. Chánh Văn phòng và các cơ quan liên quan chịu trách nhiệm thi hành Quyết định này./.\n"
            if kind == "quyết định" else "1. Nội dung thứ nhất.\n- Việc cụ thể.\nĐề nghị thực hiện./.\n")
    front = f'loai = "{kind}"\ntrich_yeu = "Về việc tổ chức hội nghị sơ kết"\nluu = "VT, NV (02b)"\n'
    if "kinh_gui" not in extra and kind != "quyết định":
        front += 'kinh_gui = "@kinh-gui"\n'
    letter = write_letter(ws, "van_ban", front + extra, body)
    result = compose(ComposeRequest(ws, letter))
    issued = issue(IssueRequest(ws, result.batch_dir, issued_on=dt.date(2026, 3, 2)))
    (done,) = issued.letters
    assert done.number_symbol == f"1/{symbol}".replace("1/", "01/")
    data = done.path.read_bytes()
    found = paragraphs(data)
    lines = lines_of(data)
    if kind == "công văn":
        assert "V/v Về việc tổ chức hội nghị sơ kết" in found
    else:
        assert bold(found[kind.upper()]) and bold(found["Về việc tổ chức hội nghị sơ kết"])
        assert lines.index(kind.upper()) + 1 == lines.index("Về việc tổ chức hội nghị sơ kết")
    if kind == "quyết định":
        assert lines[lines.index("QUYẾT ĐỊNH") + 2] == "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ NHA TRANG"
        assert bold(found["QUYẾT ĐỊNH:"]) and "- Như Điều 3;" in lines and "- Như trên;" not in lines
        assert "Kính gửi:" not in " ".join(lines)
    # lint knows the type (it applies the V/v and Kính gửi rules only where the type uses them): no finding at all
    assert lint_errors(done.path) == []


# -- attachments, Kính gửi on one line, dash-only body, VBĐT --


@pytest.fixture
def attached(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    (ws / "thong_bao.txt").write_text("Sở Nội vụ thông báo lịch tiếp công dân như sau:\n"
                                      "- Thời gian: sáng thứ Năm hằng tuần.\n- Địa điểm: trụ sở Sở./.\n",
                                      encoding="utf-8")
    (ws / "danh_sach.txt").write_text("| STT | Đơn vị |\n|---|---|\n| 1 | Phường Nha Trang |\n", encoding="utf-8")
    front = ('trich_yeu = "lịch tiếp công dân"\nkinh_gui = "Các phòng, đơn vị trực thuộc Sở"\n'
             'noi_nhan = ["Như trên (VBĐT)", "Giám đốc Sở (b/c)"]\nluu = "VT, VP (01b)"\n'
             '[nguoi_ky]\nchuc_vu = "GIÁM ĐỐC"\nho_ten = "Trần Văn Nam"\n'
             '[[phu_luc]]\nkieu = "van_ban"\nloai = "Thông báo"\ntieu_de = "Lịch tiếp công dân năm 2026"\n'
             'noi_dung = "thong_bao.txt"\nky = "Sở Nội vụ"\n'
             '[[phu_luc]]\ntieu_de = "Danh sách đơn vị"\nnoi_dung = "danh_sach.txt"\n')
    letter = write_letter(ws, "lich", front, "- Các đơn vị bố trí cán bộ tiếp công dân.\n"
                                             "- Niêm yết lịch tại trụ sở./.\n")
    result = compose(ComposeRequest(ws, letter))
    return result.letters[0]


def test_a_composed_letter_is_recreated_byte_for_byte_from_the_register(attached, tmp_path):
    ws = attached.parents[3]
    issued = issue(IssueRequest(ws, attached.parent, issued_on=dt.date(2026, 3, 2)))
    (done,) = issued.letters
    out = tmp_path / "lai.docx"
    result = CliRunner().invoke(cli, ["register", "recreate", "01", "--year", "2026", "-w", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == done.path.read_bytes()
    assert "THÔNG BÁO" in lines_of(out.read_bytes())


def test_one_line_kinh_gui_dash_body_vbdt_first_line_and_attachments(attached):
    data = attached.read_bytes()
    lines = lines_of(data)
    assert "Kính gửi: Các phòng, đơn vị trực thuộc Sở" in lines
    assert lines[lines.index("Kính gửi: Các phòng, đơn vị trực thuộc Sở") + 1] == (
        "- Các đơn vị bố trí cán bộ tiếp công dân.")
    assert "- Như trên (VBĐT);" in lines and "- Như trên;" not in lines
    assert lines[lines.index("GIÁM ĐỐC") + 1] == "Trần Văn Nam"
    notice = lines.index("THÔNG BÁO")
    assert lines[notice:notice + 3] == ["THÔNG BÁO", "LỊCH TIẾP CÔNG DÂN NĂM 2026",
                                        "Sở Nội vụ thông báo lịch tiếp công dân như sau:"]
    assert lines[lines.index("- Địa điểm: trụ sở Sở./.") + 1] == "SỞ NỘI VỤ"
    appendix = lines.index("Phụ lục")
    assert lines[appendix + 1] == "DANH SÁCH ĐƠN VỊ"
    assert lines[appendix + 2].startswith("(Kèm theo Công văn số")
    found = paragraphs(data)
    for title in ("THÔNG BÁO", "Phụ lục"):
        assert found[title].find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert lint_errors(attached) == []


@pytest.mark.soffice
def test_attachment_starts_page_two_in_the_pdf(attached, tmp_path):
    require_tool("soffice")
    from congvan.pdf.convert import convert_to_pdf

    (pdf,) = convert_to_pdf([attached], tmp_path / "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                           text=True).stdout.split("\f")
    pages = [squash(p) for p in pages if p.strip()]
    assert len(pages) == 3
    assert re.sub(r"^\d+ ", "", pages[1]).startswith("THÔNG BÁO LỊCH TIẾP CÔNG DÂN NĂM 2026")
    assert re.sub(r"^\d+ ", "", pages[2]).startswith("Phụ lục DANH SÁCH ĐƠN VỊ")


def test_unknown_front_matter_key_is_refused_with_a_suggestion(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    letter = write_letter(ws, "sai", 'trich_yeu = "x"\nkinh_gui_ = "A"\n', "Nội dung./.\n")
    result = CliRunner().invoke(cli, ["compose", str(letter), "-w", str(ws)])
    assert result.exit_code == 1
    assert "kinh_gui_" in result.output and "kinh_gui" in result.output and "sai.toml" in result.output
    assert not (ws / "output" / "drafts").exists() or not any((ws / "output" / "drafts").iterdir())


# -- templates, mail merge, inline results, escaping --


def test_committed_compose_templates_are_what_the_script_builds():
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location("build_compose_templates",
                                                      ROOT / "scripts" / "build_compose_templates.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for kind, name in TEMPLATE_FILES.items():
        built = zipfile.ZipFile(io.BytesIO(module.build_bytes(kind)))
        with zipfile.ZipFile(ROOT / "templates_docx" / name) as committed:
            assert sorted(built.namelist()) == sorted(committed.namelist())
            for part in ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml"):
                assert (etree.tostring(etree.fromstring(built.read(part)), method="c14n")
                        == etree.tostring(etree.fromstring(committed.read(part)), method="c14n")), (
                    f"{name} {part} differs: run scripts/build_compose_templates.py and commit templates_docx/")


def test_one_letter_per_unit_in_one_batch_with_consecutive_numbers(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    lists = ws / "recipients" / "danh_sach.toml"
    lists.write_text(lists.read_text(encoding="utf-8") + 'phuong = ["UBND phường Nha Trang", "UBND phường Bắc Nha '
                     'Trang", "UBND xã Vĩnh Thái"]\n', encoding="utf-8")
    letter = write_letter(ws, "moi", 'loai = "giấy mời"\ntrich_yeu = "dự hội nghị sơ kết"\n'
                                     'gui_tung_don_vi = "@phuong"\nluu = "VT, NV (02b)"\n',
                          "Ủy ban nhân dân thành phố trân trọng kính mời đại diện {{ don_vi }} dự hội nghị./.\n")
    result = compose(ComposeRequest(ws, letter))
    assert len(result.letters) == 3 and len({p.parent for p in result.letters}) == 1
    listed = CliRunner().invoke(cli, ["batches", "-w", str(ws)])
    assert f"{result.batch_dir.name}\t" in listed.output and "\tmoi.toml\tnháp" in listed.output
    issued = issue(IssueRequest(ws, result.batch_dir, issued_on=dt.date(2026, 3, 2)))
    assert [x.number_symbol for x in issued.letters] == ["01/GM-UBND", "02/GM-UBND", "03/GM-UBND"]
    for unit, done in zip(("UBND phường Nha Trang", "UBND phường Bắc Nha Trang", "UBND xã Vĩnh Thái"),
                          issued.letters, strict=True):
        lines = lines_of(done.path.read_bytes())
        assert f"Kính gửi: {unit}" in lines
        assert f"Ủy ban nhân dân thành phố trân trọng kính mời đại diện {unit} dự hội nghị./." in lines


def test_a_body_lists_one_units_results_in_a_sentence(workspace):
    front = ('trich_yeu = "kết quả năm {{ nam }}"\nkinh_gui = "UBND phường Nha Trang"\n'
             '[ket_qua]\ntep = "data/ket_qua_2025.xlsx"\ndon_vi = "Phường Nha Trang"\n')
    letter = write_letter(workspace, "ket_qua", front,
                          "Kết quả như sau: {{ ket_qua_tat_ca|liet_ke }}.\n"
                          "MĐHL: {{ ket_qua_tat_ca[:2]|liet_ke('MĐHL về ') }}./.\n")
    result = compose(ComposeRequest(workspace, letter))
    lines = lines_of(result.letters[0].read_bytes())
    sentence = next(line for line in lines if line.startswith("Kết quả như sau:"))
    assert sentence.startswith("Kết quả như sau: Tiếp cận dịch vụ đạt 72,27%; ")
    assert "đạt 68,83%; " in sentence and sentence.count("; ") >= 5
    assert "MĐHL: MĐHL về Tiếp cận dịch vụ đạt 72,27%; MĐHL về " in " ".join(lines)


def test_typed_markup_characters_stay_text(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    letter = write_letter(ws, "ky_tu", 'trich_yeu = "thử <w:p> & \\"ký tự\\""\nkinh_gui = "A & B <C>"\n',
                          "Giá trị <w:r>&amp; 5 < 6 > 4 & \"trích\"./.\n")
    data = compose(ComposeRequest(ws, letter)).letters[0].read_bytes()
    lines = lines_of(data)
    assert "Giá trị <w:r>&amp; 5 < 6 > 4 & \"trích\"./." in lines
    assert "Kính gửi: A & B <C>" in lines and 'V/v thử <w:p> & "ký tự"' in lines


def test_a_body_edited_after_the_draft_makes_issue_refuse_the_batch(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    letter = write_letter(ws, "sua", 'trich_yeu = "thử"\nkinh_gui = "Phòng Nội vụ"\n', "Nội dung cũ./.\n")
    result = compose(ComposeRequest(ws, letter))
    (ws / "sua.txt").write_text("Nội dung mới./.\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"sua\.txt \(đã sửa\)"):
        issue(IssueRequest(ws, result.batch_dir, issued_on=dt.date(2026, 3, 2)))


def test_a_csv_sends_each_unit_its_own_letter_with_its_own_fields(tmp_path):
    ws = example_workspace(tmp_path, "000_nha_trang")
    (ws / "moi.csv").write_text("Kính gửi;Thời gian họp;Phòng\nUBND phường Nha Trang;8 giờ;Phòng 1\n\n"
                                "UBND xã Vĩnh Thái;14 giờ;Phòng 2\n", encoding="utf-8")
    letter = write_letter(ws, "moi", 'loai = "giấy mời"\ntrich_yeu = "dự họp"\ngui_tung_don_vi = "moi.csv"\n'
                                     'luu = "VT, NV (02b)"\n',
                          "Kính mời đại diện {{ don_vi }} dự họp lúc {{ thoi_gian_hop }} tại {{ phong }}./.\n")
    result = compose(ComposeRequest(ws, letter))
    texts = [lines_of(p.read_bytes()) for p in result.letters]
    assert "Kính mời đại diện UBND phường Nha Trang dự họp lúc 8 giờ tại Phòng 1./." in texts[0]
    assert "Kính gửi: UBND xã Vĩnh Thái" in texts[1]
    assert "Kính mời đại diện UBND xã Vĩnh Thái dự họp lúc 14 giờ tại Phòng 2./." in texts[1]
    (ws / "moi.csv").write_text("Kính gửi;Phòng\n;Phòng 1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"moi\.csv, dòng 2.*Kính gửi"):
        compose(ComposeRequest(ws, letter))
