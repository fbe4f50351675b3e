"""Effective run and paragraph properties of a .docx through its style chain and docDefaults."""

from __future__ import annotations

from lxml import etree

from congvan.lint.model import NS, WORD_DEFAULT_FONT, WORD_DEFAULT_SIZE, RunFormat, w_tag, xml_on, xml_val


class StyleSheet:
    """Resolves effective run and paragraph properties through styles and docDefaults."""

    def __init__(self, styles_root: etree._Element | None, theme_root: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.defaults_rpr = None
        self.defaults_ppr = None
        if styles_root is not None:
            for style in styles_root.iter(w_tag("style")):
                sid = style.get(w_tag("styleId"))
                if sid is None:
                    continue
                self.styles[sid] = style
                if style.get(w_tag("default")) in ("1", "true", "on"):
                    kind = style.get(w_tag("type"))
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
            style_id = xml_val(based)
        return chain

    def rpr_levels(self, run_rpr: etree._Element | None, para_style: str | None) -> list[etree._Element]:
        """rPr elements from the most to the least specific."""
        levels: list[etree._Element] = []
        if run_rpr is not None:
            levels.append(run_rpr)
            char_style = xml_val(run_rpr.find("w:rStyle", NS))
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
            style_id = xml_val(para_ppr.find("w:pStyle", NS))
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
            theme = fonts.get(w_tag(f"{slot}Theme"))
            if theme:
                kind = "major" if theme.startswith("major") else "minor"
                return self.theme_fonts.get(kind, theme)
            name = fonts.get(w_tag(slot))
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

        size = xml_val(first("sz"))
        try:
            size_pt = float(size) / 2 if size else WORD_DEFAULT_SIZE
        except ValueError:
            size_pt = WORD_DEFAULT_SIZE
        underline = xml_val(first("u"))
        return RunFormat(
            font_ascii=self._font(levels, "ascii"),
            font_hansi=self._font(levels, "hAnsi"),
            size=size_pt,
            bold=bool(xml_on(first("b"))),
            italic=bool(xml_on(first("i"))),
            underline=underline is not None and underline != "none",
            caps=bool(xml_on(first("caps"))),
        )

    def para_property(self, para_ppr: etree._Element | None, path: str) -> etree._Element | None:
        """First element at `path` (e.g. "w:jc") along the paragraph's pPr levels."""
        for ppr in self.ppr_levels(para_ppr):
            found = ppr.find(path, NS)
            if found is not None:
                return found
        return None
