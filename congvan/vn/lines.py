"""Where a văn thư breaks a header line: agency names measured with Times New Roman's widths, place names kept whole.

`header_text` returns a cơ quan chủ quản or cơ quan ban hành name with "\\n" where the line breaks (the
clerk's own "\\n" wins); `keep_together` puts no-break spaces inside phrases Word must not split (the V/v
block: "Trạm y tế", unit names, "72,5 %").
"""

from __future__ import annotations

import functools
import itertools
import re

from congvan.vn import font_widths
from congvan.vn.text import nfc

# The header's left column (scripts/build_template.py: HEADER_LEFT 3742 twips less two 57-twip cell margins).
HEADER_TEXT_WIDTH = 3742 - 2 * 57
HEADER_SIZE = 13
SAFETY = 0.99  # a line that fills the last 1 % of the column is broken: rounding in Word must not wrap it
NBSP = "\u00a0"

_WIDTHS = {False: dict(zip(font_widths.CHARS, font_widths.REGULAR, strict=True)),
           True: dict(zip(font_widths.CHARS, font_widths.BOLD, strict=True))}
_FALLBACK = {bold: table["N"] for bold, table in _WIDTHS.items()}  # an unknown letter counts as a wide one

# Words that start a place name: what follows them up to the end (or the next such word) is one name.
PLACE_WORDS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "ĐẶC KHU", "TỈNH", "PHƯỜNG", "XÃ", "QUẬN", "HUYỆN")
# Words of several syllables in agency names, never split between lines.
COMPOUNDS = (
    "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "MẶT TRẬN TỔ QUỐC", "Y TẾ", "GIÁO DỤC", "ĐÀO TẠO", "NỘI VỤ",
    "TÀI CHÍNH", "TƯ PHÁP", "CÔNG AN", "QUÂN SỰ", "CHỈ HUY", "KẾ HOẠCH", "ĐẦU TƯ", "XÂY DỰNG", "GIAO THÔNG",
    "VẬN TẢI", "CÔNG THƯƠNG", "NÔNG NGHIỆP", "MÔI TRƯỜNG", "VĂN HÓA", "THỂ THAO", "DU LỊCH", "KHOA HỌC",
    "CÔNG NGHỆ", "THÔNG TIN", "TRUYỀN THÔNG", "LAO ĐỘNG", "THƯƠNG BINH", "XÃ HỘI", "TÀI NGUYÊN", "PHÁT TRIỂN",
    "NÔNG THÔN", "DÂN TỘC", "TÔN GIÁO", "THANH TRA", "VĂN PHÒNG", "HÀNH CHÍNH", "QUẢN LÝ", "KINH TẾ", "DỰ ÁN",
    "DỊCH VỤ", "CÔNG ÍCH", "TRUNG TÂM", "PHỤC VỤ", "BỆNH VIỆN", "KIỂM SOÁT", "BỆNH TẬT", "ĐĂNG KÝ", "ĐẤT ĐAI",
    "CÔNG CHỨNG", "NGOẠI VỤ", "NGÂN HÀNG", "KHO BẠC", "NHÀ NƯỚC", "THUẾ VỤ", "BẢO HIỂM",
)
_NEVER_LAST = frozenset({"VÀ", "CỦA"})  # a line never ends with these words: it breaks before them
_NEVER_FIRST = frozenset({"-", "–"})  # a line never starts with a dash: it breaks after it
_MAX_LINES = 3


def text_width(text: str, *, bold: bool, size: float = HEADER_SIZE) -> float:
    """Return the width of `text` in twips, set in Times New Roman at `size` points."""
    table, fallback = _WIDTHS[bold], _FALLBACK[bold]
    units = sum(table.get(char, fallback) for char in nfc(text))
    return units * size * 20 / font_widths.UNITS_PER_EM


@functools.lru_cache(maxsize=64)  # the same names in every letter of a batch
def header_text(name: str, *, bold: bool, size: float = HEADER_SIZE, width: float = HEADER_TEXT_WIDTH) -> str:
    """Return an agency name for the header with "\\n" where its lines break.

    A name the clerk broke with "\\n" keeps the clerk's lines; one that fits stays on one line.
    """
    if "\n" in name:
        return "\n".join(" ".join(line.split()) for line in name.splitlines() if line.strip())
    return "\n".join(break_words(name.split(), bold=bold, size=size, width=width))


def one_line(name: str) -> str:
    """Return `name` on one line: the clerk's "\\n" become spaces (the register's "cơ quan ban hành")."""
    return " ".join(name.split())


def break_words(words: list[str], *, bold: bool, size: float, width: float) -> list[str]:
    """Return the lines `words` are best set in: the fewest that fit, split where a văn thư splits."""
    if not words:
        return []
    room = width * SAFETY
    if text_width(" ".join(words), bold=bold, size=size) <= room:
        return [" ".join(words)]
    allowed, preferred = _break_points(words)
    best: tuple[float, list[str]] | None = None
    for count in range(1, min(_MAX_LINES, len(allowed)) + 1):
        for cuts in itertools.combinations(sorted(allowed), count):
            lines = [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
            widths = [text_width(line, bold=bold, size=size) for line in lines]
            overflow = sum(max(0.0, w - room) for w in widths)
            balance = (max(widths) - min(widths)) / width
            plain = sum(1 for cut in cuts if cut not in preferred)
            cost = count * 10 + overflow / width * 1000 + balance + 0.3 * plain
            if best is None or cost < best[0]:
                best = (cost, lines)
    return best[1] if best else [" ".join(words)]


def _break_points(words: list[str]) -> tuple[set[int], set[int]]:
    """Return the indexes a line may start at, and those a văn thư prefers (around a place word, before "VÀ")."""
    keys = [word.upper() for word in words]
    locked: set[int] = set()  # a line may not start at these
    preferred: set[int] = set()
    index = 0
    while index < len(keys):
        place = _match(keys, index, PLACE_WORDS)
        if place and not _match(keys, index, ("XÃ HỘI",)):
            end = index + place
            locked.update(range(index + 1, end))  # inside "THÀNH PHỐ"
            following = next((j for j in range(end + 1, len(keys)) if _match(keys, j, PLACE_WORDS)), len(keys))
            locked.update(range(end + 1, following))  # inside the place name
            preferred.update({index, end})
            index = following
            continue
        compound = _match(keys, index, COMPOUNDS)
        if compound:
            locked.update(range(index + 1, index + compound))
            index += compound
            continue
        index += 1
    for position, key in enumerate(keys):
        if key in _NEVER_LAST:
            locked.add(position + 1)
            preferred.add(position)
        elif key in _NEVER_FIRST:
            locked.add(position)
            preferred.add(position + 1)
    allowed = set(range(1, len(keys))) - locked
    return allowed, preferred & allowed


def _match(keys: list[str], index: int, phrases: tuple[str, ...]) -> int:
    """Return how many words of the longest phrase in `phrases` start at `keys[index]` (0: none)."""
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        parts = phrase.split()
        if keys[index:index + len(parts)] == parts:
            return len(parts)
    return 0


_PERCENT = re.compile(r"(\d) +(%)")
_TRAM_Y_TE = re.compile(r"\b(trạm) +(y) +(tế)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)  # the same trích yếu in every letter of a batch
def _kept_marks(text: str) -> str:
    """`text` with no-break spaces inside "Trạm y tế" and between a number and its "%"."""
    text = _PERCENT.sub(rf"\1{NBSP}\2", text)
    return _TRAM_Y_TE.sub(lambda m: NBSP.join(m.groups()), text)


def keep_together(text: str, phrases: tuple[str, ...] = ()) -> str:
    """Return `text` with no-break spaces inside "Trạm y tế", a number and its "%", and each of `phrases`."""
    text = _kept_marks(text)
    for phrase in sorted({p for p in phrases if " " in p.strip()}, key=len, reverse=True):
        text = text.replace(phrase, phrase.replace(" ", NBSP))
    return text
