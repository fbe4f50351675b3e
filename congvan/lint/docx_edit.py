"""Writing into WordprocessingML for `lint --fix`: run and paragraph properties put where the schema orders them,
Times New Roman in every font slot, and page-number headers (a centred PAGE field, none on page 1)."""

from __future__ import annotations

from lxml import etree

from congvan.lint.model import NS, R_NS, w_tag

TNR = "Times New Roman"
_HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SECT_AFTER_TITLEPG = ("textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")

# Properties in the order the schema wants (Word refuses a file with them out of order).

PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
              "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def child(parent: etree._Element, tag: str, order: tuple[str, ...], *, fresh: bool = False) -> etree._Element:
    """The `tag` child of `parent` (a new empty one when `fresh`), placed where `order` puts it."""
    for old in parent.findall(f"w:{tag}", NS):
        if not fresh:
            return old
        parent.remove(old)
    element = etree.Element(w_tag(tag))
    rank = order.index(tag)
    later = next((c for c in parent if isinstance(c.tag, str) and etree.QName(c).localname in order
                  and order.index(etree.QName(c).localname) > rank), None)
    if later is not None:
        later.addprevious(element)
    else:
        parent.append(element)
    return element


def _properties(element: etree._Element, name: str) -> etree._Element:
    """The element's properties child (`w:rPr`, `w:pPr`: always first), made when missing."""
    found = element.find(f"w:{name}", NS)
    if found is None:
        found = etree.Element(w_tag(name))
        element.insert(0, found)
    return found


def rpr_of(run: etree._Element) -> etree._Element:
    """The run's w:rPr, made when missing."""
    return _properties(run, "rPr")


def ppr_of(p: etree._Element) -> etree._Element:
    """The paragraph's w:pPr, made when missing."""
    return _properties(p, "pPr")


def set_toggle(run: etree._Element, tag: str, on: bool) -> None:
    """Set a toggle property (w:b, w:i) of the run on or off."""
    element = child(rpr_of(run), tag, RPR_ORDER, fresh=True)
    if not on:
        element.set(w_tag("val"), "0")


def set_size(run: etree._Element, size: float) -> None:
    """Set the run's size (pt) for Latin and complex scripts."""
    for tag in ("sz", "szCs"):
        child(rpr_of(run), tag, RPR_ORDER, fresh=True).set(w_tag("val"), str(int(round(size * 2))))


def set_font(rpr: etree._Element) -> None:
    """Set every font slot of the rPr to Times New Roman."""
    fonts = child(rpr, "rFonts", RPR_ORDER)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(w_tag(slot), TNR)



def _page_number_header() -> bytes:
    """A header part: one centred paragraph holding a 14 pt PAGE field."""
    return (f'<w:hdr xmlns:w="{NS["w"]}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
            '<w:fldSimple w:instr=" PAGE "><w:r><w:rPr><w:rFonts w:ascii="Times New Roman" '
            'w:hAnsi="Times New Roman"/><w:sz w:val="28"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple></w:p>'
            '</w:hdr>').encode()


def add_page_numbers(root: etree._Element, extra: dict[str, bytes], rels: etree._Element,
                     types: etree._Element) -> None:
    """A new centred PAGE header for every section, an empty first-page header, «different first page» on."""
    extra["word/header_so_trang.xml"] = _page_number_header()
    extra["word/header_trang_dau.xml"] = f'<w:hdr xmlns:w="{NS["w"]}"><w:p/></w:hdr>'.encode()
    ids = {}
    for target, kind in (("header_so_trang.xml", "default"), ("header_trang_dau.xml", "first")):
        rid = f"rIdLint{kind.capitalize()}"
        etree.SubElement(rels, f"{{{_REL_NS}}}Relationship", Id=rid, Type=_HEADER_REL, Target=target)
        etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=f"/word/{target}", ContentType=_HEADER_TYPE)
        ids[kind] = rid
    for sect in root.iter(w_tag("sectPr")):
        for ref in sect.findall("w:headerReference", NS):
            sect.remove(ref)
        for position, kind in enumerate(("default", "first")):
            ref = etree.Element(w_tag("headerReference"))
            ref.set(w_tag("type"), kind)
            ref.set(f"{{{R_NS}}}id", ids[kind])
            sect.insert(position, ref)
        if sect.find("w:titlePg", NS) is None:
            after = next((c for c in sect if etree.QName(c).localname in _SECT_AFTER_TITLEPG), None)
            title = etree.Element(w_tag("titlePg"))
            if after is not None:
                after.addprevious(title)
            else:
                sect.append(title)
