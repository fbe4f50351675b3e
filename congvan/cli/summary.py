"""`congvan summary`: the summary workbook of a draft batch (see congvan.batch.summary)."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.cli.register import workspace_option


@cli.command("summary")
@click.argument("batch", metavar="LÔ", default="latest")
@workspace_option
@click.option("--dry-run", is_flag=True, help="Lập bảng trong bộ nhớ để kiểm tra; không ghi tệp nào.")
def summary_command(batch: str, workspace: Path, dry_run: bool) -> None:
    """Lập lại bảng và báo cáo tổng hợp của lô nháp.

    LÔ là thư mục lô, mã lô (trong output/drafts/) hoặc "latest" (mặc định: lô mới nhất). `congvan build`
    đã ghi sẵn tong_hop.xlsx (bảng tính) và tong_hop.docx (báo cáo để lãnh đạo ký hoặc gửi kèm) trong thư
    mục lô; lệnh này ghi lại hai tệp đó từ đúng các tệp đầu vào của lô
    (đầu vào đã sửa sau khi tạo lô thì bị từ chối: hãy tạo lại lô). Xem docs/summary.md.

    \b
    Ví dụ:
        congvan summary
        congvan summary latest --dry-run
    """
    from congvan.batch.summary import write_summary

    result = write_summary(workspace, batch, dry_run)
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    done = "Đã ghi" if result.written else "Kiểm tra xong (--dry-run, không ghi tệp nào):"
    click.echo(f"{done} báo cáo tổng hợp {result.path} và {result.report} ({result.units} đơn vị, "
               f"{result.tables} bảng).")
