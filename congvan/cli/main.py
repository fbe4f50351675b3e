"""The `congvan` click group and the one place where errors become exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from congvan import __version__
from congvan.errors import CongvanError


class CongvanGroup(click.Group):
    """A click group that prints `CongvanError` as one clear line and exits with code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CongvanError as err:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.echo(f"Lỗi: {err}", err=True)
            sys.exit(1)


@click.group(cls=CongvanGroup)
@click.version_option(__version__, prog_name="congvan")
@click.option("-v", "--verbose", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Batch Vietnamese official dispatches (công văn) to the Nghị định 30/2020/NĐ-CP standard.

    Run the commands inside a workspace: a folder with congvan.toml, data/, recipients/,
    templates_docx/ and output/ (`congvan init DIR` makes one).

    \b
    Example:
        congvan init phong-noi-vu && cd phong-noi-vu
        congvan build
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
