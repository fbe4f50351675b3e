"""What a clerk sees of a draft batch: stable letter file names and manifest.csv for Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from congvan.cli import cli
from tests.conftest import UNITS


def build(workspace: Path, *args: str) -> Path:
    """Run `congvan build` and return the new batch folder."""
    before = set((workspace / "output" / "drafts").glob("[0-9]*"))
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])
    assert result.exit_code == 0, result.output
    (folder,) = set((workspace / "output" / "drafts").glob("[0-9]*")) - before
    return folder


def letters(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.docx") if p.name not in ("template.docx", "tong_hop.docx"))


def test_a_unit_keeps_its_file_name_in_a_one_unit_batch(workspace):
    full = letters(build(workspace))
    # numbered by the unit's row in the workbook (the fixture lists UNITS in this order), not alphabetically
    assert full == [f"{n}_{slug}.docx" for n, slug in enumerate(
        ["phuong-nha-trang", "phuong-cam-ranh", "xa-cam-lam", "xa-dien-khanh", "dac-khu-truong-sa"], start=1)]
    assert list(UNITS)[2] == "Xã Cam Lâm"
    assert letters(build(workspace, "--unit", "Xã Cam Lâm")) == ["3_xa-cam-lam.docx"]
    assert letters(build(workspace, "--unit", "Đặc khu Trường Sa", "--unit", "Phường Nha Trang")) == [
        "1_phuong-nha-trang.docx", "5_dac-khu-truong-sa.docx"]


def test_sample_batch_pads_numbers_to_the_width_of_the_whole_table(tmp_path):
    target = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    one = letters(build(target, "--unit", "Phường Nha Trang"))
    assert len(one) == 1 and one[0].endswith("_phuong-nha-trang.docx") and len(one[0].split("_")[0]) == 2
    assert one[0] in letters(build(target))


def test_manifest_csv_names_weak_criteria_in_catalog_order_with_figures(workspace):
    raw = (build(workspace) / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["STT", "Đơn vị", "Tệp", "Số tiêu chí chưa đạt",
                       "Tiêu chí chưa đạt (kết quả; chỉ tiêu; chênh lệch)", "Tiêu chí đạt, vượt"]
    by_unit = {row[1]: row for row in rows[1:]}
    assert set(by_unit) == set(UNITS)
    nha_trang = by_unit["Phường Nha Trang"]
    assert nha_trang[2] == "1_phuong-nha-trang.docx" and nha_trang[3] == "4"
    # catalog order (Tiếp cận, Điều kiện tiếp đón, ..., phản ánh, then the Trạm y tế table), not by code or gap
    assert nha_trang[4] == (
        "Tiếp cận dịch vụ: 72,27% (chỉ tiêu 83%, thấp hơn 10,73 điểm); "
        "Điều kiện tiếp đón, phục vụ: 68,83% (chỉ tiêu 83%, thấp hơn 14,17 điểm); "
        "Tiếp nhận, xử lý phản ánh, kiến nghị: 73,22% (chỉ tiêu 83%, thấp hơn 9,78 điểm); "
        "Chỉ số hài lòng đối với Trạm y tế: 76,46% (chỉ tiêu 83%, thấp hơn 6,54 điểm)")
    assert nha_trang[5] == ("Thủ tục hành chính; Sự phục vụ của công chức; Kết quả, tiến độ giải quyết công việc")
    assert "tiep_can" not in raw.decode("utf-8-sig")
    cam_lam = by_unit["Xã Cam Lâm"]
    assert cam_lam[3] == "0" and cam_lam[4] == ""


def test_manifests_written_as_letters_come_are_those_of_a_list(tmp_path: Path) -> None:
    """A `ManifestWriter` (manifest.csv row by row, manifest.json's letters spooled and copied after the header)
    gives the same bytes as the manifests written from a list at the end (texts with line separators, quotes,
    Vietnamese, numbers that do not round through a float)."""
    import datetime as dt

    from congvan.batch import drafts

    entries = [{"index": i, "unit": f"Phường \u2028 \"Mẫu\" {i}\u0085", "file": f"{i:02d}.docx", "score": 68.89 + i / 3,
                "figures": [{"name": "Tiếp cận", "met": i % 2 == 0, "score": 70.1, "target": 83.0, "gap": -12.9}]}
               for i in range(1, 4)]
    template = tmp_path / "t.docx"
    template.write_bytes(b"PK")
    made = []
    for name, spooled in (("list", False), ("spool", True)):
        partial = tmp_path / f".{name}.partial"
        partial.mkdir()
        given: list[dict] | drafts.ManifestWriter = entries
        if spooled:
            given = drafts.ManifestWriter(partial)
            for entry in entries:
                given.add(entry)
        header = drafts.BatchHeader(batch="b", created=dt.datetime(2026, 7, 4, 8, 0), template_source="t.docx",
                                    template_sha256="0" * 64, issuer="SỞ NỘI VỤ", issuer_abbreviation="SNV",
                                    symbol="CCHC")
        made.append(drafts.finish_batch(partial, header, template, given, ["một cảnh báo"]))
        made[-1] = made[-1].rename(tmp_path / name)
    for name in (drafts.MANIFEST, drafts.MANIFEST_CSV):
        assert (made[0] / name).read_bytes() == (made[1] / name).read_bytes()
    assert sorted(p.name for p in made[0].iterdir()) == sorted(p.name for p in made[1].iterdir())
