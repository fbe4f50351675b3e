"""A disk that fills up while `congvan issue` writes: exit 1 with a clear message, no partial file, no number taken.

The full disk is simulated by patching the write of `congvan.files` (the file object's `write`, or `fsync`)
to fail with ENOSPC after a budget of bytes, as a real full file system does: some bytes land, then the error.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from congvan import files
from congvan.cli import cli
from congvan.errors import OutputError
from congvan.files import sha256_file
from congvan.register.store import Register
from tests.conftest import ROOT
from tests.test_register_support import UNITS, make_batch

DATE = "2026-11-23"


@pytest.fixture
def cli_workspace(tmp_path: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "congvan.toml", root / "congvan.toml")
    monkeypatch.setenv("CONGVAN_REGISTER_URL", register_url)
    return root


class _FillingFile:
    """A file object that accepts `budget[0]` more bytes, writes what fits, then fails with ENOSPC."""

    def __init__(self, real: Any, budget: list[int]) -> None:
        self._real = real
        self._budget = budget

    def write(self, data: bytes) -> int:
        room = self._budget[0]
        if len(data) > room:
            self._real.write(data[:room])
            self._real.flush()
            self._budget[0] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget[0] -= len(data)
        return self._real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    real_fdopen = os.fdopen
    left = [budget]
    monkeypatch.setattr(files.os, "fdopen", lambda fd, *a, **k: _FillingFile(real_fdopen(fd, *a, **k), left))


def _fail_fsync_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    real_fsync = os.fsync
    calls = [0]

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] == call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)


def _everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


@pytest.mark.parametrize("failure", ["write", "fsync"])
def test_full_disk_during_issue_leaves_no_partial_file_and_takes_no_number(
        cli_workspace: Path, register_url: str, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    output = cli_workspace / "output"
    batch = make_batch(output / "drafts", UNITS, workspace=cli_workspace)
    with Register(register_url):
        pass  # the register exists before the disk fills
    letter_size = len((batch / "template.docx").read_bytes())
    if failure == "write":
        _fill_disk_after(monkeypatch, int(letter_size * 2.5))  # two letters fit, the third is cut in the middle
    else:
        _fail_fsync_at(monkeypatch, 5)  # each letter fsyncs the file and its folder: fails on the third letter

    result = CliRunner().invoke(cli, ["issue", str(batch), "-w", str(cli_workspace), "--date", DATE])
    assert result.exit_code == 1, result.output
    assert "ổ đĩa đã đầy" in result.stderr and "Giải phóng dung lượng" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert _everything_under(output / "2026") == []  # no letter, no half-written temporary file
    with Register(register_url) as register:
        assert register.records() == []
        assert register.peek_next("SNV", 2026) == 1

    monkeypatch.undo()  # space freed
    monkeypatch.setenv("CONGVAN_REGISTER_URL", register_url)
    result = CliRunner().invoke(cli, ["issue", str(batch), "-w", str(cli_workspace), "--date", DATE])
    assert result.exit_code == 0, result.output + result.stderr
    with Register(register_url) as register:
        records = register.records()
        assert [r.number for r in records] == [1, 2, 3, 4, 5]
        assert all(sha256_file(output / r.file_path) == r.sha256 for r in records)
        report = register.verify(output)
        assert report.ok and report.unregistered == [] and report.checked == 5
    assert _everything_under(output / "2026") == sorted(r.file_path.split("/", 1)[1] for r in records)


def test_atomic_write_on_a_full_disk_keeps_the_old_file_whole(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old content")
    _fill_disk_after(monkeypatch, 10)
    with pytest.raises(OutputError, match="ổ đĩa đã đầy"):
        files.atomic_write(target, b"new content that does not fit")
    assert target.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_an_issued_document_is_never_overwritten(cli_workspace: Path, register_url: str) -> None:
    output = cli_workspace / "output"
    first = make_batch(output / "drafts", UNITS[:1], workspace=cli_workspace)
    assert CliRunner().invoke(cli, ["issue", str(first), "-w", str(cli_workspace), "--date", DATE]).exit_code == 0
    with Register(register_url) as register:
        (record,) = register.records()
    issued = output / record.file_path
    before = issued.read_bytes()
    with pytest.raises(OutputError, match="không được ghi đè"):
        files.atomic_write(issued, b"clobber", overwrite=False)
    assert issued.read_bytes() == before and sha256_file(issued) == record.sha256
