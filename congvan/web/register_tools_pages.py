"""The văn thư's register tools: cấp số with a confirmation page (the numbers about to be taken, then the
numbers taken), export downloads (.xlsx, .json, .xml) and the verify report as a page."""

from __future__ import annotations

from pathlib import Path

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from congvan import clock
from congvan.batch import approval, register_flows
from congvan.batch.register_flows import ExportRequest
from congvan.errors import CongvanError, UsageError
from congvan.web import jobs, pages
from congvan.web.batch_pages import batch_folder
from congvan.web.register_pages import CLERKS

EXPORTS = {"xlsx": "xlsx", "json": "json", "xml": "xml"}  # the download's form -> ExportRequest field


def _year(text: str) -> int | None:
    """The year of a form or URL field ("" for every year); refused, by name, when it is not a number."""
    if text.strip() and not text.strip().isdigit():
        raise UsageError(f"Năm '{text}' không phải số; gõ năm, ví dụ 2026.")
    return int(text) if text.strip() else None


def _confirm(request: Request, batch: str, status_code: int = 200, error: str = "") -> Template:
    folder = batch_folder(request, batch)
    planned = register_flows.planned_numbers(pages.root(request), folder)
    return pages.page(request, "register_issue.html", status_code, batch=batch, planned=planned, result=None,
                      approval=approval.read_approval(folder), error=error, today=clock.today())


# sync_to_thread=True beside a POST on the same path made Litestar 2 answer 500 (an unawaited coroutine)
@get("/so-van-ban/cap-so/{batch:str}", opt=CLERKS, sync_to_thread=False)
def issue_confirm(request: Request, batch: FromPath[str]) -> Template:
    """Before cấp số: the numbers issuing the batch now would take (nothing is reserved by looking)."""
    return _confirm(request, batch)


@post("/so-van-ban/cap-so/{batch:str}", opt=CLERKS, sync_to_thread=True)
def issue(request: Request, batch: FromPath[str]) -> Template:
    """Cấp số: issue the batch, then show the numbers it really took."""
    from congvan.batch.workflows import IssueRequest
    from congvan.batch.workflows import issue as issue_batch

    folder = batch_folder(request, batch)
    try:
        result = issue_batch(IssueRequest(workspace=pages.root(request), batch=folder))
    except CongvanError as err:
        return _confirm(request, batch, 409, str(err))
    numbers = [letter.number_symbol for letter in result.new]
    pages.note(request, "cấp số", f"{len(numbers)} văn bản", batch_id=batch,
               number=f"{numbers[0]} … {numbers[-1]}" if numbers else None)
    return pages.page(request, "register_issue.html", batch=batch, planned=[], result=result,
                      approval=approval.read_approval(folder), error="", today=result.issued_date)


@get("/so-van-ban/xuat/{form:str}", opt=CLERKS, sync_to_thread=True)
def export(request: Request, form: FromPath[str]) -> File:
    """Download the register (all years, or `?nam=`) as .xlsx, .json or .xml, made as `congvan register export`."""
    if form not in EXPORTS:
        raise UsageError(f"không có dạng xuất '{form}'; dùng xlsx, json hoặc xml.")
    year = _year(request.query_params.get("nam", ""))
    folder = pages.paths(request).state / "xuat"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"so_van_ban_di_{year or 'tat_ca'}.{form}"
    target = folder / f"{clock.now().strftime('%Y%m%d-%H%M%S-%f')}_{name}"
    result = register_flows.export(ExportRequest(pages.root(request), year=year, **{EXPORTS[form]: target}))
    pages.note(request, "xuất sổ văn bản", f"{name}: {result.records} dòng")
    return File(target, filename=name)


@get("/so-van-ban/kiem-tra", opt=CLERKS, sync_to_thread=True)
def verify(request: Request) -> Template:
    """`congvan register verify` as a page: the chain, the numbers, the files."""
    year = _year(request.query_params.get("nam", ""))
    checked = register_flows.verify(pages.root(request), year)
    pages.note(request, "kiểm tra sổ", "khớp" if checked.report.ok else "có sai lệch")
    shown = [str(p.relative_to(checked.output_dir)) if p.is_relative_to(checked.output_dir) else str(p)
             for p in (*checked.report.unregistered, *checked.report.leftovers)]
    return pages.page(request, "register_verify.html", report=checked.report, year=year, files=shown,
                      output_dir=Path(checked.output_dir).name)


@post("/so-van-ban/ban-in", opt=CLERKS)
async def start_bundle(request: Request) -> Redirect:
    """Queue the print bundle of a year's issued letters; its job page shows the progress and the download."""
    year = _year((await pages.form_fields(request)).get("nam", "")) or clock.today().year
    who, root = pages.user(request), pages.root(request)
    job_id = jobs.new_job(root, "register_bundle", who.username, year=year)
    request.app.state.queue.register_bundle(str(root), job_id, year, who.username)
    return Redirect(f"/cong-viec/{job_id}")


@get("/so-van-ban/ban-in/{year:int}", opt=CLERKS, sync_to_thread=True)
def download_bundle(request: Request, year: FromPath[int]) -> File:
    path = jobs.register_bundle_path(pages.root(request), year)
    if not path.is_file():
        raise NotFoundException(f"Chưa có bản in PDF năm {year}: bấm «Bản in PDF năm {year}» ở Sổ văn bản đi.")
    return File(path, filename=f"ban_in_so_van_ban_di_{year}.pdf")


ROUTES = [issue_confirm, issue, export, verify, start_bundle, download_bundle]
