"""The one sandboxed Jinja environment: .docx templates and the short texts clerks write use it alike.

`make_environment` returns a `LetterSandbox`: Jinja's immutable sandbox (no private attributes, no
mutating methods), `StrictUndefined` (an unknown name is an error, never a blank), no `lipsum`, and
limits that hold in every thread, because a web app renders outside the main thread:

- every render gets a budget (a context variable): loop steps (each `{% for %}` spends the length of
  what it walks, so nested loops add up; `range()` spends its length too) and a monotonic deadline,
  checked at each loop, call, guarded operator and guarded filter; in the main thread a SIGALRM timer
  also stops loops that do nothing else;
- an operation that would build a string or list longer than MAX_SEQUENCE is refused BEFORE it
  allocates: `*`, `+`, `%`, `str.format` widths ("{:>999999999}"), the filters `center`, `indent`,
  `format`, `replace`, `join`, `wordwrap`, `truncate` and the str methods `center`, `ljust`, `rjust`,
  `zfill`, `expandtabs`, `replace`, `join`, `translate`; `~` is checked right after joining;
- a render's output is capped (`max_chars`: 20 MB for a .docx part, 100 000 characters for a text).

Every refusal is a `LimitError` (a Jinja `SecurityError`), which callers turn into a `CongvanError`
naming the template paragraph or the file and key of the text.
"""

from __future__ import annotations

import contextlib
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

import jinja2
from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import make_attrgetter
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from congvan import vn

MAX_TEMPLATE_CHARS = 20_000_000  # a letter's XML part is ~20 KB; 20 MB means a runaway template
MAX_TEXT_CHARS = 100_000  # a clerk-written text is a sentence or a paragraph
MAX_SEQUENCE = 1_000_000  # longest string or list one operation may build
MAX_RANGE = 100_000  # longest range()
MAX_STEPS = 1_000_000  # loop steps in one render, nested loops included
TEMPLATE_SECONDS = 20.0  # a letter part that takes longer is a template looping without end
TEXT_SECONDS = 2.0  # a text takes microseconds

# What a render may raise besides Jinja's own errors; callers turn them into a CongvanError.
RENDER_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError,
                 RecursionError)
_LOOP_FILTER = "_buoc_lap"  # wraps the iterable of every {% for %}
_WIDTH_RE = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


class LimitError(SecurityError):
    """A render went past a limit: too many loop steps, too long, too much output or too long a string."""


@dataclass(frozen=True)
class Limits:
    """The limits of one render."""

    seconds: float
    max_chars: int
    steps: int = MAX_STEPS


class _Budget:
    """What is left to one render: loop steps and time."""

    __slots__ = ("deadline", "left", "limits")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.left = limits.steps
        self.deadline = time.monotonic() + limits.seconds

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise LimitError(f"mẫu lặp quá {_count(self.limits.steps)} bước (vòng lặp lồng nhau quá lớn?); đã dừng.")
        if time.monotonic() > self.deadline:
            raise _out_of_time(self.limits.seconds)


_BUDGET: ContextVar[_Budget | None] = ContextVar("congvan_render_budget", default=None)


def _out_of_time(seconds: float) -> LimitError:
    return LimitError(f"mẫu chạy quá {seconds:g} giây cho một lần điền (vòng lặp không dừng?); đã dừng.")


def _count(number: int) -> str:
    """1000000 -> "1.000.000", as Vietnamese texts group digits."""
    return f"{number:,}".replace(",", ".")


def _spend(steps: int) -> None:
    budget = _BUDGET.get()
    if budget is not None:  # None: a filter called outside a render, e.g. folded at compile time
        budget.spend(steps)


@contextlib.contextmanager
def _limited(limits: Limits) -> Iterator[None]:
    """Give the render in this block its budget; a render inside a render shares the outer one."""
    if _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set(_Budget(limits))
    try:
        with _alarm(limits.seconds):
            yield
    finally:
        _BUDGET.reset(token)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """In the main thread, also stop after `seconds` loops that call nothing the budget sees."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(_signum: int, _frame: Any) -> None:
        raise _out_of_time(seconds)

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refuse_longer(what: str, size: int) -> None:
    if size > MAX_SEQUENCE:
        raise LimitError(f"{what} sẽ tạo chuỗi quá dài ({_count(size)} ký tự, tối đa {_count(MAX_SEQUENCE)}); đã dừng.")


class LimitedTemplate(jinja2.Template):
    """A template whose `render` (also when docxtpl calls it) runs within the environment's limits."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        limits: Limits = self.environment.limits  # type: ignore[attr-defined]
        parts: list[str] = []
        size = 0
        with _limited(limits):
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > limits.max_chars:
                    raise LimitError(f"kết quả vượt {_count(limits.max_chars)} ký tự: mẫu lặp quá nhiều.")
                parts.append(chunk)
        return "".join(parts)


class _GuardedCodeGenerator(CodeGenerator):
    """Compiles every `{% for x in items %}` as `{% for x in items|_buoc_lap %}`, and checks `~` results."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


def _count_steps(iterable: Any) -> Any:
    """Spend one step per item a loop will walk (at once when the length is known)."""
    try:
        size = len(iterable)
    except TypeError:
        return _counting(iterable)
    _spend(size)
    return iterable


def _counting(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _spend(1)
        yield item


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitError(f"range() quá dài ({_count(len(numbers))} số, tối đa {_count(MAX_RANGE)}).")
    _spend(len(numbers))
    return numbers


# -- sizes of what an operation would build, computed before building it --

def _format_size(fmt: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """Upper bound of `fmt.format(*args, **kwargs)`: each field at most the longest value, padded to its widths."""
    values = [*args, *kwargs.values()]
    longest = max((len(str(v)) for v in values), default=0)
    numbers = [v for v in values if isinstance(v, int)]
    size = len(fmt)
    for _literal, field, spec, _conversion in string.Formatter().parse(fmt):
        if field is not None:
            widths = [int(d) for d in re.findall(r"\d+", spec or "")]
            if "{" in (spec or ""):
                widths += numbers
            size += longest + max(widths, default=0)
    return size


def _percent_size(fmt: str, values: Any) -> int:
    """Upper bound of `fmt % values`."""
    items = list(values.values()) if isinstance(values, Mapping) else \
        list(values) if isinstance(values, tuple) else [values]
    longest = max((len(str(v)) for v in items), default=0)
    numbers = [v for v in items if isinstance(v, int)]
    size = len(fmt)
    for match in _WIDTH_RE.finditer(fmt):
        widths = [int(w) for w in match.groups() if w and w != "*"]
        if "*" in match.groups():
            widths += numbers
        size += longest + max(widths, default=0)
    return size


def _joined_size(separator: str, items: list[Any]) -> int:
    return len(separator) * max(len(items) - 1, 0) + sum(len(str(item)) for item in items)


def _replaced_size(text: str, old: str, new: str, count: int | None = -1) -> int:
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    return len(text) + times * max(len(new) - len(old), 0)


def _width(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str, default: int) -> int:
    value = args[0] if args else kwargs.get(name, default)
    return value if isinstance(value, int) else default


def _str_method_size(text: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[int, tuple]:
    """Return the largest result of `text.name(*args)` and the args to call it with (iterables read once)."""
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(text), _width(args, kwargs, "width", 0)), args
    if name == "expandtabs":
        return len(text) + text.count("\t") * _width(args, kwargs, "tabsize", 8), args
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        return _replaced_size(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1)), args
    if name == "join" and args:
        items = list(args[0])
        return _joined_size(text, items), (items,)
    if name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        return len(text) * max(longest, 1), args
    return 0, args


# -- filters that can grow a string, checked first --

def _guarded(original: Callable[..., str], size: Callable[..., int], skip: int = 0) -> Callable[..., str]:
    """Wrap a built-in filter: refuse before calling it when `size(value, *args)` is too large."""

    @wraps(original)
    def checked(*args: Any, **kwargs: Any) -> str:
        _refuse_longer(f"bộ lọc {original.__name__.removeprefix('do_')}", size(*args[skip:], **kwargs))
        _spend(0)
        return original(*args, **kwargs)

    return checked


def _center_size(value: Any, width: int = 80) -> int:
    return max(len(str(value)), width)


def _indent_size(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> int:
    text = str(value)
    return len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))


def _filter_format_size(value: Any, *args: Any, **kwargs: Any) -> int:
    return _percent_size(str(value), kwargs or args)


def _filter_replace_size(value: Any, old: Any, new: Any, count: int | None = None) -> int:
    return _replaced_size(str(value), str(old), str(new), count)


def _wordwrap_size(value: Any, width: int = 79, break_long_words: bool = True, wrapstring: str | None = None,
                   break_on_hyphens: bool = True) -> int:
    text = str(value)
    lines = len(text) // max(width, 1) + text.count("\n") + 1
    return len(text) + lines * len(wrapstring or "\n")


def _truncate_size(value: Any, length: int = 255, killwords: bool = False, end: str = "...",
                   leeway: int | None = None) -> int:
    return len(str(value)) + len(str(end))


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the limits described in this module."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _GuardedCodeGenerator
    template_class = LimitedTemplate
    limits = Limits(TEMPLATE_SECONDS, MAX_TEMPLATE_CHARS)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend(0)
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise LimitError(f"lũy thừa quá lớn (mũ {right}) trong mẫu.")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int):
                    _refuse_longer(f"phép nhân ({len(sequence)} × {times})", len(sequence) * times)
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _refuse_longer("phép cộng", len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _refuse_longer("phép định dạng %", _percent_size(left, right))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        _spend(1)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            size, args = _str_method_size(owner, getattr(__obj, "__name__", ""), args, kwargs)
            _refuse_longer(f"{__obj.__name__}()", size)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__

        @wraps(wrapped)
        def checked(*args: Any, **kwargs: Any) -> str:
            if value.__name__ == "format_map":
                _refuse_longer("format_map()", _format_size(fmt, (), args[0] if args else {}))
            else:
                _refuse_longer("format()", _format_size(fmt, args, kwargs))
            return wrapped(*args, **kwargs)

        return checked

    def checked_concat(self, joined: str) -> str:
        """Check the result of `a ~ b` (its parts were each checked, so it is at most a few times too long)."""
        _refuse_longer("phép nối ~", len(joined))
        _spend(0)
        return joined


def make_environment(*, autoescape: bool = True, max_chars: int = MAX_TEMPLATE_CHARS,
                     seconds: float = TEMPLATE_SECONDS, finalize: Callable[[Any], Any] | None = None
                     ) -> LetterSandbox:
    """Return a new limited sandbox: XML autoescape for .docx parts, none for clerk texts (escaped later)."""
    env = LetterSandbox(undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True,
                        finalize=finalize)
    env.limits = Limits(seconds, max_chars)
    env.globals.pop("lipsum", None)  # lorem ipsum generator: megabytes of text from one call
    env.globals["range"] = _range
    filters = env.filters
    filters[_LOOP_FILTER] = _count_steps
    filters["center"] = _guarded(filters["center"], _center_size)
    filters["indent"] = _guarded(filters["indent"], _indent_size)
    filters["format"] = _guarded(filters["format"], _filter_format_size)
    filters["replace"] = _guarded(filters["replace"], _filter_replace_size, skip=1)  # after eval_ctx
    filters["join"] = _guarded_join(env, filters["join"])
    filters["wordwrap"] = _guarded(filters["wordwrap"], _wordwrap_size, skip=1)  # after environment
    filters["truncate"] = _guarded(filters["truncate"], _truncate_size, skip=1)
    filters["chu"] = vn.number_to_words  # {{ 2024|chu }}: hai nghìn không trăm hai mươi bốn
    filters["bang_chu"] = vn.money_words  # {{ so_tien|bang_chu }}: Một triệu năm trăm nghìn đồng
    return env


def _guarded_join(env: jinja2.Environment, original: Callable[..., str]) -> Callable[..., str]:
    """The `join` filter, reading its items once to size the result first."""

    @wraps(original)
    def checked(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
        items = list(value)
        shown = items if attribute is None else [make_attrgetter(env, attribute)(item) for item in items]
        _refuse_longer("bộ lọc join", _joined_size(str(d), shown))
        _spend(0)
        return original(eval_ctx, items, d, attribute)

    return checked
