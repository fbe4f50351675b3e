"""Load: 5,000 letters built and issued in one batch under 400 MB with no file handle leak; 8 concurrent
`congvan issue` processes x 200 letters on one register (SQLite and PostgreSQL) give 1,600 distinct
consecutive numbers and 1,600 files whose SHA-256 match the register."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.render import make_workspace as bench_workspace
from congvan.batch.build import BuildOptions, build, plan
from congvan.batch.issue import issue_batch
from congvan.config import load_workspace
from congvan.files import sha256_file
from congvan.register.store import Register
from tests.conftest import ROOT
from tests.test_register_support import make_batch, make_template

DATE = "2026-11-23"
PEAK_RSS_LIMIT_MB = 400


def make_workspace(folder: Path, units: int) -> Path:
    """The sample workspace with a results workbook of `units` synthetic units, made as the benchmark makes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return bench_workspace(folder, units)


# Runs a command and prints the peak RSS (KiB on Linux) of its largest process, children included.
_MEASURE = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


@pytest.mark.slow
def test_5000_letters_build_and_issue_in_one_batch_under_400_mb(tmp_path: Path) -> None:
    units = 5000
    workspace = make_workspace(tmp_path / "ws", units)
    env = {**os.environ, "CONGVAN_REGISTER_URL": f"sqlite:///{tmp_path / 'so.sqlite'}"}
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "congvan", "build", "-w",
                           str(workspace), "--issue", "--date", DATE], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    print(f"5000 letters: peak RSS {peak_mb:.0f} MB")

    output = workspace / "output"
    with Register(env["CONGVAN_REGISTER_URL"]) as register:
        records = register.records()
        assert [r.number for r in records] == list(range(1, units + 1))
        assert len({r.unit for r in records}) == units
        report = register.verify(output)
        assert report.ok and report.checked == units and report.unregistered == []
    assert len(list((output / "2026").glob("*.docx"))) == units


def _open_fds() -> list[str]:
    return sorted(os.listdir("/proc/self/fd"))


def test_build_and_issue_leak_no_file_handle(tmp_path: Path) -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc")
    workspace = make_workspace(tmp_path / "ws", 250)  # from 200 letters the build renders in several processes
    ws = load_workspace(workspace)
    url = f"sqlite:///{tmp_path / 'so.sqlite'}"
    for round_ in range(2):  # the second round proves nothing accumulates from one batch to the next
        before = _open_fds()
        options = BuildOptions(workers=2)
        report = build(ws, options, planned=plan(ws, options))
        # the second round numbers the same letters again: a deliberate re-issue (the duplicate check runs too)
        result = issue_batch(report.folder, register=url, output_dir=ws.archive_dir, issued_on=None, reissue=True)
        assert len(result.new) == 250 and result.new[0].number == 1 + 250 * round_
        assert _open_fds() == before


# -- 8 concurrent `congvan issue` processes x 200 letters --

PROCESSES = 8
LETTERS_EACH = 200


@pytest.mark.slow
def test_8_concurrent_issue_processes_give_1600_consecutive_numbers(tmp_path: Path, register_url: str) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    shutil.copyfile(ROOT / "congvan.toml", workspace / "congvan.toml")
    output = workspace / "output"
    with Register(register_url):
        pass  # the schema exists before the race, as in an office
    template = make_template(tmp_path / "template.docx")
    batches = [make_batch(output / "drafts", [f"Phường Số {p}-{i:03d}" for i in range(LETTERS_EACH)],
                          template=template, workspace=workspace) for p in range(PROCESSES)]
    env = {**os.environ, "CONGVAN_REGISTER_URL": register_url}
    children = [subprocess.Popen([sys.executable, "-m", "congvan", "issue", str(batch), "-w", str(workspace),
                                  "--date", DATE], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for batch in batches]
    outcomes = [child.communicate(timeout=600) for child in children]
    for child, (_, stderr) in zip(children, outcomes, strict=True):
        assert child.returncode == 0, stderr[-3000:]

    total = PROCESSES * LETTERS_EACH
    with Register(register_url) as register:
        records = register.records()
        assert sorted(r.number for r in records) == list(range(1, total + 1))
        by_batch: dict[str, list[int]] = {}
        for record in records:
            by_batch.setdefault(record.batch_id, []).append(record.number)
        assert sorted(by_batch) == sorted(json.loads((b / "manifest.json").read_text())["batch"] for b in batches)
        for numbers in by_batch.values():  # each process took one block of consecutive numbers
            numbers.sort()
            assert len(numbers) == LETTERS_EACH and numbers == list(range(numbers[0], numbers[0] + LETTERS_EACH))
        for record in records:
            assert sha256_file(output / record.file_path) == record.sha256
        report = register.verify(output)
        assert report.ok and report.checked == total and report.unregistered == []
    assert len(list((output / "2026").glob("*.docx"))) == total
    printed = sum(out.count("\tcấp số\t") for out, _ in outcomes)
    assert printed == total
