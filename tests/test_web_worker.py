"""`congvan web worker` and the queue it reads: a queue URL that is not PostgreSQL or carries a password is
refused before anything runs, an unreachable one names the place (never a password), `--check` says where the
jobs wait."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from congvan.cli.main import cli
from congvan.errors import ConfigError, DatabaseUnavailable
from congvan.web import jobs
from tests.test_register_support import backend_url


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_worker_check_names_the_workspace_queue_file(workspace, monkeypatch):
    monkeypatch.delenv(jobs.QUEUE_URL_ENV, raising=False)
    code, out = _run("web", "worker", "-w", str(workspace), "--workers", "2", "--check")
    assert code == 0 and "Sẵn sàng nhận việc nền" in out and ".congvan-web/huey.sqlite" in out


@pytest.mark.parametrize(("url", "error", "words"), [
    ("redis://localhost:6379/0", ConfigError, "chỉ dùng được PostgreSQL"),
    ("postgresql://vanthu:bi-mat@localhost:5432/congvan", ConfigError, "~/.pgpass"),
    ("postgresql://vanthu@127.0.0.1:1/congvan", DatabaseUnavailable, "vanthu@127.0.0.1:1/congvan"),
])
def test_a_wrong_queue_url_is_refused_saying_what_to_do(workspace, monkeypatch, url, error, words):
    monkeypatch.setenv(jobs.QUEUE_URL_ENV, url)
    with pytest.raises(error) as caught:
        jobs.make_queue(workspace)
    assert words in str(caught.value) and jobs.QUEUE_URL_ENV in str(caught.value)
    assert "bi-mat" not in str(caught.value)
    code, out = _run("web", "worker", "-w", str(workspace), "--check")
    assert code == error.exit_code and words in out


@pytest.mark.postgres
def test_worker_check_opens_the_postgresql_queue(workspace, monkeypatch, tmp_path):
    for url in backend_url("postgresql", tmp_path):
        monkeypatch.setenv(jobs.QUEUE_URL_ENV, url)
        code, out = _run("web", "worker", "-w", str(workspace), "--check")
        assert code == 0 and "từ PostgreSQL" in out, out
        assert jobs.make_queue(workspace).huey.pending_count() == 0
