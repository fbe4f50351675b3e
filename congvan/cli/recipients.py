"""`congvan recipients list/show/check`: the named recipient lists of recipients/ (see congvan.recipients.rules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli
from congvan.recipients import KINH_GUI, NOI_NHAN

if TYPE_CHECKING:
    from congvan.recipients.editing import RecipientEditor

WORKSPACE = click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
                         show_default=True, help="Thư mục làm việc (có congvan.toml).")


@cli.group("recipients")
def recipients_group() -> None:
    """Danh sách người nhận (Kính gửi, Nơi nhận).

    Các danh sách Kính gửi, Nơi nhận trong recipients/*.toml và recipients/bo_sung.csv: xem, kiểm tra,
    sửa (them, xoa, doi-cho, ghi-chu; chỉ lưu khi mọi thư vẫn đúng, chú thích trong tệp được giữ).

    \b
    Ví dụ:
        congvan recipients list
        congvan recipients show chi-dao --unit "Phường Nha Trang"
        congvan recipients check
        congvan recipients them chi-dao "Sở Tài chính (p/h)"
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


# -- editing a list (congvan.recipients.editing; saved only if `recipients check` finds no error) --


def _edit(workspace: Path, name: str, change: Callable[[RecipientEditor], object]) -> None:
    """Apply `change` to the workspace's lists, save as `recipients check` allows, print the list numbered."""
    from congvan.batch.recipients_edit import save_edit
    from congvan.recipients.editing import RecipientEditor

    editor = RecipientEditor(workspace)
    change(editor)
    result = save_edit(editor)
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    file, entries = editor.lists().get(name, ("", []))
    click.echo(f"Đã lưu danh sách '{name}' (recipients/{file}):" if file else f"Đã xóa danh sách '{name}'.")
    for position, entry in enumerate(entries, start=1):
        click.echo(f"{position:>3}. {entry}")


POSITION = click.argument("position", metavar="VỊ_TRÍ", type=click.IntRange(min=1))


@recipients_group.command("them")
@click.argument("name", metavar="TÊN_DS")
@click.argument("text", metavar="NGƯỜI_NHẬN")
@click.option("--vi-tri", "position", type=click.IntRange(min=1), metavar="N",
              help="Chèn vào vị trí thứ N (1 là đầu danh sách). Mặc định: cuối danh sách.")
@WORKSPACE
def add_command(name: str, text: str, position: int | None, workspace: Path) -> None:
    """Thêm một người nhận vào danh sách.

    Thêm NGƯỜI_NHẬN (tên cơ quan, có thể kèm ghi chú như "(p/h)", hoặc "@tên" của danh sách khác)
    vào danh sách TÊN_DS; chưa có danh sách này thì tạo mới trong recipients/danh_sach.toml. Chỉ lưu
    khi mọi thư vẫn đúng như `congvan recipients check` kiểm tra; chú thích trong tệp được giữ.

    \b
    Ví dụ:
        congvan recipients them chi-dao "Sở Tài chính (p/h)" --vi-tri 2
    """
    _edit(workspace, name, lambda editor: editor.add(name, text, position))


@recipients_group.command("xoa")
@click.argument("name", metavar="TÊN_DS")
@POSITION
@WORKSPACE
def remove_command(name: str, position: int, workspace: Path) -> None:
    """Xóa một người nhận khỏi danh sách.

    Xóa mục ở VỊ_TRÍ (1 là mục đầu, xem `congvan recipients show`) của danh sách TÊN_DS.

    \b
    Ví dụ:
        congvan recipients xoa chi-dao 3
    """
    _edit(workspace, name, lambda editor: editor.remove(name, position))


@recipients_group.command("doi-cho")
@click.argument("name", metavar="TÊN_DS")
@POSITION
@click.argument("to", metavar="VỊ_TRÍ_MỚI", type=click.IntRange(min=1))
@WORKSPACE
def move_command(name: str, position: int, to: int, workspace: Path) -> None:
    """Chuyển một người nhận đến vị trí khác trong danh sách.

    Chuyển mục ở VỊ_TRÍ của danh sách TÊN_DS đến VỊ_TRÍ_MỚI (thứ tự in trong Nơi nhận khi
    [nguoi_nhan] sap_xep = "danh_sach").

    \b
    Ví dụ:
        congvan recipients doi-cho chi-dao 3 1
    """
    _edit(workspace, name, lambda editor: editor.move(name, position, to))


@recipients_group.command("ghi-chu")
@click.argument("name", metavar="TÊN_DS")
@POSITION
@click.argument("notes", metavar="[GHI_CHÚ]...", nargs=-1)
@WORKSPACE
def notes_command(name: str, position: int, notes: tuple[str, ...], workspace: Path) -> None:
    """Đặt ghi chú (b/c), (p/h), (VBĐT)... cho một người nhận.

    Thay các ghi chú sau tên người nhận ở VỊ_TRÍ của TÊN_DS bằng GHI_CHÚ (b/c, p/h, t/h, VBĐT,
    để biết...); không có GHI_CHÚ thì bỏ hết ghi chú của mục đó.

    \b
    Ví dụ:
        congvan recipients ghi-chu thuong-truc 1 b/c VBĐT
    """
    _edit(workspace, name, lambda editor: editor.set_notes(name, position, notes))
