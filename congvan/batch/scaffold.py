"""`congvan init`: copy the sample workspace (congvan.toml, data/ with its README.md, recipients/,
templates_docx/, soan/ with a sample one-off letter) into a folder: every workspace file the docs mention
(tests/test_docs.py checks)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from congvan.config import CONFIG_NAME
from congvan.errors import OutputError

SAMPLE_PARTS = (CONFIG_NAME, "data", "recipients", "templates_docx", "soan")


def sample_root() -> Path:
    """Return the folder holding the sample workspace: the source checkout, or the installed copy."""
    candidates = [
        Path(__file__).resolve().parents[2],  # a source checkout: the repository root is the sample
        Path(sys.prefix) / "share" / "congvan" / "sample",  # `pip install .` puts it here (data-files)
    ]
    for candidate in candidates:
        if (candidate / CONFIG_NAME).is_file() and (candidate / "templates_docx").is_dir():
            return candidate
    raise OutputError("không tìm thấy bộ mẫu của congvan (cài đặt bị thiếu tệp). Cài lại bằng `pip install congvan`.")


def init_workspace(target: Path) -> list[Path]:
    """Create a workspace at `target` with the samples; refuse to touch a folder that already has congvan.toml."""
    if (target / CONFIG_NAME).exists():
        raise OutputError(f"{target}: đã là thư mục làm việc (có {CONFIG_NAME}); không ghi đè.")
    source = sample_root()
    target.mkdir(parents=True, exist_ok=True)
    created = []
    for part in SAMPLE_PARTS:
        src = source / part
        dst = target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        else:
            shutil.copyfile(src, dst)
        created.append(dst)
    (target / "output").mkdir(exist_ok=True)
    created.append(target / "output")
    return created
