"""The `congvan` click group: the one place where errors and command statuses become exit codes.

Command modules import the library inside their command bodies, so `congvan --help` loads click and
nothing heavy (no pandas, openpyxl, docxtpl, SQLAlchemy, lxml, pypdf).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from congvan import __version__
from congvan.cli import translation
from congvan.errors import CongvanError

translation.install()  # before the decorators below: version_option translates its help when it is applied


class VietnameseCommand(click.Command):
    """A click command whose usage line reads "[TÙY_CHỌN]" instead of "[OPTIONS]"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)


class VietnameseGroup(click.Group):
    """A click group of `VietnameseCommand`s (and groups like itself): "LỆNH [THAM_SỐ]..." in its usage."""

    command_class = VietnameseCommand
    group_class = type  # subgroups are of the class of their parent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM_SỐ]...")
        super().__init__(*args, **kwargs)


class CongvanGroup(VietnameseGroup):
    """A click group that prints a `CongvanError` as one clear line and exits with the error's `exit_code`.

    A command that reports findings (lint, recipients check, register verify/recreate) returns its exit
    status as an int; it is mapped here too.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            status = super().invoke(ctx)
        except CongvanError as err:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.echo(f"Lỗi: {err}", err=True)
            ctx.exit(err.exit_code)
        if isinstance(status, int) and status:
            ctx.exit(status)
        return status


@click.group(cls=CongvanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="congvan")
@click.option("-v", "--verbose", is_flag=True, help="Khi có lỗi: in đầy đủ vết lỗi (traceback) của Python.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Soạn công văn hàng loạt đúng thể thức Nghị định 30/2020/NĐ-CP.

    Chạy các lệnh trong một thư mục làm việc: thư mục có congvan.toml, data/, recipients/,
    templates_docx/ và output/ (`congvan init THƯ_MỤC` tạo sẵn một thư mục như vậy).

    \b
    Mã thoát: 0 xong, 1 đầu vào bị từ chối, 2 không đọc được tệp hoặc gõ sai lệnh,
    3 thiếu LibreOffice hoặc không kết nối được cơ sở dữ liệu sổ văn bản.

    \b
    Ví dụ:
        congvan init phong-noi-vu && cd phong-noi-vu
        congvan build
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


STAGE_LABELS = {"letters": "Đang tạo văn bản", "pdf": "Đang tạo PDF"}


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """Yield a workflow `progress(stage, done, total)` callback that shows one bar per stage on a terminal."""
    current: dict[str, Any] = {}  # stage -> its open bar (one at a time)
    hidden = not sys.stderr.isatty()

    def close() -> None:
        for bar in current.values():
            bar.__exit__(None, None, None)
        current.clear()

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in current:
            close()
            bar = click.progressbar(length=total, label=STAGE_LABELS.get(stage, stage), file=sys.stderr,
                                    hidden=hidden)
            current[stage] = bar.__enter__()
        current[stage].update(done)

    try:
        yield progress
    finally:
        close()
