"""The shipped criteria catalog (data/tieu_chi.toml): structure, placeholders, and every text once filled in."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta

from congvan.models import VERDICTS
from congvan.sources.catalog import load_catalog

CATALOG = Path(__file__).resolve().parent.parent / "data" / "tieu_chi.toml"
ALLOWED = {"ten", "ket_qua", "chi_tieu", "chenh_lech", "xep_hang", "trung_binh", "doi_tuong", "don_vi", "nam",
           "nam_sau", "chi_tieu_nam_sau"}
UBND_CODES = ["tiep_can", "tiep_don", "thu_tuc", "cong_chuc", "ket_qua", "phan_anh"]

ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)

# Values as congvan.letter.context fills them, for three kinds of unit.
SAMPLES = [
    {"don_vi": "phường Nha Trang", "ket_qua": "68,83%", "chi_tieu": "83%", "chenh_lech": "14,17",
     "xep_hang": "27/65", "trung_binh": "80,12%", "nam": 2025, "nam_sau": 2026, "chi_tieu_nam_sau": "85%"},
    {"don_vi": "xã Cam Lâm", "ket_qua": "83,00%", "chi_tieu": "83%", "chenh_lech": "0,00",
     "xep_hang": "1/65", "trung_binh": "81,07%", "nam": 2025, "nam_sau": 2026, "chi_tieu_nam_sau": "85%"},
    {"don_vi": "đặc khu Trường Sa", "ket_qua": "91,40%", "chi_tieu": "84,50%", "chenh_lech": "6,90",
     "xep_hang": "65/65", "trung_binh": "79,99%", "nam": 2030, "nam_sau": 2031, "chi_tieu_nam_sau": "86,5%"},
]


def raw_catalog() -> dict:
    return tomllib.loads(CATALOG.read_text(encoding="utf-8"))


def texts() -> Iterator[tuple[str, str, dict]]:
    """Yield (where, text, table) for every sentence and directive paragraph of the catalog."""
    raw = raw_catalog()
    for table in raw["bang"]:
        for criterion in table["tieu_chi"]:
            remarks = {**raw["nhan_xet"], **criterion.get("nhan_xet", {})}
            for verdict in VERDICTS:
                yield f"{criterion['ma']}.nhan_xet.{verdict}", remarks[verdict], table
                for index, paragraph in enumerate(criterion["chi_dao"][verdict]):
                    yield f"{criterion['ma']}.chi_dao.{verdict}[{index}]", paragraph, table


def fill(text: str, table: dict, criterion_name: str, sample: dict) -> str:
    subject = ENV.from_string(table["doi_tuong"]).render(sample)
    return ENV.from_string(text).render({**sample, "ten": criterion_name, "doi_tuong": subject})


def test_catalog_loads_with_the_expected_tables_and_criteria():
    catalog = load_catalog(CATALOG)
    assert [t.code for t in catalog.tables] == ["ubnd_xa", "tram_y_te"]
    ubnd, health = catalog.tables
    assert [c.code for c in ubnd.criteria] == UBND_CODES
    assert ubnd.name == "UBND cấp xã" and health.name == "Trạm y tế"
    assert [c.code for c in health.criteria] == ["chi_so_tyt"]
    assert "Chỉ số hài lòng" in health.criteria[0].headers
    # the health station overrides the default sentences, the UBND criteria use them
    assert health.criteria[0].remarks["vuot"] != ubnd.criteria[0].remarks["vuot"]
    assert "Trạm y tế" not in ubnd.criteria[0].remarks["vuot"]
    assert all(c.headers[0] == c.name for c in ubnd.criteria)
    for criterion in (*ubnd.criteria, *health.criteria):
        assert all(criterion.directives[v] for v in VERDICTS), criterion.code


def test_only_documented_placeholders_are_used():
    raw = raw_catalog()
    extra = [(table["ma"], key, table[key]) for table in raw["bang"] for key in ("doi_tuong", "tieu_de")]
    for where, text, _ in [*texts(), *((f"{m}.{k}", t, None) for m, k, t in extra)]:
        names = meta.find_undeclared_variables(ENV.parse(text))
        assert names <= ALLOWED, f"{where}: {sorted(names - ALLOWED)}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s["don_vi"])
def test_every_text_renders_to_a_clean_sentence(sample):
    count = 0
    for where, text, table in texts():
        assert unicodedata.is_normalized("NFC", text), where
        criterion = next(c for c in table["tieu_chi"] if where.startswith(c["ma"] + "."))
        result = fill(text, table, criterion["ten"], sample)
        assert unicodedata.is_normalized("NFC", result), where
        assert result.endswith("."), where
        assert not result.endswith(".."), where
        assert "  " not in result and result == result.strip(), where
        assert "{" not in result and "}" not in result, where
        assert not re.search(r"\s[,.;:)]|\(\s|,[,.;]", result), f"{where}: {result}"
        assert result[0].isupper(), where
        count += 1
    assert count >= 7 * 4 * 2


def test_headings_name_the_body_of_the_unit():
    sample = SAMPLES[0]
    raw = raw_catalog()
    headings = [fill(t["tieu_de"], t, "", sample) for t in raw["bang"]]
    assert headings == ["Đối với Chỉ số hài lòng về sự phục vụ của UBND phường Nha Trang",
                        "Đối với Chỉ số hài lòng về sự phục vụ của Trạm y tế phường Nha Trang"]


def test_sentences_say_what_each_verdict_means():
    """Shortfalls give the gap and a target for next year; successes ask to keep it up; 'đạt' shows no gap."""
    sample = SAMPLES[0]
    raw = raw_catalog()
    for table in raw["bang"]:
        for criterion in table["tieu_chi"]:
            remarks = {**raw["nhan_xet"], **criterion.get("nhan_xet", {})}
            said = {v: fill(remarks[v], table, criterion["ten"], sample) for v in VERDICTS}
            code = criterion["ma"]
            for verdict in ("vuot", "chua_dat", "rat_thap"):
                assert "14,17 điểm phần trăm" in said[verdict] and "(83%)" in said[verdict], (code, verdict)
                assert "27/65" in said[verdict]
            assert "14,17" not in said["dat"] and "bằng chỉ tiêu" in said["dat"], code
            assert "vượt chỉ tiêu" in said["vuot"] and "chưa đạt" in said["chua_dat"]
            assert "rất thấp" in said["rat_thap"]
            directives = {v: [fill(p, table, criterion["ten"], sample) for p in criterion["chi_dao"][v]]
                          for v in VERDICTS}
            for verdict in ("vuot", "dat"):
                assert "tiếp tục phát huy" in directives[verdict][0], (code, verdict)
            for verdict in ("chua_dat", "rat_thap"):
                assert len(directives[verdict]) >= 2, (code, verdict)
                assert "phấn đấu năm 2026" in directives[verdict][-1], (code, verdict)
                assert "đạt từ 85% trở lên" in directives[verdict][-1], (code, verdict)
