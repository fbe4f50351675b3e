"""Vietnamese dictionary order, syllable by syllable, with numbers compared by value.

The order (docs/glossary.md, "Thứ tự từ điển"): names are cut into syllables and numbers; syllables compare
first by their letters in the Vietnamese alphabet a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư
v (w) x y (z), then by their tone in the order of Vietnamese dictionaries — ngang, huyền, hỏi, ngã, sắc,
nặng — and only then does the next syllable count. A number comes before any syllable and numbers compare
by value, so "Phường 2" < "Phường 10" < "Phường Ba".
"""

from __future__ import annotations

import functools
import re
import unicodedata

from congvan.vn.text import squash

# Vietnamese letters in dictionary order, with f j w z put where Latin has them (foreign names).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# tone order used by Vietnamese dictionaries: ngang (none), huyền, hỏi, ngã, sắc, nặng
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TOKEN = re.compile(r"\d+|(?:[^\W\d_]|[\u0300-\u036f])+|[^\w\s\-–—/,.\u0300-\u036f]")
_NUMBER, _SYLLABLE, _OTHER = 0, 1, 2


@functools.lru_cache(maxsize=8192)  # a list of units repeats its syllables ("Phường", "Xã", "Tân", …)
def _syllable_key(word: str) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """Return (kind, letter ranks, tones) of one syllable: letters decide first, then its tone."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in TONE_RANK:
            tones.append(TONE_RANK[char])
        elif char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif not unicodedata.combining(char):
            letters.append(char)
    ranks = tuple(_BASE_RANK.get(letter, len(_BASE_RANK) + ord(letter[0])) for letter in letters)
    return (_SYLLABLE, ranks, tuple(tones))


def _token_key(token: str) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    if token.isdigit():
        return (_NUMBER, (int(token),), (len(token),))  # "2" < "10"; "02" after "2"
    if token[0].isalpha():
        return _syllable_key(token)
    return (_OTHER, tuple(ord(c) for c in token), ())


def sort_key(text: str) -> tuple:
    """Return a key that sorts Vietnamese strings in dictionary order, syllable by syllable.

    "Đồng Nhân" < "Đống Mác" (the first syllables differ by tone only: huyền before sắc), "Thanh Lương" <
    "Thành Công", "Ba Ngòi" < "Bao Lộc", "Phường 2" < "Phường 10" < "Phường Ba". Case, NFD/NFC and
    spaces, hyphens and commas between syllables do not count; the text itself breaks the last ties so that
    the order is total.
    """
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", squash(text)))
    return (tuple(_token_key(token) for token in tokens), text)
