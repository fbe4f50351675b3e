"""Render .docx templates (docxtpl syntax) strictly, safely and fast.

A `LetterTemplate` opens the .docx once, lets docxtpl patch its Jinja tags (`{%p %}`, `{%tr %}`, ...)
in the body, headers and footers, and compiles each part once in a sandboxed Jinja environment with
`StrictUndefined` and XML autoescape. Rendering a letter then only renders those strings and writes
a new zip that copies every other member unchanged: no python-docx parse and save per letter.

The docxtpl engine is used for its tag patching and listing resolution (`\\n`, `\\t`, `\\a`), so any
template that works with `docxtpl` works here, but stricter: an undefined name is an error, not a blank.
"""

from __future__ import annotations

import io
import re
import types
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from congvan.errors import TemplateError
from congvan.files import sha256_file

_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG_RE = re.compile(r"<[^>]+>")
_LISTING_CHARS = re.compile("[\n\t\a\f]")
_PARAGRAPH_RE = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


def make_environment() -> jinja2.Environment:
    """Return the Jinja environment used for every template: sandboxed, strict, XML-escaping."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)
    return env


class LetterTemplate:
    """A .docx template compiled once and rendered many times."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.sha256 = sha256_file(self.path)
        self.env = make_environment()
        try:
            with zipfile.ZipFile(self.path) as archive:
                self._members = [(info, archive.read(info.filename)) for info in archive.infolist()]
        except (OSError, zipfile.BadZipFile) as err:
            raise TemplateError(f"{self.path}: không đọc được mẫu .docx ({err}).") from err
        self._patcher = _patcher()
        self._sources: dict[str, str] = {}
        self._compiled: dict[str, jinja2.Template] = {}
        for info, data in self._members:
            if _PART_RE.match(info.filename):
                source = self._patcher.patch_xml(data.decode("utf-8"))
                source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
                self._sources[info.filename] = source
                self._compiled[info.filename] = self._compile(info.filename, source)
        if "word/document.xml" not in self._compiled:
            raise TemplateError(f"{self.path}: tệp không có word/document.xml, không phải mẫu .docx.")
        self._base = self._base_zip()

    # -- public API --

    def variables(self) -> set[str]:
        """Return the top-level names the template uses that it does not define itself."""
        names: set[str] = set()
        for source in self._sources.values():
            names |= meta.find_undeclared_variables(self.env.parse(source))
        return names

    def check_context(self, context: Mapping[str, Any]) -> None:
        """Raise `TemplateError` naming every top-level variable the template needs and `context` lacks."""
        missing = sorted(self.variables() - set(context))
        if missing:
            raise TemplateError(
                f"{self.path}: mẫu dùng biến không có trong dữ liệu: {', '.join(missing)}. "
                "Xem danh sách biến trong docs/glossary.md."
            )

    def render(self, context: Mapping[str, Any]) -> bytes:
        """Return the bytes of a .docx rendered from `context`."""
        rendered: dict[str, bytes] = {}
        for name, template in self._compiled.items():
            try:
                xml = template.render(context)
            except jinja2.TemplateError as err:
                raise TemplateError(self._describe(name, err)) from err
            except (TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError) as err:
                raise TemplateError(self._describe(name, err)) from err
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if _LISTING_CHARS.search(xml):
                xml = self._resolve_listing(xml)
            data = xml.encode("utf-8")
            try:
                etree.fromstring(data)
            except etree.XMLSyntaxError as err:
                raise TemplateError(f"{self.path} ({name}): kết quả không phải XML hợp lệ: {err}") from err
            rendered[name] = data
        return self._zip(rendered)

    # -- helpers --

    def _compile(self, name: str, source: str) -> jinja2.Template:
        try:
            return self.env.from_string(source)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(self._describe(name, err, lineno=err.lineno)) from err

    def _describe(self, part: str, err: BaseException, lineno: int | None = None) -> str:
        if lineno is None:
            lineno = _template_lineno(err)
        where = f"{self.path} ({part})"
        snippet = ""
        if lineno is not None:
            lines = self._sources.get(part, "").splitlines()
            # Each paragraph starts a new source line, so the line number is the paragraph number.
            text = _TAG_RE.sub("", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
            where += f", đoạn {lineno}"
            snippet = f' — đoạn mẫu: "{text.strip()[:160]}"'
        kind = "biến chưa được định nghĩa" if isinstance(err, jinja2.UndefinedError) else "lỗi mẫu"
        return f"{where}: {kind}: {err}{snippet}"

    def _resolve_listing(self, xml: str) -> str:
        """Apply docxtpl's \\n \\t \\a \\f handling to the paragraphs that hold such a character only."""
        return _PARAGRAPH_RE.sub(
            lambda m: self._patcher.resolve_listing(m.group(0)) if _LISTING_CHARS.search(m.group(0)) else m.group(0),
            xml)

    def _base_zip(self) -> bytes:
        """Compress the members no letter changes once; each letter appends its rendered parts to a copy."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for info, data in self._members:
                if info.filename not in self._compiled:
                    archive.writestr(_copy_info(info), data)
        return buffer.getvalue()

    def _zip(self, rendered: Mapping[str, bytes]) -> bytes:
        buffer = io.BytesIO(self._base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for info, _data in self._members:
                if info.filename in rendered:
                    archive.writestr(_copy_info(info), rendered[info.filename])
        return buffer.getvalue()


def render_file(template: Path, context: Mapping[str, Any]) -> bytes:
    """Render one letter from the template at `template` (convenience for single documents)."""
    letter_template = LetterTemplate(template)
    letter_template.check_context(context)
    return letter_template.render(context)


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    return copy


def _template_lineno(err: BaseException) -> int | None:
    lineno = getattr(err, "lineno", None)
    if lineno:
        return lineno
    tb: types.TracebackType | None = err.__traceback__
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _patcher() -> DocxTemplate:
    """Return a DocxTemplate object used only for its pure string methods (patch_xml, resolve_listing)."""
    return DocxTemplate.__new__(DocxTemplate)


def iter_text(docx_bytes: bytes) -> Iterable[str]:
    """Yield the text of each paragraph of word/document.xml (for tests and diagnostics)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    for paragraph in root.iter(f"{{{ns['w']}}}p"):
        yield "".join(paragraph.itertext())
