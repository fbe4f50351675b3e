"""Checking several files at once (`congvan lint`): each file's findings or why it could not be read, and
the exit status: 0 no error (warnings allowed), 1 some finding is an error, 2 some file is not a readable .docx.

A folder is checked recursively (.docx files only; hidden files and folders left out), with a total per
folder. A template (a file holding docxtpl tags, like a draft batch's template.docx) is skipped, not checked.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.errors import EXIT_REFUSED, LayoutFileError
from congvan.lint.check import lint_docx
from congvan.lint.model import Finding

TEMPLATE_SKIPPED = "mẫu, bỏ qua (có thẻ docxtpl {{ … }} hoặc {% … %})"
WORD_LOCK_SKIPPED = "tệp tạm của Word (~$…), bỏ qua"
_TAG = re.compile(r"\{\{|\{%|\{#")
_XML_MARKUP = re.compile(r"<[^>]*>")
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


@dataclass(frozen=True)
class FileReport:
    """One file: its findings, the reason it could not be read, or why it was skipped."""

    path: Path
    findings: list[Finding]
    error: str | None = None
    skipped: str | None = None
    doctype: str = ""  # the detected (or forced) NĐ 30 type
    declined: str = ""  # why the file is out of NĐ 30's scope (a legal document): checked, not judged

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def passed(self) -> bool:
        return self.error is None and self.skipped is None and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "type": self.doctype, "declined": self.declined, "error": self.error,
                "skipped": self.skipped, "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class FolderTotal:
    """The files checked in one folder (reached by walking a folder given on the command line)."""

    folder: Path
    files: list[FileReport] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(f.passed for f in self.files)

    @property
    def failed(self) -> int:
        return sum(f.error is None and f.skipped is None and bool(f.errors) for f in self.files)

    @property
    def unreadable(self) -> int:
        return sum(f.error is not None for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped is not None for f in self.files)


@dataclass(frozen=True)
class LintReport:
    files: list[FileReport]
    folders: list[FolderTotal] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if any(f.error is not None for f in self.files):
            return LayoutFileError.exit_code
        return EXIT_REFUSED if any(f.errors for f in self.files) else 0


def is_template(path: Path) -> bool:
    """Return True when the .docx body, headers or footers hold docxtpl tags (tags split over runs too)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if _TEXT_PARTS.fullmatch(name):
                    text = _XML_MARKUP.sub("", archive.read(name).decode("utf-8", "replace"))
                    if _TAG.search(text):
                        return True
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return False  # not a readable .docx: check_docx says why
    return False


def _check(path: Path, forced_type: str | None) -> FileReport:
    if path.name.startswith("~$"):
        return FileReport(path, [], skipped=WORD_LOCK_SKIPPED)
    if path.is_file() and is_template(path):
        return FileReport(path, [], skipped=TEMPLATE_SKIPPED)
    try:
        result = lint_docx(path, forced_type)
    except LayoutFileError as err:
        return FileReport(path, [], str(err))
    return FileReport(path, result.findings, doctype=result.doctype.name, declined=result.declined)


def _docx_in(folder: Path) -> list[Path]:
    """Every .docx under `folder`, sorted, leaving out hidden files and anything in a hidden folder."""
    return sorted(path for path in folder.rglob("*") if path.suffix.lower() == ".docx" and path.is_file()
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def lint_files(paths: Iterable[Path], forced_type: str | None = None) -> LintReport:
    """Check every file, and every .docx under every folder (as `forced_type` when given); an unreadable file is
    reported and the others are still checked. A folder without any .docx is reported as unreadable (exit 2),
    never passed in silence."""
    files: list[FileReport] = []
    folders: list[FolderTotal] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(_check(path, forced_type))
            continue
        found = _docx_in(path)
        if not found:
            files.append(FileReport(path, [], f"{path}: thư mục không có tệp .docx nào (kể cả thư mục con)."))
            continue
        totals: dict[Path, FolderTotal] = {}
        for docx in found:
            report = _check(docx, forced_type)
            files.append(report)
            totals.setdefault(docx.parent, FolderTotal(docx.parent)).files.append(report)
        folders += totals.values()
    return LintReport(files, folders)
