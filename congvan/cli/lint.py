"""`congvan lint`: NĐ 30 layout checker (see congvan.lint.check)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli

if TYPE_CHECKING:
    from congvan.lint.model import Finding


def _line(path: str, finding: Finding) -> str:
    where = f" [{finding.location}]" if finding.location else ""
    return (f"{path}: [{finding.rule_id}] {finding.severity} {finding.component}: {finding.found} ; "
            f"cần: {finding.expected}{where}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="TỆP_HOẶC_THƯ_MỤC...",
                type=click.Path(path_type=Path))
@click.option("--json", "json_output", is_flag=True, help="In kết quả kiểm tra dạng JSON.")
def lint(paths: tuple[Path, ...], json_output: bool) -> int:
    """Kiểm tra thể thức văn bản .docx theo Nghị định 30.

    Kiểm tra tệp .docx theo thể thức NĐ 30 (các quy tắc: docs/lint.md). TỆP_HOẶC_THƯ_MỤC là tệp
    .docx hoặc thư mục; thư mục được kiểm tra cả thư mục con (chỉ .docx, bỏ tệp ẩn), có tổng cho mỗi
    thư mục. Tệp mẫu (có thẻ docxtpl, như template.docx của lô nháp) được báo "mẫu, bỏ qua".

    Mã thoát 0 khi không tệp nào có lỗi (cảnh báo thì được), 1 khi có lỗi, 2 khi có tệp không đọc
    được như .docx (hoặc thư mục không có tệp nào).

    \b
    Ví dụ:
        congvan lint output/drafts
        congvan lint output/2026/05-SNV-CCHC_phuong-nha-trang.docx
        congvan lint --json output/2026 > ket_qua_kiem_tra.json
    """
    from congvan.lint.report import lint_files

    report = lint_files(paths)
    if json_output:
        click.echo(json.dumps([f.as_dict() for f in report.files], ensure_ascii=False, indent=2))
        return report.exit_code
    for checked in report.files:
        if checked.error is not None:
            click.echo(f"Lỗi: {checked.error}", err=True)
            continue
        if checked.skipped is not None:
            click.echo(f"{checked.path}: {checked.skipped}")
            continue
        for finding in checked.findings:
            click.echo(_line(str(checked.path), finding))
        verdict, errors = ("không đạt" if checked.errors else "đạt"), checked.errors
        click.echo(f"{checked.path}: {verdict} ({errors} lỗi, {len(checked.findings) - errors} cảnh báo)")
    for total in report.folders:
        click.echo(f"{total.folder}: {total.passed + total.failed + total.unreadable} tệp đã kiểm tra — "
                   f"{total.passed} đạt, {total.failed} không đạt, {total.unreadable} không đọc được; "
                   f"{total.skipped} bỏ qua.")
    return report.exit_code
