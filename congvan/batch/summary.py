"""`congvan summary`: write a draft batch's summary workbook (tong_hop.xlsx) and report (tong_hop.docx) again,
from the batch's own inputs.

The build already writes it; this serves a batch whose workbook was deleted or made by an older version. The
figures must be the letters' figures, so a batch whose inputs changed since the build is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from congvan import clock
from congvan.batch import drafts
from congvan.batch.batches import changed_inputs, resolve
from congvan.batch.build import read_assessments
from congvan.config import load_workspace
from congvan.errors import DataError, RegisterError
from congvan.files import atomic_write
from congvan.sources.catalog import workspace_catalog
from congvan.summary.report import summary_report
from congvan.summary.tables import summarize
from congvan.summary.workbook import summary_workbook


@dataclass(frozen=True)
class SummaryResult:
    """Where the workbook and the report go, for how many units and tables; `written` is False with --dry-run."""

    path: Path
    report: Path
    units: int
    tables: int
    warnings: list[str]
    written: bool


def write_summary(root: Path, batch: str, dry_run: bool = False) -> SummaryResult:
    """Make the summary workbook and report of `batch` (a folder, an id or "latest") and write them into the batch
    folder; the report is framed by the batch's own copy of the template."""
    workspace = load_workspace(root)
    folder = resolve(workspace, batch)
    described = drafts.read_summary(folder)
    if described is None:
        raise RegisterError(f"{folder}: không phải thư mục lô bản nháp đọc được (thiếu hoặc hỏng "
                            f"{drafts.MANIFEST}); xem `congvan batches`.")
    changed = changed_inputs(described.inputs, workspace)
    results = [Path(i.path) if Path(i.path).is_absolute() else workspace.root / i.path
               for i in described.inputs if i.role == "results"]
    if changed or not results:
        what = ", ".join(changed) if changed else f"{drafts.MANIFEST} không ghi các tệp kết quả"
        raise DataError(f"lô {described.batch_id}: đầu vào đã thay đổi sau khi tạo lô ({what}), bảng tổng hợp "
                        "sẽ không khớp với các thư. Tạo lại lô bằng `congvan build` (lô mới có sẵn tong_hop.xlsx).")
    warnings: list[str] = []
    _tables, assessments = read_assessments(workspace, workspace_catalog(workspace), results, described.units,
                                            warnings)
    summarized = summarize(assessments)
    data = summary_workbook(summarized, workspace.assessment.very_low_margin, f"Lô {described.batch_id}.")
    report = summary_report(workspace, drafts.template_path(folder), summarized, clock.today())
    path, report_path = drafts.summary_path(folder), drafts.report_path(folder)
    if not dry_run:
        atomic_write(path, data)
        atomic_write(report_path, report)
    return SummaryResult(path, report_path, len(assessments), len({t.spec.code for a in assessments for t in a.tables}),
                         warnings, not dry_run)
