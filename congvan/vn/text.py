"""Text tidying: NFC, spaces, case folding, capitals, safe file names."""

from __future__ import annotations

import functools
import re
import unicodedata


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (precomposed) form, as TCVN 6909:2001 text must be."""
    return unicodedata.normalize("NFC", text)


def squash_uncached(text: str) -> str:
    """`squash` without its cache, for a text made once (a clerk's text filled in with one unit's name)."""
    if (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and unicodedata.is_normalized("NFC", text)):
        return text  # already tidy: a printable text holds no white space but " " (tests/test_letter_contexts.py)
    # str.split() splits where re's \s matches (Py_UNICODE_ISSPACE), 4x faster than re.sub + strip
    return " ".join(nfc(text).split())


@functools.lru_cache(maxsize=8192)  # the same catalog and recipient texts recur in every letter of a batch
def squash(text: str) -> str:
    """Return `text` NFC-normalised, trimmed, with runs of white space collapsed to one space."""
    return squash_uncached(text)


def fold(text: str) -> str:
    """Return a key for loose matching of headers and names: NFC, case-folded, single spaces."""
    return squash(text).casefold()


# Letters that look like Vietnamese ones but are other code points: Ð (U+00D0, Icelandic Eth) typed for Đ,
# and the Cyrillic and Greek letters a keyboard layout or a copy from a web page slips into a Latin name.
LOOKALIKES = str.maketrans({
    "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z", "ο": "o",
})


def drop_invisible(text: str) -> str:
    """Return `text` without format characters (zero-width space and joiners, BOM, direction marks: category Cf)."""
    if text.isprintable():  # a format character is not printable (category C): nothing to drop
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def unlookalike(text: str) -> str:
    """Return `text` NFC with invisible characters dropped and look-alike letters (Ð, Cyrillic, Greek) made Latin."""
    return nfc(nfc(drop_invisible(text)).translate(LOOKALIKES))


def name_key(text: str) -> str:
    """Return the key names are compared by: NFKC, no invisible characters, look-alikes folded, case-folded."""
    return squash(unicodedata.normalize("NFKC", unlookalike(text))).casefold()


def capitalize_first(text: str) -> str:
    """Return `text` with only its first letter upper-cased ("phường X" -> "Phường X")."""
    return text[:1].upper() + text[1:] if text else text


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII-safe file-name stem: "Phường Tân Lập & Lộc Thọ" -> "phuong-tan-lap-loc-tho"."""
    text = unlookalike(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"
