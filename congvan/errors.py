"""All exceptions raised by congvan.

Every message names where the problem is (file, sheet, row, column or template paragraph) and what
was expected, in Vietnamese for the clerk who reads it. The CLI turns `CongvanError` into exit code 1.
"""

from __future__ import annotations


class CongvanError(Exception):
    """Base class of every error congvan reports to its user."""


class ConfigError(CongvanError):
    """Raised when `congvan.toml` is missing, unreadable or holds a wrong value."""


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


class RegisterError(CongvanError):
    """Raised when the outgoing-document register (sổ văn bản đi) refuses an operation."""


class LayoutFileError(CongvanError):
    """Raised when a file given to the layout checker is not a readable .docx."""


class PdfError(CongvanError):
    """Raised when LibreOffice is missing or did not turn some .docx files into valid PDFs.

    `failed` maps each file that failed to the reason; `converted` lists the PDFs that were written.
    """

    def __init__(self, message: str, failed: dict | None = None, converted: list | None = None) -> None:
        self.failed = dict(failed or {})
        self.converted = list(converted or [])
        super().__init__(message)


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
