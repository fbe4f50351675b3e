"""Document information and font names of a LibreOffice PDF, read and amended without parsing the whole file.

LibreOffice writes a classic PDF: uncompressed objects, one cross-reference table, a `trailer` dictionary and
`%%EOF` at the end. New document information (title, author, …) is appended as an incremental update (PDF 1.7,
7.5.6): a new information dictionary, a cross-reference section for that one object and a trailer whose `/Prev`
points at the old table. The bytes LibreOffice wrote stay as they were, and every reader sees the new values.
Both functions return None for any other kind of file, and the caller falls back to pypdf.
"""

from __future__ import annotations

import re

_TAIL = 4096  # bytes at the end of the file searched for the trailer
_TRAILER = re.compile(rb"trailer\s*<<(?P<body>.*?)>>\s*startxref\s*(?P<xref>\d+)\s*%%EOF\s*$", re.S)
_SIZE = re.compile(rb"/Size\s+(\d+)")
_ROOT = re.compile(rb"/Root\s+(\d+\s+\d+\s+R)")
_INFO = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
_ID = re.compile(rb"/ID\s*\[[^\]]*\]")
_KEPT = (b"Producer", b"CreationDate", b"ModDate")  # entries of the old dictionary that the update keeps
_STRING = rb"\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\()])*\))"
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")


def with_info(data: bytes, values: dict[str, str]) -> bytes | None:
    """Return `data` with the document information `values` ("/Title": "…") appended, keeping the old
    dictionary's /Producer and dates; None when `data` is not a classic unencrypted PDF ending in a trailer."""
    start = data.rfind(b"trailer", max(0, len(data) - _TAIL))
    match = _TRAILER.match(data, start) if start >= 0 else None
    if match is None or b"/Encrypt" in match["body"]:
        return None
    size, root = _SIZE.search(match["body"]), _ROOT.search(match["body"])
    if size is None or root is None:
        return None
    entries = [_name(key) + _text(value) for key, value in values.items()]
    old = _INFO.search(match["body"])
    if old is not None:
        found = re.search(rb"(?<!\d)%s\s+%s\s+obj\s*<<(.*?)>>\s*endobj" % (old[1], old[2]), data, re.S)
        body = found[1] if found else b""
        for key in _KEPT:
            kept = re.search(rb"/" + key + _STRING, body)
            if kept and "/" + key.decode() not in values:
                entries.append(b"/" + key + kept[1])
    number = int(size[1])
    ident = _ID.search(match["body"])
    head = data if data.endswith(b"\n") else data + b"\n"
    obj = b"%d 0 obj\n<<%s>>\nendobj\n" % (number, b"".join(entries))
    table = b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, len(head))  # 20-byte rows
    trailer = b"trailer\n<</Size %d/Root %s/Info %d 0 R%s/Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        number + 1, root[1], number, ident[0] if ident else b"", match["xref"], len(head) + len(obj))
    return head + obj + table + trailer


def font_names(data: bytes) -> list[str] | None:
    """Return the /BaseFont names in `data` (subset prefixes kept), or None when the file keeps its objects in
    compressed object streams, where a byte search cannot see them."""
    if b"/ObjStm" in data:
        return None
    return sorted({name.decode("latin-1") for name in _BASE_FONT.findall(data)})


def _name(key: str) -> bytes:
    if not re.fullmatch(r"/[A-Za-z]+", key):
        raise ValueError(f"not a plain PDF name: {key!r}")
    return key.encode("ascii")


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, in hex (empty: `()`)."""
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode("ascii") + b">" if value else b"()"
