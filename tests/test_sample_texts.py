"""Texts a clerk left in by mistake: "V/v V/v", "Lưu: Lưu:", the sample's texts; and unit names mistyped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.config import load_workspace
from congvan.config.hints import suggest_names
from congvan.config.leftovers import label
from congvan.config.sample_units import SAMPLE_UNITS
from congvan.errors import ConfigError
from congvan.models import unit_key
from congvan.sources.catalog import workspace_catalog
from congvan.sources.results import all_units, load_results
from tests.conftest import HEALTH, UNITS, standard_sheets, write_workbook

ROOT = Path(__file__).resolve().parent.parent
HANOI = {"Phường Ba Đình": UNITS["Phường Nha Trang"], "Phường Hoàn Kiếm": UNITS["Phường Cam Ranh"],
         "Phường Tây Hồ": UNITS["Xã Cam Lâm"], "Xã Sóc Sơn": UNITS["Xã Diên Khánh"], "Xã Ba Vì": UNITS["Xã Cam Lâm"]}


def edit(workspace: Path, old: str, new: str) -> None:
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def sample(workspace: Path) -> Path:
    """The five-unit workspace with the shipped sample congvan.toml as it is (`mau = true`, "(ví dụ)")."""
    shutil.copyfile(ROOT / "congvan.toml", workspace / "congvan.toml")
    return workspace


def build(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "-w", str(workspace), *args])


def drafts(workspace: Path) -> list[Path]:
    folder = workspace / "output" / "drafts"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def line_of(workspace: Path, fragment: str) -> int:
    lines = (workspace / "congvan.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if fragment in line)


# -- "V/v V/v" and "Lưu: Lưu:" --


@pytest.mark.parametrize("typed", ["V/v khắc phục hạn chế", "v/v V/v khắc phục hạn chế", "Về việc: khắc phục hạn chế"])
def test_a_typed_vv_is_dropped_with_a_warning_naming_the_line(workspace, typed):
    edit(workspace, 'trich_yeu = "khắc phục hạn chế', f'trich_yeu = "{typed}')
    loaded = load_workspace(workspace)
    assert loaded.letter.subject.startswith("khắc phục hạn chế, nâng cao")
    (warning,) = loaded.warnings
    assert f"dòng {line_of(workspace, 'trich_yeu =')}, [van_ban] trich_yeu" in warning and '"V/v khắc phục' in warning
    result = build(workspace, "--dry-run")
    assert result.exit_code == 0 and "Cảnh báo:" in result.stderr and "[van_ban] trich_yeu" in result.stderr


def test_a_typed_luu_is_dropped_with_a_warning(workspace):
    edit(workspace, 'luu = "VT, CCHC"', 'luu = "- Lưu: Lưu: VT, CCHC"')
    loaded = load_workspace(workspace)
    assert loaded.recipients.archive == "VT, CCHC"
    assert "[nguoi_nhan] luu: bỏ \"- Lưu: Lưu:\" ở đầu" in loaded.warnings[0]
    shown = CliRunner().invoke(cli, ["recipients", "show", "-w", str(workspace), "--unit", "Xã Cam Lâm"])
    assert "- Lưu: VT, CCHC (02b)." in shown.output and "Lưu: Lưu" not in shown.output


def test_nothing_but_the_prefix_is_refused(workspace):
    edit(workspace, 'trich_yeu = "khắc phục hạn chế, nâng cao', 'trich_yeu = "V/v" #')
    with pytest.raises(ConfigError, match=r"\[van_ban\] trich_yeu: chỉ có \"V/v\""):
        load_workspace(workspace)


def test_a_subject_that_merely_mentions_vv_is_kept(workspace):
    edit(workspace, 'trich_yeu = "khắc phục hạn chế', 'trich_yeu = "Vận động khắc phục hạn chế')
    assert load_workspace(workspace).warnings == ()


# -- sample texts --


def test_the_sample_builds_with_a_loud_warning_naming_what_is_still_sample(sample):
    workspace = sample
    result = build(workspace, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "ĐÂY LÀ CẤU HÌNH MẪU" in result.stderr and "mau = true" in result.stderr
    line = line_of(workspace, "Căn cứ Kế hoạch số 315")
    assert f"dòng {line}, [van_ban] can_cu[2]: còn chữ \"(ví dụ)\"" in result.stderr
    assert "Còn 2 chỗ mẫu" in result.stderr  # the signer is the sample agency's own while the agency is


def test_the_shipped_sample_says_it_is_the_sample():
    assert load_workspace(ROOT).raw["mau"] is True


def test_without_the_marker_sample_texts_stop_the_build_and_write_nothing(sample):
    workspace = sample
    edit(workspace, "mau = true\n", "")
    result = build(workspace)
    assert result.exit_code == 1
    assert f"dòng {line_of(workspace, 'Căn cứ Quyết định số 2150')}, [van_ban] can_cu[1]" in result.stderr
    assert f"dòng {line_of(workspace, 'Căn cứ Kế hoạch số 315')}, [van_ban] can_cu[2]" in result.stderr
    assert "[nguoi_ky] ho_ten" not in result.stderr  # the Sở Nội vụ of Khánh Hòa may have this signer
    assert drafts(workspace) == []


def test_an_edited_agency_makes_the_marker_no_excuse(sample):
    workspace = sample
    edit(workspace, 'ten = "SỞ NỘI VỤ"', 'ten = "SỞ Y TẾ"')
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1 and "mau = true, nhưng cơ quan hoặc số liệu" in result.stderr
    assert "[van_ban] can_cu[1]" in result.stderr
    assert f"dòng {line_of(workspace, 'ho_ten =')}, [nguoi_ky] ho_ten: còn người ký mẫu" in result.stderr


def test_the_sample_agency_with_another_provinces_data_is_refused(workspace):
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx",
                   standard_sheets(HANOI, dict(zip(HANOI, HEALTH.values(), strict=True))),
                   formats={"Trạm y tế": "0.00%"})
    (workspace / "recipients" / "bo_sung.csv").write_text("Đơn vị,Kính gửi,Nơi nhận\n", encoding="utf-8")
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1
    assert f"dòng {line_of(workspace, 'ten = ')}, [co_quan] ten: còn cơ quan mẫu" in result.stderr
    assert "[nguoi_ky] ho_ten: còn người ký mẫu" in result.stderr
    edit(workspace, 'chu_quan = "UBND TỈNH KHÁNH HÒA"', 'chu_quan = "UBND THÀNH PHỐ HÀ NỘI"')
    edit(workspace, 'dia_danh = "Khánh Hòa"', 'dia_danh = "Hà Nội"')
    assert "[nguoi_ky] ho_ten: còn người ký mẫu" in build(workspace, "--dry-run").stderr
    edit(workspace, 'ho_ten = "Nguyễn Thị Minh Hằng"', 'ho_ten = "Trần Văn Bình"')
    result = build(workspace, "--dry-run")
    assert result.exit_code == 0, result.output


def test_a_real_workspace_builds_without_a_word_about_samples(workspace):
    result = build(workspace, "--dry-run")
    assert result.exit_code == 0 and "MẪU" not in result.stderr and "mẫu" not in result.stderr


@pytest.mark.parametrize(("old", "new", "where"), [
    ('ten = "SỞ NỘI VỤ"', 'ten = "SỞ NỘI VỤ MẪU"', "[co_quan] ten: còn chữ \"MẪU\""),
    ('dinh_kem = "Đính kèm', 'dinh_kem = "(Ví dụ) Đính kèm', "[van_ban] dinh_kem: còn chữ \"(ví dụ)\""),
    ('"Tổ chức phổ biến', '"(ví dụ) Tổ chức phổ biến', "[van_ban.chi_dao_chung] noi_dung[1][1]"),
])
def test_every_sample_text_is_named_by_its_key(workspace, old, new, where):
    edit(workspace, old, new)
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1 and where in result.stderr, result.stderr


def test_lower_case_mau_is_a_word_not_a_sample():
    assert label(("van_ban", "chi_dao_chung", 0, "noi_dung", 2)) == "[van_ban.chi_dao_chung] noi_dung[1][3]"


def test_lower_case_mau_in_a_text_is_not_a_leftover(workspace):
    edit(workspace, 'mo_dau = "Nhằm', 'mo_dau = "Theo mẫu phiếu khảo sát, nhằm')
    assert build(workspace, "--dry-run").exit_code == 0


def test_the_sample_unit_list_is_the_sample_data():
    workspace = load_workspace(ROOT)
    tables = load_results(workspace.results, workspace_catalog(workspace), warnings=[], year=2025)
    assert {unit_key(name) for name in all_units(tables)} == SAMPLE_UNITS


# -- a unit not found --


def test_nearest_names_ignore_case_and_tone_marks():
    names = ["Phường Phương Sài", "Phường Nha Trang", "Xã Cam Lâm"]
    assert suggest_names("phuong phuong sai", names) == " — có phải 'Phường Phương Sài'?"
    assert suggest_names("Phường Phương Sai", names) == " — có phải 'Phường Phương Sài'?"
    assert suggest_names("Xã Hoàn Toàn Khác Hẳn", names) == ""


def test_build_unit_not_found_suggests_the_nearest(workspace):
    result = build(workspace, "--unit", "Phuong Nha Trang", "--dry-run")
    assert result.exit_code == 1
    assert "không có đơn vị 'Phuong Nha Trang' trong bảng kết quả — có phải 'Phường Nha Trang'?" in result.stderr


def test_recipients_show_unit_not_found_suggests_the_nearest(workspace):
    result = CliRunner().invoke(cli, ["recipients", "show", "-w", str(workspace), "--unit", "Xa Cam Lam"])
    assert result.exit_code == 1 and "có phải 'Xã Cam Lâm'?" in result.stderr, result.output


def test_an_addition_for_a_mistyped_unit_suggests_the_nearest(workspace):
    (workspace / "recipients" / "bo_sung.csv").write_text("Đơn vị,Kính gửi,Nơi nhận\nXã Diên Khanh,,Sở Y tế\n",
                                                          encoding="utf-8")
    result = build(workspace, "--dry-run")
    assert result.exit_code == 1
    assert re.search(r"dòng 2, cột 'Đơn vị'.*'Xã Diên Khanh'.*có phải 'Xã Diên Khánh'\?", result.stderr)


@pytest.mark.parametrize("typed", ["V/v V/v báo cáo quý IV", "Về việc: báo cáo quý IV", "báo cáo quý IV"])
def test_a_reserved_subject_loses_every_typed_vv(workspace, typed):
    from congvan.batch.register_flows import ReserveRequest, reserve

    assert reserve(ReserveRequest(workspace=workspace, subject=typed)).record.subject == "báo cáo quý IV"
