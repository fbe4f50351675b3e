"""docs/architecture.md names every module of the package, names none that does not exist, and shows the floors
that tests/test_layering.py enforces."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_layering import FLOORS, THIRD_PARTY

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

# `congvan/render/template.py`, `congvan/render/`, or dotted `congvan.render.template` (not the file congvan.toml).
PATH_RE = re.compile(r"(?<![\w/.-])congvan/(?:[a-z_]+/)*(?:[a-z_]+\.py)?")
DOTTED_RE = re.compile(r"(?<![\w/.-])congvan(?:\.[a-z_]+)+")


def named(doc: str, root: Path = ROOT) -> set[str]:
    """The module paths `doc` names, relative to `root` (a package as `congvan/render/`, a module as `congvan/x.py`)."""
    names = set(PATH_RE.findall(doc))
    for path in (dotted.replace(".", "/") for dotted in DOTTED_RE.findall(doc) if not dotted.endswith(".toml")):
        names.add(f"{path}/" if (root / path).is_dir() else f"{path}.py")
    return names - {"congvan/"}


def modules(root: Path) -> set[str]:
    """Every module and subpackage of `root`/congvan (a package as `congvan/x/`, its __init__.py not separately)."""
    package = root / "congvan"
    found = {f"{p.parent.relative_to(root).as_posix()}/" for p in package.rglob("__init__.py") if p.parent != package}
    found |= {p.relative_to(root).as_posix() for p in package.rglob("*.py") if p.name != "__init__.py"}
    return found | {"congvan/__init__.py"}


def test_every_module_named_exists():
    missing = sorted(name for name in named(DOC) if not (ROOT / name).exists())
    assert missing == [], f"docs/architecture.md names modules that do not exist: {missing}"


def test_every_module_is_named():
    unnamed = sorted(modules(ROOT) - named(DOC))
    assert unnamed == [], "docs/architecture.md has no row for: " + ", ".join(unnamed)


def test_the_floors_table_matches_the_layering_test():
    rows = {int(m[1]): set(re.findall(r"`(\w+)`", m[2])) for m in re.finditer(r"^\| (\d) \| ([^|]+) \|", DOC, re.M)}
    assert rows == {level: names for level, names in enumerate(FLOORS)}


def test_the_third_party_table_matches_the_layering_test():
    for library, owners in THIRD_PARTY.items():
        row = next((line for line in DOC.splitlines() if re.match(rf"\| [\w, ]*\b{library}\b", line)), "")
        assert set(re.findall(r"`(\w+)`", row)) == owners, library


def test_no_link_leaves_the_repository():
    assert "../" not in DOC


def test_the_checks_catch_an_unnamed_and_a_stale_module(tmp_path):
    (tmp_path / "congvan" / "render").mkdir(parents=True)
    for name in ("__init__.py", "errors.py", "render/__init__.py", "render/sandbox.py"):
        (tmp_path / "congvan" / name).touch()
    doc = "`congvan/__init__.py`, `congvan/errors.py`, `congvan.render`, `congvan/pdf/order.py`, congvan.toml"
    assert named(doc, tmp_path) == {
        "congvan/__init__.py", "congvan/errors.py", "congvan/render/", "congvan/pdf/order.py"}
    assert modules(tmp_path) - named(doc, tmp_path) == {"congvan/render/sandbox.py"}
