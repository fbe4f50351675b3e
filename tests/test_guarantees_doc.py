"""docs/guarantees.md: every guarantee points to a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "guarantees.md"


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def test_every_guarantee_names_a_test_that_exists() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| Guarantee")]
    assert len(rows) >= 20
    for row in rows:
        ids = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row)
        assert ids, f"no test named in: {row}"
        for file, name in ids:
            assert (ROOT / file).is_file(), file
            assert name in _tests_in(ROOT / file), f"{file}::{name} does not exist"
