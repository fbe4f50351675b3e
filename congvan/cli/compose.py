"""`congvan compose`: a one-off letter from LETTER.toml and a body file."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.cli.register import echo_issue_result


@cli.command("compose")
@click.argument("letter", metavar="TỆP_THƯ", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Thư mục làm việc (có congvan.toml).")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Mẫu .docx riêng. Mặc định: templates_docx/<loại>.docx.")
def compose_command(letter: Path, workspace: Path, template: Path | None) -> None:
    """Soạn một văn bản lẻ từ tệp thư và tệp nội dung.

    Bảy loại: công văn, thông báo, kế hoạch, báo cáo, tờ trình, quyết định, giấy mời. Đọc TỆP_THƯ
    (.toml: loại, trích yếu, Kính gửi, Nơi nhận, người ký, phụ lục) và tệp nội dung (.txt hoặc
    .docx), rồi tạo bản nháp trong output/drafts/<lô>/; khi đã ký, cấp số bằng `congvan issue latest`.
    Cách viết: docs/compose.md.

    \b
    Ví dụ:
        congvan compose soan/cong_van.toml
        congvan issue latest
    """
    from congvan.compose.workflow import ComposeRequest, compose

    result = compose(ComposeRequest(workspace=workspace, letter=letter, template=template))
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    click.echo(f"Đã tạo {len(result.letters)} văn bản nháp tại {result.batch_dir}")
    if result.issued is not None:
        echo_issue_result(result.issued)
    else:
        click.echo("Cấp số khi văn bản đã ký: congvan issue latest")
