"""The fast path of one template part: the bytes the exact path gives, without its per-letter passes.

The exact path (render/template.py) renders a part's `prepare`d source, joins it, applies docxtpl's
`finish` and parses the result with expat to refuse XML that is not well-formed. A `FastPart` renders a
second compilation of the same source and returns the same bytes, skipping only what it can prove changes
nothing; where the proof does not hold it returns None and the caller takes the exact path. The argument:

1. Same text. The fast compilation differs in two points only; the code, limits and errors are otherwise
   the same. (a) Its literals have `join_paragraph_lines` applied already (the line break `prepare` put
   before each `<w:p>`/`<w:p `). Call the line breaks left in the letter's text "kept". If no kept line
   break comes right before `<w:p>`/`<w:p ` (checked per letter), joining the exact text removes exactly
   the breaks the literals lost: each removed break starts an occurrence inside its literal, and no kept
   break starts one, in one pass or the next. That needs every literal to go straight to the output, never
   into a value (`{% set %}…{% endset %}`, macros, `{% filter %}`, blocks, recursive loops): only templates
   whose statements are `if`, `for` (not recursive), `set x = …` and `with` get a fast part. (b)
   `{{ value }}` prints through `print_value`, which gives the text of `escape(finalize(value))`: for a
   plain value escaped text (no `<`, `>`, quote, and `&` only in `&lt;`, `&amp;` ...), as `Text` when every
   character is printable and `OtherText` when not (listing characters, controls, …); `Markup` for a value
   that brings its own XML (`Markup`, RichText, blocks, pictures).
2. Same finishing. The rest of `finish` runs on the UTF-8 bytes (`finish_joined`), and only when the text
   has a listing character, a brace or (with a picture in the source or a `Markup` value) a picture; a
   template with `{%tc %}` tags has no fast part.
3. Well-formed without parsing. Every piece the render yields is a literal (a `str` of the compiled code) or
   a `print_value` result. A letter's shape is its literals, in order, and for each value its listing
   characters. Put the probe `&lt;` in place of each value (around each of its listing characters) and
   finish this skeleton as the letter was: docxtpl's patterns cut both at the same literal `<` and `>`,
   since no value or probe holds one. If expat accepts the skeleton and meets no comment, processing
   instruction, CDATA section, DOCTYPE or namespace name holding a probe, every probe stands in character
   data or an attribute value (`&` is allowed nowhere else), where a reference may start and end. Escaped
   text of characters XML allows fits wherever `&lt;` does, except that content may not hold `]]>`. So a
   letter whose values are all escaped text, whose shape passed, whose text has no `]]>` and no character
   XML forbids (controls other than tab, line feed, carriage return; U+FFFE, U+FFFF: none is printable, so
   only `OtherText` values are searched), is well-formed.
   Verdicts are kept per shape, so most letters parse nothing; a letter with a `Markup` value or a brace,
   or whose shape did not pass, is parsed in full as before, and the same message names the fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.parsers import expat

import jinja2
from jinja2 import nodes
from jinja2.compiler import Frame
from markupsafe import Markup, _escape_inner

from congvan.render import docxtpl_adapter
from congvan.render.sandbox import GuardedCodeGenerator

PROBE = "&lt;"  # stands for every printed value in a shape's skeleton
SHAPES_KEPT = 1024  # verdicts kept per part (a shape is a tuple of its literals: ~2 KB each)
_ALLOWED = (nodes.Output, nodes.If, nodes.For, nodes.Assign, nodes.With)
_NOT_LISTING = re.compile("[^\n\t\a\f]+")


class Text(str):
    """The escaped text of a printed plain value, every character printable: a piece a probe may stand for."""

    __slots__ = ()


class OtherText(str):
    """The escaped text of a printed plain value with a character that is not printable (a listing
    character, a control, a no-break space …): a probe may stand for it once its characters are checked."""

    __slots__ = ()


_TEXTS = frozenset({str, Text, OtherText})  # the pieces a shape is made of: literals and escaped values
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what XML 1.0 refuses (surrogates
# cannot reach it: UTF-8 refuses them first)


class _PrintingCodeGenerator(GuardedCodeGenerator):
    """The sandbox's code generator, printing `{{ value }}` through `environment.print_value(value)`."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("environment.print_value(")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write(")")


def printing_environment(env: jinja2.Environment) -> None:
    """Make `env` compile `{{ value }}` as `print_value(value)`: `escape(finalize(value))` as `Text` or `Markup`."""
    finalize = env.finalize

    def print_value(value: Any) -> str:
        if value.__class__ is str:  # finalize passes a plain str as it is
            text = _escape_inner(value)
        else:
            value = finalize(value) if finalize is not None else value
            if hasattr(value, "__html__"):
                return Markup(value.__html__())
            text = _escape_inner(str(value))
        return Text(text) if text.isprintable() else OtherText(text)

    env.code_generator_class = _PrintingCodeGenerator
    env.print_value = print_value  # type: ignore[attr-defined]


def _literals_go_straight_out(tree: nodes.Template) -> bool:
    """Whether every statement of `tree` is one that writes its literals to the output and nowhere else."""
    return all(isinstance(node, _ALLOWED) and not (isinstance(node, nodes.For) and node.recursive)
               for node in tree.find_all(nodes.Stmt))


class FastPart:
    """A part compiled for the fast path in a `printing_environment`; `render` returns bytes or None."""

    @classmethod
    def compile(cls, env: jinja2.Environment, source: str, *, body: bool) -> FastPart | None:
        """The fast part of `source` (already compiled once by the exact path), or None if the argument fails."""
        tree = env.parse(source)
        return cls(env, tree, source, body=body) if _literals_go_straight_out(tree) else None

    def __init__(self, env: jinja2.Environment, tree: nodes.Template, source: str, *, body: bool) -> None:
        for data in tree.find_all(nodes.TemplateData):
            data.data = docxtpl_adapter.join_paragraph_lines(data.data)
        self.template = env.from_string(tree)
        self.body = body
        self.limit = env.limits.max_chars  # type: ignore[attr-defined]
        self._pictures_in_source = "<wp:docPr" in source
        self._shapes: dict[tuple[Any, ...], bool] = {}

    def render(self, context: Mapping[str, Any]) -> tuple[bytes, bool] | None:
        """Return the finished part and whether it is proven well-formed, or None: take the exact path.

        Jinja errors propagate as from the exact path (same code, same line numbers).
        """
        pieces = self.template.render_parts(context)  # type: ignore[attr-defined]
        xml = "".join(pieces)
        try:
            data = xml.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the exact path reports it as it always has
            return None
        if 2 * len(data) > self.limit:  # the exact text is longer (its line breaks): let it meet the cap
            return None
        start = docxtpl_adapter.content_start(data)
        if _paragraph_after_line_break(data, start):
            return None
        kinds = set(map(type, pieces))
        markup = not _TEXTS.issuperset(kinds)  # a value that brought its own XML
        listing = any(data.find(char, start) >= 0 for char in docxtpl_adapter.LISTING_BYTES)
        braces = b"{" in data or b"}" in data
        pictures = self.body and (self._pictures_in_source or markup)
        finished = listing or braces or (pictures and b"<wp:docPr" in data)
        if finished:
            data = docxtpl_adapter.finish_joined(data, body=self.body, pictures=pictures)
        if markup or braces or (b"]" in data and b"]]>" in data):
            return data, False
        if OtherText in kinds:
            if any(_FORBIDDEN.search(piece) for piece in pieces if piece.__class__ is OtherText):
                return data, False
            shape = tuple([piece if piece.__class__ is str else _listing_signature(piece)
                           for piece in pieces])
        else:
            shape = tuple([piece if piece.__class__ is str else None for piece in pieces])
        verdict = self._shapes.get(shape)
        if verdict is None:
            verdict = self._skeleton_is_proof(pieces, finished, pictures)
            if len(self._shapes) < SHAPES_KEPT:
                self._shapes[shape] = verdict
        return data, verdict

    def _skeleton_is_proof(self, pieces: list[str], finished: bool, pictures: bool) -> bool:
        """Whether the shape of `pieces`, each `Text` replaced by the probe, proves every such letter well-formed.

        Each value's probe keeps the value's listing characters, and the skeleton is `finished` as the letter
        was: docxtpl's patterns match at literal `<`, `>` only, as neither values nor probes hold one, so
        they cut the skeleton where they cut the letter.
        """
        skeleton = "".join(piece if piece.__class__ is str else _probe(piece) for piece in pieces)
        data = skeleton.encode("utf-8")
        if finished:
            data = docxtpl_adapter.finish_joined(data, body=self.body, pictures=pictures)
        return skeleton_is_proof(data)


def _paragraph_after_line_break(data: bytes, start: int) -> bool:
    """Whether a line break after `start` comes right before a paragraph: `join_paragraph_lines` on the exact
    path's text might remove it, and the fast text would differ. (`start` may not be a paragraph either.)"""
    if data.startswith(b"<w:p", start):
        return True
    at = data.find(b"\n", start)
    while at >= 0:
        if data.startswith(b"<w:p>", at + 1) or data.startswith(b"<w:p ", at + 1):
            return True
        at = data.find(b"\n", at + 1)
    return False


def _listing_signature(piece: str) -> tuple[str] | None:
    """A value's listing characters in order (they are part of its shape); None for a `Text`."""
    return (_NOT_LISTING.sub("", piece),) if piece.__class__ is OtherText else None


def _probe(piece: str) -> str:
    """The probe standing for a value: `&lt;`, and after each of its listing characters another."""
    signature = _listing_signature(piece)
    return PROBE + "".join(char + PROBE for char in signature[0]) if signature else PROBE


def skeleton_is_proof(skeleton: bytes) -> bool:
    """Whether expat accepts `skeleton` and meets no probe outside character data and attribute values."""
    parser = expat.ParserCreate(namespace_separator=" ")
    elsewhere: list[bool] = []

    def outside(*_args: Any) -> None:
        elsewhere.append(True)

    def namespace(_prefix: str | None, uri: str | None) -> None:
        if uri and "<" in uri:
            elsewhere.append(True)

    parser.StartNamespaceDeclHandler = namespace
    parser.CommentHandler = parser.ProcessingInstructionHandler = outside
    parser.StartCdataSectionHandler = parser.StartDoctypeDeclHandler = outside
    try:
        parser.Parse(skeleton, True)
    except expat.ExpatError:
        return False
    return not elsewhere
