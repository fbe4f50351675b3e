"""The register: symbols, migrations, reserve / set-next / void, queries, verify, exports and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import multiprocessing.synchronize
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from lxml import etree

from congvan.batch.issue import issue_batch
from congvan.cli import cli
from congvan.errors import RegisterError
from congvan.register.export import REGISTER_COLUMNS, export_json, export_xlsx, export_xml
from congvan.register.records import NewDocument, canonical_type_name, document_symbol
from congvan.register.schema import MIGRATIONS
from congvan.register.store import Register
from tests.test_register_support import UNITS, freeze_today, make_batch, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 23)


def hand_doc(subject: str = "báo cáo công tác CCHC quý IV", type_name: str = "Công văn",
             symbol: str = "SNV-CCHC") -> NewDocument:
    return NewDocument(code_notation=symbol, type_name=type_name, subject=subject, organ_name="SỞ NỘI VỤ",
                       signer_name="Lê Văn An")


# -- symbols (NĐ 30 §3.3, Phụ lục III) --


def test_symbols_follow_nd30() -> None:
    assert document_symbol("Công văn", "UBND", "NV") == "UBND-NV"
    assert document_symbol("công văn", "SNV", "CCHC") == "SNV-CCHC"
    assert document_symbol("Quyết định", "UBND") == "QĐ-UBND"
    assert document_symbol("quy định", "BNV") == "QyĐ-BNV"
    assert document_symbol("Tờ trình", "SNV", "CCHC") == "TTr-SNV"
    assert document_symbol("Bản thoả thuận", "SNV") == "BTT-SNV"  # old tone placement accepted
    assert document_symbol("Giấy uỷ quyền", "SNV") == "GUQ-SNV"
    assert document_symbol("trích sao", "SNV") == "TrS-SNV"
    assert canonical_type_name("KẾ HOẠCH") == "Kế hoạch"
    with pytest.raises(RegisterError, match="Phụ lục III"):
        document_symbol("Công văn hỏa tốc", "SNV")


# -- migrations --


def test_fresh_register_is_at_the_latest_schema_and_reopening_changes_nothing(register_url: str) -> None:
    with Register(register_url) as register:
        assert register.schema_version() == len(MIGRATIONS) == 4
        with register.read() as conn:  # migration 4: the accounts, sessions and journal of `congvan web`
            assert {"web_users", "web_sessions", "web_journal"} <= set(sa.inspect(conn).get_table_names())
        register.reserve(hand_doc(), organ="SNV", date=DAY)
    with Register(register_url) as register:
        assert register.schema_version() == 4
        assert [r.number for r in register.records()] == [1]


def _old_row(conn: sa.Connection, number: int, **extra: object) -> None:
    """Insert a row as congvan before the chain (schema version 1 or 2) wrote it."""
    values = {"organ": "SNV", "year": 2026, "series": "chung", "number": number, "code_number": f"{number:02d}",
              "code_notation": "SNV-CCHC", "status": "reserved", "issued_date": "2026-11-23",
              "type_name": "Công văn", "subject": "báo cáo", "organ_name": "SỞ NỘI VỤ", "language": "Tiếng Việt",
              "signer_authority": "", "signer_position": "", "signer_name": "Lê Văn An", "recipients": "[]",
              "distribution": "[]", "archive_copy": "", "priority": 0, "note": "", "tool_version": "0.1",
              "created_at": "2026-11-23T09:00:00+07:00", **extra}
    conn.execute(sa.text(f"INSERT INTO documents ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})"),
                 values)


def test_old_schema_is_upgraded_keeping_its_rows_and_chaining_them(register_url: str, tmp_path: Path) -> None:
    register = Register(register_url, migrate=False)
    try:
        assert register.schema_version() == 0
        assert register.migrate(target=1) == 1
        with register.write() as conn:
            _old_row(conn, 1)
            _old_row(conn, 2, voided_at="2026-11-24T08:00:00+07:00", void_reason="sai tên")
            _old_row(conn, 5)  # 3 and 4 were skipped by hand before the chain existed
        with register.read() as conn:
            assert "ix_documents_year_unit" not in {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
    finally:
        register.close()
    with Register(register_url) as register:
        assert register.schema_version() == len(MIGRATIONS)
        with register.read() as conn:
            names = {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
        assert {"ix_documents_year_unit", "ix_documents_file_path"} <= names
        assert [r.number_symbol for r in register.records()] == ["01/SNV-CCHC", "02/SNV-CCHC", "05/SNV-CCHC"]
        report = register.verify(tmp_path / "output")
        assert report.ok and report.events == 5  # 3 rows, 1 void, 1 skip of 03–04
        register.reserve(hand_doc(), organ="SNV", date=DAY)
        assert register.verify(tmp_path / "output").ok


def test_register_newer_than_the_tool_is_refused(register_url: str) -> None:
    with Register(register_url) as register, register.write() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 99"))
    with pytest.raises(RegisterError, match="phiên bản 99"):
        Register(register_url)


def _open_and_reserve(url: str, start: multiprocessing.synchronize.Event, results: multiprocessing.Queue) -> None:
    try:
        start.wait(60)
        with Register(url) as register:
            results.put(("ok", register.reserve(hand_doc(), organ="SNV", date=DAY).number))
    except BaseException as err:
        results.put(("error", repr(err)))


def test_processes_opening_a_new_register_together_migrate_it_once(register_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=_open_and_reserve, args=(register_url, start, results)) for _ in range(4)]
    for process in processes:
        process.start()
    start.set()
    outcomes = sorted(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(30)
    assert outcomes == [("ok", 1), ("ok", 2), ("ok", 3), ("ok", 4)]
    with Register(register_url) as register:
        assert register.schema_version() == len(MIGRATIONS)
        with register.read() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM schema_version")).scalar() == 1


# -- reserve, set-next, void --


def test_reserve_takes_the_next_number(register_url: str) -> None:
    with Register(register_url) as register:
        first = register.reserve(hand_doc(), organ="SNV", date=DAY)
        second = register.reserve(hand_doc("kiện toàn Tổ CCHC", "Quyết định", "QĐ-SNV"), organ="SNV", date=DAY)
        assert (first.number_symbol, first.status) == ("01/SNV-CCHC", "reserved")
        assert second.number_symbol == "02/QĐ-SNV"  # one series per body and year by default
        other_series = register.reserve(hand_doc(), organ="SNV", date=DAY, series="mat")
        assert other_series.number == 1
        other_body = register.reserve(hand_doc(symbol="UBND-NV"), organ="UBND", date=DAY)
        assert other_body.number == 1


def test_set_next_continues_from_the_office_number_and_never_goes_back(register_url: str) -> None:
    with Register(register_url) as register:
        register.set_next("SNV", 2026, 5237)
        assert register.reserve(hand_doc(), organ="SNV", date=DAY).number_symbol == "5237/SNV-CCHC"
        with pytest.raises(RegisterError, match="đã cấp đến số 5237"):
            register.set_next("SNV", 2026, 5237)
        with pytest.raises(RegisterError, match="không được lùi lại"):
            register.set_next("SNV", 2026, 12)
        register.set_next("SNV", 2026, 6000)
        register.set_next("SNV", 2026, 5300)  # lowering a counter that nothing used yet is allowed
        assert register.peek_next("SNV", 2026) == 5300
        register.set_next("SNV", 2027, 1)
        assert register.peek_next("SNV", 2027) == 1
        with pytest.raises(RegisterError):
            register.set_next("SNV", 2026, 0)


def test_set_next_then_issue_a_batch(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    with Register(register_url) as register:
        register.set_next("SNV", 2026, 5237)
        result = issue_batch(make_batch(output / "drafts", UNITS[:2]), register=register, output_dir=output,
                             issued_on=DAY)
    assert [x.number_symbol for x in result.letters] == ["5237/SNV-CCHC", "5238/SNV-CCHC"]
    assert (output / "2026" / "5237-SNV-CCHC_phuong-nha-trang.docx").is_file()


def test_void_keeps_the_row_with_reason_and_time(register_url: str) -> None:
    with Register(register_url) as register:
        register.reserve(hand_doc(), organ="SNV", date=DAY)
        register.reserve(hand_doc("việc khác"), organ="SNV", date=DAY)
        voided = register.void("SNV", 2026, 1, "  Sai tên đơn vị nhận  ")
        assert voided.voided and voided.void_reason == "Sai tên đơn vị nhận"
        assert dt.datetime.fromisoformat(voided.voided_at).utcoffset() == dt.timedelta(hours=7)
        assert [(r.number, r.voided) for r in register.records()] == [(1, True), (2, False)]
        assert register.reserve(hand_doc(), organ="SNV", date=DAY).number == 3  # a voided number is not reused
        with pytest.raises(RegisterError, match="đã bị thu hồi"):
            register.void("SNV", 2026, 1, "lần nữa")
        with pytest.raises(RegisterError, match="không có số 09"):
            register.void("SNV", 2026, 9, "không có")
        with pytest.raises(RegisterError, match="lý do"):
            register.void("SNV", 2026, 2, "   ")


# -- queries and verify --


def test_list_filters_by_year_unit_and_text(tmp_path: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_today(monkeypatch, dt.date(2027, 1, 5))
    output = tmp_path / "output"
    with Register(register_url) as register:
        issue_batch(make_batch(output / "drafts", UNITS[:3]), register=register, output_dir=output, issued_on=DAY)
        register.reserve(hand_doc("báo cáo tổng kết năm"), organ="SNV", date=dt.date(2027, 1, 5))
        assert len(register.records()) == 4
        assert [r.number for r in register.records(year=2026)] == [1, 2, 3]
        assert [r.unit for r in register.records(unit="nha trang")] == ["Phường Nha Trang"]
        assert [r.unit for r in register.records(unit="CAM")] == ["Xã Cam Lâm", "Phường Cam Ranh"]
        assert [r.year for r in register.records(text="TỔNG KẾT")] == [2027]
        assert [r.number for r in register.records(text="02/snv")] == [2]
        assert register.records(organ="UBND") == []


def test_verify_catches_one_changed_byte_and_a_missing_file(tmp_path: Path, register_url: str) -> None:
    output = tmp_path / "output"
    with Register(register_url) as register:
        result = issue_batch(make_batch(output / "drafts", UNITS[:3]), register=register, output_dir=output,
                             issued_on=DAY)
        assert register.verify(output).ok
        target = result.letters[1].path
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
        report = register.verify(output)
        assert not report.ok and [r.number for r in report.altered] == [2] and report.missing == []
        result.letters[2].path.unlink()
        report = register.verify(output)
        assert [r.number for r in report.missing] == [3] and report.checked == 3


# -- exports --


def _sample_records(tmp_path: Path, url: str) -> list:
    output = tmp_path / "output"
    with Register(url) as register:
        issue_batch(make_batch(output / "drafts", UNITS[:3]), register=register, output_dir=output, issued_on=DAY)
        register.reserve(hand_doc("kiện toàn Tổ công tác cải cách hành chính", "Quyết định", "QĐ-SNV"),
                         organ="SNV", date=DAY)
        register.void("SNV", 2026, 2, "Sai địa chỉ nhận")
        return register.records()


def test_export_xlsx_is_a_printable_phu_luc_iv_register(tmp_path: Path, register_url: str) -> None:
    records = _sample_records(tmp_path, register_url)
    path = export_xlsx(records, tmp_path / "so.xlsx", organ_name="Sở Nội vụ", parent_name="UBND tỉnh Khánh Hòa",
                       title_year=2026)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A3"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert sheet["A2"].value == "SỞ NỘI VỤ"
    assert [sheet.cell(5, c).value for c in range(1, 11)] == [name for name, _ in REGISTER_COLUMNS]
    assert [sheet.cell(6, c).value for c in range(1, 11)] == [f"({c})" for c in range(1, 11)]
    assert len(REGISTER_COLUMNS) == 10
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=7, max_col=10)]
    assert [row[0] for row in rows] == ["01/SNV-CCHC", "02/SNV-CCHC", "03/SNV-CCHC", "04/QĐ-SNV"]
    first = rows[0]
    assert first[1] == "23/11/2026"
    assert first[2].startswith("Công văn V/v khắc phục hạn chế")
    assert first[3] == "Trần Văn Minh"
    assert first[4] == "UBND phường Nha Trang\nGiám đốc Sở (b/c)"
    assert first[5] == "VT, CCHC (02b)" and first[6] == 4
    assert rows[3][2] == "Quyết định kiện toàn Tổ công tác cải cách hành chính"
    assert "Thu hồi ngày" in rows[1][9] and "Sai địa chỉ nhận" in rows[1][9]
    assert "Lấy số" in rows[3][9]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$5:$6"


def test_export_json_and_xml_carry_phu_luc_vi_fields(tmp_path: Path, register_url: str) -> None:
    records = _sample_records(tmp_path, register_url)
    data = json.loads(export_json(records, tmp_path / "so.json").read_text(encoding="utf-8"))
    docs = data["OutgoingDocuments"]
    assert len(docs) == 4
    first = docs[0]
    for key in ("TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject", "Language",
                "PageAmount", "SignerInfo", "To", "Priority", "IssuedAmount", "DueDate"):
        assert key in first
    assert (first["TypeName"], first["CodeNumber"], first["CodeNotation"]) == ("Công văn", "01", "SNV-CCHC")
    assert first["IssuedDate"] == "2026-11-23" and first["OrganName"] == "SỞ NỘI VỤ"
    assert first["Subject"].startswith("V/v khắc phục")
    assert first["SignerInfo"] == {"Position": "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC", "FullName": "Trần Văn Minh"}
    assert first["To"] == [{"OrganId": "", "OrganName": "UBND phường Nha Trang"}]
    assert (first["Language"], first["PageAmount"], first["Priority"], first["IssuedAmount"]) == (
        "Tiếng Việt", 1, 0, 4)
    assert docs[1]["Status"] == "voided" and docs[3]["Status"] == "reserved"

    root = etree.parse(str(export_xml(records, tmp_path / "so.xml"))).getroot()
    assert root.tag == "OutgoingDocuments" and len(root) == 4
    doc = root[0]
    assert doc.findtext("CodeNotation") == "SNV-CCHC"
    assert doc.findtext("SignerInfo/FullName") == "Trần Văn Minh"
    assert doc.findtext("To/OrganName") == "UBND phường Nha Trang"
    assert root[3].findtext("TypeName") == "Quyết định"


@pytest.mark.soffice
def test_exported_xlsx_opens_in_libreoffice(tmp_path: Path) -> None:
    for tool in ("soffice", "pdftotext"):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} is not installed")
    url = f"sqlite:///{tmp_path / 'so.sqlite'}"
    _sample_records(tmp_path, url)
    with Register(url) as register:
        for index in range(60):  # enough rows for a second page, which must repeat the header row
            register.reserve(hand_doc(f"văn bản thứ {index}"), organ="SNV", date=DAY)
        records = register.records()
    xlsx = export_xlsx(records, tmp_path / "so_di.xlsx", organ_name="SỞ NỘI VỤ", title_year=2026)
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "so_di.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Người ký", "Ghi chú", "01/SNV-CCHC", "03/SNV-CCHC", "04/QĐ-SNV",
                     "23/11/2026", "Trần Văn Minh"):
        assert expected in text, expected
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) >= 2
    assert "Số, ký hiệu văn bản" in pages[1] and "64/SNV-CCHC" in text


# -- CLI --


@pytest.fixture
def cli_workspace(tmp_path: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "congvan.toml", root / "congvan.toml")
    monkeypatch.setenv("CONGVAN_REGISTER_URL", register_url)
    return root


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_issue_list_show_void_export_verify(cli_workspace: Path) -> None:
    ws = str(cli_workspace)
    batch = make_batch(cli_workspace / "output" / "drafts", UNITS[:2], workspace=cli_workspace)
    code, out, _ = run(["issue", str(batch), "-w", ws, "--date", "2026-11-23"])
    assert code == 0, out
    assert "01/SNV-CCHC\tcấp số\tPhường Nha Trang" in out and "cấp số mới 2 văn bản" in out
    code, out, _ = run(["issue", str(batch), "-w", ws, "--date", "2026-11-23"])
    assert code == 0 and "đã cấp trước đó" in out and "cấp số mới 0 văn bản" in out

    code, out, _ = run(["register", "set-next", "5237", "-w", ws, "--year", "2026"])
    assert code == 0
    code, _, err = run(["register", "set-next", "2", "-w", ws, "--year", "2026"])
    assert code == 1 and "Lỗi: năm 2026 đã cấp đến số 02" in err
    code, out, _ = run(["register", "list", "-w", ws, "--year", "2026", "--unit", "cam lâm"])
    assert code == 0 and out.startswith("02/SNV-CCHC\t23/11/2026") and out.count("\n") == 1
    code, out, _ = run(["register", "show", "02/SNV-CCHC", "-w", ws, "--year", "2026"])
    assert code == 0 and "Đơn vị: Xã Cam Lâm" in out and "SHA-256: " in out

    code, out, _ = run(["register", "void", "02", "-w", ws, "--year", "2026", "--ly-do", "Gửi nhầm"])
    assert code == 0 and "Đã thu hồi số 02/SNV-CCHC" in out
    code, out, _ = run(["register", "list", "-w", ws, "--year", "2026", "--text", "cam lâm"])
    assert "THU HỒI" in out

    xlsx, js, xml = (cli_workspace / name for name in ("so.xlsx", "so.json", "so.xml"))
    code, out, _ = run(["register", "export", "-w", ws, "--xlsx", str(xlsx), "--json", str(js), "--xml", str(xml)])
    assert code == 0 and xlsx.is_file() and xml.is_file()
    assert [d["CodeNumber"] for d in json.loads(js.read_text(encoding="utf-8"))["OutgoingDocuments"]] == ["01", "02"]

    code, out, _ = run(["register", "verify", "-w", ws])
    assert code == 0 and "Đã kiểm tra 2 tệp" in out
    issued = cli_workspace / "output" / "2026" / "01-SNV-CCHC_phuong-nha-trang.docx"
    data = bytearray(issued.read_bytes())
    data[-10] ^= 0xFF
    issued.write_bytes(bytes(data))
    code, out, err = run(["register", "verify", "-w", ws])
    assert code == 1 and "BỊ SỬA\t01/SNV-CCHC" in out and "1 tệp bị sửa" in err


def test_cli_reserve_prints_the_number(cli_workspace: Path) -> None:
    ws = str(cli_workspace)
    code, out, _ = run(["register", "set-next", "5237", "-w", ws])
    assert code == 0
    code, out, _ = run(["register", "reserve", "-w", ws, "--trich-yeu", "V/v báo cáo quý IV"])
    assert (code, out.strip()) == (0, "5237/SNV-CCHC")
    code, out, _ = run(["register", "reserve", "-w", ws, "--loai", "Quyết định", "--trich-yeu", "Về việc X",
                        "--nguoi-ky", "Lê Văn An"])
    assert (code, out.strip()) == (0, "5238/QĐ-SNV")
    code, out, _ = run(["register", "show", "5237", "-w", ws])
    assert "Trích yếu: V/v báo cáo quý IV" in out and "Người ký: KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in out
    code, out, _ = run(["register", "show", "5238", "-w", ws])
    assert "Người ký: Lê Văn An" in out
    code, _, err = run(["register", "reserve", "-w", ws, "--loai", "Thư mời họp", "--trich-yeu", "X"])
    assert code == 1 and "Phụ lục III" in err


def test_every_register_command_help_ends_with_an_example() -> None:
    for args in (["issue"], ["register"], *[["register", name] for name in
                                            ("reserve", "set-next", "void", "list", "show", "export", "verify")]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0
        assert "Ví dụ:\n" in result.stdout and "congvan " in result.stdout.split("Ví dụ:")[1], args


def test_register_url_env_overrides_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(ROOT / "congvan.toml", root / "congvan.toml")
    monkeypatch.delenv("CONGVAN_REGISTER_URL", raising=False)
    code, out, _ = run(["register", "reserve", "-w", str(root), "--trich-yeu", "V/v thử"])
    assert code == 0 and out.strip() == "01/SNV-CCHC"
    assert (root / "output" / "so_van_ban_di.sqlite").is_file()
    assert os.environ.get("CONGVAN_REGISTER_URL") is None


def test_mark_sent_fills_the_sent_date_and_receipt_columns(register_url: str) -> None:
    with Register(register_url) as register:
        register.reserve(hand_doc(), organ="SNV", date=DAY)
        register.reserve(hand_doc("việc khác"), organ="SNV", date=DAY)
        sent = register.mark_sent("SNV", 2026, 1, DAY + dt.timedelta(days=1), "  Nguyễn Văn B  ")
        assert (sent.sent_date, sent.receipt) == (DAY + dt.timedelta(days=1), "Nguyễn Văn B")
        assert register.get("SNV", 2026, 2).sent_date is None
        with pytest.raises(RegisterError, match="trước ngày văn bản"):
            register.mark_sent("SNV", 2026, 2, DAY - dt.timedelta(days=1))
        register.void("SNV", 2026, 2, "nhầm")
        with pytest.raises(RegisterError, match="đã bị thu hồi"):
            register.mark_sent("SNV", 2026, 2, DAY)


def test_cli_send_records_date_and_receipt_shown_in_the_register(cli_workspace: Path) -> None:
    ws = str(cli_workspace)
    batch = make_batch(cli_workspace / "output" / "drafts", UNITS[:2], workspace=cli_workspace)
    assert run(["issue", str(batch), "-w", ws, "--date", "2026-11-23"])[0] == 0
    code, out, _ = run(["register", "send", "01", "02", "-w", ws, "--year", "2026", "--ngay", "2026-11-24",
                        "--ky-nhan", "Gửi qua Hệ thống quản lý văn bản"])
    assert code == 0 and out.count("ngày chuyển 24/11/2026, ký nhận: Gửi qua Hệ thống quản lý văn bản") == 2
    code, out, _ = run(["register", "show", "01", "-w", ws, "--year", "2026"])
    assert code == 0 and "24/11/2026" in out and "Gửi qua Hệ thống quản lý văn bản" in out
