"""Atomic writes."""

from __future__ import annotations

import os
import stat

import pytest

from congvan.errors import OutputError
from congvan.files import atomic_write


def test_atomic_write_gives_normal_permissions_and_never_overwrites_when_told(tmp_path):
    path = tmp_path / "a.docx"
    atomic_write(path, b"one", overwrite=False)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    with pytest.raises(OutputError, match="không được ghi đè"):
        atomic_write(path, b"two", overwrite=False)
    assert path.read_bytes() == b"one" and [p.name for p in tmp_path.iterdir()] == ["a.docx"]
