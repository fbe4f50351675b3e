"""Checking several files at once (`congvan lint`): each file's findings or why it could not be read, and
the exit status: 0 no error (warnings allowed), 1 some finding is an error, 2 some file is not a readable .docx."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan.errors import EXIT_REFUSED, LayoutFileError
from congvan.lint.check import Finding, check_docx


@dataclass(frozen=True)
class FileReport:
    """One checked file: its findings, or the reason it could not be read."""

    path: Path
    findings: list[Finding]
    error: str | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "error": self.error, "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class LintReport:
    files: list[FileReport]

    @property
    def exit_code(self) -> int:
        if any(f.error is not None for f in self.files):
            return LayoutFileError.exit_code
        return EXIT_REFUSED if any(f.errors for f in self.files) else 0


def lint_files(paths: Iterable[Path]) -> LintReport:
    """Check every file; an unreadable one is reported and the others are still checked."""
    reports = []
    for path in paths:
        try:
            reports.append(FileReport(Path(path), check_docx(path)))
        except LayoutFileError as err:
            reports.append(FileReport(Path(path), [], str(err)))
    return LintReport(reports)
