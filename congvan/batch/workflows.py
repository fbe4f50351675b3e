"""Workflows a clerk runs, callable from the CLI or a web application: build (then issue, PDF, bundle),
issue a draft batch; converting letters to PDF is congvan.batch.pdfs.

Each takes a request dataclass and an optional `progress(stage, done, total)` callback and returns a
result dataclass; nothing here prints. Everything is read and checked before the first progress call.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from congvan import clock
from congvan.batch import approval, batches, drafts
from congvan.batch.build import BuildOptions, BuildReport, ContextMaker, Plan, PlannedLetter, build, plan
from congvan.batch.pdfs import LETTERS, PDF, Progress, stage
from congvan.batch.pdfs import bundle_order as bundle_order  # re-exported: callers name them here too
from congvan.batch.pdfs import issued_only as issued_only
from congvan.batch.preview import BuildSummary, summarize
from congvan.config import Workspace, load_workspace
from congvan.errors import PdfError, RegisterError, UsageError
from congvan.pdf.convert import find_soffice
from congvan.pdf.order import issued_title
from congvan.recipients.rules import with_lists
from congvan.register.records import DEFAULT_SERIES

# The register (SQLAlchemy) and the PDF finishing (pypdf) are imported where a build issues or converts: a plain
# `congvan build` and each of its worker processes then carry neither (~35 MB and ~0.15 s less a process).
if TYPE_CHECKING:
    from congvan.batch.issue import IssueResult
    from congvan.pdf.finish import PdfResult
    from congvan.register.store import Register

BUNDLE_NAME = "ban_in.pdf"
# -- issue --


@dataclass(frozen=True)
class IssueRequest:
    """`congvan issue`: give numbers to the draft batch in `batch_dir`."""

    workspace: Path
    batch: Path | str  # a batch folder, a batch id in output/drafts/, or "latest"
    issued_on: dt.date | None = None  # default: today, Vietnam time
    series: str = DEFAULT_SERIES
    allow_stale: bool = False  # issue even though an input changed since the build (noted in the register)
    reissue: bool = False  # issue even though the unit has a number for the same trích yếu this year (noted)
    backdate: bool = False  # allow a date before the last issued letter of the year (recorded)


def issue(request: IssueRequest) -> IssueResult:
    """Issue a draft batch into the workspace's register and output/<year>/."""
    ws = load_workspace(request.workspace)
    return _issue(ws, batches.resolve(ws, request.batch), request.issued_on, request.series,
                  allow_stale=request.allow_stale, reissue=request.reissue, backdate=request.backdate)


def _issue(ws: Workspace, batch_dir: Path, issued_on: dt.date | None, series: str, *, allow_stale: bool = False,
           reissue: bool = False, backdate: bool = False, workers: int | None = None) -> IssueResult:
    from congvan.batch.issue import issue_batch
    from congvan.register.store import Register

    approval.check_issuable(batch_dir, ws.approval_required)
    with Register(ws.register_url) as register:
        return issue_batch(batch_dir, register=register, output_dir=ws.archive_dir,
                           organ=ws.agency.issuer_abbreviation, issued_on=issued_on, series=series,
                           workspace=ws, allow_stale=allow_stale, reissue=reissue, backdate=backdate,
                           workers=workers)


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
    reissue: bool = False  # with `issue`: see IssueRequest
    backdate: bool = False
    pdf: bool = False
    bundle: bool = False


@dataclass
class BuildResult:
    """What a build did (`summary`: what it made, or with --dry-run would make); `pdf_error` holds a PDF
    failure that happened after the letters were written."""

    report: BuildReport
    summary: BuildSummary
    issued: IssueResult | None = None
    pdf: PdfResult | None = None
    pdf_error: PdfError | None = None


@dataclass(frozen=True)
class _Planned:
    """A planned letter seen by the duplicate check; its context is made only for a unit that has a number."""

    letter: PlannedLetter
    contexts: ContextMaker

    @property
    def unit(self) -> str:
        return self.letter.unit

    @property
    def context(self) -> dict[str, Any]:
        return self.contexts(self.letter)


def _refuse_duplicates(register: Register, ws: Workspace, planned: Plan, year: int) -> None:
    """Refuse a build whose letters the register already numbered for the same trích yếu this year."""
    letters = [_Planned(letter, planned.contexts) for letter in planned.letters]
    found = batches.duplicate_letters(letters, register.records(organ=ws.agency.issuer_abbreviation, year=year),
                                      "", year)
    if found:
        raise RegisterError(batches.duplicate_message(found, year))


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
    if request.issue and ws.approval_required:
        raise UsageError("congvan.toml đặt [phe_duyet] bat_buoc = true: lô phải được lãnh đạo duyệt trước khi cấp "
                         "số, nên không dùng --issue. Tạo lô (`congvan build`), trình ký (`congvan batches trinh "
                         "latest --nguoi \"…\"`), rồi cấp số lô đã duyệt (`congvan issue latest`).")
    options = BuildOptions(data=request.data, template=request.template, units=request.units, out=request.out,
                           dry_run=request.dry_run, workers=request.workers)
    planned = plan(ws, options)
    if request.pdf or request.bundle:
        find_soffice()
    if request.issue:  # a date or a duplicate the register refuses stops the build before the drafts are written
        from congvan.register.schema import check_lengths
        from congvan.register.store import Register

        with Register(ws.register_url) as register:
            issued_on = request.issued_on or clock.today()
            register.check_date(ws.agency.issuer_abbreviation, issued_on, request.series, backdate=request.backdate)
            if not request.reissue:
                _refuse_duplicates(register, ws, planned, issued_on.year)
        for letter in planned.letters:  # so does a name or signer the register cannot keep
            check_lengths({"unit": letter.unit, "signer_name": ws.signer.name, "signer_position": ws.signer.position,
                           "signer_authority": ws.signer.authority, "organ_name": ws.agency.issuer},
                          f"văn bản gửi {letter.unit}")
    report = build(ws, options, progress=stage(progress, LETTERS, len(planned.letters)), planned=planned)
    folder = report.folder or (request.out or ws.drafts_dir) / report.batch
    result = BuildResult(report, summarize(planned.letters, planned.sources, report.warnings, folder))
    if report.folder is None:
        return result
    files = [drafts.letter_path(report.folder, letter.stem) for letter in report.letters]
    titles = [letter.unit for letter in report.letters]
    bundle_to = report.folder / BUNDLE_NAME
    if request.issue:
        result.issued = _issue(ws, report.folder, request.issued_on, request.series, reissue=request.reissue,
                               backdate=request.backdate, workers=request.workers)
        files = [letter.path for letter in result.issued.letters]
        titles = [issued_title(letter.number_symbol, letter.unit) for letter in result.issued.letters]
        bundle_to = files[0].parent / f"ban_in_{result.issued.batch_id}.pdf" if files else bundle_to
    if (request.pdf or request.bundle) and files:
        from congvan.pdf.finish import convert_letters

        scratch = report.folder / ".pdf"
        try:
            result.pdf = convert_letters(files, None if request.pdf else scratch, overwrite=False,
                                         bundle_to=bundle_to if request.bundle else None, titles=titles,
                                         progress=stage(progress, PDF, len(files)))
        except PdfError as err:
            result.pdf_error = err
        finally:
            if not request.pdf:  # only the bundle was asked for: drop the single PDFs, report none
                shutil.rmtree(scratch, ignore_errors=True)
                if result.pdf is not None:
                    result.pdf.pdfs, result.pdf.kept = [], []
    return result
