"""Pre-Unicode TCVN3 (ABC) and VNI text: detection and conversion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from congvan.vn import legacy_tables
from congvan.vn.collation import TONE_RANK

# Letters that only Unicode Vietnamese has: text holding one of them is not legacy-encoded.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
                           "\u1ea0-\u1ef9\u0300-\u036f]")
_TOKEN = re.compile("[A-Za-z\u00a1-\u00ff]+")
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h",
           "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_RIMES_TEXT = """
a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu o oc oi om on ong op ot oong ooc ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt ư ưa ưc ưi ưm ưn ưng ưt ưu
ươc ươi ươm ươn ương ươp ươt ươu oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oem oen oeo oet uân uâng uât uây uê uêch uênh uơ uy uya uych uyn uynh uyp uyt uyu uyên uyêt
"""
_RIMES = frozenset(_RIMES_TEXT.split())
_VOWEL_LETTERS = frozenset("aăâeêioôơuưy")
_STOP_CODAS = ("c", "ch", "p", "t")


def _tone_positions(cluster: str, has_coda: bool) -> set[int]:
    """Where a tone mark may sit in a vowel cluster (both the old "hoà" and new "hòa" styles)."""
    marked = [index for index, char in enumerate(cluster) if char in "ăâêôơư"]
    if marked:
        return {marked[-1]}
    if len(cluster) == 1:
        return {0}
    if has_coda:
        return {len(cluster) - 1}
    if len(cluster) == 3:
        return {1}
    if cluster in ("oa", "oe", "uy"):
        return {0, 1}
    return {0}


def is_vietnamese_syllable(word: str) -> bool:
    """Return True if `word` is spelled like one Vietnamese syllable (onset, rime, one well-placed tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [(index, char) for index, char in enumerate(decomposed) if char in TONE_RANK]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in TONE_RANK))
    tone_char = tones[0][1] if tones else ""
    tone_at = -1
    if tones:
        # index, in `bare`, of the letter carrying the tone: count base letters before the mark
        tone_at = sum(1 for char in decomposed[:tones[0][0]] if not unicodedata.combining(char)) - 1
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rime = bare[len(onset):]
        if rime not in _RIMES:
            continue
        cluster_length = next((i for i, char in enumerate(rime) if char not in _VOWEL_LETTERS), len(rime))
        coda = rime[cluster_length:]
        if coda in _STOP_CODAS and tone_char not in ("\u0301", "\u0323"):
            continue
        if tones and tone_at - len(onset) not in _tone_positions(rime[:cluster_length], bool(coda)):
            continue
        return True
    return False


def legacy_font_encoding(font_name: str | None) -> str | None:
    """Return "tcvn3" for an ABC font (".VnTime", ".VnArialH"), "vni" for "VNI-Times", else None."""
    name = (font_name or "").strip().casefold()
    if name.startswith(".vn"):
        return legacy_tables.TCVN3
    if name.startswith("vni-") or name.startswith("vni "):
        return legacy_tables.VNI
    return None


def legacy_font_is_uppercase(font_name: str | None) -> bool:
    """Return True for a TCVN3 capitals font (".VnTimeH", ".VnArialH"): it shows every letter as a capital."""
    name = (font_name or "").strip()
    return legacy_font_encoding(name) == legacy_tables.TCVN3 and name.endswith("H")


def legacy_to_unicode(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert text typed in a TCVN3 or VNI font (read as cp1252/latin-1) to Unicode NFC.

    "Céng hßa" (TCVN3) and "Coäng hoøa" (VNI) -> "Cộng hòa". `uppercase` is for TCVN3 capitals fonts
    (".VnTimeH"), whose lower-case codes are shown as capitals. Raise ValueError for another encoding.
    """
    if encoding == legacy_tables.TCVN3:
        result = legacy_tables.tcvn3_to_unicode(text)
    elif encoding == legacy_tables.VNI:
        result = legacy_tables.vni_to_unicode(text)
    else:
        raise ValueError(f"bảng mã không hỗ trợ: {encoding!r} (chỉ 'tcvn3' hoặc 'vni')")
    return result.upper() if uppercase else result


def detect_legacy_encoding(text: str) -> str | None:
    """Return "tcvn3" or "vni" if `text` looks like Vietnamese typed in that legacy font, else None.

    Each word that converting changes is checked: it counts for an encoding when it is not a Vietnamese
    syllable as it stands but is one once converted (a word mixing ASCII letters and legacy codes, such
    as "L©m" -> "Lâm"), and against it in the opposite case. Plain ASCII, Unicode Vietnamese (any letter
    such as "ư", "ạ" or a combining mark) and European text ("Café Müller") return None. A very short
    cell whose words are all valid either way ("Xaõ", VNI for "Xã") cannot be told apart and returns None.
    """
    if not text or text.isascii() or _UNICODE_ONLY.search(text):
        return None
    tokens = _TOKEN.findall(text)
    best: tuple[int, str] | None = None
    tie = False
    for encoding in legacy_tables.ENCODINGS:
        gains = losses = counted = valid = 0
        anchored = False
        for token in tokens:
            converted = legacy_to_unicode(token, encoding)
            converted_ok = is_vietnamese_syllable(converted)
            if not converted_ok and (len(converted) > 1 and converted.isupper() or len(token) == 1):
                continue  # an acronym such as "UBND", or a lone letter as in "(b/c)"
            counted += 1
            valid += converted_ok
            if converted == token:
                continue
            original_ok = is_vietnamese_syllable(token)
            if converted_ok and not original_ok:
                gains += 1
                anchored = anchored or any(char.isascii() for char in token)
            elif original_ok and not converted_ok:
                losses += 1
        if not anchored or gains <= 3 * losses or valid < 0.6 * counted:
            continue
        score = gains - losses
        if best is None or score > best[0]:
            best, tie = (score, encoding), False
        elif score == best[0]:
            tie = True
    return None if best is None or tie else best[1]


def may_be_legacy(text: str) -> bool:
    """Return True when `text` could be legacy-encoded: it has non-ASCII characters but no Unicode-only letter."""
    return bool(text) and not text.isascii() and not _UNICODE_ONLY.search(text)


def detect_legacy_encoding_many(texts: Iterable[str]) -> str | None:
    """Return the legacy encoding of a whole column or sheet: the evidence of all its legacy-looking cells
    pooled, so that short cells ("Löu", VNI or TCVN3?) are decided by their neighbours."""
    pooled = [text for text in texts if may_be_legacy(text)]
    return detect_legacy_encoding("\n".join(pooled)) if pooled else None
