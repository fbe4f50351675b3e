"""`congvan pdf`: letters to PDF with LibreOffice (see congvan.pdf.convert), metadata, fonts, print bundle."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli, progress_bars

if TYPE_CHECKING:
    from congvan.pdf.finish import PdfResult


@cli.command("pdf")
@click.argument("paths", nargs=-1, required=True, metavar="LÔ_HOẶC_TỆP...")
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Thư mục làm việc (có congvan.toml): sổ của nó cho biết văn bản đã cấp số, bỏ văn bản đã thu hồi "
                   "và văn bản trong output/<năm>/ không có trong sổ; \"latest\" là lô nháp mới nhất. "
                   "Mặc định: thư mục hiện tại nếu có congvan.toml.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục ghi PDF. Mặc định: cạnh mỗi tệp .docx.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Số tiến trình LibreOffice chạy cùng lúc. Mặc định: mỗi lõi CPU một tiến trình.")
@click.option("--overwrite", is_flag=True,
              help="Chuyển lại mọi văn bản. Mặc định: chỉ văn bản chưa có PDF hoặc có PDF cũ hơn .docx.")
@click.option("--bundle", "bundle_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Gộp thêm mọi văn bản vào một PDF này để in, mỗi văn bản bắt đầu trang mới.")
@click.option("--simplex", is_flag=True,
              help="Cùng --bundle: không chèn trang trắng sau văn bản có số trang lẻ (in một mặt).")
def pdf_command(paths: tuple[str, ...], workspace: Path | None, out: Path | None, workers: int | None,
                overwrite: bool, bundle_to: Path | None, simplex: bool) -> None:
    """Chuyển văn bản sang PDF để gửi văn bản điện tử và in.

    Chuyển văn bản (tệp .docx, hoặc mọi .docx trong thư mục) sang PDF để gửi (VBĐT) và in.

    LÔ_HOẶC_TỆP là tệp .docx, thư mục, hoặc "latest" (lô nháp mới nhất). Chỉ chuyển văn bản chưa có
    PDF hoặc có PDF cũ hơn .docx (--overwrite: chuyển hết). Mỗi PDF có tiêu đề là trích yếu, tác giả
    là cơ quan, từ khóa là các cụm từ và, khi đã cấp số, chủ đề là số và ký hiệu; phông chữ nhúng được
    liệt kê, cảnh báo nếu không phải Times New Roman hoặc Liberation Serif. Văn bản đã thu hồi bị bỏ
    qua; trong bản gộp, văn bản đã cấp số có mục lục "số và ký hiệu — đơn vị", bản nháp theo tên đơn
    vị. Không tìm trong thư mục con; bỏ qua template.docx, tệp ẩn và tệp tạm. Cần LibreOffice
    (apt-get install libreoffice-writer-nogui fonts-liberation2).

    \b
    Ví dụ:
        congvan pdf output/2026
        congvan pdf latest --bundle in_ky.pdf
        congvan pdf output/2026/05-SNV-CCHC_phuong-nha-trang.docx --out gui_di
        congvan pdf output/2026 --overwrite --workers 1
    """
    from congvan.batch.pdfs import PdfRequest, make_pdfs

    if workspace is None and Path("congvan.toml").is_file():
        workspace = Path(".")
    request = PdfRequest(paths=paths, out=out, workers=workers, overwrite=overwrite, bundle_to=bundle_to,
                         duplex=not simplex, workspace=workspace)
    with progress_bars() as progress:
        result = make_pdfs(request, progress)
    echo_pdf_result(result)


def echo_pdf_result(result: PdfResult) -> None:
    """Print where the PDFs went (absolute paths), those kept, letters left out, fonts, warnings and the bundle."""
    for pdfs, what in ((result.made, "Đã tạo {} tệp PDF"), (result.kept, "Giữ nguyên {} tệp PDF đã mới hơn .docx")):
        folders = sorted({str(p.parent.resolve()) for p in pdfs})
        if folders:
            where = folders[0] if len(folders) == 1 else f"{len(folders)} thư mục: " + ", ".join(folders)
            click.echo(f"{what.format(len(pdfs))} tại {where}")
    for letter in result.left_out:
        click.echo(f"Bỏ qua văn bản đã thu hồi: {letter.resolve()}", err=True)
    for line in result.report.summary():
        click.echo(f"Phông chữ: {line}")
    for warning in result.report.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    if result.bundle is not None:
        click.echo(f"Tệp in gộp: {result.bundle.resolve()} ({result.bundle_pages} trang, {result.bundled} văn bản)")
