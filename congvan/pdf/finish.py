"""After LibreOffice: PDF metadata from the letter itself, the fonts each PDF embeds, and the print bundle.

- Metadata (NĐ 30 văn bản điện tử): title = trích yếu ("V/v ..."), author = the issuing agency,
  subject = số và ký hiệu ("05/SNV-CCHC") once issued; read from the .docx with the layout locator, so
  it works for any letter, drafted here or not. Keywords are the .docx's own phrases ("công văn; Nghị
  định 30/2020/NĐ-CP"), not LibreOffice's word-by-word split of them.
- Fonts: the letter must print in Times New Roman or a metric-compatible face (Liberation Serif);
  anything else changes line breaks and page count, so it is reported.
- Bundle: every letter of a batch in one PDF for printing, each starting on a new page; with
  `duplex=True` (default) a blank page follows a letter with an odd page count, so that on a
  double-sided printer every letter starts on the front of a sheet. Bookmarks name each letter.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from congvan.errors import CongvanError, OutputError, PdfError
from congvan.files import atomic_write
from congvan.lint.check import read_docx
from congvan.lint.locate import locate
from congvan.pdf.convert import convert_to_pdf, is_current, pdf_target
from congvan.pdf.info import font_names, with_info

SERIF_FONTS = ("TimesNewRoman", "Times New Roman", "LiberationSerif", "Liberation Serif", "Tinos")
SYMBOL_FONTS = ("OpenSymbol", "Symbol", "ZapfDingbats")  # bullets and the like, harmless
_SUBSET = re.compile(r"^[A-Z]{6}\+")
FINISH_PARALLEL_FROM = 40  # PDFs; below this, starting processes costs more than the finishing they share


@dataclass(frozen=True)
class LetterInfo:
    """What the PDF's document properties say about a letter."""

    title: str
    author: str
    subject: str
    keywords: str = ""


def docx_keywords(docx: Path) -> str:
    """Return the keywords of the .docx (docProps/core.xml) as phrases joined by "; " (empty when none)."""
    try:
        with zipfile.ZipFile(docx) as archive:
            root = etree.fromstring(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return ""
    text = " ".join("".join(element.itertext()) for element in root.iter("{*}keywords"))
    return "; ".join(phrase for phrase in (p.strip() for p in re.split(r"[;,\n]", text)) if phrase)


def letter_info(docx: Path) -> LetterInfo:
    """Read trích yếu, issuing agency and số và ký hiệu from the letter's own text (empty when not found)."""
    layout = locate(read_docx(docx))
    title = " ".join([layout.vv.text] + [p.plain.strip() for p in layout.vv_more]) if layout.vv else ""
    title = re.sub(r"^V/v\s*", "", title.strip())
    author = layout.agency[-1].text if layout.agency else ""
    subject = ""
    if layout.so is not None:
        number = re.sub(r"^Số\s*:\s*", "", layout.so.text).strip()
        if re.match(r"^\d+\s*/", number):  # a draft says "Số:     /SNV-CCHC": no number yet
            subject = re.sub(r"\s+", "", number)
    return LetterInfo(title=title.strip(), author=author, subject=subject, keywords=docx_keywords(docx))


def with_metadata(data: bytes, info: LetterInfo, pdf: Path, creator: str = "congvan") -> bytes:
    """Return the PDF `data` (read from `pdf`) with title, author, subject, keywords and creator set: appended
    as an incremental update to a LibreOffice PDF, else the whole file rewritten by pypdf."""
    # a draft has no số và ký hiệu yet: its subject is left empty, not the template's
    values = {"/Title": info.title, "/Author": info.author, "/Subject": info.subject, "/Keywords": info.keywords,
              "/Creator": creator}
    quick = with_info(data, values)
    if quick is not None:
        return quick
    writer = PdfWriter(clone_from=_reader(pdf, data))
    writer.add_metadata(values)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_fonts(pdf: Path, data: bytes | None = None) -> list[str]:
    """Return the names of the fonts the PDF uses (subset prefixes removed), sorted; `data` is its bytes
    when already read."""
    data = pdf.read_bytes() if data is None else data
    found = font_names(data)
    if found is None:  # objects in compressed streams: ask pypdf, page by page
        found = []
        for page in _reader(pdf, data).pages:
            resources = page.get("/Resources")
            fonts = resources.get_object().get("/Font") if resources is not None else None
            for font in fonts.get_object().values() if fonts is not None else ():
                base = font.get_object().get("/BaseFont")
                found += [str(base).lstrip("/")] if base is not None else []
    return sorted({_SUBSET.sub("", name) for name in found})


def font_warning(pdf: Path, fonts: Sequence[str]) -> str | None:
    """Return a warning when a text font is neither Times New Roman nor Liberation Serif, else None."""
    other = [f for f in fonts if not f.replace(" ", "").startswith(tuple(s.replace(" ", "") for s in SERIF_FONTS))
             and not f.startswith(SYMBOL_FONTS)]
    if not fonts:
        return f"{pdf}: không thấy phông chữ nào trong PDF."
    if other:
        return (f"{pdf}: dùng phông {', '.join(other)}, không phải Times New Roman hay Liberation Serif "
                "(cài fonts-liberation2 hoặc sửa phông trong mẫu).")
    return None


def bundle(pdfs: Sequence[Path], target: Path, *, titles: Sequence[str] | None = None,
           duplex: bool = True) -> int:
    """Concatenate `pdfs` into `target` (each letter from a new page); return the page count written."""
    if not pdfs:
        raise PdfError("không có tệp PDF nào để gộp.")
    writer = PdfWriter()
    for number, pdf in enumerate(pdfs):
        reader = _reader(pdf)
        first = len(writer.pages)
        writer.append(reader, import_outline=False)
        label = titles[number] if titles else pdf.stem
        writer.add_outline_item(title=label, page_number=first)
        if duplex and len(reader.pages) % 2 == 1 and number < len(pdfs) - 1:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(box.width), height=float(box.height))
    buffer = io.BytesIO()
    writer.write(buffer)
    atomic_write(target, buffer.getvalue(), overwrite=False)
    return len(writer.pages)


def _reader(pdf: Path, data: bytes | None = None) -> PdfReader:
    try:
        return PdfReader(pdf if data is None else io.BytesIO(data))
    except (OSError, PdfReadError, ValueError) as err:
        raise PdfError(f"{pdf}: không đọc được tệp PDF ({err}).") from err


@dataclass
class FinishReport:
    """Fonts found (font set -> PDFs using it) and warnings, after `finish`."""

    fonts: dict[tuple[str, ...], list[Path]]
    warnings: list[str]

    def summary(self) -> list[str]:
        """Return one line per font set: "LiberationSerif, LiberationSerif-Bold: 65 tệp"."""
        return [f"{', '.join(fonts) or '(không có)'}: {len(pdfs)} tệp" for fonts, pdfs in self.fonts.items()]


def finish_pdf(docx: Path, converted: Path, target: Path) -> tuple[tuple[str, ...] | None, str | None]:
    """Put the PDF `converted` from `docx` in place as `target` with metadata from the letter, atomically;
    return its fonts (None when they could not be checked) and its warning."""
    data = converted.read_bytes()
    try:
        data = with_metadata(data, letter_info(docx), target)
        fonts = tuple(pdf_fonts(target, data))
    except CongvanError as err:  # the PDF itself is fine; say what could not be added or checked
        outcome: tuple[tuple[str, ...] | None, str | None] = (
            None, f"{target}: chưa ghi được thuộc tính, phông chữ chưa kiểm tra ({err}).")
    else:
        outcome = fonts, font_warning(target, fonts)
    atomic_write(target, data)  # missing, outdated, or --overwrite
    return outcome


class _Finisher:
    """Finishes each PDF as the converter hands it on: in `workers` processes (default: one per CPU) for many
    PDFs, else at once; then reports them in the order asked."""

    def __init__(self, workers: int | None, count: int) -> None:
        workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1 and count >= FINISH_PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            self.pool.submit(int).result()  # fork the workers now, before the converter starts its threads
        self.done: dict[Path, Future[tuple[tuple[str, ...] | None, str | None]]] = {}

    def __enter__(self) -> _Finisher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def place(self, docx: Path, converted: Path, target: Path) -> Future[object]:
        """`convert_to_pdf`'s `place`: finish the PDF in a worker, or here and now."""
        if self.pool is not None:
            future = self.pool.submit(finish_pdf, docx, converted, target)
        else:
            future = Future()
            try:
                future.set_result(finish_pdf(docx, converted, target))
            except (OSError, CongvanError) as err:
                future.set_exception(err)
        self.done[target] = future
        return future  # type: ignore[return-value]  # Future is covariant in what callers read

    def report(self, pdfs: Sequence[Path]) -> FinishReport:
        """Fonts and warnings of the PDFs finished, in the order of `pdfs`."""
        report = FinishReport({}, [])
        for pdf in pdfs:
            future = self.done.get(pdf)
            if future is None or future.exception() is not None:
                continue
            fonts, warning = future.result()
            if fonts is not None:
                report.fonts.setdefault(fonts, []).append(pdf)
            if warning:
                report.warnings.append(warning)
        return report


@dataclass
class PdfResult:
    """What `convert_letters` did: every letter's PDF, which were already up to date, the bundle."""

    pdfs: list[Path]
    report: FinishReport
    kept: list[Path] = field(default_factory=list)  # PDFs not older than their .docx, left as they were
    bundle: Path | None = None
    bundle_pages: int = 0
    bundled: int = 0  # letters in the bundle
    left_out: list[Path] = field(default_factory=list)  # letters the caller left out (voided in the register)

    @property
    def made(self) -> list[Path]:
        """The PDFs written by this run."""
        kept = set(self.kept)
        return [pdf for pdf in self.pdfs if pdf not in kept]


def convert_letters(files: Sequence[Path], out_dir: Path | None = None, *, workers: int | None = None,
                    overwrite: bool = False, bundle_to: Path | None = None, duplex: bool = True,
                    titles: Sequence[str] | None = None, progress: Callable[[int], object] | None = None
                    ) -> PdfResult:
    """Convert letters to PDF (those missing or outdated, or all with `overwrite`), set metadata, check fonts,
    and optionally gather every letter into one print bundle.

    If some files fail, the others are still finished and the `PdfError` is raised afterwards.
    """
    if bundle_to is not None and bundle_to.exists() and not overwrite:
        raise OutputError(f"{bundle_to.resolve()}: đã có tệp, không ghi đè (dùng --overwrite nếu muốn tạo lại).")
    kept = [pdf_target(f, out_dir) for f in files if not overwrite and is_current(f, pdf_target(f, out_dir))]
    with _Finisher(workers, len(files) - len(kept)) as finisher:
        pdfs = convert_to_pdf(files, out_dir, workers=workers, overwrite=overwrite, progress=progress,
                              place=finisher.place)
    result = PdfResult(pdfs, finisher.report(pdfs), kept=kept)
    if bundle_to is not None:
        if bundle_to.exists():
            bundle_to.unlink()
        result.bundle, result.bundle_pages = bundle_to, bundle(pdfs, bundle_to, titles=titles, duplex=duplex)
        result.bundled = len(pdfs)
    return result
