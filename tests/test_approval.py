"""Approval of draft batches (congvan/batch/approval.py): trình ký, duyệt, trả lại, the history, the issue gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from congvan.batch import approval, batches, drafts
from congvan.errors import EditConflict, RegisterError, UsageError
from tests.test_batches import build, issue, records, run

UNIT = "Phường Nha Trang"


def _require_approval(ws: Path) -> None:
    config = ws / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[phe_duyet]\nbat_buoc = true\n", encoding="utf-8")


def test_return_then_approve_then_issue_when_approval_is_required(workspace: Path) -> None:
    _require_approval(workspace)
    folder = build(workspace, UNIT)
    code, out = issue(workspace, folder.name)
    assert code == 1 and "chưa trình ký" in out and "congvan batches trinh" in out and not records(workspace)

    code, out = run("batches", "trinh", folder.name, "-w", str(workspace), "--nguoi", "Nguyễn Văn An",
                    "--ghi-chu", "Kính trình anh duyệt")
    assert (code, out.strip()) == (0, f"Lô {folder.name}: chờ duyệt.")
    code, out = issue(workspace, folder.name)
    assert code == 1 and "đang chờ lãnh đạo duyệt" in out and not records(workspace)

    code, out = run("batches", "tra-lai", folder.name, "-w", str(workspace), "--nguoi", "Trần Thị Bình")
    assert code == 2 and "phải ghi rõ lý do" in out
    assert run("batches", "tra-lai", folder.name, "-w", str(workspace), "--nguoi", "Trần Thị Bình",
               "--ghi-chu", "Sửa lại số liệu bảng 2")[0] == 0
    code, out = issue(workspace, folder.name)
    assert code == 1 and "bị trả lại: Sửa lại số liệu bảng 2" in out and not records(workspace)
    listed = run("batches", "-w", str(workspace))[1]
    assert "bị trả lại (Trần Thị Bình, " in listed

    run("batches", "trinh", folder.name, "-w", str(workspace), "--nguoi", "Nguyễn Văn An")
    code, out = run("batches", "duyet", folder.name, "-w", str(workspace), "--nguoi", "nguyễn văn  an")
    assert code == 1 and "người trình không tự duyệt" in out
    assert run("batches", "duyet", folder.name, "-w", str(workspace), "--nguoi", "Trần Thị Bình")[0] == 0
    assert "đã duyệt (Trần Thị Bình, " in run("batches", "-w", str(workspace))[1]

    code, out = issue(workspace, folder.name)
    assert code == 0, out
    assert [r.unit for r in records(workspace)] == [UNIT]
    history = approval.read_approval(folder).history
    assert [(d.action, d.person) for d in history] == [
        ("trinh", "Nguyễn Văn An"), ("tra_lai", "Trần Thị Bình"), ("trinh", "Nguyễn Văn An"),
        ("duyet", "Trần Thị Bình")]
    assert history[0].note == "Kính trình anh duyệt" and history[0].at.endswith("+07:00")
    code, out = run("batches", "tra-lai", folder.name, "-w", str(workspace), "--nguoi", "X", "--ghi-chu", "muộn")
    assert code == 1 and "đã cấp số" in out


def test_build_with_issue_is_refused_before_writing_when_approval_is_required(workspace: Path) -> None:
    _require_approval(workspace)
    code, out = run("build", "-w", str(workspace), "--unit", UNIT, "--issue")
    assert code == 2 and "bat_buoc = true" in out
    assert not (workspace / "output" / "drafts").exists() or not list((workspace / "output" / "drafts").iterdir())


def test_without_the_setting_a_batch_issues_unless_submitted_and_not_yet_approved(workspace: Path) -> None:
    plain, submitted = build(workspace, UNIT), build(workspace, "Xã Cam Lâm")
    approval.decide(submitted, approval.SUBMIT, "Nguyễn Văn An")
    code, out = issue(workspace, submitted.name)
    assert code == 1 and "đang chờ lãnh đạo duyệt" in out
    assert issue(workspace, plain.name)[0] == 0


def test_an_edited_or_copied_history_is_refused(workspace: Path) -> None:
    first, second = build(workspace, UNIT), build(workspace, "Xã Cam Lâm")
    approval.decide(first, approval.SUBMIT, "Nguyễn Văn An")
    path = drafts.approval_path(first)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["history"].append({**data["history"][0], "action": "duyet", "person": "Trần Thị Bình"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegisterError, match="đã bị sửa bằng tay"):
        approval.check_issuable(first, required=False)
    assert "lịch sử phê duyệt hỏng" in next(b.approval for b in batches.workspace_batches(workspace)
                                            if b.summary.folder == first)
    path.unlink()
    approval.decide(first, approval.SUBMIT, "Nguyễn Văn An")
    approval.decide(first, approval.APPROVE, "Trần Thị Bình")
    drafts.approval_path(second).write_bytes(path.read_bytes())  # an approval copied to another batch
    with pytest.raises(RegisterError, match="chép từ lô khác"):
        approval.read_approval(second)


def test_decisions_follow_the_states_and_two_leaders_cannot_both_decide(workspace: Path) -> None:
    folder = build(workspace, UNIT)
    with pytest.raises(RegisterError, match="'chưa trình ký': không duyệt được"):
        approval.decide(folder, approval.APPROVE, "Trần Thị Bình")
    with pytest.raises(UsageError, match="thiếu tên người trình ký"):
        approval.decide(folder, approval.SUBMIT, "  ")
    approval.decide(folder, approval.SUBMIT, "Nguyễn Văn An")
    read_by_one, read_by_other = approval.read_approval(folder), approval.read_approval(folder)
    approval._record(read_by_one, approval.APPROVE, "Trần Thị Bình", "")
    with pytest.raises(EditConflict, match="người khác vừa trình ký hoặc phê duyệt"):
        approval._record(read_by_other, approval.RETURN, "Lê Văn Cường", "Chưa đồng ý")
    assert approval.read_approval(folder).state == approval.APPROVE
    with pytest.raises(RegisterError, match="đã duyệt .*không trình ký được"):
        approval.decide(folder, approval.SUBMIT, "Nguyễn Văn An")
