"""Register workflows (sổ văn bản đi), callable from the CLI or a web application: reserve a number by hand,
move the counter, withdraw, record sending, look up, export, verify and re-create issued letters.

Each takes a request dataclass naming the workspace and returns what it did; nothing here prints.
Numbers may be given as "5", "05" or "05/SNV-CCHC"; the year defaults to this year (Vietnam time).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from congvan import clock
from congvan.batch.drafts import load_batch, partial_folders, template_path
from congvan.batch.recreate import keep_template, recreate_letter
from congvan.batch.sweep import PARTIAL_AGE_SECONDS, SweepResult, sweep
from congvan.config import Workspace, load_workspace
from congvan.config.leftovers import SUBJECT_PREFIX, drop_prefix
from congvan.errors import EXIT_REFUSED, RegisterError, UsageError
from congvan.files import atomic_write, sha256_bytes
from congvan.register.export import export_json, export_xlsx, export_xml
from congvan.register.move import MoveResult, move_register
from congvan.register.records import (
    CONG_VAN,
    DEFAULT_SERIES,
    NewDocument,
    Record,
    VerifyReport,
    canonical_type_name,
    document_symbol,
)
from congvan.register.search import MAX_PAGE_SIZE, Page, Query
from congvan.register.search import search as search_rows
from congvan.register.store import Register
from congvan.vn import nfc
from congvan.vn.numbers import document_number


def parse_number(value: str) -> int:
    """Return the number of "5", "05" or "05/SNV-CCHC"; refuse anything else."""
    match = re.fullmatch(r"\s*0*(\d+)\s*(/.*)?", value)
    if not match or int(match.group(1)) < 1:
        raise UsageError(f"số văn bản không hợp lệ: {value!r} (ví dụ: 05 hoặc 05/SNV-CCHC).")
    return int(match.group(1))


@contextmanager
def _opened(workspace: Path) -> Iterator[tuple[Workspace, Register, str]]:
    """Yield the workspace, its open register and the issuing body's abbreviation (the number series owner)."""
    ws = load_workspace(workspace)
    with Register(ws.register_url) as register:
        yield ws, register, ws.agency.issuer_abbreviation


@dataclass(frozen=True)
class NumberRequest:
    """One number of the register: `number` as typed, in `year` (default: this year) and `series`."""

    workspace: Path
    number: str
    year: int | None = None
    series: str = DEFAULT_SERIES

    def key(self, organ: str) -> tuple[str, int, int, str]:
        return organ, self.year or clock.today().year, parse_number(self.number), self.series


def show(request: NumberRequest) -> Record:
    """Return every field kept for one number."""
    with _opened(request.workspace) as (_ws, register, organ):
        return register.get(*request.key(organ))


@dataclass(frozen=True)
class ReserveRequest:
    """Take the next number by hand for a document made elsewhere."""

    workspace: Path
    subject: str
    type_name: str = CONG_VAN
    signer_name: str | None = None  # None: the signer of congvan.toml ([nguoi_ky])
    recipients: tuple[str, ...] = ()
    note: str = ""
    series: str = DEFAULT_SERIES
    issued_on: dt.date | None = None  # default: today; the same date rules as issuing
    backdate: bool = False


@dataclass(frozen=True)
class ReserveResult:
    """The reserved row, and what the sweep of a killed run's leftovers did first."""

    record: Record
    swept: SweepResult


def reserve(request: ReserveRequest) -> ReserveResult:
    """Reserve the next number; a công văn's subject loses a leading "V/v" (the letter prints it).

    Like every issuing command, it first sweeps what a killed run left (`congvan.batch.sweep`)."""
    ws = load_workspace(request.workspace)
    type_name = canonical_type_name(request.type_name)
    subject = nfc(request.subject).strip()
    if type_name == CONG_VAN:
        subject = drop_prefix(subject, SUBJECT_PREFIX)[0]  # "V/v", "V/v V/v", "Về việc:" alike
    if not subject:
        raise RegisterError("trích yếu không được để trống (--trich-yeu).")
    by_hand = request.signer_name is not None
    doc = NewDocument(
        code_notation=document_symbol(type_name, ws.agency.issuer_abbreviation, ws.agency.drafting_unit),
        type_name=type_name, subject=subject, organ_name=ws.agency.issuer,
        signer_authority="" if by_hand else ws.signer.authority,
        signer_position="" if by_hand else ws.signer.position,
        signer_name=nfc(request.signer_name or "").strip() if by_hand else ws.signer.name,
        recipients=[nfc(r).strip() for r in request.recipients], note=nfc(request.note).strip(),
    )
    with Register(ws.register_url) as register:
        with register.write() as conn:
            swept = sweep(register, conn, ws.archive_dir, ws.drafts_dir)
        record = register.reserve(doc, organ=ws.agency.issuer_abbreviation, date=request.issued_on,
                                  series=request.series, backdate=request.backdate)
    return ReserveResult(record, swept)


@dataclass(frozen=True)
class PlannedNumber:
    """A letter of a draft batch and the number it gets if the batch is issued now (or already has)."""

    index: int
    unit: str
    number_symbol: str
    issued: bool


def planned_numbers(workspace: Path, batch_dir: Path, series: str = DEFAULT_SERIES) -> list[PlannedNumber]:
    """Return the numbers issuing `batch_dir` today would take, in letter order (informational: nothing is
    reserved; another issue in between moves them). Letters already issued show their number."""
    batch = load_batch(batch_dir)
    with _opened(workspace) as (_ws, register, organ):
        with register.read() as conn:
            done = register.batch_records(conn, batch.batch_id)
        following = register.peek_next(organ, clock.today().year, series)
    planned = []
    for letter in batch.letters:
        record = done.get(letter.index)
        if record is not None:
            planned.append(PlannedNumber(letter.index, letter.unit, record.number_symbol, True))
            continue
        planned.append(PlannedNumber(letter.index, letter.unit, f"{document_number(following)}/{letter.symbol}", False))
        following += 1
    return planned


def set_next(workspace: Path, number: int, year: int | None = None, series: str = DEFAULT_SERIES) -> tuple[int, int]:
    """Make `number` the next number of `year` (default: this year); return (year, number)."""
    year = year or clock.today().year
    with _opened(workspace) as (_ws, register, organ):
        return year, register.set_next(organ, year, number, series)


def void(request: NumberRequest, reason: str) -> Record:
    """Withdraw (thu hồi) a number: it stays in the register, marked, with the reason and the time."""
    with _opened(request.workspace) as (_ws, register, organ):
        return register.void(*request.key(organ)[:3], reason, request.series)


def send(workspace: Path, numbers: tuple[str, ...], *, year: int | None = None, sent_on: dt.date | None = None,
         receipt: str = "", series: str = DEFAULT_SERIES) -> list[Record]:
    """Record that the documents were sent on `sent_on` (default: today) and who signed for them."""
    sent_on = sent_on or clock.today()
    year = year or clock.today().year
    with _opened(workspace) as (_ws, register, organ):
        return [register.mark_sent(organ, year, parse_number(n), sent_on, receipt, series) for n in numbers]


def search(workspace: Path, query: Query) -> Page:
    """The register desk: one page of the workspace's rows matching `query` (its issuing body's series)."""
    with _opened(workspace) as (_ws, register, organ), register.read() as conn:
        return search_rows(conn, replace(query, organ=organ))


def records(workspace: Path, query: Query) -> list[Record]:
    """Return every row matching `query` in register order (`congvan register list`), read a page at a time."""
    found: list[Record] = []
    with _opened(workspace) as (_ws, register, organ), register.read() as conn:
        query = replace(query, organ=organ, page=1, page_size=MAX_PAGE_SIZE)
        while True:
            page = search_rows(conn, query)
            found += page.rows
            if query.page >= page.pages:
                return found
            query = replace(query, page=query.page + 1)


@dataclass(frozen=True)
class ExportRequest:
    """Export the register (all years, or `year`) to any of .xlsx, .json, .xml."""

    workspace: Path
    xlsx: Path | None = None
    json: Path | None = None
    xml: Path | None = None
    year: int | None = None


@dataclass(frozen=True)
class ExportResult:
    records: int
    written: list[Path]


def export(request: ExportRequest) -> ExportResult:
    """Write the requested exports; at least one target is needed."""
    if not (request.xlsx or request.json or request.xml):
        raise UsageError("chọn ít nhất một trong --xlsx, --json, --xml.")
    with _opened(request.workspace) as (ws, register, organ):
        rows = register.records(organ=organ, year=request.year)
    if request.xlsx:
        export_xlsx(rows, request.xlsx, organ_name=ws.agency.issuer, parent_name=ws.agency.parent,
                    title_year=request.year)
    if request.json:
        export_json(rows, request.json)
    if request.xml:
        export_xml(rows, request.xml)
    return ExportResult(len(rows), [p for p in (request.xlsx, request.json, request.xml) if p])


@dataclass(frozen=True)
class VerifyResult:
    """`verify`'s findings, with the folder the register's file paths are relative to."""

    report: VerifyReport
    output_dir: Path

    @property
    def exit_code(self) -> int:
        """0 when the chain, the numbers and every file check out, else 1."""
        return 0 if self.report.ok else EXIT_REFUSED


def verify(workspace: Path, year: int | None = None) -> VerifyResult:
    """Check the register's chain, numbers and files (`congvan.register.audit`)."""
    with _opened(workspace) as (ws, register, organ):
        report = register.verify(ws.archive_dir, organ=organ, year=year)
    unfinished = partial_folders(ws.drafts_dir, PARTIAL_AGE_SECONDS)
    return VerifyResult(replace(report, leftovers=report.leftovers + unfinished), ws.archive_dir)


@dataclass(frozen=True)
class RecreateResult:
    """A re-created letter: where it was written and whether it is byte-for-byte the registered file."""

    record: Record
    path: Path
    same: bool

    @property
    def exit_code(self) -> int:
        """0 when the re-created letter is the registered one, else 1."""
        return 0 if self.same else EXIT_REFUSED


def recreate(request: NumberRequest, out: Path, template: Path | None = None) -> RecreateResult:
    """Render an issued letter again from the register's context and template hash; write it to `out` (never
    overwriting) and compare it with the registered SHA-256."""
    with _opened(request.workspace) as (ws, register, organ):
        record = register.get(*request.key(organ))
    data = recreate_letter(record, ws.drafts_dir, template, ws.archive_dir)
    atomic_write(out, data, overwrite=False)
    return RecreateResult(record, out, sha256_bytes(data) == record.sha256)


def move(workspace: Path, target_url: str) -> MoveResult:
    """Copy the workspace's register (with its chain) into the empty register at `target_url`, verified there;
    then keep the templates of its letters in the archive folder, so `recreate` works from any machine."""
    ws = load_workspace(workspace)
    result = move_register(ws.register_url, target_url, ws.archive_dir)
    with Register(target_url) as register:
        for record in register.records():
            kept = template_path(ws.drafts_dir / (record.batch_id or ""))
            if record.batch_id and record.template_sha256 and kept.is_file():
                keep_template(ws.archive_dir, kept, record.template_sha256)
    return result
