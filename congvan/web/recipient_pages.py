"""*Người nhận*: the văn phòng edits the recipient lists, the per-unit additions and the `[nguoi_nhan]` defaults.

Every change goes through `congvan.recipients.editing` (comments kept, each file written only over the version
the page showed) and `congvan.batch.recipients_edit.save_edit` (the checks of `congvan recipients check`): a
refused change shows the check's errors on the page and writes nothing. Row operations are htmx requests that
swap the editor; without JavaScript the same forms post and the whole page comes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from congvan.batch.recipients_edit import check_edit, preview_letter, save_edit
from congvan.batch.recipients_report import CheckReport, load
from congvan.config import load_workspace
from congvan.config.workspace import CONFIG_NAME
from congvan.errors import CongvanError, EditConflict, UsageError
from congvan.recipients.editing import Addition, RecipientEditor
from congvan.recipients.rules import split_notes
from congvan.vn import nfc, squash
from congvan.web import pages
from congvan.web.auth import OFFICE

SECRETARIES = {"roles": (OFFICE,)}
COMMON_NOTES = ("b/c", "p/h", "t/h", "để biết", "VBĐT")
SORTS = {"danh_sach": "giữ thứ tự trong danh sách", "abc": "theo vần chữ cái tiếng Việt"}


@dataclass(frozen=True)
class Item:
    """One entry of a list as the table shows it."""

    position: int
    text: str
    name: str
    notes: tuple[str, ...]

    @property
    def include(self) -> bool:
        return self.text.startswith("@")

    @property
    def note_choices(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*COMMON_NOTES, *self.notes)))


def _units(root: Path) -> list[str]:
    """The units of the workspace's results (for the unit autocomplete and the preview); [] if unreadable."""
    ws = load_workspace(root)
    try:
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in (*ws.results, ws.catalog, ws.config_path))
    except OSError:
        return []
    return list(_read_units(root, stamp))


@lru_cache(maxsize=4)
def _read_units(root: Path, stamp: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """The units of the results as read at `stamp` (their paths and times): read again only when one changes."""
    try:
        return tuple(a.unit.name for a in load(root).assessments)
    except CongvanError:
        return ()


def _view(request: Request, status: int = 200, report: CheckReport | None = None, **extra: Any) -> Template:
    """The editor (whole page, or the fragment an htmx request swaps) as the files are now; `report` is their
    check when the caller just made it."""
    root = pages.root(request)
    editor = RecipientEditor(root)
    defaults = editor.defaults()
    lists = {name: (file, [Item(i, text, *split_notes(text)) for i, text in enumerate(entries, start=1)])
             for name, (file, entries) in editor.lists().items()}
    context = {"lists": lists, "additions": editor.additions(), "defaults": defaults, "sorts": SORTS,
               "versions": json.dumps(editor.versions(), ensure_ascii=False), "units": _units(root),
               "report": report or check_edit(editor), **extra}
    name = "recipients_body.html" if request.headers.get("hx-request") else "recipients.html"
    return pages.page(request, name, status, **context)


def _versions(form: dict[str, Any], *, with_config: bool) -> dict[str, str | None]:
    """The file versions the page showed; congvan.toml only for the form that edits it."""
    try:
        shown = dict(json.loads(form.get("phien_ban") or "{}"))
    except ValueError as err:
        raise UsageError("Trang đã cũ (thiếu phiên bản tệp). Tải lại trang rồi làm lại.") from err
    if not with_config:
        shown.pop(CONFIG_NAME, None)
    return shown


async def _form(request: Request) -> tuple[dict[str, str], list[str]]:
    """The submitted text fields (NFC) and the ticked notes."""
    data = await request.form()
    return {key: nfc(str(value)) for key, value in data.items()}, [nfc(str(v)) for v in data.getall("ghi_chu", [])]


def _apply_list_change(editor: RecipientEditor, form: dict[str, str], notes: list[str]) -> str:
    """Apply one row operation of the list table; return what the page says after saving."""
    action, name = form.get("thao_tac", "ghi_chu"), form.get("danh_sach", "")
    position = int(form.get("vi_tri") or 0)
    if action == "them":
        text = squash(form.get("noi_dung", "")) or (f"@{form['chen']}" if form.get("chen") else "")
        if not text:
            raise UsageError(f"danh sách '{name}': chưa nhập người nhận nào để thêm.")
        editor.add(name, text)
        return f"Đã thêm “{text}” vào danh sách '{name}'."
    if action == "xoa":
        return f"Đã bỏ “{editor.remove(name, position)}” khỏi danh sách '{name}'."
    if action in ("len", "xuong"):
        editor.move(name, position, position - 1 if action == "len" else position + 1)
        return f"Đã chuyển mục {position} của danh sách '{name}'."
    if action == "xoa_danh_sach":
        editor.delete_list(name)
        return f"Đã xóa danh sách '{name}'."
    if action == "ghi_chu":
        return f"Ghi chú mới: “{editor.set_notes(name, position, notes)}”."
    raise UsageError(f"thao tác '{action}' không có.")


def _save(request: Request, editor: RecipientEditor, done: str, detail: str) -> Template:
    """Save through the recipients check; show the refusal (nothing written) or what was saved."""
    try:
        result = save_edit(editor)
    except CongvanError as err:
        return _view(request, 409 if isinstance(err, EditConflict) else 400, refused=str(err))
    pages.note(request, "sửa danh sách người nhận", detail)
    return _view(request, report=result.report, saved=done + " Lần tạo văn bản sau dùng danh sách mới.")


@get("/nguoi-nhan", opt=SECRETARIES, sync_to_thread=True)
def recipients_page(request: Request) -> Template:
    return _view(request)


@post("/nguoi-nhan/danh-sach", opt=SECRETARIES)
async def change_list(request: Request) -> Template:
    form, notes = await _form(request)
    try:
        editor = RecipientEditor(pages.root(request), _versions(form, with_config=False))
        done = _apply_list_change(editor, form, notes)
    except (CongvanError, ValueError) as err:
        status = 409 if isinstance(err, EditConflict) else 400
        return _view(request, status, refused=str(err) if isinstance(err, CongvanError) else "vị trí không hợp lệ.")
    return _save(request, editor, done, f"danh sách '{form.get('danh_sach', '')}': {done}")


@post("/nguoi-nhan/bo-sung", opt=SECRETARIES)
async def change_additions(request: Request) -> Template:
    form, _notes = await _form(request)
    rows = []
    for i in range(int(form.get("so_dong") or 0)):
        unit, sides = squash(form.get(f"don_vi_{i}", "")), [form.get(f"{key}_{i}", "") for key in ("kg", "nn")]
        parts = [tuple(p.strip() for p in side.split(";") if p.strip()) for side in sides]
        if unit or any(parts):
            rows.append(Addition(unit, parts[0], parts[1]))
    try:
        editor = RecipientEditor(pages.root(request), _versions(form, with_config=False))
        editor.set_additions(rows)
    except CongvanError as err:
        return _view(request, 409 if isinstance(err, EditConflict) else 400, refused=str(err))
    return _save(request, editor, f"Đã lưu {len(rows)} dòng bổ sung theo đơn vị.", f"bo_sung.csv: {len(rows)} dòng")


@post("/nguoi-nhan/mac-dinh", opt=SECRETARIES)
async def change_defaults(request: Request) -> Template:
    form, _notes = await _form(request)
    try:
        copies = int(form.get("so_ban_luu") or 0)
    except ValueError:
        return _view(request, 400, refused=f"Số bản lưu '{form.get('so_ban_luu')}' phải là một số nguyên, ví dụ 2.")
    try:
        editor = RecipientEditor(pages.root(request), _versions(form, with_config=True))
        editor.set_defaults(kinh_gui=form.get("kinh_gui", ""), noi_nhan=form.get("noi_nhan", ""),
                            luu=squash(form.get("luu", "")), so_ban_luu=copies, sap_xep=form.get("sap_xep", ""))
    except CongvanError as err:
        return _view(request, 409 if isinstance(err, EditConflict) else 400, refused=str(err))
    return _save(request, editor, "Đã lưu người nhận mặc định.", f"{CONFIG_NAME} [nguoi_nhan]")


@get("/nguoi-nhan/xem-truoc", opt=SECRETARIES, sync_to_thread=True)
def preview(request: Request, don_vi: FromQuery[str] = "") -> Template:
    """One unit's Kính gửi and Nơi nhận exactly as printed (an htmx fragment)."""
    try:
        lines, error = preview_letter(RecipientEditor(pages.root(request)), nfc(don_vi)), ""
    except CongvanError as err:
        lines, error = [], str(err)
    return pages.page(request, "recipients_preview.html", lines=lines, refused=error)


ROUTES = [recipients_page, change_list, change_additions, change_defaults, preview]
