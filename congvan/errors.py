"""All exceptions raised by congvan.

Every message names where the problem is (file, sheet, row, column or template paragraph) and what
was expected, in Vietnamese for the clerk who reads it.

Each class declares the process exit code the CLI ends with (`exit_code`, mapped in `congvan.cli.main`):

| code | meaning |
|------|---------|
| 1 | input refused: bad data, configuration, template, register refusal, a file that must not be overwritten |
| 2 | a file could not be read (missing, no permission, not a .docx) or the command line is wrong |
| 3 | the environment: LibreOffice missing, the register database unreachable |
"""

from __future__ import annotations

EXIT_REFUSED = 1
EXIT_UNREADABLE = 2  # also: a wrong command line (click's usage errors)
EXIT_ENVIRONMENT = 3


class CongvanError(Exception):
    """Base class of every error congvan reports to its user."""

    exit_code: int = EXIT_REFUSED


class FileUnreadable(CongvanError):
    """Raised when an input file does not exist or cannot be opened (permission, I/O error)."""

    exit_code = EXIT_UNREADABLE


class UsageError(CongvanError):
    """Raised when options that cannot go together are asked for (the same as a wrong command line)."""

    exit_code = EXIT_UNREADABLE


class EnvironmentMissing(CongvanError):
    """Raised when something the machine must provide is missing or unreachable (a program, a database)."""

    exit_code = EXIT_ENVIRONMENT


class ConfigError(CongvanError):
    """Raised when `congvan.toml` is missing, unreadable or holds a wrong value."""


class ConfigFileUnreadable(ConfigError, FileUnreadable):
    """Raised when `congvan.toml` does not exist in the workspace folder."""


class DataError(CongvanError):
    """Raised when a results workbook, CSV, catalog or recipient list has bad content.

    `location` says where: "data/ket_qua.xlsx, sheet 'UBND cấp xã', row 7, column 'Thủ tục hành chính'".
    """

    def __init__(self, message: str, location: str = "") -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class TemplateError(CongvanError):
    """Raised when a .docx template cannot be compiled or rendered (syntax error, undefined name)."""


class OutputError(CongvanError):
    """Raised when a file cannot be written, or would overwrite a file that must never be overwritten."""


class EditConflict(OutputError):
    """Raised when a file changed on disk after an editor read it: nothing is written, the editor must reload."""


class RegisterError(CongvanError):
    """Raised when the outgoing-document register (sổ văn bản đi) refuses an operation."""


class DataFileUnreadable(DataError, FileUnreadable):
    """Raised when a results workbook, catalog or recipient file does not exist or cannot be opened."""


class LayoutFileError(FileUnreadable):
    """Raised when a file given to the layout checker is not a readable .docx."""


class PdfError(CongvanError):
    """Raised when LibreOffice is missing or did not turn some .docx files into valid PDFs.

    `failed` maps each file that failed to the reason; `converted` lists the PDFs that were written.
    """

    def __init__(self, message: str, failed: dict | None = None, converted: list | None = None) -> None:
        self.failed = dict(failed or {})
        self.converted = list(converted or [])
        super().__init__(message)


class PdfToolMissing(PdfError, EnvironmentMissing):
    """Raised when LibreOffice (soffice) is not installed or not on PATH."""


class DatabaseUnavailable(RegisterError, EnvironmentMissing):
    """Raised when the register database cannot be reached (server down, wrong address, no permission)."""


def cell_location(path: object, sheet: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """Return "file, sheet 'S', row R, column 'C'" with only the parts that are known."""
    parts = [str(path)]
    if sheet:
        parts.append(f"sheet '{sheet}'")
    if row is not None:
        parts.append(f"dòng {row}")
    if column:
        parts.append(f"cột '{column}'")
    return ", ".join(parts)
