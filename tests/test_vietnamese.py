"""Vietnamese helpers: numbers in words, dates, decimal comma, collation, slugs and legacy TCVN3/VNI text."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from num2words import num2words
from num2words.lang_VI import Num2Word_VI

from congvan import vn
from congvan.vn import legacy_tables as legacy_encodings
from tests.conftest import UNITS, require_tool

LEGACY = Path(__file__).parent / "fixtures" / "legacy"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# -- numbers in words --

# Checked by hand against the way official and accounting texts read numbers.
WORDS = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (7, "bảy"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi bốn"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (45, "bốn mươi lăm"),
    (55, "năm mươi lăm"),
    (70, "bảy mươi"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm lẻ một"),
    (104, "một trăm lẻ bốn"),
    (105, "một trăm lẻ năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (205, "hai trăm lẻ năm"),
    (250, "hai trăm năm mươi"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm lẻ một"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1021, "một nghìn không trăm hai mươi mốt"),
    (1100, "một nghìn một trăm"),
    (1500, "một nghìn năm trăm"),
    (2019, "hai nghìn không trăm mười chín"),
    (2023, "hai nghìn không trăm hai mươi ba"),
    (2024, "hai nghìn không trăm hai mươi bốn"),
    (2025, "hai nghìn không trăm hai mươi lăm"),
    (10_000, "mười nghìn"),
    (10_005, "mười nghìn không trăm lẻ năm"),
    (15_000, "mười lăm nghìn"),
    (21_000, "hai mươi mốt nghìn"),
    (100_000, "một trăm nghìn"),
    (105_000, "một trăm lẻ năm nghìn"),
    (1_000_000, "một triệu"),
    (1_000_005, "một triệu không trăm lẻ năm"),
    (1_005_000, "một triệu không trăm lẻ năm nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (2_050_000, "hai triệu không trăm năm mươi nghìn"),
    (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    (1_000_000_000, "một tỷ"),
    (1_000_000_001, "một tỷ không trăm lẻ một"),
    (1_050_000_000, "một tỷ không trăm năm mươi triệu"),
    (2_000_500_000_000, "hai nghìn tỷ năm trăm triệu"),
    (-15, "âm mười lăm"),
    # decimals: the digits after "phẩy" are read as a number, leading zeros as "không"
    (84.5, "tám mươi bốn phẩy năm"),
    (68.83, "sáu mươi tám phẩy tám mươi ba"),
    (3.05, "ba phẩy không năm"),
    (0.5, "không phẩy năm"),
    (0.25, "không phẩy hai mươi lăm"),
    (72.27, "bảy mươi hai phẩy hai mươi bảy"),
    (85.70, "tám mươi lăm phẩy bảy"),
    (Decimal("85.70"), "tám mươi lăm phẩy bảy"),
    (1.15, "một phẩy mười lăm"),
    (2.21, "hai phẩy hai mươi mốt"),
    (10.005, "mười phẩy không không năm"),
    (100.0, "một trăm"),
    (Decimal("1234.5"), "một nghìn hai trăm ba mươi bốn phẩy năm"),
    (-7.5, "âm bảy phẩy năm"),
    ("84,5", "tám mươi bốn phẩy năm"),
    ("1.500.000", "một triệu năm trăm nghìn"),
]


@pytest.mark.parametrize(("value", "words"), WORDS, ids=[repr(value) for value, _ in WORDS])
def test_number_to_words(value, words):
    assert vn.number_to_words(value) == words


def test_number_table_is_large_enough():
    assert len(WORDS) >= 60


@pytest.mark.parametrize(("value", "options", "words"), [
    (105, {"zero_tens": "linh"}, "một trăm linh năm"),
    (2005, {"zero_tens": "linh"}, "hai nghìn không trăm linh năm"),
    (24, {"four": "tư"}, "hai mươi tư"),
    (14, {"four": "tư"}, "mười bốn"),  # "tư" only after "mươi"
    (104, {"four": "tư"}, "một trăm lẻ bốn"),
    (1500, {"thousand": "ngàn"}, "một ngàn năm trăm"),
])
def test_number_to_words_options(value, options, words):
    assert vn.number_to_words(value, **options) == words


@pytest.mark.parametrize(("value", "decimals", "words"), [
    (68.888, 2, "sáu mươi tám phẩy tám mươi chín"),
    (2.5, 0, "ba"),
    (2.675, 2, "hai phẩy sáu mươi tám"),
    (84.50, 2, "tám mươi bốn phẩy năm"),
    (-0.001, 2, "không"),
])
def test_number_to_words_rounds_half_up(value, decimals, words):
    assert vn.number_to_words(value, decimals=decimals) == words


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "abc", "", Decimal("NaN")])
def test_number_to_words_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        vn.number_to_words(value)


def test_number_to_words_rejects_bool_and_bad_options():
    with pytest.raises(TypeError):
        vn.number_to_words(True)
    with pytest.raises(ValueError):
        vn.number_to_words(5, zero_tens="linh lẻ")
    with pytest.raises(ValueError):
        vn.number_to_words(5, four="4")


UPSTREAM = Num2Word_VI()  # num2words' own Vietnamese converter, not the one congvan.vn registers


def test_agrees_with_upstream_num2words_where_it_is_right():
    """Upstream num2words is right unless a group after the first has a zero hundreds digit, or >= 10^12."""
    for value in range(1, 1000):
        assert vn.number_to_words(value) == UPSTREAM.to_cardinal(value)
    rng = random.Random(2024)
    checked = 0
    while checked < 2000:
        value = rng.randrange(1000, 10**12)
        text = str(value)
        groups = [text[max(0, end - 3):end] for end in range(len(text), 0, -3)]
        if any(group[0] == "0" for group in groups[:-1]):
            continue
        assert vn.number_to_words(value) == UPSTREAM.to_cardinal(value)
        checked += 1


# Written by hand; `upstream` is what num2words 0.5.14's own Num2Word_VI reads (None: it reads it right).
NUM2WORDS_VI = [
    (0, "không", None),
    (5, "năm", None),
    (10, "mười", None),
    (11, "mười một", None),
    (15, "mười lăm", None),
    (21, "hai mươi mốt", None),
    (25, "hai mươi lăm", None),
    (101, "một trăm lẻ một", None),
    (105, "một trăm lẻ năm", None),
    (1005, "một nghìn không trăm lẻ năm", "một nghìn lẻ năm"),
    (1015, "một nghìn không trăm mười lăm", "một nghìn lẻ mười lăm"),
    (2024, "hai nghìn không trăm hai mươi bốn", "hai nghìn lẻ hai mươi bốn"),
    (10_000, "mười nghìn", None),
    (1_000_000, "một triệu", None),
    (1_000_005, "một triệu không trăm lẻ năm", "một triệu lẻ năm"),
    (10**9, "một tỷ", None),
    (2_000_000_000_015, "hai nghìn tỷ không trăm mười lăm", "hai nghìn tỷ lẻ mười lăm"),
    (10**15, "một triệu tỷ", "một trăm nghìn tỷ"),
    (10**18, "một tỷ tỷ", "một Quintillion"),
    (-7, "âm bảy", "mười ba"),
    (72.27, "bảy mươi hai phẩy hai mươi bảy", None),
    (0.5, "không phẩy năm", "không phẩy năm mươi"),
    (3.05, "ba phẩy không năm", "ba phẩy năm"),
    (10.005, "mười phẩy không không năm", "mười phẩy một"),
]


@pytest.mark.parametrize(("value", "words", "upstream"), NUM2WORDS_VI, ids=[repr(v) for v, _, _ in NUM2WORDS_VI])
def test_num2words_vi_is_congvan_reading(value, words, upstream):
    """After `import congvan.vn`, num2words(lang="vi") reads like congvan, where upstream num2words got it wrong."""
    assert num2words(value, lang="vi") == vn.number_to_words(value) == words
    assert UPSTREAM.to_cardinal(value) == (upstream or words)


def test_num2words_vi_options_ordinals_amounts_and_strings():
    assert num2words(105, lang="vi", zero_tens="linh") == "một trăm linh năm"
    assert num2words(24, lang="vi", four="tư") == "hai mươi tư"
    assert num2words(1500, lang="vi", thousand="ngàn") == "một ngàn năm trăm"
    assert num2words(68.888, lang="vi", decimals=2) == "sáu mươi tám phẩy tám mươi chín"
    assert num2words("84,5", lang="vi") == "tám mươi bốn phẩy năm"  # upstream has no str_to_number
    assert num2words(4, lang="vi", to="ordinal") == "thứ tư"  # upstream: "bốn"
    assert num2words(1_500_000, lang="vi", to="currency") == "một triệu năm trăm nghìn đồng"
    assert num2words(1005.4, lang="vi", to="currency", currency="USD") == "một nghìn không trăm lẻ năm USD"
    with pytest.raises(ValueError, match="zero_tens"):
        num2words(5, lang="vi", zero_tens="linh lẻ")


@pytest.mark.parametrize(("n", "words"), [
    (1, "thứ nhất"), (2, "thứ hai"), (3, "thứ ba"), (4, "thứ tư"), (5, "thứ năm"), (10, "thứ mười"),
    (11, "thứ mười một"), (14, "thứ mười bốn"), (15, "thứ mười lăm"), (21, "thứ hai mươi mốt"),
    (100, "thứ một trăm"),
])
def test_ordinal_words(n, words):
    assert vn.ordinal_words(n) == words


def test_ordinal_words_rejects_zero_and_non_integers():
    with pytest.raises(ValueError):
        vn.ordinal_words(0)
    with pytest.raises(TypeError):
        vn.ordinal_words(1.5)


@pytest.mark.parametrize(("value", "words"), [
    (68.83, "sáu mươi tám phẩy tám mươi ba phần trăm"),
    (83, "tám mươi ba phần trăm"),
    (68.888, "sáu mươi tám phẩy tám mươi chín phần trăm"),  # rounded as format_percent shows it
    (100, "một trăm phần trăm"),
    (0.5, "không phẩy năm phần trăm"),
    (85.70, "tám mươi lăm phẩy bảy phần trăm"),
])
def test_percent_words(value, words):
    assert vn.percent_words(value) == words


@pytest.mark.parametrize(("amount", "words"), [
    (1_500_000, "Một triệu năm trăm nghìn đồng"),
    (0, "Không đồng"),
    (2_024_000, "Hai triệu không trăm hai mươi bốn nghìn đồng"),
    (105_000, "Một trăm lẻ năm nghìn đồng"),
    (1_234_567.6, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi tám đồng"),
    (Decimal("21000"), "Hai mươi mốt nghìn đồng"),
])
def test_money_words(amount, words):
    assert vn.money_words(amount) == words


def test_money_words_other_unit_and_options():
    assert vn.money_words(1005, unit="USD", zero_tens="linh") == "Một nghìn không trăm linh năm USD"


# -- dates --


@pytest.mark.parametrize(("date", "text"), [
    (dt.date(2023, 7, 4), "ngày 04 tháng 7 năm 2023"),
    (dt.date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
    (dt.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
    (dt.date(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
    (dt.date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
    (dt.date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
])
def test_long_date(date, text):
    assert vn.long_date(date) == text


def test_header_date():
    assert vn.header_date("Nha Trang", dt.date(2023, 7, 4)) == "Nha Trang, ngày 04 tháng 7 năm 2023"
    assert vn.header_date("Khánh Hòa", dt.date(2025, 1, 5)) == "Khánh Hòa, ngày 05 tháng 01 năm 2025"


@pytest.mark.parametrize(("month", "year", "text"), [
    (4, 2023, "ngày      tháng 4 năm 2023"),
    (1, 2024, "ngày      tháng 01 năm 2024"),
    (2, 2024, "ngày      tháng 02 năm 2024"),
    (11, 2025, "ngày      tháng 11 năm 2025"),
])
def test_draft_long_date(month, year, text):
    assert vn.draft_long_date(month, year) == text


def test_draft_header_date_leaves_the_day_blank():
    line = vn.draft_header_date("Nha Trang", 4, 2023)
    assert line == "Nha Trang, ngày      tháng 4 năm 2023"
    assert line.split("ngày")[1].startswith(" " + vn.DRAFT_DAY_BLANK + " ")


@pytest.mark.parametrize(("date", "text"), [
    (dt.date(2023, 6, 2), "ngày 02/6/2023"),
    (dt.date(2019, 1, 24), "ngày 24/01/2019"),
    (dt.date(2020, 2, 5), "ngày 05/02/2020"),
    (dt.date(2023, 12, 31), "ngày 31/12/2023"),
])
def test_body_date(date, text):
    assert vn.body_date(date) == text


# -- numbers and percentages --


@pytest.mark.parametrize(("value", "kwargs", "text"), [
    (1234567.891, {}, "1.234.567,89"),
    (85.7, {}, "85,70"),
    (83, {}, "83"),
    (83, {"keep_zeros": True}, "83,00"),
    (1_000_000, {"keep_zeros": True}, "1.000.000,00"),
    (999, {}, "999"),
    (1000, {"decimals": 0}, "1.000"),
    (0.005, {}, "0,01"),
    (2.675, {}, "2,68"),
    (-1234.5, {}, "-1.234,50"),
    (-0.001, {}, "0"),
    (Decimal("72.265"), {}, "72,27"),
    (68.8888, {"decimals": 3}, "68,889"),
])
def test_format_number(value, kwargs, text):
    assert vn.format_number(value, **kwargs) == text


@pytest.mark.parametrize(("value", "kwargs", "text"), [
    (68.888, {}, "68,89%"),
    (68.89, {}, "68,89%"),
    (83, {}, "83%"),
    (83, {"keep_zeros": True}, "83,00%"),
    (85.7, {}, "85,70%"),
    (99.999, {}, "100%"),
    (76.46, {"decimals": 1}, "76,5%"),
])
def test_format_percent(value, kwargs, text):
    assert vn.format_percent(value, **kwargs) == text


@pytest.mark.parametrize(("text", "value"), [
    ("72,27", "72.27"),
    ("72,27 %", "72.27"),
    ("68,89%", "68.89"),
    ("83", "83"),
    ("1.500", "1500"),
    ("2.000", "2000"),
    ("999.000", "999000"),
    ("1.234.567,89", "1234567.89"),
    ("1.234,5", "1234.5"),
    (" 68,83\u00a0% ", "68.83"),
    ("-5,5", "-5.5"),
    ("+7", "7"),
    ("1.500.000", "1500000"),
])
def test_parse_vietnamese_number_reads_the_dot_as_thousands(text, value):
    assert vn.parse_vietnamese_number(text) == Decimal(value)


def test_words_read_a_thousands_dot_as_thousands():
    assert vn.number_to_words("2.000") == "hai nghìn"
    assert vn.money_words("1.500") == "Một nghìn năm trăm đồng"
    assert vn.money_words("999.000") == "Chín trăm chín mươi chín nghìn đồng"
    assert vn.number_to_words("1.234,5") == "một nghìn hai trăm ba mươi bốn phẩy năm"


@pytest.mark.parametrize("text", ["", "   ", "abc", "72.27", "1.2.3", "1.50.000", "1500.000", "72,27,1", "7 2a", "%",
                                  ".5", "1,"])
def test_parse_vietnamese_number_rejects(text):
    with pytest.raises(ValueError):
        vn.parse_vietnamese_number(text)


@pytest.mark.parametrize(("text", "value"), [
    ("72,27", 72.27),
    ("72,27 %", 72.27),
    ("72.27", 72.27),
    ("85.7", 85.7),
    ("72.272727", 72.272727),
    ("83", 83.0),
    ("1.234,5", 1234.5),
    ("1.500.000", 1500000.0),
])
def test_parse_score_takes_a_single_dot_with_one_or_two_decimals_as_the_decimal_point(text, value):
    assert vn.parse_score(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.500", "72.270", "-1.000"])
def test_parse_score_refuses_a_dot_that_may_group_thousands(text):
    with pytest.raises(vn.AmbiguousNumber):
        vn.parse_score(text)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "72,27,1", "%"])
def test_parse_score_rejects(text):
    with pytest.raises(ValueError):
        vn.parse_score(text)


def test_document_number():
    assert vn.document_number(5) == "05"
    assert vn.document_number(12) == "12"
    assert vn.document_number(1234) == "1234"
    with pytest.raises(ValueError):
        vn.document_number(0)


def test_text_helpers():
    assert vn.nfc(nfd("Phường Đông Hải")) == "Phường Đông Hải"
    assert vn.squash("  Phường \t Nha\u00a0Trang \n") == "Phường Nha Trang"
    assert vn.fold(" ĐƠN  VỊ ") == vn.fold(nfd("đơn vị")) == "đơn vị"
    assert vn.capitalize_first("phường X") == "Phường X"
    assert vn.capitalize_first("ủy ban") == "Ủy ban"
    assert vn.capitalize_first("") == ""


# -- collation --

ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")

WARDS = [
    "Ba Ngòi", "Bắc Cam Ranh", "Bắc Nha Trang", "Cam An", "Cam Lâm", "Cam Linh", "Cam Ranh", "Diên Điền",
    "Diên Khánh", "Đông Hải", "Đồng Xuân", "Ea Kar", "Gia Lộc", "Hòa Thắng", "Khánh Vĩnh", "Nam Nha Trang",
    "Ninh Hòa", "Ơn Hòa", "Phước Long", "Suối Dầu", "Tây Nha Trang", "Trường Sa", "Tu Bông", "Ưu Điềm",
    "Vạn Ninh", "Xuân Sơn", "Yên Bái",
]


def shuffled(items: list[str], seed: int = 7) -> list[str]:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def test_sort_key_alphabet():
    assert sorted(shuffled(ALPHABET), key=vn.sort_key) == ALPHABET
    assert sorted(shuffled([letter.upper() for letter in ALPHABET]), key=vn.sort_key) == [
        letter.upper() for letter in ALPHABET]


def test_sort_key_ward_names():
    assert sorted(shuffled(WARDS), key=vn.sort_key) == WARDS


def test_sort_key_tones_after_letters():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(shuffled(tones), key=vn.sort_key) == tones
    assert sorted(["mạc", "ma", "mác", "mà"], key=vn.sort_key) == ["ma", "mà", "mác", "mạc"]
    assert sorted(["Hoà", "Hòa", "Hoa"], key=vn.sort_key)[0] == "Hoa"


def test_sort_key_compares_word_by_word():
    assert sorted(["Bao Lộc", "Ba Ngòi"], key=vn.sort_key) == ["Ba Ngòi", "Bao Lộc"]
    assert sorted(["Bàn Cờ", "Bà Rịa"], key=vn.sort_key) == ["Bà Rịa", "Bàn Cờ"]
    assert sorted(["Phường 10", "Phường 2", "Phường Ba"], key=vn.sort_key)[-1] == "Phường Ba"


def test_sort_key_nfd_sorts_like_nfc():
    decomposed = [nfd(name) for name in shuffled(WARDS, seed=3)]
    assert [vn.nfc(name) for name in sorted(decomposed, key=vn.sort_key)] == WARDS
    for name in WARDS:
        assert vn.sort_key(nfd(name))[0] == vn.sort_key(name)[0]


# Real unit names, in the order a Vietnamese dictionary gives: syllable by syllable (letters, then that
# syllable's tone), numbered wards by value. Written out by hand, not computed.
UNITS_IN_ORDER = [
    "Đặc khu Phú Quốc", "Đặc khu Trường Sa",
    "Phường 1", "Phường 2", "Phường 3", "Phường 4", "Phường 5", "Phường 7", "Phường 9", "Phường 10", "Phường 11",
    "Phường 12", "Phường 13", "Phường 14", "Phường 15",
    "Phường An Khánh", "Phường Ba Đình", "Phường Bạch Mai", "Phường Bàn Cờ", "Phường Bến Nghé", "Phường Bồ Đề",
    "Phường Cầu Giấy", "Phường Cầu Kho", "Phường Chợ Quán", "Phường Cửa Nam", "Phường Đa Kao", "Phường Định Công",
    "Phường Đông Ngạc", "Phường Đồng Nhân", "Phường Đống Mác", "Phường Hòa Cường", "Phường Hoàn Kiếm",
    "Phường Hoàng Liệt", "Phường Hoàng Mai", "Phường Hồng Hà", "Phường Kim Liên", "Phường Láng",
    "Phường Long Biên", "Phường Ô Chợ Dừa", "Phường Phú Diễn", "Phường Phúc Lợi", "Phường Phương Liệt",
    "Phường Tân Định", "Phường Tây Hồ", "Phường Tây Mỗ", "Phường Thanh Lương", "Phường Thanh Xuân",
    "Phường Thành Công", "Phường Thượng Cát", "Phường Từ Liêm", "Phường Tương Mai",
    "Phường Văn Miếu - Quốc Tử Giám", "Phường Vĩnh Hưng", "Phường Xuân Đỉnh", "Phường Yên Hòa", "Phường Yên Sở",
    "Xã An Phú", "Xã Ân Thi", "Xã Ba Tơ", "Xã Bắc Sơn", "Xã Đắk Mil", "Xã Ea Kar", "Xã Ô Diên", "Xã Ứng Hòa",
    "Xã Ứng Thiên",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sort_key_real_unit_names_syllable_by_syllable(seed):
    assert sorted(shuffled(UNITS_IN_ORDER, seed), key=vn.sort_key) == UNITS_IN_ORDER


def test_sort_key_tone_of_the_first_syllable_decides_before_the_second_syllable():
    assert sorted(["Đống Mác", "Đồng Nhân"], key=vn.sort_key) == ["Đồng Nhân", "Đống Mác"]
    assert sorted(["Thành Công", "Thanh Lương"], key=vn.sort_key) == ["Thanh Lương", "Thành Công"]
    assert sorted(["Bình Thạnh", "Bình Thành", "Bình Thanh"], key=vn.sort_key) == [
        "Bình Thanh", "Bình Thành", "Bình Thạnh"]


def test_sort_key_numbers_by_value():
    assert sorted(["Phường 10", "Phường 11", "Phường 15", "Phường 2", "Phường 3"], key=vn.sort_key) == [
        "Phường 2", "Phường 3", "Phường 10", "Phường 11", "Phường 15"]
    assert sorted(["Tổ 02", "Tổ 2", "Tổ 1"], key=vn.sort_key) == ["Tổ 1", "Tổ 2", "Tổ 02"]


def test_sort_key_is_case_insensitive_for_letters():
    assert sorted(["ân", "Ăn", "an"], key=vn.sort_key) == ["an", "Ăn", "ân"]
    assert sorted(["đa", "Da", "Ea"], key=vn.sort_key) == ["Da", "đa", "Ea"]


# -- slugs --


@pytest.mark.parametrize(("text", "slug"), [
    ("Phường Đông Hải", "phuong-dong-hai"),
    ("Phường Tân Lập & Lộc Thọ", "phuong-tan-lap-loc-tho"),
    ("ĐẶC KHU TRƯỜNG SA", "dac-khu-truong-sa"),
    ("Xã Ơn Ưu (2025)", "xa-on-uu-2025"),
    ("", "van-ban"),
    ("!!!", "van-ban"),
])
def test_slugify(text, slug):
    assert vn.slugify(text) == slug
    assert vn.slugify(nfd(text)) == slug


def test_slugify_max_length_has_no_trailing_dash():
    slug = vn.slugify("Ủy ban nhân dân phường Bắc Nha Trang " * 5, max_length=20)
    assert len(slug) <= 20 and not slug.endswith("-") and slug.startswith("uy-ban-nhan-dan")


# -- legacy encodings --


def fixture_lines(name: str) -> list[str]:
    return (LEGACY / name).read_text(encoding="utf-8").splitlines()


EXPECTED = fixture_lines("expected.txt")
LEGACY_CASES = [(encoding, line, expected) for encoding in legacy_encodings.ENCODINGS
                for line, expected in zip(fixture_lines(f"{encoding}.txt"), EXPECTED, strict=True)]


def test_fixtures_are_parallel():
    assert len(fixture_lines("tcvn3.txt")) == len(fixture_lines("vni.txt")) == len(EXPECTED) >= 15
    assert all(line == vn.nfc(line) for line in EXPECTED)


@pytest.mark.parametrize(("encoding", "line", "expected"), LEGACY_CASES)
def test_legacy_to_unicode_fixture(encoding, line, expected):
    assert vn.legacy_to_unicode(line, encoding) == expected


@pytest.mark.parametrize(("encoding", "line", "expected"), LEGACY_CASES)
def test_detect_legacy_fixture_line(encoding, line, expected):
    if any(char.isascii() and char.isalpha() for char in line):
        assert vn.detect_legacy_encoding(line) == encoding
    else:  # lone letters ("µ ¸ ¶") are no evidence: not detected, never mistaken
        assert vn.detect_legacy_encoding(line) in (encoding, None)
    assert vn.detect_legacy_encoding(expected) is None


@pytest.mark.parametrize("encoding", legacy_encodings.ENCODINGS)
def test_detect_legacy_whole_file(encoding):
    assert vn.detect_legacy_encoding("\n".join(fixture_lines(f"{encoding}.txt"))) == encoding
    assert vn.detect_legacy_encoding_many(fixture_lines(f"{encoding}.txt")) == encoding


def test_detect_many_decides_short_ambiguous_cells():
    # "Löu" is VNI "Lưu" but also TCVN3 "Lửu"; alone it is undecided, its column decides
    assert vn.detect_legacy_encoding("Löu") is None
    assert vn.detect_legacy_encoding_many(["Löu", "Phöôøng Nha Trang", "Xaõ Cam Laâm", "83,5"]) == "vni"
    assert vn.detect_legacy_encoding_many(["Phường Nha Trang", "Cà Mau", "UBND"]) is None


@pytest.mark.parametrize("text", [
    "Cà Mau", "Tây Ninh", "Hòa", "Bà", "và", "có", "là", "Bình Thuận", "Phường Nha Trang", "Đơn vị",
    "Tiếp cận dịch vụ", nfd("Cộng hòa xã hội chủ nghĩa Việt Nam"), "UBND", "Phuong Nha Trang", "68,83%",
    "Khánh Hòa", "Cam Lâm", "Tân Lập", "Núi Thành", "Ninh Hòa", "Đà Lạt", "",
])
def test_detect_legacy_ignores_unicode_vietnamese_and_ascii(text):
    assert vn.detect_legacy_encoding(text) is None


@pytest.mark.parametrize("text", [
    "Café Müller", "naïve façade", "© 2024 Company Ltd.", "½ price", "25°C", "São Paulo", "Straße", "ça va",
    "déjà vu", "Noël", "año nuevo", "Zürich", "Ångström", "Résumé", "piñata", "Ø 12 mm", "§ 5 Abs. 2",
    "® registered", "µg/m³", "±5%", "crème brûlée", "¿Qué pasa?", "über alles", "fiancé", "Björk",
    "Mötley Crüe", "El Niño", "Renée", "The quick brown fox jumps over the lazy dog",
])
def test_detect_legacy_ignores_european_text(text):
    assert vn.detect_legacy_encoding(text) is None


def test_tcvn3_table_matches_glibc_iconv():
    require_tool("iconv")
    for code, char in legacy_encodings.TCVN3_TABLE.items():
        result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([code]),
                                capture_output=True, check=True)
        assert vn.nfc(result.stdout.decode("utf-8")) == char, hex(code)


def test_tcvn3_capitals_font_and_tone_mark_bytes():
    assert vn.legacy_to_unicode("céng hßa x· héi chñ nghÜa viÖt nam", "tcvn3", uppercase=True) == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    # 0xB0-0xB4 are combining tone marks after a vowel, and stay what they are elsewhere
    assert vn.legacy_to_unicode("ma° mo³ ca´", "tcvn3") == "mà mó cạ"
    assert vn.legacy_to_unicode("25°C ±2", "tcvn3") == "25°C ±2"
    # cp1252 punctuation typed in a .VnTime cell stays as it is
    assert vn.legacy_to_unicode("Tr\u00adêng – Sa…", "tcvn3") == "Trường – Sa…"


def test_vni_capitals_and_latin1_reading():
    assert vn.legacy_to_unicode("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni") == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert vn.legacy_to_unicode("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC", "vni") == "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"
    assert vn.legacy_to_unicode("UÛY BAN NHAÂN DAÂN TÆNH KHAÙNH HOØA", "vni") == (
        "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA")
    assert vn.legacy_to_unicode("Ôû, Öôùc, ÔÛ, ÖÔÙC, Î", "vni") == "Ở, Ước, Ở, ƯỚC, Ỵ"
    assert vn.detect_legacy_encoding("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM") == "vni"


def test_legacy_to_unicode_leaves_ascii_and_rejects_unknown_encoding():
    for encoding in legacy_encodings.ENCODINGS:
        assert vn.legacy_to_unicode("UBND 2025 (b/c)", encoding) == "UBND 2025 (b/c)"
    with pytest.raises(ValueError):
        vn.legacy_to_unicode("abc", "viscii")


@pytest.mark.parametrize(("font", "encoding", "uppercase"), [
    (".VnTime", "tcvn3", False), (".VnTimeH", "tcvn3", True), (".VnArial", "tcvn3", False),
    (".VnArialH", "tcvn3", True), ("VNI-Times", "vni", False), ("VNI-Helve", "vni", False),
    ("Times New Roman", None, False), ("", None, False), (None, None, False),
])
def test_legacy_font_encoding(font, encoding, uppercase):
    assert vn.legacy_font_encoding(font) == encoding
    assert vn.legacy_font_is_uppercase(font) is uppercase


@pytest.mark.parametrize(("word", "ok"), [
    ("nghiêng", True), ("khuyến", True), ("giữ", True), ("quốc", True), ("rượu", True), ("khuỷu", True),
    ("hoà", True), ("hòa", True), ("thuở", True), ("gì", True), ("xoong", True),
    ("tẳt", False), ("xaõ", False), ("cafộ", False), ("mỹller", False), ("ỗa", False), ("đ", False),
    ("ngha", True), ("fa", False), ("áà", False), ("a", True),
])
def test_is_vietnamese_syllable(word, ok):
    assert vn.is_vietnamese_syllable(word) is ok


# -- legacy workbook fixtures --


def load_make_fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", LEGACY / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("encoding", "font"), [("tcvn3", ".VnTime"), ("vni", "VNI-Times")])
def test_legacy_workbook_fixture(encoding, font):
    sheet = openpyxl.load_workbook(LEGACY / f"{encoding}.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, body = rows[0], rows[1:]
    assert header[0] == "STT"
    assert [vn.legacy_to_unicode(text, encoding) for text in header[1:]] == ["Đơn vị", "Tiếp cận dịch vụ"]
    assert header[1] != "Đơn vị"
    names = [row[1] for row in body]
    assert vn.detect_legacy_encoding_many(names) == encoding
    assert all(vn.detect_legacy_encoding(name) == encoding for name in names)
    assert [vn.legacy_to_unicode(name, encoding) for name in names] == list(UNITS)
    assert [row[2] for row in body] == pytest.approx([scores[0] for scores in UNITS.values()])
    assert sheet["B2"].font.name == font
    assert vn.legacy_font_encoding(sheet["B2"].font.name) == encoding


def test_make_fixtures_rebuilds_the_shipped_workbooks(tmp_path):
    make_fixtures = load_make_fixtures()
    for encoding in legacy_encodings.ENCODINGS:
        rebuilt = make_fixtures.build(encoding, tmp_path / f"{encoding}.xlsx")
        fresh = [[c.value for c in row] for row in openpyxl.load_workbook(rebuilt).active.iter_rows()]
        shipped_sheet = openpyxl.load_workbook(LEGACY / f"{encoding}.xlsx").active
        shipped = [[c.value for c in row] for row in shipped_sheet.iter_rows()]
        assert fresh == shipped
