"""PDF after LibreOffice: metadata from the letter, fonts, the print bundle, and `build --pdf --bundle`."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from congvan.batch import drafts
from congvan.cli import cli
from congvan.errors import OutputError
from congvan.pdf.finish import bundle, font_warning, letter_info, pdf_fonts
from tests.conftest import require_tool

A4 = (595.3, 841.9)


def make_pdf(path: Path, pages: int, size: tuple[float, float] = A4) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size[0], height=size[1])
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def page_texts(path: Path) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", page.extract_text() or "").split())
            for page in PdfReader(path).pages]


def batch(workspace: Path) -> Path:
    (folder,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    return folder


# -- without LibreOffice --


def test_bundle_starts_each_letter_on_a_front_page_and_bookmarks_it(tmp_path):
    letters = [make_pdf(tmp_path / f"{i}.pdf", pages) for i, pages in enumerate([3, 2, 1], start=1)]
    target = tmp_path / "ban_in.pdf"
    assert bundle(letters, target, titles=["Phường A", "Xã B", "Xã C"]) == 3 + 1 + 2 + 1
    reader = PdfReader(target)
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert [item.title for item in reader.outline] == ["Phường A", "Xã B", "Xã C"]
    assert starts == [0, 4, 6] and all(start % 2 == 0 for start in starts)
    simplex = tmp_path / "simplex.pdf"
    assert bundle(letters, simplex, duplex=False) == 6
    with pytest.raises(OutputError, match="không được ghi đè"):
        bundle(letters, simplex)  # never overwrites


def test_font_warning_names_other_fonts(tmp_path):
    pdf = tmp_path / "x.pdf"
    assert font_warning(pdf, ["LiberationSerif", "LiberationSerif-Bold", "OpenSymbol"]) is None
    assert font_warning(pdf, ["TimesNewRomanPSMT", "TimesNewRomanPS-BoldMT"]) is None
    warning = font_warning(pdf, ["LiberationSerif", "DejaVuSans"])
    assert warning and "DejaVuSans" in warning and "LiberationSerif," not in warning


def test_letter_info_reads_the_letter_itself(workspace):
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--issue", "--date", "2026-11-25",
                                      "--unit", "Xã Cam Lâm"])
    assert result.exit_code == 0, result.output
    draft = next(batch(workspace).glob("*_xa-cam-lam.docx"))
    (issued,) = (workspace / "output" / "2026").glob("*.docx")
    context = next(letter.context for letter in drafts.load_batch(draft.parent).letters if letter.file == draft.name)
    info = letter_info(draft)
    assert info.title == context["trich_yeu"] and info.author == "SỞ NỘI VỤ" and info.subject == ""
    assert letter_info(issued).subject == "01/SNV-CCHC"


# -- with LibreOffice --


@pytest.fixture
def soffice() -> None:
    require_tool("soffice")


def test_build_pdf_and_bundle(workspace, soffice):
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--pdf", "--bundle"])
    assert result.exit_code == 0, result.output
    folder = batch(workspace)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["letters"]
    stored = {letter.file: letter.context for letter in drafts.load_batch(folder).letters}
    assert "Phông chữ: LiberationSerif" in result.output or "Phông chữ: TimesNewRoman" in result.output
    expected_pages = 0
    starts = []
    for entry in manifest:
        pdf = folder / entry["file"].replace(".docx", ".pdf")
        context = stored[entry["file"]]
        texts = page_texts(pdf)
        reader = PdfReader(pdf)
        first = texts[0]
        assert context["don_vi"]["ten"] in first  # the unit's own name on page 1
        figures = [c["ket_qua"] for section in context["bang"] for c in section["tieu_chi"]]
        assert any(figure in first for figure in figures)  # and its own figures there
        for page in reader.pages:
            assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == A4
        for number, text in enumerate(texts[1:], start=2):  # NĐ 30: page numbers from page 2, at the top
            assert text.startswith(str(number)), (pdf.name, number, text[:40])
        assert context["ky"]["ho_ten"] in texts[-1]
        metadata = reader.metadata
        assert metadata.title == context["trich_yeu"] and metadata.author == "SỞ NỘI VỤ"
        assert (metadata.subject or "") == ""  # a draft has no number yet
        assert any(f.startswith(("LiberationSerif", "TimesNewRoman")) for f in pdf_fonts(pdf))
        starts.append(expected_pages)
        expected_pages += len(reader.pages) + len(reader.pages) % 2
    printed = folder / "ban_in.pdf"
    reader = PdfReader(printed)
    last_odd = len(PdfReader(folder / manifest[-1]["file"].replace(".docx", ".pdf")).pages) % 2
    assert len(reader.pages) == expected_pages - last_odd
    bundle_texts = page_texts(printed)
    for start, entry in zip(starts, manifest, strict=True):
        assert entry["unit"].split(" ", 1)[1] in bundle_texts[start]
    assert [item.title for item in reader.outline] == [entry["unit"] for entry in manifest]


def test_issued_pdf_subject_is_the_number(workspace, soffice):
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--issue", "--date", "2026-11-25", "--pdf",
                                      "--unit", "Phường Nha Trang"])
    assert result.exit_code == 0, result.output
    (pdf,) = (workspace / "output" / "2026").glob("*.pdf")
    assert PdfReader(pdf).metadata.subject == "01/SNV-CCHC"
    assert "Nha Trang" in page_texts(pdf)[0]


def test_a_letter_in_another_font_is_reported(tmp_path, soffice):
    document = docx.Document()
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.add_paragraph("Kính gửi: Ủy ban nhân dân phường Nha Trang")
    path = tmp_path / "khac.docx"
    document.save(path)
    result = CliRunner().invoke(cli, ["pdf", str(path)])
    assert result.exit_code == 0, result.output
    assert "DejaVuSans" in result.output and "không phải Times New Roman" in result.output


def test_pdf_command_bundle_keeps_going_past_a_corrupt_file(tmp_path, workspace, soffice):
    assert CliRunner().invoke(cli, ["build", "-w", str(workspace), "--unit", "Xã Cam Lâm"]).exit_code == 0
    folder = batch(workspace)
    (folder / "hong.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(cli, ["pdf", str(folder)])
    assert result.exit_code == 1 and "hong.docx" in result.output
    good = next(folder.glob("*_xa-cam-lam.pdf"))
    assert PdfReader(io.BytesIO(good.read_bytes())).metadata.author == "SỞ NỘI VỤ"
