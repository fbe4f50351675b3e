"""*Trình ký*: a chuyên viên submits a draft batch (or a one-off letter, a draft batch too); a lãnh đạo sees its
letters, assessment grid and inputs, and approves it (duyệt) or returns it (trả lại, a comment required).

Every decision goes through `congvan.batch.approval.decide` (kept in the batch folder, hash-chained, refused
when someone else decided first) and, once it is recorded, into the journal.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from congvan.batch import approval, batches, drafts
from congvan.errors import CongvanError, EditConflict, RegisterError
from congvan.web import grid, pages
from congvan.web.auth import LEADER, OFFICER, SessionUser
from congvan.web.batch_pages import batch_folder, criterion_names, read_state

LEADERS = {"roles": (LEADER,)}
DECISIONS = {"duyet": approval.APPROVE, "tra_lai": approval.RETURN}


def person(who: SessionUser) -> str:
    """How a decision names its maker: full name and account, so two people of one name stay apart."""
    return f"{who.full_name} ({who.username})" if who.full_name else who.username


def _decide(request: Request, batch: str, action: str, note: str) -> CongvanError | None:
    """Record one decision and journal it; return why it was refused, or None when it was recorded."""
    folder = batch_folder(request, batch)
    try:
        state = approval.decide(folder, action, person(pages.user(request)), note)
    except CongvanError as err:
        return err
    pages.note(request, approval.ACTION_LABELS[action], f"{state.label}; {note}".rstrip("; "), batch_id=batch)
    return None


def _status(err: CongvanError) -> int:
    """409 when the batch's state (or someone else's decision) refuses it, 400 for a bad form."""
    return 409 if isinstance(err, (EditConflict, RegisterError)) else 400


@post("/lo/{batch:str}/trinh-ky", opt={"roles": (OFFICER,)})
async def submit(request: Request, batch: FromPath[str]) -> Redirect | Template:
    form = await pages.form_fields(request)
    refused = _decide(request, batch, approval.SUBMIT, form.get("ghi_chu", ""))
    if refused:
        return pages.page(request, "message.html", _status(refused), title="Không trình ký được", text=str(refused),
                          back=f"/lo/{batch}")
    return Redirect(f"/lo/{batch}?message=" + quote("Đã trình ký. Lãnh đạo thấy lô này ở trang Trình ký."))


@get("/trinh-ky", opt=LEADERS, sync_to_thread=True)
def queue_page(request: Request) -> Template:
    """The batches submitted: waiting ones first, then the decided ones (newest first)."""
    listed = []
    for status in reversed(batches.workspace_batches(pages.root(request))):
        state, broken = read_state(status.summary.folder)
        if broken or (state is not None and state.history):
            listed.append((status, state, broken))
    listed.sort(key=lambda found: found[1] is None or found[1].state != approval.SUBMIT)
    return pages.page(request, "approvals.html", listed=listed, waiting=approval.SUBMIT)


def _assessment(request: Request, summary: drafts.BatchSummary) -> tuple[list[grid.Grid], str]:
    """The grid of the batch's results file, its units only; or why it cannot be shown."""
    ws = pages.workspace(request)
    results = [i for i in summary.inputs if i.role == "results"]
    if not results:
        return [], "Lô này không lập từ tệp kết quả (văn bản soạn riêng)."
    path = ws.root / results[0].path
    if not path.is_file():
        return [], f"Không còn tệp kết quả {results[0].path} của lô."
    report = grid.read_report(ws, path, results[0].path)
    if report.refusals:
        return [], f"Không đọc được {results[0].path}: {report.refusals[0].message}"
    units = set(summary.units)
    return [grid.Grid(g.code, g.name, g.criteria, [r for r in g.rows if r.unit in units]) for g in report.grids], ""


def _review(request: Request, batch: str, status_code: int = 200, **extra: str) -> Template:
    folder = batch_folder(request, batch)
    found = next((b for b in batches.workspace_batches(pages.root(request)) if b.summary.folder == folder), None)
    summary = drafts.read_summary(folder)
    assert summary is not None  # batch_folder found its manifest
    state, broken = read_state(folder)
    grids, no_grid = _assessment(request, summary)
    files = [name for name in (drafts.SUMMARY, drafts.REPORT) if (folder / name).is_file()]
    return pages.page(request, "approval.html", status_code, batch=batch, status=found, summary=summary,
                      letters=drafts.letter_rows(folder), names=criterion_names(request), state=state,
                      broken=broken, grids=grids, no_grid=no_grid, files=files, verdicts=grid.VERDICTS,
                      waiting=approval.SUBMIT, **extra)


@get("/trinh-ky/{batch:str}", opt=LEADERS, sync_to_thread=True)
def review_page(request: Request, batch: FromPath[str], message: FromQuery[str] = "") -> Template:
    return _review(request, batch, message=message)


@post("/trinh-ky/{batch:str}/quyet-dinh", opt=LEADERS)
async def decide(request: Request, batch: FromPath[str]) -> Template | Redirect:
    form = await pages.form_fields(request)
    action = DECISIONS.get(form.get("quyet_dinh", ""))
    if action is None:
        return _review(request, batch, 400, refused="Chọn Duyệt hoặc Trả lại.")
    refused = _decide(request, batch, action, form.get("y_kien", ""))
    if refused:
        return _review(request, batch, _status(refused), refused=str(refused), comment=form.get("y_kien", ""))
    done = "Đã duyệt lô; văn thư có thể cấp số." if action == approval.APPROVE else "Đã trả lại lô cho người soạn."
    return Redirect("/trinh-ky/" + batch + "?message=" + quote(done))


ROUTES = [submit, queue_page, review_page, decide]
