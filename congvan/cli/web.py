"""`congvan web`: the pages in a browser (needs the `web` extra: pip install 'congvan[web]')."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.errors import EnvironmentMissing


@cli.command("web")
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Thư mục làm việc (có congvan.toml).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; 0.0.0.0 để máy khác trong mạng nội bộ mở được.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Cổng.")
@click.option("--check", is_flag=True, help="Chỉ kiểm tra là chạy được (đọc cấu hình, mở sổ) rồi thoát.")
def web_command(workspace: Path, host: str, port: int, check: bool) -> None:
    """Mở trang làm việc trên trình duyệt cho cả phòng.

    Phục vụ thư mục làm việc hiện tại tại http://127.0.0.1:8000 (đổi bằng --host, --port) đến khi
    bấm Ctrl+C. Lần đầu (chưa có tài khoản nào) in ra một liên kết dùng một lần để tạo tài khoản
    quản trị. Việc nặng (tạo văn bản, PDF) chạy trong một tiến trình con. Xem docs/web.md.

    \b
    Ví dụ:
        congvan web --check
    """
    try:
        from congvan.web.server import serve
    except ImportError as err:
        raise EnvironmentMissing(f"thiếu gói cho trang web ({err.name}); cài: pip install 'congvan[web]'.") from err
    serve(workspace, host, port, click.echo, check=check)
