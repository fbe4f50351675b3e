"""Turn pydantic validation errors into Vietnamese messages naming the file, line, section and key.

Each message says what is wrong and what is allowed; an unknown key gets the nearest valid one
("không có khóa 'nguong_rat_thap_' — có phải 'nguong_rat_thap'?").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from congvan.config.hints import suggest
from congvan.config.locate import TomlLines
from congvan.config.types import BLANK, CUSTOM, describe, field_type, fields_of, is_section, toml_value, unwrap
from congvan.errors import cell_location


def _step(annotation: Any, part: str | int) -> Any:
    """Return the annotation reached from `annotation` by one key or index of an error path."""
    kind, _ = unwrap(annotation)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = fields_of(kind).get(str(part))
        return None if field is None else field_type(field)
    if get_origin(kind) is list:
        return get_args(kind)[0]
    if get_origin(kind) is dict:
        return get_args(kind)[1]
    return None


def _section_name(raw: Any, path: tuple[str | int, ...]) -> str:
    """Return "[a.b]", or "[a.b] (a thứ 2 'ma')" inside arrays of tables; "" for the top of the file."""
    name = ".".join(part for part in path if isinstance(part, str))
    if not name:
        return ""
    notes = []
    node, last = raw, ""
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            code = node.get("ma") if isinstance(node, dict) else None
            notes.append(f"{last} thứ {part + 1}" + (f" '{code}'" if isinstance(code, str) else ""))
        else:
            last = part
            node = node.get(part) if isinstance(node, dict) else None
    brackets = "[[{}]]" if isinstance(path[-1], int) else "[{}]"
    return brackets.format(name) + (f" ({', '.join(notes)})" if notes else "")


def _split(raw: Any, loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str | None, tuple[int, ...]]:
    """Split an error path into the table holding the key, the key, and item indices inside the key's list."""
    node = raw
    for index, part in enumerate(loc):
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        value = node.get(part) if isinstance(node, dict) else None
        is_table = isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict))
        if not is_table or index == len(loc) - 1:
            return loc[:index], part, tuple(p for p in loc[index + 1:] if isinstance(p, int))
        node = value
    return loc, None, ()


def translate(error: ValidationError, model: type[BaseModel], raw: dict[str, Any], lines: TomlLines, path: Path
              ) -> list[str]:
    """Return one Vietnamese line per error of `error`: "file, dòng N, [section]: what is wrong; allowed"."""
    messages = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p != "[key]")
        table, key, indices = _split(raw, loc)
        annotation: Any = model
        for part in loc:
            annotation = _step(annotation, part) if annotation is not None else None
        parent: Any = model
        for part in table:
            parent = _step(parent, part)
        where = cell_location(path, None, lines.line(loc))
        section = _section_name(raw, table)
        if section:
            where += f", {section}"
        messages.append(f"{where}: {_problem(item, key, indices, annotation, parent)}")
    return messages


def _problem(item: Any, key: str | None, indices: tuple[int, ...], annotation: Any, parent: Any) -> str:
    kind = item["type"]
    if kind.startswith(CUSTOM):
        return f"{item['msg']}."
    if kind == "extra_forbidden":
        parent_kind = unwrap(parent)[0]
        valid = list(fields_of(parent_kind)) if is_section(parent_kind) else []
        return f"không có khóa '{key}'{suggest(str(key), valid)}"
    rule = f"; cần {describe(annotation)}" if annotation is not None else ""
    if kind == "missing":
        meaning = f" ({_meaning(parent, key)})" if _meaning(parent, key) else ""
        if annotation is not None and is_section(annotation):
            return f"thiếu mục [{key}]{meaning}."
        return f"thiếu khóa '{key}'{meaning}{rule}."
    name = f"'{key}'" + "".join(f" mục thứ {i + 1}" for i in indices)
    if kind == BLANK:
        return f"khóa {name} đang để trống{rule}."
    return f"khóa {name} = {toml_value(item['input'])} không hợp lệ{rule}."


def _meaning(parent: Any, key: str | None) -> str:
    """Return the description of `key` in the table `parent`, without its final full stop."""
    kind = unwrap(parent)[0]
    field = fields_of(kind).get(key or "") if is_section(kind) else None
    return (field.description or "").rstrip(".") if field else ""
