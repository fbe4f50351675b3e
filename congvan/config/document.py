"""Read a TOML file a clerk edits and check it against its declared schema, errors naming file and line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from congvan.config.locate import TomlLines
from congvan.config.messages import translate
from congvan.errors import ConfigError, ConfigFileUnreadable, CongvanError, DataError, DataFileUnreadable, cell_location
from congvan.vn import nfc

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class TomlDocument:
    """A TOML file: where it is, its NFC text, the parsed data, and the line of every key."""

    path: Path
    text: str
    raw: dict[str, Any]
    lines: TomlLines = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", TomlLines(self.text))

    def where(self, path: tuple[str | int, ...], item: str | None = None) -> str:
        """Return "file, dòng N" for the key or table at `path` (and the string `item` in its list)."""
        line = self.lines.line(path) if item is None else self.lines.item_line(path, item)
        return cell_location(self.path, None, line)

    def validate(self, model: type[Model], error: type[CongvanError] = DataError) -> Model:
        """Return the data checked against `model`; raise `error` with one line per problem."""
        try:
            return model.model_validate(self.raw)
        except ValidationError as err:
            raise error("\n".join(translate(err, model, self.raw, self.lines, self.path))) from None


def read_document(path: Path, missing: str, error: type[CongvanError] = DataError) -> TomlDocument:
    """Read the TOML file at `path` (UTF-8, a BOM accepted, made NFC); `missing` is the message when it is absent."""
    unreadable = ConfigFileUnreadable if issubclass(error, ConfigError) else DataFileUnreadable
    try:
        text = nfc(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as err:
        raise unreadable(f"{path}: {missing}") from err
    except UnicodeDecodeError as err:
        raise error(f"{path}: tệp phải mã hóa UTF-8 (lưu lại bằng UTF-8): {err}") from err
    except OSError as err:
        raise unreadable(f"{path}: không đọc được tệp: {err.strerror or err}.") from err
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        where = cell_location(path, None, int(match.group(1)) if match else None)
        raise error(f"{where}: sai cú pháp TOML: {err}. Mỗi chuỗi phải nằm trong ngoặc kép; các mục của danh "
                    "sách cách nhau bởi dấu phẩy.") from err
    return TomlDocument(path, text, raw)
