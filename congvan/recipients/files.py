"""Read the files secretaries edit in recipients/: named lists (*.toml) and per-unit additions (bo_sung.csv).

Every entry keeps where it was written (file and line), so that any later error — an unknown list, a
cycle, a bad placeholder — names the line to fix. See docs/recipients.md for the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from congvan import vn
from congvan.config.hints import suggest, suggest_names
from congvan.errors import DataError, cell_location
from congvan.models import LIST_NAME, unit_key
from congvan.render import texts as snippets
from congvan.sources.csv_rows import read_csv_rows

ADDITIONS_FILE = "bo_sung.csv"
ADDITION_HEADERS = {"don_vi": "Đơn vị", "kinh_gui": "Kính gửi", "noi_nhan": "Nơi nhận"}
SIDE_KEYS = ("kinh_gui", "noi_nhan")


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


def read_folder(folder: Path, known_tables: Iterable[str], known_units: Iterable[str] | None) -> ListFiles:
    """Read every *.toml list file of `folder` (sorted by name) and its bo_sung.csv (not when `known_units`
    is None: a composed letter has no results, so no per-unit additions)."""
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
    per_unit = read_additions(folder / ADDITIONS_FILE, known_units) if known_units is not None else {}
    return ListFiles(lists=lists, when_short=when_short, per_unit=per_unit, files=paths)


class _TomlFile:
    """One list file, checked against its schema, with the line of each key and item for later errors."""

    def __init__(self, path: Path) -> None:
        from congvan.config.document import read_document  # pydantic is imported only when lists are read
        from congvan.config.recipients_schema import ListFile

        self.document = read_document(path, "không tìm thấy tệp danh sách người nhận.")
        self.content = self.document.validate(ListFile)

    def lists(self) -> dict[str, NamedList]:
        where = self.document.where
        return {name: NamedList(name, self._entries(("danh_sach", name), value), where(("danh_sach", name)))
                for name, value in self.content.danh_sach.items()}

    def when_short(self, known_tables: set[str]) -> dict[str, Side]:
        result = {}
        for table, side in self.content.khi_chua_dat.items():
            header = ("khi_chua_dat", table)
            if table not in known_tables:
                raise DataError(f"không có bảng mã '{table}' trong danh mục tiêu chí"
                                f"{suggest(table, sorted(known_tables))}", self.document.where(header))
            result[table] = (self._entries((*header, "kinh_gui"), side.kinh_gui),
                             self._entries((*header, "noi_nhan"), side.noi_nhan))
        return result

    def _entries(self, key: tuple[str, ...], items: list[str]) -> tuple[Entry, ...]:
        """The entries of one list, each knowing its file, line and key ("danh_sach.don-vi")."""
        dotted = ".".join(key)
        return tuple(make_entry(item, f"{self.document.where(key, item)}, khóa '{dotted}'") for item in items)


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
    """Read bo_sung.csv (Đơn vị, Kính gửi, Nơi nhận; several recipients in one cell separated by ";").

    The file is read like a results CSV (`sources.csv_rows`): comma, semicolon or tab, as its header
    row shows; UTF-8, UTF-16 or Windows-1258.
    """
    if not path.is_file():
        return {}
    names = list(known_units)
    known = {unit_key(u) for u in names}
    wanted = {key: vn.fold(label) for key, label in ADDITION_HEADERS.items()}
    rows = read_csv_rows(path, lambda text: vn.fold(text) in wanted.values(), None)
    header = [vn.fold(h) for h in (rows[0] if rows else [])]
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
            raise DataError(f"đơn vị '{unit}' không có trong bảng kết quả{suggest_names(unit, names) or '.'}",
                            cell_location(path, None, row_number, ADDITION_HEADERS["don_vi"]))
        sides = []
        for key in SIDE_KEYS:
            where = cell_location(path, None, row_number, ADDITION_HEADERS[key])
            sides.append(tuple(make_entry(part, where) for part in cells.get(key, "").split(";") if part.strip()))
        old_to, old_cc = additions.get(unit_key(unit), ((), ()))
        additions[unit_key(unit)] = (old_to + sides[0], old_cc + sides[1])
    return additions
