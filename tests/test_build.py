"""`congvan build` end to end: tailored letters parsed back from .docx, manifest, bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm

from congvan.batch import drafts
from congvan.cli import cli
from congvan.files import sha256_file
from tests.conftest import CRITERIA_HEADERS, HEALTH, UNITS, standard_sheets, write_workbook


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])


def batch_dir(workspace: Path) -> Path:
    (folder,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    return folder


def letter(workspace: Path, slug: str) -> docx.document.Document:
    (path,) = batch_dir(workspace).glob(f"*_{slug}.docx")
    return docx.Document(str(path))


def body_text(document) -> list[str]:
    """Paragraph texts of the body, outside the header and signature tables."""
    return [p.text for p in document.paragraphs]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def half_up(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def test_one_letter_per_unit_with_manifest_and_contexts(workspace):
    result = run(workspace)
    assert result.exit_code == 0, result.output
    folder = batch_dir(workspace)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["unit"] for e in manifest["letters"]) == sorted(UNITS)
    assert manifest["template"]["sha256"] == sha256_file(folder / "template.docx")
    assert manifest["symbol"] == "SNV-CCHC"
    stored = {letter.file: letter.context for letter in drafts.load_batch(folder).letters}
    for entry in manifest["letters"]:
        assert sha256_file(folder / entry["file"]) == entry["sha256"]
        context = stored[entry["file"]]
        assert context["don_vi"]["ten_hoa"] == entry["unit"]
        assert re.fullmatch(r"\d+_[a-z0-9-]+\.docx", entry["file"])
    nha_trang = next(e for e in manifest["letters"] if e["unit"] == "Phường Nha Trang")
    assert nha_trang["weaknesses"][:3] == ["tiep_don", "tiep_can", "phan_anh"]
    assert "5 văn bản nháp" in result.output


def test_unit_figures_verdict_texts_and_order(workspace):
    assert run(workspace).exit_code == 0
    text = all_text(letter(workspace, "phuong-nha-trang"))
    # its own figures, Vietnamese format
    for figure in ("72,27%", "68,83%", "85,70%", "84,50%", "87,17%", "73,22%", "76,46%"):
        assert figure in text
    assert "68.83" not in text
    headings = [line for line in body_text(letter(workspace, "phuong-nha-trang")) if "Đối với tiêu chí" in line]
    # weaknesses first, weakest first (gap -14,17, -10,73, -9,78), then the strengths
    order = [h.split("Đối với tiêu chí", 1)[1].strip() for h in headings]
    assert order[:3] == ["Điều kiện tiếp đón, phục vụ", "Tiếp cận dịch vụ", "Tiếp nhận, xử lý phản ánh, kiến nghị"]
    assert set(order[3:]) == {"Thủ tục hành chính", "Sự phục vụ của công chức", "Kết quả, tiến độ giải quyết công việc"}
    assert "14,17" in text and "chưa đạt" in text and "vượt chỉ tiêu" in text
    # another unit's figures never leak in
    assert "90,10%" not in text


def test_rank_and_average_are_right(workspace):
    assert run(workspace).exit_code == 0
    overall = {name: float(half_up(sum(s) / 6).replace(",", ".")) for name, s in UNITS.items()}
    ranked = sorted(overall.values(), reverse=True)
    average = half_up(sum(overall.values()) / len(overall))
    text = all_text(letter(workspace, "phuong-nha-trang"))
    nha_trang = overall["Phường Nha Trang"]
    rank = 1 + sum(1 for v in ranked if v > nha_trang)
    assert f"{half_up(nha_trang)}%, xếp thứ {rank}/5" in text
    assert f"Chỉ số chung của 5 đơn vị là {average}%" in text
    # Trạm y tế: 76,46 is 4th of 5 (0.6900 is last)
    assert "76,46%" in text and "4/5" in text


def test_all_pass_unit_reads_naturally_without_a_weakness_section(workspace):
    assert run(workspace).exit_code == 0
    document = letter(workspace, "xa-cam-lam")
    text = all_text(document)
    assert "Cả 6/6 tiêu chí đều đạt hoặc vượt chỉ tiêu giao" in text
    assert "chưa đạt chỉ tiêu, cần khắc phục" not in text
    assert "a) " not in text  # a single group needs no a)/b) labels
    assert "- Trạm y tế xã Cam Lâm" not in text  # its Trạm y tế met the target: not added to Kính gửi


def test_header_fields_fonts_sizes_and_margins(workspace):
    assert run(workspace).exit_code == 0
    document = letter(workspace, "phuong-nha-trang")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.right_margin - Mm(15)) < Mm(1)
    assert Mm(19) < section.top_margin < Mm(26) and Mm(19) < section.bottom_margin < Mm(26)
    text = all_text(document)
    today = dt.date.today()
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    assert re.search(r"Số:\s+/SNV-CCHC", text)
    assert re.search(rf"Khánh Hòa, ngày\s+tháng {month} năm {today.year}", text)
    for expected in ("UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nơi nhận:", "- Như trên;",
                     "- Lưu: VT, CCHC (02b)."):
        assert expected in text
    assert "./." in text
    fonts = set()
    for paragraph in _all_paragraphs(document):
        for run_ in paragraph.runs:
            if run_.text.strip():
                fonts.add(run_.font.name or _style_font(paragraph))
    assert fonts == {"Times New Roman"}


def test_xml_special_characters_in_a_unit_name_survive(workspace):
    units = {**UNITS, "Phường A & B <C>": [80.0] * 6}
    health = {**HEALTH, "Phường A & B <C>": 0.80}
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", standard_sheets(units, health), {"Trạm y tế": "0.00%"})
    assert run(workspace).exit_code == 0
    text = all_text(letter(workspace, "phuong-a-b-c"))
    assert "Ủy ban nhân dân phường A & B <C>" in text


def test_only_selected_units_and_dry_run(workspace):
    result = run(workspace, "--unit", "Xã Cam Lâm", "--dry-run")
    assert result.exit_code == 0 and "1 văn bản hợp lệ" in result.output
    assert not (workspace / "output" / "drafts").exists()
    assert run(workspace, "--unit", "xã cam lâm").exit_code == 0
    letters = [p.name for p in batch_dir(workspace).glob("*.docx") if p.name not in ("template.docx", "tong_hop.docx")]
    assert letters == ["3_xa-cam-lam.docx"]


def test_unit_missing_from_a_table_is_a_clear_error_or_a_configured_skip(workspace):
    health = {k: v for k, v in HEALTH.items() if k != "Xã Diên Khánh"}
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", standard_sheets(UNITS, health), {"Trạm y tế": "0.00%"})
    result = run(workspace)
    assert result.exit_code == 1
    assert "'Xã Diên Khánh' không có trong" in result.output and "sheet 'Trạm y tế'" in result.output
    assert not (workspace / "output" / "drafts").exists()
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('thieu_don_vi = "loi"', 'thieu_don_vi = "bo_qua"'),
                      encoding="utf-8")
    result = run(workspace)
    assert result.exit_code == 0 and "Cảnh báo: 'Xã Diên Khánh' không có trong bảng Trạm y tế" in result.output
    text = all_text(letter(workspace, "xa-dien-khanh"))
    assert "Trạm y tế xã Diên Khánh" not in text and "60,50%" in text


@pytest.mark.parametrize("mutate, expected", [
    (lambda s: s["UBND cấp xã"][4].__setitem__(3, "tốt"), "dòng 5, cột 'Điều kiện tiếp đón, phục vụ'"),
    (lambda s: s["UBND cấp xã"][3].__setitem__(2, 101), "nằm ngoài khoảng 0–100"),
    (lambda s: s["UBND cấp xã"].append([9, "Xã Cam Lâm", 80, 80, 80, 80, 80, 80]), "'Xã Cam Lâm' bị trùng"),
    (lambda s: [row.pop(4) for row in s["UBND cấp xã"][2:]], "thiếu cột tiêu chí"),
    (lambda s: s["UBND cấp xã"][2].__setitem__(7, "Phản ánh"), "cột 'Phản ánh'"),
], ids=["text-score", "out-of-range", "duplicate", "missing-column", "unknown-header"])
def test_bad_workbook_exits_non_zero_and_writes_nothing(workspace, mutate, expected):
    sheets = standard_sheets()
    mutate(sheets)
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", sheets, {"Trạm y tế": "0.00%"})
    result = run(workspace)
    assert result.exit_code == 1
    assert "ket_qua_2025.xlsx" in result.output and expected in result.output
    assert not (workspace / "output" / "drafts").exists()


def test_empty_workbook(workspace):
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", {"Trống": []})
    result = run(workspace)
    assert result.exit_code == 1 and "không có bảng kết quả nào" in result.output


def _template_with(workspace: Path, text: str) -> Path:
    path = workspace / "templates_docx" / "sai.docx"
    document = docx.Document(str(workspace / "templates_docx" / "cong_van_chi_dao.docx"))
    document.add_paragraph(text)
    document.save(str(path))
    return path


def test_template_with_an_undefined_name(workspace):
    template = _template_with(workspace, "Kính gửi {{ ten_khong_co }}")
    result = run(workspace, "--template", str(template))
    assert result.exit_code == 1 and "ten_khong_co" in result.output and "sai.docx" in result.output
    assert not (workspace / "output" / "drafts").exists()


def test_template_with_an_undefined_attribute(workspace):
    template = _template_with(workspace, "Đơn vị {{ don_vi.khong_co }}")
    result = run(workspace, "--template", str(template))
    assert result.exit_code == 1 and "khong_co" in result.output and "Đơn vị {{ don_vi.khong_co }}" in result.output
    assert not any((workspace / "output" / "drafts").glob("*/*.docx"))


def test_template_with_a_jinja_syntax_error(workspace):
    template = _template_with(workspace, "Lỗi {% for x in %}")
    result = run(workspace, "--template", str(template))
    assert result.exit_code == 1 and "lỗi mẫu" in result.output and "đoạn" in result.output
    assert not (workspace / "output" / "drafts").exists()


def test_init_scaffolds_a_workspace_that_builds(tmp_path):
    target = tmp_path / "moi"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for part in ("congvan.toml", "data/tieu_chi.toml", "data/ket_qua_2025.xlsx", "recipients/danh_sach.toml",
                 "templates_docx/cong_van_chi_dao.docx", "output"):
        assert (target / part).exists(), part
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 1  # never overwrites a workspace
    result = CliRunner().invoke(cli, ["build", "-w", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output


def test_every_command_help_ends_with_an_example():
    for args in (["--help"], ["build", "--help"], ["init", "--help"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Ví dụ:" in result.output


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _style_font(paragraph) -> str | None:
    style = paragraph.style
    while style is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    return None


def test_build_then_issue_numbers_every_letter_in_order(workspace):
    result = run(workspace, "--issue", "--date", "2026-01-05")
    assert result.exit_code == 0, result.output
    issued = sorted((workspace / "output" / "2026").glob("*.docx"))
    assert len(issued) == len(UNITS)
    texts = {path.name: all_text(docx.Document(str(path))) for path in issued}
    numbers = sorted(int(name.split("-", 1)[0]) for name in texts)
    assert numbers == list(range(1, len(UNITS) + 1))
    first = next(text for name, text in texts.items() if name.startswith("01-"))
    assert "Số: 01/SNV-CCHC" in first and "Khánh Hòa, ngày 05 tháng 01 năm 2026" in first
    listing = CliRunner().invoke(cli, ["register", "list", "-w", str(workspace), "--year", "2026"])
    assert listing.exit_code == 0 and "05/SNV-CCHC" in listing.output


def test_every_letter_build_writes_passes_lint_with_zero_errors(workspace):
    from congvan.lint.check import check_docx

    assert run(workspace, "--issue", "--date", "2026-03-09").exit_code == 0
    files = [p for p in batch_dir(workspace).glob("*.docx") if p.name not in ("template.docx", "tong_hop.docx")]
    files += list((workspace / "output" / "2026").glob("*.docx"))
    assert len(files) == 2 * len(UNITS)
    for path in files:
        errors = [f for f in check_docx(path) if f.severity == "error"]
        assert errors == [], (path.name, errors)


def test_issue_and_dry_run_do_not_mix(workspace):
    result = run(workspace, "--issue", "--dry-run")
    assert result.exit_code == 2 and not (workspace / "output" / "drafts").exists()


def test_an_issued_letter_is_recreated_byte_for_byte_from_the_register(workspace, tmp_path):
    assert run(workspace, "--issue", "--date", "2026-04-02").exit_code == 0
    out = tmp_path / "lai.docx"
    args = ["register", "recreate", "03", "--year", "2026", "-w", str(workspace), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "trùng khớp từng byte" in result.output
    (issued,) = (workspace / "output" / "2026").glob("03-SNV-CCHC_*.docx")
    assert out.read_bytes() == issued.read_bytes()
    assert CliRunner().invoke(cli, args).exit_code == 1  # never overwrites
    other = tmp_path / "mau-khac.docx"
    document = docx.Document(str(workspace / "templates_docx" / "cong_van_chi_dao.docx"))
    document.add_paragraph("thêm")
    document.save(str(other))
    result = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "b.docx"), "--template", str(other)])
    assert result.exit_code == 1 and "không phải mẫu đã dùng khi cấp số" in result.output


def test_catalog_order_when_configured(workspace):
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('thu_tu = "nhom"', 'thu_tu = "danh_muc"'),
                      encoding="utf-8")
    assert run(workspace).exit_code == 0
    lines = body_text(letter(workspace, "phuong-nha-trang"))
    order = [line.split("Đối với tiêu chí", 1)[1].strip() for line in lines if "Đối với tiêu chí" in line]
    assert order == CRITERIA_HEADERS
    assert not any(line.startswith(("a) ", "b) ")) for line in lines)


def test_reader_warnings_reach_the_clerk(workspace):
    import openpyxl

    path = workspace / "data" / "ket_qua_2025.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Trạm y tế"].sheet_state = "hidden"
    workbook.save(path)
    csv_path = workspace / "data" / "tram_y_te.csv"
    csv_path.write_text("Đơn vị;Chỉ số hài lòng\n" + "".join(f"{u};{v * 100:.2f}\n" for u, v in HEALTH.items()),
                        encoding="utf-8")
    result = run(workspace, "--data", str(path), "--data", str(csv_path))
    assert result.exit_code == 0, result.output
    assert "Cảnh báo:" in result.output and "sheet ẩn, không đọc" in result.output
    manifest = json.loads((batch_dir(workspace) / "manifest.json").read_text(encoding="utf-8"))
    assert any("sheet ẩn" in w for w in manifest["warnings"])
