"""Atomic writes and the TOML reader."""

from __future__ import annotations

import os
import stat

import pytest

from congvan.errors import DataError, OutputError
from congvan.files import atomic_write, read_toml


def test_atomic_write_gives_normal_permissions_and_never_overwrites_when_told(tmp_path):
    path = tmp_path / "a.docx"
    atomic_write(path, b"one", overwrite=False)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    with pytest.raises(OutputError, match="không được ghi đè"):
        atomic_write(path, b"two", overwrite=False)
    assert path.read_bytes() == b"one" and [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_read_toml_normalises_to_nfc_and_names_the_file(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text('ten = "Kha\u0301nh Ho\u0300a"\n', encoding="utf-8")
    assert read_toml(path, "thiếu")["ten"] == "Khánh Hòa"
    path.write_text("ten = ", encoding="utf-8")
    with pytest.raises(DataError, match="a.toml: tệp TOML không hợp lệ"):
        read_toml(path, "thiếu")
    with pytest.raises(DataError, match="b.toml: thiếu tệp"):
        read_toml(tmp_path / "b.toml", "thiếu tệp")
