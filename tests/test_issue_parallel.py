"""Issuing with the letters made in forked workers (congvan.processes `Workers`): the same letters, rows and chain as
in one process, a refusal in a worker named as in one process, and no worker left when the issuer is killed."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from congvan import clock, processes
from congvan.batch.issue import PAUSE_AFTER_ENV, PAUSE_MARKER_ENV, issue_batch
from congvan.errors import EnvironmentMissing, RegisterError
from congvan.register import chain
from congvan.register.schema import events
from congvan.register.store import Register
from tests.test_register_support import make_batch, make_template, rehash, sqlite_url

DAY = dt.date(2026, 11, 23)
UNITS = [f"Phường Số {i}" for i in range(1, 12)]
BATCH = "20261122-093012-abc123"


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two letters: several in flight at once, handed back in order."""
    monkeypatch.setattr(processes, "CHUNK", 2)


def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = dt.datetime(2026, 11, 23, 9, 30, tzinfo=clock.VIETNAM_TZ)
    monkeypatch.setattr(clock, "now", lambda: stamp)
    monkeypatch.setattr(chain, "now", lambda: stamp)


def _issued(tmp_path: Path, workers: int) -> tuple[dict[str, bytes], list[object], list[tuple[object, ...]]]:
    """Issue the same batch into a fresh folder and register with `workers`; return files, rows, events."""
    output = tmp_path / f"workers-{workers}"
    template = tmp_path / "template.docx"  # one template: its members' times are in every letter
    if not template.exists():
        make_template(template)
    batch = make_batch(output / "drafts", UNITS, batch_id=BATCH, template=template)
    url = sqlite_url(output)
    result = issue_batch(batch, register=url, output_dir=output, issued_on=DAY, workers=workers)
    assert [letter.number for letter in result.letters] == list(range(1, len(UNITS) + 1))
    files = {p.name: p.read_bytes() for p in sorted((output / "2026").glob("*.docx"))}
    with Register(url) as register:
        assert register.verify(output).ok
        rows = list(register.records())
        with register.read() as conn:
            chained = [tuple(row) for row in conn.execute(sa.select(events).order_by(events.c.seq))]
    return files, rows, chained


def test_letters_made_by_workers_are_those_made_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 small_chunks: None) -> None:
    _frozen(monkeypatch)
    alone = _issued(tmp_path, workers=1)
    forked = _issued(tmp_path, workers=2)
    assert len(alone[0]) == len(UNITS) and alone[0] == forked[0]  # same names, same bytes
    assert alone[1] == forked[1]  # every column of every row
    assert alone[2] == forked[2]  # the chain: payloads and hashes


@pytest.mark.parametrize("workers", [1, 2])
def test_a_context_refused_on_use_is_named_and_takes_no_number(tmp_path: Path, workers: int,
                                                               small_chunks: None) -> None:
    output = tmp_path / "output"
    batch = make_batch(output / "drafts", UNITS)
    context = batch / "07_phuong-so-7.json"
    stored = json.loads(context.read_text(encoding="utf-8"))
    del stored["dia_danh"]
    context.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    rehash(batch)  # a hand-made batch whose hashes match: the missing key is found when the letter is made
    url = sqlite_url(output)
    with pytest.raises(RegisterError) as info:
        issue_batch(batch, register=url, output_dir=output, issued_on=DAY, workers=workers)
    assert str(info.value) == f"{context}: thiếu khóa 'dia_danh'."
    with Register(url) as register:
        assert register.records() == [] and register.peek_next("SNV", 2026) == 1
    assert [p.name for p in (output / "2026").iterdir()] == []  # no letter, no pending file


_ISSUE_SCRIPT = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from congvan import processes
    from congvan.batch.issue import issue_batch
    processes.CHUNK = 2
    issue_batch(Path(sys.argv[1]), register=sys.argv[2], output_dir=Path(sys.argv[3]),
                issued_on=dt.date(2026, 11, 23), workers=2)
""")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_killing_the_issuer_leaves_no_worker_and_takes_no_number(tmp_path: Path) -> None:
    output = tmp_path / "output"
    url = sqlite_url(output)
    with Register(url):
        pass
    batch = make_batch(output / "drafts", UNITS)
    marker = tmp_path / "paused"
    env = {**os.environ, PAUSE_AFTER_ENV: "5", PAUSE_MARKER_ENV: str(marker)}
    child = subprocess.Popen([sys.executable, "-c", _ISSUE_SCRIPT, str(batch), url, str(output)], env=env,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"issuing process ended before the pause: {child.stderr.read().decode()}")
            assert time.monotonic() < deadline, "issuing process did not reach the pause within 60 s"
            time.sleep(0.05)
        workers = _children(child.pid)
        assert len(workers) == 2
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stderr.close()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers):
        assert time.monotonic() < deadline, f"workers {workers} outlived the killed issuer"
        time.sleep(0.05)
    with Register(url) as register:
        assert register.records() == [] and register.peek_next("SNV", 2026) == 1
    result = issue_batch(batch, register=url, output_dir=output, issued_on=DAY, workers=2)
    assert [letter.number for letter in result.letters] == list(range(1, len(UNITS) + 1))
    with Register(url) as register:
        assert register.verify(output).ok


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_workers_are_forked_only_from_a_process_without_other_threads(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from congvan.batch import issue

    counts: list[int] = []

    class Recorded(processes.Workers):  # type: ignore[type-arg]
        def __enter__(self) -> processes.Workers:  # type: ignore[type-arg]
            counts.append(self.count)
            return super().__enter__()

    monkeypatch.setattr(issue, "Workers", Recorded)
    monkeypatch.setattr(issue, "PARALLEL_FROM", 2)
    monkeypatch.setattr(issue, "available_cpus", lambda: 2)
    stop = threading.Event()
    web = threading.Thread(target=stop.wait)  # as in the web server, another thread runs
    web.start()
    try:
        output = tmp_path / "threaded"
        issue_batch(make_batch(output / "drafts", UNITS), register=sqlite_url(output), output_dir=output,
                    issued_on=DAY)
    finally:
        stop.set()
        web.join()
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # as the CLI (pytest may run threads of its own)
    output = tmp_path / "alone"
    issue_batch(make_batch(output / "drafts", UNITS), register=sqlite_url(output), output_dir=output, issued_on=DAY)
    assert counts == [1, 2]


def _dies_on_five(item: int) -> int:
    if item == 5:
        os._exit(1)  # as when the kernel kills a worker that took too much memory
    return item * 2


def test_a_worker_that_dies_is_reported_not_a_traceback(small_chunks: None) -> None:
    with processes.Workers(_dies_on_five, 2) as workers:
        assert list(workers.map(range(4))) == [0, 2, 4, 6]
        with pytest.raises(EnvironmentMissing, match="tiến trình phụ đã dừng đột ngột"):
            list(workers.map(range(10)))
