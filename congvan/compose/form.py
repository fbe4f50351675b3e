"""A one-off letter as a form fills it (the web's *Soạn văn bản*): written as the same LETTER.toml and body files
`congvan compose` reads (docs/compose.md), in a folder of its own under soan/, so the CLI can use it again."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from congvan.files import atomic_write
from congvan.vn import nfc
from congvan.vn.text import slugify

LETTER_FILE = "thu.toml"
FOLDER = "soan"  # of the workspace: composed letters, one folder each


@dataclass(frozen=True)
class Attachment:
    """A phụ lục typed in the form: its title and its body (the same markup as the letter's body)."""

    title: str
    body: str


@dataclass(frozen=True)
class LetterForm:
    """What the form holds; empty fields are left out of LETTER.toml (congvan.toml's defaults apply)."""

    type_name: str
    subject: str
    body: str = ""
    body_docx: bytes | None = None  # an uploaded Word body instead of `body`
    addressees: Sequence[str] = ()  # names or "@list"
    distribution: Sequence[str] = ()
    signer: tuple[str, str, str] = ("", "", "")  # quyền hạn, chức vụ, họ tên; all empty: congvan.toml's signer
    attachments: Sequence[Attachment] = ()
    each_unit: str = ""  # gui_tung_don_vi: "@list" for a mail merge


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(nfc(value).strip(), ensure_ascii=False)


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values if v.strip()) + "]"


def letter_toml(form: LetterForm, body_name: str) -> str:
    """Return the LETTER.toml text of `form` whose body file is `body_name`."""
    lines = [f"loai = {_string(form.type_name)}", f"trich_yeu = {_string(form.subject)}",
             f"noi_dung = {_string(body_name)}"]
    if any(a.strip() for a in form.addressees):
        lines.append(f"kinh_gui = {_strings(form.addressees)}")
    if any(d.strip() for d in form.distribution):
        lines.append(f"noi_nhan = {_strings(form.distribution)}")
    if form.each_unit.strip():
        lines.append(f"gui_tung_don_vi = {_string(form.each_unit)}")
    if any(part.strip() for part in form.signer):
        lines += ["", "[nguoi_ky]"] + [f"{key} = {_string(value)}" for key, value in
                                        zip(("quyen_han", "chuc_vu", "ho_ten"), form.signer, strict=True)]
    for number, attachment in enumerate(form.attachments, start=1):
        lines += ["", "[[phu_luc]]", f"tieu_de = {_string(attachment.title)}",
                  f"noi_dung = {_string(f'phu_luc_{number}.txt')}"]
    return "\n".join(lines) + "\n"


def write_letter(folder: Path, form: LetterForm) -> Path:
    """Write `form` into `folder` (LETTER.toml, the body, each phụ lục's body); return the LETTER.toml path."""
    folder.mkdir(parents=True, exist_ok=True)
    body_name = "noi_dung.docx" if form.body_docx is not None else "noi_dung.txt"
    for stale in folder.glob("*"):
        if stale.is_file():
            stale.unlink()  # a scratch folder written again: no body of the previous form is left to be read
    if form.body_docx is not None:
        atomic_write(folder / body_name, form.body_docx)
    else:
        atomic_write(folder / body_name, nfc(form.body).encode())
    for number, attachment in enumerate(form.attachments, start=1):
        atomic_write(folder / f"phu_luc_{number}.txt", nfc(attachment.body).encode())
    atomic_write(folder / LETTER_FILE, letter_toml(form, body_name).encode())
    return folder / LETTER_FILE


def keep_letter(root: Path, form: LetterForm) -> Path:
    """Write `form` into a new folder soan/<trích yếu>/ of the workspace (never one that exists: -2, -3 …),
    made whole in a hidden folder first; return its LETTER.toml path."""
    base = root / FOLDER
    base.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".soan-", dir=base))
    write_letter(partial, form)
    stem = slugify(form.subject, 50)
    for attempt in range(1, 1000):
        target = base / (stem if attempt == 1 else f"{stem}-{attempt}")
        try:
            os.rename(partial, target)  # refused when `target` exists and is not empty
        except OSError:
            if not target.exists():
                raise
            continue
        return target / LETTER_FILE
    raise FileExistsError(base / stem)
