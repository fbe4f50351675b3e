"""Tables and converters for the pre-Unicode Vietnamese encodings TCVN3 (ABC) and VNI-Windows.

Older offices typed with 8-bit fonts (.VnTime, .VnArial for TCVN3; VNI-Times, VNI-Helve for VNI). Excel
stores each typed byte as the Windows-1252 character with that code, so "Cộng hòa" in TCVN3 shows as
"Céng hßa" and in VNI as "Coäng hoøa". The converters below take such text (read as cp1252 or latin-1)
back to Unicode NFC. Detection lives in `congvan.vn.detect_legacy_encoding`.
"""

from __future__ import annotations

import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# TCVN 5712:1993 upper half (0xA1-0xFF). The ABC (VN3) fonts use the lower-case letters, the seven
# capitals Ă Â Ê Ô Ơ Ư Đ and the five combining tone marks 0xB0-0xB4; the other capitals are VN1 codes
# in positions VN3 leaves empty. The VN1 capitals at 0x01-0x17 and 0x80-0x9F are not mapped: in a
# Windows workbook those codes are control characters or cp1252 punctuation ("–", "…") typed as such.
# Cross-checked against glibc iconv TCVN5712-1 (tests/test_vietnamese.py).
TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ", 0xA8: "ă",
    0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ", 0xAF: "Ằ", 0xB0: "\u0300",
    0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á",
    0xB9: "ạ", 0xBA: "Ẳ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xBF: "Ẵ", 0xC0: "Ắ",
    0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề", 0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ",
    0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ", 0xCC: "è", 0xCD: "Ể", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é",
    0xD1: "ẹ", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ", 0xD7: "ì", 0xD8: "ỉ",
    0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị", 0xDF: "ò", 0xE0: "Ổ",
    0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố",
    0xE9: "ộ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ", 0xEF: "ù", 0xF0: "Ỗ",
    0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ",
    0xF9: "ự", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ", 0xFF: "Ố",
}

TCVN3_TONE_MARKS = frozenset(range(0xB0, 0xB5))

# VNI-Windows: a vowel is its ASCII base letter followed by one modifier byte that carries both the vowel
# mark and the tone. Key: (base, modifier) in lower case, as cp1252 characters.
_VNI_TONES = {"\u00f9": "\u0301", "\u00f8": "\u0300", "\u00fb": "\u0309", "\u00f5": "\u0303",
              "\u00ef": "\u0323"}
# ù acute, ø grave, û hook, õ tilde, ï dot below
_VNI_CIRCUMFLEX = {"\u00e2": "", "\u00e1": "\u0301", "\u00e0": "\u0300", "\u00e5": "\u0309",
                   "\u00e3": "\u0303", "\u00e4": "\u0323"}
# â (no tone), á acute, à grave, å hook, ã tilde, ä dot below
_VNI_BREVE = {"\u00ea": "", "\u00e9": "\u0301", "\u00e8": "\u0300", "\u00fa": "\u0309",
              "\u00fc": "\u0303", "\u00eb": "\u0323"}
# ê (no tone), é acute, è grave, ú hook, ü tilde, ë dot below


def _vni_pairs() -> dict[tuple[str, str], str]:
    pairs: dict[tuple[str, str], str] = {}
    for base in "aeouy":
        for modifier, tone in _VNI_TONES.items():
            pairs[(base, modifier)] = base + tone
    for base in "aeo":
        for modifier, tone in _VNI_CIRCUMFLEX.items():
            pairs[(base, modifier)] = base + "\u0302" + tone
    for modifier, tone in _VNI_BREVE.items():
        pairs[("a", modifier)] = "a\u0306" + tone
    # ô (0xF4) is ơ and ö (0xF6) is ư; they take the tone modifiers too
    for base, letter in (("\u00f4", "o\u031b"), ("\u00f6", "u\u031b")):
        for modifier, tone in _VNI_TONES.items():
            pairs[(base, modifier)] = letter + tone
    return {key: unicodedata.normalize("NFC", value) for key, value in pairs.items()}


VNI_PAIRS: dict[tuple[str, str], str] = _vni_pairs()

# Letters VNI encodes in one byte (lower case; the upper-case byte is the cp1252 upper case).
VNI_SINGLE: dict[str, str] = {
    "\u00f1": "đ",  # ñ
    "\u00f4": "ơ",  # ô
    "\u00f6": "ư",  # ö
    "\u00ed": "í",  # í
    "\u00ec": "ì",  # ì
    "\u00e6": "ỉ",  # æ
    "\u00f3": "ĩ",  # ó
    "\u00f2": "ị",  # ò
    "\u00ee": "ỵ",  # î
}

def legacy_byte(char: str) -> int | None:
    """Return the 8-bit code a character read from a legacy-font cell stands for, or None.

    Workbooks show the byte through Windows-1252 ("€" is 0x80); text read as latin-1 keeps U+0080-U+00FF.
    """
    try:
        encoded = char.encode("cp1252")
    except UnicodeEncodeError:
        code = ord(char)
        return code if code < 0x100 else None
    return encoded[0] if len(encoded) == 1 else None


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text read as cp1252/latin-1 to Unicode NFC.

    A tone-mark byte (0xB0-0xB4) is only a mark after a vowel; after a digit or a space it keeps its
    cp1252 meaning ("25°C").
    """
    out: list[str] = []
    for char in text:
        code = legacy_byte(char)
        if code is not None and code in TCVN3_TABLE:
            if code in TCVN3_TONE_MARKS:
                previous = unicodedata.normalize("NFD", out[-1])[:1].lower() if out else ""
                if not previous or previous not in "aeiouy":
                    out.append(char)
                    continue
            out.append(TCVN3_TABLE[code])
        else:
            out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text read as cp1252/latin-1 to Unicode NFC; the base letter gives the case."""
    chars = [chr(code) if (code := legacy_byte(char)) is not None and code >= 0x80 else char for char in text]
    out: list[str] = []
    index = 0
    while index < len(chars):
        char = chars[index]
        lower = char.lower()
        if index + 1 < len(chars):
            pair = VNI_PAIRS.get((lower, chars[index + 1].lower()))
            if pair is not None:
                out.append(pair.upper() if char.isupper() else pair)
                index += 2
                continue
        single = VNI_SINGLE.get(lower)
        if single is not None:
            out.append(single.upper() if char.isupper() else single)
        else:
            out.append(text[index])
        index += 1
    return unicodedata.normalize("NFC", "".join(out))
