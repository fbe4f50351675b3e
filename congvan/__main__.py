"""`python -m congvan` runs the command-line interface."""

from congvan.cli import cli

cli()
