"""*Soạn văn bản* (chuyên viên): a one-off letter of the seven NĐ 30 types in a form, its live page preview, and
"Tạo bản nháp": the form kept as soan/<trích yếu>/thu.toml + body files, then `congvan compose` makes the draft
batch, which follows the batch letters' way (approval, cấp số, PDF)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from congvan.compose.form import Attachment, LetterForm, keep_letter, write_letter
from congvan.compose.workflow import ComposeRequest, compose, preview
from congvan.config.letter_schema import DOCUMENT_TYPES
from congvan.errors import CongvanError
from congvan.files import atomic_write
from congvan.pdf.images import page_images
from congvan.recipients.rules import load_workspace_rules
from congvan.sources.catalog import workspace_catalog
from congvan.vn import nfc
from congvan.web import pages
from congvan.web.auth import OFFICER
from congvan.web.state import inside

OFFICERS = {"roles": (OFFICER,)}
ATTACHMENTS = 2  # phụ lục slots of the form
SIGNER = ("quyen_han", "chuc_vu", "ho_ten")
# which field an error belongs next to, by the file it names
FIELD_OF_FILE = {"noi_dung.": "noi_dung", "phu_luc_1.": "phu_luc_1", "phu_luc_2.": "phu_luc_2"}
LABELS = {"noi_dung": "Nội dung", "phu_luc_1": "Phụ lục 1", "phu_luc_2": "Phụ lục 2"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in nfc(text).splitlines() if line.strip()]


async def read_form(request: Request) -> tuple[dict[str, str], LetterForm]:
    """The submitted fields (kept to show the form again) and the letter they describe."""
    data = await request.form()
    fields = {key: nfc(str(value)) for key, value in data.items() if not isinstance(value, UploadFile)}
    upload = data.get("tep_noi_dung")
    body_docx = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
    chosen = fields.get("kinh_gui_danh_sach", "")
    form = LetterForm(
        type_name=fields.get("loai", DOCUMENT_TYPES[0]), subject=fields.get("trich_yeu", ""),
        body=fields.get("noi_dung", ""), body_docx=body_docx or None,
        addressees=([chosen] if chosen else []) + _lines(fields.get("kinh_gui", "")),
        distribution=_lines(fields.get("noi_nhan", "")),
        signer=(fields.get("quyen_han", ""), fields.get("chuc_vu", ""), fields.get("ho_ten", "")),
        attachments=[Attachment(fields.get(f"phu_luc_{n}_tieu_de", ""), fields.get(f"phu_luc_{n}", ""))
                     for n in range(1, ATTACHMENTS + 1) if fields.get(f"phu_luc_{n}_tieu_de", "").strip()],
        each_unit=fields.get("gui_tung_don_vi", ""))
    return fields, form


def placed(error: str) -> tuple[str, str]:
    """Return (field, message) for an error: a body or phụ lục mistake goes next to its field, the rest on top."""
    for marker, field in FIELD_OF_FILE.items():
        if marker in error:
            return field, re.sub(r"^.*?" + re.escape(marker) + r"\w+,\s*", "", error)
    return "", error


def _list_names(request: Request) -> list[str]:
    ws = pages.workspace(request)
    try:
        rules = load_workspace_rules(ws, [t.code for t in workspace_catalog(ws).tables], None)
    except CongvanError:
        return []
    return sorted(rules.lists)


def _page(request: Request, status_code: int = 200, fields: dict[str, str] | None = None, error: str = "") -> Template:
    field, text = placed(error) if error else ("", "")
    return pages.page(request, "compose.html", status_code, fields=fields or {}, types=DOCUMENT_TYPES,
                      lists=_list_names(request), field_error={field: text} if field else {},
                      error=text if not field else "Văn bản chưa tạo được: xem lỗi ghi bên cạnh ô nhập.",
                      attachments=range(1, ATTACHMENTS + 1), signer=SIGNER)


@get("/soan-van-ban", opt=OFFICERS, sync_to_thread=True)
def compose_page(request: Request) -> Template:
    return _page(request, fields={"loai": DOCUMENT_TYPES[0]})


def _scratch(request: Request) -> Path:
    return pages.paths(request).state / "soan" / pages.user(request).username


@post("/soan-van-ban/xem-truoc", opt=OFFICERS)
async def live_preview(request: Request) -> Template:
    """The first pages of the letter as typed (an htmx fragment); nothing is kept but the scratch copy."""
    _fields, form = await read_form(request)
    folder = _scratch(request)
    try:
        letter = write_letter(folder / "thu", form)
        data = preview(ComposeRequest(pages.root(request), letter))
        docx = folder / "xem_truoc.docx"
        atomic_write(docx, data)
        images = page_images(docx, folder / "anh")
    except CongvanError as err:
        field, text = placed(str(err))
        return pages.page(request, "images.html", images=[], error=(f"Ô «{LABELS[field]}»: " if field else "") + text)
    return pages.page(request, "images.html", error="",
                      images=[f"/soan-van-ban/anh/{p.name}?v={p.stat().st_mtime_ns}" for p in images])


@get("/soan-van-ban/anh/{image:str}", opt=OFFICERS, sync_to_thread=True)
def preview_image(request: Request, image: FromPath[str]) -> File:
    path = inside(_scratch(request) / "anh", image)
    if path is None or path.suffix != ".png" or not path.is_file():
        raise NotFoundException(f"Không có ảnh trang '{image}'.")
    return File(path, content_disposition_type="inline", media_type="image/png")


@post("/soan-van-ban/tao", opt=OFFICERS)
async def make_draft(request: Request) -> Template | Redirect:
    """Check the letter in the scratch folder; when it is right keep it in soan/ and make its draft batch."""
    fields, form = await read_form(request)
    root = pages.root(request)
    try:
        preview(ComposeRequest(root, write_letter(_scratch(request) / "thu", form)))  # bad input: nothing kept
        letter = keep_letter(root, form)
        result = compose(ComposeRequest(root, letter))
    except CongvanError as err:
        return _page(request, 422, fields, str(err))
    batch = result.batch_dir.name
    kept = letter.relative_to(root)
    pages.note(request, "soạn văn bản", f"{form.type_name}: {form.subject} ({kept}, {len(result.letters)} văn bản)",
               batch_id=batch)
    return Redirect(f"/lo/{batch}?message=" + quote(f"Đã tạo bản nháp từ {kept} (dùng lại được bằng "
                                                    f"`congvan compose {kept}`)."))


ROUTES = [compose_page, live_preview, preview_image, make_draft]
