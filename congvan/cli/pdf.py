"""`congvan pdf`: issued letters to PDF with LibreOffice (see congvan.pdf)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.errors import PdfError
from congvan.pdf import collect_docx, convert_to_pdf


@cli.command("pdf")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs. Default: beside each .docx.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="LibreOffice processes run at once. Default: 2 (or 1 on a 1-CPU machine).")
@click.option("--overwrite", is_flag=True, help="Replace PDFs that already exist (never done otherwise).")
def pdf_command(paths: tuple[Path, ...], out: Path | None, workers: int | None, overwrite: bool) -> None:
    """Convert issued letters (.docx files, or every .docx in a folder) to PDF for sending.

    Folders are not searched recursively; template.docx and hidden or temporary files are skipped.
    An existing PDF is never replaced unless --overwrite is given. Needs LibreOffice
    (apt-get install libreoffice-writer-nogui fonts-liberation2).

    \b
    Example:
        congvan pdf output/2026
        congvan pdf output/2026/05-SNV-CCHC_phuong-nha-trang.docx --out gui_di
        congvan pdf output/2026 --overwrite --workers 1
    """
    files = collect_docx(paths)
    if not files:
        raise PdfError("không có tệp .docx nào để chuyển sang PDF trong: " + ", ".join(map(str, paths)))
    with click.progressbar(length=len(files), label="Đang tạo PDF", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        pdfs = convert_to_pdf(files, out, workers=workers, overwrite=overwrite, progress=bar.update)
    folders = sorted({str(p.parent) for p in pdfs})
    where = folders[0] if len(folders) == 1 else f"{len(folders)} thư mục: " + ", ".join(folders)
    click.echo(f"Đã tạo {len(pdfs)} tệp PDF tại {where}")
