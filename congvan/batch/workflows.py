"""Workflows a clerk runs, callable from the CLI or a web application: build (then issue, PDF, bundle),
issue a draft batch, convert letters to PDF.

Each takes a request dataclass and an optional `progress(stage, done, total)` callback and returns a
result dataclass; nothing here prints. Everything is read and checked before the first progress call.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from congvan import clock
from congvan.batch import drafts
from congvan.batch.build import BuildOptions, BuildReport, build, plan
from congvan.batch.issue import IssueResult, issue_batch
from congvan.config import CONFIG_NAME, Workspace, load_workspace
from congvan.errors import PdfError, UsageError
from congvan.pdf.convert import collect_docx, find_soffice
from congvan.pdf.finish import PdfResult, convert_letters
from congvan.pdf.order import print_order
from congvan.recipients.rules import with_lists
from congvan.register.records import DEFAULT_SERIES
from congvan.register.store import Register

BUNDLE_NAME = "ban_in.pdf"
LETTERS, PDF = "letters", "pdf"  # progress stages

# progress(stage, done, total): `done` letters more of `total` finished in `stage` (LETTERS or PDF)
Progress = Callable[[str, int, int], None]


def _stage(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    """Return the per-stage callback `convert_letters`/`build` take; announce the stage with 0 done."""
    if progress is None:
        return None
    progress(stage, 0, total)
    return lambda done: progress(stage, done, total)


def bundle_order(files: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Return `files` in print order with bookmark titles: a draft batch's manifest order, else by name."""
    return print_order(files, drafts.letter_titles)


# -- issue --


@dataclass(frozen=True)
class IssueRequest:
    """`congvan issue`: give numbers to the draft batch in `batch_dir`."""

    workspace: Path
    batch_dir: Path
    issued_on: dt.date | None = None  # default: today, Vietnam time
    series: str = DEFAULT_SERIES
    backdate: bool = False  # allow a date before the last issued letter of the year (recorded)


def issue(request: IssueRequest) -> IssueResult:
    """Issue a draft batch into the workspace's register and output/<year>/."""
    return _issue(load_workspace(request.workspace), request.batch_dir, request.issued_on, request.series,
                  request.backdate)


def _issue(ws: Workspace, batch_dir: Path, issued_on: dt.date | None, series: str, backdate: bool) -> IssueResult:
    with Register(ws.register_url) as register:
        return issue_batch(batch_dir, register=register, output_dir=ws.output_dir,
                           organ=ws.agency.issuer_abbreviation, issued_on=issued_on, series=series,
                           backdate=backdate)


# -- pdf --


@dataclass(frozen=True)
class PdfRequest:
    """`congvan pdf`: letters (files, or folders of them) to PDF, optionally one print bundle."""

    paths: tuple[Path, ...]
    out: Path | None = None
    workers: int | None = None
    overwrite: bool = False
    bundle_to: Path | None = None
    duplex: bool = True
    workspace: Path | None = None  # letters in its output/<year>/ must be in the register and not withdrawn


def make_pdfs(request: PdfRequest, progress: Progress | None = None) -> PdfResult:
    """Convert the letters to PDF (metadata, font check) and gather the bundle in print order.

    Letters in the workspace's `output/<year>/` that the register does not know, or whose number was
    withdrawn, are left out with a warning.
    """
    files, skipped = issued_only(collect_docx(request.paths), request.workspace)
    if not files:
        raise PdfError("không có tệp .docx nào để chuyển sang PDF trong: " + ", ".join(map(str, request.paths))
                       + "".join(f"; {reason}" for reason in skipped))
    titles = None
    if request.bundle_to is not None:
        files, titles = bundle_order(files)
    result = convert_letters(files, request.out, workers=request.workers, overwrite=request.overwrite,
                             bundle_to=request.bundle_to, duplex=request.duplex, titles=titles,
                             progress=_stage(progress, PDF, len(files)))
    result.report.warnings[:0] = skipped
    return result


def issued_only(files: list[Path], workspace: Path | None) -> tuple[list[Path], list[str]]:
    """Keep the files outside the workspace's `output/<year>/` and those the register has, not withdrawn."""
    if workspace is None or not (Path(workspace) / CONFIG_NAME).is_file():
        return files, []
    ws = load_workspace(workspace)
    output = ws.output_dir.resolve()
    inside = {f: f"{f.parent.name}/{f.name}" for f in files
              if f.resolve().parent.parent == output and re.fullmatch(r"\d{4}", f.parent.name)}
    if not inside:
        return files, []
    with Register(ws.register_url) as register:
        rows = {r.file_path: r for r in register.records()}
    kept: list[Path] = []
    skipped: list[str] = []
    for path in files:
        row = rows.get(inside[path]) if path in inside else None
        if path in inside and row is None:
            skipped.append(f"{path}: không có trong sổ văn bản đi, bỏ qua (chạy `congvan register verify`).")
        elif row is not None and row.voided:
            skipped.append(f"{path}: số {row.number_symbol} đã THU HỒI, bỏ qua.")
        else:
            kept.append(path)
    return kept, skipped


# -- build --


@dataclass(frozen=True)
class BuildRequest:
    """`congvan build`: draft letters, then optionally issue them, convert them to PDF and bundle them."""

    workspace: Path
    data: tuple[Path, ...] = ()
    template: Path | None = None
    units: tuple[str, ...] = ()
    out: Path | None = None
    dry_run: bool = False
    workers: int | None = None
    addressees: str | None = None  # named list for Kính gửi; None: [nguoi_nhan] kinh_gui
    distribution: str | None = None  # named list for Nơi nhận; None: [nguoi_nhan] noi_nhan
    issue: bool = False
    issued_on: dt.date | None = None
    series: str = DEFAULT_SERIES
    backdate: bool = False
    pdf: bool = False
    bundle: bool = False


@dataclass
class BuildResult:
    """What a build did; `pdf_error` holds a PDF failure that happened after the letters were written."""

    report: BuildReport
    issued: IssueResult | None = None
    pdf: PdfResult | None = None
    pdf_error: PdfError | None = None

    @property
    def short(self) -> int:
        """Letters to units with at least one criterion below target."""
        return sum(1 for letter in self.report.letters if letter.weaknesses)


def build_letters(request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Draft one letter per unit; with `issue`, number them; with `pdf`/`bundle`, make their PDFs.

    Every input is read and checked (and LibreOffice found, when PDFs are asked for) before anything
    is written. A PDF failure after the drafts (and numbers) exist is returned in `pdf_error`, so the
    caller can still report what was written and issued.
    """
    if request.dry_run and (request.issue or request.pdf or request.bundle):
        raise UsageError("--dry-run không ghi tệp nào: không dùng cùng --issue, --pdf, --bundle.")
    if (request.issued_on or request.backdate) and not request.issue:
        raise UsageError("--date và --backdate là ngày cấp số: chỉ dùng cùng --issue (bản nháp để trống ngày; "
                         "ngày được điền khi cấp số bằng `congvan issue --date`).")
    ws = with_lists(load_workspace(request.workspace), request.addressees, request.distribution)
    options = BuildOptions(data=request.data, template=request.template, units=request.units, out=request.out,
                           dry_run=request.dry_run, workers=request.workers)
    planned = plan(ws, options)
    if request.pdf or request.bundle:
        find_soffice()
    if request.issue:  # a date the register refuses stops the build before the drafts are written
        with Register(ws.register_url) as register:
            register.check_date(ws.agency.issuer_abbreviation, request.issued_on or clock.today(), request.series,
                                backdate=request.backdate)
    report = build(ws, options, progress=_stage(progress, LETTERS, len(planned.letters)), planned=planned)
    result = BuildResult(report)
    if report.folder is None:
        return result
    files = [drafts.letter_path(report.folder, letter.stem) for letter in report.letters]
    titles = [letter.unit for letter in report.letters]
    bundle_to = report.folder / BUNDLE_NAME
    if request.issue:
        result.issued = _issue(ws, report.folder, request.issued_on, request.series, request.backdate)
        files = [letter.path for letter in result.issued.letters]
        titles = [f"{letter.number_symbol} {letter.unit}" for letter in result.issued.letters]
        bundle_to = files[0].parent / f"ban_in_{result.issued.batch_id}.pdf" if files else bundle_to
    if (request.pdf or request.bundle) and files:
        scratch = report.folder / ".pdf"
        try:
            result.pdf = convert_letters(files, None if request.pdf else scratch, overwrite=False,
                                         bundle_to=bundle_to if request.bundle else None, titles=titles,
                                         progress=_stage(progress, PDF, len(files)))
        except PdfError as err:
            result.pdf_error = err
        finally:
            if not request.pdf:  # only the bundle was asked for: drop the single PDFs
                shutil.rmtree(scratch, ignore_errors=True)
    return result
