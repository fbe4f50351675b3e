"""`congvan register` and `congvan issue`: the outgoing-document register (see congvan.register.store)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from congvan.cli.main import cli
from congvan.register.records import CONG_VAN, DEFAULT_SERIES, MAX_PAGE_SIZE, STATUS_FILTERS  # light: no driver

if TYPE_CHECKING:
    from congvan.batch.issue import IssueResult
    from congvan.register.records import Record

workspace_option = click.option(
    "-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="Thư mục làm việc (có congvan.toml; địa chỉ sổ lấy từ đó hoặc từ CONGVAN_REGISTER_URL).")
series_option = click.option("--series", default=DEFAULT_SERIES, show_default=True,
                             help="Sổ đánh số trong cơ quan và năm.")
backdate_option = click.option(
    "--backdate", is_flag=True,
    help="Cho phép --date trước văn bản cấp số gần nhất trong năm (lùi ngày; ghi vào sổ).")


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"ngày phải có dạng YYYY-MM-DD, đang là {value!r}.") from err


@cli.command("issue")
@click.argument("batch", metavar="LÔ")
@workspace_option
@series_option
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Ngày ban hành (mặc định: hôm nay, giờ Việt Nam); không sau hôm nay, không trước văn bản "
                   "cấp số gần nhất trừ khi có --backdate.")
@click.option("--allow-stale", is_flag=True,
              help="Vẫn cấp số dù đầu vào đã đổi sau khi tạo lô (ghi vào ghi chú trong sổ).")
@click.option("--reissue", is_flag=True,
              help="Vẫn cấp số dù đơn vị đã có số cho cùng trích yếu trong năm (ghi vào sổ).")
@backdate_option
def issue_command(batch: str, workspace: Path, series: str, date_text: str | None, allow_stale: bool,
                  reissue: bool, backdate: bool) -> None:
    """Cấp số cho lô văn bản nháp.

    Cấp số cho lô nháp và ghi văn bản đã cấp số vào output/<năm>/.

    LÔ là thư mục lô, mã lô (trong output/drafts/) hoặc "latest" (xem `congvan batches`). Mọi tệp
    nháp .docx và dữ liệu thư phải đúng SHA-256 đã ghi trong manifest (bản nháp bị sửa thì từ chối);
    lô tạo trước khi một đầu vào (số liệu, danh mục, congvan.toml, người nhận, mẫu) thay đổi bị từ
    chối trừ khi có --allow-stale; đơn vị đã có số cho cùng trích yếu trong năm bị từ chối trừ khi có
    --reissue. Số được lấy trong một giao dịch, chỉ ghi khi mọi tệp đã ghi xong; lần chạy lỗi hoặc bị
    ngắt không tốn số nào. Chạy lại trên cùng lô không cấp số hai lần: văn bản đã có số được liệt kê.
    Lô đã trình ký chỉ được cấp số khi đã được duyệt; congvan.toml có [phe_duyet] bat_buoc = true thì
    mọi lô phải được duyệt (`congvan batches trinh`, `duyet`).

    \b
    Ví dụ:
        congvan issue latest
        congvan issue output/drafts/20261122-093012-a1b2c3 --date 2026-11-23
        congvan issue 20261122-093012-a1b2c3 --allow-stale
    """
    from congvan.batch.workflows import IssueRequest, issue

    echo_issue_result(issue(IssueRequest(workspace, batch, parse_date(date_text), series, allow_stale=allow_stale,
                                         reissue=reissue, backdate=backdate)))


def echo_swept(quarantined: list[Path], completed: list[Path]) -> None:
    """Print one line per leftover of a killed run: moved to quarantine, or put in place."""
    for moved in quarantined:
        click.echo(f"Cảnh báo: tệp còn lại của lần chạy bị gián đoạn (không có trong sổ) đã chuyển sang {moved}",
                   err=True)
    for path in completed:
        click.echo(f"Cảnh báo: văn bản đã vào sổ ở lần chạy bị gián đoạn, nay đã đặt đúng tên: {path}", err=True)


def echo_issue_result(result: IssueResult) -> None:
    """Print what an issue did: one line per letter, then a summary."""
    echo_swept(result.moved_aside, result.completed)
    if result.backdated:
        click.echo(f"Cảnh báo: ngày {result.issued_date:%d/%m/%Y} lùi so với văn bản cấp số gần nhất "
                   "(--backdate); sổ đã ghi lại.", err=True)
    for letter in result.letters:
        state = "đã THU HỒI" if letter.voided else "đã cấp trước đó" if letter.already else "cấp số"
        click.echo(f"{letter.number_symbol}\t{state}\t{letter.unit}\t{letter.path}")
    click.echo(f"Lô {result.batch_id}: cấp số mới {len(result.new)} văn bản, "
               f"{len(result.already)} văn bản đã có số.")


@cli.group("register")
def register_group() -> None:
    """Sổ đăng ký văn bản đi.

    Sổ văn bản đi: cấp số, lấy số bằng tay, thu hồi, ghi gửi, xuất sổ, kiểm tra.

    \b
    Ví dụ:
        congvan register list --year 2026
        congvan register reserve --trich-yeu "V/v báo cáo công tác CCHC quý IV"
        congvan register verify
    """


@register_group.command("reserve")
@workspace_option
@series_option
@click.option("--trich-yeu", required=True, help="Trích yếu nội dung văn bản.")
@click.option("--loai", default=CONG_VAN, show_default=True, help="Loại văn bản (Phụ lục III), ví dụ \"Quyết định\".")
@click.option("--nguoi-ky", default=None, help="Họ tên người ký (mặc định: [nguoi_ky] trong congvan.toml).")
@click.option("--noi-nhan", multiple=True, help="Nơi nhận; nhiều nơi thì lặp lại.")
@click.option("--ghi-chu", default="", help="Ghi chú.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Ngày văn bản (mặc định: hôm nay); cùng quy tắc như `congvan issue --date`.")
@backdate_option
def reserve_command(workspace: Path, series: str, trich_yeu: str, loai: str, nguoi_ky: str | None,
                    noi_nhan: tuple[str, ...], ghi_chu: str, date_text: str | None, backdate: bool) -> None:
    """Lấy số bằng tay cho văn bản soạn nơi khác.

    Lấy số tiếp theo cho văn bản soạn ngoài congvan, rồi in số đó ra.

    \b
    Ví dụ:
        congvan register reserve --trich-yeu "V/v báo cáo công tác CCHC quý IV"
        congvan register reserve --loai "Quyết định" --trich-yeu "Về việc kiện toàn Tổ CCHC" --nguoi-ky "Lê Văn An"
        congvan register reserve --trich-yeu "V/v lịch họp" --date 2026-11-20 --backdate
    """
    from congvan.batch.register_flows import ReserveRequest, reserve

    result = reserve(ReserveRequest(workspace, subject=trich_yeu, type_name=loai, signer_name=nguoi_ky,
                                    recipients=noi_nhan, note=ghi_chu, series=series,
                                    issued_on=parse_date(date_text), backdate=backdate))
    echo_swept(result.swept.quarantined, result.swept.completed)
    click.echo(result.record.number_symbol)


@register_group.command("set-next")
@click.argument("number", metavar="SỐ", type=click.IntRange(min=1))
@workspace_option
@series_option
@click.option("--year", type=int, default=None, help="Năm (mặc định: năm nay).")
def set_next_command(number: int, workspace: Path, series: str, year: int | None) -> None:
    """Đặt số tiếp theo của năm trong sổ.

    Đặt SỐ làm số tiếp theo của năm (ví dụ văn thư đã cấp đến 5236: set-next 5237).

    Bị từ chối khi SỐ không lớn hơn mọi số đã có trong sổ của năm đó.

    \b
    Ví dụ:
        congvan register set-next 5237
        congvan register set-next 1 --year 2027
    """
    from congvan.batch.register_flows import set_next

    year, number = set_next(workspace, number, year, series)
    click.echo(f"Số tiếp theo năm {year}: {number:02d}")


@register_group.command("void")
@click.argument("number", metavar="SỐ")
@workspace_option
@series_option
@click.option("--ly-do", required=True, help="Lý do thu hồi.")
@click.option("--year", type=int, default=None, help="Năm của số (mặc định: năm nay).")
def void_command(number: str, workspace: Path, series: str, ly_do: str, year: int | None) -> None:
    """Thu hồi một số văn bản đã cấp.

    Thu hồi một số: số vẫn ở trong sổ, được đánh dấu, kèm lý do và thời điểm.

    \b
    Ví dụ:
        congvan register void 05 --ly-do "Sai tên đơn vị nhận, thay bằng văn bản số 07/SNV-CCHC"
    """
    from congvan.batch.register_flows import NumberRequest, void

    record = void(NumberRequest(workspace, number, year, series), ly_do)
    click.echo(f"Đã thu hồi số {record.number_symbol} lúc {record.voided_at}: {record.void_reason}")


@register_group.command("send")
@click.argument("numbers", nargs=-1, required=True, metavar="SỐ...")
@workspace_option
@series_option
@click.option("--year", type=int, default=None, help="Năm của các số (mặc định: năm nay).")
@click.option("--ngay", "date_text", metavar="YYYY-MM-DD", help="Ngày chuyển (mặc định: hôm nay).")
@click.option("--ky-nhan", default="", help="Người ký nhận, hoặc cách gửi.")
def send_command(numbers: tuple[str, ...], workspace: Path, series: str, year: int | None, date_text: str | None,
                 ky_nhan: str) -> None:
    """Ghi ngày chuyển và ký nhận của văn bản đi.

    Ghi các văn bản đã gửi đi (cột ngày chuyển, ký nhận của sổ).

    \b
    Ví dụ:
        congvan register send 05 06 07 --ngay 2026-11-24 --ky-nhan "Gửi qua Hệ thống quản lý văn bản"
    """
    from congvan.batch.register_flows import send

    for record in send(workspace, numbers, year=year, sent_on=parse_date(date_text), receipt=ky_nhan, series=series):
        click.echo(f"{record.number_symbol}: ngày chuyển {record.sent_date:%d/%m/%Y}"
                   + (f", ký nhận: {record.receipt}" if record.receipt else ""))


@register_group.command("list")
@workspace_option
@click.option("--year", type=int, default=None, help="Chỉ năm này.")
@click.option("--type", "type_name", default="", metavar="LOẠI",
              help="Chỉ loại văn bản này: tên (\"Công văn\", \"Quyết định\") hoặc chữ viết tắt (QĐ, TB...).")
@click.option("--numbers", default=None, metavar="TỪ-ĐẾN",
              help="Chỉ các số trong khoảng này, ví dụ 5-20 (hoặc một số).")
@click.option("--unit", default="", help="Chỉ văn bản gửi đơn vị có tên chứa chữ này.")
@click.option("--subject", default="", metavar="CHỮ", help="Chỉ văn bản có trích yếu chứa chữ này.")
@click.option("--text", default="",
              help="Chỉ dòng có số, loại, trích yếu, đơn vị, người ký, nơi nhận hoặc ghi chú chứa chữ này.")
@click.option("--status", type=click.Choice(list(STATUS_FILTERS)), default=None,
              help="Chỉ văn bản: issued = đã cấp số, còn hiệu lực; voided = đã thu hồi; reserved = lấy số trước; "
                   "sent = đã gửi đi.")
@click.option("--page", type=click.IntRange(min=1), default=None, metavar="N",
              help="Chỉ in trang thứ N (mỗi trang --page-size dòng). Mặc định: in hết.")
@click.option("--page-size", type=click.IntRange(1, MAX_PAGE_SIZE), default=50, show_default=True, metavar="N",
              help="Số dòng một trang (cùng --page).")
def list_command(workspace: Path, year: int | None, type_name: str, numbers: str | None, unit: str, subject: str,
                 text: str, status: str | None, page: int | None, page_size: int) -> None:
    """Liệt kê sổ văn bản đi theo thứ tự số, có lọc.

    In sổ văn bản đi theo thứ tự số. Lọc theo năm, loại, khoảng số, đơn vị, trích yếu, chữ bất kỳ
    và tình trạng; chữ tìm không phân biệt hoa thường và dấu ("hai long" tìm ra "hài lòng").

    \b
    Ví dụ:
        congvan register list --year 2026
        congvan register list --unit "Nha Trang" --text "hài lòng"
        congvan register list --year 2026 --numbers 1-5 --subject "chi so hai long" --status issued
        congvan register list --page 1 --page-size 20
    """
    from congvan.batch.register_flows import records as register_records
    from congvan.batch.register_flows import search
    from congvan.register.export import type_and_subject
    from congvan.register.search import Query

    low, high = _number_range(numbers)
    query = Query(year=year, type_name=type_name, number_from=low, number_to=high, unit=unit, subject=subject,
                  text=text, status=status, page=page or 1, page_size=page_size)
    if page is None:
        records, summary = register_records(workspace, query), None
    else:
        found = search(workspace, query)
        records, summary = found.rows, f" (trang {found.page}/{found.pages}, tổng {found.total} văn bản)"
    for record in records:
        flag = "THU HỒI" if record.voided_at else ("lấy số" if record.status == "reserved" else "")
        click.echo("\t".join((record.number_symbol, record.issued_date.strftime("%d/%m/%Y"), flag,
                              record.unit or "", type_and_subject(record))))
    click.echo(f"{len(records)} văn bản{summary or ''}.", err=True)


def _number_range(text: str | None) -> tuple[int | None, int | None]:
    """Return the numbers of "5-20" (or "7": 7 to 7); refuse anything else."""
    if text is None:
        return None, None
    match = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", text)
    if not match:
        raise click.BadParameter(f"'{text}': viết khoảng số như 5-20, hoặc một số.", param_hint="--numbers")
    low = int(match.group(1))
    return low, int(match.group(2) or low)


@register_group.command("show")
@click.argument("number", metavar="SỐ")
@workspace_option
@series_option
@click.option("--year", type=int, default=None, help="Năm của số (mặc định: năm nay).")
def show_command(number: str, workspace: Path, series: str, year: int | None) -> None:
    """Xem đầy đủ thông tin một số văn bản.

    In mọi thông tin sổ lưu cho một số.

    \b
    Ví dụ:
        congvan register show 05
        congvan register show 05/SNV-CCHC --year 2026
    """
    from congvan.batch.register_flows import NumberRequest, show

    for label, value in _show_lines(show(NumberRequest(workspace, number, year, series))):
        click.echo(f"{label}: {value}")


def _show_lines(r: Record) -> list[tuple[str, object]]:
    from congvan.register.export import remarks, subject_line

    return [
        ("Số, ký hiệu", r.number_symbol), ("Ngày", r.issued_date.strftime("%d/%m/%Y")),
        ("Tên loại", r.type_name), ("Trích yếu", subject_line(r)), ("Cơ quan ban hành", r.organ_name),
        ("Người ký", r.signer_info), ("Nơi nhận", "; ".join(r.recipients)),
        ("Bản lưu", r.archive_copy), ("Số lượng bản", r.issued_amount or ""), ("Số trang", r.page_amount or ""),
        ("Ngày chuyển", r.sent_date.strftime("%d/%m/%Y") if r.sent_date else ""), ("Ký nhận", r.receipt or ""),
        ("Trạng thái", "thu hồi" if r.voided_at else ("lấy số bằng tay" if r.status == "reserved" else "đã cấp số")),
        ("Ghi chú", remarks(r).replace("\n", "; ")), ("Đơn vị", r.unit or ""), ("Lô bản nháp", r.batch_id or ""),
        ("Tệp", r.file_path or ""), ("SHA-256", r.sha256 or ""), ("SHA-256 mẫu", r.template_sha256 or ""),
        ("Phiên bản congvan", r.tool_version), ("Ghi sổ lúc", r.created_at),
    ]


@register_group.command("export")
@workspace_option
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Sổ đăng ký văn bản đi để in (Phụ lục IV).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Các trường Phụ lục VI dạng JSON.")
@click.option("--xml", "xml_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Các trường Phụ lục VI dạng XML.")
@click.option("--year", type=int, default=None, help="Chỉ năm này (mặc định: mọi năm).")
def export_command(workspace: Path, xlsx_path: Path | None, json_path: Path | None, xml_path: Path | None,
                   year: int | None) -> None:
    """Xuất sổ văn bản đi ra .xlsx, .json, .xml.

    Xuất sổ ra .xlsx (để in, đóng sổ), .json và/hoặc .xml.

    \b
    Ví dụ:
        congvan register export --xlsx so_van_ban_di_2026.xlsx --year 2026
        congvan register export --json so_di.json --xml so_di.xml
    """
    from congvan.batch.register_flows import ExportRequest, export

    result = export(ExportRequest(workspace, xlsx=xlsx_path, json=json_path, xml=xml_path, year=year))
    click.echo(f"Đã xuất {result.records} văn bản: {', '.join(map(str, result.written))}")


@register_group.command("verify")
@workspace_option
@click.option("--year", type=int, default=None, help="Chỉ năm này.")
def verify_command(workspace: Path, year: int | None) -> int:
    """Kiểm tra sổ (chuỗi băm, số) và các tệp đã cấp số.

    Kiểm tra chuỗi băm của sổ, các số và mọi tệp đã cấp số (mã thoát 1 nếu có phát hiện).

    Báo dòng bị xóa hoặc bị sửa, số bị bỏ trống mà không phải thu hồi hay lấy số bằng tay, số trùng,
    hai dòng cùng một tệp, số khác tên tệp, tệp thiếu hoặc bị sửa, văn bản không có trong sổ và tệp
    tạm còn lại sau một lần chạy bị ngắt.

    \b
    Ví dụ:
        congvan register verify
        congvan register verify --year 2026
    """
    from congvan.batch.register_flows import verify

    result = verify(workspace, year)
    report = result.report
    for finding in report.findings:
        click.echo(f"{finding.kind}\t{finding.text}")
    for record in report.missing:
        click.echo(f"THIẾU\t{record.number_symbol}\t{result.output_dir / (record.file_path or '')}")
    for record in report.altered:
        click.echo(f"BỊ SỬA\t{record.number_symbol}\t{result.output_dir / (record.file_path or '')}")
    for path in report.unregistered:
        click.echo(f"NGOÀI SỔ\t{path}\t(tệp mang tên văn bản đã cấp số nhưng không có trong sổ)")
    for path in report.leftovers:
        click.echo(f"TỆP TẠM\t{path}\t(còn lại của lần chạy bị gián đoạn; lần cấp số sau sẽ dọn)")
    if report.ok:
        click.echo(f"Đã kiểm tra {report.checked} tệp và chuỗi {report.events} sự kiện: tất cả khớp với sổ.")
    else:
        click.echo(f"Lỗi: {len(report.findings)} lỗi trong sổ, {len(report.missing)} tệp thiếu, "
                   f"{len(report.altered)} tệp bị sửa, {len(report.unregistered)} tệp ngoài sổ, "
                   f"{len(report.leftovers)} tệp tạm ({report.checked} tệp, {report.events} sự kiện đã kiểm tra "
                   f"trong {result.output_dir}).", err=True)
    return result.exit_code


@register_group.command("recreate")
@click.argument("number", metavar="SỐ")
@workspace_option
@series_option
@click.option("--year", type=int, default=None, help="Năm của số (mặc định: năm nay).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Nơi ghi tệp .docx tạo lại (không bao giờ ghi đè).")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Mẫu có SHA-256 đúng như sổ ghi, khi thư mục lô nháp không còn.")
def recreate_command(number: str, workspace: Path, series: str, year: int | None, out: Path,
                     template: Path | None) -> int:
    """Tạo lại văn bản đã cấp số từ dữ liệu lưu trong sổ.

    Tạo lại văn bản đã cấp số từ dữ liệu thư và mã băm mẫu lưu trong sổ.

    In ra kết quả có giống từng byte tệp trong sổ không (cùng SHA-256): bằng chứng văn bản lưu trữ
    đúng là văn bản đã ban hành.

    \b
    Ví dụ:
        congvan register recreate 05 --year 2026 --out ban_tao_lai_05.docx
    """
    from congvan.batch.register_flows import NumberRequest, recreate

    result = recreate(NumberRequest(workspace, number, year, series), out, template)
    verdict = "trùng khớp từng byte với bản đã cấp số" if result.same else "KHÁC bản đã cấp số"
    click.echo(f"{result.record.number_symbol}: đã tạo lại {out} — {verdict}.")
    return result.exit_code


@register_group.command("move")
@workspace_option
@click.option("--to", "target", required=True, metavar="URL",
              help="Sổ mới, còn trống, ví dụ postgresql://vanthu@may-chu-so:5432/congvan (mật khẩu trong ~/.pgpass).")
def move_command(workspace: Path, target: str) -> None:
    """Chuyển sổ văn bản đi sang sổ dùng chung PostgreSQL.

    Chép sổ của thư mục làm việc này, cùng chuỗi băm, sang một sổ trống (PostgreSQL) và kiểm tra chuỗi
    trên sổ mới trước khi ghi hẳn. Từ chối khi sổ đích đã có dữ liệu. Sổ cũ được đánh dấu đã chuyển: lệnh
    nào mở sổ cũ sau đó bị từ chối và được chỉ sang sổ mới.

    \b
    Ví dụ:
        congvan register move --to postgresql://vanthu@may-chu-so:5432/congvan
    """
    from congvan.batch.register_flows import move

    result = move(workspace, target)
    click.echo(f"Đã chuyển {result.documents} văn bản và chuỗi {result.events} sự kiện sang {result.target}; "
               "chuỗi băm trên sổ mới khớp.")
    click.echo(f"Từ nay đặt CONGVAN_REGISTER_URL={result.target} trên mỗi máy, hoặc [register] url trong "
               "congvan.toml (mật khẩu để trong ~/.pgpass; xem docs/office.md).")


@register_group.command("init-postgres")
@click.option("--admin", "admin_url", required=True, metavar="URL",
              help="Địa chỉ quản trị của máy chủ, ví dụ postgresql://postgres@may-chu-so:5432/postgres.")
@click.option("--role", default="vanthu", show_default=True, help="Vai trò đăng nhập của văn thư.")
@click.option("--database", default="congvan", show_default=True, help="Cơ sở dữ liệu của sổ.")
@click.option("--schema", default="congvan", show_default=True, help="Lược đồ (schema) chứa các bảng của sổ.")
@click.option("--password", prompt="Mật khẩu cho vai trò của văn thư", hide_input=True, confirmation_prompt=True,
              envvar="CONGVAN_NEW_ROLE_PASSWORD",
              help="Mật khẩu của vai trò (được hỏi; hoặc CONGVAN_NEW_ROLE_PASSWORD).")
def init_postgres_command(admin_url: str, role: str, database: str, schema: str, password: str) -> None:
    """Tạo sổ văn bản đi dùng chung trên PostgreSQL.

    Tạo vai trò đăng nhập của văn thư, cơ sở dữ liệu và lược đồ của sổ, và các bảng của sổ (docs/office.md).
    Chạy lại thì giữ nguyên những gì đã có (và đặt mật khẩu vừa nhập).

    \b
    Ví dụ:
        congvan register init-postgres --admin postgresql://postgres@may-chu-so:5432/postgres
    """
    from congvan.register.postgres_setup import PostgresSetup, init_postgres

    result = init_postgres(PostgresSetup(admin_url, role=role, password=password, database=database, schema=schema))
    for what in result.created:
        click.echo(f"Đã tạo {what}.")
    for what in result.kept:
        click.echo(f"Đã có sẵn {what}, giữ nguyên.")
    click.echo(f"Sổ sẵn sàng (lược đồ phiên bản {result.schema_version}). Địa chỉ cho máy văn thư: {result.url}")
    click.echo("Ghi mật khẩu vào ~/.pgpass của từng máy (xem docs/office.md), không ghi vào congvan.toml.")
