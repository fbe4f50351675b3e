"""Crash leftovers: pending letters, temporary files, stray letters and abandoned draft folders are swept by
the next issuing command into output/.quarantine (never deleted), and `pdf` takes only registered letters."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.batch.issue import issue_batch
from congvan.batch.sweep import PARTIAL_AGE_SECONDS, QUARANTINE_DIR, pending_path, publish
from congvan.batch.workflows import issued_only
from congvan.cli import cli
from congvan.errors import OutputError
from congvan.register.store import Register
from tests.test_register_support import UNITS, make_batch

DAY = dt.date(2026, 11, 23)


def test_a_committed_letter_left_under_its_pending_name_is_completed(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    first = issue_batch(make_batch(output / "drafts", UNITS[:2]), register=register_url, output_dir=output,
                        issued_on=DAY)
    letter = first.letters[1].path
    os.replace(letter, pending_path(letter))  # as if killed after the commit, before the rename
    with Register(register_url) as register:
        report = register.verify(output)
        assert [r.number for r in report.missing] == [2] and report.leftovers == [pending_path(letter)]
    again = issue_batch(make_batch(output / "drafts", UNITS[2:3]), register=register_url, output_dir=output,
                        issued_on=DAY)
    assert again.completed == [letter] and again.moved_aside == [] and letter.is_file()
    with Register(register_url) as register:
        assert register.verify(output).ok


def test_leftovers_are_quarantined_by_the_next_issuing_command(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output, issued_on=DAY)
    year = output / "2026"
    stray = year / "07-SNV-CCHC_phuong-z.docx"  # another number: not in the way of the next issue
    stray.write_bytes(b"stray")
    tmp = year / ".02-SNV-CCHC_xa-cam-lam.docx.a1b2.tmp"
    tmp.write_bytes(b"half")
    unsigned = pending_path(year / "02-SNV-CCHC_xa-cam-lam.docx")
    unsigned.write_bytes(b"not committed")
    old, young = output / "drafts" / ".20261120-old.partial", output / "drafts" / ".20261123-young.partial"
    old.mkdir()
    young.mkdir()
    past = time.time() - PARTIAL_AGE_SECONDS - 60
    os.utime(old, (past, past))
    with Register(register_url) as register:
        report = register.verify(output)
    assert report.unregistered == [stray] and set(report.leftovers) == {tmp, unsigned}

    result = issue_batch(make_batch(output / "drafts", UNITS[1:2]), register=register_url, output_dir=output,
                         issued_on=DAY)
    assert {p.name for p in result.moved_aside} == {stray.name, tmp.name, unsigned.name, old.name}
    assert all(QUARANTINE_DIR in p.parts for p in result.moved_aside)
    assert not stray.exists() and not tmp.exists() and not old.exists() and young.is_dir()
    assert [x.number for x in result.letters] == [2]
    with Register(register_url) as register:
        assert register.verify(output).ok


def test_reserve_sweeps_and_prints_a_line(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONGVAN_REGISTER_URL", f"sqlite:///{workspace / 'output' / 'so.sqlite'}")
    stray = workspace / "output" / "2026" / "01-SNV-CCHC_phuong-z.docx"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"stray")
    result = CliRunner().invoke(cli, ["register", "reserve", "-w", str(workspace), "--trich-yeu", "V/v họp",
                                      "--date", DAY.isoformat()])
    assert result.exit_code == 0 and not stray.exists()
    assert f"đã chuyển sang {workspace / 'output' / QUARANTINE_DIR}" in result.stderr


def test_pdf_takes_only_registered_letters_that_are_not_withdrawn(workspace: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{workspace / 'output' / 'so.sqlite'}"
    monkeypatch.setenv("CONGVAN_REGISTER_URL", url)
    output = workspace / "output"
    issued = issue_batch(make_batch(output / "drafts", UNITS[:3]), register=url, output_dir=output, issued_on=DAY)
    with Register(url) as register:
        register.void("SNV", 2026, 2, "sai tên")
    stray = output / "2026" / "09-SNV-CCHC_phuong-z.docx"
    shutil.copyfile(issued.letters[0].path, stray)
    elsewhere = workspace / "ban-nhap.docx"
    shutil.copyfile(issued.letters[0].path, elsewhere)
    files = sorted((output / "2026").glob("*.docx")) + [elsewhere]
    kept, skipped = issued_only(files, workspace)
    assert kept == [issued.letters[0].path, issued.letters[2].path, elsewhere]
    assert len(skipped) == 2 and "02/SNV-CCHC đã THU HỒI" in skipped[0] and "không có trong sổ" in skipped[1]
    assert issued_only(files, None) == (files, [])


def test_two_issuers_naming_one_pending_letter_do_not_trip_over_each_other(tmp_path: Path) -> None:
    """Issuer A commits and names its letters while issuer B's sweep (holding the lock next) sees them pending."""
    final = tmp_path / "2026" / "01-SNV-CCHC_x.docx"
    final.parent.mkdir()
    pending = pending_path(final)
    pending.write_bytes(b"letter")
    publish(pending, final)  # B's sweep named it first and dropped the pending name ...
    publish(pending, final)  # ... A's own publish then finds the letter in place: no error
    assert final.read_bytes() == b"letter" and not pending.exists()
    other = pending_path(final)
    other.write_bytes(b"another letter")
    with pytest.raises(OutputError, match="đã có một tệp khác mang tên này"):
        publish(other, final)
