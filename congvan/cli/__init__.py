"""Command-line interface: a thin click layer over the library.

Each command lives in its own module and registers itself on the `cli` group from `congvan.cli.main`.
"""

# each module adds its commands to `cli`
from congvan.cli import batches, build, compose, lint, pdf, recipients, register, summary, web  # noqa: F401
from congvan.cli.main import cli

__all__ = ["cli"]
