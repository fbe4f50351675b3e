"""Recipient lists: Kính gửi and Nơi nhận for each letter (recipients/noi_nhan.toml, recipients/bo_sung.csv).

`noi_nhan.toml` holds the default addressees and distribution list, reusable groups (`@ten_nhom`), and
recipients added when a unit falls short in a given table. `bo_sung.csv` adds recipients for single units.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan import snippets
from congvan import vietnamese as vn
from congvan.errors import DataError, cell_location
from congvan.files import read_toml
from congvan.models import unit_key

LIST_FILE = "noi_nhan.toml"
ADDITIONS_FILE = "bo_sung.csv"
ADDITION_HEADERS = {"don_vi": "Đơn vị", "kinh_gui": "Kính gửi", "noi_nhan": "Nơi nhận"}


@dataclass(frozen=True)
class RecipientRules:
    """What recipients.toml and bo_sung.csv say, before filling in a unit's name."""

    source: str
    addressees: tuple[str, ...]
    distribution: tuple[str, ...]
    archive: str
    archive_copies: int
    groups: dict[str, tuple[str, ...]] = field(hash=False)
    when_short: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(hash=False)
    per_unit: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(hash=False)
    warnings: list[str] = field(default_factory=list, hash=False, compare=False)


@dataclass(frozen=True)
class Recipients:
    """The filled-in recipients of one letter."""

    addressees: tuple[str, ...]
    distribution: tuple[str, ...]
    archive: str
    archive_copies: int


def load_rules(folder: Path, known_tables: Iterable[str], known_units: Iterable[str]) -> RecipientRules:
    """Read `folder/noi_nhan.toml` and, if present, `folder/bo_sung.csv`."""
    path = folder / LIST_FILE
    raw = read_toml(path, "không tìm thấy danh sách nơi nhận.")

    groups = {name: tuple(_items(value, f"{path}, [nhom].{name}")) for name, value in _table(raw, "nhom", path).items()}
    known_tables = set(known_tables)
    when_short = {}
    for table, value in _table(raw, "khi_chua_dat", path).items():
        where = f"{path}, [khi_chua_dat].{table}"
        if table not in known_tables:
            raise DataError(f"không có bảng mã '{table}' trong danh mục tiêu chí ({', '.join(sorted(known_tables))}).",
                            where)
        if not isinstance(value, dict):
            raise DataError("cần một bảng có 'kinh_gui' và/hoặc 'noi_nhan'.", where)
        when_short[table] = (tuple(_items(value.get("kinh_gui", []), where + ".kinh_gui")),
                             tuple(_items(value.get("noi_nhan", []), where + ".noi_nhan")))
    copies = raw.get("so_ban_luu", 2)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 0 <= copies <= 99:
        raise DataError(f"'so_ban_luu' phải là số nguyên 0–99, đang là {copies!r}.", str(path))
    archive = raw.get("luu", "VT")
    if not isinstance(archive, str) or not archive.strip():
        raise DataError("'luu' phải là chuỗi, ví dụ \"VT, CCHC\".", str(path))
    rules = RecipientRules(
        source=str(path),
        addressees=tuple(_items(raw.get("kinh_gui"), f"{path}, kinh_gui")),
        distribution=tuple(_items(raw.get("noi_nhan", []), f"{path}, noi_nhan")),
        archive=vn.squash(archive),
        archive_copies=copies,
        groups=groups,
        when_short=when_short,
        per_unit=_load_additions(folder / ADDITIONS_FILE, known_units),
    )
    for item in (*rules.addressees, *rules.distribution):
        _expand(item, groups, str(path))
    return rules


def load_workspace_rules(workspace: Any, known_tables: Iterable[str], known_units: Iterable[str]) -> RecipientRules:
    """Read the recipient lists of `workspace` (its recipients/ folder and congvan.toml defaults)."""
    return load_rules(workspace.recipients_dir, known_tables, known_units)


def for_unit(rules: RecipientRules, unit_name: str, short_tables: Iterable[str],
             values: Mapping[str, Any]) -> Recipients:
    """Return the recipients of one unit's letter: defaults, groups expanded, additions, names filled in."""
    addressees = [*rules.addressees]
    distribution = [*rules.distribution]
    for table in short_tables:
        extra_to, extra_cc = rules.when_short.get(table, ((), ()))
        addressees += extra_to
        distribution += extra_cc
    extra_to, extra_cc = rules.per_unit.get(unit_key(unit_name), ((), ()))
    addressees += extra_to
    distribution += extra_cc
    return Recipients(
        addressees=tuple(_unique(_fill_all(addressees, rules, values))),
        distribution=tuple(_unique(_fill_all(distribution, rules, values))),
        archive=rules.archive,
        archive_copies=rules.archive_copies,
    )


def addressee_lines(addressees: tuple[str, ...]) -> list[str]:
    """Return Kính gửi as printed: one addressee on its own; several as "- A;" … "- B."."""
    if len(addressees) <= 1:
        return list(addressees)
    return [f"- {name};" for name in addressees[:-1]] + [f"- {addressees[-1]}."]


def distribution_lines(recipients: Recipients) -> list[str]:
    """Return the Nơi nhận items (without the leading "- "): "Như trên;" first, "Lưu: VT, … (02b)." last."""
    lines = ["Như trên;"] if recipients.addressees else []
    lines += [f"{item.rstrip(';.')};" for item in recipients.distribution]
    copies = f" ({recipients.archive_copies:02d}b)" if recipients.archive_copies else ""
    lines.append(f"Lưu: {recipients.archive.rstrip('.')}{copies}.")
    return lines


# -- helpers --


def _table(raw: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise DataError(f"'{key}' phải là một bảng [{key}].", str(path))
    return value


def _items(value: Any, where: str) -> list[str]:
    if value is None:
        raise DataError("thiếu danh sách.", where)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError("phải là danh sách chuỗi không rỗng.", where)
    for item in value:
        snippets.check(item, where)
    return [vn.squash(v) for v in value]


def _expand(item: str, groups: Mapping[str, tuple[str, ...]], where: str) -> list[str]:
    if not item.startswith("@"):
        return [item]
    name = item[1:]
    if name not in groups:
        raise DataError(f"nhóm '{name}' chưa được định nghĩa trong [nhom] (có: {', '.join(sorted(groups))}).", where)
    return list(groups[name])


def _fill_all(items: Iterable[str], rules: RecipientRules, values: Mapping[str, Any]) -> list[str]:
    filled = []
    for item in items:
        for expanded in _expand(item, rules.groups, rules.source):
            filled.append(snippets.fill(expanded, values, rules.source))
    return filled


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for item in items:
        key = vn.fold(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _load_additions(path: Path, known_units: Iterable[str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    if not path.is_file():
        return {}
    known = {unit_key(u) for u in known_units}
    try:
        text = vn.nfc(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as err:
        raise DataError("tệp phải mã hóa UTF-8.", str(path)) from err
    reader = csv.reader(text.splitlines())
    header = [vn.fold(h) for h in next(reader, [])]
    wanted = {key: vn.fold(label) for key, label in ADDITION_HEADERS.items()}
    if wanted["don_vi"] not in header:
        raise DataError(f"thiếu cột '{ADDITION_HEADERS['don_vi']}'.", cell_location(path, None, 1))
    index = {key: header.index(label) for key, label in wanted.items() if label in header}
    additions: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in index.items()}
        unit = vn.squash(cells["don_vi"])
        if unit_key(unit) not in known:
            raise DataError(f"đơn vị '{unit}' không có trong bảng kết quả.",
                            cell_location(path, None, row_number, ADDITION_HEADERS["don_vi"]))
        to = tuple(vn.squash(p) for p in cells.get("kinh_gui", "").split(";") if p.strip())
        cc = tuple(vn.squash(p) for p in cells.get("noi_nhan", "").split(";") if p.strip())
        old_to, old_cc = additions.get(unit_key(unit), ((), ()))
        additions[unit_key(unit)] = (old_to + to, old_cc + cc)
    return additions
