"""Re-create an issued letter from what the register kept: its rendered context and its template's hash.

The renderer is deterministic (same template, same context, same bytes), so a re-created letter whose
SHA-256 equals the registered one proves the archived file is exactly what the tool issued. Issuing keeps
a copy of each template in the archive folder (`templates/<sha256>.docx`), so any clerk's machine that
sees the archive can re-create any letter, whichever workspace drafted it.
"""

from __future__ import annotations

from pathlib import Path

from congvan.batch import drafts
from congvan.errors import OutputError, RegisterError
from congvan.files import atomic_write
from congvan.letter.context import unpack
from congvan.register.records import Record
from congvan.render.template import LetterTemplate

TEMPLATES_DIR = "templates"


def archived_template(archive_dir: Path, sha256: str) -> Path:
    """Return where the archive keeps the template with this SHA-256."""
    return archive_dir / TEMPLATES_DIR / f"{sha256}.docx"


def keep_template(archive_dir: Path, template: Path, sha256: str) -> None:
    """Copy a template used for issuing into the archive once (another issuer may be copying it too)."""
    target = archived_template(archive_dir, sha256)
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(target, template.read_bytes(), overwrite=False)
    except OutputError:
        if not target.is_file():
            raise


def recreate_letter(record: Record, drafts_dir: Path, template: Path | None = None,
                    archive_dir: Path | None = None) -> bytes:
    """Return the .docx bytes of `record` rendered again from its stored context.

    The template is `template` if given, else the archive's copy, else the copy kept in its draft batch
    (`drafts_dir/<batch>/template.docx`); either way its SHA-256 must be the one the register recorded.
    """
    context = record.context
    if context is None or not record.template_sha256:
        raise RegisterError(f"{record.number_symbol}: số này được lấy cho văn bản làm ở nơi khác, "
                            "sổ không giữ nội dung để tạo lại.")
    path = template or drafts.template_path(drafts_dir / (record.batch_id or ""))
    if template is None and archive_dir is not None:
        kept = archived_template(archive_dir, record.template_sha256)
        path = kept if kept.is_file() else path
    if not path.is_file():
        raise RegisterError(f"{record.number_symbol}: không tìm thấy mẫu đã dùng ({path}); "
                            "chỉ ra mẫu có cùng mã băm bằng --template.")
    letter_template = LetterTemplate(path)
    if letter_template.sha256 != record.template_sha256:
        raise RegisterError(f"{record.number_symbol}: mẫu {path} không phải mẫu đã dùng khi cấp số "
                            f"(SHA-256 {letter_template.sha256[:12]}… khác {record.template_sha256[:12]}…).")
    return letter_template.render(unpack(context))
