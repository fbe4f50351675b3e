"""Draft batches as objects: recorded input hashes, edited drafts refused, stale and duplicate letters,
`congvan batches` (status, latest) and `batches prune`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.batch import batches
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.files import sha256_bytes, sha256_file
from congvan.register.store import Register

DATE = "2026-11-25"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def build(ws: Path, *units: str) -> Path:
    code, out = run("build", "-w", str(ws), *(a for u in units for a in ("--unit", u)))
    assert code == 0, out
    return Path(re.search(r"tại (\S+)$", out.strip()).group(1))


def issue(ws: Path, batch: str, *options: str) -> tuple[int, str]:
    return run("issue", batch, "-w", str(ws), "--date", DATE, *options)


def records(ws: Path) -> list:
    with Register(load_workspace(ws).register_url) as register:
        return register.records()


def statuses(ws: Path) -> dict[str, str]:
    return {b.summary.batch_id: b.status for b in batches.workspace_batches(ws)}


def test_manifest_records_the_sha256_of_every_input_draft_and_context(workspace: Path) -> None:
    folder = build(workspace, "Phường Nha Trang")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    inputs = {(i["role"], i["path"]): i["sha256"] for i in manifest["inputs"]}
    assert inputs == {
        ("results", "data/ket_qua_2025.xlsx"): sha256_file(workspace / "data" / "ket_qua_2025.xlsx"),
        ("catalog", "data/tieu_chi.toml"): sha256_file(workspace / "data" / "tieu_chi.toml"),
        ("config", "congvan.toml"): sha256_file(workspace / "congvan.toml"),
        **{("recipients", f"recipients/{p.name}"): sha256_file(p)
           for p in (workspace / "recipients").iterdir()},
        ("template", "templates_docx/cong_van_chi_dao.docx"):
            sha256_file(workspace / "templates_docx" / "cong_van_chi_dao.docx"),
    }
    (letter,) = manifest["letters"]
    assert letter["sha256"] == sha256_file(folder / letter["file"])
    offset, length = letter["context_at"]
    assert letter["context_sha256"] == sha256_bytes((folder / letter["context"]).read_bytes()[offset:offset + length])


def test_a_context_edited_to_another_unit_is_refused(workspace: Path) -> None:
    folder = build(workspace, "Phường Nha Trang")
    context = folder / "contexts.jsonl"
    context.write_text(context.read_text(encoding="utf-8").replace("phường Nha Trang", "phường Cam Ranh"),
                       encoding="utf-8")
    code, out = issue(workspace, "latest")
    assert code == 1
    assert context.name in out and "đã bị sửa sau khi tạo lô" in out and "congvan build" in out
    assert records(workspace) == []


def test_an_edited_draft_docx_is_refused(workspace: Path) -> None:
    folder = build(workspace, "Phường Nha Trang")
    draft = next(folder.glob("1_*.docx"))
    draft.write_bytes(draft.read_bytes() + b"\0")
    code, out = issue(workspace, "latest")
    assert code == 1 and draft.name in out and "bản nháp (.docx)" in out
    assert records(workspace) == []


def test_stale_batch_is_refused_naming_the_input_unless_allow_stale(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang")
    recipients = workspace / "recipients" / "danh_sach.toml"
    recipients.write_text(recipients.read_text(encoding="utf-8") + "\n# sửa sau khi tạo bản nháp\n",
                          encoding="utf-8")
    code, out = issue(workspace, "latest")
    assert code == 1
    assert "recipients/danh_sach.toml (đã sửa)" in out and "congvan build" in out and "--allow-stale" in out
    assert records(workspace) == []

    code, out = issue(workspace, "latest", "--allow-stale")
    assert code == 0, out
    (record,) = records(workspace)
    assert "--allow-stale" in record.note and "recipients/danh_sach.toml" in record.note


def test_a_new_recipient_file_makes_a_batch_stale(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang")
    (workspace / "recipients" / "them.toml").write_text("", encoding="utf-8")
    code, out = issue(workspace, "latest")
    assert code == 1 and "recipients/them.toml (tệp mới)" in out


def test_second_letter_to_a_unit_for_the_same_subject_needs_reissue(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang", "Xã Cam Lâm")
    assert issue(workspace, "latest")[0] == 0
    build(workspace, "Phường Nha Trang")
    code, out = issue(workspace, "latest")
    assert code == 1
    assert "Phường Nha Trang: đã có số 01/SNV-CCHC" in out and "--reissue" in out
    assert len(records(workspace)) == 2

    code, out = issue(workspace, "latest", "--reissue")
    assert code == 0, out
    again = records(workspace)[-1]
    assert again.number_symbol == "03/SNV-CCHC" and "--reissue" in again.note and "01/SNV-CCHC" in again.note


def test_build_issue_of_a_duplicate_letter_writes_nothing_unless_reissue(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang")
    assert issue(workspace, "latest")[0] == 0
    drafts_before = sorted((workspace / "output" / "drafts").iterdir())
    code, out = run("build", "-w", str(workspace), "--unit", "Phường Nha Trang", "--issue", "--date", DATE)
    assert code == 1
    assert "Phường Nha Trang: đã có số 01/SNV-CCHC" in out and "--reissue" in out
    assert sorted((workspace / "output" / "drafts").iterdir()) == drafts_before  # no draft batch written
    assert len(records(workspace)) == 1

    code, out = run("build", "-w", str(workspace), "--unit", "Phường Nha Trang", "--issue", "--date", DATE,
                    "--reissue")
    assert code == 0, out
    assert records(workspace)[-1].number_symbol == "02/SNV-CCHC" and "--reissue" in records(workspace)[-1].note


def test_issuing_a_batch_again_shows_its_withdrawn_number_as_thu_hoi(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang", "Xã Cam Lâm")
    assert issue(workspace, "latest")[0] == 0
    assert run("register", "void", "1", "-w", str(workspace), "--ly-do", "sai địa chỉ", "--year", "2026")[0] == 0
    code, out = issue(workspace, "latest")
    assert code == 0, out
    lines = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines() if "/SNV-CCHC\t" in line}
    assert lines == {"01/SNV-CCHC": "đã THU HỒI", "02/SNV-CCHC": "đã cấp trước đó"}


def test_a_voided_number_is_no_duplicate(workspace: Path) -> None:
    build(workspace, "Phường Nha Trang")
    assert issue(workspace, "latest")[0] == 0
    assert run("register", "void", "1", "-w", str(workspace), "--ly-do", "sai địa chỉ", "--year", "2026")[0] == 0
    build(workspace, "Phường Nha Trang")
    code, out = issue(workspace, "latest")
    assert code == 0, out
    assert records(workspace)[-1].note == ""


def test_batches_lists_status_and_prune_removes_only_superseded_drafts(workspace: Path) -> None:
    one = build(workspace, "Phường Nha Trang")
    two = build(workspace, "Phường Nha Trang", "Xã Cam Lâm")  # same inputs, more units: supersedes `one`
    assert issue(workspace, two.name)[0] == 0
    three = build(workspace, "Xã Diên Khánh")  # other units: not superseded by anything
    four = build(workspace)
    code, out = run("batches", "-w", str(workspace))
    assert code == 0, out
    assert statuses(workspace) == {one.name: batches.SUPERSEDED, two.name: batches.ISSUED,
                                   three.name: batches.SUPERSEDED, four.name: batches.DRAFT}
    assert f"{two.name}\t" in out and "đã cấp số (2/2 văn bản)" in out and "data/ket_qua_2025.xlsx" in out
    assert f"Lô mới nhất (latest): {four}" in out

    code, out = run("batches", "prune", "-w", str(workspace))
    assert code == 0, out
    assert "Đã xóa 2 lô" in out
    assert not one.exists() and not three.exists() and two.is_dir() and four.is_dir()


def test_partly_issued_and_voided_letters_of_a_batch(workspace: Path) -> None:
    folder = build(workspace, "Phường Nha Trang", "Xã Cam Lâm")
    assert issue(workspace, "latest")[0] == 0
    first, _second = records(workspace)
    ws = load_workspace(workspace)
    (listed,) = batches.list_batches(ws, [first])  # as if the issue had stopped after one letter
    assert (listed.status, listed.issued, listed.label) == (batches.PARTLY_ISSUED, 1, "đã cấp số một phần")
    with Register(ws.register_url) as register:
        register.void("SNV", 2026, 2, "thử")  # a voided number still counts as issued from its batch
    assert statuses(workspace)[folder.name] == batches.ISSUED


def test_latest_and_batch_ids_are_accepted_unknown_names_are_not(workspace: Path) -> None:
    first = build(workspace, "Phường Nha Trang")
    second = build(workspace, "Xã Cam Lâm")
    ws = load_workspace(workspace)
    assert batches.resolve(ws, "latest") == second
    assert batches.resolve(ws, first.name) == first
    code, out = issue(workspace, "20990101-000000-abcdef")
    assert code == 2 and "congvan batches" in out and "latest" in out
    code, out = issue(workspace, first.name)
    assert code == 0 and "Phường Nha Trang" in out


def test_latest_without_batches_says_to_build(workspace: Path) -> None:
    code, out = issue(workspace, "latest")
    assert code == 2 and "congvan build" in out


@pytest.mark.parametrize("args", [["batches"], ["batches", "prune"]])
def test_help_ends_with_example(args: list[str]) -> None:
    code, out = run(*args, "--help")
    assert code == 0 and "Ví dụ:" in out
