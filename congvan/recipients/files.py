"""Read the files secretaries edit in recipients/: named lists (*.toml) and per-unit additions (bo_sung.csv).

Every entry keeps where it was written (file and line), so that any later error — an unknown list, a
cycle, a bad placeholder — names the line to fix. See docs/recipients.md for the format.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan import vn
from congvan.errors import DataError, cell_location
from congvan.models import unit_key
from congvan.render import texts as snippets

ADDITIONS_FILE = "bo_sung.csv"
ADDITION_HEADERS = {"don_vi": "Đơn vị", "kinh_gui": "Kính gửi", "noi_nhan": "Nơi nhận"}
TOP_KEYS = ("danh_sach", "khi_chua_dat")
SIDE_KEYS = ("kinh_gui", "noi_nhan")
LIST_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Entry:
    """One item of a list as written: a recipient (maybe with `{{ }}` placeholders) or "@name" of another list."""

    text: str
    where: str

    @property
    def include(self) -> str | None:
        """Return the list name of an "@name" entry, else None."""
        return self.text[1:].strip() if self.text.startswith("@") else None


@dataclass(frozen=True)
class NamedList:
    """A named list of recipients, e.g. "thuong-truc"."""

    name: str
    entries: tuple[Entry, ...]
    where: str


Side = tuple[tuple[Entry, ...], tuple[Entry, ...]]  # (Kính gửi entries, Nơi nhận entries)


@dataclass(frozen=True)
class ListFiles:
    """Everything read from recipients/: named lists, additions per short table and per unit."""

    lists: dict[str, NamedList]
    when_short: dict[str, Side]
    per_unit: dict[str, Side]
    files: tuple[Path, ...]


def read_folder(folder: Path, known_tables: Iterable[str], known_units: Iterable[str]) -> ListFiles:
    """Read every *.toml list file of `folder` (sorted by name) and its bo_sung.csv."""
    paths = tuple(sorted(p for p in folder.glob("*.toml") if not p.name.startswith(".")))
    if not paths:
        raise DataError("không có tệp danh sách người nhận (*.toml). Tạo recipients/danh_sach.toml "
                        "(xem docs/recipients.md).", str(folder))
    lists: dict[str, NamedList] = {}
    when_short: dict[str, Side] = {}
    tables = set(known_tables)
    for path in paths:
        doc = _TomlFile(path)
        for name, named in doc.lists().items():
            if name in lists:
                raise DataError(f"danh sách '{name}' đã định nghĩa ở {lists[name].where}.", named.where)
            lists[name] = named
        for table, side in doc.when_short(tables).items():
            old_to, old_cc = when_short.get(table, ((), ()))
            when_short[table] = (old_to + side[0], old_cc + side[1])
    per_unit = read_additions(folder / ADDITIONS_FILE, known_units)
    return ListFiles(lists=lists, when_short=when_short, per_unit=per_unit, files=paths)


class _TomlFile:
    """One list file: the parsed TOML plus its lines, to say on which line a key or item is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = vn.nfc(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as err:
            raise DataError("tệp phải mã hóa UTF-8 (lưu lại bằng UTF-8).", str(path)) from err
        try:
            self.raw = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as err:
            line = _toml_error_line(err)
            raise DataError(f"sai cú pháp TOML: {err}. Mỗi mục phải nằm trong ngoặc kép, cách nhau bởi dấu phẩy.",
                            cell_location(path, None, line)) from err
        self.lines = self.text.splitlines()
        for key in self.raw:
            if key not in TOP_KEYS:
                raise DataError(f"khóa '{key}' không dùng được (dùng: [danh_sach], [khi_chua_dat.<mã bảng>]).",
                                self.where((), key))

    def where(self, table: tuple[str, ...], key: str | None = None, item: str | None = None) -> str:
        """Return "file, dòng N, khóa K" for `key` in `[table]` (or the table header), and `item` in that key's list."""
        place = cell_location(self.path, None, _find_line(self.lines, table, key, item))
        return place if key is None else f"{place}, khóa '{'.'.join((*table, key))}'"

    def lists(self) -> dict[str, NamedList]:
        section = self.raw.get("danh_sach", {})
        if not isinstance(section, dict):
            raise DataError("'danh_sach' phải là một bảng [danh_sach].", self.where((), "danh_sach"))
        result = {}
        for name, value in section.items():
            where = self.where(("danh_sach",), name)
            if not name.strip():
                raise DataError("tên danh sách rỗng.", where)
            if not LIST_NAME.fullmatch(name):
                raise DataError(f"tên danh sách '{name}' chỉ được có chữ thường không dấu, số, '-' và '_' "
                                "(ví dụ: cac-phuong-xa).", where)
            result[name] = NamedList(name, self._entries(("danh_sach",), name, value), where)
        return result

    def when_short(self, known_tables: set[str]) -> dict[str, Side]:
        section = self.raw.get("khi_chua_dat", {})
        if not isinstance(section, dict):
            raise DataError("'khi_chua_dat' phải là các bảng [khi_chua_dat.<mã bảng>].",
                            self.where((), "khi_chua_dat"))
        result = {}
        for table, value in section.items():
            header = ("khi_chua_dat", table)
            if table not in known_tables:
                raise DataError(f"không có bảng mã '{table}' trong danh mục tiêu chí "
                                f"({', '.join(sorted(known_tables))}).", self.where(header))
            if not isinstance(value, dict):
                raise DataError("cần một bảng có 'kinh_gui' và/hoặc 'noi_nhan'.", self.where(header))
            for key in value:
                if key not in SIDE_KEYS:
                    raise DataError(f"khóa '{key}' không dùng được (dùng: kinh_gui, noi_nhan).",
                                    self.where(header, key))
            result[table] = (self._entries(header, "kinh_gui", value.get("kinh_gui", [])),
                             self._entries(header, "noi_nhan", value.get("noi_nhan", [])))
        return result

    def _entries(self, table: tuple[str, ...], key: str, value: Any) -> tuple[Entry, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise DataError(f"'{key}' phải là danh sách trong ngoặc vuông: [\"...\", \"...\"].", self.where(table, key))
        entries = []
        for item in value:
            if not isinstance(item, str):
                raise DataError(f"mỗi mục phải là chuỗi trong ngoặc kép, đang là {item!r}.", self.where(table, key))
            where = self.where(table, key, item)
            entries.append(make_entry(item, where))
        return tuple(entries)


def make_entry(text: str, where: str) -> Entry:
    """Return an `Entry` for `text` after checking it is a non-empty name or "@list" with valid placeholders."""
    text = vn.squash(text)
    if not text or text == "@":
        raise DataError("mục rỗng: mỗi mục phải là tên một cơ quan, đơn vị hoặc \"@ten-danh-sach\".", where)
    if text.startswith("@"):
        name = text[1:].strip()
        if not LIST_NAME.fullmatch(name):
            raise DataError(f"'{text}': sau '@' phải là tên một danh sách (chữ thường không dấu, số, '-').", where)
        return Entry("@" + name, where)
    snippets.check(text, where)
    return Entry(text, where)


def read_additions(path: Path, known_units: Iterable[str]) -> dict[str, Side]:
    """Read bo_sung.csv (Đơn vị, Kính gửi, Nơi nhận; several recipients in one cell separated by ";")."""
    if not path.is_file():
        return {}
    known = {unit_key(u) for u in known_units}
    try:
        text = vn.nfc(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as err:
        raise DataError("tệp phải mã hóa UTF-8 (trong Excel: Lưu thành > CSV UTF-8).", str(path)) from err
    rows = list(csv.reader(text.splitlines()))
    header = [vn.fold(h) for h in (rows[0] if rows else [])]
    wanted = {key: vn.fold(label) for key, label in ADDITION_HEADERS.items()}
    if wanted["don_vi"] not in header:
        raise DataError(f"thiếu cột '{ADDITION_HEADERS['don_vi']}' ở dòng tiêu đề.", cell_location(path, None, 1))
    unknown = [h for h in header if h and h not in wanted.values()]
    if unknown:
        raise DataError(f"cột '{unknown[0]}' không dùng được (dùng: {', '.join(ADDITION_HEADERS.values())}).",
                        cell_location(path, None, 1))
    index = {key: header.index(label) for key, label in wanted.items() if label in header}
    additions: dict[str, Side] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: (row[i] if i < len(row) else "") for key, i in index.items()}
        unit = vn.squash(cells["don_vi"])
        if unit_key(unit) not in known:
            raise DataError(f"đơn vị '{unit}' không có trong bảng kết quả.",
                            cell_location(path, None, row_number, ADDITION_HEADERS["don_vi"]))
        sides = []
        for key in SIDE_KEYS:
            where = cell_location(path, None, row_number, ADDITION_HEADERS[key])
            sides.append(tuple(make_entry(part, where) for part in cells.get(key, "").split(";") if part.strip()))
        old_to, old_cc = additions.get(unit_key(unit), ((), ()))
        additions[unit_key(unit)] = (old_to + sides[0], old_cc + sides[1])
    return additions


# -- finding lines --

_HEADER = re.compile(r"^\s*\[(?!\[)\s*(.+?)\s*\]\s*(#.*)?$")
_ANY_KEY = re.compile(r"^\s*[A-Za-z0-9_\"'-]+\s*=")


def _split_dotted(header: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', header)
    return tuple(a or b or c for a, b, c in parts)


def _key_pattern(key: str) -> re.Pattern[str]:
    quoted = re.escape(key)
    return re.compile(rf'^\s*(?:{quoted}|"{quoted}"|\'{quoted}\')\s*=')


def _find_line(lines: list[str], table: tuple[str, ...], key: str | None, item: str | None) -> int | None:
    """Return the 1-based line of `key` in `[table]` (or of the header), then of `item` after it."""
    current: tuple[str, ...] = ()
    key_pattern = _key_pattern(key) if key is not None else None
    found = None
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            if found is not None:
                break
            current = _split_dotted(header.group(1))
            if key is None and current == table:
                return number
            if key is not None and current == (*table, key) and not table:
                return number
            continue
        if found is None and key_pattern and current == table and key_pattern.match(line):
            found = number
            if item is None:
                return found
        if found is not None and item is not None:
            literal = '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if literal in line or f"'{item}'" in line:
                return number
            if number > found and _ANY_KEY.match(line):
                break
    return found


def _toml_error_line(err: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(err))
    return int(match.group(1)) if match else None
