"""Draft batches as objects: their inputs, status, `latest`, stale and duplicate checks, pruning.

A batch's manifest (congvan/batch/drafts.py) records the SHA-256 of every input it was built from.
Here those inputs are hashed at build time, compared again at issue time (a changed input makes the
batch stale), and batches are listed with a status read from the register:

- "issued" every letter has a number; "partly issued" some have;
- "superseded" none has, and a newer batch was built from the same input files for at least the same
  units (only these are removed by `prune`);
- "draft" otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from congvan.batch import approval, drafts
from congvan.batch.drafts import BatchSummary, DraftBatch, InputFile
from congvan.config import Workspace, load_workspace
from congvan.errors import RegisterError, UsageError
from congvan.files import sha256_file
from congvan.models import unit_key
from congvan.register.records import Record
from congvan.vn import fold, nfc

if TYPE_CHECKING:  # the register's driver (SQLAlchemy) is imported where a register is opened, not by `build`
    from congvan.register.store import Register

LATEST = "latest"
DRAFT, PARTLY_ISSUED, ISSUED, SUPERSEDED = "draft", "partly issued", "issued", "superseded"
STATUS_LABELS = {DRAFT: "nháp", PARTLY_ISSUED: "đã cấp số một phần", ISSUED: "đã cấp số",
                 SUPERSEDED: "đã có lô mới hơn"}
REBUILD = "Hãy tạo lại lô bản nháp (`congvan build`) rồi cấp số lô mới"


# -- inputs --


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def recipient_files(workspace: Workspace) -> list[Path]:
    """Return the recipient files a build reads: recipients/*.toml (not hidden) and bo_sung.csv when present."""
    folder = workspace.recipients_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in (".toml", ".csv"))


def input_files(workspace: Workspace, results: Sequence[Path], template: Path) -> tuple[InputFile, ...]:
    """Return every input of a build with its SHA-256: results files, catalog, congvan.toml, recipients, template."""
    roles = ([("results", p) for p in results] + [("previous", p) for p in workspace.previous_results]
             + [("renames", p) for p in (workspace.renames,) if p is not None]
             + [("catalog", workspace.catalog), ("config", workspace.config_path)]
             + [("recipients", p) for p in recipient_files(workspace)] + [("template", template)])
    return tuple(InputFile(role, _shown(path, workspace.root), sha256_file(path)) for role, path in roles)


def changed_inputs(inputs: Iterable[InputFile], workspace: Workspace) -> list[str]:
    """Return what changed since the build: "data/ket_qua.xlsx (đã sửa)", "(không còn)", new recipient files."""
    recorded = list(inputs)
    changed = []
    for item in recorded:
        path = Path(item.path) if Path(item.path).is_absolute() else workspace.root / item.path
        if not path.is_file():
            changed.append(f"{item.path} (không còn)")
        elif sha256_file(path) != item.sha256:
            changed.append(f"{item.path} (đã sửa)")
    known = {item.path for item in recorded if item.role == "recipients"}
    changed += [f"{shown} (tệp mới)" for shown in (_shown(p, workspace.root) for p in recipient_files(workspace))
                if shown not in known]
    return changed


def stale_message(batch: DraftBatch, changed: Sequence[str]) -> str:
    """Return why a batch is stale and what to do."""
    what = ", ".join(changed) if changed else f"{drafts.MANIFEST} không ghi SHA-256 các tệp đầu vào"
    return (f"lô {batch.batch_id} ({batch.folder}) được tạo trước khi dữ liệu đầu vào thay đổi: {what}. "
            f"{REBUILD}, hoặc dùng --allow-stale nếu vẫn muốn cấp số (được ghi vào sổ).")


# -- duplicates --


class Letter(Protocol):
    """A letter about to be numbered: a draft on disk, or one planned by a build that has not written it yet."""

    @property
    def unit(self) -> str: ...

    @property
    def context(self) -> Mapping[str, Any]: ...


L = TypeVar("L", bound=Letter)


def duplicate_letters(drafts_todo: Sequence[L], records: Iterable[Record], batch_id: str,
                      year: int) -> list[tuple[L, Record]]:
    """Return the letters whose unit already has a number (not voided, from another batch) for the same trích yếu."""
    issued: dict[tuple[str, str], Record] = {}
    for record in records:
        if record.year == year and not record.voided and record.unit and record.batch_id != batch_id:
            issued.setdefault((unit_key(record.unit), fold(nfc(record.subject))), record)
    units = {unit for unit, _subject in issued}
    found = []
    for draft in drafts_todo:
        if unit_key(draft.unit) not in units:  # the context is read only for a unit that has a number
            continue
        key = (unit_key(draft.unit), fold(nfc(str(draft.context.get("trich_yeu", "")))))
        if key in issued:
            found.append((draft, issued[key]))
    return found


def duplicate_message(found: Sequence[tuple[Letter, Record]], year: int) -> str:
    """Return the refusal of duplicate letters, naming each unit and its existing number."""
    shown = "; ".join(f"{draft.unit}: đã có số {record.number_symbol} ngày {record.issued_date:%d/%m/%Y}"
                      for draft, record in found[:10])
    more = f" và {len(found) - 10} đơn vị khác" if len(found) > 10 else ""
    return (f"{len(found)} văn bản trùng: đơn vị đã được cấp số cho cùng trích yếu trong năm {year} ({shown}{more}). "
            "Thu hồi số cũ (`congvan register void`) hoặc dùng --reissue nếu thật sự cấp lại (được ghi vào sổ).")


# -- listing --


@dataclass(frozen=True)
class BatchStatus:
    """One draft batch in the listing."""

    summary: BatchSummary
    status: str
    issued: int  # letters of the batch that have a number (voided ones included)
    stale: list[str]  # inputs changed since the build
    approval: str = ""  # "chờ duyệt", "đã duyệt (…)", "bị trả lại (…)"; "" when never submitted

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def summaries(drafts_dir: Path) -> list[BatchSummary]:
    """Return the readable batches in `drafts_dir`, oldest first (hidden `.partial` folders skipped)."""
    folder = Path(drafts_dir)
    if not folder.is_dir():
        return []
    found = [drafts.read_summary(p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    # `created` has whole seconds: two builds in one second are told apart by when their manifest was written
    return sorted((s for s in found if s is not None),
                  key=lambda s: (s.created, (s.folder / drafts.MANIFEST).stat().st_mtime_ns, s.batch_id))


def _supersedes(newer: BatchSummary, older: BatchSummary) -> bool:
    same_files = {(i.role, i.path) for i in newer.inputs} == {(i.role, i.path) for i in older.inputs}
    covers = {unit_key(u) for u in older.units} <= {unit_key(u) for u in newer.units}
    return bool(older.inputs) and same_files and covers


def list_batches(workspace: Workspace, records: Iterable[Record]) -> list[BatchStatus]:
    """Return every draft batch of the workspace with its status, oldest first."""
    issued_by_batch: dict[str, set[int]] = {}
    for record in records:
        if record.batch_id and record.letter_index is not None:
            issued_by_batch.setdefault(record.batch_id, set()).add(record.letter_index)
    found = summaries(workspace.drafts_dir)
    listed = []
    for position, summary in enumerate(found):
        issued = len(issued_by_batch.get(summary.batch_id, ()))
        if issued and issued >= len(summary.units):
            status = ISSUED
        elif issued:
            status = PARTLY_ISSUED
        elif any(_supersedes(newer, summary) for newer in found[position + 1:]):
            status = SUPERSEDED
        else:
            status = DRAFT
        listed.append(BatchStatus(summary, status, issued, changed_inputs(summary.inputs, workspace),
                                  _approval_label(summary.folder)))
    return listed


def _approval_label(folder: Path) -> str:
    try:
        state = approval.read_approval(folder)
    except RegisterError as err:
        return f"lịch sử phê duyệt hỏng: {err}"
    return state.label if state.history else ""


def resolve(workspace: Workspace, name: str | Path) -> Path:
    """Return the folder of a batch named by path, by id (in output/drafts/) or as "latest" (the newest)."""
    text = str(name)
    if text == LATEST:
        found = summaries(workspace.drafts_dir)
        if not found:
            raise UsageError(f"{workspace.drafts_dir}: chưa có lô bản nháp nào; chạy `congvan build` trước.")
        return found[-1].folder
    for candidate in (Path(text), workspace.drafts_dir / text):
        if candidate.is_dir():
            return candidate
    raise UsageError(f"{text}: không có thư mục lô bản nháp này (cũng không có trong {workspace.drafts_dir}); "
                     "xem `congvan batches`, hoặc dùng 'latest' cho lô mới nhất.")


def prune(workspace: Workspace, records: Iterable[Record]) -> list[BatchStatus]:
    """Remove the superseded batches that were never issued; return them."""
    removed = [batch for batch in list_batches(workspace, records) if batch.status == SUPERSEDED]
    for batch in removed:
        shutil.rmtree(batch.summary.folder)
    return removed


# -- before issuing --


def issue_notes(batch: DraftBatch, register: Register, organ: str, year: int, workspace: Workspace | None, *,
                allow_stale: bool = False, reissue: bool = False) -> dict[int, str]:
    """Check a batch before numbering; return the register note of each letter issued despite a check.

    Refused (`RegisterError`): inputs changed since the build (unless `allow_stale`; not checked without
    `workspace`), a unit that already has a number for the same trích yếu this year (unless `reissue`).
    Letters of the batch that already have a number are not checked again.
    """
    with register.read() as conn:
        done = register.batch_records(conn, batch.batch_id)
    todo = [letter for letter in batch.letters if letter.index not in done]
    if not todo:
        return {}
    notes: dict[int, list[str]] = {letter.index: [] for letter in todo}
    if workspace is not None:
        changed = changed_inputs(batch.inputs, workspace) if batch.inputs else []
        if changed or not batch.inputs:
            if not allow_stale:
                raise RegisterError(stale_message(batch, changed))
            for letter in todo:
                notes[letter.index].append(
                    "cấp số từ lô bản nháp cũ (--allow-stale), đầu vào đã đổi: " + (", ".join(changed) or "không rõ"))
    found = duplicate_letters(todo, register.records(organ=organ, year=year), batch.batch_id, year)
    if found and not reissue:
        raise RegisterError(duplicate_message(found, year))
    for letter, record in found:
        notes[letter.index].append(f"cấp lại (--reissue), đã có số {record.number_symbol}")
    return {index: "; ".join(parts) for index, parts in notes.items() if parts}


# -- workflows (`congvan batches`) --


def _with_records(root: Path) -> tuple[Workspace, list[Record]]:
    from congvan.register.store import Register

    workspace = load_workspace(root)
    with Register(workspace.register_url) as register:
        return workspace, register.records()


def workspace_batches(root: Path) -> list[BatchStatus]:
    """`congvan batches`: every draft batch of the workspace at `root`, oldest first, with its status."""
    return list_batches(*_with_records(root))


def decide_in_workspace(root: Path, batch: str | Path, action: str, person: str, note: str = "") -> approval.Approval:
    """`congvan batches trinh/duyet/tra-lai`: record a decision on a batch of the workspace not yet issued."""
    from congvan.register.store import Register

    workspace = load_workspace(root)
    folder = resolve(workspace, batch)
    batch_id = approval.read_approval(folder).batch_id
    with Register(workspace.register_url) as register, register.read() as conn:
        issued = register.batch_records(conn, batch_id)
    if issued:
        raise RegisterError(f"lô {batch_id} đã cấp số ({len(issued)} văn bản): không trình ký, phê duyệt nữa.")
    return approval.decide(folder, action, person, note)


def prune_workspace(root: Path) -> list[BatchStatus]:
    """`congvan batches prune`: remove the workspace's superseded batches that were never issued."""
    return prune(*_with_records(root))
