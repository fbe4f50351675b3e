"""Plain data objects shared by the modules (frozen dataclasses, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from congvan.vn import capitalize_first, name_key

VERDICTS = ("vuot", "dat", "chua_dat", "rat_thap")
VERDICT_WORDS = {
    "vuot": "vượt chỉ tiêu",
    "dat": "đạt chỉ tiêu",
    "chua_dat": "chưa đạt chỉ tiêu",
    "rat_thap": "rất thấp so với chỉ tiêu",
}
# Name of a recipient list (recipients/*.toml): lower-case ASCII letters, digits, "-" and "_".
LIST_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# NĐ 30/2020 Phụ lục III: the document types and their abbreviations (công văn and thư công have none);
# the register (register/records.py) and lint (lint/doctype.py) both read it.
TYPE_ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ", "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG", "Phiếu chuyển": "PC", "Phiếu báo": "PB", "Bản sao y": "SY", "Bản trích sao": "TrS",
    "Bản sao lục": "SL",
}
NO_ABBREVIATION = ("Công văn", "Thư công")
UNIT_KINDS = ("phường", "xã", "đặc khu", "thị trấn", "thị xã", "thành phố", "huyện", "quận")
_KINDS_LONGEST_FIRST = tuple(sorted(UNIT_KINDS, key=len, reverse=True))  # "thị xã" before a shorter prefix


@dataclass(frozen=True, slots=True)  # many thousands in a batch: no __dict__ each
class Unit:
    """An administrative unit that receives a letter, e.g. "Phường Nha Trang"."""

    name: str

    @property
    def kind(self) -> str:
        """Return the lower-case unit type ("phường", "xã", "đặc khu") or "" when the name has none."""
        lowered = self.name.lower()
        for kind in _KINDS_LONGEST_FIRST:
            if lowered.startswith(kind + " "):
                return kind
        return ""

    @property
    def in_sentence(self) -> str:
        """Return the name as written mid-sentence: "phường Nha Trang"."""
        kind = self.kind
        return kind + self.name[len(kind):] if kind else self.name

    @property
    def capitalized(self) -> str:
        return capitalize_first(self.name)


@dataclass(frozen=True)
class Criterion:
    """One criterion of a results table, with the texts to use for each verdict."""

    code: str
    name: str
    headers: tuple[str, ...]
    target: float | None
    directives: dict[str, tuple[str, ...]] = field(hash=False)
    remarks: dict[str, str] = field(hash=False)


@dataclass(frozen=True)
class TableSpec:
    """One results table of the catalog (one assessed body, one sheet), e.g. "UBND cấp xã"."""

    code: str
    name: str
    subject: str
    heading: str
    unit_headers: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    sheet_names: tuple[str, ...] = ()
    ignored_headers: tuple[str, ...] = ()
    overall_headers: tuple[str, ...] = ()
    default_kind: str = ""  # "phường", "xã" or "đặc khu" put before a bare unit name (catalog `loai_mac_dinh`)
    opening: tuple[str, ...] = ()  # paragraphs under the section heading, before the summary (catalog `mo_dau`)


@dataclass(frozen=True)
class ReadLimits:
    """Sizes a results file may have, checked from the zip directory and the raw XML before any parsing."""

    rows: int = 20_000
    columns: int = 200
    part_bytes: int = 64 << 20  # one decompressed part of a package (a sheet XML, shared strings), or a CSV file
    ratio: int = 100  # decompressed / compressed size of a whole package above 10 MiB


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class Catalog:
    """The criteria catalog: results tables and their criteria, in the order letters use them."""

    source: str
    tables: tuple[TableSpec, ...]


@dataclass(frozen=True)
class ResultTable:
    """Scores read from one sheet or CSV: unit name -> criterion code -> score (0-100).

    `overall` holds the official overall index of each unit when the table declares its column
    (`cot_chi_so_chung`), and is empty otherwise.
    """

    spec: TableSpec
    source: str
    scores: dict[str, dict[str, float]] = field(hash=False)
    rows: dict[str, int] = field(hash=False)
    overall: dict[str, float] = field(default_factory=dict, hash=False)

    def units(self) -> list[str]:
        return list(self.scores)


@dataclass(frozen=True, slots=True)  # many thousands in a batch: no __dict__ each
class CriterionResult:
    """A unit's score on one criterion, judged against its target."""

    criterion: Criterion
    score: float
    target: float
    gap: float
    verdict: str
    rank: int
    rank_of: int
    average: float

    @property
    def meets_target(self) -> bool:
        return self.verdict in ("vuot", "dat")


@dataclass(frozen=True, slots=True)  # many thousands in a batch: no __dict__ each
class PreviousYear:
    """A unit's figures in one table the year before (`[du_lieu] nam_truoc`), rounded as this year's.

    `scores` is empty when there is nothing to compare: the unit is not in last year's table, or it was made
    by merging several units (`merged_from`, from doi_ten.csv), whose figures cannot be combined without the
    numbers of people surveyed. `renamed_from` is last year's name when it differs (doi_ten.csv).
    """

    year: int
    scores: dict[str, float] = field(default_factory=dict, hash=False)  # criterion code -> score
    overall: float | None = None
    merged_from: tuple[str, ...] = ()
    renamed_from: str = ""


@dataclass(frozen=True, slots=True)  # many thousands in a batch: no __dict__ each
class TableResult:
    """A unit's results in one table: per criterion, overall index, rank, table average."""

    spec: TableSpec
    overall: float
    overall_rank: int
    rank_of: int
    overall_average: float
    criteria: tuple[CriterionResult, ...]
    official: bool = False  # overall is the table's official index, not the mean of the criteria
    previous: PreviousYear | None = None  # last year's figures, when [du_lieu] nam_truoc is set

    @property
    def weaknesses(self) -> tuple[CriterionResult, ...]:
        """Criteria below target, weakest (largest shortfall) first."""
        return tuple(sorted((c for c in self.criteria if not c.meets_target), key=lambda c: (c.gap, c.criterion.code)))

    @property
    def strengths(self) -> tuple[CriterionResult, ...]:
        """Criteria at or above target, weakest (smallest surplus) first."""
        return tuple(sorted((c for c in self.criteria if c.meets_target), key=lambda c: (c.gap, c.criterion.code)))


@dataclass(frozen=True, slots=True)  # many thousands in a batch: no __dict__ each
class UnitAssessment:
    """Everything judged about one unit, over every table it appears in."""

    unit: Unit
    tables: tuple[TableResult, ...]
    missing_from: tuple[str, ...] = ()


@lru_cache(maxsize=1 << 16)  # a batch asks for each unit's key some ten times (tables, assessment, positions)
def unit_key(name: str) -> str:
    """Return the key units are matched by across tables and files (see `vn.name_key`).

    NFKC, single spaces, case-folded, without zero-width or other format characters, with look-alike
    letters folded (Ð U+00D0 as Đ, Cyrillic "а" as Latin "a"): two spellings that look the same are one unit.
    """
    return name_key(name)
