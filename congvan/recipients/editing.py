"""Editing the recipient files a văn phòng keeps: named lists, notes, includes, defaults and per-unit additions.

A `RecipientEditor` opens recipients/*.toml, recipients/bo_sung.csv and the `[nguoi_nhan]` section of
congvan.toml for editing (congvan.config.editing: comments kept, a version per file). Each change is checked
as far as it can be on its own (an empty item, a bad "@name", a placeholder the sandbox refuses, an unknown
note); `staged()` gives the new bytes of every changed file, which `congvan.batch.recipients_edit` checks the
way `congvan recipients check` does before `save()` writes them, each only over the version read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan import vn
from congvan.config.editing import TomlEditor, csv_bytes, stable_read
from congvan.config.recipients_schema import ListFile
from congvan.config.schema import ConfigFile
from congvan.config.workspace import CONFIG_NAME
from congvan.errors import ConfigError, CongvanError, DataError, UsageError
from congvan.files import edit_conflict, file_version, replace_if_unchanged
from congvan.recipients.files import ADDITION_HEADERS, ADDITIONS_FILE, make_entry
from congvan.recipients.rules import NOTES, join_notes, split_notes
from congvan.sources.csv_rows import choose_separator, read_csv_rows
from congvan.sources.detect import read_csv_text

DEFAULT_FILE = "danh_sach.toml"
DEFAULT_KEYS = ("kinh_gui", "noi_nhan", "luu", "so_ban_luu", "sap_xep")  # [nguoi_nhan] of congvan.toml
NOTE_NAMES = tuple(dict.fromkeys(NOTES.values()))


@dataclass(frozen=True)
class Addition:
    """One row of bo_sung.csv: a unit and what its letter gets on top of the lists."""

    unit: str
    kinh_gui: tuple[str, ...] = ()
    noi_nhan: tuple[str, ...] = ()


class RecipientEditor:
    """The recipient files of a workspace open for editing; nothing is written before `save()`."""

    def __init__(self, root: Path, versions: Mapping[str, str | None] | None = None) -> None:
        """Open the files under `root`; `versions` (file name -> version a page showed) refuses newer files."""
        self.root = Path(root)
        self.folder = self.root / "recipients"
        self._expected = dict(versions or {})
        self._lists = {p.name: self._open(p, ListFile, DataError) for p in sorted(self.folder.glob("*.toml"))
                       if not p.name.startswith(".")}
        self._config: TomlEditor[ConfigFile] | None = None
        self._changed: set[str] = set()
        additions_path = self.folder / ADDITIONS_FILE
        (self._additions, self._separator), self._additions_version = stable_read(additions_path, _read_additions)
        self._check_version(ADDITIONS_FILE, self._additions_version)
        if CONFIG_NAME in self._expected:
            self._config_editor()
        for name in self._expected.keys() - self.versions().keys():  # a list file deleted since it was shown
            self._check_version(name, None)

    # -- versions --

    def _open(self, path: Path, schema: type[Any], error: type[CongvanError]) -> TomlEditor[Any]:
        editor: TomlEditor[Any] = TomlEditor.open(path, schema, error=error)
        self._check_version(path.name, editor.version)
        return editor

    def _check_version(self, name: str, version: str | None) -> None:
        if name in self._expected and self._expected[name] != version:
            raise edit_conflict(self.root / name if name == CONFIG_NAME else self.folder / name)

    def versions(self) -> dict[str, str | None]:
        """Return the version of every file open (bo_sung.csv None while it does not exist)."""
        found: dict[str, str | None] = {name: editor.version for name, editor in self._lists.items()}
        found[ADDITIONS_FILE] = self._additions_version
        if self._config is not None:
            found[CONFIG_NAME] = self._config.version
        return found

    # -- named lists --

    def lists(self) -> dict[str, tuple[str, list[str]]]:
        """Return every named list as (file name, entries as written), in file then written order."""
        return {name: (file, list(entries)) for file, editor in self._lists.items()
                for name, entries in (editor.get(("danh_sach",), {}) or {}).items()}

    def entries(self, name: str) -> list[str]:
        """Return the entries of the list `name`; refuse an unknown name with the names that exist."""
        found = self.lists()
        if name not in found:
            raise UsageError(f"không có danh sách '{name}' (có: {', '.join(found) or 'chưa có danh sách nào'}).")
        return found[name][1]

    def set_list(self, name: str, entries: Sequence[str], file: str | None = None) -> None:
        """Replace (or create, in `file` or danh_sach.toml) the list `name` with `entries`, each checked."""
        where = f"danh sách '{name}'"
        checked = [make_entry(text, f"{where}, mục thứ {i}").text for i, text in enumerate(entries, start=1)]
        if any(entry == f"@{name}" for entry in checked):
            raise DataError(f"danh sách '{name}' không được chèn chính nó (@{name}).", where)
        owner = self.lists().get(name, (file or DEFAULT_FILE, []))[0]
        self._list_file(owner).set(("danh_sach", name), checked)
        self._changed.add(owner)

    def delete_list(self, name: str) -> None:
        """Remove the list `name` (a list still included elsewhere is refused when the change is checked)."""
        self.entries(name)
        owner = self.lists()[name][0]
        self._lists[owner].remove(("danh_sach", name))
        self._changed.add(owner)

    def add(self, name: str, text: str, position: int | None = None) -> None:
        """Add `text` to the list `name` at `position` (1 = first; default: last); a new name makes a new list."""
        entries = self.entries(name) if name in self.lists() else []
        index = len(entries) if position is None else self._index(entries, name, position, len(entries) + 1)
        self.set_list(name, [*entries[:index], text, *entries[index:]])

    def remove(self, name: str, position: int) -> str:
        """Remove the item at `position` (1 = first) of the list `name`; return it."""
        entries = self.entries(name)
        removed = entries.pop(self._index(entries, name, position, len(entries)))
        self.set_list(name, entries)
        return removed

    def move(self, name: str, position: int, to: int) -> None:
        """Move the item at `position` of the list `name` to position `to` (both 1-based)."""
        entries = self.entries(name)
        item = entries.pop(self._index(entries, name, position, len(entries)))
        entries.insert(self._index(entries, name, to, len(entries) + 1), item)
        self.set_list(name, entries)

    def set_notes(self, name: str, position: int, notes: Sequence[str]) -> str:
        """Set the notes of one item, e.g. ["b/c"] or ["p/h", "VBĐT"] ([] removes them); return the new item."""
        entries = self.entries(name)
        index = self._index(entries, name, position, len(entries))
        if entries[index].startswith("@"):
            raise UsageError(f"mục {position} của '{name}' là cả danh sách {entries[index]}: ghi chú đặt trong danh "
                             "sách đó.")
        unknown = [n for n in notes if n not in NOTE_NAMES]
        if unknown:
            raise UsageError(f"ghi chú '{unknown[0]}' không dùng được; dùng: {', '.join(NOTE_NAMES)}.")
        entries[index] = join_notes(split_notes(entries[index])[0], notes)
        self.set_list(name, entries)
        return entries[index]

    @staticmethod
    def _index(entries: Sequence[str], name: str, position: int, last: int) -> int:
        if not 1 <= position <= last:
            raise UsageError(f"danh sách '{name}' có {len(entries)} mục: vị trí phải từ 1 đến {last}, không phải "
                             f"{position}.")
        return position - 1

    def _list_file(self, file: str) -> TomlEditor[ListFile]:
        if file not in self._lists:
            path = self.folder / file
            if path.suffix != ".toml" or path.name != file or file.startswith("."):
                raise UsageError(f"'{file}': tệp danh sách phải là một tệp .toml trong recipients/.")
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lists[file] = TomlEditor(path, ListFile, "", None, DataError)
        return self._lists[file]

    # -- [nguoi_nhan] of congvan.toml --

    def defaults(self) -> dict[str, object]:
        """Return `[nguoi_nhan]` as written (keys not written are absent: their defaults apply)."""
        return dict(self._config_editor().get(("nguoi_nhan",), {}) or {})

    def set_defaults(self, **values: object) -> None:
        """Set keys of `[nguoi_nhan]`: kinh_gui, noi_nhan (list names), luu, so_ban_luu, sap_xep."""
        unknown = [key for key in values if key not in DEFAULT_KEYS]
        if unknown:
            raise UsageError(f"[nguoi_nhan] không có khóa '{unknown[0]}' (có: {', '.join(DEFAULT_KEYS)}).")
        editor = self._config_editor()
        for key, value in values.items():
            editor.set(("nguoi_nhan", key), value)
        self._changed.add(CONFIG_NAME)

    def _config_editor(self) -> TomlEditor[ConfigFile]:
        if self._config is None:
            self._config = self._open(self.root / CONFIG_NAME, ConfigFile, ConfigError)
        return self._config

    # -- bo_sung.csv --

    def additions(self) -> list[Addition]:
        """Return the rows of bo_sung.csv in file order."""
        return list(self._additions)

    def set_additions(self, rows: Sequence[Addition]) -> None:
        """Replace the rows of bo_sung.csv; every recipient is checked (units when the change is checked)."""
        for number, row in enumerate(rows, start=2):
            if not vn.squash(row.unit):
                raise DataError("thiếu tên đơn vị.", f"{ADDITIONS_FILE}, dòng {number}")
            for side, texts in (("Kính gửi", row.kinh_gui), ("Nơi nhận", row.noi_nhan)):
                for text in texts:
                    if ";" in text:
                        raise DataError(f"'{text}': mỗi ô một người nhận, không có dấu ';'.",
                                        f"{ADDITIONS_FILE}, dòng {number}, cột {side}")
                    make_entry(text, f"{ADDITIONS_FILE}, dòng {number}, cột {side}")
        self._additions = [Addition(vn.squash(r.unit), tuple(r.kinh_gui), tuple(r.noi_nhan)) for r in rows]
        self._changed.add(ADDITIONS_FILE)

    # -- writing --

    def staged(self) -> dict[Path, bytes]:
        """Return the new bytes of every changed file; TOML files are checked against their schema first."""
        result: dict[Path, bytes] = {}
        for name in sorted(self._changed):
            if name == ADDITIONS_FILE:
                header = list(ADDITION_HEADERS.values())
                rows = [[row.unit, "; ".join(row.kinh_gui), "; ".join(row.noi_nhan)] for row in self._additions]
                result[self.folder / name] = csv_bytes([header, *rows], self._separator)
                continue
            editor = self._config_editor() if name == CONFIG_NAME else self._lists[name]
            editor.check()
            result[editor.path] = editor.text().encode("utf-8")
        return result

    def save(self) -> dict[str, str | None]:
        """Write every changed file, each only if still the version read; return the new versions."""
        staged = self.staged()
        editors = {editor.path: editor for editor in [*self._lists.values(), self._config] if editor is not None}
        read = {path: editors[path].version if path in editors else self._additions_version for path in staged}
        for path, version in read.items():  # every file's version is checked before any is written
            if file_version(path) != version:
                raise edit_conflict(path)
        for path, data in staged.items():
            new = replace_if_unchanged(path, read[path], data)
            if path in editors:
                editors[path].version = new
            else:
                self._additions_version = new
        self._changed.clear()
        return self.versions()


def _read_additions(path: Path) -> tuple[list[Addition], str]:
    """Read bo_sung.csv as rows to edit (units are checked against the results when a change is checked)."""
    if not path.is_file():
        return [], ","
    labels = {vn.fold(label): key for key, label in ADDITION_HEADERS.items()}
    separator = choose_separator(read_csv_text(path, None), lambda text: vn.fold(text) in labels)
    rows = read_csv_rows(path, lambda text: vn.fold(text) in labels, None)
    if not rows:
        return [], separator
    columns = [labels.get(vn.fold(cell)) for cell in rows[0]]
    found = []
    for row in rows[1:]:
        cells = {key: row[i] for i, key in enumerate(columns) if key and i < len(row)}
        if not any(value.strip() for value in cells.values()):
            continue
        parts = {key: tuple(p.strip() for p in cells.get(key, "").split(";") if p.strip()) for key in ("kinh_gui",
                                                                                                      "noi_nhan")}
        found.append(Addition(vn.squash(cells.get("don_vi", "")), parts["kinh_gui"], parts["noi_nhan"]))
    return found, separator
