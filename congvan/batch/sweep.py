"""Crash leftovers: what a killed issue or build leaves, found and cleared by the next issuing command.

Issuing writes each letter under a hidden pending name (`.05-SNV-CCHC_x.docx.issuing`), commits the
register rows, then links the pending file to its issued name: a file with an issued-looking name is
always in the register. A run killed before its commit leaves pending (and `.tmp`) files only; a run
killed after its commit leaves pending files whose rows exist. The sweep, run under the register's
write lock, finishes the second kind (same SHA-256 as the row) and moves everything else — pending and
temporary files, issued-looking letters the register does not know, abandoned `.partial` draft folders
— to `output/.quarantine/<time>/`, never deleting anything.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan import clock
from congvan.batch.drafts import partial_folders
from congvan.errors import OutputError
from congvan.files import sha256_file
from congvan.register.records import ISSUED_NAME_RE, PENDING_SUFFIX, is_letter_leftover
from congvan.register.store import Register

QUARANTINE_DIR = ".quarantine"
PARTIAL_AGE_SECONDS = 15 * 60  # a `.partial` draft folder untouched this long belongs to a dead build


@dataclass
class SweepResult:
    """What a sweep did: files moved to quarantine, and pending letters of committed rows put in place."""

    quarantined: list[Path] = field(default_factory=list)
    completed: list[Path] = field(default_factory=list)


def pending_path(path: Path) -> Path:
    """Return the hidden name a letter is written under until its row is committed."""
    return path.with_name(f".{path.name}{PENDING_SUFFIX}")


def publish(pending: Path, path: Path) -> None:
    """Give a pending letter its issued name (never replacing another file), then drop the pending name."""
    try:
        os.link(pending, path)
    except FileNotFoundError:
        if path.is_file():  # another issuer's sweep put it in place first
            return
        raise
    except FileExistsError:
        if not _same_file(pending, path):
            raise OutputError(f"{path}: đã có một tệp khác mang tên này; tệp vừa cấp số vẫn ở {pending}.") from None
    pending.unlink(missing_ok=True)


def _same_file(pending: Path, path: Path) -> bool:
    """Whether `path` already holds the pending letter (or another issuer's sweep named it and dropped it)."""
    try:
        return path.samefile(pending) or sha256_file(path) == sha256_file(pending)
    except FileNotFoundError:
        return path.is_file()


def sweep(register: Register, conn: Any, output_dir: Path, drafts_dir: Path | None = None) -> SweepResult:
    """Clear crash leftovers in `output_dir/<year>/` (and old `.partial` folders in `drafts_dir`).

    Call it inside the register's write transaction, so no other issue is between its write and commit.
    """
    result = SweepResult()
    if not output_dir.is_dir():
        return result
    known = register.registered_files(conn)
    target = output_dir / QUARANTINE_DIR / dt.datetime.now(clock.VIETNAM_TZ).strftime("%Y%m%d-%H%M%S-%f")
    for year_dir in sorted(p for p in output_dir.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)):
        for path in sorted(year_dir.iterdir()):
            relative = f"{year_dir.name}/{path.name}"
            if not (is_letter_leftover(path.name) or (ISSUED_NAME_RE.match(path.name) and relative not in known)):
                continue
            state = _complete(path, known)
            if state == "named":
                result.completed.append(path.with_name(path.name[1:-len(PENDING_SUFFIX)]))
            elif state == "left over" and (moved := _quarantine(path, target / year_dir.name)):
                result.quarantined.append(moved)
    if drafts_dir is not None:
        for path in partial_folders(drafts_dir, PARTIAL_AGE_SECONDS):
            if moved := _quarantine(path, target / drafts_dir.name):
                result.quarantined.append(moved)
    return result


def _complete(path: Path, known: dict[str, str | None]) -> str:
    """Name a pending letter whose row is committed ("named"); "gone" when another issuer just did it;
    "left over" for anything else (not pending, not committed, another file, or already named)."""
    if not path.name.endswith(PENDING_SUFFIX):
        return "left over"
    final = path.with_name(path.name[1:-len(PENDING_SUFFIX)])
    sha256 = known.get(f"{path.parent.name}/{final.name}")
    try:
        if sha256 is None or sha256_file(path) != sha256:
            return "left over"
        if final.exists():  # its issuer named it a moment ago and is about to drop the pending name
            if not final.samefile(path):
                return "left over"
            path.unlink(missing_ok=True)
            return "gone"
        publish(path, final)
    except FileNotFoundError:
        return "gone"
    return "named"


def _quarantine(path: Path, folder: Path) -> Path | None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    try:
        os.replace(path, target)
    except FileNotFoundError:  # gone meanwhile (its issuer dropped a pending name)
        return None
    return target
