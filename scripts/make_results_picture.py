"""Render docs/results_layout.png: the Sở Nội vụ fixture workbook coloured by what congvan reads, skips and ignores.

The workbook is the `sipas_published` layout of tests/fixtures/workbooks/make_workbooks.py. It is read with
the library exactly as `build` reads it; rows and columns are coloured from what the reader returned (units
read, and the header found by `congvan.sources.layout`), a legend is written beside the table, and
LibreOffice renders the sheet to PNG.

    python scripts/make_results_picture.py [OUT.png]     # default: docs/results_layout.png
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, PatternFill

from congvan.sources.catalog import load_catalog
from congvan.sources.layout import header_key
from congvan.sources.results import load_results

ROOT = Path(__file__).resolve().parent.parent
GREEN, BLUE, GREY, YELLOW = "C6EFCE", "DDEBF7", "D9D9D9", "FFF2CC"
LEGEND = [
    (BLUE, "Tiêu đề cột (2 dòng gộp): tìm thấy dưới khối tiêu đề văn bản"),
    (GREEN, "Đơn vị và điểm: được đọc (SIPAS chung = chỉ số chung chính thức, cot_chi_so_chung)"),
    (GREY, "Bỏ qua, có cảnh báo: dòng nhóm I / II, dòng Bình quân chung, chữ ký dưới bảng"),
    (YELLOW, "Cột Ghi chú, STT: bỏ qua mặc định. Cột lạ không khai báo: bị từ chối, báo đúng tên cột"),
]


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", start_color=color, end_color=color)


def main(out: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_workbooks", ROOT / "tests/fixtures/workbooks/make_workbooks.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules["make_workbooks"] = gen
    spec.loader.exec_module(gen)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "ket_qua.xlsx"
        gen.LAYOUTS["sipas_published"].write(book)
        catalog_path = folder / "tieu_chi.toml"
        catalog_path.write_text((ROOT / "data/tieu_chi.toml").read_text(encoding="utf-8").replace(
            'ma = "ubnd_xa"', 'ma = "ubnd_xa"\ncot_chi_so_chung = ["SIPAS chung"]', 1), encoding="utf-8")
        ubnd = load_results([book], load_catalog(catalog_path))[0]
        workbook = openpyxl.load_workbook(book)
        workbook.remove(workbook[gen.TYT])
        sheet = workbook[gen.UBND]
        last = max(ubnd.rows.values())
        header = next(r for r in range(1, 20) if header_key(sheet.cell(r, 2).value) == "đơn vị")
        ignored = {c for c in range(1, sheet.max_column + 1)
                   if header_key(sheet.cell(header, c).value) in ("stt", "ghi chú")}
        for row in range(header, sheet.max_row + 1):
            for column in range(1, sheet.max_column + 1):
                color = BLUE if row <= header + 1 else GREEN if row in ubnd.rows.values() else GREY
                if column in ignored and row > header + 1:
                    color = YELLOW
                if row > header + 1 and row not in ubnd.rows.values() and row > last + 2:
                    color = GREY if sheet.cell(row, column).value is not None else None
                if color:
                    sheet.cell(row, column).fill = _fill(color)
        for cell in sheet[header + 1]:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[header + 1].height = 45
        for offset, (color, text) in enumerate(LEGEND, start=sheet.max_row + 2):
            sheet.cell(offset, 1).fill = _fill(color)
            sheet.cell(offset, 2, text)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        workbook.save(book)
        render_first_page(book, out)
    print(out)


def render_first_page(book: Path, out: Path, resolution: int = 90) -> None:
    """Sheet -> PDF (LibreOffice, its own profile: another one may be running) -> PNG of page 1 (pdftoppm)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit("cần LibreOffice (soffice) và poppler-utils (pdftoppm) để vẽ hình.")
    profile = (book.parent / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(book.parent), str(book)], check=True, capture_output=True, timeout=120)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", str(resolution), "-singlefile", str(book.with_suffix(".pdf")),
                    str(out.with_suffix(""))], check=True, capture_output=True, timeout=60)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "results_layout.png")
