"""`congvan web`: the pages in a browser, and `congvan web worker`, a consumer of its background jobs (needs the
`web` extra: pip install 'congvan[web]')."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.errors import EnvironmentMissing

WORKSPACE = click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
                         show_default=True, help="Thư mục làm việc (có congvan.toml).")


def _missing(err: ImportError) -> EnvironmentMissing:
    return EnvironmentMissing(f"thiếu gói cho trang web ({err.name}); cài: pip install 'congvan[web]'.")


@cli.group("web", invoke_without_command=True, subcommand_metavar="[LỆNH [THAM_SỐ]...]")
@WORKSPACE
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; 0.0.0.0 để máy khác trong mạng nội bộ mở được.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Cổng.")
@click.option("--no-worker", is_flag=True,
              help="Không chạy việc nền trên máy này: các tiến trình `congvan web worker` làm việc đó.")
@click.option("--check", is_flag=True, help="Chỉ kiểm tra là chạy được (đọc cấu hình, mở sổ) rồi thoát.")
@click.pass_context
def web_command(ctx: click.Context, workspace: Path, host: str, port: int, no_worker: bool, check: bool) -> None:
    """Mở trang làm việc trên trình duyệt cho cả phòng.

    Phục vụ thư mục làm việc hiện tại tại http://127.0.0.1:8000 (đổi bằng --host, --port) đến khi
    bấm Ctrl+C. Lần đầu (chưa có tài khoản nào) in ra một liên kết dùng một lần để tạo tài khoản
    quản trị. Việc nặng (tạo văn bản, PDF) chạy trong một tiến trình con; với --no-worker thì do
    các tiến trình `congvan web worker` làm (cả cơ quan: docs/office.md mục 9). Xem docs/web.md.

    \b
    Ví dụ:
        congvan web --check
        congvan web --no-worker --check
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        from congvan.web.server import serve
    except ImportError as err:
        raise _missing(err) from err
    serve(workspace, host, port, click.echo, check=check, worker=not no_worker)


@web_command.command("worker")
@WORKSPACE
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Số việc nền chạy cùng lúc trong tiến trình này.")
@click.option("--check", is_flag=True, help="Chỉ kiểm tra là mở được hàng đợi rồi thoát.")
def worker_command(workspace: Path, workers: int, check: bool) -> None:
    """Nhận và chạy việc nền của trang web (tạo lô, bản in PDF).

    Chạy trên máy chủ hoặc trên máy khác gắn cùng thư mục làm việc; nhiều tiến trình cùng nhận
    việc từ một hàng đợi PostgreSQL (biến môi trường CONGVAN_WEB_QUEUE_URL, mật khẩu trong
    ~/.pgpass). Dừng bằng Ctrl+C: việc đang chạy được làm xong. Xem docs/office.md mục 9.

    \b
    Ví dụ:
        congvan web worker --check
        congvan web worker --workers 2 --check
    """
    try:
        from congvan.web.consumer import run_consumer
    except ImportError as err:
        raise _missing(err) from err
    run_consumer(workspace, workers, click.echo, check=check)
