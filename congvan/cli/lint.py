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
@click.option("--type", "forced_type", metavar="LOẠI",
              help="Kiểm tra như loại văn bản này (ví dụ \"Thông báo\"), kể cả văn bản quy phạm pháp luật.")
@click.option("--fix", "fix", is_flag=True, help="Sửa thể thức tệp (cần -o TỆP_MỚI hoặc --ghi-de).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Tệp .docx ghi bản đã sửa (với --fix).")
@click.option("--ghi-de", "overwrite", is_flag=True, help="Với --fix: cho phép ghi đè lên tệp gốc.")
def lint(paths: tuple[Path, ...], json_output: bool, forced_type: str | None, fix: bool, output: Path | None,
         overwrite: bool) -> int:
    """Kiểm tra (và sửa) thể thức văn bản .docx theo Nghị định 30.

    Kiểm tra tệp .docx theo thể thức NĐ 30 (các quy tắc: docs/lint.md). TỆP_HOẶC_THƯ_MỤC là tệp
    .docx hoặc thư mục; thư mục được kiểm tra cả thư mục con (chỉ .docx, bỏ tệp ẩn), có tổng cho mỗi
    thư mục. Tệp mẫu (có thẻ docxtpl, như template.docx của lô nháp) được báo "mẫu, bỏ qua".
    Dòng đầu của mỗi tệp là loại văn bản nhận ra (Công văn, Thông báo, Quyết định, …); văn bản quy
    phạm pháp luật (luật, nghị định, thông tư, quyết định có năm trong số) được báo "ngoài phạm vi
    NĐ30" và không tính lỗi, trừ khi --type buộc một loại.

    --fix sửa những gì sửa được an toàn (khổ giấy, lề, phông, cỡ chữ, đậm/nghiêng, căn lề, số trang,
    «./.» cuối nội dung), giữ nguyên chữ, ghi vào tệp -o, rồi in những gì đã sửa và những lỗi còn lại.

    Mã thoát 0 khi không tệp nào có lỗi (cảnh báo thì được), 1 khi có lỗi, 2 khi có tệp không đọc
    được như .docx (hoặc thư mục không có tệp nào).

    \b
    Ví dụ:
        congvan lint output/drafts
        congvan lint output/2026/05-SNV-CCHC_phuong-nha-trang.docx
        congvan lint --json output/2026 > ket_qua_kiem_tra.json
        congvan lint --type "Công văn" output/2026/05-SNV-CCHC_phuong-nha-trang.docx
        congvan lint --fix output/2026/05-SNV-CCHC_phuong-nha-trang.docx -o ban_da_sua.docx
    """
    if fix:
        return _fix(paths, output, overwrite, forced_type)
    from congvan.lint.report import lint_files

    report = lint_files(paths, forced_type)
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
        click.echo(f"{checked.path}: loại văn bản: {checked.doctype}")
        if checked.declined:
            click.echo(f"{checked.path}: {checked.declined} — không kiểm tra; dùng --type để buộc kiểm tra.")
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


def _fix(paths: tuple[Path, ...], output: Path | None, overwrite: bool, forced_type: str | None) -> int:
    from congvan.errors import LayoutFileError
    from congvan.lint.fix import fix_docx

    if len(paths) != 1 or paths[0].is_dir():
        raise click.UsageError("--fix sửa từng tệp: cho đúng một tệp .docx.")
    source = paths[0]
    if output is None:
        if not overwrite:
            raise click.UsageError("--fix cần -o TỆP_MỚI.docx (hoặc --ghi-de để ghi đè lên tệp gốc).")
        output = source
    try:
        result = fix_docx(source, output, overwrite=overwrite, forced_type=forced_type)
    except LayoutFileError as err:
        click.echo(f"Lỗi: {err}", err=True)
        return LayoutFileError.exit_code
    for change in result.changes or ["không có gì cần sửa"]:
        click.echo(f"Đã sửa: {change}")
    for finding in result.remaining:
        click.echo("Chưa sửa được: " + _line(str(result.output), finding))
    click.echo(f"{result.output}: đã ghi; còn {len(result.remaining)} lỗi phải sửa bằng tay.")
    return 1 if result.remaining else 0
