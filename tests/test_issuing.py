"""Issuing draft batches: numbers, files, idempotence, failures, year rollover, kill -9 and concurrency."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docx
import pytest

from congvan.batch.issue import (
    PAUSE_AFTER_ENV,
    PAUSE_MARKER_ENV,
    archive_copy,
    issue_batch,
    issued_amount,
    issued_file_name,
)
from congvan.batch.sweep import QUARANTINE_DIR
from congvan.errors import RegisterError, TemplateError
from congvan.files import sha256_file
from congvan.register.store import Register
from congvan.render.template import iter_text
from tests.test_register_support import (
    UNITS,
    freeze_today,
    make_batch,
    make_template,
    rehash,
)

DAY = dt.date(2026, 11, 23)


def docx_lines(path: Path) -> list[str]:
    return list(iter_text(path.read_bytes()))


def issued_docx(output: Path, year: int) -> list[str]:
    folder = output / str(year)
    return sorted(p.name for p in folder.glob("*.docx")) if folder.is_dir() else []


def test_file_names_follow_number_symbol_and_unit() -> None:
    assert issued_file_name(5, "SNV-CCHC", "Phường Nha Trang") == "05-SNV-CCHC_phuong-nha-trang.docx"
    assert issued_file_name(12, "QĐ-UBND", "Đặc khu Trường Sa") == "12-QD-UBND_dac-khu-truong-sa.docx"
    assert issued_file_name(5237, "UBND-NV", "Xã Cam Lâm") == "5237-UBND-NV_xa-cam-lam.docx"


def test_archive_copy_and_issued_amount_from_noi_nhan() -> None:
    lines = ["Như trên;", "Giám đốc Sở (b/c);", "Lưu: VT, CCHC (02b)."]
    assert archive_copy(lines) == "VT, CCHC (02b)"
    assert issued_amount(["UBND phường A", "UBND xã B"], lines) == 2 + 1 + 2
    assert issued_amount([], ["Lưu: VT."]) == 1
    assert issued_amount([], []) is None


def test_issue_gives_consecutive_numbers_and_fills_the_letters(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:3])
    result = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)

    assert [(x.number, x.number_symbol, x.already) for x in result.letters] == [
        (1, "01/SNV-CCHC", False), (2, "02/SNV-CCHC", False), (3, "03/SNV-CCHC", False)]
    assert issued_docx(output, 2026) == [
        "01-SNV-CCHC_phuong-nha-trang.docx", "02-SNV-CCHC_xa-cam-lam.docx", "03-SNV-CCHC_phuong-cam-ranh.docx"]
    lines = docx_lines(output / "2026" / "02-SNV-CCHC_xa-cam-lam.docx")
    assert "Số: 02/SNV-CCHC" in lines
    assert "Khánh Hòa, ngày 23 tháng 11 năm 2026" in lines
    assert "Kính gửi: UBND xã Cam Lâm" in lines

    with Register(register_url) as register:
        records = register.records()
        assert [r.number for r in records] == [1, 2, 3]
        first = records[0]
        assert first.sha256 == sha256_file(output / first.file_path)
        assert first.template_sha256 == sha256_file(batch / "template.docx")
        assert first.context["so_ky_hieu"] == "01/SNV-CCHC"
        assert first.context["ngay_ban_hanh"] == "2026-11-23"
        assert first.context["ban_nhap"] is False
        assert (first.organ, first.year, first.type_name, first.organ_name) == ("SNV", 2026, "Công văn", "SỞ NỘI VỤ")
        assert first.signer_info == "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Trần Văn Minh"
        assert first.recipients == ["UBND phường Nha Trang"]
        assert first.archive_copy == "VT, CCHC (02b)"
        assert first.page_amount == 1  # from docProps/app.xml of the python-docx template
        assert first.batch_id == batch.name and first.letter_index == 1 and first.unit == "Phường Nha Trang"
        assert first.tool_version
        assert register.peek_next("SNV", 2026) == 4


def test_issuing_the_same_batch_again_is_idempotent(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:2])
    first = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    hashes = {x.path: sha256_file(x.path) for x in first.letters}
    again = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY + dt.timedelta(days=1))

    assert [(x.number, x.already) for x in again.letters] == [(1, True), (2, True)]
    assert again.new == []
    assert {x.path: sha256_file(x.path) for x in again.letters} == hashes  # nothing rewritten
    with Register(register_url) as register:
        assert len(register.records()) == 2
        assert register.peek_next("SNV", 2026) == 3


def test_changed_draft_of_an_issued_letter_is_refused(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:1])
    issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    context_file = next(batch.glob("01_*.json"))
    context = json.loads(context_file.read_text(encoding="utf-8"))
    context["trich_yeu"] = "nội dung khác"
    context_file.write_text(json.dumps(context, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegisterError, match="đã bị sửa sau khi tạo lô"):
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    rehash(batch)  # the manifest edited too: the register still knows the context it numbered
    with pytest.raises(RegisterError, match="đã được cấp số 01/SNV-CCHC"):
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)


def test_template_changed_after_drafting_is_refused(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:1])
    edited = docx.Document(batch / "template.docx")
    edited.add_paragraph("Đoạn thêm sau khi tạo bản nháp.")
    edited.save(batch / "template.docx")
    with pytest.raises(RegisterError, match="mẫu đã bị thay đổi"):
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    with Register(register_url) as register:
        assert register.records() == []


def test_failure_in_the_middle_consumes_no_number(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:4])
    third = next(batch.glob("03_*.json"))
    context = json.loads(third.read_text(encoding="utf-8"))
    del context["don_vi"]  # the template needs it: rendering letter 3 fails after 2 files are written
    third.write_text(json.dumps(context, ensure_ascii=False), encoding="utf-8")
    rehash(batch)

    with pytest.raises(TemplateError):
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    assert issued_docx(output, 2026) == []
    with Register(register_url) as register:
        assert register.records() == []
        assert register.peek_next("SNV", 2026) == 1

    other = make_batch(output / "drafts", UNITS[:2])
    result = issue_batch(other, register=register_url, output_dir=output, issued_on=DAY)
    assert [x.number for x in result.letters] == [1, 2]


def test_unregistered_file_in_the_way_is_moved_aside_not_overwritten(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    stale = output / "2026" / "01-SNV-CCHC_phuong-nha-trang.docx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an interrupted run")
    batch = make_batch(output / "drafts", UNITS[:1])
    result = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)

    assert len(result.moved_aside) == 1
    assert result.moved_aside[0].parent.parent.parent == output / QUARANTINE_DIR
    assert result.moved_aside[0].name == stale.name and result.moved_aside[0].parent.name == "2026"
    assert result.moved_aside[0].read_bytes() == b"left by an interrupted run"
    assert "Số: 01/SNV-CCHC" in docx_lines(stale)


def test_batch_drafted_for_another_body_is_refused(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    with pytest.raises(RegisterError, match="soạn cho cơ quan 'SNV'"):
        issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output,
                    organ="UBND", issued_on=DAY)


def test_date_may_not_go_back_within_a_series(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output, issued_on=DAY)
    with pytest.raises(RegisterError, match="theo thứ tự ban hành"):
        issue_batch(make_batch(output / "drafts", UNITS[1:2]), register=register_url, output_dir=output,
                    issued_on=DAY - dt.timedelta(days=3))


def test_year_rollover_starts_again_at_01(tmp_path: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_today(monkeypatch, dt.date(2027, 1, 1))
    output = tmp_path / "output"
    old = issue_batch(make_batch(output / "drafts", UNITS[:3]), register=register_url, output_dir=output,
                      issued_on=dt.date(2026, 12, 31))
    new = issue_batch(make_batch(output / "drafts", UNITS[3:5]), register=register_url, output_dir=output,
                      issued_on=dt.date(2027, 1, 1))

    assert [x.number_symbol for x in old.letters] == ["01/SNV-CCHC", "02/SNV-CCHC", "03/SNV-CCHC"]
    assert [x.number_symbol for x in new.letters] == ["01/SNV-CCHC", "02/SNV-CCHC"]
    lines = docx_lines(output / "2027" / "01-SNV-CCHC_xa-dien-khanh.docx")
    assert "Số: 01/SNV-CCHC" in lines and "Khánh Hòa, ngày 01 tháng 01 năm 2027" in lines
    assert len(issued_docx(output, 2026)) == 3 and len(issued_docx(output, 2027)) == 2
    with Register(register_url) as register:
        assert [r.number for r in register.records(year=2026)] == [1, 2, 3]
        assert [r.number for r in register.records(year=2027)] == [1, 2]
        assert register.peek_next("SNV", 2026) == 4 and register.peek_next("SNV", 2027) == 3
        assert register.verify(output).ok


# -- kill -9 in the middle of a batch --

_ISSUE_SCRIPT = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from congvan.batch.issue import issue_batch
    issue_batch(Path(sys.argv[1]), register=sys.argv[2], output_dir=Path(sys.argv[3]),
                issued_on=dt.date(2026, 11, 23))
""")


def test_sigkill_while_issuing_leaves_register_consistent_and_rerun_completes(tmp_path: Path,
                                                                               register_url: str) -> None:
    output = tmp_path / "output"
    with Register(register_url):
        pass  # create the schema first so the child only issues
    batch = make_batch(output / "drafts", UNITS)
    marker = tmp_path / "paused"
    env = {**os.environ, PAUSE_AFTER_ENV: "3", PAUSE_MARKER_ENV: str(marker)}
    child = subprocess.Popen([sys.executable, "-c", _ISSUE_SCRIPT, str(batch), register_url, str(output)],
                             env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"issuing process ended before the pause: {child.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail("issuing process did not reach the pause within 60 s")
            time.sleep(0.05)
        # three files written under pending names, transaction still open: no issued-looking name yet
        assert issued_docx(output, 2026) == []
        assert len(list((output / "2026").glob(".*.docx.issuing"))) == 3
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with Register(register_url) as register:
        assert register.records() == []  # nothing committed: no number consumed
        assert register.peek_next("SNV", 2026) == 1
        report = register.verify(output)
        assert report.unregistered == [] and len(report.leftovers) == 3 and not report.ok  # leftovers are errors

    result = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    assert [x.number for x in result.letters] == [1, 2, 3, 4, 5]
    assert len(result.moved_aside) == 3
    with Register(register_url) as register:
        records = register.records()
        assert [r.number for r in records] == [1, 2, 3, 4, 5]
        assert issued_docx(output, 2026) == sorted(Path(r.file_path).name for r in records)
        report = register.verify(output)
        assert report.ok and report.unregistered == [] and report.checked == 5


# -- concurrency: 4 processes x 50 issues --

WORKERS = 4
ISSUES_PER_WORKER = 50


def _issue_worker(url: str, output: str, batches: list[str], start: multiprocessing.synchronize.Event,
                  results: multiprocessing.Queue) -> None:
    try:
        start.wait(60)
        numbers: list[int] = []
        with Register(url) as register:
            for batch in batches:
                result = issue_batch(Path(batch), register=register, output_dir=Path(output), issued_on=DAY)
                numbers.extend(x.number for x in result.new)
        results.put(("ok", numbers))
    except BaseException as err:  # report to the parent instead of dying silently
        results.put(("error", repr(err)))


def test_concurrent_processes_get_unique_consecutive_numbers(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    with Register(register_url):
        pass
    template = make_template(tmp_path / "template.docx")
    plans = [
        [str(make_batch(output / "drafts", [f"Phường Số {w}-{i}"], template=template))
         for i in range(ISSUES_PER_WORKER)]
        for w in range(WORKERS)
    ]
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    processes = [context.Process(target=_issue_worker, args=(register_url, str(output), plan, start, results))
                 for plan in plans]
    for process in processes:
        process.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)
    errors = [detail for status, detail in outcomes if status != "ok"]
    assert errors == []
    numbers = sorted(n for _, got in outcomes for n in got)
    assert numbers == list(range(1, WORKERS * ISSUES_PER_WORKER + 1))
    with Register(register_url) as register:
        records = register.records()
        assert [r.number for r in records] == list(range(1, 201))
        assert len({r.batch_id for r in records}) == 200
        report = register.verify(output)
        assert report.ok and report.checked == 200 and report.unregistered == []
    assert len(issued_docx(output, 2026)) == 200
