"""scripts/office_setup_check.sh does what docs/office.md tells a văn thư, against the test PostgreSQL server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_register_support import PG_ENV, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "office_setup_check.sh"
DOC = (ROOT / "docs" / "office.md").read_text(encoding="utf-8")


@pytest.mark.postgres
def test_the_office_document_runs_from_setup_to_restore(tmp_path: Path) -> None:
    base = os.environ.get(PG_ENV)
    if not base:
        skip_or_fail(f"{PG_ENV} is not set")
    admin = sa.make_url(str(base)).set(database="postgres").render_as_string(hide_password=False)
    suffix = uuid.uuid4().hex[:8]
    env = {**os.environ, "OFFICE_ROLE": f"vanthu_{suffix}", "OFFICE_DB": f"congvan_{suffix}",
           "CONGVAN": str(Path(sys.executable).parent / "congvan")}
    env.pop("CONGVAN_REGISTER_URL", None)
    result = subprocess.run(["bash", str(SCRIPT), admin], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = re.findall(r"== office_setup_check: (\d)\.", result.stderr)
    assert steps == [str(n) for n in range(1, 10)]
    assert "xong: mọi bước của docs/office.md chạy được" in result.stderr
    with sa.create_engine(sa.make_url(admin).set(drivername="postgresql+psycopg")).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_roles WHERE rolname = :r"),
                            {"r": env["OFFICE_ROLE"]}).scalar() == 0  # the script cleans up after itself


def test_the_script_runs_the_commands_the_document_gives() -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    for command in ("congvan register init-postgres", "chmod 600 ~/.pgpass", "pg_dump -Fc", "pg_restore",
                    "congvan register verify", "congvan register recreate 01", "[luu_tru]", "thu_muc =",
                    "tar -czf", "scram-sha-256", "congvan web worker", "--no-worker", "KillSignal=SIGINT"):
        assert command in DOC, command
    for command in ("register init-postgres", "chmod 600", "pg_dump -Fc", "pg_restore", "register verify",
                    "register recreate 01", "[luu_tru]", "thu_muc = ", "tar -czf", "scram-sha-256",
                    "web worker --check", "ExecStart"):
        assert command in script, command
