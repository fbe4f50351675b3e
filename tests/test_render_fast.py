"""The renderer's fast path (render/parts.py) gives the exact path's bytes, and refuses what it refuses, alike."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import _escape_inner, escape

from bench.render import make_workspace as bench_workspace
from bench.render import set_charts
from congvan.batch.build import BuildOptions, plan
from congvan.config import load_workspace
from congvan.errors import TemplateError
from congvan.render import parts
from congvan.render.sandbox import make_environment
from congvan.render.template import LetterTemplate

BODY = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}'
        '</w:body></w:document>')


def docx(tmp_path: Path, body: str, name: str = "mau.docx") -> Path:
    """A template whose word/document.xml is `body` inside BODY (written as is: tags may sit anywhere)."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", BODY.format(body))
    return path


def outcome(template: LetterTemplate, context: dict[str, Any]) -> bytes | str:
    """The letter's bytes, or the message it is refused with."""
    try:
        return template.render(context)
    except TemplateError as err:
        return f"refused: {err}"


def same_everywhere(path: Path, contexts: list[dict[str, Any]]) -> list[bytes | str]:
    """Render each context on the fast and the exact path; assert the outcomes are the same; return them."""
    fast, exact = LetterTemplate(path), LetterTemplate(path, exact=True)
    assert fast._fast and not exact._fast  # the fast path is there to be compared
    outcomes = [outcome(fast, context) for context in contexts]
    assert outcomes == [outcome(exact, context) for context in contexts]
    return outcomes


def planned_contexts(workspace: Path) -> tuple[Path, list[dict[str, Any]]]:
    planned = plan(load_workspace(workspace), BuildOptions(workers=1))
    return planned.template.path, [planned.contexts(letter) for letter in planned.letters]


def test_sample_and_bench_letters_have_the_exact_bytes(workspace, tmp_path):
    (tmp_path / "bench").mkdir()
    bench = bench_workspace(tmp_path / "bench", 60)
    for folder in (workspace, bench):
        path, contexts = planned_contexts(folder)
        template = LetterTemplate(path)
        proven = [template._fast["word/document.xml"].render(context) for context in contexts]
        assert sum(1 for done in proven if done and done[1]) > len(contexts) // 2  # most skip the parse
        same_everywhere(path, contexts)
    set_charts(bench, True)  # a picture in each section: Markup values, a full check each
    path, contexts = planned_contexts(bench)
    assert all(isinstance(done, bytes) for done in same_everywhere(path, contexts[:8]))


@pytest.mark.parametrize("value", [
    "Ủy ban nhân dân <xã> & \"B\" 'C'", "", "a\nb\n", "\tthụt", "đoạn\ahai", "trang\fhai", "a\u00a0b",
    "\x01", "x\x0by", "\x1f", "\ufffe", "a\uffff", "]]", "]", ">", "{_{ x }_}", "{{ y }}", 12, 3.5, None, True,
])
def test_values_in_text_and_attributes(tmp_path, value):
    body = ('<w:p><w:pPr><w:pStyle w:val="{{ v }}"/></w:pPr><w:r><w:t xml:space="preserve">a{{ v }}b</w:t>'
            '</w:r></w:p><w:p><w:r><w:t>]]{{ v }}</w:t></w:r></w:p>')
    outcomes = same_everywhere(docx(tmp_path, body), [{"v": value}, {"v": "thường"}, {"v": value}])
    refused = isinstance(outcomes[0], str)  # "\a", "\f" become paragraphs and page breaks, not in the attribute
    assert refused == (isinstance(value, str) and any(c in value for c in "\x01\x0b\x1f\ufffe\uffff\a\f"))
    assert not isinstance(outcomes[1], str)


@pytest.mark.parametrize(("body", "values"), [
    ("<w:p><w:{{ v }}/></w:p>", ["b", "a b", "", "x:y"]),  # a value as an element name
    ('<w:p w:{{ v }}="1"/>', ["a", "a b", ""]),  # as an attribute name
    ("<w:p><!-- {{ v }} --></w:p>", ["a", "--", ""]),  # in a comment
    ("<w:p><w:t>]]{{ v }}></w:t></w:p>", ["a", "", "]"]),  # around `]]>`
    ('<w:p xmlns:x="{{ v }}"/>', ["urn:a", "", "http://www.w3.org/XML/1998/namespace"]),  # a namespace name
    ("<w:p><w:t>&amp{{ v }};</w:t></w:p>", ["", "x"]),  # inside a reference
    ("<w:p>{% if v %}<w:r>{% endif %}</w:p>", ["a", ""]),  # a branch that leaves a tag open
    ("<w:p>{% for x in v %}<w:r>{% endfor %}{% for x in v %}</w:r>{% endfor %}</w:p>", [["a"], [], ["a", "b"]]),
])
def test_values_where_the_proof_does_not_reach_fall_back_to_the_same_check(tmp_path, body, values):
    contexts = [{"v": value} for value in values]
    outcomes = same_everywhere(docx(tmp_path, body), contexts + contexts[::-1])
    assert outcomes[:len(values)] == outcomes[len(values):][::-1]


def test_markup_values_and_letters_with_listings_are_checked_in_full(tmp_path):
    body = ("<w:p><w:r><w:t>{{ a|join('\\n') }}</w:t></w:r></w:p><w:p><w:r><w:t>{{p b|khoi_van_ban }}</w:t></w:r>"
            "</w:p><w:p><w:r><w:t>{{ c|safe }}</w:t></w:r></w:p>")
    blocks = [{"kind": "paragraph", "runs": [["một <hai>", True, False]]}]
    contexts = [{"a": ["x", "y"], "b": blocks, "c": "&amp;"}, {"a": ["x"], "b": [], "c": "<w:br/>"},
                {"a": [], "b": blocks, "c": "</w:t>"}, {"a": ["z\x01"], "b": [], "c": ""}]
    outcomes = same_everywhere(docx(tmp_path, body), contexts)
    assert [isinstance(o, str) for o in outcomes] == [False, False, True, True]


def test_the_proof_is_kept_per_shape(tmp_path):
    path = docx(tmp_path, '<w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p>{% for x in b %}<w:p w:x="{{ x }}"/>{% endfor %}')
    part = LetterTemplate(path)._fast["word/document.xml"]
    first = part.render({"a": "một", "b": [1, 2]})
    second = part.render({"a": "hai & ba", "b": ["x", "y"]})
    assert first and second and first[1] and second[1]
    assert len(part._shapes) == 1  # same literals in the same order: one verdict
    assert part.render({"a": "bốn", "b": [1]}) is not None and len(part._shapes) == 2


def test_templates_whose_literals_feed_values_have_no_fast_part(tmp_path):
    for body in ("{% set x %}<w:p/>{% endset %}{{ x|length }}", "{% macro m() %}<w:p/>{% endmacro %}{{ m() }}",
                 "{% filter upper %}<w:p/>{% endfilter %}", "{% for x in [1] recursive %}<w:p/>{% endfor %}"):
        assert not LetterTemplate(docx(tmp_path, body))._fast


def test_xml_refuses_exactly_the_characters_the_fast_path_looks_for():
    allowed = "".join(chr(c) for c in range(0x110000)
                      if not 0xD800 <= c <= 0xDFFF and not parts._FORBIDDEN.match(chr(c)) and chr(c) not in "<&\r")
    text = str(escape(allowed))
    document = f'<a b="{text}">{text}</a>'.encode()
    expat.ParserCreate(namespace_separator=" ").Parse(document, True)
    for code in [*range(0x20), 0xFFFE, 0xFFFF]:
        char = chr(code)
        if parts._FORBIDDEN.match(char):
            assert not char.isprintable()  # so print_value makes it OtherText, which is searched
            for place in (f"<a>{char}</a>", f'<a b="{char}"/>'):
                with pytest.raises(expat.ExpatError):
                    expat.ParserCreate(namespace_separator=" ").Parse(place.encode(), True)
    assert not any(char.isprintable() for char in "\n\t\a\f")


def test_escape_inner_is_markupsafe_escape():
    for text in ["", "a", "<>&'\"", "Ủy ban & <x>", "\x00\ufffe", "a" * 1000 + "<"]:
        assert _escape_inner(text) == str(escape(text))


def test_one_shot_deflate_is_the_stream_of_a_compressor():
    rng = random.Random(3)
    for size in [0, 1, 100, 19_060, 70_000, 300_000]:
        data = bytes(rng.choice(b"<w:p> Uy ban\xc3\xa1") for _ in range(size))
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        assert zlib.compress(data, 1, -15) == compressor.compress(data) + compressor.flush()


def test_dict_attributes_read_as_jinja_reads_them():
    env = make_environment()
    data = {"tieu_de": "a", "items": "b", "keys": 1, "_x": 2}
    for name in [*dir(dict), "tieu_de", "thieu", "_x", "__class__"]:
        ours, theirs = env.getattr(data, name), ImmutableSandboxedEnvironment.getattr(env, data, name)
        assert type(ours) is type(theirs) and repr(ours) == repr(theirs), name
