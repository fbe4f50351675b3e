"""Generate the SAMPLE results workbook (data/ket_qua_2025.xlsx) and the small test fixture.

The figures are invented (fixed random seed, so every run gives the same workbook, byte for byte);
the unit names are the official 65 wards, communes and special zone of Khánh Hòa after the 2025
reorganisation, taken from the `vietnam-provinces` package.

    python scripts/make_sample_data.py              # -> data/ket_qua_2025.xlsx (65 units)
    python scripts/make_sample_data.py --small      # -> tests/fixtures/results_small.xlsx (6 units)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from vietnam_provinces import Province, VietNamDivisionType, Ward

from congvan.vn import nfc, sort_key

ROOT = Path(__file__).resolve().parent.parent
SEED = 2025
YEAR = 2025
TARGET = 83.0
PROVINCE = "Khánh Hòa"
FIXED_TIME = (2025, 10, 15, 8, 0, 0)

CRITERIA = [
    # (header, mean offset from the unit's level): complaints handling and access are usually weakest.
    ("Tiếp cận dịch vụ", -1.2),
    ("Điều kiện tiếp đón, phục vụ", -0.4),
    ("Thủ tục hành chính", 1.8),
    ("Sự phục vụ của công chức", 1.4),
    ("Kết quả, tiến độ giải quyết công việc", 2.2),
    ("Tiếp nhận, xử lý phản ánh, kiến nghị", -3.0),
]
UBND_SHEET = "UBND cấp xã"
HEALTH_SHEET = "Trạm y tế"
UBND_TITLE = ("KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA TỔ CHỨC, CÁ NHÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA UBND CẤP XÃ "
              f"NĂM {YEAR}")
HEALTH_TITLE = ("KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA TRẠM Y TẾ CẤP XÃ "
                f"NĂM {YEAR}")
SAMPLE_NOTE = "(SỐ LIỆU MẪU – không phải số liệu thật)"
SUMMARY_LABEL = "Chỉ số chung"
LOW, HIGH = 60.0, 95.0

N_EXCELLENT = 4  # units above target on every criterion of both sheets
N_WEAK = 4       # units far below target

KIND_NAMES = {
    VietNamDivisionType.PHUONG: "Phường",
    VietNamDivisionType.XA: "Xã",
    VietNamDivisionType.DAC_KHU: "Đặc khu",
}


@dataclass
class UnitScores:
    """Invented figures of one unit: six UBND criteria and the health-station index (all 0–100)."""

    name: str
    ubnd: list[float]
    health: float
    role: str = "normal"


def khanh_hoa_units() -> list[str]:
    """Return the official names of Khánh Hòa's communal units, NFC, in Vietnamese order."""
    province = next(p for p in Province.iter_all() if nfc(p.name) == PROVINCE)
    names = []
    for ward in Ward.iter_by_province(province.code):
        name = nfc(ward.name)
        prefix = KIND_NAMES[ward.division_type]
        if not name.startswith(prefix + " "):
            name = f"{prefix} {name}"
        names.append(name)
    return sorted(names, key=sort_key)


def _clip(rng: random.Random, value: float) -> float:
    """Keep `value` inside LOW–HIGH without piling scores up on the bounds."""
    if value > HIGH:
        value = HIGH - rng.uniform(0.2, 2.5)
    elif value < LOW:
        value = LOW + rng.uniform(0.2, 2.5)
    return round(value, 2)


def make_scores(names: list[str], seed: int = SEED) -> list[UnitScores]:
    """Return deterministic, plausible scores for `names` (same seed, same figures)."""
    rng = random.Random(seed)
    shuffled = names[:]
    rng.shuffle(shuffled)
    excellent = set(shuffled[:N_EXCELLENT])
    weak = set(shuffled[N_EXCELLENT:N_EXCELLENT + N_WEAK])
    exact = shuffled[N_EXCELLENT + N_WEAK]  # one criterion exactly on target: the "đạt" verdict
    units = []
    for name in names:
        if name in excellent:
            level, spread, role = rng.gauss(89.0, 1.5), 2.0, "excellent"
        elif name in weak:
            level, spread, role = rng.gauss(68.0, 2.5), 3.5, "weak"
        else:
            level, spread, role = rng.gauss(82.5, 3.8), 3.2, "normal"
        ubnd = [_clip(rng, level + offset + rng.gauss(0, spread)) for _, offset in CRITERIA]
        health = _clip(rng, level + rng.gauss(0.5, 4.0))
        if role == "excellent":
            ubnd = [max(v, round(TARGET + rng.uniform(0.6, 3.0), 2)) for v in ubnd]
            health = max(health, round(TARGET + rng.uniform(0.6, 3.0), 2))
        if name == exact:
            ubnd[2] = TARGET
        units.append(UnitScores(name, ubnd, health, role))
    return units


SMALL_ALWAYS = ("Phường Nha Trang", "Đặc khu Trường Sa")


def small_selection(units: list[UnitScores]) -> list[UnitScores]:
    """Return 6 units for tests: Nha Trang, Trường Sa, two excellent, one weak, one with an exact-target score."""
    chosen = [u.name for u in units if u.name in SMALL_ALWAYS]
    chosen += [u.name for u in units if u.role == "excellent"][:2]
    chosen += [u.name for u in units if u.role == "weak"][:1]
    chosen += [u.name for u in units if TARGET in u.ubnd][:1]
    picked = set(chosen)
    return [u for u in units if u.name in picked]


# -- workbook --

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
SUMMARY_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
HEADER_ROW = 4


def _title(sheet: Worksheet, title: str, width: int) -> None:
    last = get_column_letter(width)
    sheet["A1"] = title
    sheet["A1"].font = Font(name=FONT, size=13, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 36
    sheet["A2"] = SAMPLE_NOTE
    sheet["A2"].font = Font(name=FONT, size=12, italic=True, color="C00000")
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A2:{last}2")


def _header(sheet: Worksheet, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, col, text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
    sheet.row_dimensions[HEADER_ROW].height = 48
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)


def _data_row(sheet: Worksheet, row: int, values: list[object], number_format: str, *, summary: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.font = Font(name=FONT, size=12, bold=summary)
        cell.border = BORDER
        if col == 1:
            cell.alignment = Alignment(horizontal="center")
        elif col > 2:
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right")
        if summary:
            cell.fill = SUMMARY_FILL


def _page_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def build_workbook(units: list[UnitScores]) -> openpyxl.Workbook:
    """Return the two-sheet results workbook for `units` (already in order)."""
    workbook = openpyxl.Workbook()
    ubnd = workbook.active
    ubnd.title = UBND_SHEET
    headers = ["STT", "Đơn vị", *(h for h, _ in CRITERIA)]
    _title(ubnd, UBND_TITLE, len(headers))
    _header(ubnd, headers)
    for index, unit in enumerate(units, start=1):
        _data_row(ubnd, HEADER_ROW + index, [index, unit.name, *unit.ubnd], "0.00")
    averages = [round(sum(u.ubnd[i] for u in units) / len(units), 2) for i in range(len(CRITERIA))]
    _data_row(ubnd, HEADER_ROW + len(units) + 1, [None, SUMMARY_LABEL, *averages], "0.00", summary=True)
    for col, width in zip("ABCDEFGH", (6, 26, 14, 16, 14, 16, 18, 18), strict=True):
        ubnd.column_dimensions[col].width = width
    _page_setup(ubnd)

    health = workbook.create_sheet(HEALTH_SHEET)
    _title(health, HEALTH_TITLE, 3)
    health.row_dimensions[1].height = 54
    _header(health, ["STT", "Đơn vị", "Chỉ số hài lòng"])
    for index, unit in enumerate(units, start=1):
        _data_row(health, HEADER_ROW + index, [index, unit.name, round(unit.health / 100, 4)], "0.00%")
    average = round(sum(u.health for u in units) / len(units) / 100, 4)
    _data_row(health, HEADER_ROW + len(units) + 1, [None, SUMMARY_LABEL, average], "0.00%", summary=True)
    for col, width in zip("ABC", (6, 30, 18), strict=True):
        health.column_dimensions[col].width = width
    _page_setup(health)

    props = workbook.properties
    props.title = UBND_TITLE
    props.subject = SAMPLE_NOTE
    props.description = "Số liệu mẫu, tạo bởi scripts/make_sample_data.py; không phải số liệu thật."
    props.creator = "congvan"
    return workbook


def save_reproducibly(workbook: openpyxl.Workbook, path: Path) -> None:
    """Save `workbook` with fixed time stamps so the same figures give the same bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp.encode(),
                              data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), data,
                            compress_type=zipfile.ZIP_DEFLATED)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def summary(units: list[UnitScores]) -> str:
    """Return a short description of the figures: counts and ranges."""
    all_ubnd = [v for u in units for v in u.ubnd]
    health = [u.health for u in units]
    clean = [u.name for u in units if min(*u.ubnd, u.health) >= TARGET]
    return (f"{len(units)} đơn vị; UBND {min(all_ubnd):.2f}–{max(all_ubnd):.2f}; "
            f"Trạm y tế {min(health):.2f}–{max(health):.2f}; không tiêu chí nào dưới {TARGET:g}: "
            f"{len(clean)} ({', '.join(clean)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="6 đơn vị, cho bộ kiểm thử")
    parser.add_argument("--out", type=Path, help="tệp .xlsx đầu ra")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    units = make_scores(khanh_hoa_units(), args.seed)
    if args.small:
        units = small_selection(units)
    out = args.out or ROOT / ("tests/fixtures/results_small.xlsx" if args.small else f"data/ket_qua_{YEAR}.xlsx")
    save_reproducibly(build_workbook(units), out)
    print(f"{out}: {summary(units)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
