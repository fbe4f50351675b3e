"""NĐ 30 layout checker: read any .docx and report where it departs from docs/nd30-format.md.

This module reads a .docx into a small model (paragraphs in document order with their effective run
formatting, section page setup, header parts); `congvan.layout_locate` finds the components;
`congvan.layout_header_rules` and `congvan.layout_rules` hold the checks.
The public entry point is `check_docx(path) -> list[Finding]`.

Effective formatting of a run is resolved the way Word does for the properties we check:
run rPr → run character style chain → paragraph style chain (or the default paragraph style) →
docDefaults; theme fonts (`asciiTheme="minorHAnsi"`) are looked up in the theme part.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from congvan.errors import LayoutFileError
from congvan.vietnamese import nfc

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W_NS, "a": A_NS, "r": R_NS}
_W = f"{{{W_NS}}}"

WORD_DEFAULT_FONT = "Times New Roman"  # what Word uses when no rFonts is set anywhere
WORD_DEFAULT_SIZE = 10.0  # pt, when no w:sz is set anywhere

_OFF = {"0", "false", "off", "none"}


def _w(name: str) -> str:
    return _W + name


def _val(element: etree._Element | None, attr: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(_w(attr))


def _on(element: etree._Element | None) -> bool | None:
    """Value of a toggle property element (<w:b/>, <w:b w:val="0"/>), None when absent."""
    if element is None:
        return None
    value = element.get(_w("val"))
    return value is None or value.lower() not in _OFF


# -- findings --


@dataclass(frozen=True)
class Finding:
    """One departure from NĐ 30: which rule, how serious, where, what was found and what is wanted."""

    rule_id: str
    severity: str  # "error" | "warning"
    component: str
    found: str
    expected: str
    location: str = ""

    def as_dict(self) -> dict[str, str]:
        """Return the finding as a plain dict (for JSON output)."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "component": self.component,
            "found": self.found,
            "expected": self.expected,
            "location": self.location,
        }


# -- formatting --


@dataclass(frozen=True)
class RunFormat:
    """Effective formatting of one run."""

    font_ascii: str
    font_hansi: str
    size: float  # pt
    bold: bool
    italic: bool
    underline: bool
    caps: bool


@dataclass(frozen=True)
class Piece:
    """A piece of text with one effective formatting (part of a run)."""

    text: str
    fmt: RunFormat

    @property
    def shown(self) -> str:
        """The text as displayed (upper-cased when the run has the caps property)."""
        return self.text.upper() if self.fmt.caps else self.text


@dataclass
class Segment:
    """Text between tabs and line breaks inside a paragraph, with its pieces."""

    pieces: list[Piece]

    @property
    def text(self) -> str:
        """Displayed text, NFC."""
        return nfc("".join(p.shown for p in self.pieces))

    def inked(self) -> list[Piece]:
        """Pieces that show some non-space character."""
        return [p for p in self.pieces if p.text.strip()]

    def sizes(self) -> list[float]:
        """Distinct effective sizes of the inked pieces, sorted."""
        return sorted({p.fmt.size for p in self.inked()})

    def all_bold(self) -> bool:
        return bool(self.inked()) and all(p.fmt.bold for p in self.inked())

    def any_bold(self) -> bool:
        return any(p.fmt.bold for p in self.inked())

    def all_italic(self) -> bool:
        return bool(self.inked()) and all(p.fmt.italic for p in self.inked())

    def any_italic(self) -> bool:
        return any(p.fmt.italic for p in self.inked())


@dataclass
class Para:
    """One paragraph of the body (top level or inside a table cell), in document order."""

    index: int  # 1-based, counting every paragraph of the body, tables included
    element: Any
    pieces: list[Piece]
    alignment: str  # left, center, right, both
    cell: Any = None  # the w:tc element holding it, None at top level
    table: Any = None  # the top-level w:tbl holding it
    column: int = -1  # column of the cell in its row
    row: Any = None  # the w:tr element
    border_bottom: bool = False
    border_top: bool = False
    has_drawing: bool = False
    size_for_estimate: float = 13.0
    line_factor: float = 1.0
    space_pt: float = 0.0
    segments: list[Segment] = field(default_factory=list)
    page_field: bool = False
    page_field_size: float | None = None

    @property
    def text(self) -> str:
        """Displayed text with tabs kept, NFC."""
        return nfc("".join(p.shown for p in self.pieces))

    @property
    def plain(self) -> str:
        """Displayed text, white space collapsed, trimmed."""
        return re.sub(r"\s+", " ", self.text).strip()

    def lines(self) -> list[Segment]:
        """The paragraph split at line breaks (tabs kept)."""
        out: list[Segment] = [Segment([])]
        for piece in self.pieces:
            if piece.text == "\n":
                out.append(Segment([]))
            else:
                out[-1].pieces.append(piece)
        return [line for line in out if line.text.strip()]

    def whole(self) -> Segment:
        """The paragraph as one segment."""
        return Segment(self.pieces)

    def where(self) -> str:
        """Human location: "đoạn 12 «Số: 05/…»"."""
        excerpt = self.plain
        if len(excerpt) > 50:
            excerpt = excerpt[:47] + "…"
        return f"đoạn {self.index} «{excerpt}»" if excerpt else f"đoạn {self.index}"


@dataclass
class Section:
    """Page setup of one section (values in twips) and its page-number headers."""

    number: int
    width: int | None
    height: int | None
    orient: str | None
    top: int | None
    bottom: int | None
    left: int | None
    right: int | None
    title_page: bool
    default_header: list[Para] | None
    first_header: list[Para] | None
    default_footer: list[Para] | None


@dataclass
class DocModel:
    """Everything the rules look at."""

    path: Path
    paras: list[Para]
    sections: list[Section]
    header_paras: list[Para]  # every paragraph of every header/footer part (for the font rule)
    top_tables: list[Any]
    explicit_page_breaks: int = 0


class StyleSheet:
    """Resolves effective run and paragraph properties through styles and docDefaults."""

    def __init__(self, styles_root: etree._Element | None, theme_root: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.defaults_rpr = None
        self.defaults_ppr = None
        if styles_root is not None:
            for style in styles_root.iter(_w("style")):
                sid = style.get(_w("styleId"))
                if sid is None:
                    continue
                self.styles[sid] = style
                if style.get(_w("default")) in ("1", "true", "on"):
                    kind = style.get(_w("type"))
                    if kind == "paragraph":
                        self.default_para = sid
                    elif kind == "character":
                        self.default_char = sid
            self.defaults_rpr = styles_root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
            self.defaults_ppr = styles_root.find("w:docDefaults/w:pPrDefault/w:pPr", NS)
        self.theme_fonts: dict[str, str] = {}
        if theme_root is not None:
            for kind in ("major", "minor"):
                latin = theme_root.find(f".//a:{kind}Font/a:latin", NS)
                if latin is not None and latin.get("typeface"):
                    self.theme_fonts[kind] = latin.get("typeface")

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            based = style.find("w:basedOn", NS)
            style_id = _val(based)
        return chain

    def rpr_levels(self, run_rpr: etree._Element | None, para_style: str | None) -> list[etree._Element]:
        """rPr elements from the most to the least specific."""
        levels: list[etree._Element] = []
        if run_rpr is not None:
            levels.append(run_rpr)
            char_style = _val(run_rpr.find("w:rStyle", NS))
            for style in self._chain(char_style or self.default_char):
                rpr = style.find("w:rPr", NS)
                if rpr is not None:
                    levels.append(rpr)
        elif self.default_char:
            for style in self._chain(self.default_char):
                rpr = style.find("w:rPr", NS)
                if rpr is not None:
                    levels.append(rpr)
        for style in self._chain(para_style or self.default_para):
            rpr = style.find("w:rPr", NS)
            if rpr is not None:
                levels.append(rpr)
        if self.defaults_rpr is not None:
            levels.append(self.defaults_rpr)
        return levels

    def ppr_levels(self, para_ppr: etree._Element | None) -> list[etree._Element]:
        """pPr elements from the most to the least specific."""
        levels: list[etree._Element] = []
        style_id = None
        if para_ppr is not None:
            levels.append(para_ppr)
            style_id = _val(para_ppr.find("w:pStyle", NS))
        for style in self._chain(style_id or self.default_para):
            ppr = style.find("w:pPr", NS)
            if ppr is not None:
                levels.append(ppr)
        if self.defaults_ppr is not None:
            levels.append(self.defaults_ppr)
        return levels

    def _font(self, levels: list[etree._Element], slot: str) -> str:
        for rpr in levels:
            fonts = rpr.find("w:rFonts", NS)
            if fonts is None:
                continue
            theme = fonts.get(_w(f"{slot}Theme"))
            if theme:
                kind = "major" if theme.startswith("major") else "minor"
                return self.theme_fonts.get(kind, theme)
            name = fonts.get(_w(slot))
            if name:
                return name
        return WORD_DEFAULT_FONT

    def run_format(self, run_rpr: etree._Element | None, para_style: str | None) -> RunFormat:
        """Effective formatting of a run with direct properties `run_rpr` in a paragraph of `para_style`."""
        levels = self.rpr_levels(run_rpr, para_style)

        def first(tag: str) -> etree._Element | None:
            for rpr in levels:
                found = rpr.find(f"w:{tag}", NS)
                if found is not None:
                    return found
            return None

        size = _val(first("sz"))
        try:
            size_pt = float(size) / 2 if size else WORD_DEFAULT_SIZE
        except ValueError:
            size_pt = WORD_DEFAULT_SIZE
        underline = _val(first("u"))
        return RunFormat(
            font_ascii=self._font(levels, "ascii"),
            font_hansi=self._font(levels, "hAnsi"),
            size=size_pt,
            bold=bool(_on(first("b"))),
            italic=bool(_on(first("i"))),
            underline=underline is not None and underline != "none",
            caps=bool(_on(first("caps"))),
        )

    def para_property(self, para_ppr: etree._Element | None, path: str) -> etree._Element | None:
        """First element at `path` (e.g. "w:jc") along the paragraph's pPr levels."""
        for ppr in self.ppr_levels(para_ppr):
            found = ppr.find(path, NS)
            if found is not None:
                return found
        return None


# -- reading --

_PAGE_RE = re.compile(r"\s*PAGE\b")
_DRAWING_TAGS = ("drawing", "pict", "object")
_FIELD_SKIP = {"instrText", "delText", "fldChar"}


def _read_zip_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        data = archive.read(name)
    except KeyError:
        return None
    try:
        return etree.fromstring(data)
    except etree.XMLSyntaxError as err:
        raise LayoutFileError(f"phần {name} không phải XML hợp lệ ({err}).") from err


def _open(path: Path) -> tuple[zipfile.ZipFile, etree._Element]:
    if not path.exists():
        raise LayoutFileError(f"{path}: không có tệp này.")
    if path.is_dir():
        raise LayoutFileError(f"{path}: là thư mục, không phải tệp .docx.")
    if path.stat().st_size == 0:
        raise LayoutFileError(f"{path}: tệp rỗng, không phải .docx.")
    try:
        archive = zipfile.ZipFile(path)
        damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise LayoutFileError(f"{path}: không phải tệp .docx (không đọc được dạng zip: {err}).") from err
    except Exception as err:  # zlib.error and friends from a damaged member
        raise LayoutFileError(f"{path}: tệp .docx bị hỏng ({err}).") from err
    if damaged is not None:
        raise LayoutFileError(f"{path}: tệp .docx bị hỏng (phần {damaged} sai mã kiểm tra CRC).")
    if "word/document.xml" not in archive.namelist():
        raise LayoutFileError(f"{path}: tệp zip không có word/document.xml, không phải .docx.")
    try:
        root = _read_zip_part(archive, "word/document.xml")
    except LayoutFileError as err:
        raise LayoutFileError(f"{path}: {err}") from err
    if root is None or root.find("w:body", NS) is None:
        raise LayoutFileError(f"{path}: word/document.xml không có phần thân (w:body).")
    return archive, root


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, _, name = part.rpartition("/")
    root = _read_zip_part(archive, f"{folder}/_rels/{name}.rels")
    rels: dict[str, str] = {}
    if root is None:
        return rels
    for rel in root:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        target = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
        rels[rel.get("Id", "")] = target
    return rels


def _iter_run_items(paragraph: etree._Element):
    """Yield (rPr, kind, text) for every text-bearing item of the paragraph, in order.

    kind is "text", "tab" or "break". Field instructions and deleted text are skipped.
    """
    for run in paragraph.iter(_w("r")):
        # skip runs of a nested paragraph (text boxes) – they belong to that paragraph
        owner = run.getparent()
        while owner is not None and owner.tag != _w("p"):
            owner = owner.getparent()
        if owner is not paragraph:
            continue
        rpr = run.find("w:rPr", NS)
        for child in run:
            tag = etree.QName(child).localname
            if tag == "t":
                yield rpr, "text", child.text or ""
            elif tag in ("tab", "ptab"):
                yield rpr, "tab", "\t"
            elif tag in ("br", "cr"):
                if child.get(_w("type")) in (None, "textWrapping"):
                    yield rpr, "break", "\n"
            elif tag == "noBreakHyphen":
                yield rpr, "text", "-"
            elif tag == "sym":
                yield rpr, "text", "?"


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive, self.document = _open(path)
        try:
            styles = _read_zip_part(self.archive, "word/styles.xml")
            doc_rels = _rels(self.archive, "word/document.xml")
            theme_name = next((t for t in doc_rels.values() if "theme" in t), "word/theme/theme1.xml")
            theme = _read_zip_part(self.archive, theme_name)
        except LayoutFileError as err:
            raise LayoutFileError(f"{path}: {err}") from err
        self.doc_rels = doc_rels
        self.sheet = StyleSheet(styles, theme)
        self.counter = 0
        self.page_breaks = 0

    def make_para(self, element: etree._Element, *, count: bool = True) -> Para:
        ppr = element.find("w:pPr", NS)
        style_id = _val(ppr.find("w:pStyle", NS)) if ppr is not None else None
        pieces: list[Piece] = []
        segments: list[Segment] = [Segment([])]
        cache: dict[int, RunFormat] = {}
        for rpr, kind, text in _iter_run_items(element):
            key = id(rpr)
            if key not in cache:
                cache[key] = self.sheet.run_format(rpr, style_id)
            piece = Piece(text, cache[key])
            pieces.append(piece)
            if kind == "text":
                segments[-1].pieces.append(piece)
            else:
                segments.append(Segment([]))
        for br in element.iter(_w("br")):
            if br.get(_w("type")) == "page":
                self.page_breaks += 1
        if self.sheet.para_property(ppr, "w:pageBreakBefore") is not None and _on(
            self.sheet.para_property(ppr, "w:pageBreakBefore")
        ):
            self.page_breaks += 1
        jc = _val(self.sheet.para_property(ppr, "w:jc")) or "left"
        jc = {"start": "left", "end": "right", "distribute": "both"}.get(jc, jc)
        bottom = ppr.find("w:pBdr/w:bottom", NS) if ppr is not None else None
        top = ppr.find("w:pBdr/w:top", NS) if ppr is not None else None
        has_drawing = any(
            etree.QName(el).localname in _DRAWING_TAGS and etree.QName(el).namespace == W_NS
            for el in element.iter()
            if isinstance(el.tag, str)
        )
        spacing = self.sheet.para_property(ppr, "w:spacing")
        line_factor, space_pt = 1.0, 0.0
        if spacing is not None:
            line = spacing.get(_w("line"))
            if line and (spacing.get(_w("lineRule")) in (None, "auto")):
                with contextlib.suppress(ValueError):
                    line_factor = max(0.8, int(line) / 240)
            for attr in ("before", "after"):
                with contextlib.suppress(ValueError):
                    space_pt += int(spacing.get(_w(attr)) or 0) / 20
        page_field, page_field_size = self._page_field(element, style_id)
        if count:
            self.counter += 1
        sizes = [p.fmt.size for p in pieces if p.text.strip()]
        return Para(
            index=self.counter if count else 0,
            element=element,
            pieces=pieces,
            alignment=jc,
            border_bottom=_is_border(bottom),
            border_top=_is_border(top),
            has_drawing=has_drawing,
            size_for_estimate=max(sizes) if sizes else self.sheet.run_format(None, style_id).size,
            line_factor=line_factor,
            space_pt=space_pt,
            segments=[s for s in segments if s.pieces],
            page_field=page_field,
            page_field_size=page_field_size,
        )

    def _page_field(self, element: etree._Element, style_id: str | None) -> tuple[bool, float | None]:
        """Whether the paragraph holds a PAGE field, and the size of the run that holds it."""
        for simple in element.iter(_w("fldSimple")):
            if _PAGE_RE.match(simple.get(_w("instr")) or ""):
                run = simple.find("w:r", NS)
                rpr = run.find("w:rPr", NS) if run is not None else None
                return True, self.sheet.run_format(rpr, style_id).size
        for instr in element.iter(_w("instrText")):
            if _PAGE_RE.match(instr.text or ""):
                run = instr.getparent()
                return True, self.sheet.run_format(run.find("w:rPr", NS), style_id).size
        return False, None

    def walk(self, container: etree._Element, out: list[Para], *, cell=None, table=None, column=-1,
             row=None) -> None:
        for child in container:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "p":
                para = self.make_para(child)
                para.cell, para.table, para.column, para.row = cell, table, column, row
                out.append(para)
            elif tag == "tbl":
                top = table if table is not None else child
                for tr in child.findall("w:tr", NS):
                    col = 0
                    for tc in tr.findall("w:tc", NS):
                        self.walk(tc, out, cell=tc, table=top, column=col if table is None else column, row=tr)
                        span = _val(tc.find("w:tcPr/w:gridSpan", NS))
                        col += int(span) if span and span.isdigit() else 1
            elif tag in ("sdt", "customXml", "smartTag"):
                content = child.find("w:sdtContent", NS) if tag == "sdt" else child
                if content is not None:
                    self.walk(content, out, cell=cell, table=table, column=column, row=row)

    def part_paras(self, rid: str | None) -> list[Para] | None:
        if not rid or rid not in self.doc_rels:
            return None
        try:
            root = _read_zip_part(self.archive, self.doc_rels[rid])
        except LayoutFileError:
            return None
        if root is None:
            return None
        return [self.make_para(p, count=False) for p in root.iter(_w("p"))]

    def sections(self) -> list[Section]:
        body = self.document.find("w:body", NS)
        sect_prs = [p for p in body.iter(_w("sectPr"))]
        result: list[Section] = []
        previous: dict[str, list[Para] | None] = {"default": None, "first": None, "footer": None}
        for number, sect in enumerate(sect_prs, start=1):
            size = sect.find("w:pgSz", NS)
            margins = sect.find("w:pgMar", NS)

            def twips(element: etree._Element | None, attr: str) -> int | None:
                value = _val(element, attr)
                try:
                    return abs(int(float(value))) if value is not None else None
                except ValueError:
                    return None

            refs = {ref.get(_w("type"), "default"): ref.get(f"{{{R_NS}}}id")
                    for ref in sect.findall("w:headerReference", NS)}
            foot_refs = {ref.get(_w("type"), "default"): ref.get(f"{{{R_NS}}}id")
                         for ref in sect.findall("w:footerReference", NS)}
            default = self.part_paras(refs.get("default")) if "default" in refs else previous["default"]
            first = self.part_paras(refs.get("first")) if "first" in refs else previous["first"]
            footer = (self.part_paras(foot_refs.get("default")) if "default" in foot_refs
                      else previous["footer"])
            previous = {"default": default, "first": first, "footer": footer}
            title = sect.find("w:titlePg", NS)
            result.append(Section(
                number=number,
                width=twips(size, "w"),
                height=twips(size, "h"),
                orient=_val(size, "orient"),
                top=twips(margins, "top"),
                bottom=twips(margins, "bottom"),
                left=twips(margins, "left"),
                right=twips(margins, "right"),
                title_page=bool(_on(title)),
                default_header=default,
                first_header=first,
                default_footer=footer,
            ))
        return result

    def header_paras(self) -> list[Para]:
        paras: list[Para] = []
        for target in sorted(set(self.doc_rels.values())):
            if re.search(r"word/(header|footer)\d*\.xml$", target):
                root = _read_zip_part(self.archive, target)
                if root is not None:
                    paras.extend(self.make_para(p, count=False) for p in root.iter(_w("p")))
        return paras

    def model(self) -> DocModel:
        body = self.document.find("w:body", NS)
        paras: list[Para] = []
        self.walk(body, paras)
        top_tables = body.findall("w:tbl", NS)
        return DocModel(
            path=self.path,
            paras=paras,
            sections=self.sections(),
            header_paras=self.header_paras(),
            top_tables=top_tables,
            explicit_page_breaks=self.page_breaks,
        )


def _is_border(element: etree._Element | None) -> bool:
    if element is None:
        return False
    return (element.get(_w("val")) or "nil") not in ("nil", "none")


def read_docx(path: Path | str) -> DocModel:
    """Read a .docx into a `DocModel`; raise `LayoutFileError` when it is not a readable .docx."""
    path = Path(path)
    try:
        reader = _Reader(path)
        try:
            return reader.model()
        finally:
            reader.archive.close()
    except LayoutFileError:
        raise
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, EOFError) as err:
        raise LayoutFileError(f"{path}: không đọc được tệp .docx ({err}).") from err


def check_docx(path: Path | str) -> list[Finding]:
    """Check one .docx against NĐ 30 (docs/nd30-format.md); return the findings, errors first."""
    from congvan.layout_rules import run_rules

    model = read_docx(path)
    findings = run_rules(model)
    order = {"error": 0, "warning": 1}
    return sorted(findings, key=lambda f: order.get(f.severity, 2))
