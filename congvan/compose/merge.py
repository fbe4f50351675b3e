"""Mail merge of a composed letter (`gui_tung_don_vi`): who gets a letter of their own, and their fields.

Either "@list" of recipients/*.toml (each entry one letter, its text `{{ don_vi }}`), or a CSV table (a
sheet saved as "CSV UTF-8"): a "Kính gửi" column names each letter's addressee and every other column is
a field of that letter, named by its header without tone marks ("Thời gian họp" -> `{{ thoi_gian_hop }}`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.config import Workspace
from congvan.errors import DataError
from congvan.recipients.rules import RecipientRules, expand, find_list, resolve
from congvan.sources.csv_rows import read_csv_rows
from congvan.vn import fold, slugify

ADDRESSEE_HEADER = "Kính gửi"
RESERVED = ("don_vi", "co_quan", "dia_danh", "nam", "nam_sau", "ket_qua_tat_ca", "chi_so")


@dataclass(frozen=True)
class MergeUnit:
    """One letter of a mail merge: its addressee, the fields its body may name, where it was listed."""

    addressee: str
    where: str
    fields: dict[str, Any] = field(default_factory=dict)


def merge_units(ws: Workspace, rules: RecipientRules, spec: str, folder: Path, where: str) -> list[MergeUnit]:
    """The letters of `gui_tung_don_vi = spec` ("@list" or a CSV file relative to `folder`)."""
    if spec.startswith("@"):
        name = spec[1:].strip()
        named = find_list(rules, name, where)
        entries = expand(rules, named.entries, (name,))
        units = [MergeUnit(text, at) for text, at in resolve(rules, entries, {"nam": ws.assessment.year})]
    elif spec.lower().endswith(".csv"):
        units = _csv_units(folder / spec, ws)
    else:
        raise DataError(f"gui_tung_don_vi = \"{spec}\": ghi \"@tên-danh-sách\" (recipients/*.toml) hoặc tên tệp "
                        ".csv có cột \"Kính gửi\".", where)
    if not units:
        raise DataError(f"gui_tung_don_vi = \"{spec}\": không có cơ quan nào để gửi.", where)
    return units


def _csv_units(path: Path, ws: Workspace) -> list[MergeUnit]:
    if not path.is_file():
        raise DataError("không có tệp danh sách gửi từng đơn vị (gui_tung_don_vi).", str(path))
    wanted = fold(ADDRESSEE_HEADER)
    rows = read_csv_rows(path, lambda text: fold(text) == wanted, None, ws.read_limits)
    header = rows[0] if rows else []
    keys = [slugify(h, 40).replace("-", "_") for h in header]
    if wanted not in [fold(h) for h in header]:
        raise DataError(f"thiếu cột \"{ADDRESSEE_HEADER}\" ở dòng tiêu đề.", f"{path}, dòng 1")
    column = [fold(h) for h in header].index(wanted)
    for key, text in zip(keys, header, strict=True):
        if key in RESERVED or keys.count(key) > 1:
            raise DataError(f"cột \"{text}\" trùng tên với {'một tên có sẵn' if key in RESERVED else 'cột khác'} "
                            f"({{{{ {key} }}}}); đổi tên cột.", f"{path}, dòng 1")
    units = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [(row[i].strip() if i < len(row) else "") for i in range(len(header))]
        if not any(cells):
            continue
        if not cells[column]:
            raise DataError(f"ô \"{ADDRESSEE_HEADER}\" để trống.", f"{path}, dòng {number}")
        fields = {key: cell for i, (key, cell) in enumerate(zip(keys, cells, strict=True)) if i != column and key}
        units.append(MergeUnit(cells[column], f"{path}, dòng {number}", fields))
    return units
