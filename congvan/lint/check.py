"""NĐ 30 layout checker: read any .docx and report where it departs from docs/nd30.md.

This module reads a .docx into a small model (paragraphs in document order with their effective run
formatting, section page setup, header parts) and runs the rules. `congvan.lint.model` holds that
model, `congvan.lint.styles` resolves styles, `congvan.lint.locate` finds the components,
`congvan.lint.header_rules` and `congvan.lint.rules` hold the checks.
The public entry point is `check_docx(path) -> list[Finding]`.

Effective formatting of a run is resolved the way Word does for the properties we check:
run rPr → run character style chain → paragraph style chain (or the default paragraph style) →
docDefaults; theme fonts (`asciiTheme="minorHAnsi"`) are looked up in the theme part.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from congvan.errors import LayoutFileError
from congvan.lint.doctype import DocType
from congvan.lint.model import (
    NS,
    R_NS,
    W_NS,
    DocModel,
    Finding,
    Para,
    Piece,
    RunFormat,
    Section,
    Segment,
    w_tag,
    xml_on,
    xml_val,
)
from congvan.lint.props import decoded_text, first_line, is_border, spacing
from congvan.lint.rules import run_rules
from congvan.lint.styles import StyleSheet

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
    """Yield (run, rPr, kind, text) for every text-bearing item of the paragraph, in order.

    kind is "text", "tab" or "break". Field instructions and deleted text are skipped.
    """
    for run in paragraph.iter(w_tag("r")):
        # skip runs of a nested paragraph (text boxes) – they belong to that paragraph
        owner = run.getparent()
        while owner is not None and owner.tag != w_tag("p"):
            owner = owner.getparent()
        if owner is not paragraph:
            continue
        rpr = run.find("w:rPr", NS)
        for child in run:
            tag = etree.QName(child).localname
            if tag == "t":
                yield run, rpr, "text", child.text or ""
            elif tag in ("tab", "ptab"):
                yield run, rpr, "tab", "\t"
            elif tag in ("br", "cr"):
                if child.get(w_tag("type")) in (None, "textWrapping"):
                    yield run, rpr, "break", "\n"
            elif tag == "noBreakHyphen":
                yield run, rpr, "text", "-"
            elif tag == "sym":
                yield run, rpr, "text", "?"


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
        style_id = xml_val(ppr.find("w:pStyle", NS)) if ppr is not None else None
        pieces: list[Piece] = []
        segments: list[Segment] = [Segment([])]
        cache: dict[int, RunFormat] = {}
        for run, rpr, kind, text in _iter_run_items(element):
            key = id(rpr)
            if key not in cache:
                cache[key] = self.sheet.run_format(rpr, style_id)
            piece = Piece(decoded_text(text, cache[key]) if kind == "text" else text, cache[key], run)
            pieces.append(piece)
            if kind == "text":
                segments[-1].pieces.append(piece)
            else:
                segments.append(Segment([]))
        for br in element.iter(w_tag("br")):
            if br.get(w_tag("type")) == "page":
                self.page_breaks += 1
        if self.sheet.para_property(ppr, "w:pageBreakBefore") is not None and xml_on(
            self.sheet.para_property(ppr, "w:pageBreakBefore")
        ):
            self.page_breaks += 1
        jc = xml_val(self.sheet.para_property(ppr, "w:jc")) or "left"
        jc = {"start": "left", "end": "right", "distribute": "both"}.get(jc, jc)
        bottom = ppr.find("w:pBdr/w:bottom", NS) if ppr is not None else None
        top = ppr.find("w:pBdr/w:top", NS) if ppr is not None else None
        has_drawing = any(
            etree.QName(el).localname in _DRAWING_TAGS and etree.QName(el).namespace == W_NS
            for el in element.iter()
            if isinstance(el.tag, str)
        )
        before, after, line, line_rule = spacing(self.sheet, ppr)
        line_factor = max(0.8, line / 240) if line_rule == "auto" else 1.0
        page_field, page_field_size = self._page_field(element, style_id)
        if count:
            self.counter += 1
        sizes = [p.fmt.size for p in pieces if p.text.strip()]
        return Para(
            index=self.counter if count else 0,
            element=element,
            pieces=pieces,
            alignment=jc,
            border_bottom=is_border(bottom),
            border_top=is_border(top),
            has_drawing=has_drawing,
            size_for_estimate=max(sizes) if sizes else self.sheet.run_format(None, style_id).size,
            line_factor=line_factor,
            space_pt=(before + after) / 20,
            first_line=first_line(self.sheet, ppr),
            space_before=before / 20,
            space_after=after / 20,
            line_rule=line_rule,
            line_value=line,
            segments=[s for s in segments if s.pieces],
            page_field=page_field,
            page_field_size=page_field_size,
        )

    def _page_field(self, element: etree._Element, style_id: str | None) -> tuple[bool, float | None]:
        """Whether the paragraph holds a PAGE field, and the size of the run that holds it."""
        for simple in element.iter(w_tag("fldSimple")):
            if _PAGE_RE.match(simple.get(w_tag("instr")) or ""):
                run = simple.find("w:r", NS)
                rpr = run.find("w:rPr", NS) if run is not None else None
                return True, self.sheet.run_format(rpr, style_id).size
        for instr in element.iter(w_tag("instrText")):
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
                        span = xml_val(tc.find("w:tcPr/w:gridSpan", NS))
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
        return [self.make_para(p, count=False) for p in root.iter(w_tag("p"))]

    def sections(self) -> list[Section]:
        body = self.document.find("w:body", NS)
        sect_prs = [p for p in body.iter(w_tag("sectPr"))]
        result: list[Section] = []
        previous: dict[str, list[Para] | None] = {"default": None, "first": None, "footer": None}
        for number, sect in enumerate(sect_prs, start=1):
            size = sect.find("w:pgSz", NS)
            margins = sect.find("w:pgMar", NS)

            def twips(element: etree._Element | None, attr: str) -> int | None:
                value = xml_val(element, attr)
                try:
                    return abs(int(float(value))) if value is not None else None
                except ValueError:
                    return None

            refs = {ref.get(w_tag("type"), "default"): ref.get(f"{{{R_NS}}}id")
                    for ref in sect.findall("w:headerReference", NS)}
            foot_refs = {ref.get(w_tag("type"), "default"): ref.get(f"{{{R_NS}}}id")
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
                orient=xml_val(size, "orient"),
                top=twips(margins, "top"),
                bottom=twips(margins, "bottom"),
                left=twips(margins, "left"),
                right=twips(margins, "right"),
                title_page=bool(xml_on(title)),
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
                    paras.extend(self.make_para(p, count=False) for p in root.iter(w_tag("p")))
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


@dataclass(frozen=True)
class LintResult:
    """One document checked: its detected type and findings; a legal document is declined with a note."""

    doctype: DocType
    findings: list[Finding]

    @property
    def declined(self) -> str:
        """Why the document is out of NĐ 30's scope ("" when it was checked)."""
        return f"ngoài phạm vi NĐ30: {self.doctype.legal}" if self.doctype.legal else ""


def lint_docx(path: Path | str, forced_type: str | None = None) -> LintResult:
    """Check one .docx against NĐ 30 as its detected type (or `forced_type`); errors first."""
    doctype, findings = run_rules(read_docx(path), forced_type)
    order = {"error": 0, "warning": 1}
    return LintResult(doctype, sorted(findings, key=lambda f: order.get(f.severity, 2)))


def check_docx(path: Path | str) -> list[Finding]:
    """Check one .docx against NĐ 30 (docs/nd30.md); return the findings, errors first."""
    return lint_docx(path).findings
