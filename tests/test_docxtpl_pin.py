"""Pin the docxtpl behaviour congvan relies on, so that a docxtpl upgrade that changes it fails here, loudly.

congvan/render/docxtpl_adapter.py is the only module that uses docxtpl: it calls docxtpl's `patch_xml`,
`resolve_listing` and `fix_tables` on an instance without a document, mirrors `fix_docpr_ids`, and renders
whole documents with `DocxTemplate(path).render(context, jinja_env=..., autoescape=True)` and `.save()`.
The expected strings below are docxtpl 0.20.2's output, checked by hand against what Word shows.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import inspect
import re
import tomllib
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from congvan.render import docxtpl_adapter

ROOT = Path(__file__).resolve().parent.parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_installed_docxtpl_is_inside_the_pinned_bound():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (spec,) = [d for d in dependencies if d.startswith("docxtpl")]
    lower, upper = re.fullmatch(r"docxtpl>=([\d.]+),<([\d.]+)", spec).groups()
    installed = _version(importlib.metadata.version("docxtpl"))
    assert _version(lower) <= installed < _version(upper), f"docxtpl {installed} outside {spec}: re-check this file"


def test_only_the_adapter_imports_docxtpl():
    importers = []
    for path in sorted((ROOT / "congvan").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] == "docxtpl" for name in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert importers == ["congvan/render/docxtpl_adapter.py"]


SIGNATURES = [
    (DocxTemplate.__init__, ["self", "template_file"]),
    (DocxTemplate.patch_xml, ["self", "src_xml"]),
    (DocxTemplate.resolve_listing, ["self", "xml"]),
    (DocxTemplate.fix_tables, ["self", "xml"]),
    (DocxTemplate.render_init, ["self"]),
    (DocxTemplate.fix_docpr_ids, ["self", "tree"]),
    (DocxTemplate.render, ["self", "context", "jinja_env", "autoescape"]),
    (DocxTemplate.save, ["self", "filename", "args", "kwargs"]),
]


@pytest.mark.parametrize(("method", "parameters"), SIGNATURES, ids=[method.__qualname__ for method, _ in SIGNATURES])
def test_the_docxtpl_names_the_adapter_calls(method, parameters):
    assert list(inspect.signature(method).parameters) == parameters


def test_docxtpl_objects_are_recognised_by_name_and_carry_their_template():
    """The adapter spots InlineImage/Subdoc by class name (docxtpl.subdoc needs docxcompose) and sets `.tpl`."""
    image = InlineImage(None, "anh.png")
    assert docxtpl_adapter.is_docxtpl_object(image) and image.tpl is None
    assert not docxtpl_adapter.is_docxtpl_object("InlineImage")
    subdoc_source = Path(importlib.util.find_spec("docxtpl.subdoc").origin).read_text(encoding="utf-8")
    assert "class Subdoc(object):" in subdoc_source and "self.tpl = tpl" in subdoc_source


# -- patch_xml: what the tags become before Jinja (then one paragraph per line) --

PATCHED = [
    ("{%p %} replaces its paragraph",
     "<w:body><w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p><w:p><w:r><w:t>A</w:t></w:r></w:p>"
     "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p></w:body>",
     "<w:body>{% if x %}\n<w:p><w:r><w:t>A</w:t></w:r></w:p>{% endif %}</w:body>"),
    ("{%tr %} replaces its row",
     "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{%tr for t in ts %}</w:t></w:r></w:p></w:tc></w:tr>"
     "<w:tr><w:tc><w:p><w:r><w:t>{{ t }}</w:t></w:r></w:p></w:tc></w:tr>"
     "<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
     '<w:tbl>{% for t in ts %}<w:tr><w:tc>\n<w:p><w:r><w:t xml:space="preserve">{{ t }}</w:t></w:r></w:p></w:tc>'
     "</w:tr>{% endfor %}</w:tbl>"),
    ("{%tc %} replaces its cell",
     "<w:tr><w:tc><w:p><w:r><w:t>{%tc for c in cs %}</w:t></w:r></w:p></w:tc>"
     "<w:tc><w:p><w:r><w:t>{{ c }}</w:t></w:r></w:p></w:tc>"
     "<w:tc><w:p><w:r><w:t>{%tc endfor %}</w:t></w:r></w:p></w:tc></w:tr>",
     '<w:tr>{% for c in cs %}<w:tc>\n<w:p><w:r><w:t xml:space="preserve">{{ c }}</w:t></w:r></w:p></w:tc>'
     "{% endfor %}</w:tr>"),
    ("{%r %} replaces its run",
     "<w:p><w:r><w:t>Kết quả </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{%r if dat %}</w:t></w:r>"
     "<w:r><w:t>đạt</w:t></w:r><w:r><w:t>{%r endif %}</w:t></w:r></w:p>",
     '\n<w:p><w:r><w:t>Kết quả </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"></w:t></w:r>'
     '{% if dat %}<w:r><w:t xml:space="preserve"></w:t></w:r><w:r><w:t>đạt</w:t></w:r>'
     '<w:r><w:t xml:space="preserve"></w:t></w:r>{% endif %}<w:r><w:t xml:space="preserve"></w:t></w:r></w:p>'),
    ("{{ }} split over runs is joined",
     "<w:p><w:r><w:t>Kính gửi: {</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{ don_</w:t></w:r>"
     "<w:r><w:t>vi }</w:t></w:r><w:r><w:t>}</w:t></w:r></w:p>",
     '\n<w:p><w:r><w:t xml:space="preserve">Kính gửi: {{ don_vi }}</w:t></w:r></w:p>'),
    ("typographic quotes inside a tag become plain ones",
     "<w:p><w:r><w:t>{{ “a” if x else ‘b’ }}</w:t></w:r></w:p>",
     '\n<w:p><w:r><w:t xml:space="preserve">{{ "a" if x else \'b\' }}</w:t></w:r></w:p>'),
]


@pytest.mark.parametrize(("source", "patched"), [case[1:] for case in PATCHED], ids=[case[0] for case in PATCHED])
def test_prepare_is_docxtpl_patch_xml(source, patched):
    assert docxtpl_adapter.prepare(source) == patched
    assert docxtpl_adapter.finish(docxtpl_adapter.prepare(source), body=False) == patched.replace("\n<w:p", "<w:p")


# -- resolve_listing: "\n", "\t", "\a", "\f" in rendered text --

_PARAGRAPH = '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>a{}b</w:t></w:r></w:p>'
_P_PR, _R_PR = '<w:pPr><w:jc w:val="both"/></w:pPr>', "<w:rPr><w:b/></w:rPr>"
LISTINGS = [
    ("\n", f'<w:p>{_P_PR}<w:r>{_R_PR}<w:t>a</w:t><w:br/><w:t xml:space="preserve">b</w:t></w:r></w:p>'),
    ("\t", f"<w:p>{_P_PR}<w:r>{_R_PR}<w:t>a</w:t></w:r><w:r>{_R_PR}<w:tab/></w:r>"
           f'<w:r>{_R_PR}<w:t xml:space="preserve">b</w:t></w:r></w:p>'),
    ("\a", f"<w:p>{_P_PR}<w:r>{_R_PR}<w:t>a</w:t></w:r></w:p>"
           f'<w:p>{_P_PR}<w:r>{_R_PR}<w:t xml:space="preserve">b</w:t></w:r></w:p>'),
    ("\f", f"<w:p>{_P_PR}<w:r>{_R_PR}<w:t>a</w:t></w:r></w:p>"
           '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
           f'<w:p>{_P_PR}<w:r>{_R_PR}<w:t xml:space="preserve">b</w:t></w:r></w:p>'),
]


@pytest.mark.parametrize(("char", "resolved"), LISTINGS, ids=["newline", "tab", "new paragraph", "page break"])
def test_finish_resolves_listings_like_docxtpl(char, resolved):
    untouched = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    xml = untouched + _PARAGRAPH.format(char) + untouched
    assert docxtpl_adapter.finish(xml, body=False) == untouched + resolved + untouched


def test_finish_restores_escaped_braces():
    xml = "<w:p><w:r><w:t>{_{ a }_} {_% b %_}</w:t></w:r></w:p>"
    assert docxtpl_adapter.finish(xml, body=False) == "<w:p><w:r><w:t>{{ a }} {% b %}</w:t></w:r></w:p>"


# -- fix_tables: the grid follows the cells a {%tc %} loop made --

def _table(grid: list[int], cells: int) -> str:
    columns = "".join(f'<w:gridCol w:w="{width}"/>' for width in grid)
    row = "<w:tc><w:p/></w:tc>" * cells
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
            f"<w:tbl><w:tblGrid>{columns}</w:tblGrid><w:tr>{row}</w:tr></w:tbl></w:body></w:document>")


def _grid(xml: str) -> list[int]:
    body = xml.partition("?>")[2].lstrip("\n")
    return [int(c.get(f"{{{W_NS}}}w")) for c in etree.fromstring(body).iter(f"{{{W_NS}}}gridCol")]


@pytest.mark.parametrize(("grid", "cells", "fixed"), [
    ([3000, 3000, 3000], 5, [1800] * 5),  # more cells: columns added, the table keeps its width
    ([2000, 2000, 2000, 3000], 2, [4500, 4500]),  # fewer cells: last columns removed, their width shared
    ([3000, 3000], 2, [3000, 3000]),
], ids=["widen", "narrow", "unchanged"])
def test_finish_fixes_table_grids_like_docxtpl(grid, cells, fixed):
    xml = _table(grid, cells)
    finished = docxtpl_adapter.finish(xml, body=True, cell_tags=True)
    assert finished.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert _grid(finished) == fixed
    assert _grid(docxtpl_adapter.finish(xml, body=True)) == grid  # no {%tc %} tag: left as written
    assert docxtpl_adapter.uses_cell_tags("<w:t>{%tc for c in cs %}</w:t>")
    assert docxtpl_adapter.uses_cell_tags("<w:t>{%-</w:t><w:t> tc endfor %}</w:t>")
    assert not docxtpl_adapter.uses_cell_tags("<w:t>{%tr for c in cs %}</w:t>")


# -- picture ids: renumbered from 1001 in the body, as render_init + fix_docpr_ids do --

def test_picture_ids_match_docxtpl_fix_docpr_ids(tmp_path):
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    body = (f'<w:body xmlns:w="{W_NS}" xmlns:wp="{wp}">'
            + "".join(f'<w:p><wp:docPr id="{i}" name="Picture {i}"/></w:p>' for i in (7, 7, 3)) + "</w:body>")
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    document = DocxTemplate(str(path))
    document.render_init()
    tree = etree.fromstring(body)
    document.fix_docpr_ids(tree)
    theirs = [element.get("id") for element in tree.iter(f"{{{wp}}}docPr")]
    ours = re.findall(r'<wp:docPr id="(\d+)"', docxtpl_adapter.finish(body, body=True))
    assert ours == theirs == ["1001", "1002", "1003"]
    assert re.findall(r'id="(\d+)"', docxtpl_adapter.finish(body, body=False)) == ["7", "7", "3"]  # headers: kept
