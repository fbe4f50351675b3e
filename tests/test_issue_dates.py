"""Issue dates a văn thư recognises: today by default, never in the future, back-dating only when asked
(and recorded), a withdrawn letter frees its date, `reserve --date`, and `build --date` never ignored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan import clock
from congvan.batch.issue import issue_batch
from congvan.cli import cli
from congvan.errors import RegisterError
from congvan.register.records import NewDocument
from congvan.register.store import Register
from tests.test_register_support import UNITS, freeze_today, make_batch

DAY = dt.date(2026, 11, 23)


def hand_doc() -> NewDocument:
    return NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject="báo cáo", organ_name="SỞ NỘI VỤ")


def test_the_date_defaults_to_today_in_vietnam(tmp_path: Path, register_url: str, monkeypatch: pytest.MonkeyPatch):
    freeze_today(monkeypatch, DAY)
    output = tmp_path / "output"
    result = issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output)
    assert result.issued_date == DAY
    with Register(register_url) as register:
        assert register.reserve(hand_doc(), organ="SNV").issued_date == DAY


def test_a_date_after_today_is_refused_and_takes_no_number(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(RegisterError, match="ở sau hôm nay"):
        issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output,
                    issued_on=tomorrow)
    with Register(register_url) as register:
        with pytest.raises(RegisterError, match="ở sau hôm nay"):
            register.reserve(hand_doc(), organ="SNV", date=tomorrow)
        assert register.records() == [] and register.peek_next("SNV", tomorrow.year) == 1


def test_back_dating_needs_backdate_and_is_recorded(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    issue_batch(make_batch(output / "drafts", UNITS[:1]), register=register_url, output_dir=output, issued_on=DAY)
    earlier = DAY - dt.timedelta(days=5)
    with pytest.raises(RegisterError, match="--backdate"):
        issue_batch(make_batch(output / "drafts", UNITS[1:2]), register=register_url, output_dir=output,
                    issued_on=earlier)
    result = issue_batch(make_batch(output / "drafts", UNITS[1:2]), register=register_url, output_dir=output,
                         issued_on=earlier, backdate=True)
    assert result.backdated and result.letters[0].number == 2
    with Register(register_url) as register:
        rows = register.records()
        assert [(r.number, r.issued_date) for r in rows] == [(1, DAY), (2, earlier)]
        with register.read() as conn:
            flags = dict(conn.exec_driver_sql("SELECT number, backdated FROM documents").all())
        assert bool(flags[2]) and not flags[1]
        assert register.verify(output).ok  # the mark is part of the chained row


def test_voiding_the_latest_letter_frees_its_date(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    with Register(register_url) as register:
        register.reserve(hand_doc(), organ="SNV", date=DAY - dt.timedelta(days=2))
        register.reserve(hand_doc(), organ="SNV", date=DAY)  # e.g. a wrong date typed by hand
        with pytest.raises(RegisterError, match="sớm hơn"):
            register.reserve(hand_doc(), organ="SNV", date=DAY - dt.timedelta(days=1))
        register.void("SNV", 2026, 2, "ghi nhầm ngày")
        record = register.reserve(hand_doc(), organ="SNV", date=DAY - dt.timedelta(days=1))
        assert record.number == 3 and record.issued_date == DAY - dt.timedelta(days=1)
        assert register.verify(output).ok


def _workspace_env(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{workspace / 'output' / 'so_van_ban_di.sqlite'}"
    monkeypatch.setenv("CONGVAN_REGISTER_URL", url)
    return url


def test_reserve_takes_a_date(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _workspace_env(workspace, monkeypatch)
    runner = CliRunner()
    result = runner.invoke(cli, ["register", "reserve", "-w", str(workspace), "--trich-yeu", "V/v họp",
                                 "--date", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(cli, ["register", "show", "01", "-w", str(workspace), "--year", "2026"])
    assert "Ngày: 23/11/2026" in shown.output
    refused = runner.invoke(cli, ["register", "reserve", "-w", str(workspace), "--trich-yeu", "V/v họp",
                                  "--date", (DAY - dt.timedelta(days=1)).isoformat()])
    assert refused.exit_code == 1 and "--backdate" in refused.stderr
    backdated = runner.invoke(cli, ["register", "reserve", "-w", str(workspace), "--trich-yeu", "V/v họp",
                                    "--date", (DAY - dt.timedelta(days=1)).isoformat(), "--backdate"])
    assert backdated.exit_code == 0 and backdated.output.strip().endswith("02/SNV-CCHC")


def test_build_date_without_issue_is_refused_and_writes_nothing(workspace: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _workspace_env(workspace, monkeypatch)
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--date", DAY.isoformat()])
    assert result.exit_code == 2 and "chỉ dùng cùng --issue" in result.stderr
    assert not (workspace / "output" / "drafts").exists()


def test_a_refused_issue_date_stops_the_build_before_any_draft(workspace: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = _workspace_env(workspace, monkeypatch)
    tomorrow = clock.today() + dt.timedelta(days=1)
    result = CliRunner().invoke(cli, ["build", "-w", str(workspace), "--issue", "--date", tomorrow.isoformat()])
    assert result.exit_code == 1 and "ở sau hôm nay" in result.stderr
    drafts = workspace / "output" / "drafts"
    assert not drafts.exists() or list(drafts.iterdir()) == []
    with Register(url) as register:
        assert register.records() == []
