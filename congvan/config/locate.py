"""Find on which line of a TOML text a table or key is, so errors can name the line to fix.

Paths are tuples of keys and array indices as pydantic reports them: ("bang", 0, "tieu_chi", 2, "chi_dao")
is the `[bang.tieu_chi.chi_dao]` table of the third criterion of the first `[[bang]]`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]\s*(?:#.*)?$")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=(.*)$")
_PART = re.compile(rf"\s*({_KEY_PART})\s*(?:\.|$)")


def split_key(dotted: str) -> tuple[str, ...]:
    """Return the parts of a dotted TOML key, quotes removed: `a."b.c"` -> ("a", "b.c")."""
    parts = []
    for match in _PART.finditer(dotted):
        part = match.group(1)
        parts.append(part[1:-1] if part[0] in "\"'" else part)
    return tuple(parts)


def _open_brackets(value: str, state: str | None) -> tuple[int, str | None]:
    """Return how many brackets `value` opens (minus closes) outside strings, and the multi-line string left open."""
    depth = 0
    index = 0
    while index < len(value):
        if state:  # inside a multi-line string: look for its end
            end = value.find(state, index)
            if end < 0:
                return depth, state
            index, state = end + 3, None
            continue
        char = value[index]
        if value.startswith(('"""', "'''"), index):
            state = value[index:index + 3]
            index += 3
        elif char in "\"'":
            match = re.compile(_BASIC if char == '"' else _LITERAL).match(value, index)
            index = match.end() if match else len(value)
        elif char == "#":
            break
        else:
            depth += (char in "[{") - (char in "]}")
            index += 1
    return depth, state


class TomlLines:
    """The line of every table header and key of a TOML text, by path."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.where: dict[Path, int] = {}
        arrays: dict[Path, int] = {}  # array-of-tables path (no index) -> how many seen
        current: Path = ()
        depth, string = 0, None
        for number, line in enumerate(self.lines, start=1):
            if depth > 0 or string:  # the rest of a multi-line value
                opened, string = _open_brackets(line, string)
                depth += opened
                continue
            array = _ARRAY_HEADER.match(line)
            table = None if array else _TABLE_HEADER.match(line)
            if array:
                *parents, name = split_key(array.group(1))
                base = (*self._resolve(parents, arrays), name)
                arrays[base] = arrays.get(base, 0) + 1
                current = (*base, arrays[base] - 1)
                self._define(base, number)
                self.where[current] = number
            elif table:
                current = self._resolve(split_key(table.group(1)), arrays)
                self._define(current, number)
            else:
                key = _KEY_LINE.match(line)
                if key:
                    self.where.setdefault((*current, *split_key(key.group(1))), number)
                    depth, string = _open_brackets(key.group(2), None)

    def _define(self, path: Path, number: int) -> None:
        """Record `path` at line `number`, and the tables it implicitly defines ([a.b] defines [a])."""
        for end in range(1, len(path) + 1):
            self.where.setdefault(path[:end], number)

    @staticmethod
    def _resolve(parts: Sequence[str], arrays: dict[Path, int]) -> Path:
        """Return the path of a header's parts, each array of tables standing for its last element."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in arrays:
                path = (*path, arrays[path] - 1)
        return path

    def line(self, path: Path) -> int | None:
        """Return the line of `path`, or of its nearest enclosing table or key that is written in the text."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.where:
                return self.where[path[:end]]
        return None

    def item_line(self, path: Path, item: str) -> int | None:
        """Return the line where the string `item` of the list at `path` is written (else the key's line)."""
        start = self.where.get(path)
        if start is None:
            return self.line(path)
        literals = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"', f"'{item}'")
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > start and (_KEY_LINE.match(text) or _TABLE_HEADER.match(text) or _ARRAY_HEADER.match(text)):
                break
            if any(literal in text for literal in literals):
                return number
        return start
