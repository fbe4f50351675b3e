"""Results workbooks as offices publish them (tests/fixtures/workbooks/make_workbooks.py): letters built from each
carry the workbook's numbers, cell by cell; the official overall index is printed only when there is one."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from statistics import fmean

import docx
import pytest
from click.testing import CliRunner

from congvan.batch.build import BuildOptions, plan
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.letter.assessment import round_half_up
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("make_workbooks",
                                               ROOT / "tests" / "fixtures" / "workbooks" / "make_workbooks.py")
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules["make_workbooks"] = gen
_spec.loader.exec_module(gen)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbooks")
    gen.main([str(folder)])
    return folder


def catalog_text(layout) -> str:
    """The shipped catalog with the keys the layout declares (and only its first table, if asked)."""
    text = (ROOT / "data" / "tieu_chi.toml").read_text(encoding="utf-8")
    if layout.one_table:
        second = [m.start() for m in re.finditer(r"^\[\[bang\]\]$", text, re.MULTILINE)][1]
        text = text[:second]
    for code, keys in layout.catalog.items():
        lines = "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in keys.items())
        text = re.sub(rf'^(ma = "{code}".*\n)', lambda m, extra=lines: m.group(1) + extra, text, count=1,
                      flags=re.MULTILINE)
    return text


def make_workspace(tmp_path: Path, layout) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "congvan.toml", root / "congvan.toml")
    for part in ("recipients", "templates_docx"):
        shutil.copytree(ROOT / part, root / part)
    (root / "data").mkdir()
    (root / "data" / "tieu_chi.toml").write_text(catalog_text(layout), encoding="utf-8")
    if layout.one_table:  # the recipient rules of the health table go with it
        rules = root / "recipients" / "danh_sach.toml"
        text = rules.read_text(encoding="utf-8")
        rules.write_text(re.sub(r"^\[khi_chua_dat\.tram_y_te\]\n(?:[^\[].*\n|\n)*", "", text, flags=re.MULTILINE),
                         encoding="utf-8")
    return root


def rank_of(value: float, values: list[float]) -> str:
    return f"{1 + sum(1 for other in values if other > value)}/{len(values)}"


def test_there_are_at_least_nine_layouts() -> None:
    assert len(gen.LAYOUTS) >= 9


@pytest.mark.parametrize("name", sorted(gen.LAYOUTS))
def test_letters_carry_the_workbook_figures_cell_by_cell(tmp_path: Path, books: Path, name: str) -> None:
    layout = gen.LAYOUTS[name]
    planned = plan(load_workspace(make_workspace(tmp_path, layout)), BuildOptions(data=(books / f"{name}.xlsx",)))
    assert sorted(letter.unit for letter in planned.letters) == sorted(gen.UNITS)
    overall = layout.overall or {unit: round_half_up(fmean(scores), 2) for unit, scores in gen.UNITS.items()}
    for letter in planned.letters:
        sections = {section["ma"]: section for section in planned.contexts(letter)["bang"]}
        ubnd = sections["ubnd_xa"]
        assert [item["ket_qua_so"] for item in ubnd["tieu_chi"]] == gen.UNITS[letter.unit]
        for index, item in enumerate(ubnd["tieu_chi"]):
            column = [scores[index] for scores in gen.UNITS.values()]
            assert item["xep_hang"] == rank_of(gen.UNITS[letter.unit][index], column)
        assert ubnd["chi_so_so"] == overall[letter.unit]
        assert ubnd["xep_hang"] == rank_of(overall[letter.unit], list(overall.values()))
        assert ubnd["chi_so_chinh_thuc"] is (layout.overall is not None)
        assert ("(bình quân các tiêu chí)" in ubnd["tong_quan"]) is (layout.overall is None)
        if layout.health:
            assert sections["tram_y_te"]["tieu_chi"][0]["ket_qua_so"] == layout.health[letter.unit]
        else:
            assert "tram_y_te" not in sections
    for words in layout.warnings:
        assert any(words in warning for warning in planned.warnings), (words, planned.warnings)
    if not layout.warnings:
        assert not any("năm" in w and "khác năm đánh giá" in w for w in planned.warnings)


def _paragraphs(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_the_published_layout_builds_letters_with_the_official_index(tmp_path: Path, books: Path) -> None:
    """`congvan build` on the Sở Nội vụ layout: the letter prints SIPAS chung and its rank; notes go to the manifest."""
    layout = gen.LAYOUTS["sipas_published"]
    workspace = make_workspace(tmp_path, layout)
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--data", str(books / "sipas_published.xlsx")])
    assert result.exit_code == 0, result.output
    (folder,) = (workspace / "output" / "drafts").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert any("bỏ qua 2 dòng nhóm" in w and "'KHỐI PHƯỜNG'" in w and "'KHỐI XÃ, ĐẶC KHU'" in w
               for w in manifest["warnings"])
    assert any("hết bảng ở đây ('NGƯỜI LẬP BIỂU | KT. GIÁM ĐỐC')" in w for w in manifest["warnings"])
    (letter,) = folder.glob("*phuong-nha-trang*.docx")
    text = _paragraphs(letter)
    assert ("Chỉ số hài lòng chung của UBND phường Nha Trang đạt 76,48%, xếp thứ 5/6 (Chỉ số chung của 6 đơn vị là "
            "82,16%)") in text
    assert "bình quân các tiêu chí" not in text


def test_without_an_official_column_the_letter_says_it_is_a_mean(tmp_path: Path, books: Path) -> None:
    layout = gen.LAYOUTS["literal_percent_formats"]
    workspace = make_workspace(tmp_path, layout)
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--data",
                                      str(books / "literal_percent_formats.xlsx")])
    assert result.exit_code == 0, result.output
    (letter,) = (workspace / "output" / "drafts").glob("*/*phuong-nha-trang*.docx")
    mean = round_half_up(fmean(gen.UNITS["Phường Nha Trang"]), 2)
    assert (f"Chỉ số hài lòng chung của UBND phường Nha Trang (bình quân các tiêu chí) đạt "
            f"{mean:.2f}%".replace(".", ",")) in _paragraphs(letter)
