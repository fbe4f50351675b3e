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
from congvan.vn import nfc, squash, squash_uncached

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
_KEPT = 64  # filled results a simple text keeps: all of a text that names no unit, a few of one that does
_PLANS_KEPT = 4096


class _Simple:
    """A text whose placeholders are plain lookups: a format string, its lookups, and the results already made,
    by the values looked up (a text that names nothing of the unit, "năm {{ nam }}", is filled once a batch)."""

    __slots__ = ("pattern", "lookups", "filled")

    def __init__(self, pieces: list[str], lookups: list[tuple[str, str | None]]) -> None:
        self.pattern = "{}".join(p.replace("{", "{{").replace("}", "}}") for p in pieces)
        self.lookups = tuple(lookups)
        self.filled: dict[tuple[str, ...], str] = {}

    def fill(self, values: Mapping[str, Any]) -> str:
        """Fill in `values`; raise KeyError, AttributeError or TypeError when one is missing."""
        found = tuple([str(values[name] if attribute is None else _lookup(values, name, attribute))
                       for name, attribute in self.lookups])
        result = self.filled.get(found)
        if result is None:
            result = squash_uncached(self.pattern.format(*found))
            if len(self.filled) < _KEPT:
                self.filled[found] = result
        return result


_PLANS: dict[str, _Simple | None] = {}


def _plan(text: str) -> _Simple | None:
    """Make the simple form of `text`, or None when it needs real Jinja; kept in `_PLANS`."""
    pieces: list[str] = []
    lookups: list[tuple[str, str | None]] = []
    done = 0
    for match in _SIMPLE.finditer(text):
        pieces.append(text[done:match.start()])
        lookups.append((match.group(1), match.group(2)))
        done = match.end()
    pieces.append(text[done:])
    # e.g. "{{ Nam }} ... {{ nam }}": the first tag is not simple, Jinja must see it
    plan = None if any(_ANY_SYNTAX.search(p) for p in pieces) else _Simple(pieces, lookups)
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    _PLANS[text] = plan
    return plan


def _lookup(values: Mapping[str, Any], name: str, attribute: str) -> Any:
    value = values[name]
    try:  # Jinja's order: attribute first, then item
        return getattr(value, attribute)
    except AttributeError:
        return value[attribute]


def fill(text: str, values: Mapping[str, Any], where: str) -> str:
    """Return `text` with its `{{ name }}` placeholders filled from `values`, white space tidied."""
    if "{" not in text:
        return text
    plan = _PLANS[text] if text in _PLANS else _plan(text)
    if plan is not None:
        try:
            return plan.fill(values)
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
