"""Texts a clerk left in by mistake: a doubled "V/v" or "Lưu:", and the sample's texts in a real workspace.

The letter prints "V/v " before the trích yếu and "Lưu: " before the archive line, so "V/v V/v …" and
"Lưu: Lưu: …" come from a clerk typing the prefix again: it is dropped with a warning.

The sample workspace (`congvan init`) says `mau = true` in congvan.toml. Its texts are examples: "(ví dụ)"
after the legal bases, the sample signer, the Sở Nội vụ of Khánh Hòa. Rule (docs/config.md, key `mau`):
- "(ví dụ)" and an upper-case "MẪU" in any text are sample texts; so is the sample signer once the agency
  is edited or the results are another province's (not one of their units is the sample's), and the
  sample agency itself with another province's results;
- with `mau = true`, and the agency and the results still the sample's, the build goes on with a loud
  warning naming every sample text left;
- once the agency is edited, or the results are another province's, or `mau = true` is gone, every
  sample text left stops the build, naming its key and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from congvan.config.locate import TomlLines
from congvan.config.sample_units import SAMPLE_UNITS
from congvan.errors import ConfigError, cell_location
from congvan.vn.text import name_key, nfc

SUBJECT_PREFIX = re.compile(r"^(?:(?:V/V|VỀ VIỆC)\s*:?\s*)+", re.IGNORECASE)
ARCHIVE_PREFIX = re.compile(r"^(?:-\s*)?(?:LƯU\s*:\s*)+", re.IGNORECASE)
EXAMPLE_MARK = re.compile(r"\(\s*ví\s+dụ\s*\)", re.IGNORECASE)
PREFIXES = {("van_ban", "trich_yeu"): ("V/v", SUBJECT_PREFIX), ("nguoi_nhan", "luu"): ("Lưu:", ARCHIVE_PREFIX)}
SAMPLE_WORD = re.compile(r"(?<!\w)MẪU(?!\w)")  # upper case only: "Phường Mẫu" or "mẫu phiếu" are real words
SAMPLE_SIGNER = "Nguyễn Thị Minh Hằng"
SAMPLE_AGENCY = {"chu_quan": "UBND TỈNH KHÁNH HÒA", "ten": "SỞ NỘI VỤ", "dia_danh": "Khánh Hòa"}

Key = tuple[str | int, ...]


def drop_prefix(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """Return `text` without the leading prefixes `pattern` matches, and whether any was there."""
    stripped = pattern.sub("", text, count=1).strip()
    return stripped, stripped != text.strip()


def label(key: Key) -> str:
    """Return "[van_ban] can_cu[1]" for the key ("van_ban", "can_cu", 0) (list items counted from 1)."""
    names = [str(part) for part in key if isinstance(part, str)]
    where = f"[{'.'.join(names[:-1])}] {names[-1]}" if len(names) > 1 else names[0]
    return where + "".join(f"[{part + 1}]" for part in key if isinstance(part, int))


def _strings(value: Any, key: Key) -> Iterator[tuple[Key, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*key, index))


def sample_texts(raw: dict[str, Any], foreign_data: bool) -> list[tuple[Key, str]]:
    """Return (key, why) for every sample text of a congvan.toml read as `raw`."""
    found: list[tuple[Key, str]] = []
    for key, text in _strings(raw, ()):
        if EXAMPLE_MARK.search(text):
            found.append((key, "còn chữ \"(ví dụ)\" của bản mẫu: thay bằng văn bản thật"))
        elif SAMPLE_WORD.search(text):
            found.append((key, "còn chữ \"MẪU\" của bản mẫu"))
    signer = raw.get("nguoi_ky", {})
    sample_agency = is_sample_agency(raw)
    if nfc(str(signer.get("ho_ten", ""))).strip() == SAMPLE_SIGNER and (foreign_data or not sample_agency):
        found.append((("nguoi_ky", "ho_ten"), f"còn người ký mẫu \"{SAMPLE_SIGNER}\": ghi người ký thật"))
    if foreign_data and sample_agency:
        found.append((("co_quan", "ten"), "còn cơ quan mẫu (Sở Nội vụ tỉnh Khánh Hòa) mà số liệu là của địa "
                                           "phương khác: ghi cơ quan của bạn"))
    return found


def _line(lines: TomlLines, key: Key, raw: dict[str, Any]) -> int | None:
    """The line of `key`: of the very string when it is an item of a list of strings."""
    if isinstance(key[-1], int):
        value: Any = raw
        for part in key:
            value = value[part]
        if isinstance(value, str):
            return lines.item_line(key[:-1], value)
    return lines.line(key)


def is_sample_agency(raw: dict[str, Any]) -> bool:
    """Whether [co_quan] is still the sample's Sở Nội vụ of Khánh Hòa."""
    agency = raw.get("co_quan", {})
    return all(nfc(str(agency.get(key, ""))).strip() == value for key, value in SAMPLE_AGENCY.items())


def is_foreign_data(units: Sequence[str]) -> bool:
    """Whether results with these units are another province's: not one of them is a unit of the sample."""
    return bool(units) and not any(name_key(unit) in SAMPLE_UNITS for unit in units)


def check_sample(config_path: Path, raw: dict[str, Any], units: Sequence[str]) -> list[str]:
    """Refuse sample texts left in a real workspace (`ConfigError` naming key and line); warn in the sample."""
    foreign = is_foreign_data(units)
    found = sample_texts(raw, foreign)
    is_sample = raw.get("mau") is True
    if not found and not is_sample:
        return []
    lines = TomlLines(nfc(config_path.read_text(encoding="utf-8")))
    places = [f"{cell_location(config_path, None, _line(lines, key, raw))}, {label(key)}: {why}"
              for key, why in found]
    if found and (not is_sample or foreign or not is_sample_agency(raw)):
        reason = ("" if not is_sample else " (mau = true, nhưng cơ quan hoặc số liệu không còn là của bản mẫu)")
        raise ConfigError(f"congvan.toml còn văn bản mẫu{reason}; sửa các chỗ sau rồi chạy lại:\n"
                          + "\n".join(places))
    return [f"ĐÂY LÀ CẤU HÌNH MẪU ({config_path}: mau = true): văn bản tạo ra chỉ để thử, không ban hành. "
            "Sửa cơ quan, người ký, căn cứ cho cơ quan của bạn rồi xóa dòng mau = true."
            + (" Còn " + str(len(places)) + " chỗ mẫu:\n" + "\n".join(places) if places else "")]
