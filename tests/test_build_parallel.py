"""Builds in worker processes: same files, same bytes, same order as in one process; errors leave nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from congvan.batch.build import PARALLEL_FROM, worker_count
from congvan.cli import cli


def build(workspace: Path, out: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), "--out", str(out), *args])


def batch(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    return folder


def test_two_workers_write_the_same_batch_as_one(workspace, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert build(workspace, one, "--workers", "1").exit_code == 0
    result = build(workspace, two, "--workers", "2")
    assert result.exit_code == 0, result.output
    first, second = batch(one), batch(two)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name.endswith((".docx", ".jsonl")) and not name.startswith("manifest"):
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    letters_one = json.loads((first / "manifest.json").read_text(encoding="utf-8"))["letters"]
    letters_two = json.loads((second / "manifest.json").read_text(encoding="utf-8"))["letters"]
    assert letters_one == letters_two
    assert [entry["index"] for entry in letters_two] == [1, 2, 3, 4, 5]


def test_an_error_in_a_worker_leaves_no_batch(workspace, tmp_path):
    lists = workspace / "recipients" / "danh_sach.toml"
    text = lists.read_text(encoding="utf-8")
    # fills for the wards and the "đặc khu", which sort first, but fails for the communes: in a worker
    lists.write_text(text.replace('tram-y-te = ["Trạm y tế {{ don_vi }}"]',
                                  'tram-y-te = ["Trạm y tế {{ don_vi }}"]\n'
                                  'loi = ["{{ {\'đặc khu\': 1, \'phường\': 2}[don_vi.loai] }}"]'), encoding="utf-8")
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('noi_nhan = "chi-dao"', 'noi_nhan = "loi"'),
                      encoding="utf-8")
    out = tmp_path / "out"
    result = build(workspace, out, "--workers", "2")
    assert result.exit_code == 1
    assert "thư gửi 'Xã Cam Lâm'" in result.output and "danh_sach.toml, dòng 36" in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_worker_count():
    assert worker_count(PARALLEL_FROM - 1) == 1
    assert worker_count(10, requested=3) == 3
    assert worker_count(PARALLEL_FROM) >= 1


def _plan(workspace: Path):
    from congvan.batch.build import BuildOptions, plan
    from congvan.batch.workflows import load_workspace

    return plan(load_workspace(workspace), BuildOptions())


def test_large_results_are_read_in_a_forked_process_giving_the_same_plan(workspace, tmp_path, monkeypatch):
    """From READ_APART_FROM bytes of results the read runs in a forked process (its scattered memory goes with
    it); the plan is the same: letters, stems, assessments, warnings, sources."""
    import os

    from congvan.batch import build as build_module

    here = _plan(workspace)
    pids = tmp_path / "pids"
    read = build_module._read_and_assess

    def noted(*args, **kwargs):
        with open(pids, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return read(*args, **kwargs)

    monkeypatch.setattr(build_module, "_read_and_assess", noted)
    monkeypatch.setattr(build_module, "READ_APART_FROM", 0)
    monkeypatch.setattr(build_module, "can_fork", lambda: True)  # whatever threads other tests left running
    apart = _plan(workspace)
    assert [int(p) for p in pids.read_text(encoding="utf-8").split()] not in ([], [os.getpid()])
    assert [(x.index, x.unit, x.stem, x.assessment) for x in apart.letters] == [
        (x.index, x.unit, x.stem, x.assessment) for x in here.letters]
    assert apart.warnings == here.warnings and apart.sources == here.sources and apart.inputs == here.inputs


def test_an_error_in_the_forked_read_reaches_the_user_unchanged(workspace, monkeypatch):
    """A bad cell found by the forked read is the same error, naming the same file, sheet, row and column."""
    import pytest

    from congvan.batch import build as build_module
    from congvan.errors import DataError
    from tests.conftest import standard_sheets, write_workbook

    sheets = standard_sheets()
    sheets["UBND cấp xã"][5][3] = "khá"
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", sheets, formats={"Trạm y tế": "0.00%"})
    errors = []
    monkeypatch.setattr(build_module, "can_fork", lambda: True)
    for size in (10**12, 0):
        monkeypatch.setattr(build_module, "READ_APART_FROM", size)
        with pytest.raises(DataError) as info:
            _plan(workspace)
        errors.append((type(info.value), str(info.value), info.value.location))
    assert errors[0] == errors[1]
    assert "sheet 'UBND cấp xã'" in errors[1][1] and "dòng 6" in errors[1][1] and "'khá'" in errors[1][1]
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert result.exit_code == 1 and result.output.count("dòng 6") == 1 and "Traceback" not in result.output


def test_the_summaries_process_has_the_report_charts_drawn_apart(workspace, tmp_path):
    """In a parallel build the summaries' process sends the report's charts to a process forked before pandas is
    loaded (pandas and matplotlib together would make it the largest): it never loads matplotlib, and the report
    is the one it would make drawing them itself."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from pathlib import Path; from congvan.batch import build; "
            "from congvan.batch.workflows import load_workspace; "
            f"ws = load_workspace(Path({str(workspace)!r})); planned = build.plan(ws, build.BuildOptions()); "
            "assert 'matplotlib' not in sys.modules; "
            f"apart, here = Path({str(tmp_path / 'apart')!r}), Path({str(tmp_path / 'here')!r}); "
            "apart.mkdir(); here.mkdir(); "
            "build._write_summaries(ws, planned, apart, 'b', charts_apart=True); "
            "print('matplotlib' in sys.modules); "
            "build._write_summaries(ws, planned, here, 'b'); print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert (tmp_path / "apart" / "tong_hop.docx").read_bytes() == (tmp_path / "here" / "tong_hop.docx").read_bytes()
