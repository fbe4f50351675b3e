"""`congvan pdf` as a workflow: letters (files, folders, or the latest draft batch) to PDF, in print order for
the bundle, issued letters checked against the register. Also the progress stages all workflows report.

Kept apart from congvan.batch.workflows so that `congvan pdf` imports neither the build (pandas, docxtpl) nor,
unless the letters need them, the register (SQLAlchemy) and the draft batches: those are imported where used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from congvan.config import CONFIG_NAME, Workspace, load_workspace
from congvan.errors import PdfError, UsageError
from congvan.pdf.convert import collect_docx
from congvan.pdf.order import issued_title, print_order

if TYPE_CHECKING:  # pypdf is imported where letters are converted, not by `build` without --pdf
    from congvan.pdf.finish import PdfResult

LETTERS, PDF = "letters", "pdf"  # progress stages

# progress(stage, done, total): `done` letters more of `total` finished in `stage` (LETTERS or PDF)
Progress = Callable[[str, int, int], None]


def stage(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    """Return the per-stage callback `convert_letters`/`build` take; announce the stage with 0 done."""
    if progress is None:
        return None
    progress(stage, 0, total)
    return lambda done: progress(stage, done, total)


def bundle_order(files: Sequence[Path], issued: dict[Path, str] | None = None) -> tuple[list[Path], list[str]]:
    """Return `files` in print order with bookmark titles: a draft batch's manifest order, else register order
    (`issued`: resolved path -> "số và ký hiệu — unit"), else by name."""
    from congvan.batch import drafts

    issued = issued or {}

    def known(folder: Path) -> dict[str, str]:
        where = folder.resolve()
        return drafts.letter_titles(folder) or {p.name: title for p, title in issued.items() if p.parent == where}

    return print_order(files, known)


@dataclass(frozen=True)
class PdfRequest:
    """`congvan pdf`: letters (files, folders of them, or "latest" batch) to PDF, optionally one print bundle."""

    paths: tuple[Path | str, ...]
    out: Path | None = None
    workers: int | None = None
    overwrite: bool = False
    bundle_to: Path | None = None
    duplex: bool = True
    workspace: Path | None = None  # its register titles issued letters, leaves out voided and unknown ones


@dataclass(frozen=True)
class Issued:
    """What the register says about the issued letters among some files (resolved paths)."""

    titles: dict[Path, str]  # "số và ký hiệu — unit", in register order
    voided: set[Path]


def registered(ws: Workspace, files: Sequence[Path]) -> Issued:
    """Read the register when some of `files` lie in the workspace's output folder (not its drafts): the title
    of every issued letter's file, and the voided ones."""
    from congvan.register.store import Register

    output, drafts_dir = ws.archive_dir.resolve(), ws.drafts_dir.resolve()
    if not any(f.resolve().is_relative_to(output) and not f.resolve().is_relative_to(drafts_dir) for f in files):
        return Issued({}, set())
    with Register(ws.register_url) as register:
        records = [((ws.archive_dir / r.file_path).resolve(), r) for r in register.records() if r.file_path]
    return Issued({path: issued_title(r.number_symbol, r.unit or "") for path, r in records},
                  {path for path, r in records if r.voided})


def make_pdfs(request: PdfRequest, progress: Progress | None = None) -> PdfResult:
    """Convert the letters to PDF (metadata, font check) and gather the bundle in print order.

    With a workspace, "latest" names its newest draft batch, letters voided in its register are left
    out (listed in `left_out`), and issued letters are bookmarked "số và ký hiệu — unit".
    Letters in the workspace's `output/<year>/` that the register does not know are left out with a warning.
    """
    from congvan.pdf.finish import convert_letters

    ws = load_workspace(request.workspace) if request.workspace is not None else None
    files = collect_docx([_batch_or_path(ws, p) for p in request.paths])
    issued = registered(ws, files) if ws is not None else Issued({}, set())
    voided = [f for f in files if f.resolve() in issued.voided]
    letters, skipped = issued_only([f for f in files if f not in voided], request.workspace)
    if not letters:
        raise PdfError("không có tệp .docx nào để chuyển sang PDF trong: " + ", ".join(map(str, request.paths))
                       + (f" ({len(voided)} văn bản đã thu hồi được bỏ qua)" if voided else "")
                       + "".join(f"; {reason}" for reason in skipped))
    titles = None
    if request.bundle_to is not None:
        letters, titles = bundle_order(letters, issued.titles)
    result = convert_letters(letters, request.out, workers=request.workers, overwrite=request.overwrite,
                             bundle_to=request.bundle_to, duplex=request.duplex, titles=titles,
                             progress=stage(progress, PDF, len(letters)))
    result.left_out = voided
    result.report.warnings[:0] = skipped
    return result

def _batch_or_path(ws: Workspace | None, path: Path | str) -> Path:
    from congvan.batch import batches

    if str(path) != batches.LATEST:
        return Path(path)
    if ws is None:
        raise UsageError("'latest' (lô bản nháp mới nhất) cần thư mục làm việc có congvan.toml (-w).")
    return batches.resolve(ws, batches.LATEST)

def issued_only(files: list[Path], workspace: Path | None) -> tuple[list[Path], list[str]]:
    """Keep the files outside the workspace's `output/<year>/` and those the register has, not withdrawn."""
    if workspace is None or not (Path(workspace) / CONFIG_NAME).is_file():
        return files, []
    ws = load_workspace(workspace)
    output = ws.archive_dir.resolve()
    inside = {f: f"{f.parent.name}/{f.name}" for f in files
              if f.resolve().parent.parent == output and re.fullmatch(r"\d{4}", f.parent.name)}
    if not inside:
        return files, []
    from congvan.register.store import Register

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
