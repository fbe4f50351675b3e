"""Issuing fast without giving up a guarantee: rows inserted a batch at a time (ids and chain hashes worked out
under the write lock, nothing read back), letters written and fsynced in background threads."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from congvan.batch import issue as issue_module
from congvan.batch.issue import issue_batch, page_amount
from congvan.errors import OutputError, RegisterError
from congvan.files import SyncedWriter
from congvan.register.records import NewDocument
from congvan.register.store import Register
from tests.test_register_support import BACKENDS, UNITS, make_batch

DAY = dt.date(2026, 11, 23)


def _doc(index: int, unit: str = "") -> NewDocument:
    return NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject=f"báo cáo {index}", organ_name="SNV",
                       recipients=[f"UBND {unit or index}"], distribution=["Như trên;", "Lưu: VT."],
                       batch_id="b", letter_index=index, unit=unit or f"Phường {index}",
                       context_json='{"don_vi": "phường"}')


def test_rows_inserted_together_are_the_rows_the_register_returns_and_verify(tmp_path: Path,
                                                                             register_url: str) -> None:
    with Register(register_url) as register:
        with register.write() as conn:
            register.insert(conn, _doc(0, "Phường Đầu"), organ="SNV", number=1, date=DAY)  # a row before them
            made = register.insert_many(conn, [_doc(i) for i in range(1, 8)], organ="SNV", first=2, date=DAY,
                                        backdated=True)
            register.advance_counter(conn, "SNV", 2026, 9)
        stored = register.records()
        report = register.verify(tmp_path / "output")
    assert [r.number for r in made] == list(range(2, 9)) and len({r.id for r in stored}) == 8
    assert made == stored[1:]  # what insert_many returned is what the database holds
    assert stored[3].recipients == ["UBND 3"] and stored[3].code_number == "04"
    assert report.ok and report.events == 8


def test_a_refused_row_among_many_is_named_and_none_is_kept(tmp_path: Path, register_url: str) -> None:
    with Register(register_url) as register:
        register.set_next("SNV", 2026, 5)  # 01–04 left out on purpose
        with register.write() as conn:
            register.insert(conn, _doc(9, "Xã Cam Lâm"), organ="SNV", number=5, date=DAY)
        with pytest.raises(RegisterError, match="số 05/SNV-CCHC năm 2026 đã có trong sổ"), \
                register.write() as conn:
            register.insert_many(conn, [_doc(i) for i in range(1, 8)], organ="SNV", first=2, date=DAY)
        assert [r.number for r in register.records()] == [5]
        assert register.verify(tmp_path).ok


@pytest.mark.parametrize("register_url", BACKENDS[1:], indirect=True)  # SQLite keeps a NUL character
def test_a_value_postgresql_refuses_names_the_unit(register_url: str) -> None:
    with Register(register_url) as register:
        docs = [_doc(i) for i in range(1, 6)]
        docs[2] = replace(docs[2], note="ghi chú\x00")
        with pytest.raises(RegisterError, match="văn bản gửi Phường 3: cơ sở dữ liệu sổ không nhận một giá trị"), \
                register.write() as conn:
            register.insert_many(conn, docs, organ="SNV", first=1, date=DAY)
        assert register.records() == []


def test_a_batch_larger_than_one_insert_is_numbered_chained_and_counted(tmp_path: Path, register_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(issue_module, "ROWS_AT_ONCE", 2)  # five letters: inserts of 2, 2 and 1 rows
    output = tmp_path / "output"
    result = issue_batch(make_batch(output / "drafts", UNITS), register=register_url, output_dir=output,
                         issued_on=DAY)
    assert [x.number for x in result.new] == [1, 2, 3, 4, 5]
    with Register(register_url) as register:
        records = register.records()
        assert register.peek_next("SNV", 2026) == 6
        assert register.verify(output).ok
    for record in records:  # the page count kept is the issued file's own
        assert record.page_amount == page_amount((output / (record.file_path or "")).read_bytes())


def test_the_writer_never_replaces_a_file_and_removes_only_its_own(tmp_path: Path) -> None:
    there = tmp_path / "b.docx"
    there.write_bytes(b"someone else's")
    with SyncedWriter(threads=2) as writer:
        writer.submit(tmp_path / "a.docx", b"a")
        writer.submit(there, b"b")
        with pytest.raises(OutputError, match="b.docx: tệp đã tồn tại, không được ghi đè"):
            writer.submit(tmp_path / "c.docx", b"c")  # raises here if the failure is known already
            writer.finish()
        with pytest.raises(OutputError):
            writer.wait()  # a.docx may still be being written when c.docx is refused: wait for every file
        assert (tmp_path / "a.docx").read_bytes() == b"a"
        writer.remove_all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.docx"] and there.read_bytes() == b"someone else's"


def test_the_writer_stops_taking_files_after_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    calls = [0]

    def fsync(fd: int) -> None:  # the first file's fsync finds the disk full
        calls[0] += 1
        if calls[0] == 1:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with SyncedWriter(threads=1) as writer:
        writer.submit(tmp_path / "first.docx", b"x")
        with pytest.raises(OutputError, match="first.docx: ổ đĩa đã đầy"):
            for index in range(10_000):  # a later submit reports it: the caller stops early
                writer.submit(tmp_path / f"{index}.docx", b"y")
        writer.remove_all()
    assert list(tmp_path.iterdir()) == []
