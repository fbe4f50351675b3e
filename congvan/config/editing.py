"""Round-trip editing of the workspace files clerks edit (congvan.toml, recipients/*.toml, bo_sung.csv).

An editor reads a file once and keeps its version token (the SHA-256 of the bytes read). Changes are made
on a tomlkit document, so comments, blank lines and key order stay as the clerk wrote them; the result is
checked against the file's declared schema BEFORE anything is written, and written atomically only if the
file on disk still has the version the editor read (`congvan.files.replace_if_unchanged`). A web page keeps
the token in its form and opens a fresh editor on save with `TomlEditor.open(path, schema, version=token)`.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import tomlkit
from pydantic import BaseModel
from tomlkit.items import AoT, Array, Comment, Table

from congvan.config.document import TomlDocument, read_document
from congvan.errors import CongvanError, DataError, EditConflict
from congvan.files import edit_conflict, file_version, replace_if_unchanged, sha256_bytes
from congvan.vn import nfc

Model = TypeVar("Model", bound=BaseModel)
Result = TypeVar("Result")
KeyPath = Sequence[str]
BOM = "\ufeff"
MULTILINE_FROM = 3  # a list of this many items or more is written one item a line


class TomlEditor(Generic[Model]):
    """One TOML file open for editing: its tomlkit document, its schema and the version it was read at."""

    def __init__(self, path: Path, schema: type[Model], text: str, version: str | None,
                 error: type[CongvanError] = DataError) -> None:
        """Edit `text`, read from `path` at `version` (None: a new file, which must still be absent on saving)."""
        self.path = path
        self.schema = schema
        self.error = error
        self.version = version
        self._bom = text.startswith(BOM)
        self.document = tomlkit.parse(text.removeprefix(BOM))

    @classmethod
    def open(cls, path: Path, schema: type[Model], *, version: str | None = None,
             error: type[CongvanError] = DataError) -> TomlEditor[Model]:
        """Read the TOML file at `path` for editing; with `version`, refuse if it is no longer that version."""
        data = _read_bytes(path, error)
        current = sha256_bytes(data)
        if version is not None and version != current:
            raise edit_conflict(path)
        try:
            text = nfc(data.decode("utf-8"))
            tomllib.loads(text.removeprefix(BOM))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            read_document(path, "không tìm thấy tệp.", error)  # raises the usual message: encoding, or syntax line
            raise
        return cls(path, schema, text, current, error)

    @property
    def data(self) -> dict[str, Any]:
        """Return the file's content as plain Python values (as tomllib would read it)."""
        return self.document.unwrap()

    def get(self, keys: KeyPath, default: Any = None) -> Any:
        """Return the plain value at the key path `keys`, or `default` if a key on the way is missing."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def set(self, keys: KeyPath, value: Any) -> None:
        """Set the value at the key path `keys`, creating tables on the way; a list keeps its one-a-line layout."""
        table, key = self._parent(keys, create=True)
        if key in table:
            table[key] = _item(value, table.get(key))
        else:
            _append(table, key, _item(value, None))

    def remove(self, keys: KeyPath) -> None:
        """Remove the key or table at `keys`; a missing key is left alone."""
        table, key = self._parent(keys, create=False)
        if table is not None and key in table:
            del table[key]

    def replace_tables(self, keys: KeyPath, rows: Sequence[Mapping[str, Any]]) -> None:
        """Replace the array of tables at `keys` ([[a.b]]) with `rows`, in that order."""
        array = AoT([])
        for row in rows:
            table = tomlkit.table()
            for name, value in row.items():
                table[name] = _item(value, None)
            array.append(table)
        table, key = self._parent(keys, create=True)
        if key in table:
            table[key] = array
        else:
            _append(table, key, array)

    def text(self) -> str:
        """Return the edited file's text, byte order mark kept if the file had one."""
        return (BOM if self._bom else "") + tomlkit.dumps(self.document)

    def check(self) -> Model:
        """Return the edited content validated against the schema; raise the editor's error naming key and line."""
        text = self.text().removeprefix(BOM)
        return TomlDocument(self.path, text, tomllib.loads(text)).validate(self.schema, self.error)

    def save(self) -> str:
        """Check, then write the file if it still has the version read; return (and keep) the new version."""
        self.check()
        self.version = replace_if_unchanged(self.path, self.version, self.text().encode("utf-8"))
        return self.version

    def _parent(self, keys: KeyPath, create: bool) -> tuple[Any, str]:
        """Return the table holding the last key of `keys` (None if missing and not `create`) and that key."""
        if not keys:
            raise ValueError("empty key path")
        node: Any = self.document
        for depth, key in enumerate(keys[:-1]):
            if key not in node:
                if not create:
                    return None, keys[-1]
                # a table that only holds tables is a super table: [a.b] without an empty [a] above it
                node.append(key, tomlkit.table(is_super_table=depth < len(keys) - 2))
            node = node[key]
        return node, keys[-1]


def _append(table: Any, key: str, item: Any) -> None:
    """Add a new key after the table's last key, above the comments that introduce the next table."""
    container = table.value if isinstance(table, Table) else table
    body = container.body
    last = max((i for i, (name, _) in enumerate(body) if name is not None), default=-1)
    trailing = body[last + 1:]
    if trailing and not isinstance(item, (Table, AoT)) and any(isinstance(v, Comment) for _, v in trailing):
        container._insert_at(last + 1, key, item)  # tomlkit's public append would land below those comments
    else:
        table.append(key, item)


def _item(value: Any, old: Any) -> Any:
    """Return a tomlkit item for `value` (text NFC); a list is one item a line if long or if it was already."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, (list, tuple)) and not (value and isinstance(value[0], Mapping)):
        array = tomlkit.array()
        array.extend(_item(v, None) for v in value)
        was_multiline = isinstance(old, Array) and "\n" in old.as_string()
        array.multiline(was_multiline or len(value) >= MULTILINE_FROM)
        return array
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        table.update({k: _item(v, None) for k, v in value.items()})
        return table
    return value


def _read_bytes(path: Path, error: type[CongvanError]) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        read_document(path, "không tìm thấy tệp.", error)  # raises the usual message (missing, unreadable)
        raise


def stable_read(path: Path, read: Callable[[Path], Result]) -> tuple[Result, str | None]:
    """Return what `read(path)` gives and the version of the bytes it read (None if the file does not exist).

    The version is taken before and after; a file changed in between is read again (at most three times).
    """
    for _ in range(3):
        before = file_version(path)
        result = read(path)
        if file_version(path) == before:
            return result, before
    raise EditConflict(f"{path}: tệp đang bị sửa liên tục, không đọc được một bản ổn định; thử lại sau.")


def csv_bytes(rows: Sequence[Sequence[str]], separator: str = ",") -> bytes:
    """Return rows as a CSV Excel opens with Vietnamese intact: UTF-8 with a byte order mark, CR LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerows([[nfc(cell) for cell in row] for row in rows])
    return (BOM + out.getvalue()).encode("utf-8")


def save_csv(path: Path, version: str | None, rows: Sequence[Sequence[str]], separator: str = ",") -> str:
    """Write `rows` (header first) to the CSV at `path` if it still has `version`; return the new version."""
    return replace_if_unchanged(path, version, csv_bytes(rows, separator))
