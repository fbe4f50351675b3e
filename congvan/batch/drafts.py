"""The draft-batch folder format (docs/drafts.md): the one module that names, writes and reads its files.

    output/drafts/<batch>/          batch = YYYYMMDD-HHMMSS-<6 hex>
        manifest.json               the batch and its letters, in print order
        manifest.csv                the same list for people
        template.docx               exact copy of the template used (SHA-256 in the manifest)
        <stem>.docx, <stem>.json    each draft letter and the context it was rendered from

A batch is written into `.<batch>.partial/` and renamed when complete. Reading a batch checks the
manifest, the template copy against its SHA-256 and every letter's context; a letter's context is read
again (and checked against the hash taken at load time) only when it is used, so a batch of thousands
of letters is never all in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan import __version__
from congvan.errors import RegisterError
from congvan.files import atomic_write, sha256_bytes, sha256_file
from congvan.letter.context import pack, unpack
from congvan.vn import nfc

MANIFEST = "manifest.json"
MANIFEST_CSV = "manifest.csv"
TEMPLATE = "template.docx"
DOCUMENT_TYPE = "Công văn"
_SEE_DOCS = "xem docs/drafts.md"


def new_batch_id(now: dt.datetime) -> str:
    """Return a batch id: "20261122-093012-a1b2c3" (creation time and 6 random hex digits)."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def template_path(folder: Path) -> Path:
    """Return where a batch keeps its copy of the template."""
    return Path(folder) / TEMPLATE


# -- writing --


def letter_path(folder: Path, stem: str) -> Path:
    """Return the path of a draft letter of the batch in `folder`."""
    return Path(folder) / _docx_name(stem)


def _docx_name(stem: str) -> str:
    return f"{stem}.docx"


def write_letter(folder: Path, stem: str, data: bytes, context: dict[str, Any]) -> None:
    """Write one draft letter and its context into the (hidden, not yet renamed) batch folder."""
    letter_path(folder, stem).write_bytes(data)
    (folder / f"{stem}.json").write_bytes(
        json.dumps(pack(context), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def letter_entry(index: int, unit: str, stem: str, data: bytes, context: dict[str, Any],
                 weaknesses: Sequence[str], strengths: Sequence[str]) -> dict[str, Any]:
    """Return the manifest entry of one letter."""
    signer = context["ky"]
    return {
        "index": index,
        "unit": unit,
        "file": _docx_name(stem),
        "context": f"{stem}.json",
        "sha256": sha256_bytes(data),
        "weaknesses": list(weaknesses),
        "strengths": list(strengths),
        "subject": f"V/v {context['trich_yeu']}",
        "recipients": context["kinh_gui"],
        "signer": " ".join(p for p in (signer["quyen_han"], signer["chuc_vu"], signer["ho_ten"]) if p),
    }


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


def finish_batch(partial: Path, header: BatchHeader, template: Path, entries: list[dict[str, Any]],
                 warnings: list[str]) -> Path:
    """Add the template copy and the manifests to `partial`, sync, rename it into place; return the folder."""
    shutil.copyfile(template, partial / TEMPLATE)
    manifest = {
        "batch": header.batch,
        "created": header.created.isoformat(timespec="seconds"),
        "tool_version": __version__,
        "template": {"source": header.template_source, "file": TEMPLATE, "sha256": header.template_sha256},
        "document_type": DOCUMENT_TYPE,
        "issuer": header.issuer,
        "issuer_abbreviation": header.issuer_abbreviation,
        "symbol": header.symbol,
        "warnings": warnings,
        "letters": entries,
    }
    atomic_write(partial / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    atomic_write(partial / MANIFEST_CSV, _manifest_csv(entries))
    os.sync()
    final = partial.parent / header.batch
    os.rename(partial, final)
    return final


def _manifest_csv(entries: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["STT", "Đơn vị", "Tệp", "Tiêu chí chưa đạt", "Tiêu chí đạt, vượt"])
    for entry in entries:
        writer.writerow([entry["index"], entry["unit"], entry["file"], "; ".join(entry["weaknesses"]),
                         "; ".join(entry["strengths"])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- reading --


@dataclass(frozen=True)
class DraftLetter:
    """One draft letter of a loaded batch; `context` reads its context again, checked against the load-time hash."""

    index: int
    unit: str
    symbol: str
    context_path: Path
    context_sha256: str

    @property
    def context(self) -> dict[str, Any]:
        raw = self.context_path.read_bytes()
        if sha256_bytes(raw) != self.context_sha256:
            raise RegisterError(f"{self.context_path}: dữ liệu bản nháp đã thay đổi trong khi cấp số; chạy lại.")
        return unpack(_read_json(self.context_path, raw))


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
    letters: list[DraftLetter] = []
    seen: set[int] = set()
    for entry in entries:
        letter = _load_letter(folder, manifest_path, entry, symbol, seen)
        seen.add(letter.index)
        letters.append(letter)
    letters.sort(key=lambda letter: letter.index)
    return DraftBatch(folder=folder, batch_id=batch_id, template_path=template_file, template_sha256=actual,
                      document_type=str(manifest.get("document_type") or DOCUMENT_TYPE),
                      issuer=str(manifest.get("issuer") or ""),
                      issuer_abbreviation=str(manifest.get("issuer_abbreviation") or ""),
                      symbol=symbol, letters=letters)


def _load_letter(folder: Path, manifest_path: Path, entry: Any, batch_symbol: str, seen: set[int]) -> DraftLetter:
    try:
        index = int(entry["index"])
        context_path = folder / entry["context"]
    except (KeyError, TypeError, ValueError) as err:
        raise RegisterError(f"{manifest_path}: mục văn bản thiếu 'index' hoặc 'context' ({err}).") from err
    if index in seen:
        raise RegisterError(f"{manifest_path}: số thứ tự {index} lặp lại.")
    if not context_path.is_file():
        raise RegisterError(f"{context_path}: thiếu dữ liệu (context) của bản nháp số {index}.")
    raw = context_path.read_bytes()
    context = unpack(_read_json(context_path, raw))
    for key in ("ky_hieu", "dia_danh"):
        if key not in context:
            raise RegisterError(f"{context_path}: thiếu khóa '{key}'.")
    if batch_symbol and context["ky_hieu"] != batch_symbol:
        raise RegisterError(
            f"{context_path}: ký hiệu '{context['ky_hieu']}' khác ký hiệu của lô '{batch_symbol}'.")
    unit = nfc(str(entry.get("unit") or context.get("don_vi", {}).get("ten_hoa") or f"van-ban-{index}"))
    return DraftLetter(index=index, unit=unit, symbol=context["ky_hieu"], context_path=context_path,
                       context_sha256=sha256_bytes(raw))


def letter_titles(folder: Path) -> dict[str, str]:
    """Map each letter's file name to its unit, in manifest (print) order; empty when `folder` is no readable batch.

    Only the manifest is read: this serves ordering a print bundle, not issuing.
    """
    try:
        entries = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["letters"]
        return {str(entry["file"]): str(entry.get("unit") or Path(entry["file"]).stem) for entry in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
