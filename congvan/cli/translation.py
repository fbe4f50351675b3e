"""click's own messages in Vietnamese ("Cách dùng:", "Thiếu tham số", "Không có tùy chọn …").

click looks its messages up with `gettext.gettext` and `gettext.ngettext`, bound as `_` and `ngettext`
in each of its modules when they are imported. Those names are rebound here to the Vietnamese catalog
shipped in congvan/cli/locale/vi/LC_MESSAGES/click.mo (source: click.po beside it), whatever the
locale of the machine: the people at the keyboard read Vietnamese. A message missing from the catalog
stays in English.
"""

from __future__ import annotations

import gettext
import importlib
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "click"
# every click module that translates a message; the lazily imported ones are imported here first
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                 "_termui_impl", "shell_completion")
# the names click gives its value types (plain class attributes): "--year SỐ NGUYÊN" in a help page,
# "'x' không phải số nguyên hợp lệ." in an error
TYPE_NAMES = {"StringParamType": "chữ", "IntParamType": "số nguyên", "IntRange": "số nguyên", "FloatParamType": "số",
              "FloatRange": "số", "BoolParamType": "đúng/sai", "DateTime": "ngày giờ"}


def catalog() -> gettext.NullTranslations:
    """Return the Vietnamese catalog of click's messages (English when the .mo is missing)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["vi"], fallback=True)


def install() -> None:
    """Make every click module translate its messages with the Vietnamese catalog."""
    translations = catalog()
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translations.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translations.ngettext  # type: ignore[attr-defined]
    types = importlib.import_module("click.types")
    for class_name, label in TYPE_NAMES.items():
        getattr(types, class_name).name = label
