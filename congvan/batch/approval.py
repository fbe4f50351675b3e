"""Approval of a draft batch (trình ký, duyệt, trả lại): the decisions kept in the batch folder.

A chuyên viên submits a batch (trình ký) with a note; a lãnh đạo approves it (duyệt) or returns it (trả lại)
with a comment; a returned batch may be submitted again. Every decision (who, when, what, note) is appended
to `phe_duyet.json` in the batch folder (name and place owned by `congvan.batch.drafts`), written atomically
and only over the version read, so two leaders deciding at once cannot both win. Each decision is hashed
over the previous one and the batch's manifest: an edited or reordered history, or a decision copied from
another batch or kept over a rebuilt manifest, is refused when read. (A person who recomputes the hashes can
still forge the file; the audit log of the web application records each decision too.)

An office turns approval on with `[phe_duyet] bat_buoc = true` in congvan.toml: then only an approved batch
is issued. With it off, a batch that was submitted is still issued only once approved (`check_issuable`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from congvan import clock
from congvan.batch import drafts
from congvan.errors import EditConflict, RegisterError, UsageError
from congvan.files import file_version, replace_if_unchanged, sha256_bytes, sha256_file
from congvan.vn import nfc, squash

SUBMIT, APPROVE, RETURN = "trinh", "duyet", "tra_lai"
NONE = "chua_trinh"
STATE_LABELS = {NONE: "chưa trình ký", SUBMIT: "chờ duyệt", APPROVE: "đã duyệt", RETURN: "bị trả lại"}
ACTION_LABELS = {SUBMIT: "trình ký", APPROVE: "duyệt", RETURN: "trả lại"}
ALLOWED_FROM = {SUBMIT: (NONE, RETURN), APPROVE: (SUBMIT,), RETURN: (SUBMIT,)}
MAX_NOTE = 2000


@dataclass(frozen=True)
class Decision:
    """One step of a batch's approval: what, by whom, when (Vietnam time, ISO 8601) and the note or comment."""

    action: str
    person: str
    at: str
    note: str
    hash: str

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass(frozen=True)
class Approval:
    """The approval history of a batch and the version of its file (None while nothing was submitted)."""

    folder: Path
    batch_id: str
    history: tuple[Decision, ...]
    version: str | None

    @property
    def state(self) -> str:
        """Return "chua_trinh", or the last decision's action: "trinh", "duyet", "tra_lai"."""
        return self.history[-1].action if self.history else NONE

    @property
    def label(self) -> str:
        """Return the state as the clerk reads it: "chờ duyệt", "đã duyệt (Nguyễn Văn A, 29/11/2026 09:30)"."""
        if not self.history or self.state == SUBMIT:
            return STATE_LABELS[self.state]
        last = self.history[-1]
        return f"{STATE_LABELS[self.state]} ({last.person}, {_shown_time(last.at)})"


def _shown_time(at: str) -> str:
    return f"{at[8:10]}/{at[5:7]}/{at[:4]} {at[11:16]}"


def _chain_hash(previous: str, batch_id: str, manifest_sha256: str, action: str, person: str, at: str,
                note: str) -> str:
    fields = {"batch": batch_id, "manifest_sha256": manifest_sha256, "action": action, "person": person,
              "at": at, "note": note}
    return sha256_bytes((previous + json.dumps(fields, ensure_ascii=False, sort_keys=True)).encode("utf-8"))


def _batch_id(folder: Path) -> str:
    summary = drafts.read_summary(folder)
    if summary is None:
        raise UsageError(f"{folder}: không phải thư mục lô bản nháp đọc được (thiếu hoặc hỏng {drafts.MANIFEST}).")
    return summary.batch_id


def read_approval(folder: Path) -> Approval:
    """Return the approval history of the batch in `folder`; refuse a history that was edited or copied."""
    folder = Path(folder)
    batch_id = _batch_id(folder)
    path = drafts.approval_path(folder)
    version = file_version(path)
    if version is None:
        return Approval(folder, batch_id, (), None)
    broken = (f"{path}: lịch sử trình ký, phê duyệt đã bị sửa bằng tay hoặc chép từ lô khác, hoặc lô đã được tạo "
              "lại sau khi trình; không dùng được. Xóa tệp này và trình ký lại lô.")
    try:
        raw = json.loads(path.read_bytes())
        entries = raw["history"]
        history = tuple(Decision(**{key: nfc(str(entry[key])) for key in ("action", "person", "at", "note", "hash")})
                        for entry in entries)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise RegisterError(broken) from err
    manifest = sha256_file(folder / drafts.MANIFEST)
    previous = ""
    for decision in history:
        expected = _chain_hash(previous, batch_id, manifest, decision.action, decision.person, decision.at,
                               decision.note)
        if decision.action not in ACTION_LABELS or decision.hash != expected:
            raise RegisterError(broken)
        previous = decision.hash
    return Approval(folder, batch_id, history, version)


def decide(folder: Path, action: str, person: str, note: str = "") -> Approval:
    """Record one decision on the batch in `folder` (submit, approve or return) and return the new history.

    Refused: a blank person, a return without a comment, a decision the state does not allow (approving a
    batch not submitted, submitting an approved one), the submitter approving their own submission, and a
    history someone else changed since it was read.
    """
    person, note = squash(nfc(person)), nfc(note).strip()
    if not person:
        raise UsageError("thiếu tên người " + ACTION_LABELS[action] + " (--nguoi).")
    if action == RETURN and not note:
        raise UsageError("trả lại lô phải ghi rõ lý do (--ghi-chu) để người soạn biết cần sửa gì.")
    if len(note) > MAX_NOTE:
        raise UsageError(f"ghi chú dài {len(note)} ký tự, quá {MAX_NOTE} ký tự.")
    approval = read_approval(folder)
    if approval.state not in ALLOWED_FROM[action]:
        raise RegisterError(f"lô {approval.batch_id} đang ở tình trạng '{approval.label}': không "
                            f"{ACTION_LABELS[action]} được ({_next_step(approval.state)}).")
    if action == APPROVE and approval.history[-1].person.casefold() == person.casefold():
        raise RegisterError(f"lô {approval.batch_id} do {person} trình ký: người trình không tự duyệt lô của mình; "
                            "lãnh đạo khác duyệt, hoặc tắt phê duyệt ([phe_duyet] bat_buoc = false).")
    return _record(approval, action, person, note)


def _next_step(state: str) -> str:
    return {NONE: "trình ký trước", SUBMIT: "lô đang chờ lãnh đạo duyệt hoặc trả lại",
            APPROVE: "lô đã được duyệt, có thể cấp số", RETURN: "sửa rồi tạo lại lô, hoặc trình ký lại"}[state]


def _record(approval: Approval, action: str, person: str, note: str) -> Approval:
    """Append one decision to the batch's history: the ONE place a decision is recorded (audit log: call here)."""
    manifest = sha256_file(approval.folder / drafts.MANIFEST)
    at = clock.now().isoformat(timespec="seconds")
    previous = approval.history[-1].hash if approval.history else ""
    decision = Decision(action, person, at, note,
                        _chain_hash(previous, approval.batch_id, manifest, action, person, at, note))
    history = (*approval.history, decision)
    data = {"batch": approval.batch_id, "manifest_sha256": manifest, "history": [asdict(d) for d in history]}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        version = replace_if_unchanged(drafts.approval_path(approval.folder), approval.version, text.encode("utf-8"))
    except EditConflict as err:
        raise EditConflict(f"lô {approval.batch_id}: người khác vừa trình ký hoặc phê duyệt lô này; không ghi gì. "
                           "Xem lại tình trạng lô (`congvan batches`) rồi làm lại.") from err
    return Approval(approval.folder, approval.batch_id, history, version)


def check_issuable(folder: Path, required: bool) -> None:
    """Refuse to issue a batch not approved: when `required`, or once it was submitted (pending or returned)."""
    approval = read_approval(folder)
    if approval.state == APPROVE or (approval.state == NONE and not required):
        return
    if approval.state == RETURN:
        why = f"đã bị trả lại: {approval.history[-1].note}"
    else:
        why = {NONE: "chưa trình ký (congvan.toml: [phe_duyet] bat_buoc = true)", SUBMIT: "đang chờ lãnh đạo duyệt"
               }[approval.state]
    raise RegisterError(f"lô {approval.batch_id} {why}; chỉ lô đã được duyệt mới được cấp số. Trình ký bằng "
                        f"`congvan batches trinh {approval.batch_id} --nguoi \"…\"`, lãnh đạo duyệt bằng "
                        f"`congvan batches duyet {approval.batch_id} --nguoi \"…\"`.")
