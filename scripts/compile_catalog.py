"""Compile the Vietnamese catalog of click's messages, congvan/cli/locale/vi/LC_MESSAGES/click.po, to click.mo.

The .mo is committed beside its .po (so `pip install .` needs no gettext tools); a test compiles the .po
again and compares. Only what the catalog uses is read: msgid, msgid_plural, msgstr, msgstr[n], comments.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "congvan" / "cli" / "locale" / "vi" / "LC_MESSAGES" / "click.po"


def parse_po(text: str) -> dict[str, str]:
    """Return the entries of a .po text as .mo keys and values (plural forms joined by NUL)."""
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current = ""

    def flush() -> None:
        if "msgid" in fields:
            key = fields["msgid"] + ("\0" + fields["msgid_plural"] if "msgid_plural" in fields else "")
            forms = [fields[name] for name in sorted(f for f in fields if f.startswith("msgstr"))]
            if any(forms):
                entries[key] = "\0".join(forms)
        fields.clear()

    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[current] += ast.literal_eval(line)
        else:
            current, _, value = line.partition(" ")
            if current == "msgid" and "msgid" in fields:
                flush()
            fields[current] = ast.literal_eval(value)
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """Return a GNU .mo file (little-endian, no hash table) holding `entries`."""
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    start = 7 * 4 + 16 * len(keys)
    offsets, blob = [], b""
    for data in (*ids, *strs):
        offsets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    table = b"".join(struct.pack("<2I", length, offset) for length, offset in offsets)
    return header + table + blob


def compile_po(po: Path = PO) -> bytes:
    """Return the .mo bytes of the .po file `po`."""
    return mo_bytes(parse_po(po.read_text(encoding="utf-8")))


if __name__ == "__main__":
    target = PO.with_suffix(".mo")
    target.write_bytes(compile_po())
    print(f"wrote {target}")
