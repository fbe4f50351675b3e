"""A chart in each letter (`[van_ban] bieu_do = true`): drawn right, placed on the fast path, printed on page 1-2."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from congvan.batch import drafts
from congvan.batch.build import BuildOptions, build, plan
from congvan.config import load_workspace
from congvan.errors import TemplateError
from congvan.letter.assessment import round_half_up
from congvan.lint.check import check_docx
from congvan.render import charts
from congvan.render.template import LetterTemplate, iter_text
from congvan.render.texts import fill
from tests.conftest import CRITERIA_HEADERS, UNITS, require_tool

LABELS = ("Tiếp cận dịch vụ", "Thủ tục hành chính", "Tiếp nhận, xử lý phản ánh, kiến nghị")


def chart(scores: tuple[float, ...] = (72.21, 90.0, 83.0)) -> charts.BarChart:
    return charts.BarChart(LABELS, scores, (83.0, 83.0, 83.0), (80.0, 75.5, 85.25), 2)


def pixels(picture: charts.Picture) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(picture.png)).convert("RGB"))


def test_bars_are_as_long_as_the_scores_and_coloured_by_verdict():
    picture = pixels(charts.draw(chart()))
    base = charts._background(LABELS, (83.0, 83.0, 83.0), (80.0, 75.5, 85.25), charts.LEGEND[2])
    met, short = charts.PALETTE[charts.MET], charts.PALETTE[charts.SHORT]
    for row, (score, colour) in enumerate(zip((72.21, 90.0, 83.0), (short, met, met), strict=True)):
        top, bottom = base.bar_rows[row]
        line = picture[(top + bottom) // 2]
        coloured = np.flatnonzero((line == colour).all(axis=1))
        assert coloured[0] == base.x_zero
        # the bar ends where the score is (the target mark drawn over it is black)
        assert abs(base.x_of(score) - coloured[-1]) <= base.line + 1, row


def test_same_data_same_bytes_and_print_resolution():
    first, second = charts.draw(chart()), charts.draw(chart())
    assert first.png == second.png
    image = Image.open(io.BytesIO(first.png))
    assert round(image.info["dpi"][0]) == charts.DPI
    assert round(first.width_emu / 360_000, 1) == charts.WIDTH_CM  # 360,000 EMU a centimetre
    assert charts.draw(chart((72.22, 90.0, 83.0))).png != first.png


def test_chart_data_round_trips_through_the_stored_context_and_bad_data_is_refused():
    data = json.loads(json.dumps(chart().to_dict()))
    assert charts.BarChart.from_dict(data) == chart()
    with pytest.raises(ValueError):
        charts.BarChart.from_dict({**data, "ket_qua": [1.0]})


def chart_workspace(workspace: Path) -> Path:
    config = workspace / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[van_ban]\n", "[van_ban]\nbieu_do = true\n", 1),
                      encoding="utf-8")
    return workspace


@pytest.fixture
def charted(workspace: Path) -> Path:
    report = build(load_workspace(chart_workspace(workspace)), BuildOptions())
    assert report.folder is not None
    return report.folder


def nha_trang(folder: Path) -> Path:
    return next(folder.glob("*_phuong-nha-trang.docx"))


def test_the_letter_carries_the_chart_after_the_summary_sentence(charted):
    path = nha_trang(charted)
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        body = archive.read("word/document.xml").decode()
        relations = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
        png = archive.read("word/media/cv_hinh1.png")
    assert names.count("word/media/cv_hinh1.png") == 1 and "word/media/cv_hinh2.png" not in names  # Trạm y tế: 1
    assert 'Target="media/cv_hinh1.png"' in relations and 'Extension="png"' in types
    # the drawing's paragraph comes right after the summary sentence of section 1
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", body, flags=re.S)
    index = next(i for i, p in enumerate(paragraphs) if "<w:drawing>" in p)
    before = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", paragraphs[index - 1]))
    assert before.startswith("Năm 2025, Chỉ số hài lòng chung của UBND phường Nha Trang")
    averages = tuple(round_half_up(sum(s[i] for s in UNITS.values()) / len(UNITS), 2) for i in range(6))
    expected = charts.BarChart(tuple(CRITERIA_HEADERS), tuple(UNITS["Phường Nha Trang"]), (83.0,) * 6, averages, 2)
    assert png == charts.draw(expected).png
    assert [f for f in check_docx(path) if f.severity == "error"] == []


def test_the_stored_context_renders_the_same_letter(charted, workspace):
    """Issuing re-renders from the stored context: the chart comes back from its data, byte for byte."""
    path = nha_trang(charted)
    context = next(letter.context for letter in drafts.load_batch(path.parent).letters if letter.file == path.name)
    template = LetterTemplate(workspace / "templates_docx" / "cong_van_chi_dao.docx")
    assert template.render(context) == path.read_bytes()


def test_without_the_setting_no_picture(workspace):
    report = build(load_workspace(workspace), BuildOptions())
    assert report.folder is not None
    with zipfile.ZipFile(next(report.folder.glob("*_phuong-nha-trang.docx"))) as archive:
        assert not any(n.startswith("word/media/") for n in archive.namelist())
        assert "<w:drawing>" not in archive.read("word/document.xml").decode()


def test_a_template_without_the_chart_paragraph_is_warned(workspace, tmp_path):
    import docx

    old = docx.Document(str(workspace / "templates_docx" / "cong_van_chi_dao.docx"))
    for paragraph in old.paragraphs:
        if "hinh" in paragraph.text:
            paragraph.text = "{{ b.chi_so }}"
    old.save(str(workspace / "templates_docx" / "cong_van_chi_dao.docx"))
    warnings = plan(load_workspace(chart_workspace(workspace)), BuildOptions()).warnings
    assert any("bieu_do = true" in w and "{{ b.bieu_do|hinh }}" in w for w in warnings)


def test_clerk_texts_cannot_place_pictures():
    with pytest.raises(Exception, match="bộ lọc hinh"):
        fill("{{ x|hinh }}", {"x": chart().to_dict()}, "tieu_chi.toml")


def test_bad_chart_data_is_refused_naming_the_template(workspace):
    planned = plan(load_workspace(chart_workspace(workspace)), BuildOptions())
    context = planned.contexts(planned.letters[0])
    assert "Năm 2025" in "".join(iter_text(planned.template.render(context)))
    context["bang"][0]["bieu_do"] = {"nhan": ["a"]}
    with pytest.raises(TemplateError, match=r"cong_van_chi_dao\.docx.*bộ lọc hinh"):
        planned.template.render(context)


@pytest.mark.soffice
def test_the_chart_prints_on_page_one_or_two(charted, tmp_path):
    require_tool("soffice")
    path = nha_trang(charted)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    reader = PdfReader(tmp_path / path.with_suffix(".pdf").name)
    with_images = [number for number, page in enumerate(reader.pages, start=1) if page.images]
    assert with_images and with_images[0] <= 2
    image = reader.pages[with_images[0] - 1].images[0]
    assert image.image is not None and image.image.width >= 1800  # printed from the 300 dpi picture
