"""Fill the short texts clerks write in congvan.toml, the catalog and recipient lists (`{{ ket_qua }}` ...).

The same sandbox as templates (congvan.render.sandbox), with its limits on time, loops and output (a text
may be at most MAX_TEXT_CHARS long); an unknown name is an error naming where, never a blank or a raw
`{{ ... }}` in the letter. No autoescape here: the result is plain text that the .docx renderer escapes later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2

from congvan.errors import DataError
from congvan.render.sandbox import MAX_TEXT_CHARS, RENDER_ERRORS, TEXT_SECONDS, make_environment
from congvan.vn import nfc, squash

_ENV = make_environment(autoescape=False, max_chars=MAX_TEXT_CHARS, seconds=TEXT_SECONDS)
_HELP = "Chỗ cần điền viết dạng {{ ten }}; các tên dùng được: docs/glossary.md."


@lru_cache(maxsize=4096)
def _compile(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def check(text: str, where: str) -> None:
    """Raise `DataError` at `where` if `text` is not valid template syntax."""
    try:
        _compile(text)
    except jinja2.TemplateSyntaxError as err:
        reason = (err.message or "").rstrip(".")
        raise DataError(f"lỗi cú pháp trong văn bản mẫu ({reason}): \"{text[:120]}\". {_HELP}", where) from err


# `{{ name }}` or `{{ name.field }}` and nothing else Jinja: filled by a plain lookup, 30x faster than rendering.
_SIMPLE = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?\s*\}\}")
_ANY_SYNTAX = re.compile(r"\{[{%#]|\}\}")


@lru_cache(maxsize=4096)
def _simple_parts(text: str) -> tuple[str | tuple[str, str | None], ...] | None:
    """Split `text` into literal strings and (name, field) lookups, or None when it needs real Jinja."""
    parts: list[str | tuple[str, str | None]] = []
    done = 0
    for match in _SIMPLE.finditer(text):
        parts += [text[done:match.start()], (match.group(1), match.group(2))]
        done = match.end()
    parts.append(text[done:])
    if any(isinstance(p, str) and _ANY_SYNTAX.search(p) for p in parts):
        return None  # e.g. "{{ Nam }} ... {{ nam }}": the first tag is not simple, Jinja must see it
    return tuple(parts)


def _lookup(values: Mapping[str, Any], name: str, attribute: str | None) -> Any:
    value = values[name]
    if attribute is None:
        return value
    try:  # Jinja's order: attribute first, then item
        return getattr(value, attribute)
    except AttributeError:
        return value[attribute]


def fill(text: str, values: Mapping[str, Any], where: str) -> str:
    """Return `text` with its `{{ name }}` placeholders filled from `values`, white space tidied."""
    if "{" not in text:
        return text
    parts = _simple_parts(text)
    if parts is not None:
        try:
            return squash(nfc("".join(p if isinstance(p, str) else str(_lookup(values, *p)) for p in parts)))
        except (KeyError, AttributeError, TypeError):
            pass  # let Jinja raise its usual message for the missing name
    check(text, where)
    try:
        result = _compile(text).render(values)
    except jinja2.UndefinedError as err:
        known = ", ".join(sorted(values))
        raise DataError(f"tên không dùng được ({err.message}) trong \"{text[:120]}\". Tên dùng được: {known}.",
                        where) from err
    except (jinja2.TemplateError, *RENDER_ERRORS) as err:
        reason = str(err).rstrip(".")
        raise DataError(f"không điền được văn bản mẫu \"{text[:120]}\": {reason}. {_HELP}", where) from err
    return squash(nfc(result))
