"""Print bundle order: a draft batch's manifest order, else natural file name order (9 before 10 before 100)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from congvan.batch.workflows import bundle_order
from congvan.cli import cli
from tests.conftest import require_tool


def touch(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"")
    return paths


def test_manifest_order_and_units_win_over_file_names(tmp_path):
    files = touch(tmp_path, "1_a.docx", "2_b.docx", "3_c.docx", "loose.docx")
    letters = [{"file": "3_c.docx", "unit": "Xã C"}, {"file": "1_a.docx", "unit": "Phường A"},
               {"file": "2_b.docx", "unit": "Xã B"}]
    (tmp_path / "manifest.json").write_text(json.dumps({"letters": letters}), encoding="utf-8")
    ordered, titles = bundle_order(files)
    assert [p.name for p in ordered] == ["3_c.docx", "1_a.docx", "2_b.docx", "loose.docx"]
    assert titles == ["Xã C", "Phường A", "Xã B", "loose"]


def test_issued_numbers_sort_as_numbers(tmp_path):
    files = touch(tmp_path, "100-SNV-CCHC_x.docx", "11-SNV-CCHC_y.docx", "09-SNV-CCHC_z.docx")
    ordered, titles = bundle_order(files)
    assert [p.name for p in ordered] == ["09-SNV-CCHC_z.docx", "11-SNV-CCHC_y.docx", "100-SNV-CCHC_x.docx"]
    assert titles == ["09-SNV-CCHC_z", "11-SNV-CCHC_y", "100-SNV-CCHC_x"]


def test_unreadable_manifest_falls_back_to_names(tmp_path):
    files = touch(tmp_path, "2_b.docx", "10_a.docx")
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert [p.name for p in bundle_order(files)[0]] == ["2_b.docx", "10_a.docx"]


def test_pdf_bundle_of_a_draft_folder_follows_its_manifest(workspace):
    require_tool("soffice")
    assert CliRunner().invoke(cli, ["build", "-w", str(workspace)]).exit_code == 0
    (folder,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["letters"].reverse()  # a clerk's own print order
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    target = folder / "in.pdf"
    result = CliRunner().invoke(cli, ["pdf", str(folder), "--bundle", str(target), "--simplex"])
    assert result.exit_code == 0, result.output
    units = [entry["unit"] for entry in manifest["letters"]]
    reader = PdfReader(target)
    assert [item.title for item in reader.outline] == units
    for item, unit in zip(reader.outline, units, strict=True):
        page = reader.pages[reader.get_destination_page_number(item)]
        text = " ".join(unicodedata.normalize("NFC", page.extract_text() or "").split())
        assert unit.split(" ", 1)[1] in text  # each letter starts on its own first page, in manifest order
