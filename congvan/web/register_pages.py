"""*Sổ văn bản đi* (văn thư): the register as a filtered, paged table; one number's view; void, reserve,
set-next, mark sent and recreate — each through `congvan.batch.register_flows`, as `congvan register …` does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from congvan import clock
from congvan.batch import approval, register_flows
from congvan.batch.register_flows import NumberRequest, ReserveRequest
from congvan.errors import CongvanError, UsageError
from congvan.register import journal
from congvan.register.records import CONG_VAN, STATUS_FILTERS, TYPE_ABBREVIATIONS, Record
from congvan.register.search import Query
from congvan.vn import nfc
from congvan.web import pages
from congvan.web.auth import CLERK
from congvan.web.state import inside

CLERKS = {"roles": (CLERK,)}
# the URL names of the filters ("dong": rows on a page)
FILTERS = ("nam", "loai", "tu", "den", "don_vi", "trich_yeu", "tim", "tinh_trang", "dong")
TYPE_NAMES = [CONG_VAN, *TYPE_ABBREVIATIONS]
PAGE_SIZE = 50


def _whole(value: str, label: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UsageError(f"{label} '{value}' không phải số nguyên dương; hãy gõ số, ví dụ 2026 hoặc 15.")
    return int(text)


def desk_query(params: dict[str, str]) -> Query:
    """Return the register query of the desk's URL parameters (see FILTERS); a bad number is refused by name."""
    return Query(year=_whole(params.get("nam", ""), "Năm"), type_name=params.get("loai", ""),
                 number_from=_whole(params.get("tu", ""), "Từ số"), number_to=_whole(params.get("den", ""), "Đến số"),
                 unit=params.get("don_vi", ""), subject=params.get("trich_yeu", ""), text=params.get("tim", ""),
                 status=params.get("tinh_trang") or None, page=_whole(params.get("trang", ""), "Trang") or 1,
                 page_size=_whole(params.get("dong", ""), "Số dòng một trang") or PAGE_SIZE, newest_first=True)


@get("/so-van-ban", opt=CLERKS, sync_to_thread=True)
def register_page(request: Request) -> Template:
    params = {key: nfc(request.query_params.get(key, "")).strip() for key in (*FILTERS, "trang", "thong_bao")}
    filters = {key: params[key] for key in FILTERS if params[key]}
    found, error = None, ""
    try:
        found = register_flows.search(pages.root(request), desk_query(params))
    except CongvanError as err:
        error = str(err)
    return pages.page(request, "register.html", 200 if found else 400, found=found, filters=params, error=error,
                      link=lambda **change: "/so-van-ban?" + urlencode({**filters, **change}),
                      statuses=STATUS_FILTERS, type_names=TYPE_NAMES, message=params["thong_bao"],
                      this_year=clock.today().year)


def _record(request: Request, year: int, number: int) -> Record:
    return register_flows.show(NumberRequest(pages.root(request), str(number), year))


def _back(record: Record, message: str) -> Redirect:
    return Redirect(f"/so-van-ban/{record.year}/{record.number}?" + urlencode({"thong_bao": message}))


@get("/so-van-ban/{year:int}/{number:int}", opt=CLERKS, sync_to_thread=True)
def record_page(request: Request, year: FromPath[int], number: FromPath[int]) -> Template:
    """One number: every field, its file against its hash, the chain of its year, the approval, the history."""
    record = _record(request, year, number)
    checked = register_flows.verify(pages.root(request), year)
    file_state = ("không có tệp (số lấy trước)" if not record.file_path
                  else "thiếu tệp" if any(r.id == record.id for r in checked.report.missing)
                  else "tệp đã bị sửa: mã băm khác" if any(r.id == record.id for r in checked.report.altered)
                  else "tệp khớp mã băm")
    folder = pages.workspace(request).drafts_dir / (record.batch_id or "")
    decided = approval.read_approval(folder) if record.batch_id and folder.is_dir() else None
    with pages.register(request) as opened:
        history = [e for e in journal.recent(opened, 1000)
                   if e.number == record.number_symbol or (record.batch_id and e.batch_id == record.batch_id)]
    return pages.page(request, "register_record.html", r=record, fields=context_of(record), file_state=file_state,
                      chain=checked.report,
                      approval=decided, history=history, message=request.query_params.get("thong_bao", ""),
                      today=clock.today().isoformat())


@get("/so-van-ban/{year:int}/{number:int}/thu-hoi", opt=CLERKS, sync_to_thread=False)  # see issue_confirm
def void_form(request: Request, year: FromPath[int], number: FromPath[int]) -> Template:
    return pages.page(request, "register_void.html", r=_record(request, year, number), reason="")


@post("/so-van-ban/{year:int}/{number:int}/thu-hoi", opt=CLERKS)
async def void(request: Request, year: FromPath[int], number: FromPath[int]) -> Template | Redirect:
    """Withdraw a number; the reason is required (the form asks again before this)."""
    reason = nfc((await pages.form_fields(request)).get("ly_do", "")).strip()
    record = _record(request, year, number)
    if not reason:
        return pages.page(request, "register_void.html", 422, r=record, reason="",
                          error="Chưa ghi lý do thu hồi: lý do được lưu trong sổ cùng số này. Hãy ghi lý do.")
    voided = register_flows.void(NumberRequest(pages.root(request), str(number), year), reason)
    pages.note(request, "thu hồi số", reason, batch_id=voided.batch_id, number=voided.number_symbol)
    return _back(voided, f"Đã thu hồi số {voided.number_symbol}.")


def _date(value: str, label: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{label} '{value}' không phải ngày (chọn ngày trong ô lịch).") from None


@post("/so-van-ban/{year:int}/{number:int}/da-gui", opt=CLERKS)
async def mark_sent(request: Request, year: FromPath[int], number: FromPath[int]) -> Redirect:
    form = await pages.form_fields(request)
    sent_on = _date(form.get("ngay_chuyen", ""), "Ngày chuyển")
    receipt = nfc(form.get("ky_nhan", "")).strip()
    [sent] = register_flows.send(pages.root(request), (str(number),), year=year, sent_on=sent_on, receipt=receipt)
    pages.note(request, "ghi đã gửi", f"ngày {sent.sent_date}; ký nhận: {receipt or '—'}", batch_id=sent.batch_id,
               number=sent.number_symbol)
    return _back(sent, f"Đã ghi ngày chuyển của số {sent.number_symbol}.")


@post("/so-van-ban/{year:int}/{number:int}/tao-lai", opt=CLERKS, sync_to_thread=True)
def recreate(request: Request, year: FromPath[int], number: FromPath[int]) -> File:
    """Render an issued letter again from the register; download it (the page says whether it is byte-identical)."""
    record = _record(request, year, number)
    folder = pages.paths(request).state / "tao-lai"
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(record.file_path or f"{record.code_number}.docx").name
    target = folder / f"{clock.now().strftime('%Y%m%d-%H%M%S')}_{name}"
    result = register_flows.recreate(NumberRequest(pages.root(request), str(number), year), target)
    same = "giống hệt bản đã cấp" if result.same else "KHÁC bản đã cấp (mã băm khác)"
    pages.note(request, "tạo lại văn bản", same, batch_id=record.batch_id, number=record.number_symbol)
    return File(target, filename=f"tao_lai_{name}", headers={"x-congvan-giong-ban-cap": str(result.same).lower()})


@post("/so-van-ban/lay-so", opt=CLERKS)
async def reserve(request: Request) -> Redirect:
    """Take the next number by hand for a document made elsewhere."""
    form = await pages.form_fields(request)
    result = register_flows.reserve(ReserveRequest(
        pages.root(request), subject=form.get("trich_yeu", ""), type_name=form.get("loai") or CONG_VAN,
        note=form.get("ghi_chu", ""), recipients=tuple(r for r in form.get("noi_nhan", "").splitlines() if r.strip())))
    pages.note(request, "lấy số trước", result.record.subject, number=result.record.number_symbol)
    return _back(result.record, f"Đã lấy số {result.record.number_symbol}.")


@post("/so-van-ban/so-tiep-theo", opt=CLERKS)
async def set_next(request: Request) -> Redirect:
    """Move the counter: the next document of the year gets this number (the skipped ones are recorded)."""
    form = await pages.form_fields(request)
    number = _whole(form.get("so", ""), "Số tiếp theo")
    if number is None:
        raise UsageError("Chưa ghi số tiếp theo: gõ số mà văn bản kế tiếp sẽ nhận, ví dụ 120.")
    year, following = register_flows.set_next(pages.root(request), number, _whole(form.get("nam", ""), "Năm"))
    pages.note(request, "đặt số tiếp theo", f"năm {year}: số tiếp theo là {following}")
    told = f"Số tiếp theo của năm {year}: {following}."
    return Redirect("/so-van-ban?" + urlencode({"nam": year, "thong_bao": told}))


def context_of(record: Record) -> dict[str, Any]:
    """The fields of the letter view, in the order the page shows them (label, value)."""
    return {"Số và ký hiệu": record.number_symbol, "Ngày": record.issued_date.strftime("%d/%m/%Y"),
            "Loại": record.type_name, "Trích yếu": record.subject, "Đơn vị": record.unit or "",
            "Người ký": record.signer_info, "Nơi nhận": "; ".join(record.recipients),
            "Ghi chú": record.note, "Lô": record.batch_id or "", "Tệp": record.file_path or "",
            "Mã băm SHA-256": record.sha256 or "", "Ngày chuyển": record.sent_date or "",
            "Ký nhận": record.receipt or "", "Thu hồi": (f"{record.voided_at}: {record.void_reason}"
                                                        if record.voided else "")}


def issued_file(request: Request, record: Record) -> Path | None:
    """The issued letter's file in the workspace's output folder (None when it has none or it is gone)."""
    if not record.file_path:
        return None
    path = inside(pages.workspace(request).archive_dir, *Path(record.file_path).parts)
    return path if path is not None and path.is_file() else None


@get("/so-van-ban/{year:int}/{number:int}/tep", opt=CLERKS, sync_to_thread=True)
def download_issued(request: Request, year: FromPath[int], number: FromPath[int]) -> File:
    record = _record(request, year, number)
    path = issued_file(request, record)
    if path is None:
        raise UsageError(f"Số {record.number_symbol} không có tệp văn bản trong thư mục lưu; chạy Kiểm tra sổ.")
    return File(path, filename=path.name)


ROUTES = [register_page, record_page, void_form, void, mark_sent, recreate, reserve, set_next, download_issued]
