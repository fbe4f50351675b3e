"""Clerk-written texts: the fast `{{ name }}` path gives exactly what sandboxed Jinja gives, errors included."""

from __future__ import annotations

import pytest

from congvan.errors import DataError
from congvan.letter.context import UnitName
from congvan.models import Unit
from congvan.render import texts as snippets

VALUES = {"don_vi": UnitName(Unit("Phường Nha Trang")), "nam": 2025, "ty_le": 68.5, "rong": "",
          "bang": {"ten": "UBND cấp xã", "so": 3}, "khong": None}


def jinja(text: str) -> str:
    return snippets.squash(snippets.nfc(snippets._compile(text).render(VALUES)))


@pytest.mark.parametrize("text", [
    "Ủy ban nhân dân {{ don_vi }}",
    "UBND {{don_vi.loai}} {{ don_vi.ten_rieng }} năm {{ nam }}",
    "{{ don_vi.ten_hoa }}: {{ ty_le }}% , {{ bang.ten }} ({{ bang.so }}) {{ rong }} {{ khong }}",
    "  nhiều   khoảng trắng  {{ nam }}  ",
    "{{ nam + 1 }}",                                   # needs Jinja: expression
    "{% if nam > 2000 %}sau{% else %}trước{% endif %} {{ don_vi }}",
    "{{ don_vi | upper }}",
    "dấu }} lẻ {{ nam }}",
    "{{ don_vi | upper }} và {{ nam }}",                 # Jinja before a plain name
    "{{ nam }} {# ghi chú #} {{ don_vi }}",             # a comment between plain names
    "{{ nam }}, {{ nam|chu }} ({{ don_vi.ten_rieng }})",  # a filter between plain names
])
def test_fast_path_equals_jinja(text):
    assert snippets.fill(text, VALUES, "x") == jinja(text)


@pytest.mark.parametrize("text", ["{{ khong_co }}", "{{ don_vi.khong_co }}", "{{ bang.khong_co }}"])
def test_missing_names_are_errors_naming_the_place(text):
    with pytest.raises(DataError) as err:
        snippets.fill(text, VALUES, "congvan.toml, van_ban.mo_dau")
    assert "congvan.toml, van_ban.mo_dau" in str(err.value) and "khong_co" in str(err.value)


def test_private_attributes_stay_unreachable():
    with pytest.raises(DataError) as err:
        snippets.fill("{{ don_vi.__class__ }}", VALUES, "x")
    assert "unsafe" in str(err.value)
