"""scripts/line_counts.py groups the flat modules of eec6f02 into the packages they became, and HEAD by package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.test_layering import FLOORS

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "line_counts.py"
_spec = importlib.util.spec_from_file_location("line_counts", SCRIPT)
assert _spec and _spec.loader
line_counts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(line_counts)


def test_flat_modules_fall_into_their_families():
    flat = {"congvan/layout.py": 354, "congvan/layout_rules.py": 314, "congvan/recipients_report.py": 159,
            "congvan/recipient_files.py": 259, "congvan/recipients.py": 209, "congvan/config.py": 299,
            "congvan/cli/main.py": 43}
    assert line_counts.group(flat, flat=True) == {
        "lint": (2, 668, 354), "batch": (1, 159, 159), "recipients": (2, 468, 259), "config": (1, 299, 299),
        "cli": (1, 43, 43)}


def test_after_the_move_a_package_is_its_first_name():
    assert line_counts.package_of("congvan/recipients_report.py", flat=False) == "recipients_report"
    assert line_counts.package_of("congvan/batch/recipients_report.py", flat=False) == "batch"
    assert line_counts.package_of("congvan/config/schema.py", flat=False) == "config"


def test_every_family_is_a_package_of_the_layering():
    assert {package for _, package in line_counts.FAMILIES} <= set().union(*FLOORS)
