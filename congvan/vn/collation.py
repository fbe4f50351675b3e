"""Vietnamese dictionary order."""

from __future__ import annotations

import unicodedata

from congvan.vn.text import squash

# Vietnamese letters in dictionary order, with f j w z put where Latin has them (foreign names).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# tone order used by Vietnamese dictionaries: none, huyền, hỏi, ngã, sắc, nặng
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def _split_letter(char: str) -> tuple[str, int]:
    """Return (base letter with its vowel marks, tone rank) for one character."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = decomposed[0]
    tone = 0
    marks = ""
    for mark in decomposed[1:]:
        if mark in TONE_RANK:
            tone = TONE_RANK[mark]
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
