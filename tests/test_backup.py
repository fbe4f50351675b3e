"""Backup and restore as docs/office.md section 7 tells it: pg_dump of the register and tar of the archive,
restored into a NEW database and another folder, where `register verify` finds the chain and every file whole;
a letter issued after the database backup is reported, its number skipped so none is given twice; a restored
archive file changed afterwards is caught. The systemd units of section 9 are complete."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from congvan.cli import cli
from congvan.config.editing import TomlEditor
from congvan.config.schema import ConfigFile
from congvan.errors import ConfigError
from tests.conftest import require_tool
from tests.test_register_support import PG_ENV, backend_url, skip_or_fail

UNITS = ("Phường Nha Trang", "Xã Cam Lâm", "Phường Cam Ranh")  # 01–03 in the backup


@pytest.fixture
def source_url(tmp_path: Path) -> Iterator[str]:
    """The live register: a fresh schema on the test server."""
    yield from backend_url("postgresql", tmp_path)


@pytest.fixture
def new_database() -> Iterator[sa.URL]:
    """An empty database on the test server, dropped afterwards (the new server of a restore)."""
    base = os.environ.get(PG_ENV)
    if not base:
        skip_or_fail(f"{PG_ENV} is not set")
    server = sa.make_url(str(base))
    name = f"congvan_restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server.set(drivername="postgresql+psycopg", database="postgres"),
                             isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name, query={})
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def congvan(workspace: Path, url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "-w", str(workspace)], env={"CONGVAN_REGISTER_URL": url})
    return result.exit_code, result.output


def _archive_in(workspace: Path, folder: Path) -> None:
    editor = TomlEditor.open(workspace / "congvan.toml", ConfigFile, error=ConfigError)
    editor.set(("luu_tru", "thu_muc"), str(folder))
    editor.save()


@pytest.mark.postgres
def test_dump_and_tar_restore_into_a_new_database_and_folder_and_verify(
        workspace: Path, tmp_path: Path, source_url: str, new_database: sa.URL) -> None:
    for tool in ("pg_dump", "pg_restore", "tar"):
        require_tool(tool)
    share = tmp_path / "srv" / "van_ban_di"
    share.mkdir(parents=True)
    _archive_in(workspace, share)
    code, out = congvan(workspace, source_url, "build", *(a for u in UNITS for a in ("--unit", u)), "--issue",
                        "--date", "2026-11-23")
    assert code == 0, out
    schema = dict(p.split("=", 1) for p in sa.make_url(source_url).query["options"].split()
                  if p.startswith("-csearch_path"))["-csearch_path"]
    server = sa.make_url(source_url).set(query={}).render_as_string(hide_password=False)

    backups = tmp_path / "backups"
    backups.mkdir()
    subprocess.run(["pg_dump", "-Fc", "-n", schema, "-d", server, "-f", str(backups / "so.dump")], check=True)
    code, out = congvan(workspace, source_url, "build", "--unit", "Xã Diên Khánh", "--issue", "--date", "2026-11-24")
    assert code == 0 and "04/SNV-CCHC" in out, out  # issued after the database backup, before the archive's
    subprocess.run(["tar", "-czf", str(backups / "van_ban_di.tar.gz"), "-C", str(share.parent), share.name],
                   check=True)

    restored_share = tmp_path / "may_chu_moi"
    restored_share.mkdir()
    target = new_database.render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "-d", target, str(backups / "so.dump")], check=True)
    subprocess.run(["tar", "-xzf", str(backups / "van_ban_di.tar.gz"), "-C", str(restored_share)], check=True)
    restored_url = f"{target}?options=-csearch_path%3D{schema}"
    restored_ws = tmp_path / "ws_moi"
    workspace.rename(restored_ws)  # the clerks' workspace, now pointed at the new server and folder
    archive = restored_share / "van_ban_di"
    _archive_in(restored_ws, archive)

    (late,) = (archive / "2026").glob("04-*.docx")
    code, out = congvan(restored_ws, restored_url, "register", "verify")
    assert code == 1 and late.name in out  # the letter the database backup missed is reported, not lost
    kept = tmp_path / "van_ban_di_ngoai_so"
    kept.mkdir()
    late.rename(kept / late.name)
    assert congvan(restored_ws, restored_url, "register", "set-next", "5", "--year", "2026")[0] == 0
    code, out = congvan(restored_ws, restored_url, "register", "verify")
    assert code == 0, out
    code, out = congvan(restored_ws, restored_url, "register", "list", "--year", "2026")
    assert [line.split("\t")[0] for line in out.splitlines()[:3]] == ["01/SNV-CCHC", "02/SNV-CCHC", "03/SNV-CCHC"]
    code, out = congvan(restored_ws, restored_url, "build", "--unit", "Đặc khu Trường Sa", "--issue",
                        "--date", "2026-11-25")
    assert code == 0 and "05/SNV-CCHC" in out, out  # no number is given twice

    (letter,) = (archive / "2026").glob("01-*.docx")
    letter.write_bytes(letter.read_bytes() + b"\0")
    code, out = congvan(restored_ws, restored_url, "register", "verify")
    assert code == 1 and letter.name in out


def test_the_systemd_units_of_office_md_run_the_expected_commands_unprivileged() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "office.md").read_text(encoding="utf-8")
    units = re.findall(r"`/etc/systemd/system/(congvan-[\w@-]+\.service)`.*?\n```ini\n(.*?)```", doc, re.S)
    assert [name for name, _ in units] == ["congvan-web.service", "congvan-worker@.service"]
    commands = []
    for _name, text in units:
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read_string(text)
        service = unit["Service"]
        assert service["User"] == "congvan" and service["Restart"] == "on-failure"
        assert "postgresql.service" in unit["Unit"]["After"] and unit["Install"]["WantedBy"] == "multi-user.target"
        commands.append(service["ExecStart"].split("/bin/", 1)[1])
    assert commands == ["congvan web --no-worker --host 0.0.0.0 --port 8000", "congvan web worker --workers 2"]
    assert "congvan-worker@1 congvan-worker@2" in doc
