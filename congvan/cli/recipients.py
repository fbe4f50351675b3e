"""`congvan recipients list/show/check`: the named recipient lists of recipients/ (see congvan.recipients.rules)."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.recipients import KINH_GUI, NOI_NHAN

WORKSPACE = click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
                         show_default=True, help="Thư mục làm việc (có congvan.toml).")


@cli.group("recipients")
def recipients_group() -> None:
    """Danh sách người nhận (Kính gửi, Nơi nhận).

    Các danh sách Kính gửi, Nơi nhận trong recipients/*.toml và recipients/bo_sung.csv.

    \b
    Ví dụ:
        congvan recipients list
        congvan recipients show chi-dao --unit "Phường Nha Trang"
        congvan recipients check
    """


@recipients_group.command("list")
@WORKSPACE
def list_command(workspace: Path) -> None:
    """Liệt kê các danh sách người nhận.

    In mọi danh sách: tên, số người nhận, các danh sách gộp vào, nơi khai báo.

    \b
    Ví dụ:
        congvan recipients list
    """
    from congvan.batch.recipients_report import list_lists, load

    loaded = load(workspace)
    for info in list_lists(loaded.rules):
        includes = f"  gồm @{', @'.join(info.includes)}" if info.includes else ""
        role = f"  [{info.role}]" if info.role else ""
        click.echo(f"{info.name:<20} {info.size:>3} mục{role}{includes}  ({info.where})")


@recipients_group.command("show")
@click.argument("name", required=False, metavar="[TÊN_DS]")
@WORKSPACE
@click.option("--unit", metavar="TÊN",
              help="Điền danh sách cho đơn vị này (đúng tên). Không có TÊN_DS: người nhận cả thư của đơn vị.")
@click.option("--as", "role", type=click.Choice([KINH_GUI, NOI_NHAN]),
              help="In danh sách như Kính gửi hay như Nơi nhận. Mặc định: Kính gửi nếu là danh sách Kính gửi mặc định.")
def show_command(name: str | None, workspace: Path, unit: str | None, role: str | None) -> None:
    """Xem danh sách người nhận đúng như in trong văn bản.

    In một danh sách đúng như trong văn bản (dấu câu, "- Như trên;", "- Lưu: ...").

    Chỗ điền như {{ don_vi }} được điền cho --unit, hoặc cho đơn vị đầu tiên của bảng kết quả.
    Không có TÊN_DS thì --unit in Kính gửi và Nơi nhận của thư gửi đơn vị đó, kể cả phần bổ sung.

    \b
    Ví dụ:
        congvan recipients show chi-dao --unit "Phường Nha Trang"
        congvan recipients show thuong-truc --as kinh-gui
        congvan recipients show --unit "Đặc khu Trường Sa"
    """
    if name is None and unit is None:
        raise click.UsageError("cần tên danh sách, hoặc --unit để xem người nhận của một thư.")
    from congvan.batch.recipients_report import load, show_letter, show_list

    loaded = load(workspace)
    lines = show_list(loaded, name, role, unit) if name else show_letter(loaded, unit or "")
    for line in lines:
        click.echo(line)
    for warning in loaded.rules.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)


@recipients_group.command("check")
@WORKSPACE
def check_command(workspace: Path) -> int:
    """Kiểm tra danh sách người nhận của mọi văn bản.

    Kiểm tra mọi danh sách và thư của mọi đơn vị: cú pháp, gộp danh sách, vòng lặp, chỗ điền, mỗi
    thư có người nhận.

    Mã thoát 1 nếu có lỗi; cảnh báo (mục trùng đã bỏ, danh sách không dùng) không tính là lỗi.

    \b
    Ví dụ:
        congvan recipients check
    """
    from congvan.batch.recipients_report import check

    report = check(workspace)
    for warning in report.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    for error in report.errors:
        click.echo(f"Lỗi: {error}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} lỗi trong danh sách người nhận.", err=True)
    else:
        click.echo(f"Danh sách người nhận hợp lệ: {report.lists} danh sách, {report.units} đơn vị đều có người nhận.")
    return report.exit_code
