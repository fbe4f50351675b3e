"""congvan lint on a corpus of documents typed the way offices type them (tests/lint_corpus/make.py): precision
and recall per rule, one test per false-alarm and missed-fault pattern of issue 19, the type detection, and
`lint --fix`."""

from __future__ import annotations

import collections
import functools
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from congvan.cli import cli
from congvan.errors import LayoutFileError
from congvan.lint.check import LintResult, lint_docx, read_docx
from congvan.lint.doctype import TYPES, detect, title_type
from congvan.lint.fix import FIXABLE_RULES, fix_docx
from congvan.models import NO_ABBREVIATION, TYPE_ABBREVIATIONS

_SPEC = importlib.util.spec_from_file_location("lint_corpus", Path(__file__).parent / "lint_corpus" / "make.py")
assert _SPEC is not None and _SPEC.loader is not None
corpus_maker = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = corpus_maker
_SPEC.loader.exec_module(corpus_maker)

DOCS = Path(__file__).parent.parent / "docs" / "lint.md"
FIXTURES = Path(__file__).parent / "fixtures" / "layout"
TABLE_START, TABLE_END = "<!-- corpus-table -->", "<!-- /corpus-table -->"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lint_corpus")
    corpus_maker.build_corpus(folder)
    return folder


def _expected(docx: Path) -> set[str]:
    return set(docx.with_suffix(".expected").read_text(encoding="utf-8").split())


@functools.cache
def _lint(docx: Path, mtime: int) -> LintResult:
    return lint_docx(docx)


def _result(docx: Path) -> LintResult:
    """lint_docx, once per file version (the corpus is read by several tests)."""
    return _lint(docx, docx.stat().st_mtime_ns)


def _got(docx: Path) -> set[str]:
    result = _result(docx)
    errors = {f.rule_id for f in result.findings if f.severity == "error"}
    return errors | ({corpus_maker.DECLINED} if result.declined else set())


def _errors(docx: Path) -> set[str]:
    return {f.rule_id for f in _result(docx).findings if f.severity == "error"}


def score(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Per rule id: (true positives, false positives, false negatives) over the corpus."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for docx in sorted(folder.glob("*.docx")):
        expected, got = _expected(docx), _got(docx)
        for rule in got & expected:
            counts[rule][0] += 1
        for rule in got - expected:
            counts[rule][1] += 1
        for rule in expected - got:
            counts[rule][2] += 1
    return {rule: (c[0], c[1], c[2]) for rule, c in sorted(counts.items())}


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}".replace(".", ",") if den else "—"


def table(scores: dict[str, tuple[int, int, int]], documents: int) -> str:
    """The precision/recall table of docs/lint.md."""
    lines = [f"Corpus: {documents} documents. Precision = đúng / (đúng + báo nhầm); recall = đúng / (đúng + bỏ sót).",
             "", "| Rule id | đúng | báo nhầm | bỏ sót | precision | recall |", "|---|---|---|---|---|---|"]
    for rule, (tp, fp, fn) in scores.items():
        lines.append(f"| {rule} | {tp} | {fp} | {fn} | {_ratio(tp, tp + fp)} | {_ratio(tp, tp + fn)} |")
    tp, fp, fn = (sum(v[i] for v in scores.values()) for i in range(3))
    lines.append(f"| **tổng** | {tp} | {fp} | {fn} | {_ratio(tp, tp + fp)} | {_ratio(tp, tp + fn)} |")
    return "\n".join(lines)


# -- the corpus and its score --


def test_corpus_covers_types_and_patterns(corpus: Path) -> None:
    docs = corpus_maker.corpus()
    assert len(docs) >= 40
    assert len({d.kind for d in docs if not d.legal}) >= 6
    for pattern in [*corpus_maker.CLEAN_LAYOUTS, *corpus_maker.FAULTS, "qd_no_dieu", "qd_nhu_dieu"]:
        if pattern:
            assert sum(d.name.endswith(pattern) for d in docs) >= 2, pattern
    assert sum(bool(d.legal) for d in docs) >= 4


def test_precision_and_recall_on_the_corpus(corpus: Path) -> None:
    scores = score(corpus)
    tp, fp, fn = (sum(v[i] for v in scores.values()) for i in range(3))
    assert tp / (tp + fp) >= 0.97, {r: v for r, v in scores.items() if v[1]}
    assert tp / (tp + fn) >= 0.95, {r: v for r, v in scores.items() if v[2]}
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(TABLE_START)[1].split(TABLE_END)[0].strip()
    want = table(scores, len(list(corpus.glob("*.docx"))))
    assert block == want, f"docs/lint.md: put this table between the corpus-table markers:\n{want}"


# -- false alarms of issue 19 that must be gone --


def _clean_variants(corpus: Path, layout: str) -> list[Path]:
    found = sorted(corpus.glob(f"*_clean_{layout}.docx"))
    assert len(found) >= 2, layout
    return found


def test_noinhan_with_only_the_colon_plain_is_not_flagged(corpus: Path) -> None:
    for docx in _clean_variants(corpus, "noinhan_colon_plain"):
        assert _errors(docx) == set(), docx.name


@pytest.mark.parametrize("layout", ["rule_underscores", "rule_next_row", "rule_shape"])
def test_header_rules_typed_as_underscores_next_row_or_shape_are_found(corpus: Path, layout: str) -> None:
    for docx in _clean_variants(corpus, layout):
        assert _errors(docx) == set(), docx.name


@pytest.mark.parametrize("layout", ["signing_note", "quoted_body", "attached"])
def test_signing_notes_quoted_signatures_body_noi_nhan_and_attachments_are_not_the_foot(
        corpus: Path, layout: str) -> None:
    for docx in _clean_variants(corpus, layout):
        assert _errors(docx) == set(), docx.name


def test_legal_documents_are_declined_unless_a_type_is_forced(corpus: Path) -> None:
    for docx in corpus.glob("legal_*.docx"):
        result = lint_docx(docx)
        assert result.declined.startswith("ngoài phạm vi NĐ30") and result.findings == [], docx.name
    forced = lint_docx(corpus / "legal_nghi_dinh.docx", "Quyết định")
    assert not forced.declined and "ND30-SO-YEAR" in {f.rule_id for f in forced.findings}
    outcome = CliRunner().invoke(cli, ["lint", str(corpus / "legal_thong_tu.docx")])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[0].endswith("loại văn bản: Thông tư")
    assert "ngoài phạm vi NĐ30" in outcome.output


def test_cong_van_rules_do_not_fire_on_other_types(corpus: Path) -> None:
    cong_van_only = {"ND30-VV-MISSING", "ND30-VV-SIZE", "ND30-KINHGUI-MISSING", "ND30-NOINHAN-NHUTREN"}
    for kind in ("thong_bao", "ke_hoach", "quyet_dinh", "chi_thi", "bao_cao", "giay_moi"):
        findings = lint_docx(corpus / f"{kind}_clean.docx").findings
        assert not {f.rule_id for f in findings} & cong_van_only, kind


def test_tcvn3_text_in_vntimeh_is_read_as_capitals(corpus: Path) -> None:
    docx = corpus / "cong_van_fault_tcvn3.docx"
    assert _errors(docx) == {"ND30-FONT"}
    texts = [p.plain for p in read_docx(docx).paras]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "SỞ NỘI VỤ" in texts


def test_vni_text_is_read_as_unicode(corpus: Path) -> None:
    docx = next(corpus.glob("*_fault_vni.docx"))
    assert _errors(docx) == {"ND30-FONT"}
    assert any("Tổ chức phổ biến, công bố rộng rãi" in p.plain for p in read_docx(docx).paras)


def test_noi_nhan_and_signature_laid_with_tabs_are_two_columns(corpus: Path) -> None:
    for docx in _clean_variants(corpus, "foot_tabs"):
        assert _errors(docx) == set(), docx.name


def test_nhu_tren_vbdt_is_accepted(corpus: Path) -> None:
    for docx in _clean_variants(corpus, "vbdt"):
        assert _errors(docx) == set(), docx.name


# -- faults that were missed --


@pytest.mark.parametrize("fault,rules", [
    ("vv_left", {"ND30-VV-ALIGN"}),
    ("header_left", {"ND30-AGENCY-ALIGN", "ND30-SO-ALIGN"}),
    ("title_20pt", {"ND30-TITLE-SIZE"}),
    ("summary_regular", {"ND30-TITLE-SUMMARY-BOLD"}),
    ("sign_no_kt", {"ND30-SIGN-AUTHORITY"}),
    ("qh_wrap", {"ND30-QUOCHIEU-WRAP"}),
    ("qh_narrow", {"ND30-QUOCHIEU-WRAP"}),
    ("body_left", {"ND30-BODY-ALIGN"}),
    ("body_no_indent", {"ND30-BODY-INDENT"}),
    ("body_spacing", {"ND30-BODY-SPACING"}),
    ("qd_no_dieu", {"ND30-QD-DIEU"}),
    ("qd_nhu_dieu", {"ND30-QD-DIEU"}),
])
def test_missed_fault_is_now_found_alone(corpus: Path, fault: str, rules: set[str]) -> None:
    found = sorted(corpus.glob(f"*_fault_{fault}.docx"))
    assert len(found) >= 2
    for docx in found:
        assert _errors(docx) == rules, docx.name


# -- the type --


def test_the_29_types_are_the_register_table() -> None:
    copies = {"Bản sao y", "Bản trích sao", "Bản sao lục"}
    assert set(TYPES) == {*NO_ABBREVIATION, *TYPE_ABBREVIATIONS} - copies and len(TYPES) == 29
    for name in TYPES:
        assert title_type(name.upper()) == name


def test_type_detection_sources() -> None:
    assert detect("THÔNG BÁO", False, "Số: 05/TB-SNV", "").name == "Thông báo"
    assert detect(None, True, "Số: 05/SNV-CCHC", "").source == "V/v"
    assert detect(None, False, "Số: 05/KH-SNV", "").name == "Kế hoạch"
    assert detect(None, False, "Số: 05/UBND-KH", "").name == "Công văn"  # KH: the Phòng Kế hoạch, not the type
    assert detect("QUYẾT ĐỊNH", False, "Số: 12/2023/QĐ-UBND", "Số: 12/2023/QĐ-UBND").legal
    assert not detect(None, True, "Số: 05/2026/SNV", "Số: 05/2026/SNV").legal  # a công văn: SO-YEAR, not declined


def test_detected_type_is_printed_first(corpus: Path) -> None:
    outcome = CliRunner().invoke(cli, ["lint", str(corpus / "quyet_dinh_clean.docx")])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[0].endswith("loại văn bản: Quyết định")


# -- lint --fix --


def test_fix_turns_every_fixable_fault_clean_keeping_the_text(corpus: Path, tmp_path: Path) -> None:
    fixed = 0
    for docx in sorted(corpus.glob("*_fault_*.docx")):
        expected = _expected(docx)
        out = tmp_path / docx.name
        result = fix_docx(docx, out)
        before = [p.text for p in read_docx(docx).paras]
        after = [p.text for p in read_docx(out).paras]
        added = [b for a, b in zip(before, after, strict=True) if a != b]
        assert all(b.endswith("./.") for b in added) and len(added) <= 1, docx.name
        assert bool(added) == ("ND30-CLOSING" in expected), docx.name
        remaining = {f.rule_id for f in result.remaining}  # fix_docx lints its output
        if docx.stem.split("_fault_")[1] in corpus_maker.UNFIXABLE:
            assert remaining == expected, docx.name
        else:
            assert remaining == set(), (docx.name, result.changes)
            fixed += 1
    assert fixed >= 30


def test_fix_never_writes_over_the_source_unless_told(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "thu.docx"
    source.write_bytes((corpus / "cong_van_fault_margins.docx").read_bytes())
    with pytest.raises(LayoutFileError, match="--ghi-de"):
        fix_docx(source, source)
    outcome = CliRunner().invoke(cli, ["lint", "--fix", str(source)])
    assert outcome.exit_code == 2 and "-o" in outcome.output
    outcome = CliRunner().invoke(cli, ["lint", "--fix", str(source), "--ghi-de"])
    assert outcome.exit_code == 0, outcome.output
    assert "Đã sửa: Khổ giấy, lề trang" in outcome.output
    assert _errors(source) == set()


def test_fix_prints_what_it_could_not_fix(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "ky.docx"
    source = next(corpus.glob("*_fault_sign_no_kt.docx"))
    outcome = CliRunner().invoke(cli, ["lint", "--fix", str(source), "-o", str(out)])
    assert outcome.exit_code == 1
    assert "Chưa sửa được" in outcome.output and "ND30-SIGN-AUTHORITY" in outcome.output


def test_fix_declines_a_legal_document(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(LayoutFileError, match="ngoài phạm vi NĐ30"):
        fix_docx(corpus / "legal_luat.docx", tmp_path / "luat.docx")
    assert not (tmp_path / "luat.docx").exists()


def test_fix_on_the_one_fault_fixtures_repairs_exactly_the_fixable_rules(tmp_path: Path) -> None:
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    for name, rule in manifest["faults"].items():
        remaining = {f.rule_id for f in fix_docx(FIXTURES / name, tmp_path / name).remaining}
        assert remaining == (set() if rule in FIXABLE_RULES else {rule}), name


def test_docs_list_every_fixable_rule() -> None:
    section = DOCS.read_text(encoding="utf-8").split("## `congvan lint --fix`")[1].split("## ")[0]
    assert [r for r in sorted(FIXABLE_RULES) if r not in section] == []
