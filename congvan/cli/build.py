"""`congvan build` and `congvan init`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli, progress_bars
from congvan.cli.pdf import echo_pdf_result
from congvan.cli.register import echo_issue_result, parse_date

if TYPE_CHECKING:
    from congvan.batch.preview import BuildSummary, CriterionSummary


@cli.command("build")
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Workspace folder (holds congvan.toml).")
@click.option("--data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Results file (.xlsx/.csv); repeat for several. Default: [du_lieu] ket_qua.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="A .docx template of your own. Default: [van_ban] mau.")
@click.option("--unit", "units", multiple=True, help="Build only this unit (exact name); repeat for several.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for draft batches. Default: output/drafts.")
@click.option("--dry-run", is_flag=True, help="Check everything and render in memory; write nothing.")
@click.option("--issue", "issue", is_flag=True,
              help="Then issue the batch at once (cấp số, like `congvan issue`), for letters already signed.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="With --issue: the issue date (default: today); refused without --issue.")
@click.option("--backdate", is_flag=True, help="With --issue --date: allow a date before the last issued letter.")
@click.option("--reissue", is_flag=True,
              help="With --issue: number units that already have a number for the same trích yếu (recorded).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that render letters. Default: one per CPU from 200 letters up, else 1.")
@click.option("--pdf", "make_pdf", is_flag=True,
              help="Also make a PDF of every letter (of the issued files with --issue), with LibreOffice.")
@click.option("--bundle", is_flag=True,
              help="Also make one PDF with every letter for printing (ban_in.pdf in the batch folder).")
@click.option("--kinh-gui", "addressees", metavar="LIST",
              help="Named list (recipients/*.toml) for Kính gửi. Default: [nguoi_nhan] kinh_gui.")
@click.option("--noi-nhan", "distribution", metavar="LIST",
              help="Named list for Nơi nhận. Default: [nguoi_nhan] noi_nhan.")
def build_command(workspace: Path, data: tuple[Path, ...], template: Path | None, units: tuple[str, ...],
                  out: Path | None, dry_run: bool, issue: bool, date_text: str | None, backdate: bool,
                  reissue: bool, workers: int | None, make_pdf: bool, bundle: bool, addressees: str | None,
                  distribution: str | None) -> None:
    """Tạo văn bản nháp, mỗi đơn vị một công văn.

    Write one draft công văn per unit into output/drafts/<batch>/.

    Reads the results workbook(s), judges every criterion against its target, and renders one letter
    per unit with that unit's own weaknesses and strengths. Drafts leave the number and day blank.
    Nothing is written if any input is wrong.

    \b
    Example:
        congvan build
        congvan build --unit "Phường Nha Trang" --unit "Xã Cam Lâm"
        congvan build --data data/ket_qua_2025.xlsx --dry-run
        congvan build --unit "Phường Hòa Thắng" --issue --date 2026-11-25
        congvan build --kinh-gui cac-phuong-xa --noi-nhan thuong-truc
        congvan build --pdf --bundle
    """
    from congvan.batch.workflows import BuildRequest, build_letters

    request = BuildRequest(workspace=workspace, data=data, template=template, units=units, out=out, dry_run=dry_run,
                           workers=workers, addressees=addressees, distribution=distribution, issue=issue,
                           issued_on=parse_date(date_text), backdate=backdate, reissue=reissue, pdf=make_pdf,
                           bundle=bundle)
    with progress_bars() as progress:
        result = build_letters(request, progress)
    for warning in result.report.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    report = result.report
    if report.folder is None:
        echo_dry_run(result.summary)
        return
    click.echo(f"Đã tạo {len(report.letters)} văn bản nháp ({result.summary.short} đơn vị có tiêu chí chưa đạt) "
               f"tại {report.folder}")
    if result.issued is not None:
        echo_issue_result(result.issued)
    if result.pdf is not None:
        echo_pdf_result(result.pdf)
    if result.pdf_error is not None:
        raise result.pdf_error


def echo_dry_run(summary: BuildSummary) -> None:
    """Print what the build would make: per table, the weakest criterion, warnings, where the letters would go."""
    click.echo(f"Kiểm tra xong: {summary.letters} văn bản hợp lệ, {summary.short} đơn vị có tiêu chí chưa đạt "
               "(--dry-run, không ghi tệp nào).")
    for table in summary.tables:
        click.echo(f"- Bảng '{table.name}' ({table.source}): {table.units} đơn vị, {table.short} đơn vị có tiêu chí "
                   f"chưa đạt; yếu nhất: {_criterion(table.weakest)}.")
    if summary.weakest is not None:
        click.echo(f"Tiêu chí yếu nhất: {_criterion(summary.weakest)}, bảng '{summary.weakest.table}'.")
    click.echo(f"Cảnh báo: {len(summary.warnings)} (in ở trên)." if summary.warnings else "Không có cảnh báo.")
    if summary.files:
        names = summary.files[0] if len(summary.files) == 1 else f"{summary.files[0]} … {summary.files[-1]}"
        click.echo(f"Văn bản sẽ ghi vào: {summary.folder}/ ({names}; tên lô theo giờ chạy thật).")


def _criterion(criterion: CriterionSummary) -> str:
    from congvan.vn import format_number

    side = "thấp hơn" if criterion.mean_gap < 0 else "cao hơn"
    return (f"'{criterion.name}' ({criterion.short}/{criterion.units} đơn vị chưa đạt, trung bình {side} chỉ tiêu "
            f"{format_number(abs(criterion.mean_gap))} điểm)")


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Tạo thư mục làm việc mới từ bộ mẫu.

    Create a new workspace in DIRECTORY with the sample data, recipients and template.

    \b
    Example:
        congvan init phong-noi-vu
        cd phong-noi-vu && congvan build
    """
    from congvan.batch.scaffold import init_workspace

    created = init_workspace(directory)
    click.echo(f"Đã tạo thư mục làm việc {directory} ({len(created)} mục). Sửa congvan.toml rồi chạy `congvan build`.")
