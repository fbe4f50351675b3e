"""Lines per package before and after the subpackage reorganisation (issue 12), as a Markdown table.

Before is the flat package of commit eec6f02, its modules grouped by name prefix into the packages they
became (layout_* -> lint, register_* -> register, ...); after is HEAD, grouped by the first name under
congvan/. A top-level module that is in no family is its own row (config, errors, ...), so a module that
later becomes a package keeps its row. Lines are counted like `wc -l`, from git, so the work tree does not matter.

    python scripts/line_counts.py                       # eec6f02 against HEAD
    python scripts/line_counts.py --after main
"""

from __future__ import annotations

import argparse
import subprocess
from collections import defaultdict
from pathlib import PurePosixPath

# Flat module name prefix -> the package it moved to; the first matching prefix wins.
FAMILIES: list[tuple[str, str]] = [
    ("vietnamese", "vn"), ("legacy_encodings", "vn"),
    ("sources", "sources"),
    ("recipients_report", "batch"), ("recipient", "recipients"),
    ("assessment", "letter"), ("context", "letter"),
    ("render", "render"), ("snippets", "render"), ("template_checks", "render"),
    ("pipeline", "batch"), ("issuing", "batch"), ("recreate", "batch"), ("scaffold", "batch"),
    ("register", "register"),
    ("layout", "lint"),
    ("pdf", "pdf"),
]


def git(*args: str) -> str:
    """Run git in the current repository and return its output."""
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def line_counts(rev: str) -> dict[str, int]:
    """Lines of every congvan/**.py file at `rev`, by path."""
    paths = [p for p in git("ls-tree", "-r", "--name-only", rev, "congvan").splitlines() if p.endswith(".py")]
    return {path: git("show", f"{rev}:{path}").count("\n") for path in paths}


def package_of(path: str, flat: bool) -> str:
    """The row of `path`: its subpackage, else (in the flat tree) its prefix family, else its module name."""
    parts = PurePosixPath(path).relative_to("congvan").parts
    if len(parts) > 1:
        return parts[0]
    stem = PurePosixPath(parts[0]).stem
    family = next((package for prefix, package in FAMILIES if stem.startswith(prefix)), None) if flat else None
    return family or stem


def group(counts: dict[str, int], flat: bool) -> dict[str, tuple[int, int, int]]:
    """Per row: (files, lines, lines of its largest module)."""
    rows: dict[str, list[int]] = defaultdict(list)
    for path, lines in counts.items():
        rows[package_of(path, flat)].append(lines)
    return {name: (len(lines), sum(lines), max(lines)) for name, lines in rows.items()}


def table(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]],
          before_rev: str, after_rev: str) -> str:
    """The Markdown table, one row per package or top-level module, then the totals."""
    lines = [f"| package | files {before_rev} | lines {before_rev} | largest {before_rev} "
             f"| files {after_rev} | lines {after_rev} | largest {after_rev} | change |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    none = (0, 0, 0)
    for name in sorted(before.keys() | after.keys(), key=lambda n: (n.startswith("__"), n)):
        old, new = before.get(name, none), after.get(name, none)
        lines.append(f"| {name} | {old[0]} | {old[1]} | {old[2]} | {new[0]} | {new[1]} | {new[2]} "
                     f"| {new[1] - old[1]:+d} |")
    total_old = [sum(row[i] for row in before.values()) for i in range(2)]
    total_new = [sum(row[i] for row in after.values()) for i in range(2)]
    lines.append(f"| **total** | {total_old[0]} | {total_old[1]} | | {total_new[0]} | {total_new[1]} | "
                 f"| {total_new[1] - total_old[1]:+d} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="eec6f02", help="the flat tree (default: eec6f02)")
    parser.add_argument("--after", default="HEAD", help="the subpackage tree (default: HEAD)")
    args = parser.parse_args()
    print(table(group(line_counts(args.before), flat=True), group(line_counts(args.after), flat=False),
                args.before, args.after))


if __name__ == "__main__":
    main()
