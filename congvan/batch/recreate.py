"""Re-create an issued letter from what the register kept: its rendered context and its template's hash.

The renderer is deterministic (same template, same context, same bytes), so a re-created letter whose
SHA-256 equals the registered one proves the archived file is exactly what the tool issued.
"""

from __future__ import annotations

from pathlib import Path

from congvan.batch import drafts
from congvan.errors import RegisterError
from congvan.letter.context import unpack
from congvan.register.records import Record
from congvan.render.template import LetterTemplate


def recreate_letter(record: Record, drafts_dir: Path, template: Path | None = None) -> bytes:
    """Return the .docx bytes of `record` rendered again from its stored context.

    The template is the copy kept in its draft batch (`drafts_dir/<batch>/template.docx`) unless
    `template` is given; either way its SHA-256 must be the one the register recorded.
    """
    context = record.context
    if context is None or not record.template_sha256:
        raise RegisterError(f"{record.number_symbol}: số này được lấy cho văn bản làm ở nơi khác, "
                            "sổ không giữ nội dung để tạo lại.")
    path = template or drafts.template_path(drafts_dir / (record.batch_id or ""))
    if not path.is_file():
        raise RegisterError(f"{record.number_symbol}: không tìm thấy mẫu đã dùng ({path}); "
                            "chỉ ra mẫu có cùng mã băm bằng --template.")
    letter_template = LetterTemplate(path)
    if letter_template.sha256 != record.template_sha256:
        raise RegisterError(f"{record.number_symbol}: mẫu {path} không phải mẫu đã dùng khi cấp số "
                            f"(SHA-256 {letter_template.sha256[:12]}… khác {record.template_sha256[:12]}…).")
    return letter_template.render(unpack(context))
