"""Render docs/summary.png: the first page of the summary workbook (tong_hop.xlsx) of the sample workspace.

A copy of the sample workspace (`congvan init`) is built exactly as `congvan build` does; its batch's
tong_hop.xlsx is printed to PDF by LibreOffice and the first page turned into a PNG (as
scripts/make_results_picture.py does for docs/results_layout.png).

    python scripts/make_summary_picture.py [OUT.png]     # default: docs/summary.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from make_results_picture import render_first_page

from congvan.batch import drafts
from congvan.batch.build import BuildOptions, build
from congvan.batch.scaffold import init_workspace
from congvan.config import load_workspace

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "mau"
        init_workspace(root)
        report = build(load_workspace(root), BuildOptions())
        assert report.folder is not None
        render_first_page(drafts.summary_path(report.folder), out, resolution=70)  # a small PNG, still legible
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "summary.png")
