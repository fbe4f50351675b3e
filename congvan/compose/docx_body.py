"""A body a clerk typed in Word (.docx) -> lines of the body markup (congvan/compose/markup.py).

Only what the markup can say is taken: paragraphs, bold and italic runs, list items (Word's automatic
numbers become "1.", "2." or "a)", "b)", its bullets "- ", unless the text already starts with such a
mark), tables as `| a | b |` rows. Fonts, sizes, indents, spacing and colours are dropped: the letter
sets them to NĐ 30.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from congvan.errors import DataError
from congvan.files import zip_problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY_BYTES = 32 << 20  # a body's document.xml may not decompress beyond this
_MARKED = re.compile(r"^(\d+(\.\d+)*\.|[a-zđ]\)|[-+–])\s")


def docx_lines(path: Path) -> list[str]:
    """Return the markup lines of the Word file at `path`, or raise `DataError` naming it."""
    try:
        with zipfile.ZipFile(path) as archive:
            problem = zip_problem(archive, BODY_BYTES, 100)
            if problem:
                raise DataError(f"{path}: tệp Word quá lớn ({problem}).")
            root = etree.fromstring(archive.read("word/document.xml"))
            formats = _list_formats(archive)
    except FileNotFoundError as err:
        raise DataError(f"{path}: không có tệp nội dung. Kiểm tra khóa noi_dung trong tệp thư.") from err
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as err:
        raise DataError(f"{path}: không đọc được tệp Word ({err}). Mở bằng Word và lưu lại dạng .docx.") from err
    body = root.find(f"{W}body")
    return list(_lines(body, formats)) if body is not None else []


def _list_formats(archive: zipfile.ZipFile) -> dict[str, str]:
    """numId (and "style:<id>" for a list style such as List Number) -> numFmt of its first level."""
    def xml(name: str) -> etree._Element | None:
        return etree.fromstring(archive.read(name)) if name in archive.namelist() else None

    numbering, styles = xml("word/numbering.xml"), xml("word/styles.xml")
    if numbering is None:
        return {}
    abstract = {a.get(f"{W}abstractNumId"): a.find(f"{W}lvl/{W}numFmt") for a in numbering.iter(f"{W}abstractNum")}
    formats = {}
    for num in numbering.iter(f"{W}num"):
        found = num.find(f"{W}abstractNumId")
        fmt = abstract.get(found.get(f"{W}val")) if found is not None else None
        formats[num.get(f"{W}numId", "")] = fmt.get(f"{W}val", "bullet") if fmt is not None else "bullet"
    for style in styles.iter(f"{W}style") if styles is not None else ():
        num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
        if num_id is not None:
            formats[f"style:{style.get(f'{W}styleId')}"] = formats.get(num_id.get(f"{W}val", ""), "bullet")
    return formats


def _list_format(p: etree._Element, formats: dict[str, str]) -> str | None:
    """The numFmt of the list a paragraph is in ("decimal", "lowerLetter", "bullet"), or None."""
    num_id = p.find(f"{W}pPr/{W}numPr/{W}numId")
    if num_id is not None:
        return formats.get(num_id.get(f"{W}val", ""), "bullet")
    style = p.find(f"{W}pPr/{W}pStyle")
    return formats.get(f"style:{style.get(f'{W}val')}") if style is not None else None


LETTERS = "abcdđeghiklmnopqrstuvxy"  # NĐ 30 điểm: a) b) c) d) đ) e) g) … (no f, j, w, z)


def _lines(body: etree._Element, formats: dict[str, str]) -> Iterator[str]:
    counter = 0
    for child in body:
        if child.tag == f"{W}p":
            line, kind = _paragraph(child), _list_format(child, formats)
            counter = counter + 1 if kind in ("decimal", "lowerLetter") else 0
            if kind and line and not _MARKED.match(line.replace("*", "")):
                mark = {"decimal": f"{counter}.", "lowerLetter": f"{LETTERS[(counter - 1) % len(LETTERS)]})"}
                line = f"{mark.get(kind, '-')} {line}"
            yield line
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = [" ".join(_text(p) for p in cell.iter(f"{W}p")).strip() for cell in row.iter(f"{W}tc")]
                yield "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
            yield ""


def _on(props: etree._Element | None, name: str) -> bool:
    element = props.find(f"{W}{name}") if props is not None else None
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "none")


def _paragraph(p: etree._Element) -> str:
    pieces: list[tuple[str, bool, bool]] = []
    for run in p.iter(f"{W}r"):
        text = _text(run)
        if text:
            props = run.find(f"{W}rPr")
            pieces.append((text, _on(props, "b"), _on(props, "i")))
    line = ""
    for text, bold, italic in _merge(pieces):
        core = text.strip()
        if not core or not (bold or italic):
            line += text
            continue
        mark = "**" if bold else "*"
        lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        line += f"{lead}{mark}{core}{mark}{tail}"
    return " ".join(line.split())


def _merge(pieces: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Join neighbouring runs of the same formatting (Word splits runs at every edit)."""
    out: list[tuple[str, bool, bool]] = []
    for text, bold, italic in pieces:
        if out and out[-1][1:] == (bold, italic):
            out[-1] = (out[-1][0] + text, bold, italic)
        else:
            out.append((text, bold, italic))
    return out


def _text(element: etree._Element) -> str:
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts)
