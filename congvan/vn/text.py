"""Text tidying: NFC, spaces, case folding, capitals, safe file names."""

from __future__ import annotations

import re
import unicodedata


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


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII-safe file-name stem: "Phường Tân Lập & Lộc Thọ" -> "phuong-tan-lap-loc-tho"."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "van-ban"
