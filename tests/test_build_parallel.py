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
