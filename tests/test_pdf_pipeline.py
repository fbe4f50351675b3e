"""The PDF pipeline's speed-ups keep their promises: PDFs handed on while soffice still runs, profiles kept
between runs but never shared or trusted when damaged, metadata appended to LibreOffice's own bytes."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from congvan.pdf.convert import convert_to_pdf
from congvan.pdf.finish import LetterInfo, pdf_fonts, with_metadata
from congvan.pdf.info import font_names, with_info
from congvan.pdf.profiles import ProfileSlots
from tests.test_pdf import minimal_docx

# Writes the PDFs one after the other (0.3 s apart), building its profile on first use; makes nothing when
# the profile holds a file named "damaged". Logs each call, and the time each PDF was written.
FAKE = """#!{python}
import json, os, sys, time
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
profile = next(a for a in args if a.startswith("-env:UserInstallation=")).split("file://", 1)[1]
made = []
if not os.path.exists(os.path.join(profile, "damaged")):
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    for name in [a for a in args if a.endswith(".docx")]:
        stem = os.path.splitext(os.path.basename(name))[0]
        with open(os.path.join(out, stem + ".pdf"), "wb") as f:
            f.write(b"%PDF-1.4\\n% fake\\n%%EOF\\n")
        made.append(time.time())
        time.sleep(0.3)
with open({log!r}, "a") as f:
    f.write(json.dumps({{"profile": profile, "made": made, "end": time.time()}}) + "\\n")
"""


def fake(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text(FAKE.format(python=sys.executable, log=str(folder / "calls.jsonl")), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def calls(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "calls.jsonl").read_text().splitlines()]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONGVAN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "libreoffice"


def recorder(log: list[tuple[str, float]]):
    def place(source: Path, pdf: Path, target: Path) -> Future[object]:
        import time

        log.append((source.name, time.time()))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf.read_bytes())
        done: Future[object] = Future()
        done.set_result(None)
        return done
    return place


def test_pdfs_are_handed_on_while_soffice_still_converts_the_rest(tmp_path, cache):
    script = fake(tmp_path / "bin")
    letters = [minimal_docx(tmp_path / "in" / f"{i}.docx") for i in range(4)]
    placed: list[tuple[str, float]] = []
    pdfs = convert_to_pdf(letters, tmp_path / "pdf", soffice=str(script), workers=1, place=recorder(placed))
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    assert [name for name, _ in placed] == ["0.docx", "1.docx", "2.docx", "3.docx"]
    (call,) = calls(tmp_path / "bin")
    assert placed[0][1] < call["made"][-1] < call["end"]  # the first was finished before the last was written
    assert placed[-1][1] >= call["end"]  # the last one only once soffice was done


def test_profiles_are_kept_between_runs_and_never_shared_by_two_runs(tmp_path, cache):
    script = fake(tmp_path / "bin")
    letter = minimal_docx(tmp_path / "in" / "a.docx")
    convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), workers=1)
    assert ProfileSlots.trusted(cache / "profile-0")
    with ProfileSlots(1, tmp_path / "unused") as other_run:  # holds slot 0 as a second run would
        assert other_run.get() == cache / "profile-0"
        convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), workers=1, overwrite=True)
    convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), workers=1, overwrite=True)
    assert [Path(c["profile"]).name for c in calls(tmp_path / "bin")] == ["profile-0", "profile-1", "profile-0"]


def test_a_damaged_kept_profile_is_replaced_and_the_chunk_converted_anew(tmp_path, cache):
    script = fake(tmp_path / "bin")
    letter = minimal_docx(tmp_path / "in" / "a.docx")
    convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), workers=1)
    (cache / "profile-0" / "damaged").write_text("")
    pdfs = convert_to_pdf([letter], tmp_path / "pdf", soffice=str(script), workers=1, overwrite=True)
    assert pdfs[0].read_bytes().startswith(b"%PDF-")
    assert [len(c["made"]) for c in calls(tmp_path / "bin")] == [1, 0, 1]
    assert not (cache / "profile-0" / "damaged").exists() and ProfileSlots.trusted(cache / "profile-0")


def test_a_profile_never_vouched_for_is_deleted_before_use(tmp_path, cache):
    half_built = cache / "profile-0"
    half_built.mkdir(parents=True)
    (half_built / "leftover").write_text("")
    with ProfileSlots(1, tmp_path / "unused") as slots:
        assert slots.get() == half_built and not half_built.exists()


def test_without_a_usable_cache_folder_profiles_stay_in_the_temporary_folder(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("CONGVAN_CACHE_DIR", str(tmp_path / "file"))  # a file: no folder can be made in it
    with ProfileSlots(2, tmp_path / "tmp") as slots:
        assert {slots.get(), slots.get()} == {tmp_path / "tmp" / "profile-0", tmp_path / "tmp" / "profile-1"}


# -- metadata appended to the PDF --

def libreoffice_like_pdf() -> bytes:
    """A classic PDF (cross-reference table, trailer with /Info), as LibreOffice writes, made by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": "LibreOffice 7.4", "/CreationDate": "D:20261129203519Z'", "/Title": "cũ"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_metadata_is_appended_and_read_back_by_pypdf_and_poppler(tmp_path):
    original = libreoffice_like_pdf()
    info = LetterInfo(title="khắc phục (hạn chế) >> năm 2026", author="SỞ NỘI VỤ", subject="05/SNV-CCHC",
                      keywords="công văn; Nghị định 30/2020/NĐ-CP")
    data = with_metadata(original, info, tmp_path / "a.pdf")
    assert data.startswith(original)  # LibreOffice's bytes untouched
    metadata = PdfReader(io.BytesIO(data), strict=True).metadata
    assert (metadata.title, metadata.author, metadata.subject) == (info.title, info.author, info.subject)
    assert metadata["/Keywords"] == info.keywords and metadata.creator == "congvan"
    assert metadata.producer == "LibreOffice 7.4" and metadata["/CreationDate"] == "D:20261129203519Z'"
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    if subprocess.run(["which", "pdfinfo"], capture_output=True).returncode == 0:
        shown = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        assert "Subject:         05/SNV-CCHC" in shown.stdout and not shown.stderr


def test_other_pdfs_are_rewritten_by_pypdf(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    streams = buffer.getvalue().replace(b"trailer", b"trailer-not")  # no trailer the quick path can read
    assert with_info(streams, {"/Title": "x"}) is None
    data = with_metadata(libreoffice_like_pdf(), LetterInfo("Tiêu đề", "SỞ NỘI VỤ", ""), tmp_path / "a.pdf")
    assert PdfReader(io.BytesIO(data)).metadata.title == "Tiêu đề"


def test_fonts_are_found_in_the_bytes_or_by_pypdf_when_compressed(tmp_path):
    data = b"%PDF-1.6\n1 0 obj\n<</Type/Font/Subtype/TrueType/BaseFont/BAAAAA+LiberationSerif>>\nendobj\n"
    assert font_names(data) == ["BAAAAA+LiberationSerif"]
    assert pdf_fonts(tmp_path / "a.pdf", data) == ["LiberationSerif"]
    assert font_names(b"%PDF-1.6\n1 0 obj\n<</Type/ObjStm>>\n") is None
