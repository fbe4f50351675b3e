"""Imports only point down the floors of docs/architecture.md, and each third-party library stays in its package.

The checker reads every module's AST (imports inside functions and `if TYPE_CHECKING:` blocks count too) and
names each offending import by file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "congvan"

# Bottom up. A name is a module (`errors` for errors.py) or a subpackage (`render` for render/) directly under
# congvan/; `__init__` is congvan/__init__.py (only __version__). A module imports only from its own floor or below.
# Names not written yet (clock, web) are placed already; every other new top-level module must be added here.
FLOORS: list[set[str]] = [
    {"__init__", "errors", "clock", "vn"},
    {"files", "models", "config", "lint", "processes"},  # processes: work in forked processes (reads, summaries)
    {"sources", "render", "pdf", "register"},
    {"recipients"},
    {"letter"},
    {"summary"},
    {"batch", "compose"},  # workflows: batch letters, one-off letters (compose reuses the draft batch format)
    {"cli", "web", "__main__"},
]

# Third-party library -> the only top-level names that may import it.
THIRD_PARTY: dict[str, set[str]] = {
    "click": {"cli"},
    "docxtpl": {"render"},
    "jinja2": {"render"},
    "markupsafe": {"render"},  # Jinja's escaping: composed OOXML is marked safe where it is written
    "pandas": {"sources", "summary"},  # reading results; the summary workbook's tables
    "sqlalchemy": {"register"},
    "pydantic": {"config"},
    "tomlkit": {"config"},  # round-trip editing of the workspace's TOML files (config/editing.py)
    "num2words": {"vn"},
    "pypdf": {"pdf"},
    "openpyxl": {"sources", "register", "summary"},  # reading results; the register export; the summary workbook
    "matplotlib": {"render"},  # render/charts.py draws the letters' and the report's charts
    "numpy": {"render"},  # render/charts.py composes each unit's chart on the shared background
    "litestar": {"web"},
    "huey": {"web"},
}


def _imports(tree: ast.AST, here: tuple[str, ...]) -> list[tuple[int, str, list[str]]]:
    """Every import as (line, absolute module name, imported names); `here` is the package relative ones start from."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else ()
            name = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, name, [alias.name for alias in node.names]))
    return found


def _targets(name: str, names: list[str], package: Path) -> list[str]:
    """The top-level names of `package` an import reaches (`from congvan import vn, __version__` -> vn, __init__)."""
    parts = name.split(".")
    if parts[0] != package.name:
        return []
    if len(parts) > 1:
        return [parts[1]]
    modules = set().union(*FLOORS, (p.stem for p in package.glob("*.py")), (p.name for p in package.iterdir()))
    return [n if n in modules else "__init__" for n in names] or ["__init__"]


def violations(package: Path) -> list[str]:
    """Every import of a higher floor, of a third-party library outside its package, and every unplaced module."""
    floor = {name: level for level, names in enumerate(FLOORS) for name in names}
    problems = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent)
        source = path.relative_to(package).with_suffix("").parts[0]  # render/template.py -> render
        if source not in floor:
            problems.append(f"{where}: `{source}` is on no floor of FLOORS (tests/test_layering.py); place it")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, name, names in _imports(tree, where.parent.parts):
            library = name.split(".")[0]
            if library in THIRD_PARTY and source not in THIRD_PARTY[library]:
                problems.append(f"{where}:{line}: imports {library}, allowed only in {sorted(THIRD_PARTY[library])}")
            for target in _targets(name, names, package):
                if target not in floor:
                    problems.append(f"{where}:{line}: imports {package.name}.{target}, which is on no floor")
                elif floor[target] > floor[source]:
                    problems.append(f"{where}:{line}: `{source}` (floor {floor[source]}) imports `{target}` "
                                    f"(floor {floor[target]}), a higher floor")
    return problems


def test_the_package_keeps_its_layers():
    assert violations(PACKAGE) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "congvan" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "congvan"


@pytest.mark.parametrize(("files", "expected"), [
    ({"errors.py": "from congvan.cli import main\n"},
     "congvan/errors.py:1: `errors` (floor 0) imports `cli` (floor 7), a higher floor"),
    ({"render/template.py": "def late():\n    from congvan.batch import build\n"},
     "congvan/render/template.py:2: `render` (floor 2) imports `batch` (floor 6), a higher floor"),
    ({"sources/cells.py": "from congvan import recipients, vn\n"},
     "congvan/sources/cells.py:1: `sources` (floor 2) imports `recipients` (floor 3), a higher floor"),
    ({"letter/context.py": "from ..batch import build\n", "letter/__init__.py": ""},
     "congvan/letter/context.py:1: `letter` (floor 4) imports `batch` (floor 6), a higher floor"),
    ({"vn/__init__.py": "from . import text\nfrom .. import cli\n"},
     "congvan/vn/__init__.py:2: `vn` (floor 0) imports `cli` (floor 7), a higher floor"),
    ({"register/store.py": "import click\n"},
     "congvan/register/store.py:1: imports click, allowed only in ['cli']"),
    ({"letter/context.py": "if True:\n    from jinja2.sandbox import SandboxedEnvironment\n"},
     "congvan/letter/context.py:2: imports jinja2, allowed only in ['render']"),
    ({"charts.py": "import pandas\n"},
     "congvan/charts.py: `charts` is on no floor of FLOORS (tests/test_layering.py); place it"),
    ({"letter/context.py": "import pandas as pd\n"},
     "congvan/letter/context.py:1: imports pandas, allowed only in ['sources', 'summary']"),
    ({"batch/build.py": "import congvan.nowhere\n"},
     "congvan/batch/build.py:1: imports congvan.nowhere, which is on no floor"),
    ({"batch/build.py": "from congvan import __version__, nowhere\n", "nowhere/__init__.py": ""},
     "congvan/batch/build.py:1: imports congvan.nowhere, which is on no floor"),
])
def test_the_checker_finds_an_upward_import(tmp_path, files, expected):
    assert expected in violations(_tree(tmp_path, files))


def test_the_checker_allows_imports_down_and_across(tmp_path):
    package = _tree(tmp_path, {
        "cli/build.py": "import click\nfrom congvan.batch import build\nfrom congvan import __version__\n",
        "letter/context.py": "from congvan.recipients import rules\nfrom congvan.render import texts\n",
        "render/template.py": "import docxtpl\nfrom jinja2 import sandbox\nfrom congvan.pdf import convert\n",
        "config.py": "from congvan import vn\nfrom congvan.lint import check\n",
    })
    assert violations(package) == []
