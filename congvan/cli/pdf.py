"""`congvan pdf`: letters to PDF with LibreOffice (see congvan.pdf.convert), metadata, fonts, print bundle."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli, progress_bars

if TYPE_CHECKING:
    from congvan.pdf.finish import PdfResult


@cli.command("pdf")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs. Default: beside each .docx.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="LibreOffice processes run at once. Default: one per CPU core.")
@click.option("--overwrite", is_flag=True, help="Replace PDFs that already exist (never done otherwise).")
@click.option("--bundle", "bundle_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Also gather every letter into this one PDF for printing, each from a new page.")
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True,
              help="Workspace whose register decides: letters of its output/<year>/ that are not in the register "
                   "or were withdrawn are left out.")
@click.option("--simplex", is_flag=True,
              help="With --bundle: no blank page after letters with an odd page count (single-sided printing).")
def pdf_command(paths: tuple[Path, ...], out: Path | None, workers: int | None, overwrite: bool,
                bundle_to: Path | None, workspace: Path, simplex: bool) -> None:
    """Convert letters (.docx files, or every .docx in a folder) to PDF for sending (VBĐT) and printing.

    Each PDF gets the letter's trích yếu as title, the agency as author and, once issued, the số và
    ký hiệu as subject; the fonts it embeds are listed, with a warning unless they are Times New Roman
    or Liberation Serif. Folders are not searched recursively; template.docx and hidden or temporary
    files are skipped. An existing PDF is never replaced unless --overwrite is given. Needs LibreOffice
    (apt-get install libreoffice-writer-nogui fonts-liberation2).

    \b
    Example:
        congvan pdf output/2026
        congvan pdf output/drafts/20261122-101500-a1b2c3 --bundle in_ky.pdf
        congvan pdf output/2026/05-SNV-CCHC_phuong-nha-trang.docx --out gui_di
        congvan pdf output/2026 --overwrite --workers 1
    """
    from congvan.batch.workflows import PdfRequest, make_pdfs

    request = PdfRequest(paths=paths, out=out, workers=workers, overwrite=overwrite, bundle_to=bundle_to,
                         duplex=not simplex, workspace=workspace)
    with progress_bars() as progress:
        result = make_pdfs(request, progress)
    echo_pdf_result(result)


def echo_pdf_result(result: PdfResult) -> None:
    """Print where the PDFs went, their fonts, font warnings and the bundle."""
    folders = sorted({str(p.parent) for p in result.pdfs})
    where = folders[0] if len(folders) == 1 else f"{len(folders)} thư mục: " + ", ".join(folders)
    click.echo(f"Đã tạo {len(result.pdfs)} tệp PDF tại {where}")
    for line in result.report.summary():
        click.echo(f"Phông chữ: {line}")
    for warning in result.report.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    if result.bundle is not None:
        click.echo(f"Tệp in gộp: {result.bundle} ({result.bundle_pages} trang, {len(result.pdfs)} văn bản)")
