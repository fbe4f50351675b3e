"""Helpers for the register and issuing tests: backends, draft batches made by hand (no tests here)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import sqlalchemy as sa

from congvan.files import sha256_file
from congvan.letter.context import number_fields
from congvan.register.engine import normalize_url
from congvan.vn import slugify

PG_ENV = "CONGVAN_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def skip_or_fail(message: str) -> None:
    """Skip locally; fail under CI=true, where the environment must provide what the test needs."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: .ci/run must provide it)")
    pytest.skip(message)


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'so_van_ban_di.sqlite'}"


def backend_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield a fresh, empty register URL: an SQLite file, or a new schema on the test PostgreSQL server.

    Test modules wrap it in their own fixture: `@pytest.fixture(params=BACKENDS)` +
    `yield from backend_url(request.param, tmp_path)`.
    """
    if kind == "sqlite":
        yield sqlite_url(tmp_path / "output")
        return
    yield from _postgres_schema_url()


def _postgres_schema_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        skip_or_fail(f"{PG_ENV} is not set: start a server with `eval \"$(bash scripts/ci_postgres.sh)\"`")
    schema = "t_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(normalize_url(base), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as err:
        engine.dispose()
        skip_or_fail(f"PostgreSQL at {PG_ENV} is not reachable: {err.orig}")
    try:
        yield base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def make_template(path: Path) -> Path:
    """A tiny letter template using the fields that change when a draft is issued."""
    document = docx.Document()
    document.add_paragraph("{{ co_quan.ten }}")
    document.add_paragraph("Số: {{ so_ky_hieu }}")
    document.add_paragraph("{{ dia_danh_ngay }}")
    document.add_paragraph("V/v {{ trich_yeu }}")
    document.add_paragraph("Kính gửi: {{ don_vi.ubnd }}")
    document.add_paragraph("Đề nghị {{ don_vi.ten }} khắc phục hạn chế./.")
    document.add_paragraph("{{ ky.quyen_han }} {{ ky.chuc_vu }} {{ ky.ho_ten }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def letter_context(unit: str, *, symbol: str = "SNV-CCHC", month: int = 11, year: int = 2026) -> dict[str, Any]:
    """The context of one draft letter with the glossary keys the register reads."""
    lower = unit[0].lower() + unit[1:]
    context: dict[str, Any] = {
        "co_quan": {"chu_quan": "UBND TỈNH KHÁNH HÒA", "ten": "SỞ NỘI VỤ", "viet_tat": "SNV"},
        "don_vi_soan_thao": "CCHC",
        "ky_hieu": symbol,
        "dia_danh": "Khánh Hòa",
        "trich_yeu": f"khắc phục hạn chế Chỉ số hài lòng năm 2025 của {lower}",
        "kinh_gui": [f"UBND {lower}"],
        "noi_nhan": ["Như trên;", "Giám đốc Sở (b/c);", "Lưu: VT, CCHC (02b)."],
        "ky": {"quyen_han": "KT. GIÁM ĐỐC", "chuc_vu": "PHÓ GIÁM ĐỐC", "ho_ten": "Trần Văn Minh"},
        "don_vi": {"ten": lower, "ten_hoa": unit, "ubnd": f"UBND {lower}"},
    }
    context.update(number_fields(symbol, "Khánh Hòa", number=None, date=None, draft_month=month, draft_year=year))
    return context


def make_batch(parent: Path, units: list[str], *, batch_id: str | None = None, symbol: str = "SNV-CCHC",
               document_type: str = "Công văn", template: Path | None = None, workspace: Path | None = None) -> Path:
    """Write a draft batch folder (docs/drafts.md) with one letter per unit; return its path.

    With `workspace`, the manifest records its congvan.toml as the one input, so issuing through the
    workspace does not find the batch stale.
    """
    batch_id = batch_id or dt.datetime(2026, 11, 22, 9, 30, 12).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    folder = parent / batch_id
    folder.mkdir(parents=True)
    if template is None:
        make_template(folder / "template.docx")
    else:
        shutil.copyfile(template, folder / "template.docx")
    letters = []
    for index, unit in enumerate(units, start=1):
        stem = f"{index:02d}_{slugify(unit)}"
        context = letter_context(unit, symbol=symbol)
        (folder / f"{stem}.json").write_text(json.dumps(context, ensure_ascii=False, indent=1), encoding="utf-8")
        (folder / f"{stem}.docx").write_bytes(b"draft placeholder")
        letters.append({"index": index, "unit": unit, "file": f"{stem}.docx", "context": f"{stem}.json",
                        "sha256": sha256_file(folder / f"{stem}.docx"),
                        "context_sha256": sha256_file(folder / f"{stem}.json"), "weaknesses": [], "strengths": [],
                        "subject": "V/v " + context["trich_yeu"], "recipients": context["kinh_gui"],
                        "signer": "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Trần Văn Minh"})
    manifest = {
        "batch": batch_id, "created": "2026-11-22T09:30:12+07:00", "tool_version": "0.1.0",
        "template": {"source": "templates_docx/test.docx", "file": "template.docx",
                     "sha256": sha256_file(folder / "template.docx")},
        "document_type": document_type, "issuer_abbreviation": "SNV", "symbol": symbol, "letters": letters,
        "inputs": [] if workspace is None else [
            {"role": "config", "path": "congvan.toml", "sha256": sha256_file(workspace / "congvan.toml")}],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def rehash(folder: Path) -> None:
    """Record the current SHA-256 of every context in the batch's manifest (a test editing a draft on purpose)."""
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for letter in manifest["letters"]:
        letter["context_sha256"] = sha256_file(folder / letter["context"])
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


UNITS = ["Phường Nha Trang", "Xã Cam Lâm", "Phường Cam Ranh", "Xã Diên Khánh", "Đặc khu Trường Sa"]


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Make `congvan.clock.today()` return `day` (Vietnam time) in this process, for dates after the real today."""
    from congvan import clock

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=clock.VIETNAM_TZ))
