"""Value types shared by the schemas of the TOML files clerks edit, and their description in Vietnamese.

The description of a type ("số từ 0 đến 100", "một trong: \"nhom\", \"danh_muc\"") is used both in error
messages and in the generated reference docs/config.md, so both say the same thing.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Interval, MinLen
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from congvan.vn import nfc

BLANK = "blank_text"
CUSTOM = "congvan_"  # prefix of the error types whose message is already Vietnamese


class Section(BaseModel):
    """Base of every schema model: unknown keys are refused, numbers are not read from strings."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def fields_of(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """Return the fields of `model` by their TOML key (the alias when there is one)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def field_type(field: FieldInfo) -> Any:
    """Return a field's annotation with its constraints put back (pydantic keeps them apart)."""
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _clean(value: str) -> str:
    return nfc(value).strip()


def _required(value: str) -> str:
    value = _clean(value)
    if not value:
        raise PydanticCustomError(BLANK, "đang để trống")
    return value


def one_or_many(value: Any) -> Any:
    """Read one string as a list of one string (`can_cu = "..."` is `can_cu = ["..."]`)."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, AfterValidator(_required)]
OptionalText = Annotated[str, AfterValidator(_clean)]
TextList = Annotated[list[Text], BeforeValidator(one_or_many)]
NonEmptyTextList = Annotated[list[Text], BeforeValidator(one_or_many), MinLen(1)]
Percent = Annotated[float, Interval(ge=0, le=100)]


def unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Return the type under `Annotated[...]` and `X | None`, with the metadata found on the way."""
    metadata: list[Any] = []
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            metadata += extra
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            annotation = members[0]
        else:
            return annotation, metadata


def is_section(annotation: Any) -> bool:
    kind = unwrap(annotation)[0]
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def kind_of(annotation: Any) -> str:
    """Return the kind of value in Vietnamese: "chuỗi", "số", "danh sách chuỗi", "bảng [..]"..."""
    kind, _ = unwrap(annotation)
    origin = get_origin(kind)
    if origin is list:
        item = get_args(kind)[0]
        return "các bảng [[..]]" if is_section(item) else "danh sách " + kind_of(item)
    if origin is dict:
        return "bảng [..]"
    if origin is Literal:
        return "chuỗi"
    if is_section(kind):
        return "bảng [..]"
    return {bool: "true/false", int: "số nguyên", float: "số", str: "chuỗi"}.get(kind, str(kind))


def allowed(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    """Return what values are allowed, in Vietnamese: "từ 0 đến 100", "không để trống", ""..."""
    kind, inner = unwrap(annotation)
    metadata = [*metadata, *inner]
    origin = get_origin(kind)
    parts = []
    if origin is Literal:
        parts.append("một trong: " + ", ".join(f'"{choice}"' for choice in get_args(kind)))
    for item in metadata:
        if isinstance(item, Interval):
            parts.append(f"từ {item.ge:g} đến {item.le:g}")
        elif isinstance(item, MinLen) and item.min_length:
            parts.append("ít nhất một mục")
        elif getattr(item, "func", None) is _required:
            parts.append("không để trống")
    if origin is list and not is_section(get_args(kind)[0]):
        item_allowed = allowed(get_args(kind)[0])
        if item_allowed:
            parts.append("mỗi mục " + item_allowed)
    return "; ".join(parts)


def describe(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    """Return the kind and the allowed values together: "số nguyên, từ 2000 đến 2100"."""
    rule = allowed(annotation, metadata)
    return f"{kind_of(annotation)}, {rule}" if rule else kind_of(annotation)


def toml_value(value: Any) -> str:
    """Return `value` as it would be written in TOML: "abc" with quotes, true, [1, 2]; a table as "{...}"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
