"""The tamper-evident register: the hash chain, `register verify` against hand edits of the database
(a real `sqlite3` / `psql` session), and the chain of voids, sends and set-next."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from congvan.batch.issue import issue_batch
from congvan.cli import cli
from congvan.register.audit import BROKEN, DELETED, EDITED, GAP, MISNAMED, SHARED, UNCHAINED
from congvan.register.engine import normalize_url
from congvan.register.records import NewDocument, VerifyReport
from congvan.register.store import Register
from tests.test_register_support import UNITS, make_batch

DAY = dt.date(2026, 11, 23)


def hand_sql(url: str, sql: str) -> None:
    """Run SQL the way someone with the database file or server would: the sqlite3 or psql program."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        command = ["sqlite3", str(parsed.database), sql]
    else:
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        command = ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    subprocess.run(command, check=True, capture_output=True)


def issued(tmp_path: Path, url: str) -> Path:
    """Issue the five units on DAY; return the output folder."""
    output = tmp_path / "output"
    issue_batch(make_batch(output / "drafts", UNITS), register=url, output_dir=output, issued_on=DAY)
    return output


def verify(url: str, output: Path) -> VerifyReport:
    with Register(url) as register:
        return register.verify(output)


def kinds(report: VerifyReport) -> set[str]:
    return {finding.kind for finding in report.findings}


def texts(report: VerifyReport) -> str:
    return "\n".join(finding.text for finding in report.findings)


def test_an_untouched_register_verifies(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    with Register(register_url) as register:
        register.void("SNV", 2026, 2, "sai tên đơn vị")
        register.mark_sent("SNV", 2026, 1, DAY, "Văn thư xã")
        register.set_next("SNV", 2026, 10)  # 06–09 skipped on purpose
        register.reserve(NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject="báo cáo",
                                     organ_name="SỞ NỘI VỤ"), organ="SNV", date=DAY)
    report = verify(register_url, output)
    assert report.ok, report
    assert report.checked == 5 and report.events == 5 + 1 + 1 + 1 + 1


def test_a_deleted_row_is_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "DELETE FROM documents WHERE number = 3")
    report = verify(register_url, output)
    assert not report.ok and {DELETED, GAP} <= kinds(report)
    assert "số 03/SNV-CCHC năm 2026 (Phường Cam Ranh): dòng đã bị xóa" in texts(report)
    assert [p.name for p in report.unregistered] == ["03-SNV-CCHC_phuong-cam-ranh.docx"]


def test_deleting_the_last_row_and_its_event_is_a_gap_below_the_counter(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "DELETE FROM register_events WHERE seq = 5")
    hand_sql(register_url, "DELETE FROM documents WHERE number = 5")
    report = verify(register_url, output)
    assert GAP in kinds(report) and "thiếu số 05" in texts(report) and len(report.unregistered) == 1


def test_an_edited_number_is_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "UPDATE documents SET number = 9, code_number = '09' WHERE number = 2")
    report = verify(register_url, output)
    assert {EDITED, GAP, MISNAMED} <= kinds(report)
    assert "số 09/SNV-CCHC năm 2026 (Xã Cam Lâm) (sổ ghi lúc cấp: số 02)" in texts(report)
    assert "cột code_number, number" in texts(report)


def test_a_row_pointed_at_another_rows_file_is_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "UPDATE documents SET file_path = (SELECT file_path FROM documents WHERE number = 2), "
                           "sha256 = (SELECT sha256 FROM documents WHERE number = 2) WHERE number = 1")
    report = verify(register_url, output)
    assert {EDITED, SHARED, MISNAMED} <= kinds(report)
    assert "cột file_path, sha256" in texts(report)
    assert [p.name for p in report.unregistered] == ["01-SNV-CCHC_phuong-nha-trang.docx"]


def test_edited_unit_subject_and_date_are_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "UPDATE documents SET unit = 'Phường Z', subject = 'việc khác', "
                           "issued_date = '2026-11-20' WHERE number = 4")
    report = verify(register_url, output)
    assert kinds(report) == {EDITED}
    assert "số 04/SNV-CCHC năm 2026 (Phường Z): đã bị sửa ngoài congvan ở cột issued_date, subject, unit" \
        in texts(report)


def test_a_stray_letter_is_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    stray = output / "2026" / "06-SNV-CCHC_phuong-z.docx"
    shutil.copyfile(output / "2026" / "01-SNV-CCHC_phuong-nha-trang.docx", stray)
    report = verify(register_url, output)
    assert not report.ok and report.findings == [] and report.unregistered == [stray]


def test_editing_the_chain_itself_is_caught(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    # an edit of the row and of its event's payload together: the event's hash no longer matches
    hand_sql(register_url, "UPDATE documents SET unit = 'Phường Z' WHERE number = 4")
    hand_sql(register_url, "UPDATE register_events SET payload = REPLACE(payload, 'Xã Diên Khánh', 'Phường Z') "
                           "WHERE seq = 4")
    report = verify(register_url, output)
    assert BROKEN in kinds(report) and "sự kiện 4 (issue): nội dung bị sửa" in texts(report)
    hand_sql(register_url, "DELETE FROM register_events WHERE seq = 2")
    report = verify(register_url, output)
    assert "thiếu sự kiện 2–2" in texts(report)


def test_a_row_added_by_hand_is_outside_the_chain(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    hand_sql(register_url, "INSERT INTO documents (organ, year, series, number, code_number, code_notation, status, "
                           "issued_date, type_name, subject, organ_name, language, signer_authority, signer_position, "
                           "signer_name, recipients, distribution, archive_copy, priority, note, tool_version, "
                           "created_at) SELECT organ, year, series, 6, '06', code_notation, 'reserved', issued_date, "
                           "type_name, 'thêm tay', organ_name, language, '', '', '', '[]', '[]', '', 0, '', "
                           "tool_version, created_at FROM documents WHERE number = 1")
    assert UNCHAINED in kinds(verify(register_url, output))


def test_a_voided_and_a_sent_row_are_chained(tmp_path: Path, register_url: str) -> None:
    output = issued(tmp_path, register_url)
    with Register(register_url) as register:
        register.void("SNV", 2026, 2, "sai tên")
        register.mark_sent("SNV", 2026, 3, DAY, "Văn thư")
    assert verify(register_url, output).ok
    hand_sql(register_url, "UPDATE documents SET voided_at = NULL, void_reason = NULL WHERE number = 2")
    hand_sql(register_url, "UPDATE documents SET sent_date = NULL WHERE number = 3")
    report = verify(register_url, output)
    assert kinds(report) == {EDITED}
    assert "(Xã Cam Lâm): đã bị sửa ngoài congvan ở cột void_reason, voided_at" in texts(report)
    assert "(Phường Cam Ranh): đã bị sửa ngoài congvan ở cột sent_date" in texts(report)


def test_one_edited_row_among_500_is_caught(tmp_path: Path) -> None:
    """Correctness at size (the 5,000-row timing is in bench/bench_verify.py, not here)."""
    url = f"sqlite:///{tmp_path / 'so.sqlite'}"
    with Register(url) as register, register.write() as conn:
        doc = NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject="báo cáo", organ_name="SNV",
                          status="reserved")
        for number in range(1, 501):
            register.insert(conn, doc, organ="SNV", number=number, date=DAY)
        register.advance_counter(conn, "SNV", 2026, 501)
    report = verify(url, tmp_path / "output")
    assert report.ok and report.events == 500
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE documents SET subject = 'x' WHERE number = 250"))
    engine.dispose()
    assert kinds(verify(url, tmp_path / "output")) == {EDITED}


def test_cli_verify_exits_1_and_names_what_happened(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{workspace / 'output' / 'so_van_ban_di.sqlite'}"
    monkeypatch.setenv("CONGVAN_REGISTER_URL", url)
    issued(workspace, url)
    runner = CliRunner()
    clean = runner.invoke(cli, ["register", "verify", "-w", str(workspace)])
    assert clean.exit_code == 0 and "Đã kiểm tra 5 tệp và chuỗi 5 sự kiện: tất cả khớp với sổ." in clean.stdout
    hand_sql(url, "UPDATE documents SET subject = 'việc khác' WHERE number = 1")
    hand_sql(url, "DELETE FROM documents WHERE number = 3")
    result = runner.invoke(cli, ["register", "verify", "-w", str(workspace)])
    assert result.exit_code == 1
    assert "DÒNG BỊ SỬA\tsố 01/SNV-CCHC năm 2026 (Phường Nha Trang): đã bị sửa ngoài congvan ở cột subject." \
        in result.stdout
    assert "DÒNG BỊ XÓA\tsố 03/SNV-CCHC" in result.stdout and "KHOẢNG TRỐNG\tnăm 2026" in result.stdout
    assert "NGOÀI SỔ\t" in result.stdout and "Lỗi: 3 lỗi trong sổ" in result.stderr
