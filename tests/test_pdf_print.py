"""Print and PDF from a workspace: bookmarks by route, voided letters left out, keywords as phrases,
`pdf latest`, and the paths the commands print exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from congvan.cli import cli
from tests.conftest import require_tool

pytestmark = pytest.mark.soffice
KEYWORDS = "công văn; Nghị định 30/2020/NĐ-CP; Chỉ số hài lòng"  # the shipped template's, as phrases


@pytest.fixture(autouse=True)
def soffice() -> None:
    require_tool("soffice")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def printed_paths(output: str) -> list[Path]:
    return [Path(m) for m in re.findall(r"(?:tại|Tệp in gộp:) (/\S+)", output)]


def test_issued_bundle_bookmarks_number_and_unit_and_leaves_out_voided_letters(workspace: Path) -> None:
    ws = str(workspace)
    run("build", "-w", ws, "--unit", "Phường Nha Trang", "--unit", "Xã Cam Lâm", "--unit", "Xã Diên Khánh",
        "--issue", "--date", "2026-11-25")
    run("register", "void", "2", "-w", ws, "--ly-do", "gửi nhầm", "--year", "2026")
    year = workspace / "output" / "2026"
    target = workspace / "in.pdf"
    out = run("pdf", str(year), "-w", ws, "--bundle", str(target))

    outline = [item.title for item in PdfReader(target).outline]
    assert outline == ["01/SNV-CCHC — Phường Nha Trang", "03/SNV-CCHC — Xã Diên Khánh"]
    assert f"Bỏ qua văn bản đã thu hồi: {(year / '02-SNV-CCHC_xa-cam-lam.docx').resolve()}" in out
    assert not (year / "02-SNV-CCHC_xa-cam-lam.pdf").exists()
    assert ", 2 văn bản)" in out
    metadata = PdfReader(year / "01-SNV-CCHC_phuong-nha-trang.pdf").metadata
    assert metadata["/Keywords"] == KEYWORDS and metadata.subject == "01/SNV-CCHC"
    assert all(path.exists() for path in printed_paths(out))


def test_build_issue_bundle_uses_the_same_bookmarks(workspace: Path) -> None:
    out = run("build", "-w", str(workspace), "--unit", "Xã Cam Lâm", "--issue", "--date", "2026-11-25", "--bundle")
    (bundle,) = (workspace / "output" / "2026").glob("ban_in_*.pdf")
    assert [item.title for item in PdfReader(bundle).outline] == ["01/SNV-CCHC — Xã Cam Lâm"]
    assert all(path.exists() for path in printed_paths(out)), out


def test_build_bundle_prints_only_folders_that_exist(workspace: Path) -> None:
    out = run("build", "-w", str(workspace), "--unit", "Xã Cam Lâm", "--bundle")
    paths = printed_paths(out)
    assert paths and all(path.exists() for path in paths), out
    assert "Đã tạo 1 tệp PDF" not in out  # the single PDFs were only scratch for the bundle


def test_pdf_latest_converts_the_newest_batch_with_unit_bookmarks(workspace: Path, monkeypatch) -> None:
    run("build", "-w", str(workspace), "--unit", "Phường Nha Trang")
    run("build", "-w", str(workspace), "--unit", "Xã Cam Lâm", "--unit", "Xã Diên Khánh")
    monkeypatch.chdir(workspace)  # the workspace is the current folder: no -w needed
    out = run("pdf", "latest", "--bundle", "nhap.pdf")
    assert [item.title for item in PdfReader(workspace / "nhap.pdf").outline] == ["Xã Cam Lâm", "Xã Diên Khánh"]
    assert "2 văn bản" in out and all(path.exists() for path in printed_paths(out))
