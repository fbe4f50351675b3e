"""The renderer: strict undefined names, sandbox, XML escaping, error locations, docxtpl tag support."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from congvan.errors import TemplateError
from congvan.render.template import LetterTemplate, iter_text


def make_template(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_renders_and_escapes_xml_special_characters(tmp_path):
    template = LetterTemplate(make_template(tmp_path / "t.docx", ["Kính gửi: {{ don_vi.ten }}"]))
    data = template.render({"don_vi": {"ten": "A & B <C> \"D\""}})
    assert list(iter_text(data))[0] == 'Kính gửi: A & B <C> "D"'
    assert docx.Document(_save(tmp_path, data)).paragraphs[0].text == 'Kính gửi: A & B <C> "D"'


def test_paragraph_loops_leave_no_empty_paragraphs(tmp_path):
    path = make_template(tmp_path / "t.docx", ["Đầu", "{%p for x in ds %}", "- {{ x }};", "{%p endfor %}", "Cuối"])
    texts = list(iter_text(LetterTemplate(path).render({"ds": ["một", "hai"]})))
    assert texts == ["Đầu", "- một;", "- hai;", "Cuối"]


def test_missing_top_level_name_is_reported_before_rendering(tmp_path):
    template = LetterTemplate(make_template(tmp_path / "t.docx", ["{{ co_quan.ten }}", "{{ so_ky_hieu }}"]))
    assert template.variables() == {"co_quan", "so_ky_hieu"}
    with pytest.raises(TemplateError, match="biến không có trong dữ liệu: so_ky_hieu"):
        template.check_context({"co_quan": {"ten": "X"}})


def test_undefined_attribute_names_the_paragraph(tmp_path):
    path = make_template(tmp_path / "t.docx", ["Mở đầu", "Thứ hai", "Đơn vị: {{ don_vi.ten_sai }}"])
    with pytest.raises(TemplateError) as info:
        LetterTemplate(path).render({"don_vi": {"ten": "X"}})
    message = str(info.value)
    assert "biến chưa được định nghĩa" in message and "ten_sai" in message
    assert "Đơn vị: {{ don_vi.ten_sai }}" in message and "t.docx" in message


def test_jinja_syntax_error_names_the_paragraph(tmp_path):
    path = make_template(tmp_path / "t.docx", ["Một", "Hai {% if x %} không đóng"])
    with pytest.raises(TemplateError) as info:
        LetterTemplate(path)
    assert "lỗi mẫu" in str(info.value) and "Hai {% if x %} không đóng" in str(info.value)


def test_sandbox_blocks_access_to_python_internals(tmp_path):
    path = make_template(tmp_path / "t.docx", ["{{ ''.__class__.__mro__[1].__subclasses__() }}"])
    with pytest.raises(TemplateError):
        LetterTemplate(path).render({})


def test_not_a_docx(tmp_path):
    bad = tmp_path / "t.docx"
    bad.write_text("không phải docx")
    with pytest.raises(TemplateError, match="không đọc được mẫu"):
        LetterTemplate(bad)


def _save(tmp_path: Path, data: bytes) -> Path:
    out = tmp_path / "out.docx"
    out.write_bytes(data)
    return out

