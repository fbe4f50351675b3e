"""Hostile or broken templates are stopped with a clear error, quickly, before anything is written."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.errors import TemplateError
from congvan.render.template import LetterTemplate, iter_text


def template(tmp_path: Path, *paragraphs: str, runs: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for pieces in runs or []:
        paragraph = document.add_paragraph()
        for piece in pieces:
            paragraph.add_run(piece).bold = True
    path = tmp_path / "mau.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("text", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ don_vi.ten.__class__.__base__.__subclasses__() }}",
    "{{ don_vi.ten.format.__globals__ }}",
])
def test_python_internals_are_out_of_reach(tmp_path, text):
    with pytest.raises(TemplateError, match="unsafe|không|lỗi"):
        LetterTemplate(template(tmp_path, text)).render({"don_vi": {"ten": "xã A"}})


@pytest.mark.parametrize("text", ["{% include '/etc/passwd' %}", "{% import '/etc/passwd' as x %}",
                                  "{% extends '/etc/hostname' %}"])
def test_files_cannot_be_read(tmp_path, text):
    with pytest.raises(TemplateError) as err:
        LetterTemplate(template(tmp_path, text)).render({})
    assert "root:" not in str(err.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("{{ 'a' * 100000000 }}", "chuỗi quá dài"),
    ("{{ [1] * 100000000 }}", "chuỗi quá dài"),
    ("{{ 2 ** 100000000 }}", "lũy thừa quá lớn"),
    ("{{ range(10**9)|list }}", r"range\(\) quá dài"),
    ("{{ lipsum(1000000) }}", "lipsum"),
    ("{% set x = 'a' * 1000000 %}{% for i in range(100) %}{{ x }}{% endfor %}", "vượt"),
])
def test_huge_output_is_refused(tmp_path, text, expected):
    start = time.monotonic()
    with pytest.raises(TemplateError, match=expected):
        LetterTemplate(template(tmp_path, text)).render({})
    assert time.monotonic() - start < 10


def test_nested_loops_are_stopped_by_the_step_budget(tmp_path):
    path = template(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}x")
    start = time.monotonic()
    with pytest.raises(TemplateError, match="lặp quá 1.000.000 bước"):
        LetterTemplate(path).render({})
    assert time.monotonic() - start < 5


def test_a_slow_loop_is_stopped_by_the_time_limit(tmp_path):
    path = template(tmp_path, "{% for i in range(100000) %}{% set x = 'a'.center(999999) %}{% endfor %}x")
    start = time.monotonic()
    with pytest.raises(TemplateError, match="quá 1 giây"):
        LetterTemplate(path, seconds=1).render({})
    assert time.monotonic() - start < 5


def test_a_tag_split_across_paragraphs_is_reported_before_rendering(tmp_path):
    path = template(tmp_path, "Mở đầu", "Kính gửi: {{ don_vi", ".ten }}")
    with pytest.raises(TemplateError) as err:
        LetterTemplate(path)
    assert "đoạn 2" in str(err.value) and "thẻ bị tách" in str(err.value)
    assert "Kính gửi: {{ don_vi" in str(err.value)


def test_a_tag_split_across_runs_of_one_paragraph_still_works(tmp_path):
    path = template(tmp_path, runs=[["Kính gửi: {", "{ don_vi", ".ten }", "}"]])
    data = LetterTemplate(path).render({"don_vi": {"ten": "xã A & B"}})
    assert list(iter_text(data)) == ["Kính gửi: xã A & B"]


def test_two_p_tags_in_one_paragraph(tmp_path):
    path = template(tmp_path, "{%p if a %}{%p endif %}")
    with pytest.raises(TemplateError, match="hai thẻ {%p") as err:
        LetterTemplate(path)
    assert "{%p if a %}{%p endif %}" in str(err.value)


def test_percent_inside_a_p_tag(tmp_path):
    path = template(tmp_path, "{%p if ty_le > 50% %}", "Đạt", "{%p endif %}")
    with pytest.raises(TemplateError, match="dấu % bên trong thẻ") as err:
        LetterTemplate(path)
    assert "đoạn 1" in str(err.value)


def test_build_with_a_hostile_template_writes_nothing(workspace, tmp_path):
    path = template(tmp_path, "{{ cycler.__init__.__globals__ }}")
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--template", str(path)])
    assert result.exit_code == 1 and "unsafe" in result.output
    assert not (workspace / "output" / "drafts").exists() or not any((workspace / "output" / "drafts").iterdir())
