"""Render .docx templates (docxtpl syntax) strictly, safely and fast.

A `LetterTemplate` opens the .docx once, lets docxtpl patch its Jinja tags (`{%p %}`, `{%tr %}`, ...)
in the body, headers and footers, and compiles each part once in a sandboxed Jinja environment with
`StrictUndefined` and XML autoescape. Rendering a letter then only renders those strings and writes
a new zip that copies every other member unchanged: no python-docx parse and save per letter.

docxtpl's steps before and after Jinja (tag patching, listings `\\n` `\\t` `\\a`, `{%tc %}` table grids,
picture ids) come from render/docxtpl_adapter.py, the only module that uses docxtpl, so any template that
works with `docxtpl` works here, but stricter: an undefined name is an error, not a blank.
Parts without any tag are prepared once and copied into every letter. Each letter takes the fast path of
render/parts.py where its argument holds (docxtpl's finishing on bytes, no expat parse once the letter's shape
is proven), the exact path otherwise: the bytes are the same either way. Charts (`{{ b.bieu_do|hinh }}`, drawn by
render/charts.py) are placed on the fast path too: the picture, its relationship and the PNG content type are added
to the letter's package. What the fast path cannot do — templated document properties, text boxes,
InlineImage/Subdoc values — falls back to docxtpl itself (`fallback_reason` says why), with the same strictness
and a deterministic zip.
"""

from __future__ import annotations

import io
import re
import struct
import types
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from jinja2 import meta
from lxml import etree
from markupsafe import Markup

from congvan.errors import TemplateError
from congvan.files import sha256_file, zip_problem
from congvan.render import charts, docxtpl_adapter
from congvan.render.checks import check_tags
from congvan.render.parts import FastPart, printing_environment
from congvan.render.sandbox import PICTURE_FILTER, RENDER_ERRORS, TEMPLATE_SECONDS, make_environment

_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG_RE = re.compile(r"<[^>]+>")
_JINJA_RE = re.compile(r"\{[{%#]")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
# A template part (document.xml, an image) may not decompress beyond this, nor the package beyond RATIO times
# its size: checked from the zip directory before anything is read (a 2 GiB word/media file, a huge comment).
TEMPLATE_PART_BYTES = 64 << 20
TEMPLATE_RATIO = 100
RELATIONSHIPS, CONTENT_TYPES = "word/_rels/document.xml.rels", "[Content_Types].xml"
_PICTURE_USE_RE = re.compile(r"\|\s*" + PICTURE_FILTER + r"\b")
_PNG_TYPE_RE = re.compile(r'<Default\s[^>]*Extension="png"', re.IGNORECASE)


class _NeedsDocxtpl(Exception):
    """Raised inside a fast render when a value (InlineImage, Subdoc) needs docxtpl's document object."""


def _refuse_docxtpl_objects(value: Any) -> Any:
    if docxtpl_adapter.is_docxtpl_object(value):
        raise _NeedsDocxtpl(type(value).__name__)
    return value


class LetterTemplate:
    """A .docx template compiled once and rendered many times."""

    def __init__(self, path: Path, seconds: float = TEMPLATE_SECONDS, *, exact: bool = False) -> None:
        """Open and compile the template; `exact` renders every letter on the exact path (what the fast path
        is compared with in tests and benches)."""
        self.path = Path(path)
        self.sha256 = sha256_file(self.path)
        self.env = make_environment(seconds=seconds, finalize=_refuse_docxtpl_objects)  # the exact path
        self._fast_env = make_environment(seconds=seconds, finalize=_refuse_docxtpl_objects)
        printing_environment(self._fast_env)  # render/parts.py: the fast path and why it gives the same bytes
        for env in (self.env, self._fast_env):
            env.filters[PICTURE_FILTER] = self._picture
        self._pictures: list[charts.Picture] = []  # placed by the letter being rendered
        self._docxtpl_env = make_environment(seconds=seconds)
        try:
            with zipfile.ZipFile(self.path) as archive:
                problem = zip_problem(archive, TEMPLATE_PART_BYTES, TEMPLATE_RATIO)
                if problem:
                    raise TemplateError(f"{self.path}: mẫu .docx quá lớn, không dùng được: {problem}. Mở mẫu bằng "
                                        "Word, xóa hình ảnh hoặc nội dung thừa rồi lưu lại.")
                self._members = [(info, archive.read(info.filename)) for info in archive.infolist()]
                self._infos = {info.filename: info for info in archive.infolist()}
        except (OSError, zipfile.BadZipFile) as err:
            raise TemplateError(f"{self.path}: không đọc được mẫu .docx ({err}).") from err
        self._sources: dict[str, str] = {}
        self._compiled: dict[str, jinja2.Template] = {}
        self._fast: dict[str, FastPart] = {}
        self._static: dict[str, bytes] = {}
        body = dict(self._members_by_name()).get("word/document.xml", b"").decode("utf-8")
        self._cell_tags = docxtpl_adapter.uses_cell_tags(body)
        for info, data in self._members:
            if _PART_RE.match(info.filename):
                check_tags(str(self.path), info.filename, data.decode("utf-8"))
                source = docxtpl_adapter.prepare(data.decode("utf-8"))
                if _JINJA_RE.search(source):
                    self._sources[info.filename] = source
                    self._compiled[info.filename] = self._compile(info.filename, source)
                    fast = None if self._cell_tags or exact else FastPart.compile(
                        self._fast_env, source, body=info.filename == "word/document.xml")
                    if fast is not None:
                        self._fast[info.filename] = fast
                else:  # no tag: what docxtpl would output, prepared once
                    self._static[info.filename] = self._finish(info.filename, source)
        if "word/document.xml" not in self._compiled and "word/document.xml" not in self._static:
            raise TemplateError(f"{self.path}: tệp không có word/document.xml, không phải mẫu .docx.")
        self.fallback_reason = self._find_fallback_reason()
        self._bases: dict[bool, tuple[bytes, bytes, int]] = {}  # with pictures? -> the base zip, split

    # -- public API --

    def variables(self) -> set[str]:
        """Return the top-level names the template uses that it does not define itself."""
        names: set[str] = set()
        for source in self._sources.values():
            names |= meta.find_undeclared_variables(self.env.parse(source))
        return names

    def places_pictures(self) -> bool:
        """Whether the template uses the `hinh` filter (places charts) anywhere."""
        return any(_PICTURE_USE_RE.search(source) for source in self._sources.values())

    def check_context(self, context: Mapping[str, Any]) -> None:
        """Raise `TemplateError` naming every top-level variable the template needs and `context` lacks."""
        missing = sorted(self.variables() - set(context))
        if missing:
            raise TemplateError(
                f"{self.path}: mẫu dùng biến không có trong dữ liệu: {', '.join(missing)}. "
                "Xem danh sách biến trong docs/glossary.md."
            )

    def render(self, context: Mapping[str, Any]) -> bytes:
        """Return the bytes of a .docx rendered from `context` (the same bytes for the same context)."""
        if self.fallback_reason:
            return self._render_with_docxtpl(context)
        rendered: dict[str, bytes] = {}
        self._pictures = []
        for name, template in self._compiled.items():
            fast, pictures = self._fast.get(name), len(self._pictures)
            try:  # within the sandbox's limits: time, loop steps, output size
                done = fast.render(context) if fast is not None else None
                if done is None:
                    del self._pictures[pictures:]  # drawn again by the exact path
                    xml = template.render(context)
            except _NeedsDocxtpl:
                return self._render_with_docxtpl(context)
            except (jinja2.TemplateError, *RENDER_ERRORS) as err:
                raise TemplateError(self._describe(name, err)) from err
            if done is None:
                rendered[name] = self._finish(name, xml)
            else:
                rendered[name], proven = done
                if not proven:
                    self._check_xml(name, rendered[name])
        return self._zip(rendered, self._picture_members())

    def _picture(self, value: Any) -> Markup:
        """The `hinh` filter of the fast path: draw the chart `value` describes and return its run's XML."""
        try:
            picture = charts.draw(charts.BarChart.from_dict(value))
        except ValueError as err:
            raise jinja2.TemplateRuntimeError(f"bộ lọc hinh: {err}") from err
        self._pictures.append(picture)
        return Markup(_drawing_xml(len(self._pictures), picture))

    def _picture_members(self) -> list[tuple[str, bytes]]:
        """The letter's pictures, and the relationships and content types that name them (none: no members)."""
        if not self._pictures:
            return []
        members = dict(self._members_by_name())
        relations = members[RELATIONSHIPS].decode("utf-8")
        added = "".join(f'<Relationship Id="{_picture_id(n)}" Type="{_IMAGE_RELATIONSHIP}" '
                        f'Target="media/{_picture_name(n)}"/>' for n in range(1, len(self._pictures) + 1))
        relations = relations.replace("</Relationships>", added + "</Relationships>")
        types_xml = members[CONTENT_TYPES].decode("utf-8")
        if not _PNG_TYPE_RE.search(types_xml):
            types_xml = types_xml.replace("<Override ", '<Default Extension="png" ContentType="image/png"/><Override ',
                                          1)
        return [(RELATIONSHIPS, relations.encode("utf-8")), (CONTENT_TYPES, types_xml.encode("utf-8")),
                *((f"word/media/{_picture_name(n)}", p.png) for n, p in enumerate(self._pictures, start=1))]

    def _finish(self, name: str, xml: str) -> bytes:
        """Apply docxtpl's steps after Jinja (`docxtpl_adapter.finish`) and check that the part is XML."""
        xml = docxtpl_adapter.finish(xml, body=name == "word/document.xml", cell_tags=self._cell_tags)
        data = xml.encode("utf-8")
        self._check_xml(name, data)
        return data

    def _check_xml(self, name: str, data: bytes) -> None:
        """Raise `TemplateError` unless the part `name` is well-formed XML with its prefixes declared."""
        try:  # expat checks well-formedness (and prefixes) faster than building an lxml tree
            expat.ParserCreate(namespace_separator=" ").Parse(data, True)
        except expat.ExpatError as err:
            raise TemplateError(f"{self.path} ({name}): kết quả không phải XML hợp lệ: {err}") from err

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

    def _members_by_name(self) -> list[tuple[str, bytes]]:
        return [(info.filename, data) for info, data in self._members]

    def _find_fallback_reason(self) -> str:
        members = dict(self._members_by_name())
        core = members.get("docProps/core.xml", b"").decode("utf-8", "replace")
        if _JINJA_RE.search(core):
            return "thuộc tính tài liệu (docProps/core.xml) có thẻ mẫu"
        if any("txbxContent" in source for source in self._sources.values()):
            return "mẫu có hộp văn bản (text box) chứa thẻ"
        return ""

    def _render_with_docxtpl(self, context: Mapping[str, Any]) -> bytes:
        """Render through docxtpl itself (same sandboxed strict environment), then zip deterministically."""
        try:  # docxtpl renders each part with `template.render`: the sandbox's limits hold here too
            produced_bytes = docxtpl_adapter.render_document(self.path, context, self._docxtpl_env)
        except (jinja2.TemplateError, *RENDER_ERRORS) as err:
            raise TemplateError(f"{self.path}: lỗi mẫu: {err}") from err
        order = {info.filename: i for i, (info, _data) in enumerate(self._members)}
        with zipfile.ZipFile(io.BytesIO(produced_bytes)) as produced:
            members = sorted(produced.infolist(), key=lambda i: (order.get(i.filename, len(order)), i.filename))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
                for info in members:
                    archive.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_DATE),
                                     produced.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()

    def _base_zip(self, pictures: bool) -> tuple[bytes, bytes, int]:
        """Compress the members no letter changes once; each letter appends its rendered parts to a copy.

        Return the local part, the central directory and the member count. With `pictures`, the relationships
        and the content types are left out: the letter writes its own.
        """
        if pictures in self._bases:
            return self._bases[pictures]
        left_out = {RELATIONSHIPS, CONTENT_TYPES} if pictures else set()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for info, data in self._members:
                if info.filename not in self._compiled and info.filename not in left_out:
                    archive.writestr(_copy_info(info), self._static.get(info.filename, data))
        base = buffer.getvalue()
        with zipfile.ZipFile(io.BytesIO(base)) as opened:
            count, start = len(opened.infolist()), opened.start_dir
        record_at = len(base) - 22  # end-of-directory record, no comment
        self._bases[pictures] = (base[:start], base[start:record_at], count)
        return self._bases[pictures]

    def _zip(self, rendered: Mapping[str, bytes], extra: list[tuple[str, bytes]]) -> bytes:
        """Return the base zip with the rendered parts and the `extra` members (pictures) appended (level 1:
        small parts, speed matters)."""
        local, central, count = self._base_zip(bool(extra))
        pieces, entries, offset = [local], [central], len(local)
        for name, data in [*rendered.items(), *extra]:  # rendered: in the template's order
            head, entry = _zip_member(self._infos.get(name) or zipfile.ZipInfo(name, date_time=FIXED_DATE), data,
                                      offset)
            pieces.append(head)
            entries.append(entry)
            offset += len(head)
            count += 1
        size = sum(map(len, entries))
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, offset, 0)
        return b"".join([*pieces, *entries, end])


_IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_DRAWING = (
    '</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="Biểu đồ {n}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="{n}" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rid}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    '</wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">')


def _picture_id(number: int) -> str:
    return f"rIdCvHinh{number}"


def _picture_name(number: int) -> str:
    return f"cv_hinh{number}.png"


def _drawing_xml(number: int, picture: charts.Picture) -> str:
    """The inline picture as docxtpl's InlineImage writes it: the text run closed, a drawing run, a run reopened."""
    return _DRAWING.format(cx=picture.width_emu, cy=picture.height_emu, n=number, name=_picture_name(number),
                           rid=_picture_id(number))


def render_file(template: Path, context: Mapping[str, Any]) -> bytes:
    """Render one letter from the template at `template` (convenience for single documents)."""
    letter_template = LetterTemplate(template)
    letter_template.check_context(context)
    return letter_template.render(context)


def _zip_member(info: zipfile.ZipInfo, data: bytes, offset: int) -> tuple[bytes, bytes]:
    """Return (local header + deflated data, central directory entry) of one member, as zipfile writes them."""
    packed = zlib.compress(data, 1, -15)  # the stream compressobj(1, DEFLATED, -15) gives (tested)
    crc = zlib.crc32(data)
    name = info.filename.encode("ascii")
    year, month, day, hour, minute, second = info.date_time
    dos_time = hour << 11 | minute << 5 | second // 2
    dos_date = (year - 1980) << 9 | month << 5 | day
    fields = (20, 0, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(packed), len(data), len(name))
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + name + packed
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 3 << 8 | 20, *fields, 0, 0, 0, 0,
                          info.external_attr, offset) + name
    return local, central


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


def iter_text(docx_bytes: bytes) -> Iterable[str]:
    """Yield the text of each paragraph of word/document.xml (for tests and diagnostics)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    for paragraph in root.iter(f"{{{ns['w']}}}p"):
        yield "".join(paragraph.itertext())
