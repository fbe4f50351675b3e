"""Issue a draft batch (cấp số): give each draft letter its number and date, write it, record it.

`issue_batch` takes the register's write lock, sweeps what a killed run left (`congvan.batch.sweep`),
gives the letters that have no number yet a block of consecutive numbers, re-renders each from the
context stored with its draft (in forked workers for a large batch: `congvan.processes`, in order)
and writes it under a hidden pending name in `output/<year>/` (written and fsynced in background threads
while the next letters render; the rows are inserted `ROWS_AT_ONCE` at a time, chained in Python first).
The rows are committed only when every file and its folder entry are on stable storage; then each
pending file gets its issued name (never overwriting a file). If anything fails before the commit,
the pending files are removed and the transaction is rolled back, so no number is consumed. A file
with an issued-looking name is always in the register.

Issuing is idempotent per draft letter (batch id + letter index): letters of the batch that already
have a number are reported, not issued again, so re-running an interrupted or partly failed batch
completes it.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import os
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from congvan import clock
from congvan.batch.batches import issue_notes
from congvan.batch.drafts import ContextReader, DraftBatch, DraftLetter, load_batch
from congvan.batch.recreate import keep_template
from congvan.batch.sweep import pending_path, publish, sweep
from congvan.config import Workspace
from congvan.errors import OutputError, RegisterError
from congvan.files import SyncedWriter, sha256_bytes
from congvan.letter.context import pack, with_number
from congvan.processes import Workers, available_cpus, can_fork
from congvan.register.records import DEFAULT_SERIES, NewDocument, Record, canonical_type_name
from congvan.register.store import Register
from congvan.render.template import LetterTemplate
from congvan.vn import document_number, nfc, slugify

# Test hooks: after N files of a batch are written, pause (sleep) so a test can kill the process.
PAUSE_AFTER_ENV = "CONGVAN_ISSUE_PAUSE_AFTER"
PAUSE_MARKER_ENV = "CONGVAN_ISSUE_PAUSE_MARKER"
ROWS_AT_ONCE = 500  # letters inserted into the register together: few statements, and memory stays flat
PARALLEL_FROM = 200  # letters; below this, forking workers to render them costs more than it saves


@dataclass(frozen=True)
class IssuedLetter:
    """One letter of a batch with its number: issued now, or found already issued."""

    index: int
    unit: str
    number: int
    number_symbol: str
    path: Path
    sha256: str
    already: bool
    voided: bool = False  # a number given earlier and withdrawn since (THU HỒI)


@dataclass(frozen=True)
class IssueResult:
    """What `issue_batch` did."""

    batch_id: str
    issued_date: dt.date
    letters: list[IssuedLetter]
    moved_aside: list[Path] = field(default_factory=list)  # leftovers of a killed run, now in output/.quarantine
    completed: list[Path] = field(default_factory=list)  # letters a killed run committed but had not named
    backdated: bool = False

    @property
    def new(self) -> list[IssuedLetter]:
        return [letter for letter in self.letters if not letter.already]

    @property
    def already(self) -> list[IssuedLetter]:
        return [letter for letter in self.letters if letter.already]


def symbol_for_file(symbol: str) -> str:
    """Return the symbol as ASCII for a file name: "QĐ-UBND" -> "QD-UBND"."""
    text = nfc(symbol).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9-]+", "", text) or "VB"


def issued_file_name(number: int, symbol: str, unit: str) -> str:
    """Return "05-SNV-CCHC_phuong-nha-trang.docx"."""
    return f"{document_number(number)}-{symbol_for_file(symbol)}_{slugify(unit)}.docx"


def page_amount(docx: bytes) -> int | None:
    """Return <Pages> of docProps/app.xml when present (an estimate: Word's count when the file was saved)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            root = etree.fromstring(archive.read("docProps/app.xml"))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    for element in root.iter("{*}Pages"):
        text = (element.text or "").strip()
        if text.isdigit() and int(text) > 0:
            return int(text)
    return None


def _clean_line(line: str) -> str:
    return re.sub(r"^[-–\s]+", "", nfc(str(line))).strip().rstrip(";.").strip()


def archive_copy(distribution: list[str]) -> str:
    """Return the "Lưu:" part of Nơi nhận: "VT, CCHC (02b)" (Phụ lục IV column 6)."""
    for line in distribution:
        cleaned = _clean_line(line)
        if cleaned.lower().startswith("lưu"):
            return cleaned.split(":", 1)[1].strip() if ":" in cleaned else ""
    return ""


def issued_amount(addressees: list[str], distribution: list[str]) -> int | None:
    """Estimate the copies issued: one per addressee and per other Nơi nhận line, plus the archive copies.

    "Như trên" stands for the addressees; the "Lưu" line counts its "(02b)" when written, else one.
    Returns None when the letter lists nobody.
    """
    total = len(addressees)
    for line in distribution:
        cleaned = _clean_line(line)
        lowered = cleaned.lower()
        if not cleaned or lowered.startswith("như trên"):
            continue
        if lowered.startswith("lưu"):
            copies = re.search(r"\((\d+)\s*b\)", lowered)
            total += int(copies.group(1)) if copies else 1
        else:
            total += 1
    return total or None


@dataclass(frozen=True, eq=False)
class _Numbering:
    """Makes each numbered letter of an issue — its context read and checked, rendered, its register row — in
    the issuing process or in forked workers (`congvan.processes`), which inherit it."""

    batch: DraftBatch
    template: LetterTemplate
    date: dt.date
    folder: str  # the year's folder, relative to the output folder
    notes: dict[int, str]
    pages: int | None  # the template's page count when every letter has it (the renderer's fast path)
    readers: dict[int, ContextReader] = field(default_factory=dict)  # by process: a forked one opens its own

    def __call__(self, task: tuple[DraftLetter, int]) -> tuple[bytes, NewDocument]:
        draft, number = task
        reader = self.readers.get(os.getpid())
        if reader is None:
            reader = self.readers[os.getpid()] = ContextReader()
        issued = with_number(reader.context(draft), number, self.date)
        data = self.template.render(issued)
        name = issued_file_name(number, draft.symbol, draft.unit)
        pages = self.pages if not self.template.fallback_reason else page_amount(data)
        return data, _document(self.batch, draft, issued, data, f"{self.folder}/{name}",
                               self.notes.get(draft.index, ""), pages)

    def close(self) -> None:
        for reader in self.readers.values():
            reader.close()


def _document(batch: DraftBatch, draft: DraftLetter, issued: dict[str, Any], data: bytes, file_path: str,
              note: str, pages: int | None) -> NewDocument:
    signer = issued.get("ky") or {}
    addressees = [nfc(str(a)) for a in issued.get("kinh_gui") or []]
    distribution = [nfc(str(a)) for a in issued.get("noi_nhan") or []]
    organ = issued.get("co_quan") or {}
    return NewDocument(
        code_notation=issued["ky_hieu"],
        type_name=canonical_type_name(batch.document_type),
        subject=nfc(str(issued.get("trich_yeu", ""))),
        organ_name=nfc(str(organ.get("ten") or batch.issuer or batch.issuer_abbreviation)),
        signer_authority=nfc(str(signer.get("quyen_han", ""))),
        signer_position=nfc(str(signer.get("chuc_vu", ""))),
        signer_name=nfc(str(signer.get("ho_ten", ""))),
        recipients=addressees,
        distribution=distribution,
        archive_copy=archive_copy(distribution),
        issued_amount=issued_amount(addressees, distribution),
        page_amount=pages,
        note=note,
        batch_id=batch.batch_id,
        letter_index=draft.index,
        unit=draft.unit,
        file_path=file_path,
        sha256=sha256_bytes(data),
        template_sha256=batch.template_sha256,
        draft_sha256=draft.context_sha256,
        context_json=json.dumps(pack(issued), ensure_ascii=False, sort_keys=True, default=str),
    )


def _pause_hook(written: int, writer: SyncedWriter) -> None:
    """Test hook: with CONGVAN_ISSUE_PAUSE_AFTER=N, stop after N files are on disk (the test kills the process)."""
    limit = os.environ.get(PAUSE_AFTER_ENV)
    if not limit or written != int(limit):
        return
    writer.wait()
    marker = os.environ.get(PAUSE_MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    while True:  # pragma: no cover - ends by SIGKILL
        time.sleep(1)


def issue_batch(batch_dir: Path, *, register: Register | str, output_dir: Path, organ: str | None = None,
                issued_on: dt.date | None = None, series: str = DEFAULT_SERIES, workspace: Workspace | None = None,
                allow_stale: bool = False, reissue: bool = False, backdate: bool = False,
                workers: int | None = None) -> IssueResult:
    """Give numbers to the letters of the draft batch in `batch_dir`, write them to `output_dir/<year>/`.

    `register` is an open `Register` or its URL. `organ` is the issuing body's abbreviation that owns the
    number series (default: the manifest's `issuer_abbreviation`). `issued_on` defaults to today (Vietnam
    time); it may not be after today, nor earlier than the last letter of the year that is not withdrawn
    unless `backdate` (recorded in the rows). Letters already issued from this batch are returned with
    `already=True` and not issued again. Stale inputs (checked against `workspace`) and duplicate letters
    are refused unless `allow_stale` / `reissue` (congvan/batch/batches.py `issue_notes`). `workers`: processes
    rendering the letters (default: one per CPU from `PARALLEL_FROM` letters, in a process with one thread).
    """
    batch = load_batch(batch_dir)
    output_dir = Path(output_dir)
    drafted_for = batch.issuer_abbreviation
    if organ and drafted_for and organ != drafted_for:
        raise RegisterError(
            f"{batch.manifest_path}: lô bản nháp soạn cho cơ quan '{drafted_for}', "
            f"không cấp số theo sổ của '{organ}'.")
    organ = organ or drafted_for
    if not organ:
        raise RegisterError(f"{batch.manifest_path}: thiếu 'issuer_abbreviation' (cơ quan cấp số).")
    date = issued_on or clock.today()
    template = LetterTemplate(batch.template_path)
    template.check_context(with_number(batch.letters[0].context, 1, date))
    own = isinstance(register, str)
    reg = Register(register) if isinstance(register, str) else register
    try:
        notes = issue_notes(batch, reg, organ, date.year, workspace, allow_stale=allow_stale, reissue=reissue)
        # The collections set off by the letters' short-lived objects skip what the process holds already (after
        # a build: its plan, the libraries), and so do the forked workers': 0.44 -> 0.16 s of GC at 5,000 letters
        gc.freeze()
        return _issue(reg, batch, template, output_dir, organ, date, series, notes, backdate, workers)
    finally:
        gc.unfreeze()
        if own:
            reg.close()


def _issue(reg: Register, batch: DraftBatch, template: LetterTemplate, output_dir: Path, organ: str, date: dt.date,
           series: str, notes: dict[int, str], backdate: bool, workers: int | None) -> IssueResult:
    batch_id = batch.batch_id
    drafts = batch.letters
    year_dir = output_dir / str(date.year)
    # The fast path copies docProps/app.xml from the template: every letter has the template's <Pages>
    pages = None if template.fallback_reason else page_amount(batch.template_path.read_bytes())
    numbering = _Numbering(batch, template, date, year_dir.name, notes, pages)
    # forked only from a process that runs no other thread (the CLI; not the web server, whose threads' locks a
    # child would inherit held)
    count = workers or (available_cpus() if len(drafts) >= PARALLEL_FROM and can_fork() else 1)
    written: list[tuple[Path, Path]] = []  # (pending, issued name)
    # the workers are forked before any connection is opened or thread started
    with Workers(numbering, count) as workers_, SyncedWriter() as writer:
        try:
            with reg.write() as conn:
                swept = sweep(reg, conn, output_dir, batch.folder.parent)
                done = reg.batch_records(conn, batch_id)
                letters = [_already(output_dir, done[d.index], d) for d in drafts if d.index in done]
                todo = [d for d in drafts if d.index not in done]
                if not todo:
                    return IssueResult(batch_id, _first_date(done, date), sorted(letters, key=lambda x: x.index),
                                       swept.quarantined, swept.completed)
                backdated = reg.check_date_order(conn, organ, date, series, backdate=backdate)
                keep_template(output_dir, batch.template_path, template.sha256)  # recreate works from any machine
                first = reg.next_number(conn, organ, date.year, series)
                taken = set(os.listdir(year_dir)) if year_dir.is_dir() else set()  # after the sweep: registered
                rows: list[NewDocument] = []
                made = workers_.map((draft, first + offset) for offset, draft in enumerate(todo))
                for offset, (data, row) in enumerate(made):
                    number = first + offset
                    path = output_dir / (row.file_path or "")
                    if path.name in taken:  # the sweep moved unregistered files: this one is in the register
                        raise OutputError(f"{path}: tệp văn bản đã ban hành, không được ghi đè.")
                    writer.submit(pending_path(path), data)  # written and fsynced meanwhile, in other threads
                    written.append((pending_path(path), path))
                    rows.append(row)
                    _pause_hook(len(written), writer)
                    if len(rows) == ROWS_AT_ONCE or offset == len(todo) - 1:
                        records = reg.insert_many(conn, rows, organ=organ, first=number - len(rows) + 1, date=date,
                                                  series=series, backdated=backdated)
                        letters += [_letter(r, output_dir / (r.file_path or ""), already=False) for r in records]
                        rows = []
                reg.advance_counter(conn, organ, date.year, first + len(todo), series)
                # Every file and folder entry on stable storage before the rows are committed: a power cut never
                # leaves a number whose file was lost.
                writer.finish()
        except BaseException:
            writer.remove_all()
            raise
        finally:
            numbering.close()
    for pending, path in written:  # committed: a failure here is completed by the next sweep
        publish(pending, path)
    return IssueResult(batch_id, date, sorted(letters, key=lambda x: x.index), swept.quarantined, swept.completed,
                       backdated)


def _first_date(done: dict[int, Record], default: dt.date) -> dt.date:
    return min((r.issued_date for r in done.values()), default=default)


def _letter(record: Record, path: Path, *, already: bool) -> IssuedLetter:
    return IssuedLetter(index=record.letter_index or 0, unit=record.unit or "", number=record.number,
                        number_symbol=record.number_symbol, path=path, sha256=record.sha256 or "", already=already,
                        voided=record.voided)


def _already(output_dir: Path, record: Record, draft: DraftLetter) -> IssuedLetter:
    if record.draft_sha256 and record.draft_sha256 != draft.context_sha256:
        raise RegisterError(
            f"bản nháp số {draft.index} ({draft.unit}) của lô {record.batch_id} đã được cấp số "
            f"{record.number_symbol} nhưng dữ liệu bản nháp đã thay đổi sau đó; không cấp số lại. "
            "Hãy tạo lô bản nháp mới."
        )
    return _letter(record, output_dir / (record.file_path or ""), already=True)
