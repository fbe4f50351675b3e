"""The one module that uses docxtpl: its steps around Jinja for the fast renderer, and its whole render.

`LetterTemplate` (render/template.py) renders a template's XML parts with Jinja itself. What docxtpl
does to a part before Jinja is `prepare`, what it does after is `finish`; both call docxtpl's own
functions, so a template behaves exactly as under docxtpl. `render_document` renders a whole .docx
through docxtpl, for what the fast path cannot do (InlineImage/Subdoc values, templated properties).

The docxtpl names used here and the behaviour relied on are pinned by tests/test_docxtpl_pin.py, and
pyproject.toml bounds docxtpl to the series they were checked on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

# docxtpl's patch_xml, resolve_listing and fix_tables are pure string functions written as methods: an
# instance without a document (no __init__) is enough to call them, and saves opening the template again.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)

_TAG_RE = re.compile(r"<[^>]+>")
_PARAGRAPH_START_RE = re.compile(r"<w:p([ >])")
_CELL_TAG_RE = re.compile(r"\{%-?\s*tc\s")
LISTING_BYTES = (b"\n", b"\t", b"\a", b"\f")  # docxtpl's listing characters, in UTF-8
_LOSSLESS = "surrogatepass"  # encodes a lone surrogate too: the caller's own encoding refuses it
_DOCPR_ID_RE = re.compile(r'(<wp:docPr\b[^>]*?\sid=")(\d+)(")')
_PARAGRAPH_END = b"</w:p>"
_FIRST_PICTURE_ID = 1001  # DocxTemplate.render_init sets docx_ids_index = 1000; fix_docpr_ids adds 1 first
_DOCXTPL_OBJECTS = {"InlineImage", "Subdoc"}  # docxtpl.subdoc needs docxcompose, so compare names


def prepare(xml: str) -> str:
    """Return a part's XML as docxtpl hands it to Jinja.

    docxtpl's `patch_xml` joins tags split across runs and turns `{%p %}`, `{%tr %}`, `{%tc %}`, `{%r %}`
    into plain Jinja that replaces the paragraph, row, cell or run; then each paragraph starts a new
    line, so the line number of a Jinja error is the paragraph's number.
    """
    return _PARAGRAPH_START_RE.sub(r"\n<w:p\1", _DOCXTPL.patch_xml(xml))


def join_paragraph_lines(xml: str) -> str:
    """Undo the line break `prepare` put before each paragraph (the first step of `finish`)."""
    return xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")


def uses_cell_tags(xml: str) -> bool:
    """Whether a part's raw XML has a `{%tc %}` tag, which can make a table row longer than its grid."""
    return bool(_CELL_TAG_RE.search(_TAG_RE.sub("", xml)))


def finish(xml: str, *, body: bool, cell_tags: bool = False) -> str:
    """Return a part's XML rendered from a `prepare`d source as docxtpl writes it.

    The paragraph lines are joined, `{_{` escapes restored to `{{`, and "\\n", "\\t", "\\a", "\\f" in the
    text turned into breaks, tabs, paragraphs and page breaks. For the `body` (word/document.xml) the
    picture ids are renumbered from 1001, and when the template has `{%tc %}` tags (`cell_tags`) each
    table's grid is made to match its longest row.
    """
    data = join_paragraph_lines(xml).encode("utf-8", _LOSSLESS)  # a lone surrogate is refused later, as ever
    xml = finish_joined(data, body=body and not cell_tags).decode("utf-8", _LOSSLESS)
    if body and cell_tags:
        xml = _fix_tables(xml)
        if "<wp:docPr" in xml:
            xml = _renumber_pictures(xml)
    return xml


def finish_joined(data: bytes, *, body: bool, pictures: bool = True) -> bytes:
    """`finish` of a template without `{%tc %}` tags after its first step, on the UTF-8 text (one-byte searches
    are the fast ones); `pictures=False` says the part holds no picture."""
    if (b"{" in data or b"}" in data) and (b"{_" in data or b"_}" in data):
        data = data.replace(b"{_{", b"{{").replace(b"}_}", b"}}").replace(b"{_%", b"{%").replace(b"%_}", b"%}")
    start = content_start(data)
    if _next_listing(data, start) >= 0:
        data = _resolve_listing(data, start)
    if body and pictures and b"<wp:docPr" in data:
        data = _renumber_pictures(data.decode("utf-8", _LOSSLESS)).encode("utf-8", _LOSSLESS)
    return data


def content_start(data: bytes) -> int:
    """Where a part's content starts: after the XML declaration and the line break that follows it, which is
    outside every paragraph (docxtpl leaves it)."""
    if not data.startswith(b"<?xml"):
        return 0
    end = data.find(b"?>") + 2
    return end + 1 if data.startswith(b"\n", end) else end


def _next_listing(data: bytes, start: int) -> int:
    """The first listing character ("\\n", "\\t", "\\a", "\\f") at or after `start`, or -1."""
    found = [at for at in (data.find(char, start) for char in LISTING_BYTES) if at >= 0]
    return min(found) if found else -1


def is_docxtpl_object(value: Any) -> bool:
    """Whether `value` is a docxtpl InlineImage or Subdoc, which only `render_document` can place."""
    return type(value).__name__ in _DOCXTPL_OBJECTS


def render_document(path: Path, context: Mapping[str, Any], env: jinja2.Environment) -> bytes:
    """Render the .docx at `path` with docxtpl itself in `env` (autoescaping) and return the saved bytes.

    Every InlineImage/Subdoc in `context` is first pointed at this render's document. Jinja errors
    (`jinja2.TemplateError`) propagate.
    """
    document = DocxTemplate(str(path))
    _rebind(context, document)
    document.render(dict(context), jinja_env=env, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _resolve_listing(data: bytes, start: int) -> bytes:
    """docxtpl's `resolve_listing`, applied to the paragraphs that hold a listing character only (faster)."""
    out: list[bytes] = []
    done = 0
    at = _next_listing(data, start)
    while at >= 0:
        begin = max(data.rfind(b"<w:p>", done, at), data.rfind(b"<w:p ", done, at))
        end = data.find(_PARAGRAPH_END, begin) if begin >= 0 else -1
        if end < at:  # not inside a paragraph: docxtpl leaves it alone too
            at = _next_listing(data, at + 1)
            continue
        end += len(_PARAGRAPH_END)
        paragraph = data[begin:end].decode("utf-8", _LOSSLESS)
        out += [data[done:begin], _DOCXTPL.resolve_listing(paragraph).encode("utf-8", _LOSSLESS)]
        done = end
        at = _next_listing(data, done)
    out.append(data[done:])
    return b"".join(out)


def _fix_tables(xml: str) -> str:
    """docxtpl's `fix_tables` (make each table's grid match the cells a `{%tc %}` loop produced)."""
    header, sep, body = xml.partition("?>") if xml.startswith("<?xml") else ("", "", xml)
    tree = _DOCXTPL.fix_tables(body)
    return header + sep + etree.tostring(tree, encoding="unicode")


def _renumber_pictures(xml: str) -> str:
    """docxtpl's `fix_docpr_ids` on the text: number the `wp:docPr` ids 1001, 1002, ... so no two collide."""
    counter = iter(range(_FIRST_PICTURE_ID, 1_000_000))
    return _DOCPR_ID_RE.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)


def _rebind(value: Any, document: DocxTemplate, depth: int = 0) -> None:
    """Point every InlineImage/Subdoc in `value` at `document`, the DocxTemplate that renders this letter."""
    if is_docxtpl_object(value):
        value.tpl = document
    elif depth < 8 and isinstance(value, Mapping):
        for item in value.values():
            _rebind(item, document, depth + 1)
    elif depth < 8 and isinstance(value, list | tuple):
        for item in value:
            _rebind(item, document, depth + 1)
