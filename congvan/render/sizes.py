"""Upper bounds of the length of what a template operation would build, computed before building it.

congvan.render.sandbox refuses `'{:>999999999}'.format(x)`, `s.center(10**9)` and the like with these
before Python allocates the result. `printed_size` bounds `str(value)` of containers too, without
building that string: a list holding one long string a million times prints a million copies.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

MAX_SEQUENCE = 1_000_000  # longest string or list one operation may build

_PERCENT_RE = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def printed_size(value: Any) -> int:
    """Upper bound of `len(str(value))`; stops counting past MAX_SEQUENCE, so it costs at most that many steps."""
    if isinstance(value, str):
        return len(value)
    total = 0
    stack = [value]
    while stack and total <= MAX_SEQUENCE:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 4  # quotes and ", "
        elif isinstance(item, Mapping):
            stack += [*item.keys(), *item.values()]
            total += 2
        elif isinstance(item, list | tuple | set | frozenset):
            stack += item
            total += 2
        else:
            total += len(str(item)) + 2
    return total


def value_size(value: Any, *_args: Any, **_kwargs: Any) -> int:
    """Bound the string a filter makes of `value` (the filters that print their value)."""
    return printed_size(value)


def format_size(fmt: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """Bound `fmt.format(*args, **kwargs)`: each field at most the longest value, padded to its widths."""
    values = [*args, *kwargs.values()]
    longest = max((printed_size(v) for v in values), default=0)
    numbers = [v for v in values if isinstance(v, int)]
    size = len(fmt)
    for _literal, field, spec, _conversion in string.Formatter().parse(fmt):
        if field is not None:
            widths = [int(d) for d in re.findall(r"\d+", spec or "")]  # width and precision
            if "{" in (spec or ""):  # "{:>{w}}": the width is one of the values
                widths += numbers
            size += longest + max(widths, default=0)
    return size


def percent_size(fmt: str, values: Any) -> int:
    """Bound `fmt % values`."""
    items = list(values.values()) if isinstance(values, Mapping) else \
        list(values) if isinstance(values, tuple) else [values]
    longest = max((printed_size(v) for v in items), default=0)
    numbers = [v for v in items if isinstance(v, int)]
    size = len(fmt)
    for match in _PERCENT_RE.finditer(fmt):
        widths = [int(w) for w in match.groups() if w and w != "*"]
        if "*" in match.groups():  # "%*d": the width is one of the values
            widths += numbers
        size += longest + max(widths, default=0)
    return size


def joined_size(separator: str, items: list[Any]) -> int:
    return len(separator) * max(len(items) - 1, 0) + sum(printed_size(item) for item in items)


def replaced_size(text: str, old: str, new: str, count: int | None = -1) -> int:
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    return len(text) + times * max(len(new) - len(old), 0)


def _number(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str, default: int) -> int:
    value = args[0] if args else kwargs.get(name, default)
    return value if isinstance(value, int) else default


def str_method_size(text: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[int, tuple]:
    """Bound `text.name(*args, **kwargs)`; return it with the args to call with (an iterable is read once)."""
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(text), _number(args, kwargs, "width", 0)), args
    if name == "expandtabs":
        return len(text) + text.count("\t") * _number(args, kwargs, "tabsize", 8), args
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        return replaced_size(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1)), args
    if name == "join" and args:
        items = list(args[0])
        return joined_size(text, items), (items,)
    if name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        return len(text) * max(longest, 1), args
    return 0, args


# -- the filters that can grow a string: same parameters as Jinja's, after eval_ctx/environment --

_TOO_LONG = MAX_SEQUENCE + 1


def _text(value: Any) -> str | None:
    """`str(value)`, or None when that string alone would be too long."""
    return str(value) if printed_size(value) <= MAX_SEQUENCE else None


def center_size(value: Any, width: int = 80) -> int:
    return max(printed_size(value), width)


def indent_size(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> int:
    text = _text(value)
    if text is None:
        return _TOO_LONG
    return len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))


def format_filter_size(value: Any, *args: Any, **kwargs: Any) -> int:
    text = _text(value)
    return _TOO_LONG if text is None else percent_size(text, kwargs or args)


def replace_filter_size(value: Any, old: Any, new: Any, count: int | None = None) -> int:
    text = _text(value)
    return _TOO_LONG if text is None else replaced_size(text, str(old), str(new), count)


def wordwrap_size(value: Any, width: int = 79, break_long_words: bool = True, wrapstring: str | None = None,
                  break_on_hyphens: bool = True) -> int:
    text = _text(value)
    if text is None:
        return _TOO_LONG
    lines = len(text) // max(width, 1) + text.count("\n") + 1
    return len(text) + lines * len(wrapstring or "\n")


def truncate_size(value: Any, length: int = 255, killwords: bool = False, end: str = "...",
                  leeway: int | None = None) -> int:
    return printed_size(value) + len(str(end))


def sum_size(iterable: Any, attribute: str | int | None = None, start: Any = 0) -> int:
    """Bound the items `|sum(start=[])` copies: it adds lists one by one, copying the total so far each time."""
    if not isinstance(start, list | tuple | str) or not isinstance(iterable, list | tuple):
        return 0
    total = len(start) + sum(len(item) for item in iterable if isinstance(item, list | tuple | str))
    return total * max(len(iterable), 1)
