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
from congvan.register.records import ISSUED_NAME_RE, PENDING_SUFFIX
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
        if sha256_file(path) != sha256_file(pending):
            raise OutputError(f"{path}: đã có một tệp khác mang tên này; tệp vừa cấp số vẫn ở {pending}.") from None
    pending.unlink(missing_ok=True)


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
            name = path.name
            if name.startswith(".") and name.endswith(PENDING_SUFFIX) and path.is_file():
                final = year_dir / name[1:-len(PENDING_SUFFIX)]
                if f"{year_dir.name}/{final.name}" in known:  # committed by a run that did not name it yet
                    if _complete(path, final, known[f"{year_dir.name}/{final.name}"]):
                        result.completed.append(final)
                    continue
            elif not (name.startswith(".") and name.endswith(".tmp") and ".docx" in name) and not (
                    ISSUED_NAME_RE.match(name) and f"{year_dir.name}/{name}" not in known):
                continue
            result.quarantined.append(_quarantine(path, target / year_dir.name))
    if drafts_dir is not None:
        for path in partial_folders(drafts_dir, PARTIAL_AGE_SECONDS):
            result.quarantined.append(_quarantine(path, target / drafts_dir.name))
    return result


def _complete(pending: Path, final: Path, sha256: str | None) -> bool:
    """Name a committed pending letter; False when another issuer is doing it right now."""
    try:
        if final.exists() or sha256_file(pending) != sha256:
            return False
        publish(pending, final)
    except FileNotFoundError:
        return False
    return True


def _quarantine(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    os.replace(path, target)
    return target
