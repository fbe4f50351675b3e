"""Workflows in the library (congvan.batch.workflows, register_flows), the draft-batch format's one owner
(congvan.batch.drafts), the one clock, exit codes declared on the errors, and a CLI that starts light."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan import clock, errors
from congvan.batch import drafts
from congvan.batch.register_flows import ReserveRequest, reserve
from congvan.batch.workflows import LETTERS, BuildRequest, build_letters
from congvan.cli import cli
from congvan.files import sha256_file
from tests.conftest import ROOT, UNITS
from tests.test_pdf import fake_soffice

HEAVY = ("pandas", "openpyxl", "docxtpl", "sqlalchemy", "lxml", "pypdf", "pydantic", "litestar", "huey", "numpy",
         "matplotlib", "jinja2")


# -- clock --


def test_clock_is_vietnam_time_whatever_the_machine_zone() -> None:
    code = ("import datetime as dt; from congvan import clock; now = clock.now(); "
            "utc = dt.datetime.now(dt.timezone.utc); "
            "print(now.utcoffset().total_seconds(), clock.today() == (utc + dt.timedelta(hours=7)).date())")
    for zone in ("Etc/GMT+12", "Pacific/Kiritimati", "UTC"):
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TZ": zone}, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        assert out == ["25200.0", "True"], (zone, out)


def test_clock_falls_back_to_fixed_utc7_without_a_tz_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise zoneinfo.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(clock, "ZoneInfo", missing)
    zone = clock.vietnam_tz()
    assert zone is clock.FIXED_UTC7
    assert zone.utcoffset(dt.datetime(2026, 7, 1)) == dt.timedelta(hours=7)


def test_a_draft_batch_is_stamped_in_vietnam_time(workspace: Path) -> None:
    result = build_letters(BuildRequest(workspace=workspace, units=("Xã Cam Lâm",)))
    manifest = json.loads((result.report.folder / drafts.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["created"].endswith("+07:00")
    assert manifest["batch"].startswith(dt.datetime.fromisoformat(manifest["created"]).strftime("%Y%m%d-%H%M%S"))


# -- the draft-batch format --


def test_built_batch_reads_back_in_manifest_order_with_checked_contexts(workspace: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    result = build_letters(BuildRequest(workspace=workspace),
                           progress=lambda stage, done, total: steps.append((stage, done, total)))
    assert steps[0] == (LETTERS, 0, len(UNITS))  # announced before any letter is made
    assert sum(done for _stage, done, _total in steps) == len(UNITS)
    batch = drafts.load_batch(result.report.folder)
    assert [letter.unit for letter in batch.letters] == [letter.unit for letter in result.report.letters]
    assert batch.template_sha256 == sha256_file(drafts.template_path(batch.folder)) == result.report.template_sha256
    assert all((batch.folder / letter.file).is_file() for letter in batch.letters)
    assert {letter.context_path.name for letter in batch.letters} == {drafts.CONTEXTS}  # one file, a line each
    assert not list(batch.folder.glob(".*"))  # the build's spool of manifest entries is not left behind
    assert batch.letters[0].context["ky_hieu"] == batch.symbol == "SNV-CCHC"
    assert list(drafts.letter_titles(batch.folder).values()) == [letter.unit for letter in batch.letters]
    batch.letters[1].context_path.write_text("{}", encoding="utf-8")
    with pytest.raises(errors.RegisterError, match="dữ liệu bản nháp đã thay đổi"):
        batch.letters[1].context  # noqa: B018


def test_a_failed_batch_leaves_no_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), drafts.writing_batch(tmp_path, "20261122-093012-a1b2c3") as partial:
        (partial / "01_x.docx").write_bytes(b"x")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_only_the_drafts_module_names_the_batch_files() -> None:
    package = ROOT / "congvan"
    for name in ('"manifest.json"', '"manifest.csv"', '"template.docx"', '.partial"'):
        users = sorted(str(p.relative_to(package)) for p in package.rglob("*.py") if name in p.read_text("utf-8"))
        # pdf/convert.py skips any template.docx in a folder it converts: it sits below batch/ and cannot import it
        allowed = ["batch/drafts.py"] + (["pdf/convert.py"] if name == '"template.docx"' else [])
        assert users == allowed, (name, users)


# -- register workflows --


def test_reserve_strips_v_v_from_a_cong_van_and_picks_the_signer(workspace: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONGVAN_REGISTER_URL", f"sqlite:///{workspace / 'so.db'}")
    letter = reserve(ReserveRequest(workspace, subject="  V/v báo cáo công tác CCHC quý IV")).record
    assert letter.subject == "báo cáo công tác CCHC quý IV" and letter.signer_name == "Nguyễn Thị Minh Hằng"
    decision = reserve(ReserveRequest(workspace, subject="V/v kiện toàn Tổ CCHC", type_name="quyết định",
                                      signer_name=" Lê Văn An ")).record
    assert decision.subject == "V/v kiện toàn Tổ CCHC" and decision.type_name == "Quyết định"
    assert (decision.signer_name, decision.signer_position) == ("Lê Văn An", "")
    with pytest.raises(errors.RegisterError, match="trích yếu không được để trống"):
        reserve(ReserveRequest(workspace, subject="V/v "))


# -- exit codes --


def test_every_error_class_declares_an_exit_code() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.CongvanError)]
    codes = {c.__name__: c.exit_code for c in classes}
    assert set(codes.values()) == {1, 2, 3}
    assert codes["DataError"] == codes["RegisterError"] == codes["TemplateError"] == codes["OutputError"] == 1
    assert codes["LayoutFileError"] == codes["DataFileUnreadable"] == codes["ConfigFileUnreadable"] == 2
    assert codes["PdfToolMissing"] == codes["DatabaseUnavailable"] == 3
    assert issubclass(errors.PdfToolMissing, errors.PdfError)  # callers catching PdfError still catch it


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_exit_1_when_input_is_refused(workspace: Path) -> None:
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("chi_tieu = 83", "chi_tieu = 830"), encoding="utf-8")
    result = invoke("build", "-w", str(workspace))
    assert result.exit_code == 1 and "Lỗi:" in result.output and "chi_tieu" in result.output


def test_exit_2_when_a_file_cannot_be_read(workspace: Path, tmp_path: Path) -> None:
    result = invoke("build", "-w", str(workspace), "--data", str(workspace / "data" / "khong_co.xlsx"))
    assert result.exit_code == 2 and "khong_co.xlsx: không tìm thấy tệp kết quả" in result.output
    result = invoke("build", "-w", str(tmp_path / "khong_phai_thu_muc_lam_viec"))
    assert result.exit_code == 2 and "không tìm thấy tệp cấu hình" in result.output
    result = invoke("build", "-w", str(workspace), "--template", str(tmp_path / "mau.docx"))
    assert result.exit_code == 2 and "mau.docx: không tìm thấy mẫu .docx" in result.output
    assert not (workspace / "output" / "drafts").exists()


def test_exit_3_when_libreoffice_is_missing_and_nothing_is_written(workspace: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = invoke("build", "-w", str(workspace), "--issue", "--pdf")
    assert result.exit_code == 3 and "không tìm thấy LibreOffice" in result.output
    assert not (workspace / "output").exists()  # checked before drafting or taking a number
    letter = tmp_path / "a.docx"
    letter.write_bytes(b"PK")
    assert invoke("pdf", str(letter)).exit_code == 3


def test_a_pdf_failure_after_issuing_still_reports_the_numbers(workspace: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", "truncated")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = invoke("build", "-w", str(workspace), "--issue", "--date", "2026-04-02", "--pdf")
    assert result.exit_code == 1
    assert f"Đã tạo {len(UNITS)} văn bản nháp" in result.stdout and "01/SNV-CCHC\tcấp số" in result.stdout
    assert "Lỗi:" in result.stderr and "PDF" in result.stderr
    assert len(list((workspace / "output" / "2026").glob("*.docx"))) == len(UNITS)


def test_exit_3_when_the_register_database_is_unreachable(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONGVAN_REGISTER_URL", "postgresql://congvan@127.0.0.1:1/khong_co")
    result = invoke("register", "list", "-w", str(workspace))
    assert result.exit_code == 3 and "không mở được sổ văn bản đi" in result.output


def test_commands_with_findings_exit_1_and_print_the_summary(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONGVAN_REGISTER_URL", f"sqlite:///{workspace / 'so.db'}")
    assert invoke("build", "-w", str(workspace), "--issue", "--date", "2026-04-02").exit_code == 0
    assert invoke("register", "verify", "-w", str(workspace)).exit_code == 0
    (issued,) = (workspace / "output" / "2026").glob("01-*.docx")
    issued.write_bytes(issued.read_bytes() + b"\0")
    result = invoke("register", "verify", "-w", str(workspace))
    assert result.exit_code == 1 and "BỊ SỬA\t01/SNV-CCHC" in result.stdout and "1 tệp bị sửa" in result.stderr


# -- a thin, fast CLI --


def test_cli_help_imports_no_heavy_library() -> None:
    code = ("import sys; from click.testing import CliRunner; import congvan.cli; "
            "runs = [CliRunner().invoke(congvan.cli.cli, args) for args in "
            "(['--help'], ['build', '--help'], ['register', 'export', '--help'], ['pdf', '--help'], "
            "['web', '--help'])]; "
            "assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout


def test_cli_holds_no_domain_rule_and_writes_no_file() -> None:
    for path in (ROOT / "congvan" / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("sys.exit", "atomic_write", "write_bytes", "write_text", "open(", "shutil",
                          "load_workspace(", "Register(", "re.sub", "nfc("):
            assert forbidden not in text, (path.name, forbidden)


def test_a_plain_build_loads_neither_the_register_driver_nor_pypdf(workspace: Path) -> None:
    """`congvan build` without --issue/--pdf, and every worker it forks, carries no SQLAlchemy and no pypdf."""
    code = ("import sys; from pathlib import Path; from congvan.batch.workflows import BuildRequest, build_letters; "
            f"result = build_letters(BuildRequest(Path({str(workspace)!r}))); "
            "from congvan.batch.drafts import letter_path; letters = result.report.letters; "
            "assert letters and all(letter_path(result.report.folder, x.stem).is_file() for x in letters); "
            "print(' '.join(m for m in ('sqlalchemy', 'pypdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout
