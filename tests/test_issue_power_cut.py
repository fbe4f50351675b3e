"""A power cut at the register's commit: every letter the commit numbers must already be on stable storage.

`congvan issue` writes all letters first, then fsyncs each file and the folder once, then commits. The
simulation records which files were fsynced; at the commit it "cuts the power": every issued-letter file not
fsynced by then loses its content. The register must still verify: no number points at a lost file.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from congvan import files
from congvan.batch.issue import issue_batch
from congvan.errors import OutputError
from congvan.register.store import Register
from tests.test_register_support import UNITS, make_batch

DAY = dt.date(2026, 11, 23)


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name an fd's file")


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch, synced: set[Path], fail: bool = False) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if fail and path.parent.name == "2026":  # a letter, not the template copy
            raise OSError(5, "Input/output error")
        real_fsync(fd)
        synced.add(path)

    monkeypatch.setattr(files.os, "fsync", fsync)


def test_a_power_cut_at_the_commit_loses_no_numbered_letter(tmp_path: Path, register_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS)
    synced: set[Path] = set()
    cut: list[Path] = []
    _record_fsyncs(monkeypatch, synced)

    def power_cut(_conn: object) -> None:  # what the disk keeps of the letters when the commit reaches it
        year_dir = output / "2026"
        for path in year_dir.iterdir() if year_dir.is_dir() else []:
            if path.is_file() and path not in synced:
                path.write_bytes(b"")
                cut.append(path)
        assert year_dir in synced or not cut  # the folder entries too

    sa.event.listen(sa.engine.Engine, "commit", power_cut)
    try:
        result = issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    finally:
        sa.event.remove(sa.engine.Engine, "commit", power_cut)
    assert len(result.new) == len(UNITS) and cut == []
    with Register(register_url) as register:
        report = register.verify(output)
        assert report.ok and report.checked == len(UNITS)


def test_a_letter_that_cannot_be_synced_takes_no_number(tmp_path: Path, register_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS[:2])
    with Register(register_url):
        pass
    _record_fsyncs(monkeypatch, set(), fail=True)
    with pytest.raises(OutputError, match="không ghi được tệp"):
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    monkeypatch.undo()
    with Register(register_url) as register:
        assert register.records() == [] and register.peek_next("SNV", 2026) == 1
    assert not any((output / "2026").glob("*.docx*")) if (output / "2026").is_dir() else True
