"""Shared fixtures: small workbooks and a small workspace built in tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bench.render import own_config
from tests.test_register_support import BACKENDS, backend_url

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.browser_support"]  # the browser tests' server and chromium fixtures

@pytest.fixture(autouse=True, scope="session")
def _kept_profiles_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """LibreOffice profiles that `congvan pdf` keeps between runs go to a folder of this test run, not ~/.cache."""
    before = os.environ.get("CONGVAN_CACHE_DIR")
    os.environ["CONGVAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("CONGVAN_CACHE_DIR", None)
    else:
        os.environ["CONGVAN_CACHE_DIR"] = before


CRITERIA_HEADERS = [
    "Tiếp cận dịch vụ",
    "Điều kiện tiếp đón, phục vụ",
    "Thủ tục hành chính",
    "Sự phục vụ của công chức",
    "Kết quả, tiến độ giải quyết công việc",
    "Tiếp nhận, xử lý phản ánh, kiến nghị",
]
CRITERIA_CODES = ["tiep_can", "tiep_don", "thu_tuc", "cong_chuc", "ket_qua", "phan_anh"]

# Five units with hand-picked scores (target 83): Nha Trang weak on 3, Cam Lâm above target everywhere.
UNITS = {
    "Phường Nha Trang": [72.27, 68.83, 85.70, 84.50, 87.17, 73.22],
    "Phường Cam Ranh": [80.00, 83.00, 90.10, 79.95, 88.00, 84.00],
    "Xã Cam Lâm": [90.00, 91.50, 88.25, 86.00, 92.10, 89.40],
    "Xã Diên Khánh": [60.50, 70.00, 75.00, 78.00, 81.00, 82.99],
    "Đặc khu Trường Sa": [85.00, 86.00, 87.00, 88.00, 89.00, 90.00],
}
HEALTH = {"Phường Nha Trang": 0.7646, "Phường Cam Ranh": 0.8512, "Xã Cam Lâm": 0.8830, "Xã Diên Khánh": 0.6900,
          "Đặc khu Trường Sa": 0.8400}


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], formats: dict[str, str] | None = None) -> Path:
    """Write `sheets` (name -> rows) to an .xlsx; `formats` maps sheet name -> number format of numeric cells."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        fmt = (formats or {}).get(name)
        if fmt:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, float):
                        cell.number_format = fmt
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def standard_sheets(units: dict[str, list[float]] | None = None, health: dict[str, float] | None = None
                    ) -> dict[str, list[list[Any]]]:
    units = UNITS if units is None else units
    health = HEALTH if health is None else health
    ubnd = [["KẾT QUẢ CHỈ SỐ HÀI LÒNG NĂM 2025 (số liệu thử)"], [], ["STT", "Đơn vị", *CRITERIA_HEADERS]]
    ubnd += [[i, name, *scores] for i, (name, scores) in enumerate(units.items(), start=1)]
    tyt = [["STT", "Đơn vị", "Chỉ số hài lòng"]]
    tyt += [[i, name, value] for i, (name, value) in enumerate(health.items(), start=1)]
    return {"UBND cấp xã": ubnd, "Trạm y tế": tyt}


@pytest.fixture(params=BACKENDS)
def register_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A register on each backend: a SQLite file, and a fresh PostgreSQL schema when CONGVAN_TEST_PG_URL is set."""
    yield from backend_url(request.param, tmp_path)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the shipped sample workspace whose results are the five hand-picked units above."""
    return make_workspace(tmp_path / "ws")


def make_workspace(root: Path) -> Path:
    """Make `root` a copy of the shipped sample workspace with the five hand-picked units, made the Sở Nội vụ's
    own (no `mau = true`, no "(ví dụ)": see tests/test_sample_texts.py for the sample itself); return it."""
    root.mkdir()
    config = own_config((ROOT / "congvan.toml").read_text(encoding="utf-8"), agency=False)
    (root / "congvan.toml").write_text(config, encoding="utf-8")
    for part in ("recipients", "templates_docx"):
        shutil.copytree(ROOT / part, root / part)
    (root / "data").mkdir()
    shutil.copyfile(ROOT / "data" / "tieu_chi.toml", root / "data" / "tieu_chi.toml")
    write_workbook(root / "data" / "ket_qua_2025.xlsx", standard_sheets(), formats={"Trạm y tế": "0.00%"})
    return root


def require_tool(name: str) -> None:
    """Skip when an external tool is missing locally; fail when CI=true, where .ci/run installs it."""
    if shutil.which(name):
        return
    message = f"{name} is not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: .ci/run must install it)")
    pytest.skip(message)
