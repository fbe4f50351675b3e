"""PDF output (congvan.pdf.convert, `congvan pdf`): real LibreOffice runs on letters rendered from the shipped
template, and fake `soffice` scripts for timeouts, silent failures, truncated output and the CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import congvan.cli.pdf  # noqa: F401  (registers `congvan pdf` on the group)
from congvan.cli.main import cli
from congvan.errors import OutputError, PdfError
from congvan.pdf.convert import collect_docx, convert_to_pdf, find_soffice
from congvan.render.template import LetterTemplate
from tests.conftest import ROOT, require_tool

TEMPLATE = ROOT / "templates_docx" / "cong_van_chi_dao.docx"
CONTEXT = ROOT / "tests" / "fixtures" / "context_sample.json"
UNITS = ["Cam Ranh", "Tân Lập", "A & B <C>"]


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new).replace(old.capitalize(), new.capitalize())
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    return value


def render_letters(folder: Path, units: list[str]) -> list[Path]:
    """Render one letter per unit from the real template, the sample context renamed to that unit."""
    template = LetterTemplate(TEMPLATE)
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, unit in enumerate(units, start=1):
        path = folder / f"{i:02d}-SNV-CCHC_don-vi-{i}.docx"
        path.write_bytes(template.render(_replace(context, "phường Nha Trang", f"phường {unit}")))
        paths.append(path)
    return paths


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", out.decode("utf-8")).split())


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def embedded_fonts(path: Path) -> list[str]:
    """Return the names of the fonts `pdffonts` lists as embedded."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object-id gen: "emb" is the 5th field from the end
        if len(parts) >= 6 and parts[-5] == "yes":
            fonts.append(parts[0])
    return fonts


def require_poppler() -> None:
    for tool in ("soffice", "pdftotext", "pdfinfo", "pdffonts"):
        require_tool(tool)


# ---- fake soffice scripts ----

FAKE = """#!{python}
import json, os, sys, time
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
inputs = [a for a in args if a.endswith(".docx")]
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
start = time.time()
mode = {mode!r}
if mode == "ok":
    time.sleep(0.2)
    for name in inputs:
        stem = os.path.splitext(os.path.basename(name))[0]
        with open(os.path.join(out, stem + ".pdf"), "wb") as f:
            f.write(b"%PDF-1.4\\n% fake " + open(name, "rb").read()[:0] + b"\\n%%EOF\\n")
elif mode == "truncated":
    for name in inputs:
        stem = os.path.splitext(os.path.basename(name))[0]
        with open(os.path.join(out, stem + ".pdf"), "wb") as f:
            f.write(b"%PDF-1.4\\n1 0 obj << /Type /Catalog")
print("fake soffice: stderr line", file=sys.stderr)
with open({log!r}, "a") as f:
    f.write(json.dumps({{"profile": profile, "start": start, "end": time.time(), "n": len(inputs)}}) + "\\n")
"""


def fake_soffice(folder: Path, mode: str) -> Path:
    """Write an executable fake `soffice` in `folder`; it logs each call to folder/calls.jsonl."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text(FAKE.format(python=sys.executable, mode=mode, log=str(folder / "calls.jsonl")), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def fake_calls(folder: Path) -> list[dict[str, Any]]:
    log = folder / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def minimal_docx(path: Path) -> Path:
    """A zip with word/document.xml: enough for the pre-check (the fake soffice never parses it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


# ---- real LibreOffice ----

@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The three sample letters converted once with workers=2, chunk_size=2, temporary files in a private TMPDIR."""
    require_poppler()
    root = tmp_path_factory.mktemp("pdf")
    letters = render_letters(root / "issued", UNITS)
    steps: list[int] = []
    tmpdir = root / "tmp"
    tmpdir.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(tmpdir))
        pdfs = convert_to_pdf(letters, root / "pdf", workers=2, chunk_size=2, progress=steps.append)
    return {"letters": letters, "pdfs": pdfs, "steps": steps, "tmpdir": tmpdir, "out": root / "pdf"}


@pytest.mark.soffice
def test_every_letter_becomes_a_pdf_with_its_own_text(converted):
    assert [p.name for p in converted["pdfs"]] == [p.stem + ".pdf" for p in converted["letters"]]
    assert sorted(converted["out"].iterdir()) == sorted(converted["pdfs"])  # nothing else left there
    assert sum(converted["steps"]) == 3 and len(converted["steps"]) == 2  # two chunks: 2 + 1
    for unit, pdf in zip(UNITS, converted["pdfs"], strict=True):
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert pdf_pages(pdf) >= 1
        text = pdf_text(pdf)
        assert f"Ủy ban nhân dân phường {unit}" in text
        assert "Số:" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nơi nhận" in text
        others = [u for u in UNITS if u != unit]
        assert not any(f"phường {u}" in text for u in others)


@pytest.mark.soffice
def test_pdf_embeds_a_serif_font(converted):
    fonts = embedded_fonts(converted["pdfs"][0])
    assert any("Serif" in name or "Times" in name for name in fonts), fonts


@pytest.mark.soffice
def test_private_profiles_and_temporary_folders_are_deleted(converted):
    assert list(converted["tmpdir"].iterdir()) == []


@pytest.mark.soffice
def test_corrupt_docx_is_named_and_gets_no_pdf(tmp_path):
    require_poppler()
    good = render_letters(tmp_path / "in", ["Cam Ranh"])[0]
    not_zip = tmp_path / "in" / "hong.docx"
    not_zip.write_bytes(b"not a docx " * 50)
    broken_xml = tmp_path / "in" / "hong_xml.docx"
    with zipfile.ZipFile(broken_xml, "w") as archive:  # passes the zip check, so soffice itself must fail
        archive.writestr("[Content_Types].xml", "<broken")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    out = tmp_path / "pdf"
    with pytest.raises(PdfError) as info:
        convert_to_pdf([good, not_zip, broken_xml], out, workers=2, chunk_size=2)
    err = info.value
    assert set(err.failed) == {not_zip, broken_xml}
    assert str(not_zip) in str(err) and str(broken_xml) in str(err)
    assert err.converted == [out / (good.stem + ".pdf")]
    assert sorted(p.name for p in out.iterdir()) == [good.stem + ".pdf"]
    assert "Cam Ranh" in pdf_text(out / (good.stem + ".pdf"))


# ---- fake soffice: failures are detected and reported ----

def test_hung_soffice_is_killed_with_its_children_and_reported(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    child_pid = tmp_path / "child.pid"
    script = bindir / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\necho 'hung' >&2\nwait\n", encoding="utf-8")
    script.chmod(0o755)
    letter = minimal_docx(tmp_path / "in" / "thu.docx")
    with pytest.raises(PdfError) as info:
        convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), timeout_per_file=0.5)
    assert info.value.failed.keys() == {letter}
    assert "quá" in info.value.failed[letter] and "dừng" in info.value.failed[letter]
    assert "hung" in str(info.value)  # the tail of soffice's stderr
    assert not (tmp_path / "pdf" / "thu.pdf").exists()
    pid = int(child_pid.read_text())
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in {"gone", "Z"}, f"the hung soffice's child {pid} is still running ({state})"


def test_soffice_exiting_0_without_output_is_reported(tmp_path):
    script = fake_soffice(tmp_path / "bin", "nothing")
    letters = [minimal_docx(tmp_path / "in" / f"{n}.docx") for n in ("a", "b")]
    with pytest.raises(PdfError) as info:
        convert_to_pdf(letters, tmp_path / "pdf", soffice=str(script))
    assert set(info.value.failed) == set(letters)
    assert all("không tạo ra" in reason for reason in info.value.failed.values())
    assert "fake soffice: stderr line" in str(info.value)
    assert not (tmp_path / "pdf").exists() or list((tmp_path / "pdf").iterdir()) == []


def test_truncated_pdf_is_rejected_and_never_put_in_place(tmp_path):
    script = fake_soffice(tmp_path / "bin", "truncated")
    letter = minimal_docx(tmp_path / "in" / "a.docx")
    with pytest.raises(PdfError, match="cắt cụt"):
        convert_to_pdf([letter], tmp_path / "in", soffice=str(script))
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["a.docx"]


def test_concurrent_calls_never_share_a_profile(tmp_path):
    script = fake_soffice(tmp_path / "bin", "ok")
    letters = [minimal_docx(tmp_path / "in" / f"{i}.docx") for i in range(7)]
    pdfs = convert_to_pdf(letters, tmp_path / "pdf", soffice=str(script), workers=2, chunk_size=2)
    assert [p.name for p in pdfs] == [f"{i}.pdf" for i in range(7)]
    calls = fake_calls(tmp_path / "bin")
    assert sorted(c["n"] for c in calls) == [1, 2, 2, 2]
    for i, a in enumerate(calls):
        for b in calls[i + 1:]:
            if a["start"] < b["end"] and b["start"] < a["end"]:
                assert a["profile"] != b["profile"]


def test_small_batches_are_split_across_workers(tmp_path):
    script = fake_soffice(tmp_path / "bin", "ok")
    letters = [minimal_docx(tmp_path / "in" / f"{i}.docx") for i in range(5)]
    convert_to_pdf(letters, tmp_path / "pdf", soffice=str(script), workers=2)  # chunk_size 150 by default
    assert sorted(c["n"] for c in fake_calls(tmp_path / "bin")) == [2, 3]


def test_chunks_come_in_a_multiple_of_the_workers_so_no_core_idles_at_the_end(tmp_path):
    script = fake_soffice(tmp_path / "bin", "ok")
    letters = [minimal_docx(tmp_path / "in" / f"{i}.docx") for i in range(12)]
    convert_to_pdf(letters, tmp_path / "pdf", soffice=str(script), workers=2, chunk_size=5)
    assert sorted(c["n"] for c in fake_calls(tmp_path / "bin")) == [3, 3, 3, 3]  # not 5, 5, 2


def test_same_names_in_different_folders_go_beside_their_own_docx(tmp_path):
    script = fake_soffice(tmp_path / "bin", "ok")
    letters = [minimal_docx(tmp_path / d / "thu.docx") for d in ("a", "b")]
    pdfs = convert_to_pdf(letters, soffice=str(script), workers=1)
    assert pdfs == [tmp_path / "a" / "thu.pdf", tmp_path / "b" / "thu.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    with pytest.raises(OutputError, match="cùng tên"):
        convert_to_pdf(letters, tmp_path / "out", soffice=str(script), overwrite=True)


def test_only_missing_or_outdated_pdfs_are_converted(tmp_path):
    script = fake_soffice(tmp_path / "bin", "ok")
    letters = [minimal_docx(tmp_path / "in" / f"{n}.docx") for n in ("a", "b", "c")]
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "b.pdf").write_bytes(b"up to date")
    (out / "c.pdf").write_bytes(b"older than its docx")
    old = letters[2].stat().st_mtime - 60
    os.utime(out / "c.pdf", (old, old))
    pdfs = convert_to_pdf(letters, out, soffice=str(script))
    assert pdfs == [out / "a.pdf", out / "b.pdf", out / "c.pdf"]
    assert (out / "b.pdf").read_bytes() == b"up to date"  # kept as it is
    assert (out / "a.pdf").read_bytes().startswith(b"%PDF-") and (out / "c.pdf").read_bytes().startswith(b"%PDF-")
    assert sum(c["n"] for c in fake_calls(tmp_path / "bin")) == 2  # a (missing) and c (outdated) only
    convert_to_pdf(letters, out, soffice=str(script))
    assert sum(c["n"] for c in fake_calls(tmp_path / "bin")) == 2  # all up to date now: soffice not started
    convert_to_pdf(letters, out, soffice=str(script), overwrite=True)
    assert (out / "b.pdf").read_bytes().startswith(b"%PDF-")
    assert sum(c["n"] for c in fake_calls(tmp_path / "bin")) == 5


def test_missing_soffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PdfError, match="libreoffice-writer-nogui"):
        find_soffice()
    with pytest.raises(PdfError, match="libreoffice-writer-nogui"):
        convert_to_pdf([minimal_docx(tmp_path / "a.docx")])


def test_collect_docx_skips_template_hidden_and_temporary_files(tmp_path):
    for name in ("02-b.docx", "01-a.docx", "template.docx", ".an.docx", "~$01-a.docx", "ghi_chu.txt"):
        minimal_docx(tmp_path / name)
    minimal_docx(tmp_path / "con" / "c.docx")
    assert collect_docx([tmp_path]) == [tmp_path / "01-a.docx", tmp_path / "02-b.docx"]
    assert collect_docx([tmp_path / "01-a.docx", tmp_path]) == [tmp_path / "01-a.docx", tmp_path / "02-b.docx"]
    with pytest.raises(PdfError, match=r"\.docx"):
        collect_docx([tmp_path / "ghi_chu.txt"])


# ---- CLI ----

@pytest.fixture
def fake_path(tmp_path, monkeypatch) -> Path:
    bindir = tmp_path / "bin"
    fake_soffice(bindir, "ok")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    return bindir


def test_cli_converts_a_folder_then_only_what_is_new(tmp_path, fake_path):
    year = tmp_path / "output" / "2026"
    for name in ("01-SNV-CCHC_a.docx", "02-SNV-CCHC_b.docx", "template.docx"):
        minimal_docx(year / name)
    runner = CliRunner()
    result = runner.invoke(cli, ["pdf", str(year), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert f"Đã tạo 2 tệp PDF tại {year.resolve()}" in result.output
    assert sorted(p.name for p in year.glob("*.pdf")) == ["01-SNV-CCHC_a.pdf", "02-SNV-CCHC_b.pdf"]
    minimal_docx(year / "03-SNV-CCHC_c.docx")
    again = runner.invoke(cli, ["pdf", str(year)])
    assert again.exit_code == 0, again.output
    assert f"Đã tạo 1 tệp PDF tại {year.resolve()}" in again.output
    assert "Giữ nguyên 2 tệp PDF đã mới hơn .docx" in again.output
    forced = runner.invoke(cli, ["pdf", str(year), "--overwrite", "--out", str(tmp_path / "gui")])
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in (tmp_path / "gui").iterdir()) == [
        "01-SNV-CCHC_a.pdf", "02-SNV-CCHC_b.pdf", "03-SNV-CCHC_c.pdf"]


def test_cli_reports_failures_with_exit_code_1(tmp_path, fake_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"garbage")
    result = CliRunner().invoke(cli, ["pdf", str(bad)])
    assert result.exit_code == 1
    assert "hong.docx" in result.output and "Lỗi:" in result.output


def test_cli_empty_folder_is_an_error(tmp_path, fake_path):
    (tmp_path / "rong").mkdir()
    result = CliRunner().invoke(cli, ["pdf", str(tmp_path / "rong")])
    assert result.exit_code == 1 and "không có tệp .docx" in result.output


def test_cli_help_ends_with_example():
    result = CliRunner().invoke(cli, ["pdf", "--help"], terminal_width=200)
    assert result.exit_code == 0
    example = result.output.split("\nTùy chọn:")[0].rsplit("Ví dụ:", 1)[1]
    assert example.strip().splitlines()[0].strip() == "congvan pdf output/2026"
