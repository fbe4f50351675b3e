"""*Kết quả*: upload a results workbook, the reader's report, the assessment grid."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from congvan.config import Workspace
from congvan.sources.detect import SPREADSHEET_SUFFIXES
from congvan.vn import nfc
from congvan.web import grid, pages
from congvan.web.auth import OFFICER

OFFICERS = {"roles": (OFFICER,)}


def results_files(ws: Workspace, uploads: Path) -> dict[str, Path]:
    """The results files a clerk may pick, by their path in the workspace: congvan.toml's, then the uploaded ones
    (newest first)."""
    found = {str(p.resolve().relative_to(ws.root)) if p.resolve().is_relative_to(ws.root) else str(p): p
             for p in ws.results}
    if uploads.is_dir():
        for path in sorted(uploads.iterdir(), reverse=True):
            if path.is_file() and path.suffix.lower() in (*SPREADSHEET_SUFFIXES, ".csv"):
                found[str(path.relative_to(ws.root))] = path
    return found


def upload_name(filename: str) -> str | None:
    """Return the name an uploaded results file is kept under (its base name, NFC), or None if not a results file."""
    name = nfc(Path(filename.replace("\\", "/")).name).strip()
    if not name or name.startswith(".") or Path(name).suffix.lower() not in (*SPREADSHEET_SUFFIXES, ".csv"):
        return None
    return name


@get("/ket-qua", opt=OFFICERS, sync_to_thread=True)
def results_page(request: Request, tep: FromQuery[str] = "", xep: FromQuery[str] = "hang",
                 yeu: FromQuery[bool] = False) -> Template:
    ws = pages.workspace(request)
    files = results_files(ws, pages.paths(request).uploads)
    chosen = tep or next(iter(files), "")
    if chosen not in files:
        return pages.page(request, "results.html", 404, files=files, chosen="", report=None,
                          error=f"Không có tệp kết quả '{tep}' trong thư mục làm việc.")
    report = grid.read_report(ws, files[chosen], chosen)
    shown = {g.code: grid.arrange(g, xep, yeu) for g in report.grids}
    name = "grid.html" if request.headers.get("hx-request") else "results.html"
    return pages.page(request, name, files=files, chosen=chosen, report=report, shown=shown, sort=xep, weak=yeu,
                      verdicts=grid.VERDICTS)


@post("/ket-qua/tai-len", opt=OFFICERS)
async def upload_results(request: Request) -> Template | Redirect:
    form = await request.form()
    upload = form.get("tep")
    ws = pages.workspace(request)
    files = results_files(ws, pages.paths(request).uploads)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return pages.page(request, "results.html", 400, files=files, chosen="", report=None,
                          error="Chưa chọn tệp kết quả (.xlsx hoặc .csv).")
    name = upload_name(upload.filename)
    if name is None:
        return pages.page(request, "results.html", 400, files=files, chosen="", report=None,
                          error=f"{upload.filename}: không phải tệp kết quả; chọn tệp .xlsx hoặc .csv.")
    data = await upload.read()
    with tempfile.TemporaryDirectory(dir=pages.paths(request).state) as scratch:
        staged = Path(scratch) / name
        staged.write_bytes(data)
        report = grid.read_report(ws, staged, name)
        if report.refusals:  # nothing is kept: the clerk fixes the workbook and uploads it again
            pages.note(request, "tải lên tệp kết quả bị từ chối", f"{name}: {report.refusals[0].message}")
            return pages.page(request, "results.html", 422, files=files, chosen="", report=report, shown={},
                              sort="hang", weak=False, verdicts=grid.VERDICTS, uploaded=name)
        uploads = pages.paths(request).uploads
        uploads.mkdir(parents=True, exist_ok=True)
        kept = uploads / f"{time.strftime('%Y%m%d-%H%M%S')}_{name}"
        shutil.copyfile(staged, kept.with_name("." + kept.name))
        kept.with_name("." + kept.name).rename(kept)
    relative = str(kept.relative_to(ws.root))
    pages.note(request, "tải lên tệp kết quả", relative)
    return Redirect(f"/ket-qua?tep={quote(relative)}")


ROUTES = [results_page, upload_results]
