"""Every command has help that ends with an example, and the README names it."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from congvan.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "congvan")
def test_help_ends_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0
    description = result.output.split("\nOptions:")[0].rstrip()
    example = description.rsplit("Example:", 1)
    assert len(example) == 2, f"`congvan {' '.join(path)} --help` has no Example block"
    assert "congvan" in example[1] and example[1].strip().splitlines()[0].strip().startswith("congvan")


@pytest.mark.parametrize("path", [p for p in _commands(cli) if p], ids=lambda p: " ".join(p))
def test_readme_mentions_every_command(path):
    assert f"congvan {path[0]}" in README


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in README.splitlines() if line.startswith("python3 -m venv") and "pytest" in line)
    assert "mypy congvan" in command and "ruff check" in command
    assert command in ci.splitlines(), ".ci/run must run the README's test command, character for character"


DOCS = [Path(__file__).resolve().parent.parent / "README.md",
        *sorted((Path(__file__).resolve().parent.parent / "docs").glob("*.md"))]
# a workspace file as the docs write it: congvan.toml, data/…, recipients/…, templates_docx/… (not congvan/recipients/…)
WORKSPACE_PATH = re.compile(r"(?<![\w/.])(congvan\.toml|(?:data|recipients|templates_docx)/[\w.*-]*\w)")


def test_init_makes_every_workspace_file_the_docs_mention(tmp_path):
    mentioned = {m for doc in DOCS for m in WORKSPACE_PATH.findall(doc.read_text(encoding="utf-8"))}
    assert {"congvan.toml", "data/README.md", "data/tieu_chi.toml", "recipients/bo_sung.csv"} <= mentioned
    target = tmp_path / "moi"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    missing = sorted(path for path in mentioned if not list(target.glob(path)))
    assert not missing, f"the docs mention {missing}, which `congvan init` does not create"
    assert (target / "output").is_dir()
