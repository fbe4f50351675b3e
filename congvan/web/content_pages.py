"""*Nội dung*: the letter texts of congvan.toml and the catalog's verdict sentences, edited in forms.

Saving goes through `congvan.config.editing` (comments kept, schema checked, refused when the file changed since
the form was opened); every placeholder is filled with a real unit's values by the one sandbox before anything is
written. The preview renders one chosen unit's letter from the saved files and shows its first pages as PNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from congvan.config import Workspace
from congvan.config.catalog_schema import CatalogFile
from congvan.config.editing import TomlEditor
from congvan.config.schema import ConfigFile
from congvan.errors import ConfigError, CongvanError, EditConflict
from congvan.files import atomic_write
from congvan.letter.context import criterion_values, unit_values
from congvan.pdf.images import page_images
from congvan.render.texts import fill
from congvan.vn import nfc, slugify
from congvan.web import pages
from congvan.web.auth import OFFICER
from congvan.web.grid import VERDICTS
from congvan.web.state import inside

OFFICERS = {"roles": (OFFICER,)}
SINGLE = {"trich_yeu": "Trích yếu (sau “V/v”)", "mo_dau": "Mở đầu", "ket_thuc": "Kết thúc",
          "dinh_kem": "Đính kèm"}
CAN_CU = "Căn cứ (mỗi dòng một căn cứ)"


@dataclass
class Texts:
    """What the form shows: the texts, the versions of the two files, the units to preview."""

    letter: dict[str, Any]
    remarks: dict[str, str]
    config_version: str
    catalog_version: str


def _open(ws: Workspace) -> tuple[TomlEditor[Any], TomlEditor[Any]]:
    return (TomlEditor.open(ws.config_path, ConfigFile, error=ConfigError),
            TomlEditor.open(ws.catalog, CatalogFile))


def read_texts(ws: Workspace) -> Texts:
    config, catalog = _open(ws)
    # both files exist (the workspace loaded), so each has a version; "" would only ever be refused on saving
    return Texts(dict(config.get(("van_ban",), {})), dict(catalog.get(("nhan_xet",), {})), config.version or "",
                 catalog.version or "")


def _plan(ws: Workspace, units: tuple[str, ...] = ()) -> Any:
    """Plan the workspace's batch without writing (the letters, their contexts, the template)."""
    from congvan.batch.build import BuildOptions, plan  # heavy: loaded after start (app.warm_up), not before

    return plan(ws, BuildOptions(units=units, dry_run=True))


def _lines(text: str) -> list[str]:
    return [nfc(line).strip() for line in text.splitlines() if line.strip()]


def _directives(form: dict[str, str]) -> list[dict[str, Any]]:
    """The chỉ đạo chung sections of the form: heading i and its paragraphs (one a line); empty ones dropped."""
    found = []
    for i in range(50):
        if f"cd_tieu_de_{i}" not in form:
            break
        title, paragraphs = nfc(form[f"cd_tieu_de_{i}"]).strip(), _lines(form.get(f"cd_noi_dung_{i}", ""))
        if title or paragraphs:
            found.append({"tieu_de": title, "noi_dung": paragraphs})
    return found


def check_placeholders(ws: Workspace, letter: dict[str, Any], remarks: dict[str, str]) -> None:
    """Fill every text with the first unit's real values in the sandbox; raise naming the text that fails."""
    planned = _plan(ws)
    first = planned.letters[0].assessment if planned.letters else None
    if first is None:
        return
    base = unit_values(first.unit, ws.assessment)
    where = f"{ws.config_path.name}, [van_ban]"
    for key in SINGLE:
        fill(str(letter.get(key, "")), base, f"{where} {key}")
    for text in letter.get("can_cu", []):
        fill(text, base, f"{where} can_cu")
    for section in letter.get("chi_dao_chung", []):
        for text in [section["tieu_de"], *section["noi_dung"]]:
            fill(text, base, f"{where} chi_dao_chung")
    result = first.tables[0].criteria[0] if first.tables and first.tables[0].criteria else None
    if result is not None:
        values = criterion_values(result, first.unit.name, base, ws.assessment.decimals)
        for verdict, text in remarks.items():
            fill(text, values, f"{ws.catalog.name}, [nhan_xet] {verdict}")


def _page(request: Request, status: int = 200, **extra: Any) -> Template:
    ws = pages.workspace(request)
    texts = read_texts(ws)
    units = [letter.unit for letter in _plan(ws).letters]
    return pages.page(request, "content.html", status, texts=texts, single=SINGLE, can_cu=CAN_CU, verdicts=VERDICTS,
                      units=units, **extra)


@get("/noi-dung", opt=OFFICERS, sync_to_thread=True)
def content_page(request: Request, message: FromQuery[str] = "") -> Template:
    return _page(request, message=message)


@post("/noi-dung/luu", opt=OFFICERS)
async def save_content(request: Request) -> Template:
    form = await pages.form_fields(request)
    ws = pages.workspace(request)
    try:
        config = TomlEditor.open(ws.config_path, ConfigFile, version=form.get("config_version"), error=ConfigError)
        catalog = TomlEditor.open(ws.catalog, CatalogFile, version=form.get("catalog_version"))
        letter: dict[str, Any] = {key: nfc(form.get(key, "")).strip() for key in SINGLE}
        letter["can_cu"] = _lines(form.get("can_cu", ""))
        letter["chi_dao_chung"] = _directives(form)
        remarks = {verdict: nfc(form.get(f"nhan_xet_{verdict}", "")).strip() for verdict in VERDICTS}
        for key in SINGLE:
            config.set(("van_ban", key), letter[key])
        config.set(("van_ban", "can_cu"), letter["can_cu"])
        config.replace_tables(("van_ban", "chi_dao_chung"), letter["chi_dao_chung"])
        for verdict, text in remarks.items():
            catalog.set(("nhan_xet", verdict), text)
        config.check()
        catalog.check()
        check_placeholders(ws, letter, remarks)
        config.save()
        catalog.save()
    except CongvanError as err:
        return _page(request, 409 if isinstance(err, EditConflict) else 400, error=str(err), draft=form)
    pages.note(request, "sửa nội dung văn bản", f"{ws.config_path.name}, {ws.catalog.name}")
    return _page(request, message="Đã lưu. Lần tạo văn bản sau dùng nội dung mới.")


@get("/noi-dung/xem-truoc", opt=OFFICERS, sync_to_thread=True)
def preview(request: Request, don_vi: FromQuery[str] = "") -> Template:
    """The first pages of one unit's letter made from the saved texts (an htmx fragment)."""
    ws = pages.workspace(request)
    try:
        planned = _plan(ws, (don_vi,) if don_vi else ())
        letter = planned.letters[0]
        folder = pages.paths(request).images / "xem-truoc"
        docx = folder / f"{slugify(letter.unit) or 'don-vi'}.docx"
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(docx, planned.template.render(planned.contexts(letter)))
        images = page_images(docx, folder)
    except (CongvanError, IndexError) as err:
        return pages.page(request, "images.html", images=[], error=str(err) or "không có đơn vị nào")
    return pages.page(request, "images.html", images=[f"/noi-dung/anh/{Path(p).name}" for p in images], error="")


@get("/noi-dung/anh/{image:str}", opt=OFFICERS, sync_to_thread=True)
def preview_image(request: Request, image: FromPath[str]) -> File:
    path = inside(pages.paths(request).images, "xem-truoc", image)
    if path is None or path.suffix != ".png" or not path.is_file():
        raise NotFoundException(f"Không có ảnh trang '{image}'.")
    return File(path, content_disposition_type="inline")


ROUTES = [content_page, save_content, preview, preview_image]
