"""One register for an office (docs/office.md): the register URL without passwords in congvan.toml, the shared
archive folder, column limits checked before insert, `register move`, and three workspaces issuing at once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from congvan.batch.issue import issue_batch
from congvan.batch.register_flows import (
    NumberRequest,
    ReserveRequest,
    move,
    recreate,
    reserve,
    send,
    verify,
    void,
)
from congvan.batch.workflows import BuildRequest, build_letters
from congvan.cli import cli
from congvan.config import load_workspace
from congvan.errors import ConfigError, EnvironmentMissing, RegisterError
from congvan.register.schema import events
from congvan.register.store import Register
from tests.conftest import HEALTH, ROOT, UNITS, make_workspace, standard_sheets, write_workbook
from tests.test_bad_inputs import assert_nothing_written
from tests.test_register_support import backend_url, freeze_today, make_batch

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server."""
    yield from backend_url("postgresql", tmp_path)


def _edit_section(workspace: Path, section: str, lines: str) -> None:
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    assert f"[{section}]\n" in text
    config.write_text(text.replace(f"[{section}]\n", f"[{section}]\n{lines}\n", 1), encoding="utf-8")


# -- the register URL --


def test_a_password_in_congvan_toml_is_refused_naming_file_line_and_key(workspace: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    _edit_section(workspace, "register", 'url = "postgresql://vanthu:bi_mat@192.168.1.10/congvan"')
    line = 1 + next(i for i, text in enumerate((workspace / "congvan.toml").read_text(encoding="utf-8").splitlines())
                    if text.startswith("url = "))
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    message = str(err.value)
    assert f"congvan.toml, dòng {line}, [register] url" in message
    assert "mật khẩu" in message and "~/.pgpass" in message and "CONGVAN_REGISTER_URL" in message
    assert "bi_mat" not in message
    result = CliRunner().invoke(cli, ["register", "list", "-w", str(workspace)])
    assert result.exit_code == 1 and "[register] url" in result.output


def test_the_url_comes_from_the_environment_then_url_env_then_the_file(workspace: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    assert load_workspace(workspace).register_url.endswith("/output/so_van_ban_di.sqlite")
    _edit_section(workspace, "register", 'url = "postgresql://vanthu@may-chu/congvan"\nurl_env = "SO_CHUNG"')
    with pytest.raises(EnvironmentMissing, match=r"url_env: biến môi trường SO_CHUNG chưa được đặt"):
        _ = load_workspace(workspace).register_url  # never a silent fall back to a local register
    monkeypatch.setenv("SO_CHUNG", "postgresql://vanthu@may-chu-b/congvan")
    assert load_workspace(workspace).register_url == "postgresql://vanthu@may-chu-b/congvan"
    monkeypatch.setenv("CONGVAN_REGISTER_URL", "postgresql://vanthu@may-chu-c/congvan")
    assert load_workspace(workspace).register_url == "postgresql://vanthu@may-chu-c/congvan"


def test_url_env_must_name_a_variable_not_hold_the_url(workspace: Path) -> None:
    _edit_section(workspace, "register", 'url_env = "postgresql://vanthu@may-chu/congvan"')
    with pytest.raises(ConfigError, match=r"\[register\] url_env: .* không phải tên biến môi trường"):
        load_workspace(workspace)


@pytest.mark.postgres
def test_a_url_without_password_reads_it_from_pgpass(workspace: Path, pg_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq takes the password of a URL without one from the file PGPASSFILE (default ~/.pgpass)."""
    url = sa.make_url(pg_url)
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg"), poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text("DROP ROLE IF EXISTS office_pgpass_test"))
        conn.execute(sa.text("CREATE ROLE office_pgpass_test LOGIN PASSWORD 'tu_pgpass'"))
    try:
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"{url.host}:{url.port}:*:office_pgpass_test:tu_pgpass\n", encoding="utf-8")
        pgpass.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(pgpass))
        clerk = url.set(username="office_pgpass_test", query={}).render_as_string(hide_password=False)
        with Register(clerk, migrate=False) as register, register.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_user")).scalar() == "office_pgpass_test"
            assert conn.connection.dbapi_connection.info.password == "tu_pgpass"  # type: ignore[union-attr]
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text("DROP ROLE office_pgpass_test"))
        admin.dispose()


# -- column limits --


def test_a_unit_name_too_long_for_the_register_is_refused_before_insert(tmp_path: Path, register_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_today(monkeypatch, DAY)
    output = tmp_path / "output"
    long_name = "Phường " + "Nha Trang " * 25
    batch = make_batch(output / "drafts", ["Phường Cam Ranh", long_name])
    with pytest.raises(RegisterError) as err:
        issue_batch(batch, register=register_url, output_dir=output, issued_on=DAY)
    message = str(err.value)
    assert message.startswith(f"văn bản gửi {long_name.strip()[:40]}")
    assert "tên đơn vị dài" in message and "tối đa 200" in message and "Sổ chưa ghi gì" in message
    assert "INSERT" not in message and "context_json" not in message
    with Register(register_url) as register:
        assert register.records() == [] and register.peek_next("SNV", 2026) == 1
    assert not list((output / "2026").glob("*.docx"))


def test_build_issue_with_a_unit_name_too_long_writes_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    long_name = "Xã " + "Rất Dài " * 30
    units = {**UNITS, long_name.strip(): UNITS["Xã Cam Lâm"]}
    write_workbook(workspace / "data" / "ket_qua_2025.xlsx", standard_sheets(units, {**HEALTH, long_name.strip(): 0.8}),
                   formats={"Trạm y tế": "0.00%"})
    result = CliRunner().invoke(cli, ["build", "--issue", "-w", str(workspace)])
    assert result.exit_code == 1 and "tên đơn vị dài 242 ký tự, sổ chỉ giữ tối đa 200" in result.output, result.output
    assert_nothing_written(workspace)  # no draft batch, no letter, no number


def test_signer_subject_and_receipt_limits_name_the_field(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    with pytest.raises(RegisterError, match=r"họ tên người ký dài 60 ký tự, sổ chỉ giữ tối đa 50 \(rút .*--nguoi-ky"):
        reserve(ReserveRequest(workspace, "báo cáo quý IV", signer_name="Nguyễn" + "n" * 54))
    with pytest.raises(RegisterError, match=r"trích yếu dài 600 ký tự, sổ chỉ giữ tối đa 500"):
        reserve(ReserveRequest(workspace, "x" * 600))
    number = reserve(ReserveRequest(workspace, "báo cáo quý IV")).record.number_symbol.split("/")[0]
    with pytest.raises(RegisterError, match=r"ký nhận dài 250 ký tự, sổ chỉ giữ tối đa 200"):
        send(workspace, (number,), receipt="k" * 250)


# -- the shared archive folder --


def test_a_shared_archive_folder_that_is_not_mounted_is_refused(workspace: Path, tmp_path: Path) -> None:
    _edit_section(workspace, "luu_tru", f'thu_muc = "{tmp_path / "o_mang"}"')
    with pytest.raises(EnvironmentMissing, match=r"\[luu_tru\] thu_muc: không thấy thư mục lưu trữ chung"):
        _ = load_workspace(workspace).archive_dir
    (tmp_path / "o_mang").mkdir()
    ws = load_workspace(workspace)
    assert ws.archive_dir == tmp_path / "o_mang" and ws.drafts_dir == workspace / "output" / "drafts"


def _issue_in(workspace: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "congvan", "issue", "latest", "-w", str(workspace)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.postgres
def test_three_workspaces_share_one_register_and_archive(tmp_path: Path, pg_url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "van_ban_di"
    archive.mkdir()
    names = list(UNITS)
    shares = [names[0:2], names[2:4], names[4:5]]
    workspaces = [make_workspace(tmp_path / f"may_{i}") for i in range(3)]
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    monkeypatch.setenv("SO_CHUNG", pg_url)
    for index, workspace in enumerate(workspaces):
        _edit_section(workspace, "luu_tru", f'thu_muc = "{archive}"')
        _edit_section(workspace, "register", 'url_env = "SO_CHUNG"' if index == 0 else "")
        build_letters(BuildRequest(workspace, units=tuple(shares[index])))
    env = {**os.environ, "CONGVAN_REGISTER_URL": pg_url}
    first = {**{k: v for k, v in env.items() if k != "CONGVAN_REGISTER_URL"}, "SO_CHUNG": pg_url}
    runs = [_issue_in(ws, first if i == 0 else env) for i, ws in enumerate(workspaces)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    with Register(pg_url) as register:
        rows = register.records()
    assert sorted(r.number for r in rows) == [1, 2, 3, 4, 5]
    assert sorted(r.unit for r in rows) == sorted(names)
    year = rows[0].year
    assert sorted(p.name[:2] for p in (archive / str(year)).glob("*.docx")) == ["01", "02", "03", "04", "05"]
    assert not any((ws / "output" / str(year)).exists() for ws in workspaces)
    for index, workspace in enumerate(workspaces):
        monkeypatch.setenv("CONGVAN_REGISTER_URL", pg_url)
        if index == 0:
            monkeypatch.delenv("CONGVAN_REGISTER_URL")
        result = verify(workspace)
        assert result.report.ok and result.report.checked == 5, result.report
        for record in rows:  # every letter, whichever machine issued it
            out = tmp_path / f"tao_lai_{index}_{record.number}.docx"
            result_code = CliRunner().invoke(cli, ["register", "recreate", f"{record.number:02d}", "--year",
                                                   str(year), "--out", str(out), "-w", str(workspace)])
            assert result_code.exit_code == 0 and "trùng khớp từng byte" in result_code.output, result_code.output


# -- register move --


@pytest.mark.postgres
def test_move_copies_an_sqlite_register_with_its_chain_and_marks_it(workspace: Path, pg_url: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    build_letters(BuildRequest(workspace, units=tuple(list(UNITS)[:3]), issue=True))
    reserve(ReserveRequest(workspace, "báo cáo quý IV"))
    void(NumberRequest(workspace, "02"), "sai tên đơn vị")
    send(workspace, ("01",), receipt="Hệ thống quản lý văn bản")
    source_url = load_workspace(workspace).register_url
    with Register(source_url) as source, source.read() as conn:
        chain = [tuple(row) for row in conn.execute(sa.select(events.c.seq, events.c.hash).order_by(events.c.seq))]
    shutil.rmtree(workspace / "output" / "templates")  # as issued before congvan kept templates in the archive
    result = CliRunner().invoke(cli, ["register", "move", "--to", pg_url, "-w", str(workspace)])
    assert result.exit_code == 0 and "Đã chuyển 4 văn bản" in result.output, result.output
    with Register(pg_url) as target, target.read() as conn:
        copied = [tuple(row) for row in conn.execute(sa.select(events.c.seq, events.c.hash).order_by(events.c.seq))]
    assert copied == chain
    with pytest.raises(RegisterError, match="đã chuyển sang"):
        Register(source_url)
    monkeypatch.setenv("CONGVAN_REGISTER_URL", pg_url)
    assert verify(workspace).report.ok
    shutil.rmtree(workspace / "output" / "drafts")  # the templates were kept in the archive: recreate needs no draft
    assert recreate(NumberRequest(workspace, "03"), tmp_path / "lai_03.docx").same
    assert reserve(ReserveRequest(workspace, "báo cáo tháng 12")).record.number == 5  # the copy numbers on
    other = make_workspace(tmp_path / "khac")
    monkeypatch.delenv("CONGVAN_REGISTER_URL")
    reserve(ReserveRequest(other, "một văn bản"))
    with pytest.raises(RegisterError, match=r"đã có dữ liệu \(5 văn bản"):
        move(other, pg_url)
