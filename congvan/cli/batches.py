"""`congvan batches` and `congvan batches prune`: the draft batches of a workspace (see congvan.batch.batches)."""

from __future__ import annotations

from pathlib import Path

import click

from congvan.cli.main import cli
from congvan.cli.register import workspace_option


@cli.group("batches", invoke_without_command=True)
@workspace_option
@click.pass_context
def batches_group(ctx: click.Context, workspace: Path) -> None:
    """Danh sách các lô văn bản nháp và tình trạng của từng lô.

    Liệt kê các lô nháp trong output/drafts/: mã lô, thời gian, số đơn vị, đầu vào, tình trạng.

    Tình trạng: nháp, đã cấp số một phần, đã cấp số, đã có lô mới hơn (một lần tạo mới hơn từ cùng
    tệp đầu vào đã gồm các đơn vị của lô, và lô này chưa cấp số); lô đã trình ký có thêm: chờ duyệt,
    đã duyệt hoặc bị trả lại (người, lúc nào). "đầu vào đã đổi" đánh dấu lô tạo
    trước khi một đầu vào thay đổi: tạo lại trước khi cấp số. Ở mọi chỗ gọi tên lô (`congvan issue`,
    `congvan pdf`), "latest" là lô mới nhất.

    \b
    Ví dụ:
        congvan batches
        congvan issue latest
        congvan batches prune
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj["workspace"] = workspace
        return
    from congvan.batch.batches import workspace_batches

    listed = workspace_batches(workspace)
    if not listed:
        click.echo("Chưa có lô bản nháp nào (chạy `congvan build`).")
        return
    for batch in listed:
        summary = batch.summary
        # a results batch shows its results files; a composed one (`congvan compose`) its front-matter file
        shown = ([i.path for i in summary.inputs if i.role == "results"]
                 or [i.path for i in summary.inputs if i.role == "letter"][:1])
        results = ", ".join(shown) or "(không ghi đầu vào)"
        state = batch.label + (f" ({batch.issued}/{len(summary.units)} văn bản)" if batch.issued else "")
        stale = f"\tđầu vào đã đổi: {', '.join(batch.stale)}" if batch.stale else ""
        approval = f"\t{batch.approval}" if batch.approval else ""
        click.echo(f"{summary.batch_id}\t{summary.created}\t{len(summary.units)} đơn vị\t{results}\t{state}"
                   f"{approval}{stale}")
    click.echo(f"Lô mới nhất (latest): {listed[-1].summary.folder}")


_WORKSPACE_HELP = ("Thư mục làm việc (có congvan.toml). Mặc định: thư mục đưa cho `batches`, nếu không thì thư mục "
                   "hiện tại.")


@batches_group.command("prune")
@click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_WORKSPACE_HELP)
@click.pass_context
def prune_command(ctx: click.Context, workspace: Path | None) -> None:
    """Xóa các lô nháp cũ đã có lô mới hơn và chưa cấp số.

    Xóa các lô nháp đã có lô mới hơn và chưa cấp số (lô đã cấp số luôn được giữ).

    \b
    Ví dụ:
        congvan batches prune
    """
    from congvan.batch.batches import prune_workspace

    removed = prune_workspace(workspace or ctx.obj["workspace"])
    for batch in removed:
        click.echo(f"Đã xóa {batch.summary.folder}")
    click.echo(f"Đã xóa {len(removed)} lô bản nháp cũ chưa cấp số.")


def _decision_command(name: str, action: str, note_help: str, doc: str) -> None:
    """Register `congvan batches <name>`: one approval decision (trình ký, duyệt, trả lại) on a batch."""

    @batches_group.command(name, help=doc)
    @click.argument("batch", metavar="LÔ")
    @click.option("--nguoi", "person", required=True, metavar="HỌ_TÊN", help="Họ tên người trình ký hoặc phê duyệt.")
    @click.option("--ghi-chu", "note", default="", metavar="LỜI", help=note_help)
    @click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help=_WORKSPACE_HELP)
    @click.pass_context
    def command(ctx: click.Context, batch: str, person: str, note: str, workspace: Path | None) -> None:
        from congvan.batch.batches import decide_in_workspace

        result = decide_in_workspace(workspace or ctx.obj["workspace"], batch, action, person, note)
        click.echo(f"Lô {result.batch_id}: {result.label}.")


_decision_command("trinh", "trinh", "Lời trình (không bắt buộc).", """Trình ký lô văn bản nháp để lãnh đạo duyệt.

    Ghi vào lô (tệp phe_duyet.json) người trình, lúc trình và lời trình. Lô bị trả lại có thể trình lại.

    \b
    Ví dụ:
        congvan batches trinh latest --nguoi "Nguyễn Văn An" --ghi-chu "Kính trình anh duyệt"
    """)
_decision_command("duyet", "duyet", "Ý kiến khi duyệt (không bắt buộc).", """Duyệt lô văn bản đã trình ký.

    Chỉ lô đang chờ duyệt mới duyệt được, và người trình không tự duyệt lô của mình. Lô đã duyệt
    thì cấp số được (`congvan issue`).

    \b
    Ví dụ:
        congvan batches trinh latest --nguoi "Nguyễn Văn An"
        congvan batches duyet latest --nguoi "Trần Thị Bình"
    """)
_decision_command("tra-lai", "tra_lai", "Lý do trả lại (bắt buộc): cần sửa gì.",
                  """Trả lại lô văn bản đã trình ký, kèm lý do.

    Lô bị trả lại không cấp số được; người soạn sửa, tạo lại lô rồi trình lại.

    \b
    Ví dụ:
        congvan batches trinh latest --nguoi "Nguyễn Văn An"
        congvan batches tra-lai latest --nguoi "Trần Thị Bình" --ghi-chu "Sửa lại số liệu bảng 2"
    """)
