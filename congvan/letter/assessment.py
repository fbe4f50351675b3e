"""Judge scores against targets: gaps, verdicts, ranks and table averages (pure functions)."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import overload

from congvan.config import AssessmentSettings
from congvan.errors import DataError
from congvan.models import CriterionResult, ResultTable, TableResult, Unit, UnitAssessment, unit_key


def round_half_up(value: float, decimals: int) -> float:
    """Return `value` rounded half up as people do by hand (78.615 -> 78.62), not Python's banker's rounding."""
    text = repr(value)
    point = text.find(".")
    if point >= 0 and len(text) - point - 1 <= decimals and "e" not in text:
        return value  # no more digits than kept (most scores): quantizing only adds zeros, the float is the same
    return float(Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def verdict(gap: float, very_low_margin: float) -> str:
    """Return the verdict for a gap (score − target, already rounded): vuot, dat, chua_dat or rat_thap."""
    if gap > 0:
        return "vuot"
    if gap == 0:
        return "dat"
    if -gap > very_low_margin:
        return "rat_thap"
    return "chua_dat"


def competition_ranks(values: Sequence[float]) -> list[int]:
    """Return the rank of each value, highest first, ties sharing a rank ("1, 2, 2, 4")."""
    ordered = sorted(values)
    return [1 + len(ordered) - bisect_right(ordered, value) for value in values]


def overall_score(scores: dict[str, float]) -> float:
    """Return a unit's overall index in a table when the table has no official one: the mean of its criteria."""
    return fmean(scores.values())


def assess(tables: Sequence[ResultTable], units: Sequence[str], settings: AssessmentSettings) -> Assessments:
    """Assess every unit in `units` over every table; raise `DataError` for a unit missing from a table.

    With `settings.missing_unit == "bo_qua"` a missing unit is recorded in `missing_from` instead and its
    letter leaves that table out.
    """
    judged = [_Judged(table, settings) for table in tables]
    places = [{unit_key(name): position for position, name in enumerate(table.units())} for table in tables]
    rows = [array("q") for _ in tables]  # each unit's position in each table, -1 where it is missing
    problems = []
    for name in units:
        key = unit_key(name)
        missing = []
        for number, table in enumerate(tables):
            position = places[number].get(key, -1)
            rows[number].append(position)
            if position < 0:
                missing.append(table)
        if missing and settings.missing_unit == "loi":
            problems.append(f"'{name}' không có trong " + ", ".join(t.source for t in missing))
    if problems:
        raise DataError(
            "đơn vị thiếu trong bảng kết quả: " + "; ".join(problems)
            + ". Bổ sung số liệu, sửa tên cho khớp, hoặc đặt thieu_don_vi = \"bo_qua\" trong [danh_gia].")
    return Assessments(judged, list(units), rows)


class Assessments(Sequence[UnitAssessment]):
    """The assessments of a batch, kept as columns of numbers; a unit's `UnitAssessment` is made when asked for.

    A batch of 20,000 units holds some 300,000 judged figures: as objects they take ~50 MB in every process
    that has them, as columns a tenth of that.
    """

    def __init__(self, tables: list[_Judged], names: list[str], rows: list[array[int]]) -> None:
        self._tables, self._names, self._rows = tables, names, rows  # rows[table][unit]: position, -1 if missing

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> UnitAssessment: ...

    @overload
    def __getitem__(self, index: slice) -> list[UnitAssessment]: ...

    def __getitem__(self, index: int | slice) -> UnitAssessment | list[UnitAssessment]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        name = self._names[index]
        places = [(table, rows[index]) for table, rows in zip(self._tables, self._rows, strict=True)]
        return UnitAssessment(unit=Unit(name), tables=tuple(table.result(p) for table, p in places if p >= 0),
                              missing_from=tuple(table.spec.name for table, p in places if p < 0))

    def names(self) -> list[str]:
        """The unit names, in order (without making the assessments)."""
        return list(self._names)

    def missing(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each unit missing from a table and the names of those tables, in order."""
        return [(name, names) for index, name in enumerate(self._names)
                if (names := tuple(t.spec.name for t, rows in zip(self._tables, self._rows, strict=True)
                                   if rows[index] < 0))]


class _Judged:
    """One table judged: each criterion's rounded scores, gaps and ranks as columns, by the units' positions."""

    def __init__(self, table: ResultTable, settings: AssessmentSettings) -> None:
        digits = settings.decimals
        names = table.units()
        self.spec, self.official, self.rank_of = table.spec, bool(table.overall), len(names)
        self.margin = settings.very_low_margin
        overall = [round_half_up(table.overall[name] if self.official else overall_score(table.scores[name]), digits)
                   for name in names]
        self.overall = array("d", overall)
        self.overall_ranks = array("q", competition_ranks(overall))
        self.overall_average = round_half_up(fmean(overall), digits)
        self.criteria = []
        for criterion in table.spec.criteria:
            values = [round_half_up(table.scores[name][criterion.code], digits) for name in names]
            target = settings.target_for(criterion.code, criterion.target)
            self.criteria.append((criterion, target, round_half_up(fmean(values), digits), array("d", values),
                                  array("d", [round_half_up(value - target, digits) for value in values]),
                                  array("q", competition_ranks(values))))

    def result(self, position: int) -> TableResult:
        """The `TableResult` of the unit at `position` in the table."""
        rank_of, margin = self.rank_of, self.margin
        # positional, in the fields' order: made for every unit several times a batch, kwargs cost 1.7× more
        criteria = tuple([CriterionResult(criterion, values[position], target, gaps[position],
                                          verdict(gaps[position], margin), ranks[position], rank_of, average)
                          for criterion, target, average, values, gaps, ranks in self.criteria])
        return TableResult(self.spec, self.overall[position], self.overall_ranks[position], rank_of,
                           self.overall_average, criteria, self.official)
