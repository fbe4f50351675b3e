"""Vietnamese text helpers: NFC, dates, decimal comma, numbers in words, collation, legacy encodings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from congvan import legacy_encodings

# -- text --


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (precomposed) form, as TCVN 6909:2001 text must be."""
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """Return `text` NFC-normalised, trimmed, with runs of white space collapsed to one space."""
    return re.sub(r"\s+", " ", nfc(text)).strip()


def fold(text: str) -> str:
    """Return a key for loose matching of headers and names: NFC, case-folded, single spaces."""
    return squash(text).casefold()


def capitalize_first(text: str) -> str:
    """Return `text` with only its first letter upper-cased ("phường X" -> "Phường X")."""
    return text[:1].upper() + text[1:] if text else text


# -- numbers --


def _quantize(value: float | Decimal, decimals: int) -> Decimal:
    exponent = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value))
    if not number.is_finite():
        return number
    with localcontext() as context:  # 1e22 with 2 decimals needs more than the default 28 digits
        context.prec = max(28, number.adjusted() + decimals + 2)
        return number.quantize(exponent, rounding=ROUND_HALF_UP)


def format_number(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return `value` with a decimal comma and dot thousands: 1234567.891 -> "1.234.567,89".

    A whole result drops its ",00" unless `keep_zeros` is set; other decimals keep their width
    ("85,70"), as in published SIPAS tables. NaN and infinities (not numbers a letter may show) are
    written as "NaN", "vô cực" and "âm vô cực" so that a message about a bad cell can still quote them.
    """
    if not Decimal(str(value)).is_finite():
        special = Decimal(str(value))
        return "NaN" if special.is_nan() else ("âm vô cực" if special < 0 else "vô cực")
    number = _quantize(value, decimals)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    if fraction and (keep_zeros or int(fraction) != 0):
        result += "," + fraction
    return result


def format_percent(value: float | int | Decimal, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """Return a percentage the Vietnamese way, no space before %: 68.888 -> "68,89%", 83 -> "83%"."""
    return format_number(value, decimals, keep_zeros=keep_zeros) + "%"


def parse_number(text: str) -> float:
    """Parse "72,27", "72.27", "72,27 %", "1.234,5", "1.500.000" into a float; raise ValueError otherwise.

    A single dot without a comma is a decimal point ("72.27"), as spreadsheets export it.
    """
    cleaned = squash(text).replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("ô trống")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", cleaned):
            raise ValueError(f"không phải số: {text!r}")
        cleaned = cleaned.replace(".", "")  # "1.500.000": dots group thousands
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(f"không phải số: {text!r}")
    return float(cleaned)


def document_number(number: int) -> str:
    """Return a document number as written after "Số:": at least two digits (5 -> "05")."""
    if number < 1:
        raise ValueError("số văn bản bắt đầu từ 1")
    return f"{number:02d}"


# -- numbers in words --

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9


def _group_words(value: int, full: bool, zero_tens: str, four: str) -> list[str]:
    """Words for 0 < value < 1000; `full` reads a zero hundreds digit ("không trăm") inside a number."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += [zero_tens, _DIGIT_WORDS[units]] if words else [_DIGIT_WORDS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGIT_WORDS[units])
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: four, 5: "lăm"}.get(units, _DIGIT_WORDS[units]))
    return words


def _integer_words(value: int, full: bool, zero_tens: str, four: str, thousand: str) -> list[str]:
    """Words for an integer > 0; groups that are all zero are not read ("một triệu không trăm lẻ năm")."""
    if value >= _BILLION:
        high, low = divmod(value, _BILLION)
        words = _integer_words(high, full, zero_tens, four, thousand) + ["tỷ"]
        if low:
            words += _integer_words(low, True, zero_tens, four, thousand)
        return words
    words = []
    started = full
    for group, scale in ((value // 10**6, "triệu"), (value // 1000 % 1000, thousand), (value % 1000, "")):
        if group:
            words += _group_words(group, started, zero_tens, four)
            if scale:
                words.append(scale)
            started = True
    return words


def _to_decimal(value: int | float | Decimal | str) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("không đọc được giá trị đúng/sai thành chữ số")
    if isinstance(value, str):
        return Decimal(repr(parse_number(value)))
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as err:
        raise ValueError(f"không phải số: {value!r}") from err
    if not number.is_finite():
        raise ValueError(f"không phải số hữu hạn: {value!r}")
    return number


def number_to_words(value: int | float | Decimal | str, *, decimals: int | None = None, zero_tens: str = "lẻ",
                    four: str = "bốn", thousand: str = "nghìn") -> str:
    """Read a number in Vietnamese words, as in official and accounting texts.

    2024 -> "hai nghìn không trăm hai mươi bốn", 105 -> "một trăm lẻ năm", 21 -> "hai mươi mốt",
    25 -> "hai mươi lăm", 84.5 -> "tám mươi bốn phẩy năm", 3.05 -> "ba phẩy không năm".
    The digits after the decimal comma are read as one number, their leading zeros as "không"; trailing
    zeros are dropped. `decimals` rounds first (half up). Options: `zero_tens="linh"` (105 -> "một trăm
    linh năm"), `four="tư"` (24 -> "hai mươi tư"; the default "bốn" is what official texts mostly
    write), `thousand="ngàn"`. A group of three zeros is skipped ("một triệu không trăm lẻ năm").
    A string is parsed with `parse_number` ("84,5").
    """
    if zero_tens not in ("lẻ", "linh"):
        raise ValueError("zero_tens phải là 'lẻ' hoặc 'linh'")
    if four not in ("bốn", "tư"):
        raise ValueError("four phải là 'bốn' hoặc 'tư'")
    if thousand not in ("nghìn", "ngàn"):
        raise ValueError("thousand phải là 'nghìn' hoặc 'ngàn'")
    number = _to_decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole_text, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    whole = int(whole_text)
    words = _integer_words(whole, False, zero_tens, four, thousand) if whole else ["không"]
    if fraction:
        digits = fraction.lstrip("0")
        words.append("phẩy")
        words += ["không"] * (len(fraction) - len(digits))
        words += _integer_words(int(digits), False, zero_tens, four, thousand)
    if number < 0 and (whole or fraction):
        words.insert(0, "âm")
    return " ".join(words)


def ordinal_words(n: int) -> str:
    """Return an ordinal: 1 -> "thứ nhất", 4 -> "thứ tư", 10 -> "thứ mười", 21 -> "thứ hai mươi mốt"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("số thứ tự phải là số nguyên")
    if n < 1:
        raise ValueError("số thứ tự bắt đầu từ 1")
    special = {1: "nhất", 4: "tư"}
    return "thứ " + special.get(n, number_to_words(n))


def percent_words(value: int | float | Decimal | str, decimals: int = 2, **options: str) -> str:
    """Return a percentage in words, rounded like `format_percent`: 68.83 -> "sáu mươi tám phẩy tám mươi ba
    phần trăm"."""
    return number_to_words(value, decimals=decimals, **options) + " phần trăm"


def money_words(amount: int | float | Decimal | str, unit: str = "đồng", **options: str) -> str:
    """Return an amount as written after "Bằng chữ:", rounded to whole units, capital first letter:
    1500000 -> "Một triệu năm trăm nghìn đồng"."""
    return capitalize_first(number_to_words(amount, decimals=0, **options) + " " + unit)


# -- legacy 8-bit encodings (TCVN3, VNI) --

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
    tones = [(index, char) for index, char in enumerate(decomposed) if char in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONES))
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
        return legacy_encodings.TCVN3
    if name.startswith("vni-") or name.startswith("vni "):
        return legacy_encodings.VNI
    return None


def legacy_font_is_uppercase(font_name: str | None) -> bool:
    """Return True for a TCVN3 capitals font (".VnTimeH", ".VnArialH"): it shows every letter as a capital."""
    name = (font_name or "").strip()
    return legacy_font_encoding(name) == legacy_encodings.TCVN3 and name.endswith("H")


def legacy_to_unicode(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert text typed in a TCVN3 or VNI font (read as cp1252/latin-1) to Unicode NFC.

    "Céng hßa" (TCVN3) and "Coäng hoøa" (VNI) -> "Cộng hòa". `uppercase` is for TCVN3 capitals fonts
    (".VnTimeH"), whose lower-case codes are shown as capitals. Raise ValueError for another encoding.
    """
    if encoding == legacy_encodings.TCVN3:
        result = legacy_encodings.tcvn3_to_unicode(text)
    elif encoding == legacy_encodings.VNI:
        result = legacy_encodings.vni_to_unicode(text)
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
    for encoding in legacy_encodings.ENCODINGS:
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


# -- dates --

DRAFT_DAY_BLANK = "    "


def _day(day: int) -> str:
    return f"{day:02d}"


def _month(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(date: dt.date) -> str:
    """Return "ngày 04 tháng 7 năm 2023" (day < 10 and months 1-2 zero-padded, NĐ 30 Phụ lục I)."""
    return f"ngày {_day(date.day)} tháng {_month(date.month)} năm {date.year}"


def draft_long_date(month: int, year: int) -> str:
    """Return the draft form with the day left blank: "ngày      tháng 4 năm 2023"."""
    return f"ngày {DRAFT_DAY_BLANK} tháng {_month(month)} năm {year}"


def header_date(place: str, date: dt.date) -> str:
    """Return the place-date line: "Nha Trang, ngày 04 tháng 7 năm 2023"."""
    return f"{place}, {long_date(date)}"


def draft_header_date(place: str, month: int, year: int) -> str:
    """Return the draft place-date line with a blank day: "Nha Trang, ngày      tháng 4 năm 2023"."""
    return f"{place}, {draft_long_date(month, year)}"


def body_date(date: dt.date) -> str:
    """Return a date as cited in body text: "ngày 02/6/2023", "ngày 24/01/2019"."""
    return f"ngày {_day(date.day)}/{_month(date.month)}/{date.year}"


# -- collation --

# Vietnamese letters in dictionary order, with f j w z put where Latin has them (foreign names).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# tone order used by Vietnamese dictionaries: none, huyền, hỏi, ngã, sắc, nặng
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def _split_letter(char: str) -> tuple[str, int]:
    """Return (base letter with its vowel marks, tone rank) for one character."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = 0
    marks = ""
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _LETTER_MARKS:
            marks += mark
    return unicodedata.normalize("NFC", base + marks), tone


def sort_key(text: str) -> tuple:
    """Return a key that sorts Vietnamese strings in dictionary order (a ă â b c d đ e ê ..., then tones).

    Words are compared one by one: a space or hyphen sorts before any letter ("Ba Ngòi" < "Bắc ..." and
    "Bà Rịa" < "Bàn Cờ"); digits sort before letters. Letters are compared first, then tones (none,
    huyền, hỏi, ngã, sắc, nặng), then the text itself so that the order is total.
    """
    letters = []
    tones = []
    for char in squash(text):
        letter, tone = _split_letter(char)
        rank = _BASE_RANK.get(letter)
        if rank is not None:
            letters.append((3, rank))
        elif letter.isspace() or letter in "-–—_/,.":
            letters.append((0, 0))
        elif letter.isdigit():
            letters.append((1, ord(letter)))
        else:
            letters.append((4, ord(letter)))
        tones.append(tone)
    return (tuple(letters), tuple(tones), text)


# -- file names --


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII-safe file-name stem: "Phường Tân Lập & Lộc Thọ" -> "phuong-tan-lap-loc-tho"."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"
