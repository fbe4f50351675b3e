"""The one sandboxed Jinja environment: .docx templates and the short texts clerks write use it alike.

`make_environment` returns a `LetterSandbox`: Jinja's immutable sandbox (no private attributes, no
mutating methods), `StrictUndefined` (an unknown name is an error, never a blank), no `lipsum`, and
limits that hold in every thread, because a web app renders outside the main thread:

- every render gets a budget (a context variable, so each thread and task has its own): loop steps
  (each `{% for %}` spends the length of what it walks when it starts, so nested loops add up;
  `range()` spends its length too) and a monotonic deadline, checked at each loop, call, guarded
  operator and guarded filter. Every way a template can repeat work goes through one of those, so no
  signal is needed (SIGALRM would only reach the main thread);
- an operation that would build a string or list longer than MAX_SEQUENCE is refused BEFORE it
  allocates (bounds in congvan.render.sizes): `*`, `+`, `%`, `str.format` widths ("{:>999999999}"),
  the filters `center`, `indent`, `format`, `replace`, `join`, `wordwrap`, `truncate`, `sum` and the
  str methods `center`, `ljust`, `rjust`, `zfill`, `expandtabs`, `replace`, `join`, `translate`; so is
  printing a container (`{{ list }}`, `~`, `|string`, `|upper`, ...) whose text would be too long;
  the result of `~` is checked right after joining;
- a render's output is capped (`max_chars`: 20 MB for a .docx part, 100 000 characters for a text).

Every refusal is a `LimitError` (a Jinja `SecurityError`), which callers turn into a `CongvanError`
naming the template paragraph or the file and key of the text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
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
from congvan.render import sizes
from congvan.render.blocks import blocks_xml
from congvan.render.sizes import MAX_SEQUENCE

MAX_TEMPLATE_CHARS = 20_000_000  # a letter's XML part is ~20 KB; 20 MB means a runaway template
MAX_TEXT_CHARS = 100_000  # a clerk-written text is a sentence or a paragraph
MAX_RANGE = 100_000  # longest range()
MAX_STEPS = 1_000_000  # loop steps in one render, nested loops included
TEMPLATE_SECONDS = 20.0  # a letter part that takes longer is a template looping without end
TEXT_SECONDS = 2.0  # a text takes microseconds

# What a render may raise besides Jinja's own errors; callers turn them into a CongvanError.
RENDER_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError,
                 RecursionError)
_LOOP_FILTER = "_buoc_lap"  # wraps the iterable of every {% for %}
_PRINT_FILTER = "_in_ra"  # wraps each operand of `~`
_CONTAINERS = frozenset({list, tuple, dict, set, frozenset})  # printed by `{{ value }}`: size checked first
_DICT_ATTRIBUTES = frozenset(dir(dict))  # what `getattr(some_dict, name)` finds (methods, dunders)


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


def _refuse_longer(what: str, size: int) -> None:
    if size > MAX_SEQUENCE:
        raise LimitError(f"{what} sẽ tạo chuỗi quá dài ({_count(size)} ký tự, tối đa {_count(MAX_SEQUENCE)}); đã dừng.")


class LimitedTemplate(jinja2.Template):
    """A template whose `render` (also when docxtpl calls it) runs within the environment's limits."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return "".join(self.render_parts(*args, **kwargs))

    def render_parts(self, *args: Any, **kwargs: Any) -> list[str]:
        """Render within the limits; return the pieces the template yielded, in order (`render` joins them)."""
        limits: Limits = self.environment.limits  # type: ignore[attr-defined]
        outer = _BUDGET.get() is not None  # a render inside a render shares the outer budget
        token = None if outer else _BUDGET.set(_Budget(limits))
        parts: list[str] = []
        size = 0
        try:
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > limits.max_chars:
                    raise LimitError(f"kết quả vượt {_count(limits.max_chars)} ký tự: mẫu lặp quá nhiều.")
                parts.append(chunk)
        finally:
            if token is not None:
                _BUDGET.reset(token)
        return parts


class GuardedCodeGenerator(CodeGenerator):
    """Compiles `{% for x in items %}` as `{% for x in items|_buoc_lap %}`, `a ~ b` as `a|_in_ra ~ b|_in_ra`
    and checks the result of `~`."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        for concat in node.find_all(nodes.Concat):
            concat.nodes = [nodes.Filter(n, _PRINT_FILTER, [], [], None, None, lineno=n.lineno) for n in concat.nodes]
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


def _printable(value: Any) -> Any:
    """Return `value` if printing it (`str(value)`) stays within MAX_SEQUENCE characters."""
    if not isinstance(value, str):
        _refuse_longer("in ra giá trị này", sizes.printed_size(value))
    return value


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitError(f"range() quá dài ({_count(len(numbers))} số, tối đa {_count(MAX_RANGE)}).")
    _spend(len(numbers))
    return numbers


# -- filters, checked first --

# Jinja filters that turn their value into a string: printing a list that holds one long string a
# million times must be refused before str() builds it.
_PRINTING_FILTERS = ("capitalize", "e", "escape", "forceescape", "lower", "pprint", "safe", "string", "striptags",
                     "title", "tojson", "trim", "upper", "urlencode", "urlize", "wordcount")
# Filters that can make a string longer than their value, with the bound of what they make.
_GROWING_FILTERS: dict[str, Callable[..., int]] = {
    "center": sizes.center_size, "indent": sizes.indent_size, "format": sizes.format_filter_size,
    "replace": sizes.replace_filter_size, "wordwrap": sizes.wordwrap_size, "truncate": sizes.truncate_size,
    "sum": sizes.sum_size}


def _guarded(name: str, original: Callable[..., Any], size: Callable[..., int]) -> Callable[..., Any]:
    """Wrap a built-in filter: refuse before calling it when `size(value, *args)` is too large."""
    skip = 0 if getattr(original, "jinja_pass_arg", None) is None else 1  # eval_ctx or environment first

    @wraps(original)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _refuse_longer(f"bộ lọc {name}", size(*args[skip:], **kwargs))
        _spend(0)
        return original(*args, **kwargs)

    return checked


def _finalizer(extra: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """Return the `finalize` of every `{{ value }}`: refuse printing a container too long, then `extra`."""

    then: Callable[[Any], Any] = extra if extra is not None else (lambda value: value)

    def finalize(value: Any) -> Any:
        if type(value) in _CONTAINERS:
            _printable(value)
        return then(value)

    return finalize


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the limits described in this module."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = GuardedCodeGenerator
    template_class = LimitedTemplate
    limits = Limits(TEMPLATE_SECONDS, MAX_TEMPLATE_CHARS)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute`; for a plain dict and a name no dict has as attribute, the item straight away.

        Jinja tries `getattr(obj, attribute)` first and reads the item after the AttributeError: for the
        dicts of a letter's context that exception is most of the cost of `b.tieu_de`. The result is the same.
        """
        if obj.__class__ is dict and attribute.__class__ is str and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

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
            _refuse_longer("phép định dạng %", sizes.percent_size(left, right))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        _spend(1)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            size, args = sizes.str_method_size(owner, getattr(__obj, "__name__", ""), args, kwargs)
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
                _refuse_longer("format_map()", sizes.format_size(fmt, (), args[0] if args else {}))
            else:
                _refuse_longer("format()", sizes.format_size(fmt, args, kwargs))
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
                        finalize=_finalizer(finalize))
    env.limits = Limits(seconds, max_chars)
    env.globals.pop("lipsum", None)  # lorem ipsum generator: megabytes of text from one call
    env.globals["range"] = _range
    filters = env.filters
    filters[_LOOP_FILTER] = _count_steps
    filters[_PRINT_FILTER] = _printable
    for name in _PRINTING_FILTERS:
        filters[name] = _guarded(name, filters[name], sizes.value_size)
    for name, size in _GROWING_FILTERS.items():
        filters[name] = _guarded(name, filters[name], size)
    filters["join"] = _guarded_join(env, filters["join"])
    filters["chu"] = vn.number_to_words  # {{ 2024|chu }}: hai nghìn không trăm hai mươi bốn
    filters["bang_chu"] = vn.money_words  # {{ so_tien|bang_chu }}: Một triệu năm trăm nghìn đồng
    filters["liet_ke"] = _list_results  # {{ ket_qua_tat_ca|liet_ke }}: "Tiếp cận dịch vụ đạt 72,21%; …"
    filters["khoi_van_ban"] = blocks_xml  # {{p noi_dung|khoi_van_ban }}: a composed body (render/blocks.py)
    filters[PICTURE_FILTER] = _no_picture  # render/template.py's fast path places pictures
    return env


PICTURE_FILTER = "hinh"  # {{ b.bieu_do|hinh }}: the chart as a picture in a .docx template


def _no_picture(value: Any) -> Any:
    raise jinja2.TemplateRuntimeError(
        "bộ lọc hinh (biểu đồ) chỉ dùng được trong thân mẫu .docx không có hộp văn bản (text box) và không có "
        "thẻ mẫu trong thuộc tính tài liệu; không dùng trong câu chữ của danh mục hay congvan.toml.")


def _list_results(items: Iterable[Any], truoc: str = "", noi: str = " đạt ") -> str:
    """Criteria results in one sentence: "<truoc><ten><noi><ket_qua>" joined by "; "."""
    def part(item: Any, name: str) -> str:
        return str(item[name] if isinstance(item, dict) else getattr(item, name))

    shown = [f"{truoc}{part(item, 'ten')}{noi}{part(item, 'ket_qua')}" for item in _counting(items)]
    _refuse_longer("bộ lọc liet_ke", sum(map(len, shown)) + 2 * len(shown))
    return "; ".join(shown)


def _guarded_join(env: jinja2.Environment, original: Callable[..., str]) -> Callable[..., str]:
    """The `join` filter, reading its items once to size the result first."""

    @wraps(original)
    def checked(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
        items = list(value)
        shown = items if attribute is None else [make_attrgetter(env, attribute)(item) for item in items]
        _refuse_longer("bộ lọc join", sizes.joined_size(str(d), shown))
        _spend(0)
        return original(eval_ctx, items, d, attribute)

    return checked
