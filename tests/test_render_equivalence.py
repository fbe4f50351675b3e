"""The fast renderer gives the same document XML as docxtpl's own render, tag for tag, and the same bytes twice."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from lxml import etree

from congvan.batch import drafts
from congvan.cli import cli
from congvan.letter.context import pack, unpack
from congvan.render.sandbox import make_environment
from congvan.render.template import LetterTemplate, iter_text

ROOT = Path(__file__).resolve().parent.parent
XML_PARTS = ("word/document.xml", "word/header1.xml", "word/header2.xml", "word/footer1.xml")


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid RGB PNG (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def canonical_parts(data: bytes) -> dict[str, bytes]:
    """The XML parts of a .docx in exclusive C14N (namespace placement and attribute order do not matter)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name in XML_PARTS:
                root = etree.fromstring(archive.read(name))
                out[name] = etree.tostring(root, method="c14n", exclusive=True)
    return out


def docxtpl_bytes(path: Path, context: dict) -> bytes:
    document = DocxTemplate(str(path))
    document.render(context, jinja_env=make_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def assert_same_as_docxtpl(path: Path, context: dict) -> bytes:
    ours = LetterTemplate(path).render(context)
    theirs = docxtpl_bytes(path, context)
    ours_parts, their_parts = canonical_parts(ours), canonical_parts(theirs)
    assert set(ours_parts) == set(their_parts)
    for name in their_parts:
        assert ours_parts[name] == their_parts[name], name
    return ours


def test_sample_batch_matches_docxtpl(workspace):
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    (batch,) = [p for p in (workspace / "output" / "drafts").iterdir() if not p.name.startswith(".")]
    letters = drafts.load_batch(batch).letters
    assert len(letters) == 5
    for letter in letters:
        ours = assert_same_as_docxtpl(batch / "template.docx", letter.context)
        assert ours == (batch / letter.file).read_bytes()  # what build wrote is what render gives


@pytest.fixture
def feature_template(tmp_path: Path) -> Path:
    """A template using {%p %}, {%tr %}, {%tc %}, {%r %}, {{r }} RichText, a picture and a templated header."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Số: {{ so }}"
    document.add_paragraph("Kính gửi: {{ don_vi }}")
    document.add_paragraph("{%p if ghi_chu %}")
    document.add_paragraph("Ghi chú: {{ ghi_chu }}")
    document.add_paragraph("{%p endif %}")
    paragraph = document.add_paragraph("Kết quả ")
    paragraph.add_run("{%r if dat %}").bold = True
    paragraph.add_run("đạt")
    paragraph.add_run("{%r else %}")
    paragraph.add_run("chưa đạt")
    paragraph.add_run("{%r endif %}")
    document.add_paragraph("Nhận xét: {{r nhan_xet }}")
    rows = document.add_table(rows=4, cols=2)
    rows.cell(0, 0).text, rows.cell(0, 1).text = "Tiêu chí", "Điểm"
    rows.cell(1, 0).text = "{%tr for t in tieu_chi %}"
    rows.cell(2, 0).text, rows.cell(2, 1).text = "{{ t.ten }}", "{{ t.diem }}"
    rows.cell(3, 0).text = "{%tr endfor %}"
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["{%tc for c in cot %}", "{{ c }}", "{%tc endfor %}"], strict=True):
        cell.text = text
    document.add_paragraph("Danh sách:\n{{ danh_sach }}")
    image = tmp_path / "logo.png"
    image.write_bytes(png())
    document.add_picture(str(image), width=Mm(10))
    path = tmp_path / "features.docx"
    document.save(path)
    return path


def feature_context(dat: bool) -> dict:
    rich = RichText("in đậm & <nghiêng>", bold=True)
    rich.add(" thường", italic=True)
    return {
        "so": "05/SNV-CCHC", "don_vi": "phường A & B <C>", "ghi_chu": "có" if dat else "", "dat": dat,
        "nhan_xet": rich, "tieu_chi": [{"ten": "Tiếp cận", "diem": "72,27%"}, {"ten": "Thủ tục", "diem": "85,70%"}],
        "cot": ["Cột 1", "Cột 2", "Cột 3", "Cột 4", "Cột 5"], "danh_sach": "- một;\n- hai.",
    }


@pytest.mark.parametrize("dat", [True, False])
def test_docxtpl_features_match(feature_template, dat):
    template = LetterTemplate(feature_template)
    assert template.fallback_reason == ""  # all of these stay on the fast path
    ours = assert_same_as_docxtpl(feature_template, feature_context(dat))
    text = list(iter_text(ours))
    assert ("Kết quả đạt" in text) is dat and ("Ghi chú: có" in text) is dat
    document = docx.Document(io.BytesIO(ours))
    grid = document.tables[1]._tbl.tblGrid.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
    assert len(grid) == 5  # {%tc %} made five cells from a 3-column grid; the grid follows (docxtpl's fix_tables)
    assert [c.text for c in document.tables[1].rows[0].cells] == ["Cột 1", "Cột 2", "Cột 3", "Cột 4", "Cột 5"]
    assert [c.text for c in document.tables[0].column_cells(0)] == ["Tiêu chí", "Tiếp cận", "Thủ tục"]


def test_inline_image_falls_back_to_docxtpl_and_matches(feature_template, tmp_path):
    image = tmp_path / "anh.png"
    image.write_bytes(png(4, 4))
    path = tmp_path / "with_image.docx"
    document = docx.Document(str(feature_template))
    document.add_paragraph("Ảnh: {{ anh }}")
    document.save(path)
    context = feature_context(True)
    context["anh"] = InlineImage(DocxTemplate(str(path)), str(image), width=Mm(20))
    ours = LetterTemplate(path).render(context)
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(media) == 2  # the template's picture and the inline image
    context["anh"] = InlineImage(DocxTemplate(str(path)), str(image), width=Mm(20))
    assert LetterTemplate(path).render(context) == ours  # deterministic on the fallback path too


def test_templated_document_properties_fall_back_and_say_why(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ don_vi }}")
    document.core_properties.title = "Công văn gửi {{ don_vi }}"
    path = tmp_path / "props.docx"
    document.save(path)
    template = LetterTemplate(path)
    assert "docProps/core.xml" in template.fallback_reason
    data = template.render({"don_vi": "xã X"})
    assert docx.Document(io.BytesIO(data)).core_properties.title == "Công văn gửi xã X"
    assert canonical_parts(data) == canonical_parts(docxtpl_bytes(path, {"don_vi": "xã X"}))


def test_same_context_gives_identical_bytes(feature_template):
    first = LetterTemplate(feature_template).render(feature_context(True))
    second = LetterTemplate(feature_template).render(feature_context(True))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {
            info.date_time for info in zipfile.ZipFile(feature_template).infolist()}


def test_stored_contexts_write_each_criterion_once(workspace):
    assert CliRunner().invoke(cli, ["build", "-w", str(workspace), "--dry-run"]).exit_code == 0
    from congvan.batch.build import BuildOptions, plan
    from congvan.config import load_workspace

    planned = plan(load_workspace(workspace), BuildOptions())
    for letter in planned.letters:
        context = planned.contexts(letter)
        stored = json.loads(json.dumps(pack(context), ensure_ascii=False))
        assert unpack(stored) == json.loads(json.dumps(context, ensure_ascii=False))
        assert unpack(json.loads(json.dumps(context))) == json.loads(json.dumps(context))  # old drafts still load
        assert len(json.dumps(stored)) < 0.6 * len(json.dumps(context))
