"""The one sandbox: the same limits for templates, the docxtpl fallback and clerk texts, in any thread."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.errors import DataError, TemplateError
from congvan.render import texts as snippets
from congvan.render.sandbox import MAX_TEXT_CHARS, LimitError, make_environment
from congvan.render.template import LetterTemplate, iter_text

NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
# ~20 µs x 4 a step, 100 000 steps: several times any deadline here, on a fast machine too
SLOW_LOOP = ("{% for i in range(100000) %}{% set w = 'a'.center(999999) %}{% set x = 'b'.center(999999) %}"
             "{% set y = 'c'.center(999999) %}{% set z = 'd'.center(999999) %}{% endfor %}")

# (text a clerk might type, what the refusal says)
HOSTILE = [
    (NESTED_LOOPS, "lặp quá"),
    ("{% for i in range(3000) %}{% for c in chu_dai %}{% endfor %}{% endfor %}", "lặp quá"),
    ("{{ lipsum(1000000) }}", "'lipsum' is undefined"),
    ("{{ 'a' * 100000000 }}", "phép nhân .* quá dài"),
    ("{{ 2 ** 100000000 }}", "lũy thừa quá lớn"),
    ("{{ 'a'|center(999999999) }}", "bộ lọc center .* quá dài"),
    ("{{ 'a'.center(999999999) }}", r"center\(\) .* quá dài"),
    ("{{ 'a'.ljust(999999999) }}{{ 'a'.rjust(999999999) }}", r"ljust\(\) .* quá dài"),
    ("{{ '7'.zfill(999999999) }}", r"zfill\(\) .* quá dài"),
    ("{{ ('\\t' * 900000).expandtabs(100) }}", r"expandtabs\(\) .* quá dài"),
    ("{{ '{:>999999999}'.format(1) }}", r"format\(\) .* quá dài"),
    ("{{ '{:>{w}}'.format(1, w=999999999) }}", r"format\(\) .* quá dài"),
    ("{{ '%999999999d' % 1 }}", "phép định dạng % .* quá dài"),
    ("{{ '%*d'|format(999999999, 1) }}", "bộ lọc format .* quá dài"),
    ("{{ ('a' * 900000)|replace('a', 'aaaa') }}", "bộ lọc replace .* quá dài"),
    ("{{ ('a' * 900000).replace('a', 'aaaa') }}", r"replace\(\) .* quá dài"),
    ("{{ ('a' * 900000)|join('xx') }}", "bộ lọc join .* quá dài"),
    ("{{ 'xx'.join('a' * 900000) }}", r"join\(\) .* quá dài"),
    ("{{ ('a\\n' * 500000)|indent(8) }}", "bộ lọc indent .* quá dài"),
    ("{{ ('a ' * 400000)|wordwrap(1, wrapstring='xxxxxxxx') }}", "bộ lọc wordwrap .* quá dài"),
    ("{{ ('a' * 600000) + ('a' * 600000) }}", "phép cộng .* quá dài"),
    ("{{ ('a' * 600000) ~ ('a' * 600000) }}", "phép nối ~ .* quá dài"),
    ("{{ ('a' * 9).translate({97: 'b' * 900000}) }}", r"translate\(\) .* quá dài"),
    ("{{ ([[1] * 1000] * 1000)|sum(start=[]) }}", "bộ lọc sum .* quá dài"),
    # a list holding one long string a million times: cheap to build, a terabyte to print
    ("{% set l = ['a' * 999999] * 1000000 %}{{ l }}", "in ra giá trị này .* quá dài"),
    ("{% set l = ['a' * 999999] * 1000000 %}{{ l ~ 'x' }}", "in ra giá trị này .* quá dài"),
    ("{% set l = ['a' * 999999] * 1000000 %}{{ l|upper }}", "bộ lọc upper .* quá dài"),
    ("{% set l = ['a' * 999999] * 1000000 %}{{ l|join }}", "bộ lọc join .* quá dài"),
    ("{% set l = ['a' * 999999] * 1000000 %}{{ '%s' % (l,) }}", "phép định dạng % .* quá dài"),
    ("{% set l = ['a' * 999999] * 1000000 %}{{ '{}'.format(l) }}", r"format\(\) .* quá dài"),
]


def render_text(text: str, **values: object) -> str:
    return snippets.fill(text, {"chu_dai": "a" * 1000, **values}, "congvan.toml, van_ban.mo_dau")


@pytest.mark.parametrize(("text", "expected"), HOSTILE)
def test_a_hostile_text_is_refused_quickly_naming_the_place(text, expected):
    start = time.monotonic()
    with pytest.raises(DataError) as err:
        render_text(text)
    assert time.monotonic() - start < 5
    assert str(err.value).startswith("congvan.toml, van_ban.mo_dau: ")
    assert re.search(expected, str(err.value)), str(err.value)


@pytest.mark.parametrize(("text", "expected"), [c for c in HOSTILE if "{w}}" not in c[0]])  # "}}": split tag
def test_a_hostile_template_is_refused_quickly_naming_the_paragraph(tmp_path, text, expected):
    path = docx_template(tmp_path, "Mở đầu", text)
    start = time.monotonic()
    with pytest.raises(TemplateError) as err:
        LetterTemplate(path).render({"chu_dai": "a" * 1000})
    assert time.monotonic() - start < 5
    assert "(word/document.xml), đoạn 4" in str(err.value) and f'đoạn mẫu: "{text[:20]}' in str(err.value)
    assert re.search(expected, str(err.value)), str(err.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion"),
    ("{{ 1/0 }}", "division by zero"),
    ("{{ nam.khong_co() }}", "khong_co"),
])
def test_other_failures_of_a_text_are_errors_naming_the_place(text, expected):
    with pytest.raises(DataError, match=f"congvan.toml, van_ban.mo_dau: .*{expected}"):
        render_text(text, nam=2025)


def test_a_text_longer_than_its_cap_is_refused():
    with pytest.raises(DataError, match="vượt 100.000 ký tự"):
        render_text("{% for i in range(2000) %}{{ 'a' * 100 }}{% endfor %}")
    assert len(render_text("{{ 'a' * 1000 }}")) == 1000 < MAX_TEXT_CHARS


@pytest.mark.parametrize("text", [
    "{{ Nam }} và {{ don_vi }}",                 # a tag that is not a plain name, before a plain one
    "{{ don_vi }} năm {{ Nam }} và {{ nam }}",    # ... between two plain ones
    "{{ don_vi }} năm {{ Nam }}",                 # ... after the last one
])
def test_an_unknown_name_anywhere_is_an_error_not_raw_text(text):
    with pytest.raises(DataError, match="'Nam' is undefined"):
        snippets.fill(text, {"don_vi": "phường A", "nam": 2025}, "x")


@pytest.mark.parametrize("text", ["{{ ket_qua|upper }} rồi {{ don_vi }}", "{{ don_vi }}: {{ ket_qua|upper }}",
                                  "{# ghi chú #}{{ don_vi }}", "{% if nam %}có{% endif %} {{ don_vi }}"])
def test_jinja_between_plain_names_is_rendered_not_printed(text):
    filled = snippets.fill(text, {"ket_qua": "đạt", "don_vi": "phường A", "nam": 2025}, "x")
    assert not re.search(r"\{[{%#]|\}\}", filled)
    assert "phường A" in filled


def test_number_word_filters_in_texts_and_templates(tmp_path):
    values = {"so_tien": 1500000, "nam": 2024}
    assert snippets.fill("{{ nam|chu }}; {{ so_tien|bang_chu }}", values, "x") == \
        "hai nghìn không trăm hai mươi bốn; Một triệu năm trăm nghìn đồng"
    with pytest.raises(DataError, match="congvan.toml, van_ban.mo_dau: .*không phải số.*'abc'"):
        render_text("{{ 'abc'|chu }}")
    path = docx_template(tmp_path, "Bằng chữ: {{ so_tien|bang_chu }}")
    assert "Bằng chữ: Một triệu năm trăm nghìn đồng" in list(iter_text(LetterTemplate(path).render(values)))


def in_thread(work):
    """Run `work` in another thread (where SIGALRM cannot reach); return (exception, seconds)."""
    outcome: list[BaseException | None] = [None]

    def run() -> None:
        try:
            work()
        except BaseException as err:  # noqa: BLE001 (handed back to the test)
            outcome[0] = err

    start = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the render was not stopped"
    return outcome[0], time.monotonic() - start


def test_a_slow_template_is_stopped_in_a_thread(tmp_path):
    template = LetterTemplate(docx_template(tmp_path, SLOW_LOOP), seconds=1)
    err, seconds = in_thread(lambda: template.render({}))
    assert isinstance(err, TemplateError) and "quá 1 giây" in str(err)
    assert seconds < 5


def test_a_slow_text_is_stopped_in_a_thread():
    err, seconds = in_thread(lambda: render_text(SLOW_LOOP))
    assert isinstance(err, DataError) and "quá 2 giây" in str(err)
    assert seconds < 5


def test_nested_loops_over_data_are_stopped_in_a_thread():
    env = make_environment(seconds=60)
    template = env.from_string("{% for i in items %}{% for j in items %}{% endfor %}{% endfor %}")
    err, seconds = in_thread(lambda: template.render(items=list(range(100000))))
    assert isinstance(err, LimitError) and "lặp quá" in str(err)
    assert seconds < 5


def fallback_template(tmp_path: Path, text: str) -> LetterTemplate:
    """A template that renders through docxtpl itself: its document title holds a tag."""
    document = docx.Document()
    document.core_properties.title = "{{ tieu_de }}"
    document.add_paragraph(text)
    path = tmp_path / "mau_docxtpl.docx"
    document.save(path)
    template = LetterTemplate(path, seconds=1)
    assert template.fallback_reason
    return template


@pytest.mark.parametrize(("text", "expected"), [(NESTED_LOOPS, "lặp quá"), (SLOW_LOOP, "quá 1 giây"),
                                                ("{{ 'a'.center(999999999) }}", "quá dài"),
                                                ("{% for i in range(30) %}{{ 'a' * 999999 }}{% endfor %}", "vượt")])
def test_the_docxtpl_fallback_has_the_same_limits(tmp_path, text, expected):
    template = fallback_template(tmp_path, text)
    err, seconds = in_thread(lambda: template.render({"tieu_de": "T"}))
    assert isinstance(err, TemplateError) and expected in str(err), err
    assert seconds < 5
    assert "Đầu Cuối" in list(iter_text(fallback_template(tmp_path, "Đầu {{ tieu_de }}").render({"tieu_de": "Cuối"})))


# -- the same texts typed in each place a clerk writes them, through `congvan build` --

BUILD_CASES = [case for case in HOSTILE if case[0] in (
    NESTED_LOOPS, "{{ lipsum(1000000) }}", "{{ 'a' * 100000000 }}", "{{ 2 ** 100000000 }}",
    "{{ 'a'|center(999999999) }}", "{{ '{:>999999999}'.format(1) }}", "{{ ('a' * 900000)|replace('a', 'aaaa') }}",
    "{{ ('a' * 900000)|join('xx') }}")] + [
               ("{% for i in range(2000) %}{{ 'a' * 100 }}{% endfor %}", "vượt 100.000 ký tự"),
               ("{{ Nam }} và {{ don_vi }}", "'Nam' is undefined"),
               ("Đề nghị {{ don_vi|upper }} {{ Nam }}", "'Nam' is undefined"),
               ("Đề nghị {{ don_vi }", "lỗi cú pháp")]


def put_in_config(workspace: Path, text: str) -> str:
    path = workspace / "congvan.toml"
    path.write_text(re.sub(r'(?m)^mo_dau = ".*"$', lambda _: "mo_dau = " + json.dumps(text, ensure_ascii=False),
                           path.read_text(encoding="utf-8")), encoding="utf-8")
    return "congvan.toml, van_ban.mo_dau"


def put_in_catalog(workspace: Path, text: str) -> str:
    """Make every directive of the first criterion (whatever its verdict) the hostile text."""
    path = workspace / "data" / "tieu_chi.toml"
    source = path.read_text(encoding="utf-8")
    start = source.index("[bang.tieu_chi.chi_dao]")
    end = source.index("# --- Tiêu chí 2")
    block = re.sub(r'(?m)^    ".*",?$', lambda _: "    " + json.dumps(text, ensure_ascii=False) + ",",
                   source[start:end])
    path.write_text(source[:start] + block + source[end:], encoding="utf-8")
    return r"tieu_chi.toml, tiêu chí 'tiep_can', chi_dao\."


def put_in_recipients(workspace: Path, text: str) -> str:
    path = workspace / "recipients" / "danh_sach.toml"
    source = path.read_text(encoding="utf-8")
    assert 'don-vi = ["Ủy ban nhân dân {{ don_vi }}"]' in source
    path.write_text(source.replace('don-vi = ["Ủy ban nhân dân {{ don_vi }}"]',
                                   f"don-vi = [{json.dumps(text, ensure_ascii=False)}]"), encoding="utf-8")
    return r"danh_sach.toml, dòng \d+, khóa 'danh_sach.don-vi'"


@pytest.mark.parametrize("place", [put_in_config, put_in_catalog, put_in_recipients])
@pytest.mark.parametrize(("text", "expected"), BUILD_CASES)
def test_build_refuses_a_hostile_text_in_each_place(workspace, place, text, expected):
    where = place(workspace, text)
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace)])
    assert time.monotonic() - start < 5  # a hang guard, not a benchmark
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert re.search(where, result.output) and re.search(expected, result.output), result.output
    assert not (workspace / "output").exists(), "nothing may be written: no draft folder, no register"


def docx_template(tmp_path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "mau.docx"
    document.save(path)
    return path
