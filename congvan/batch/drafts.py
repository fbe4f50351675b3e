"""The draft-batch folder format (docs/drafts.md): the one module that names, writes and reads its files.

    output/drafts/<batch>/          batch = YYYYMMDD-HHMMSS-<6 hex>
        manifest.json               the batch, the SHA-256 of its inputs, its letters in print order
        manifest.csv                the same list for people
        template.docx               exact copy of the template used (SHA-256 in the manifest)
        tong_hop.xlsx               the summary workbook for leaders (docs/summary.md); not checked on reading
        tong_hop.docx               the summary report (báo cáo tổng hợp) beside it, the same figures; not checked
        <stem>.docx                 each draft letter
        contexts.jsonl              the context of each letter, one a line in batch order (the manifest
                                    records each one's offset, length and SHA-256); batches made before
                                    it keep one <stem>.json a letter, and still load
        phe_duyet.json              trình ký / duyệt / trả lại, once submitted (congvan.batch.approval)

A batch is written into `.<batch>.partial/` and renamed when complete. Reading a batch checks the
manifest, the template copy, every draft .docx and every context against the SHA-256 the manifest
recorded at build time (an edited context is refused); a letter's context is parsed (and its bytes
checked once more) only when it is used, so a batch of thousands of letters is never all in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from congvan import __version__
from congvan.errors import RegisterError
from congvan.files import sha256_bytes, sha256_file
from congvan.letter.context import pack, unpack
from congvan.vn import format_number, format_percent, nfc, slugify

MANIFEST = "manifest.json"
MANIFEST_CSV = "manifest.csv"
CONTEXTS = "contexts.jsonl"
TEMPLATE = "template.docx"
SUMMARY = "tong_hop.xlsx"
APPROVAL = "phe_duyet.json"
REPORT = "tong_hop.docx"
DOCUMENT_TYPE = "Công văn"
_SEE_DOCS = "xem docs/drafts.md"


def new_batch_id(now: dt.datetime) -> str:
    """Return a batch id: "20261122-093012-a1b2c3" (creation time and 6 random hex digits)."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def template_path(folder: Path) -> Path:
    """Return where a batch keeps its copy of the template."""
    return Path(folder) / TEMPLATE


def approval_path(folder: Path) -> Path:
    """Return where a batch keeps its approval history (written only by congvan.batch.approval)."""
    return Path(folder) / APPROVAL


def summary_path(folder: Path) -> Path:
    """Return where a batch keeps its summary workbook (written by the build, again by `congvan summary`)."""
    return Path(folder) / SUMMARY


def report_path(folder: Path) -> Path:
    """Return where a batch keeps its summary report, the báo cáo tổng hợp .docx (as the workbook)."""
    return Path(folder) / REPORT


# -- writing --


def letter_stem(position: int, of: int, unit: str) -> str:
    """Return a letter's file stem: the unit's position in the results, padded to the width of `of` units,
    and the unit's slug ("07_xa-ba-to"), so a unit keeps its file name in a full or a one-unit batch."""
    return f"{position:0{len(str(of))}d}_{slugify(unit)}"


def letter_path(folder: Path, stem: str) -> Path:
    """Return the path of a draft letter of the batch in `folder`."""
    return Path(folder) / _docx_name(stem)


def _docx_name(stem: str) -> str:
    return f"{stem}.docx"


def context_bytes(context: dict[str, Any]) -> bytes:
    """Return the bytes of a letter's context file (UTF-8 JSON)."""
    return json.dumps(pack(context), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_docx(folder: Path, stem: str, data: bytes) -> None:
    """Write one draft letter into the (hidden, not yet renamed) batch folder; its context goes to `ContextFile`."""
    letter_path(folder, stem).write_bytes(data)


class ContextFile:
    """The batch's contexts.jsonl, written in batch order by one process: a packed context a line.

    `add` returns the manifest fields that find and check the line: file, [offset, length], SHA-256.
    """

    def __init__(self, folder: Path) -> None:
        self._handle = open(Path(folder) / CONTEXTS, "wb")  # noqa: SIM115 -- closed by close()/__exit__
        self._offset = 0

    def add(self, raw: bytes) -> dict[str, Any]:
        """Append one letter's `context_bytes`; return its manifest fields."""
        self._handle.write(raw + b"\n")
        at = [self._offset, len(raw)]
        self._offset += len(raw) + 1
        return {"context": CONTEXTS, "context_at": at, "context_sha256": sha256_bytes(raw)}

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ContextFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class CriterionFigures:
    """A unit's figures on one criterion, as manifest.csv lists them."""

    table: str
    name: str
    score: float
    target: float
    gap: float
    met: bool

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "name": self.name, "score": self.score, "target": self.target,
                "gap": self.gap, "met": self.met}


def letter_entry(index: int, unit: str, stem: str, data: bytes, context: dict[str, Any],
                 weaknesses: Sequence[str], strengths: Sequence[str],
                 figures: Sequence[CriterionFigures]) -> dict[str, Any]:
    """Return the manifest entry of one letter (with the SHA-256 of its .docx), without where its context is
    stored: add `ContextFile.add`'s fields to it. `figures` are in catalog order."""
    signer = context["ky"]
    return {
        "index": index,
        "unit": unit,
        "file": _docx_name(stem),
        "sha256": sha256_bytes(data),
        "weaknesses": list(weaknesses),
        "strengths": list(strengths),
        "figures": [f.as_dict() for f in figures],
        "subject": _subject(context),
        "recipients": context["kinh_gui"],
        "signer": " ".join(p for p in (signer["quyen_han"], signer["chuc_vu"], signer["ho_ten"]) if p),
    }


def _subject(context: dict[str, Any]) -> str:
    """"V/v …" for a công văn, "Thông báo …" for the other types (a composed letter names its `loai`)."""
    kind = str(context.get("loai") or DOCUMENT_TYPE)
    return f"V/v {context['trich_yeu']}" if kind == DOCUMENT_TYPE else f"{kind} {context['trich_yeu']}"


@dataclass(frozen=True)
class InputFile:
    """A file the batch was built from: its role, path (relative to the workspace when inside it), SHA-256."""

    role: str  # "results", "previous" (last year), "renames" (doi_ten.csv), "catalog", "config", "recipients",
    #            "template"
    path: str
    sha256: str


@dataclass(frozen=True)
class BatchHeader:
    """What the manifest says about the whole batch (besides its letters)."""

    batch: str
    created: dt.datetime
    template_source: str
    template_sha256: str
    issuer: str
    issuer_abbreviation: str
    symbol: str
    inputs: tuple[InputFile, ...] = ()
    document_type: str = DOCUMENT_TYPE  # the NĐ 30 type name of every letter of the batch ("Thông báo")


def partial_folders(drafts_dir: Path, older_than: float = 0) -> list[Path]:
    """Return the hidden folders of builds that never finished, untouched for `older_than` seconds."""
    folder = Path(drafts_dir)
    if not folder.is_dir():
        return []
    limit = time.time() - older_than
    return sorted(p for p in folder.glob(".*.partial") if p.is_dir() and p.stat().st_mtime <= limit)


@contextmanager
def writing_batch(drafts_dir: Path, batch: str) -> Iterator[Path]:
    """Yield the hidden folder to write a batch into; on any error it is removed, so no batch is left."""
    partial = Path(drafts_dir) / f".{batch}.partial"
    partial.mkdir(parents=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


class ManifestWriter:
    """The manifests of a batch being built, written as its letters come instead of held in memory: manifest.csv
    row by row, and the letters of manifest.json into a hidden spool file that `finish_batch` copies after the
    batch's header (whose warnings are known only at the end). `close` removes the spool.
    """

    def __init__(self, folder: Path) -> None:
        self._spool_path = Path(folder) / ".letters.json"
        self._spool = open(self._spool_path, "w", encoding="utf-8")  # noqa: SIM115 -- closed by close()/__exit__
        self._csv = _ManifestCsv(open(Path(folder) / MANIFEST_CSV, "w",  # noqa: SIM115 -- closed by close()
                                      encoding="utf-8-sig", newline=""))
        self._letters = 0

    def add(self, entry: dict[str, Any]) -> None:
        self._spool.write(_letter_text(self._letters, entry))
        self._csv.add(entry)
        self._letters += 1

    def copy_letters(self, handle: TextIO) -> None:
        """Write the letters' part of manifest.json, as `add` spooled it, to `handle`."""
        self._spool.flush()
        with open(self._spool_path, encoding="utf-8") as spool:
            shutil.copyfileobj(spool, handle)

    def close(self) -> None:
        self._spool.close()
        self._csv.close()
        self._spool_path.unlink(missing_ok=True)

    def __enter__(self) -> ManifestWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def finish_batch(partial: Path, header: BatchHeader, template: Path,
                 entries: Iterable[dict[str, Any]] | ManifestWriter, warnings: list[str]) -> Path:
    """Add the template copy and the manifests to `partial`, sync, rename it into place; return the folder.

    `entries` is the letters' manifest entries (a list, iterated twice), or the `ManifestWriter` they were
    added to (closed here, before the folder is renamed).
    """
    shutil.copyfile(template, partial / TEMPLATE)
    manifest = {
        "batch": header.batch,
        "created": header.created.isoformat(timespec="seconds"),
        "tool_version": __version__,
        "template": {"source": header.template_source, "file": TEMPLATE, "sha256": header.template_sha256},
        "document_type": header.document_type,
        "issuer": header.issuer,
        "issuer_abbreviation": header.issuer_abbreviation,
        "symbol": header.symbol,
        "inputs": [{"role": i.role, "path": i.path, "sha256": i.sha256} for i in header.inputs],
        "warnings": warnings,
    }
    # The folder is the unit of atomicity (synced and renamed below): its files are written plainly, streamed.
    with open(partial / MANIFEST, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, ensure_ascii=False, indent=1)[:-2] + ',\n "letters": [')
        if isinstance(entries, ManifestWriter):
            entries.copy_letters(handle)
        else:
            handle.writelines(_letter_text(number, entry) for number, entry in enumerate(entries))
        handle.write("\n ]\n}\n")
    if isinstance(entries, ManifestWriter):
        entries.close()  # manifest.csv is complete; the spool is not part of the batch
    else:
        with _ManifestCsv(open(partial / MANIFEST_CSV, "w", encoding="utf-8-sig", newline="")) as table:
            for entry in entries:
                table.add(entry)
    os.sync()
    final = partial.parent / header.batch
    os.rename(partial, final)
    return final


def _letter_text(number: int, entry: dict[str, Any]) -> str:
    """One letter's entry in manifest.json's "letters" list, a line each."""
    return ("," if number else "") + "\n  " + json.dumps(entry, ensure_ascii=False)


MANIFEST_CSV_HEADER = ("STT", "Đơn vị", "Tệp", "Số tiêu chí chưa đạt",
                       "Tiêu chí chưa đạt (kết quả; chỉ tiêu; chênh lệch)", "Tiêu chí đạt, vượt")


class _ManifestCsv:
    """manifest.csv, the letters for Excel (opened UTF-8 with a BOM): a Vietnamese header, then a row a letter
    naming its criteria in catalog order."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._writer = csv.writer(handle)
        self._writer.writerow(MANIFEST_CSV_HEADER)

    def add(self, entry: dict[str, Any]) -> None:
        short = [f for f in entry["figures"] if not f["met"]]
        self._writer.writerow([entry["index"], entry["unit"], entry["file"], len(short),
                               "; ".join(map(_shortfall, short)),
                               "; ".join(f["name"] for f in entry["figures"] if f["met"])])

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> _ManifestCsv:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _shortfall(figures: dict[str, Any]) -> str:
    """"Tiếp cận dịch vụ: 68,83% (chỉ tiêu 83%, thấp hơn 14,17 điểm)"."""
    return (f"{figures['name']}: {format_percent(figures['score'])} (chỉ tiêu {format_percent(figures['target'])}, "
            f"thấp hơn {format_number(-figures['gap'])} điểm)")


# -- reading --


@dataclass(frozen=True)
class DraftLetter:
    """One draft letter of a loaded batch; `context` reads its context again, checked against the load-time hash."""

    index: int
    unit: str
    symbol: str
    context_path: Path
    context_sha256: str
    file: str = ""  # the draft .docx's name in the batch folder
    context_at: tuple[int, int] | None = None  # offset and length in contexts.jsonl; None: a whole <stem>.json

    @property
    def context(self) -> dict[str, Any]:
        with ContextReader() as reader:
            return reader.context(self)


class ContextReader:
    """Reads the contexts of a batch's letters, each file opened once (contexts.jsonl: one handle for all).

    `context` checks a letter's bytes against the SHA-256 read when the batch was loaded, then its keys and
    symbol, and returns the template context; `raw` returns the bytes alone.
    """

    def __init__(self) -> None:
        self._handles: dict[Path, BinaryIO] = {}

    def exists(self, path: Path) -> bool:
        """Whether a context file is there (contexts.jsonl is looked up once, not once a letter)."""
        return path in self._handles or path.is_file()

    def raw(self, path: Path, at: tuple[int, int] | None) -> bytes:
        """The bytes of one letter's context: a whole file (older batches) or one line of contexts.jsonl."""
        if at is None:
            return path.read_bytes()
        handle = self._handles.get(path)
        if handle is None:
            handle = self._handles[path] = open(path, "rb")  # noqa: SIM115 -- closed by close()/__exit__
        handle.seek(at[0])
        return handle.read(at[1])

    def context(self, letter: DraftLetter) -> dict[str, Any]:
        raw = self.raw(letter.context_path, letter.context_at)
        if sha256_bytes(raw) != letter.context_sha256:
            raise RegisterError(f"{letter.context_path}: dữ liệu bản nháp đã thay đổi trong khi cấp số; chạy lại.")
        return unpack(_checked(letter.context_path, raw, letter.symbol))

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def __enter__(self) -> ContextReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _checked(path: Path, raw: bytes, symbol: str) -> dict[str, Any]:
    """Parse a stored context; refuse one without the keys issuing needs or whose symbol is not `symbol`."""
    context = _read_json(path, raw)
    for key in ("ky_hieu", "dia_danh"):
        if key not in context:
            raise RegisterError(f"{path}: thiếu khóa '{key}'.")
    if symbol and context["ky_hieu"] != symbol:
        raise RegisterError(f"{path}: ký hiệu '{context['ky_hieu']}' khác ký hiệu của lô '{symbol}'.")
    return context


@dataclass(frozen=True)
class DraftBatch:
    """A draft batch folder, read and checked."""

    folder: Path
    batch_id: str
    template_path: Path
    template_sha256: str
    document_type: str
    issuer: str
    issuer_abbreviation: str
    symbol: str
    letters: list[DraftLetter]
    inputs: tuple[InputFile, ...] = ()

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST


def _read_json(path: Path, raw: bytes | None = None) -> Any:
    try:
        return json.loads(path.read_bytes() if raw is None else raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RegisterError(f"{path}: không đọc được ({err}).") from err


def load_batch(folder: Path) -> DraftBatch:
    """Read manifest.json and each letter's context; check the template copy against its SHA-256."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise RegisterError(f"{folder}: không phải thư mục bản nháp (thiếu {MANIFEST}). Xem docs/drafts.md.")
    manifest = _read_json(manifest_path)
    try:
        batch_id = str(manifest["batch"])
        template = manifest["template"]
        entries = manifest["letters"]
    except (KeyError, TypeError) as err:
        raise RegisterError(f"{manifest_path}: thiếu khóa {err} ({_SEE_DOCS}).") from err
    if not batch_id or not isinstance(entries, list) or not entries:
        raise RegisterError(f"{manifest_path}: lô '{batch_id}' không có văn bản nào.")
    template_file = folder / template.get("file", TEMPLATE)
    if not template_file.is_file():
        raise RegisterError(f"{template_file}: thiếu bản sao mẫu của lô bản nháp.")
    actual = sha256_file(template_file)
    if actual != template.get("sha256"):
        raise RegisterError(
            f"{template_file}: mẫu đã bị thay đổi sau khi tạo bản nháp (SHA-256 {actual[:12]}… khác "
            f"{str(template.get('sha256'))[:12]}… trong {MANIFEST}). Hãy tạo lại lô bản nháp."
        )
    symbol = str(manifest.get("symbol") or "")
    inputs = _inputs(manifest_path, manifest)
    letters: list[DraftLetter] = []
    seen: set[int] = set()
    with ContextReader() as reader:
        for entry in entries:
            letter = _load_letter(folder, manifest_path, entry, symbol, seen, reader)
            seen.add(letter.index)
            letters.append(letter)
    letters.sort(key=lambda letter: letter.index)
    return DraftBatch(folder=folder, batch_id=batch_id, template_path=template_file, template_sha256=actual,
                      document_type=str(manifest.get("document_type") or DOCUMENT_TYPE),
                      issuer=str(manifest.get("issuer") or ""),
                      issuer_abbreviation=str(manifest.get("issuer_abbreviation") or ""),
                      symbol=symbol, letters=letters, inputs=inputs)


def _inputs(manifest_path: Path, manifest: dict[str, Any]) -> tuple[InputFile, ...]:
    try:
        return tuple(InputFile(str(i["role"]), str(i["path"]), str(i["sha256"])) for i in manifest.get("inputs") or [])
    except (KeyError, TypeError) as err:
        raise RegisterError(f"{manifest_path}: mục 'inputs' thiếu khóa {err} ({_SEE_DOCS}).") from err


def _load_letter(folder: Path, manifest_path: Path, entry: Any, batch_symbol: str, seen: set[int],
                 reader: ContextReader) -> DraftLetter:
    """Check one letter's files against the manifest. Its context is parsed (and its keys checked) when it is
    used (`ContextReader.context`), here only when the manifest lacks the batch's symbol or the letter's unit."""
    try:
        index = int(entry["index"])
        context_path = folder / entry["context"]
        at = entry.get("context_at")
        context_at = None if at is None else (int(at[0]), int(at[1]))
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise RegisterError(f"{manifest_path}: mục văn bản thiếu 'index' hoặc 'context' ({err}).") from err
    if index in seen:
        raise RegisterError(f"{manifest_path}: số thứ tự {index} lặp lại.")
    if not reader.exists(context_path):
        raise RegisterError(f"{context_path}: thiếu dữ liệu (context) của bản nháp số {index}.")
    _check_recorded(folder / str(entry.get("file") or ""), entry.get("sha256"), "bản nháp (.docx)", index)
    raw = reader.raw(context_path, context_at)
    digest = _check_recorded(context_path, entry.get("context_sha256"), "dữ liệu (context)", index, raw)
    symbol, unit = batch_symbol, entry.get("unit")
    if not symbol or not unit:  # a batch whose manifest does not say them (older or hand-made)
        context = _checked(context_path, raw, batch_symbol)
        symbol = context["ky_hieu"]
        unit = unit or context.get("don_vi", {}).get("ten_hoa") or f"van-ban-{index}"
    return DraftLetter(index=index, unit=nfc(str(unit)), symbol=symbol, context_path=context_path,
                       context_sha256=digest, file=str(entry.get("file") or ""), context_at=context_at)


def _check_recorded(path: Path, recorded: Any, what: str, index: int, raw: bytes | None = None) -> str:
    """Refuse a draft file that is missing or whose SHA-256 differs from the one the manifest recorded; return it."""
    if not recorded:
        raise RegisterError(
            f"{path.parent / MANIFEST}: không ghi SHA-256 {what} của bản nháp số {index} (lô tạo bằng phiên bản "
            "cũ); hãy tạo lại lô bản nháp bằng `congvan build`.")
    if raw is None and not path.is_file():
        raise RegisterError(f"{path}: thiếu {what} của bản nháp số {index}; hãy tạo lại lô bản nháp.")
    actual = sha256_bytes(raw) if raw is not None else sha256_file(path)
    if actual != recorded:
        raise RegisterError(
            f"{path}: {what} của bản nháp số {index} đã bị sửa sau khi tạo lô (SHA-256 {actual[:12]}… khác "
            f"{str(recorded)[:12]}… trong {MANIFEST}); không cấp số. Sửa dữ liệu nguồn rồi tạo lại lô bằng "
            "`congvan build`.")
    return actual


@dataclass(frozen=True)
class BatchSummary:
    """What manifest.json says about a batch, read without checking its letters (for listings)."""

    folder: Path
    batch_id: str
    created: str
    units: tuple[str, ...]
    inputs: tuple[InputFile, ...]


def read_summary(folder: Path) -> BatchSummary | None:
    """Return the batch in `folder` as its manifest describes it; None when `folder` holds no readable batch."""
    manifest_path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_bytes())
        units = tuple(nfc(str(entry["unit"])) for entry in manifest["letters"])
        return BatchSummary(folder=Path(folder), batch_id=str(manifest["batch"]), created=str(manifest["created"]),
                            units=units, inputs=_inputs(manifest_path, manifest))
    except (OSError, ValueError, KeyError, TypeError, RegisterError):
        return None


def letter_titles(folder: Path) -> dict[str, str]:
    """Map each letter's file name to its unit, in manifest (print) order; empty when `folder` is no readable batch.

    Only the manifest is read: this serves ordering a print bundle, not issuing.
    """
    try:
        entries = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["letters"]
        return {str(entry["file"]): str(entry.get("unit") or Path(entry["file"]).stem) for entry in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


@dataclass(frozen=True)
class LetterRow:
    """One letter of a batch as the manifest lists it: for listings (the web's batch page)."""

    index: int
    unit: str
    file: str
    weaknesses: tuple[str, ...]
    strengths: tuple[str, ...]


def letter_rows(folder: Path) -> list[LetterRow]:
    """Return the letters of the batch in `folder` in manifest order; empty when it holds no readable batch."""
    try:
        entries = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["letters"]
        return [LetterRow(int(e["index"]), nfc(str(e["unit"])), str(e["file"]), tuple(e.get("weaknesses") or ()),
                          tuple(e.get("strengths") or ())) for e in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return []
