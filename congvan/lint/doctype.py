"""Which document it is: one of the 29 NĐ 30 types (by the title of ô 5a, "V/v" for a công văn, or the type
abbreviation in the number), or a legal document (văn bản quy phạm pháp luật) that NĐ 30 does not govern."""

from __future__ import annotations

import re
from dataclasses import dataclass

from congvan.models import NO_ABBREVIATION, TYPE_ABBREVIATIONS
from congvan.vn import fold

COPY_FORMS = ("Bản sao y", "Bản trích sao", "Bản sao lục")  # forms of a copy, not document types
TYPES: tuple[str, ...] = (*NO_ABBREVIATION, *(name for name in TYPE_ABBREVIATIONS if name not in COPY_FORMS))
CONG_VAN = "Công văn"
# Types of văn bản quy phạm pháp luật that NĐ 30 never covers (Luật Ban hành văn bản QPPL governs them).
LEGAL_TITLES = ("Luật", "Bộ luật", "Pháp lệnh", "Lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch",
                "Nghị quyết liên tịch")
# The number line of a legal document: «Số: 12/2023/QĐ-UBND», «Luật số: 59/2020/QH14» (a line of its own, so a
# trích yếu citing «Thông tư số 01/2011/TT-BNV» is not one).
LEGAL_NUMBER = re.compile(r"^\s*(?:luật\s+|pháp lệnh\s+)?số\s*:?\s*\d*/(?:19|20)\d\d/", re.IGNORECASE | re.MULTILINE)
_BY_KEY = {fold(name): name for name in TYPES}
_LEGAL_KEYS = {fold(name): name for name in LEGAL_TITLES}
_BY_ABBREVIATION = {abbr: name for name, abbr in TYPE_ABBREVIATIONS.items() if name not in COPY_FORMS}


@dataclass(frozen=True)
class DocType:
    """The detected (or forced) type, how it was found and, for a legal document, why lint declines it."""

    name: str
    source: str  # Vietnamese: "tên loại", "V/v", "ký hiệu", "--type", "mặc định"
    legal: str = ""

    @property
    def is_cong_van(self) -> bool:
        return self.name == CONG_VAN

    @property
    def named(self) -> bool:
        """Whether the type carries a title block (ô 5a: type name and trích yếu)."""
        return self.name not in NO_ABBREVIATION


def title_type(text: str) -> str | None:
    """The type (or legal type) a title line names: "THÔNG BÁO" -> "Thông báo"; None when it names none."""
    key = fold(re.sub(r"\s+", " ", text).strip(" :"))
    return _BY_KEY.get(key) or _LEGAL_KEYS.get(key)


def canonical(name: str) -> str:
    """The NĐ 30 spelling of a type given with --type; raise ValueError listing the 29 types."""
    found = _BY_KEY.get(fold(name.strip()))
    if found is None:
        raise ValueError(f"loại văn bản «{name}» không thuộc 29 loại của NĐ 30. Dùng một trong: {', '.join(TYPES)}.")
    return found


def detect(title: str | None, has_vv: bool, number: str | None, header_text: str,
           forced: str | None = None) -> DocType:
    """The type of a document from its title line, its V/v line, its number line and its header text."""
    if forced:
        return DocType(canonical(forced), "--type")
    named = title_type(title) if title else None
    if named in LEGAL_TITLES:
        return DocType(named, "tên loại", f"«{named}» là văn bản quy phạm pháp luật")
    if named is None and has_vv:
        return DocType(CONG_VAN, "V/v")
    # a typed document's symbol starts with its type (05/KH-SNV); a công văn's starts with the body (05/UBND-KH)
    first_group = re.split(r"[-/]", (number or "").partition("/")[2].strip())[0]
    by_symbol = _BY_ABBREVIATION.get(first_group)
    name, source = (named, "tên loại") if named else ((by_symbol, "ký hiệu") if by_symbol else (CONG_VAN, "mặc định"))
    if name != CONG_VAN and LEGAL_NUMBER.search(header_text):
        return DocType(name, source, "số, ký hiệu có năm ban hành (văn bản quy phạm pháp luật)")
    return DocType(name, source)
