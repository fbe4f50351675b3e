"""*Lô văn bản*: the draft batches with their status, one batch's letters, page images, downloads, cấp số."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import quote

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from congvan.batch import approval, batches, drafts
from congvan.errors import CongvanError, RegisterError
from congvan.pdf.images import page_images
from congvan.sources.catalog import workspace_catalog
from congvan.web import jobs, pages
from congvan.web.auth import CLERK, OFFICER
from congvan.web.jobs import BUNDLE_NAME
from congvan.web.state import inside

MAKERS = {"roles": (OFFICER, CLERK)}


@get("/lo", sync_to_thread=True)
def batches_page(request: Request) -> Template:
    return pages.page(request, "batches.html", batches=list(reversed(batches.workspace_batches(pages.root(request)))))


def batch_folder(request: Request, batch: str) -> Path:
    """Return the folder of draft batch `batch`; 404 for anything else (a path, `..`, a hidden folder)."""
    folder = inside(pages.workspace(request).drafts_dir, batch)
    if folder is None or not (folder / drafts.MANIFEST).is_file():
        raise NotFoundException(f"Không có lô văn bản '{batch}'.")
    return folder


def _letter(request: Request, batch: str, name: str) -> Path:
    folder = batch_folder(request, batch)
    known = {row.file for row in drafts.letter_rows(folder)} | {BUNDLE_NAME, drafts.SUMMARY, drafts.REPORT}
    path = inside(folder, name)
    if name not in known or path is None or not path.is_file():
        raise NotFoundException(f"Lô '{batch}' không có tệp '{name}'.")
    return path


def criterion_names(request: Request) -> dict[str, str]:
    """The criteria's names by code (empty when the catalog broke since the build: the codes are shown)."""
    try:
        return {c.code: c.name for t in workspace_catalog(pages.workspace(request)).tables for c in t.criteria}
    except CongvanError:
        return {}


def read_state(folder: Path) -> tuple[approval.Approval | None, str]:
    """The batch's approval history, or None and why it cannot be read (an edited phe_duyet.json)."""
    try:
        return approval.read_approval(folder), ""
    except RegisterError as err:
        return None, str(err)


@get("/lo/{batch:str}", sync_to_thread=True)
def batch_page(request: Request, batch: FromPath[str], message: FromQuery[str] = "") -> Template:
    folder = batch_folder(request, batch)
    status = next((b for b in batches.workspace_batches(pages.root(request)) if b.summary.folder == folder), None)
    names = criterion_names(request)
    state, broken = read_state(folder)
    issuable = state is not None and (state.state == approval.APPROVE or (
        state.state == approval.NONE and not pages.workspace(request).approval_required))
    return pages.page(request, "batch.html", batch=batch, status=status, letters=drafts.letter_rows(folder),
                      names=names, bundle=(folder / BUNDLE_NAME).is_file(),
                      summary=(folder / drafts.SUMMARY).is_file(), report=(folder / drafts.REPORT).is_file(),
                      message=message, state=state, broken=broken,
                      issuable=issuable, may_submit=state is not None and state.state in approval.ALLOWED_FROM[
                          approval.SUBMIT])


@get("/lo/{batch:str}/tep/{name:str}", sync_to_thread=True)
def download(request: Request, batch: FromPath[str], name: FromPath[str]) -> File:
    path = _letter(request, batch, name)
    return File(path, filename=name)


@get("/lo/{batch:str}/zip", sync_to_thread=True)
def download_zip(request: Request, batch: FromPath[str]) -> File:
    folder = batch_folder(request, batch)
    target = pages.paths(request).state / "zip" / f"{batch}.zip"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:
            for row in drafts.letter_rows(folder):
                archive.write(folder / row.file, row.file)
        partial.rename(target)
    return File(target, filename=f"{batch}.zip")


@get("/lo/{batch:str}/anh/{name:str}", sync_to_thread=True)
def letter_images(request: Request, batch: FromPath[str], name: FromPath[str]) -> Template:
    """The page images of one letter (an htmx fragment)."""
    path = _letter(request, batch, name)
    try:
        images = page_images(path, pages.paths(request).images / batch)
    except CongvanError as err:
        return pages.page(request, "images.html", images=[], error=str(err))
    return pages.page(request, "images.html", images=[f"/lo/{batch}/anh-trang/{p.name}" for p in images], error="")


@get("/lo/{batch:str}/anh-trang/{image:str}", sync_to_thread=True)
def page_image(request: Request, batch: FromPath[str], image: FromPath[str]) -> File:
    batch_folder(request, batch)
    path = inside(pages.paths(request).images, batch, image)
    if path is None or path.suffix != ".png" or not path.is_file():
        raise NotFoundException(f"Không có ảnh trang '{image}'.")
    return File(path, content_disposition_type="inline")


@post("/lo/{batch:str}/ban-in", opt=MAKERS)
async def make_bundle(request: Request, batch: FromPath[str]) -> Redirect:
    batch_folder(request, batch)
    who, root = pages.user(request), pages.root(request)
    job_id = jobs.new_job(root, "bundle", who.username, batch=batch)
    request.app.state.queue.bundle(str(root), job_id, batch, who.username)
    return Redirect(f"/cong-viec/{job_id}")


@post("/lo/{batch:str}/cap-so", opt={"roles": (CLERK,)}, sync_to_thread=True)
def issue_batch(request: Request, batch: FromPath[str]) -> Template | Redirect:
    from congvan.batch.workflows import IssueRequest, issue

    folder = batch_folder(request, batch)
    try:
        result = issue(IssueRequest(workspace=pages.root(request), batch=folder))
    except CongvanError as err:
        return pages.page(request, "message.html", 409, title="Không cấp số được", text=str(err),
                          back=f"/lo/{batch}")
    numbers = [letter.number_symbol for letter in result.letters]
    pages.note(request, "cấp số", f"{len(numbers)} văn bản", batch_id=batch,
               number=f"{numbers[0]} … {numbers[-1]}" if numbers else None)
    return Redirect(f"/lo/{batch}?message=" + quote(f"Đã cấp số {len(numbers)} văn bản."))


ROUTES = [batches_page, batch_page, download, download_zip, letter_images, page_image, make_bundle, issue_batch]
