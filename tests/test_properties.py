"""Property tests (hypothesis): Vietnamese helpers, the assessment, and a fuzz pass over the results reader."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from congvan import vn
from congvan.config import AssessmentSettings
from congvan.errors import DataError
from congvan.letter.assessment import assess, competition_ranks, round_half_up, verdict
from congvan.models import ResultTable
from congvan.sources.catalog import load_catalog
from congvan.sources.cells import Cell, read_score
from congvan.sources.results import load_results
from tests.conftest import ROOT, write_workbook

# -- numbers in words: a strict parser that only accepts the spelling rules, so a round trip proves them --

_DIGITS = {word: value for value, word in enumerate(("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy",
                                                       "tám", "chín"))}


def _units_after_muoi(word: str, four: str) -> int:
    """The unit after "mươi": 1 is "mốt", 4 is `four`, 5 is "lăm"; "một", "năm" and the other four are wrong."""
    special = {"mốt": 1, four: 4, "lăm": 5}
    if word in special:
        return special[word]
    value = _DIGITS[word]
    assert value not in (0, 1, 4, 5), f"'{word}' after 'mươi'"
    return value


def _units_after_muoi_10(word: str) -> int:
    """The unit after "mười": 5 is "lăm", 1 is "một" (never "mốt"), 4 is "bốn"."""
    if word == "lăm":
        return 5
    value = _DIGITS[word]
    assert value not in (0, 5), f"'{word}' after 'mười'"
    return value


def _group(tokens: list[str], zero_tens: str, four: str) -> int:
    value = 0
    if len(tokens) >= 2 and tokens[1] == "trăm":
        value = _DIGITS[tokens[0]] * 100
        tokens = tokens[2:]
    if not tokens:
        return value
    if tokens[0] == zero_tens:
        assert len(tokens) == 2 and value >= 0 and _DIGITS[tokens[1]] > 0
        return value + _DIGITS[tokens[1]]
    if tokens[0] == "mười":
        assert len(tokens) <= 2
        return value + 10 + (_units_after_muoi_10(tokens[1]) if len(tokens) == 2 else 0)
    if len(tokens) >= 2 and tokens[1] == "mươi":
        assert len(tokens) <= 3 and _DIGITS[tokens[0]] >= 2
        return value + _DIGITS[tokens[0]] * 10 + (_units_after_muoi(tokens[2], four) if len(tokens) == 3 else 0)
    assert len(tokens) == 1 and value == 0, f"bare unit after a hundred: {tokens}"
    return _DIGITS[tokens[0]]


def parse_words(text: str, zero_tens: str = "lẻ", four: str = "bốn", thousand: str = "nghìn") -> int:
    """Parse an integer written by `number_to_words` back, refusing any spelling it should not produce."""
    tokens = text.split(" ")
    if "tỷ" in tokens:
        last = len(tokens) - 1 - tokens[::-1].index("tỷ")
        high = parse_words(" ".join(tokens[:last]), zero_tens, four, thousand)
        rest = tokens[last + 1:]
        return high * 10**9 + (parse_words(" ".join(rest), zero_tens, four, thousand) if rest else 0)
    total = 0
    for scale, factor in (("triệu", 10**6), (thousand, 1000)):
        if scale in tokens:
            at = tokens.index(scale)
            total += _group(tokens[:at], zero_tens, four) * factor
            tokens = tokens[at + 1:]
    return total + (_group(tokens, zero_tens, four) if tokens else 0)


def _clean(text: str) -> None:
    assert text == vn.nfc(text)
    assert "  " not in text and text == text.strip()


@given(st.integers(min_value=1, max_value=10**15), st.sampled_from(["lẻ", "linh"]), st.sampled_from(["bốn", "tư"]),
       st.sampled_from(["nghìn", "ngàn"]))
def test_integer_words_parse_back(value: int, zero_tens: str, four: str, thousand: str) -> None:
    text = vn.number_to_words(value, zero_tens=zero_tens, four=four, thousand=thousand)
    _clean(text)
    assert parse_words(text, zero_tens, four, thousand) == value
    words = text.split(" ")
    for before, word in zip(words, words[1:], strict=False):
        if word == "mốt":
            assert before == "mươi"
        if word == "lăm":
            assert before in ("mươi", "mười")
        if word == zero_tens:
            assert before == "trăm"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_decimal_words_parse_back(value: Decimal) -> None:
    text = vn.number_to_words(value)
    _clean(text)
    negative = text.startswith("âm ")
    body = text.removeprefix("âm ")
    whole_text, _, fraction_text = body.partition(" phẩy ")
    whole = 0 if whole_text == "không" else parse_words(whole_text)
    fraction = ""
    if fraction_text:
        tokens = fraction_text.split(" ")
        zeros = 0
        while tokens and tokens[0] == "không":
            zeros, tokens = zeros + 1, tokens[1:]
        fraction = "0" * zeros + (str(parse_words(" ".join(tokens))) if tokens else "")
    parsed = Decimal(f"{whole}.{fraction or 0}")
    assert (-parsed if negative else parsed) == value
    assert negative == (value < 0 and value != 0)


@given(st.integers(min_value=1, max_value=10**6))
def test_ordinals_read_nhat_and_tu(value: int) -> None:
    text = vn.ordinal_words(value)
    _clean(text)
    assert text.startswith("thứ ")
    expected = {1: "thứ nhất", 4: "thứ tư"}.get(value, "thứ " + vn.number_to_words(value))
    assert text == expected


# -- dates: zero padding --


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_are_zero_padded_and_read_back(date: dt.date) -> None:
    match = re.fullmatch(r"ngày (\d+) tháng (\d+) năm (\d{4})", vn.long_date(date))
    assert match, vn.long_date(date)
    day, month, year = match.groups()
    assert len(day) == 2  # "04", "24"
    assert len(month) == (2 if date.month <= 2 else len(str(date.month)))  # "01", "02", "7", "12"
    assert dt.date(int(year), int(month), int(day)) == date
    body = re.fullmatch(r"ngày (\d{2})/(\d+)/(\d{4})", vn.body_date(date))
    assert body and (body.group(1), body.group(2)) == (day, month)
    assert vn.header_date("Nha Trang", date) == f"Nha Trang, {vn.long_date(date)}"


# -- decimal comma: format then parse back --


@given(st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False))
def test_percent_format_reads_back_through_the_score_parser(value: Decimal) -> None:
    text = vn.format_percent(value)
    assert "." not in text and " " not in text and text.endswith("%")
    expected = float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    score, plain = read_score(Cell(text, None), "test")
    assert score == expected and plain is False
    score, plain = read_score(Cell(vn.format_number(value), None), "test")
    assert score == expected and plain is True


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_number_format_with_decimals_round_trips(value: Decimal) -> None:
    text = vn.format_number(value, keep_zeros=True)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d{2}", text), text
    assert vn.parse_vietnamese_number(text) == value


@settings(max_examples=10_000, deadline=None)
@given(st.one_of(st.integers(-10**12, 10**12).map(Decimal),
                 st.decimals(min_value=-10**12, max_value=10**12, places=1, allow_nan=False, allow_infinity=False),
                 st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)))
def test_what_format_number_writes_parses_back(value: Decimal) -> None:
    text = vn.format_number(value)  # whole numbers drop ",00": 1500 -> "1.500"
    assert vn.parse_vietnamese_number(text) == value



@settings(max_examples=2_000, deadline=None)
@given(st.integers(min_value=1, max_value=10**12))
def test_words_of_a_written_number_parse_back(value: int) -> None:
    written = vn.format_number(value)  # "1.500": the words must say one thousand five hundred, not 1.5
    assert parse_words(vn.number_to_words(written)) == value
    assert parse_words(vn.money_words(written).removesuffix(" đồng").lower()) == value


# -- collation --

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # dictionary tone order
_WORD_CHARS = st.sampled_from(list(_LETTERS) + [" ", "-", "0", "7", "A", "Đ", "Ơ"])


@given(st.lists(st.text(alphabet=_WORD_CHARS, max_size=8), min_size=2, max_size=12))
def test_collation_is_a_total_order(texts: list[str]) -> None:
    keys = [vn.sort_key(t) for t in texts]
    for a, ka in zip(texts, keys, strict=True):
        for b, kb in zip(texts, keys, strict=True):
            assert (ka == kb) == (a == b)
    ordered = sorted(texts, key=vn.sort_key)
    assert sorted(ordered, key=vn.sort_key) == ordered
    assert sorted(reversed(texts), key=vn.sort_key) == ordered


@given(st.text(alphabet=list(_LETTERS), min_size=1, max_size=6), st.text(alphabet=list(_LETTERS), min_size=1,
                                                                         max_size=6))
def test_collation_follows_the_vietnamese_alphabet(a: str, b: str) -> None:
    assume(a != b)
    ranks = [[_LETTERS.index(c) for c in word] for word in (a, b)]
    assert (vn.sort_key(a) < vn.sort_key(b)) == (ranks[0] < ranks[1])


@given(st.sampled_from("aăâeêioôơuưy"), st.integers(0, 5), st.integers(0, 5))
def test_collation_orders_tones_none_huyen_hoi_nga_sac_nang(vowel: str, first: int, second: int) -> None:
    a = vn.nfc("b" + vowel + _TONE_MARKS[first])
    b = vn.nfc("b" + vowel + _TONE_MARKS[second])
    assert (vn.sort_key(a) < vn.sort_key(b)) == (first < second)
    assert vn.sort_key(unicodedata.normalize("NFD", a))[0] == vn.sort_key(a)[0]
    assert vn.sort_key(a.upper())[0] == vn.sort_key(a)[0]


_SYLLABLES = st.text(alphabet=list(_LETTERS), min_size=1, max_size=5)


@given(_SYLLABLES, st.integers(0, 5), st.integers(0, 5), _SYLLABLES, _SYLLABLES)
def test_collation_first_syllable_tone_decides_before_the_next_syllable(
        syllable: str, first: int, second: int, rest_a: str, rest_b: str) -> None:
    assume(first != second)
    a = vn.nfc(syllable[0] + _TONE_MARKS[first] + syllable[1:] + " " + rest_a)
    b = vn.nfc(syllable[0] + _TONE_MARKS[second] + syllable[1:] + " " + rest_b)
    assert (vn.sort_key(a) < vn.sort_key(b)) == (first < second)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_collation_compares_numbers_by_value(m: int, n: int) -> None:
    assume(m != n)
    assert (vn.sort_key(f"Phường {m}") < vn.sort_key(f"Phường {n}")) == (m < n)


# -- slugs --


@given(st.text(max_size=200))
def test_slug_is_a_safe_file_name(text: str) -> None:
    slug = vn.slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len(slug) <= 60


@given(st.text(alphabet=list(_LETTERS + "ĐĂÂÊÔƠƯ "), min_size=1, max_size=30))
def test_slug_keeps_every_vietnamese_letter_as_its_base(text: str) -> None:
    slug = vn.slugify(text)
    stripped = re.sub(r"\s+", "", text)
    expected = stripped.lower().translate(str.maketrans("ăâđêôơư", "aadeoou"))
    if stripped:
        assert expected.startswith(slug.replace("-", ""))
        assert len(slug) == 60 or slug.replace("-", "") == expected


# -- assessment --

_SCORES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False).map(float)


@given(st.lists(_SCORES, min_size=1, max_size=30))
def test_ranks_are_competition_ranks(values: list[float]) -> None:
    ranks = competition_ranks(values)
    for value, rank in zip(values, ranks, strict=True):
        assert rank == 1 + sum(1 for other in values if other > value)  # "1, 2, 2, 4"
    # ranks with ties form a permutation of 1..n once ties are spread out in order
    spread = sorted(r + sorted(i for i, v in enumerate(values) if v == values[j]).index(j)
                    for j, r in enumerate(ranks))
    assert spread == list(range(1, len(values) + 1))
    assert min(ranks) == 1


def _settings(target: float, margin: float) -> AssessmentSettings:
    return AssessmentSettings(year=2025, target=target, next_year_target=target, criterion_targets={},
                              very_low_margin=margin, decimals=2, order="vi", missing_unit="loi")


_CATALOG = load_catalog(ROOT / "data" / "tieu_chi.toml")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), _SCORES, st.decimals(min_value=0, max_value=30, places=1).map(float))
def test_verdicts_never_contradict_score_and_target(data: st.DataObject, target: float, margin: float) -> None:
    spec = _CATALOG.tables[0]
    units = [f"Đơn vị {i}" for i in range(data.draw(st.integers(1, 12)))]
    scores = {u: {c.code: data.draw(_SCORES) for c in spec.criteria} for u in units}
    table = ResultTable(spec=spec, source="test", scores=scores, rows={u: i for i, u in enumerate(units, start=3)})
    results = assess([table], units, _settings(target, margin))
    for unit, result in zip(units, results, strict=True):
        (table_result,) = result.tables
        for item in table_result.criteria:
            if all(c.code != item.criterion.code for c in spec.criteria):
                continue
            expected_target = item.criterion.target if item.criterion.target is not None else target
            assert item.target == expected_target
            assert item.score == round_half_up(scores[unit][item.criterion.code], 2)
            gap = item.score - item.target
            assert item.gap == round_half_up(gap, 2)
            expected = "vuot" if item.gap > 0 else "dat" if item.gap == 0 else (
                "rat_thap" if -item.gap > margin else "chua_dat")
            assert item.verdict == expected == verdict(item.gap, margin)
            assert item.meets_target == (item.score >= item.target - 1e-9)
            assert item.rank == 1 + sum(1 for other in units
                                        if round_half_up(scores[other][item.criterion.code], 2) > item.score)
            assert item.rank_of == len(units)


# -- fuzz: the results reader returns scores in 0..100 or raises DataError, never anything else --

_CELL_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(min_value=0, max_value=100),
    st.integers(min_value=-10**6, max_value=10**6),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(["72,27", "72.27%", "N/A", "-", "#DIV/0!", "1.234,5", " 85,7 ", "", "0", "100", "x", "=A1"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_CELL_VALUES, min_size=6, max_size=6), min_size=1, max_size=5),
       st.sampled_from([None, "0.00%", "0.00"]))
def test_results_reader_fuzz(tmp_path: Path, rows: list[list[Any]], number_format: str | None) -> None:
    spec = _CATALOG.tables[0]
    header = ["STT", spec.unit_headers[0], *[c.headers[0] for c in spec.criteria]]
    body = [[i, f"Phường Số {i}", *values[:len(spec.criteria)]] for i, values in enumerate(rows, start=1)]
    path = tmp_path / f"fuzz_{abs(hash(repr(rows))) % 10**9}.xlsx"
    write_workbook(path, {spec.name: [header, *body]}, formats={spec.name: number_format} if number_format else None)
    try:
        tables = load_results([path], _CATALOG)
    except DataError:
        return
    finally:
        path.unlink(missing_ok=True)
    for table in tables:
        for scores in table.scores.values():
            for score in scores.values():
                assert isinstance(score, float) and 0 <= score <= 100


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.0, 1e-320, 100.0000001])
def test_score_parser_edge_values(value: float) -> None:
    try:
        score, _ = read_score(Cell(value, None), "test")
    except DataError:
        return
    assert 0 <= score <= 100


_CSV_TEXT = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(min_value=-200, max_value=200, places=3).map(lambda d: vn.format_number(d, 3)),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=10),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "TRUE", "1e400", "72,27%", "N/A", "\"", ";", "0x10", "1_000"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_CSV_TEXT, min_size=6, max_size=6), min_size=1, max_size=5), st.sampled_from([",", ";"]))
def test_results_reader_fuzz_csv(tmp_path: Path, rows: list[list[str | None]], separator: str) -> None:
    import csv
    import io

    spec = _CATALOG.tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow(["STT", spec.unit_headers[0], *[c.headers[0] for c in spec.criteria]])
    for i, values in enumerate(rows, start=1):
        writer.writerow([i, f"Phường Số {i}", *["" if v is None else v for v in values[:len(spec.criteria)]]])
    path = tmp_path / f"{spec.name}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        tables = load_results([path], _CATALOG)
    except DataError:
        return
    finally:
        path.unlink(missing_ok=True)
    for table in tables:
        for scores in table.scores.values():
            for score in scores.values():
                assert isinstance(score, float) and 0 <= score <= 100
