"""Saving edits of the recipient files only when `congvan recipients check` would accept the result.

The changed files (`RecipientEditor.staged()`) are laid over a temporary copy of recipients/ and congvan.toml;
that copy is read and checked exactly as `congvan recipients check` checks a workspace (every list, every
unit's letter) with the workspace's own results and catalog. Errors refuse the save and nothing is written;
warnings are returned to show. The same copy previews a unit's Kính gửi and Nơi nhận before saving.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from congvan.batch.recipients_report import CheckReport, check, load, show_letter
from congvan.config import CONFIG_NAME, Workspace, load_workspace
from congvan.errors import CongvanError, DataError
from congvan.recipients.editing import RecipientEditor


@dataclass(frozen=True)
class SaveResult:
    """What a save wrote: the new version of every file, and the check of the files as saved."""

    versions: dict[str, str | None]
    report: CheckReport

    @property
    def warnings(self) -> list[str]:
        return self.report.warnings


@contextmanager
def staged_workspace(editor: RecipientEditor) -> Iterator[Workspace]:
    """Yield the workspace as it would be with the editor's changes written (nothing is written to it).

    Its root is a temporary folder: `real_paths` puts the workspace's own folder back into messages."""
    real = load_workspace(editor.root)
    staged = editor.staged()
    with tempfile.TemporaryDirectory(prefix="congvan-recipients-") as tmp:
        root = Path(tmp)
        if editor.folder.is_dir():
            shutil.copytree(editor.folder, root / "recipients", ignore=shutil.ignore_patterns(".*"))
        (root / "recipients").mkdir(exist_ok=True)
        shutil.copyfile(editor.root / CONFIG_NAME, root / CONFIG_NAME)
        for path, data in staged.items():
            target = root / CONFIG_NAME if path.name == CONFIG_NAME and path.parent == editor.root else (
                root / "recipients" / path.name)
            target.write_bytes(data)
        copy = load_workspace(root)  # the edited congvan.toml, its data paths pointed back at the workspace's
        yield replace(copy, results=real.results, catalog=real.catalog)


def real_paths(text: str, staged: Workspace, editor: RecipientEditor) -> str:
    """Return a message about the staged copy naming the workspace's own files."""
    return text.replace(str(staged.root), str(editor.root.resolve()))


def check_edit(editor: RecipientEditor) -> CheckReport:
    """Return what `congvan recipients check` would say of the workspace with the editor's changes."""
    with staged_workspace(editor) as workspace:
        report = check(workspace)
        report.errors = [real_paths(line, workspace, editor) for line in report.errors]
        report.warnings = [real_paths(line, workspace, editor) for line in report.warnings]
        return report


def save_edit(editor: RecipientEditor) -> SaveResult:
    """Write the editor's changes if the check finds no error; refuse naming every error otherwise."""
    report = check_edit(editor)
    if report.errors:
        raise DataError("không lưu, danh sách người nhận sau khi sửa có lỗi (như `congvan recipients check` báo):\n"
                        + "\n".join(f"- {error}" for error in report.errors))
    return SaveResult(editor.save(), report)


def preview_letter(editor: RecipientEditor, unit: str) -> list[str]:
    """Return the Kính gửi and Nơi nhận of `unit`'s letter exactly as printed, with the unsaved changes."""
    with staged_workspace(editor) as workspace:
        try:
            return show_letter(load(workspace), unit)
        except CongvanError as err:
            raise type(err)(real_paths(str(err), workspace, editor)) from None
