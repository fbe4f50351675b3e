"""Page images (PNG) of a letter, for previews on a screen: LibreOffice to PDF, then poppler's pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from congvan.errors import PdfToolMissing
from congvan.pdf.convert import convert_to_pdf, is_current, pdf_target


def page_images(docx: Path, folder: Path, *, pages: int = 3, dpi: int = 60, timeout: float = 60) -> list[Path]:
    """Return PNG images of the first `pages` pages of `docx`, made in `folder` (kept while the .docx is unchanged)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(docx).stem
    existing = sorted(folder.glob(f"{stem}-*.png"))
    pdf = pdf_target(docx, folder)
    if existing and is_current(docx, pdf):
        return existing
    program = shutil.which("pdftoppm")
    if program is None:
        raise PdfToolMissing("không tìm thấy pdftoppm (gói poppler-utils) để tạo ảnh trang; cài poppler-utils.")
    for old in existing:
        old.unlink()
    convert_to_pdf([docx], folder, workers=1, overwrite=True)
    subprocess.run([program, "-png", "-r", str(dpi), "-l", str(pages), str(pdf), str(folder / stem)],
                   check=True, timeout=timeout, capture_output=True)
    return sorted(folder.glob(f"{stem}-*.png"))
