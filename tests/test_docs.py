"""Every command has help that ends with an example, and the README names it."""

from __future__ import annotations

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
