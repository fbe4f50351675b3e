"""Write docs/config.md, the reference of every key of the TOML files, from their declared schemas.

`python scripts/make_config_docs.py` rewrites the file; a test fails when the committed file differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from congvan.config.catalog_schema import CatalogFile
from congvan.config.letter_schema import LetterFile
from congvan.config.recipients_schema import ListFile
from congvan.config.schema import ConfigFile
from congvan.config.types import allowed, field_type, fields_of, is_section, kind_of, toml_value, unwrap

FILES: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("congvan.toml", ConfigFile, "The workspace settings: agency, signer, targets, letter texts, recipients, "
                                 "register. Errors name the key and line and exit with code 1."),
    ("data/tieu_chi.toml", CatalogFile, "The criteria catalog: results tables, their criteria, and the texts "
                                        "for each verdict."),
    ("recipients/*.toml", ListFile, "Named recipient lists and the recipients added when a table falls short "
                                    "(see [recipients.md](recipients.md))."),
    ("LETTER.toml (congvan compose)", LetterFile, "The front matter of a one-off letter: type, trích yếu, "
                                                  "recipients, signer, attachments (see [compose.md](compose.md))."),
)
HEADER = ("| mục | khóa | kiểu | mặc định | giá trị cho phép | ý nghĩa |", "|---|---|---|---|---|---|")


def render() -> str:
    """Return the text of docs/config.md."""
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated from the schemas in congvan/config/ by `python scripts/make_config_docs.py`; "
        "do not edit by hand. -->",
        "",
        "Every key of the TOML files a clerk edits, generated from the declared schemas (pydantic models in "
        "`congvan/config/`). A key not listed here is refused with the nearest valid key "
        "(\"không có khóa 'nguong_rat_thap_' — có phải 'nguong_rat_thap'?\"), naming the file, line and "
        "section. Strings are read as NFC and trimmed; \"không để trống\" means a blank value is refused. A list "
        "of strings may also be written as one string.",
    ]
    for name, model, intro in FILES:
        out += ["", f"## `{name}`", "", intro, "", *HEADER]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in _rows(model, "", "")]
    return "\n".join(out) + "\n"


def _rows(model: type[BaseModel], path: str, display: str) -> Iterator[list[str]]:
    """Yield the cells of every key of `model` (the table `display`, dotted `path`); sub-tables follow their row."""
    for key, field in fields_of(model).items():
        annotation = field_type(field)
        kind, _ = unwrap(annotation)
        inner = f"{path}.{key}" if path else key
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        placeholder = str(extra.get("key", "<khóa>"))
        item = get_args(kind)[-1] if get_origin(kind) in (list, dict) else None
        if is_section(kind):
            yield _cells(f"[{inner}]", "", annotation, field.description, _default(field, table=True))
            yield from _rows(kind, inner, f"[{inner}]")
        elif item is not None and is_section(item):
            name = f"[[{inner}]]" if get_origin(kind) is list else f"[{inner}.{placeholder}]"
            yield _cells(name, "", annotation, field.description, _default(field, table=True))
            yield from _rows(unwrap(item)[0], inner, name)
        elif get_origin(kind) is dict:
            yield _cells(f"[{inner}]", "", annotation, field.description, _default(field, table=True))
            yield _cells(f"[{inner}]", placeholder, item, str(extra.get("value", "")), "")
        else:
            yield _cells(display, key, annotation, field.description, _default(field, table=False))


def _cells(section: str, key: str, annotation: Any, meaning: str | None, default: str) -> list[str]:
    return [f"`{section}`" if section else "", f"`{key}`" if key else "", kind_of(annotation), default,
            allowed(annotation), meaning or ""]


def _default(field: FieldInfo, table: bool) -> str:
    if field.is_required():
        return "bắt buộc"
    if table:
        return "(trống)"
    value = field.get_default(call_default_factory=True)
    return "(không có)" if value is None else f"`{toml_value(value)}`"
