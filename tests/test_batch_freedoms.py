"""Batch letters with the freedoms of example 001: section openings, no summary sentence, fixed sections to internal
bodies, and who is asked to act ({{ de_nghi }}) set once in congvan.toml."""

from __future__ import annotations

from pathlib import Path

from congvan.batch.build import BuildOptions, build
from congvan.config import load_workspace
from congvan.render.template import iter_text

HEADING = 'tieu_de = "Đối với Chỉ số hài lòng về sự phục vụ của {{ doi_tuong }}"'
STUDY = "Nghiên cứu các nội dung, những tồn tại, hạn chế tại Báo cáo tổng hợp Chỉ số hài lòng năm {{ nam }}."
PUBLISH = "Tổ chức công bố Chỉ số hài lòng năm {{ nam }} của {{ doi_tuong }}."
FIXED = """
[[van_ban.chi_dao_chung]]
tieu_de = "Ban Chỉ huy quân sự {{ don_vi }}"
noi_dung = ["Đề nghị Chỉ huy trưởng quán triệt lực lượng dân quân thường trực trực gác cơ quan theo quy định."]

[[van_ban.chi_dao_chung]]
tieu_de = "Ban Chỉ huy Công an {{ don_vi }}"
noi_dung = ["Chỉ đạo cán bộ chiến sỹ phối hợp giải quyết thủ tục hành chính liên thông."]

[[van_ban.chi_dao_chung]]
tieu_de = "Đề nghị các tổ chức Mặt trận, đoàn thể {{ don_vi }}"
noi_dung = ["Phối hợp tuyên truyền, vận động hội viên, đoàn viên."]
"""


def configure(workspace: Path, letter: str = "", fixed: str = "") -> None:
    """Give both tables an opening paragraph, a directive asking with {{ de_nghi }}, and `letter` keys."""
    catalog = workspace / "data" / "tieu_chi.toml"
    text = catalog.read_text(encoding="utf-8")
    first, second = text.split("[[bang]]")[1:3]
    first = first.replace(HEADING, f'{HEADING}\nmo_dau = ["{STUDY}"]', 1)
    second = second.replace(HEADING, f'{HEADING}\nmo_dau = ["{PUBLISH}"]', 1)
    text = text.split("[[bang]]")[0] + "[[bang]]" + first + "[[bang]]" + second
    text = text.replace('rat_thap = [\n', 'rat_thap = [\n    "{{ de_nghi }} rà soát nội dung {{ ten }}.",\n', 1)
    catalog.write_text(text, encoding="utf-8")
    config = workspace / "congvan.toml"
    source = config.read_text(encoding="utf-8").replace("[van_ban]\n", f"[van_ban]\n{letter}", 1)
    head, _, tail = source.partition("[[van_ban.chi_dao_chung]]")
    if fixed:  # the internal bodies' sections, after the sample's own general section
        tail = tail.replace("\n[", fixed + "\n[", 1) if "\n[" in tail else tail + fixed
    config.write_text(head + "[[van_ban.chi_dao_chung]]" + tail, encoding="utf-8")


def nha_trang(workspace: Path) -> list[str]:
    report = build(load_workspace(workspace), BuildOptions(units=("Phường Nha Trang",)))
    assert report.folder is not None
    return list(iter_text(next(report.folder.glob("*_phuong-nha-trang.docx")).read_bytes()))


def test_each_section_opens_with_its_own_paragraph_before_the_summary(workspace):
    configure(workspace)
    paragraphs = nha_trang(workspace)
    first = paragraphs.index("1. Đối với Chỉ số hài lòng về sự phục vụ của UBND phường Nha Trang")
    assert paragraphs[first + 1] == STUDY.replace("{{ nam }}", "2025")
    assert paragraphs[first + 2].startswith("Năm 2025, Chỉ số hài lòng chung của UBND phường Nha Trang")
    second = paragraphs.index("2. Đối với Chỉ số hài lòng về sự phục vụ của Trạm y tế phường Nha Trang")
    assert paragraphs[second + 1] == "Tổ chức công bố Chỉ số hài lòng năm 2025 của Trạm y tế phường Nha Trang."


def test_the_summary_sentence_can_be_left_out(workspace):
    configure(workspace, "tong_quan = false\n")
    paragraphs = nha_trang(workspace)
    assert not any(p.startswith("Năm 2025, Chỉ số hài lòng chung") for p in paragraphs)
    first = paragraphs.index("1. Đối với Chỉ số hài lòng về sự phục vụ của UBND phường Nha Trang")
    assert paragraphs[first + 1].startswith("Nghiên cứu các nội dung")


def test_a_higher_body_asks_the_ward_by_default(workspace):
    configure(workspace)
    assert "Đề nghị UBND phường Nha Trang rà soát nội dung Tiếp cận dịch vụ." in nha_trang(workspace)


def test_the_wards_own_chairman_asks_his_staff_without_touching_the_catalog(workspace):
    configure(workspace, 'de_nghi = "Yêu cầu công chức"\n')
    paragraphs = nha_trang(workspace)
    assert "Yêu cầu công chức rà soát nội dung Tiếp cận dịch vụ." in paragraphs
    assert not any(p.startswith("Đề nghị UBND phường Nha Trang rà soát") for p in paragraphs)


def test_fixed_sections_to_internal_bodies_follow_the_tailored_ones(workspace):
    configure(workspace, fixed=FIXED)
    paragraphs = nha_trang(workspace)
    headings = [p for p in paragraphs if p[:3] in {f"{n}. " for n in range(1, 9)}]
    assert headings[2:] == ["3. Tổ chức thực hiện và chế độ báo cáo", "4. Ban Chỉ huy quân sự phường Nha Trang",
                            "5. Ban Chỉ huy Công an phường Nha Trang",
                            "6. Đề nghị các tổ chức Mặt trận, đoàn thể phường Nha Trang"]
    at = paragraphs.index("4. Ban Chỉ huy quân sự phường Nha Trang")
    assert paragraphs[at + 1].startswith("Đề nghị Chỉ huy trưởng quán triệt")
