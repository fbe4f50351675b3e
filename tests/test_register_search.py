"""The register desk search (congvan/register/search.py) on SQLite and PostgreSQL, and `register list`'s filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.errors import UsageError
from congvan.register.records import NewDocument
from congvan.register.search import Page, Query, plain, search
from congvan.register.store import Register
from tests.test_register_support import BACKENDS, backend_url

DAY = dt.date(2026, 11, 23)
ROWS = [  # type, trích yếu, unit
    ("Công văn", "V/v khắc phục hạn chế Chỉ số hài lòng năm 2025", "Phường Nha Trang"),
    ("Công văn", "V/v khắc phục hạn chế Chỉ số hài lòng năm 2025", "Xã Đông Hải"),
    ("Quyết định", "Phê duyệt kế hoạch cải cách hành chính", None),
    ("Công văn", "Báo cáo công tác 100% hoàn thành_quý IV", "Phường Đô Vinh"),
    ("Thông báo", "Kết quả ĐÁNH GIÁ HÀI LÒNG", None),
    ("Công văn", "Mời họp giao ban", "Phường Nha Trang"),
]


@pytest.fixture(params=BACKENDS)
def register(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Register]:
    """A register of six rows for SNV in 2026 (01–06) and one of 2025: 03 voided, 05 reserved, 06 sent."""
    for url in backend_url(request.param, tmp_path):
        with Register(url) as opened:
            with opened.write() as conn:
                for number, (type_name, subject, unit) in enumerate(ROWS, start=1):
                    doc = NewDocument(code_notation="SNV-CCHC", type_name=type_name, subject=subject,
                                      organ_name="SỞ NỘI VỤ", signer_name="Lê Văn An", unit=unit,
                                      status="reserved" if number == 5 else "issued")
                    opened.insert(conn, doc, organ="SNV", number=number, date=DAY)
                old = NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject="Chỉ số hài lòng 2024",
                                  organ_name="SỞ NỘI VỤ", unit="Phường Nha Trang")
                opened.insert(conn, old, organ="SNV", number=1, date=dt.date(2025, 3, 1))
            opened.void("SNV", 2026, 3, "ban hành nhầm")
            opened.mark_sent("SNV", 2026, 6, DAY, "Nguyễn Thị Hoa")
            yield opened


def numbers(register: Register, **filters: object) -> list[str]:
    with register.read() as conn:
        page = search(conn, Query(organ="SNV", **filters))  # type: ignore[arg-type]
    return [f"{r.year % 100}:{r.number}" for r in page.rows]


def test_text_matches_ignore_case_and_tone_marks(register: Register) -> None:
    assert numbers(register, subject="hai long") == ["25:1", "26:1", "26:2", "26:5"]
    assert numbers(register, subject="HÀI LÒNG", year=2026) == ["26:1", "26:2", "26:5"]
    assert numbers(register, unit="do vinh") == ["26:4"]
    assert numbers(register, unit="Đông hải") == ["26:2"]
    assert numbers(register, subject="100%") == ["26:4"]  # % and _ are text, not wildcards
    assert numbers(register, subject="thanh_quy") == ["26:4"]
    assert numbers(register, subject="1%0") == []
    assert numbers(register, text="ban hanh nham") == ["26:3"]  # the void reason
    assert numbers(register, text="06/snv") == ["26:6"]


def test_year_type_number_range_and_status(register: Register) -> None:
    assert numbers(register, year=2026, type_name="cong van") == ["26:1", "26:2", "26:4", "26:6"]
    assert numbers(register, type_name="QĐ") == ["26:3"]
    assert numbers(register, year=2026, number_from=2, number_to=4) == ["26:2", "26:3", "26:4"]
    assert numbers(register, year=2026, status="issued") == ["26:1", "26:2", "26:4", "26:6"]
    assert numbers(register, status="voided") == ["26:3"]
    assert numbers(register, status="reserved") == ["26:5"]
    assert numbers(register, status="sent") == ["26:6"]


def test_pages_and_total(register: Register) -> None:
    with register.read() as conn:
        first = search(conn, Query(organ="SNV", page_size=4, newest_first=True))
        second = search(conn, Query(organ="SNV", page=2, page_size=4, newest_first=True))
        empty = search(conn, Query(organ="SNV", page=9, page_size=4))
    assert [r.number for r in first.rows] == [6, 5, 4, 3] and [r.number for r in second.rows] == [2, 1, 1]
    assert (first.total, first.pages, second.total) == (7, 2, 7)
    assert empty == Page([], 7, 9, 4)
    with register.read() as conn, pytest.raises(UsageError, match="số đầu lớn hơn số cuối"):
        search(conn, Query(number_from=5, number_to=2))
    with register.read() as conn, pytest.raises(UsageError, match="tình trạng 'huy' không có"):
        search(conn, Query(status="huy"))


def test_plain_drops_tone_marks_case_and_d() -> None:
    assert plain("Đặc khu TRƯỜNG SA, Ủy ban") == "dac khu truong sa, uy ban"
    assert plain("Chỉ số hài lòng") == plain("chi so hai long")


def test_register_list_filters_and_pages(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--issue", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    run = CliRunner()
    out = run.invoke(cli, ["register", "list", "-w", str(workspace), "--numbers", "2-3", "--subject", "HAI LONG",
                           "--status", "issued"])
    assert out.exit_code == 0, out.output
    assert [line.split("\t")[0] for line in out.stdout.splitlines()] == ["02/SNV-CCHC", "03/SNV-CCHC"]
    paged = run.invoke(cli, ["register", "list", "-w", str(workspace), "--page", "2", "--page-size", "2"])
    assert [line.split("\t")[0] for line in paged.stdout.splitlines()] == ["03/SNV-CCHC", "04/SNV-CCHC"]
    assert "2 văn bản (trang 2/3, tổng 5 văn bản)." in paged.stderr
    bad = run.invoke(cli, ["register", "list", "-w", str(workspace), "--numbers", "2 đến 3"])
    assert bad.exit_code == 2 and "viết khoảng số như 5-20" in bad.output
