"""Faults of `congvan web` measured as processes on loopback: a consumer killed mid-job leaves the job marked
failed with why (never "running" forever, never a half batch); a server stopped mid-build leaves the batch either
complete or absent, and the job says which."""

from __future__ import annotations

import signal
from contextlib import closing
from pathlib import Path

import docx
import pytest

from congvan.batch import batches, drafts
from congvan.config import load_workspace
from congvan.web import jobs
from tests.conftest import make_workspace
from tests.web_processes import free_port, office_env, signed_in, start_build, start_server, start_worker, wait_job
from tests.web_support import add_user

LETTERS = 5  # the test workspace's units


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    monkeypatch.delenv(jobs.QUEUE_URL_ENV, raising=False)
    root = make_workspace(tmp_path / "ws")
    add_user(root, "chuyenvien", "chuyen_vien")
    return root


def _drafts(root: Path) -> Path:
    return load_workspace(root).drafts_dir


def _assert_complete_or_absent(root: Path, state: dict) -> None:
    """A done job names a batch with every letter readable; a failed one says why and left no batch."""
    found = batches.summaries(_drafts(root))
    if state["status"] == jobs.DONE:
        assert [b.batch_id for b in found] == [state["batch"]]
        letters = [p for p in (_drafts(root) / state["batch"]).glob("*.docx")
                   if p.name not in ("template.docx", drafts.REPORT)]
        assert len(letters) == LETTERS == state["done"] and all(docx.Document(str(p)).paragraphs for p in letters)
    else:
        assert state["status"] == jobs.FAILED
        assert "dừng giữa chừng" in state["error"] and "Hãy chạy lại" in state["error"]
        assert found == []


def test_a_consumer_killed_mid_job_leaves_the_job_failed_with_why_and_no_batch(root):
    port = free_port()
    env = office_env()
    server = start_server(root, env, port, "--no-worker")
    worker = start_worker(root, env)
    try:
        with closing(signed_in(f"http://127.0.0.1:{port}", "chuyenvien")) as client:
            job_id = start_build(client)
            running = wait_job(root, job_id, (jobs.RUNNING,))
            assert running["worker"].endswith(f":{worker.pid}")
            worker.stop(signal.SIGKILL)
            assert jobs.job_state(root, job_id)["status"] == jobs.RUNNING  # nobody has looked yet
            again = start_worker(root, env)  # a restarted consumer (systemd Restart=) marks it failed
            try:
                assert any("1 việc đang chạy dở" in line for line in again.lines)
                failed = jobs.job_state(root, job_id)
                _assert_complete_or_absent(root, failed)
                assert failed["status"] == jobs.FAILED
                page = client.get(f"/cong-viec/{job_id}").text
                assert "không thành công" in page and "dừng giữa chừng" in page
                # the queue still works: the next build is done once, by the new consumer
                second = wait_job(root, start_build(client))
                assert second["status"] == jobs.DONE and second["worker"].endswith(f":{again.pid}")
            finally:
                again.stop()
    finally:
        worker.stop()
        server.stop()


def test_a_server_stopped_mid_build_leaves_the_batch_complete_or_absent(root):
    port = free_port()
    env = office_env()
    server = start_server(root, env, port)  # with its child consumer
    try:
        with closing(signed_in(f"http://127.0.0.1:{port}", "chuyenvien")) as client:
            job_id = start_build(client)
            wait_job(root, job_id, (jobs.RUNNING,))
        server.stop(signal.SIGINT)  # Ctrl+C: the child consumer is asked to finish its job, then ends
    finally:
        server.stop()
    server = start_server(root, env, port)
    try:
        state = wait_job(root, job_id, timeout=5)
        _assert_complete_or_absent(root, state)
    finally:
        server.stop()
