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
              show_default=True, help="Thư mục làm việc (có congvan.toml).")
@click.option("--data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp kết quả (.xlsx/.csv); nhiều tệp thì lặp lại. Mặc định: [du_lieu] ket_qua.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Mẫu .docx riêng. Mặc định: [van_ban] mau.")
@click.option("--unit", "units", multiple=True, metavar="TÊN",
              help="Chỉ tạo thư cho đơn vị này (đúng tên); nhiều đơn vị thì lặp lại.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục chứa các lô nháp. Mặc định: output/drafts.")
@click.option("--dry-run", is_flag=True, help="Kiểm tra mọi thứ, tạo thử trong bộ nhớ; không ghi tệp nào.")
@click.option("--issue", "issue", is_flag=True,
              help="Cấp số luôn cho lô vừa tạo (như `congvan issue`), khi văn bản đã được ký.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Cùng --issue: ngày ban hành (mặc định: hôm nay); không có --issue thì bị từ chối.")
@click.option("--backdate", is_flag=True, help="Cùng --issue --date: cho phép ngày trước văn bản cấp số gần nhất.")
@click.option("--reissue", is_flag=True,
              help="Cùng --issue: cấp số cả đơn vị đã có số cho cùng trích yếu (ghi vào sổ).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Số tiến trình tạo thư. Mặc định: từ 200 thư trở lên mỗi CPU một tiến trình, ít hơn thì 1.")
@click.option("--pdf", "make_pdf", is_flag=True,
              help="Tạo thêm PDF cho mỗi văn bản (của văn bản đã cấp số nếu có --issue), bằng LibreOffice.")
@click.option("--bundle", is_flag=True,
              help="Tạo thêm một PDF gộp mọi văn bản để in (ban_in.pdf trong thư mục lô).")
@click.option("--kinh-gui", "addressees", metavar="DANH_SÁCH",
              help="Danh sách (recipients/*.toml) cho Kính gửi. Mặc định: [nguoi_nhan] kinh_gui.")
@click.option("--noi-nhan", "distribution", metavar="DANH_SÁCH",
              help="Danh sách cho Nơi nhận. Mặc định: [nguoi_nhan] noi_nhan.")
def build_command(workspace: Path, data: tuple[Path, ...], template: Path | None, units: tuple[str, ...],
                  out: Path | None, dry_run: bool, issue: bool, date_text: str | None, backdate: bool,
                  reissue: bool, workers: int | None, make_pdf: bool, bundle: bool, addressees: str | None,
                  distribution: str | None) -> None:
    """Tạo văn bản nháp, mỗi đơn vị một công văn.

    Ghi mỗi đơn vị một công văn nháp vào output/drafts/<lô>/.

    Đọc (các) tệp kết quả, so từng tiêu chí với chỉ tiêu, rồi soạn cho mỗi đơn vị một thư nêu đúng
    hạn chế và điểm mạnh của đơn vị đó. Bản nháp để trống số và ngày. Đầu vào nào sai thì không ghi
    tệp nào.

    \b
    Ví dụ:
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
@click.argument("directory", metavar="THƯ_MỤC", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Tạo thư mục làm việc mới từ bộ mẫu.

    Tạo thư mục làm việc THƯ_MỤC với số liệu, danh sách người nhận và mẫu của bộ mẫu (có dòng
    mau = true trong congvan.toml: xóa dòng đó khi đã sửa cho cơ quan của bạn).

    \b
    Ví dụ:
        congvan init phong-noi-vu
        cd phong-noi-vu && congvan build
    """
    from congvan.batch.scaffold import init_workspace

    created = init_workspace(directory)
    click.echo(f"Đã tạo thư mục làm việc {directory} ({len(created)} mục). Sửa congvan.toml rồi chạy `congvan build`.")
