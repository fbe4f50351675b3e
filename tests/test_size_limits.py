"""Oversized inputs are refused before any parsing (issue 13, item 7): each in < 2 s and < 200 MB.

A child process reads the file and reports its own peak RSS (resource.getrusage) and the time the read
took, so that what openpyxl or the template reader would allocate is measured, not the test runner's memory.
The cases are those of scripts/make_bad_inputs.py (their exact messages are in tests/test_bad_inputs.py),
and two templates: a 2 GiB word/media part (9 MB on disk) and a 1 GiB comment in word/document.xml.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_bad_inputs import gen

SECONDS = 2.0
MEGABYTES = 200

READ_RESULTS = """
import json, resource, sys, time
from pathlib import Path
from congvan.errors import CongvanError
from congvan.sources.catalog import load_catalog
from congvan.sources.results import load_results
catalog = load_catalog(Path(sys.argv[2]))
start = time.perf_counter()
try:
    load_results([Path(sys.argv[1])], catalog)
    message = None
except CongvanError as err:
    message = str(err)
print(json.dumps({"seconds": time.perf_counter() - start, "message": message,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BUILD = """
import json, resource, sys, time
from click.testing import CliRunner
from congvan.cli import cli
import congvan.batch.workflows, congvan.cli.build  # the imports the command loads lazily are not the refusal's time
start = time.perf_counter()
result = CliRunner().invoke(cli, ["build", "-w", sys.argv[1], "--template", sys.argv[2]])
print(json.dumps({"seconds": time.perf_counter() - start, "message": result.output, "exit": result.exit_code,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(script: str, *args: str) -> dict:
    """Run `script` in a child Python and return what it reports (seconds, peak_mb, message...).

    Linux starts a forked process's peak RSS at its parent's (the copied address space counts until exec,
    and exec keeps that peak), so a child of a big pytest would report pytest's size. The child is
    therefore started by a small shell that forks it, not by pytest itself.
    """
    done = subprocess.run(["/bin/sh", "-c", 'code="$1"; shift; "$0" -c "$code" "$@"; exit $?', sys.executable,
                           script, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("case", ["styled_cell_at_the_last_row", "rows_beyond_the_declared_dimension",
                                  "columns_beyond_the_limit", "sheet_xml_with_a_1_gib_comment", "zip_bomb_media"])
def test_an_oversized_workbook_is_refused_fast_and_small(tmp_path: Path, case: str) -> None:
    path = gen.make(case, tmp_path)
    report = measure(READ_RESULTS, str(path), str(ROOT / "data" / "tieu_chi.toml"))
    assert report["message"] and report["message"].startswith(str(path))
    assert report["seconds"] < SECONDS, report
    assert report["peak_mb"] < MEGABYTES, report


def test_the_1_gib_comment_is_real(tmp_path: Path) -> None:
    path = gen.make("sheet_xml_with_a_1_gib_comment", tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 30
    assert path.stat().st_size < 2 << 20


def bloated_template(folder: Path, part: str, size: int, comment: bool) -> Path:
    """The shipped template with `part` grown to `size` bytes (zeros, or a comment inside document.xml)."""
    source = ROOT / "templates_docx" / "cong_van_chi_dao.docx"
    path = folder / "bloated.docx"
    block = (b" " if comment else b"\0") * (1 << 22)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=1) as archive:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == part:
                continue
            archive.writestr(item, data)
        with archive.open(part, "w", force_zip64=True) as member:
            if comment:
                head, tail = original.read(part).split(b"<w:body>", 1)
                member.write(head + b"<!--")
            for _ in range(size // len(block)):
                member.write(block)
            if comment:
                member.write(b"--><w:body>" + tail)
    return path


@pytest.mark.parametrize("part, size, comment", [("word/media/image9.png", 2 << 30, False),
                                                 ("word/document.xml", 1 << 30, True)])
def test_an_oversized_template_is_refused_before_any_letter(workspace: Path, tmp_path: Path, part: str, size: int,
                                                            comment: bool) -> None:
    template = bloated_template(tmp_path, part, size, comment)
    report = measure(BUILD, str(workspace), str(template))
    assert report["exit"] == 1
    refused = f"Lỗi: {template}: mẫu .docx quá lớn, không dùng được: phần '{part}' trong tệp giải nén ra "
    assert refused in report["message"]
    assert report["seconds"] < SECONDS, report
    assert report["peak_mb"] < MEGABYTES, report
    assert not (workspace / "output").exists() or not list((workspace / "output").rglob("*.docx"))


def test_a_workbook_within_the_limits_is_still_read(workspace: Path, tmp_path: Path) -> None:
    shutil.copyfile(workspace / "data" / "ket_qua_2025.xlsx", tmp_path / "ket_qua.xlsx")
    report = measure(READ_RESULTS, str(tmp_path / "ket_qua.xlsx"), str(ROOT / "data" / "tieu_chi.toml"))
    assert report["message"] is None


def test_the_measure_sees_what_the_child_allocates() -> None:
    """The peak is the child's own: 300 MB touched there shows, pytest's size does not."""
    big = measure("import json, resource; b = bytearray(300 << 20); b[::4096] = b'1' * len(b[::4096]); "
                  "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    small = measure("import json, resource; "
                    "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    assert big["peak_mb"] > 300 > 50 > small["peak_mb"]
