"""Checks on a template's paragraphs before docxtpl patches them: mistakes it would hide or garble.

- A tag split across paragraphs (`{{ don_vi` here, `.ten }}` in the next, often after Word re-flowed a
  line): Jinja would fail on a stretch of XML, far from what the author sees.
- Two `{%p %}` tags in one paragraph: docxtpl replaces the whole paragraph by the first one and
  silently drops the second.
- A `%` inside a `{%p %}` / `{%tr %}` / `{%tc %}` / `{%r %}` expression: docxtpl's patterns stop at it
  and produce broken Jinja.

Each error names the part, the paragraph number (counting every paragraph, tables included) and its text.
"""

from __future__ import annotations

import html
import re

from congvan.errors import TemplateError

_PARAGRAPH = re.compile(r"<w:p(?:\s[^>]*)?>(.*?)</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_OPEN, _CLOSE = re.compile(r"\{[{%#]"), re.compile(r"[}%#]\}")
_SPECIAL_TAG = re.compile(r"\{%-?\s*(p|tr|tc|r)\s")


def paragraph_texts(xml: str) -> list[str]:
    """Return the visible text of each paragraph of a WordprocessingML part, in order."""
    return [html.unescape("".join(_TEXT.findall(body))) for body in _PARAGRAPH.findall(xml)]


def check_tags(source: str, part: str, xml: str) -> None:
    """Raise `TemplateError` for the first paragraph of `part` with a split, doubled or garbled tag."""
    for number, text in enumerate(paragraph_texts(xml), start=1):
        problem = paragraph_problem(text)
        if problem:
            raise TemplateError(f"{source} ({part}), đoạn {number}: {problem} — đoạn mẫu: \"{text[:160]}\"")


def paragraph_problem(text: str) -> str | None:
    """Return what is wrong with the tags of one paragraph's text, or None."""
    opened, closed = len(_OPEN.findall(text)), len(_CLOSE.findall(text))
    if opened != closed:
        which = "mở" if opened > closed else "đóng"
        return (f"thẻ bị tách sang đoạn khác (có {opened} dấu mở và {closed} dấu đóng thẻ, thừa dấu {which}); "
                "mỗi thẻ {{ … }} hay {% … %} phải nằm trọn trong một đoạn")
    specials = [m for m in _SPECIAL_TAG.finditer(text) if m.group(1) == "p"]
    if len(specials) > 1:
        return "hai thẻ {%p … %} trong cùng một đoạn: docxtpl chỉ giữ thẻ đầu; tách mỗi thẻ {%p %} ra một đoạn riêng"
    for match in _SPECIAL_TAG.finditer(text):
        end = text.find("%}", match.end())
        inner = text[match.end():end] if end >= 0 else text[match.end():]
        if "%" in inner:
            return (f"dấu % bên trong thẻ {{%{match.group(1)} … %}}: docxtpl cắt thẻ tại đó; "
                    "viết phép chia lấy dư hay phần trăm ở ngoài thẻ, hoặc dùng một biến")
    return None
