"""Tests of the NĐ 30 layout checker (congvan.lint.check, congvan lint) on hand-made fixtures."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.errors import LayoutFileError
from congvan.lint.check import check_docx, read_docx
from congvan.lint.model import Finding
from congvan.lint.rules import estimate_pages

FIXTURES = Path(__file__).parent / "fixtures" / "layout"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
DOCS = Path(__file__).parent.parent / "docs" / "lint.md"


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def test_enough_fixtures() -> None:
    assert len(MANIFEST["faults"]) >= 20
    assert len(set(MANIFEST["faults"].values())) >= 20
    assert "clean_nha_trang_000.docx" in MANIFEST["clean"]


@pytest.mark.parametrize("name,rule", sorted(MANIFEST["faults"].items()))
def test_fault_flagged_with_its_rule_only(name: str, rule: str) -> None:
    findings = check_docx(FIXTURES / name)
    errors = {f.rule_id for f in _errors(findings)}
    assert errors == {rule}, [f"{f.rule_id}: {f.found}" for f in findings]
    flagged = next(f for f in findings if f.rule_id == rule)
    assert flagged.component and flagged.found and flagged.expected


@pytest.mark.parametrize("name", sorted(MANIFEST["clean"]))
def test_clean_fixture_has_no_error(name: str) -> None:
    findings = check_docx(FIXTURES / name)
    assert _errors(findings) == [], [f"{f.rule_id}: {f.found}" for f in findings]


def test_one_page_letter_without_page_number_is_a_warning() -> None:
    findings = check_docx(FIXTURES / "warn_one_page_no_page_number.docx")
    assert [(f.rule_id, f.severity) for f in findings] == [("ND30-PAGENUM-MISSING", "warning")]
    multi = check_docx(FIXTURES / "fault_page_number_missing.docx")
    assert [(f.rule_id, f.severity) for f in multi] == [("ND30-PAGENUM-MISSING", "error")]


def test_page_estimate() -> None:
    assert estimate_pages(read_docx(FIXTURES / "warn_one_page_no_page_number.docx")) == 1
    assert estimate_pages(read_docx(FIXTURES / "clean_base.docx")) == 2
    assert estimate_pages(read_docx(FIXTURES / "clean_nha_trang_000.docx")) == 2


def test_effective_formatting_resolved_through_styles() -> None:
    model = read_docx(FIXTURES / "clean_base.docx")
    body = next(p for p in model.paras if p.plain.startswith("Thực hiện Kế hoạch"))
    fmt = body.pieces[0].fmt  # the run sets nothing: font and size come from the Normal style
    assert (fmt.font_hansi, fmt.size, fmt.bold) == ("Times New Roman", 14.0, False)
    defaults = read_docx(FIXTURES / "clean_doc_defaults_font.docx")
    body = next(p for p in defaults.paras if p.plain.startswith("Thực hiện Kế hoạch"))
    assert (body.pieces[0].fmt.font_ascii, body.pieces[0].fmt.size) == ("Times New Roman", 14.0)
    calibri = read_docx(FIXTURES / "fault_font_normal_style_theme.docx")
    body = next(p for p in calibri.paras if p.plain.startswith("Thực hiện Kế hoạch"))
    assert body.pieces[0].fmt.font_hansi == "Cambria"  # docDefaults → theme minor font of python-docx


def test_finding_details() -> None:
    (margin,) = check_docx(FIXTURES / "fault_margin_left.docx")
    assert margin == Finding("ND30-MARGIN-LEFT", "error", "Lề trang", "lề trái 25,0 mm", "lề trái 30–35 mm",
                             "mục (section) 1")
    (so,) = check_docx(FIXTURES / "fault_so_not_padded.docx")
    assert "«5»" in so.found and "đoạn" in so.location
    (font,) = check_docx(FIXTURES / "fault_font_run_arial.docx")
    assert font.found == "phông Arial" and "2. Nghiên cứu" in font.location


@pytest.mark.parametrize("content,message", [
    (b"", "rỗng"),
    (b"this is plain text, not a docx", "không phải tệp .docx"),
])
def test_unreadable_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    with pytest.raises(LayoutFileError, match=message):
        check_docx(path)


def test_zip_without_document_raises(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(LayoutFileError, match="word/document.xml"):
        check_docx(path)


def _corrupt(tmp_path: Path) -> Path:
    data = bytearray((FIXTURES / "clean_base.docx").read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    data[offset] ^= 0xFF
    path = tmp_path / "corrupt.docx"
    path.write_bytes(bytes(data))
    return path


def test_cli_unreadable_files_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    text = tmp_path / "notes.docx"
    text.write_text("không phải docx", encoding="utf-8")
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes((FIXTURES / "clean_base.docx").read_bytes()[:400])
    for path in (empty, text, truncated, _corrupt(tmp_path)):
        result = CliRunner().invoke(cli, ["lint", str(path)])
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1 and result.output.startswith("Lỗi: ")
        assert "Traceback" not in result.output


def test_cli_exit_codes_and_text_output() -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["lint", str(FIXTURES / "clean_base.docx")])
    assert clean.exit_code == 0, clean.output
    warned = runner.invoke(cli, ["lint", str(FIXTURES / "warn_one_page_no_page_number.docx")])
    assert warned.exit_code == 0
    assert "[ND30-PAGENUM-MISSING] warning Số trang:" in warned.output
    fault = FIXTURES / "fault_margin_left.docx"
    bad = runner.invoke(cli, ["lint", str(FIXTURES / "clean_base.docx"), str(fault)])
    assert bad.exit_code == 1
    assert f"{fault}: [ND30-MARGIN-LEFT] error Lề trang: lề trái 25,0 mm ; cần: lề trái 30–35 mm" in bad.output


def test_cli_json(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["lint", "--json", str(FIXTURES / "fault_so_cv.docx"), str(empty)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report[0]["findings"][0]["rule_id"] == "ND30-SO-CV"
    assert report[0]["findings"][0]["severity"] == "error"
    assert report[1]["error"] and report[1]["findings"] == []


def test_help_ends_with_example() -> None:
    result = CliRunner().invoke(cli, ["lint", "--help"])
    assert "Ví dụ:" in result.output and "congvan lint" in result.output.split("Ví dụ:")[1]


def test_every_rule_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    source = "".join(path.read_text(encoding="utf-8")
                     for path in (Path(__file__).parent.parent / "congvan" / "lint").glob("*.py"))
    rules = set(re.findall(r'"(ND30-[A-Z0-9-]+)"', source))
    rules |= {f"ND30-MARGIN-{side}" for side in ("TOP", "BOTTOM", "LEFT", "RIGHT")}
    assert len(rules) > 50
    missing = sorted(r for r in rules if r not in text)
    assert not missing


def test_rendered_template_if_present(tmp_path: Path) -> None:
    """Letters rendered from our own template must pass (skipped until the template exists)."""
    root = Path(__file__).parent.parent
    template = root / "templates_docx" / "cong_van_chi_dao.docx"
    context_file = root / "tests" / "fixtures" / "context_sample.json"
    if not template.exists() or not context_file.exists():
        pytest.skip("templates_docx/cong_van_chi_dao.docx or tests/fixtures/context_sample.json not built yet")
    from congvan.render.template import render_file

    context = json.loads(context_file.read_text(encoding="utf-8"))
    out = tmp_path / "letter.docx"
    out.write_bytes(render_file(template, context))
    errors = _errors(check_docx(out))
    assert errors == [], [f"{f.rule_id}: {f.found}" for f in errors]


ROUND_TRIP = {
    "clean_base.docx": set(),
    "clean_nha_trang_000.docx": set(),
    "fault_tieu_ngu_no_rule.docx": {"ND30-TIEUNGU-RULE"},
    "fault_page_number_first_page.docx": {"ND30-PAGENUM-FIRST"},
    "fault_font_normal_style_theme.docx": {"ND30-FONT"},
    "fault_kinh_gui_list_end.docx": {"ND30-KINHGUI-LIST"},
}


@pytest.mark.soffice
def test_same_result_after_libreoffice_resave(tmp_path: Path) -> None:
    """A .docx re-written by LibreOffice (other styles, field and drawing markup) gives the same errors."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required when CI=true")
        pytest.skip("LibreOffice (soffice) not installed")
    src = tmp_path / "src"
    src.mkdir()
    for name in ROUND_TRIP:
        shutil.copy(FIXTURES / name, src / name)
    out = tmp_path / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(out), *sorted(str(p) for p in src.iterdir())],
        check=True, capture_output=True, timeout=300,
    )
    for name, rules in ROUND_TRIP.items():
        errors = {f.rule_id for f in _errors(check_docx(out / name))}
        assert errors == rules, name
