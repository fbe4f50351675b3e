"""Judge scores against targets: gaps, verdicts, ranks and table averages (pure functions)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

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


def assess(tables: Sequence[ResultTable], units: Sequence[str], settings: AssessmentSettings) -> list[UnitAssessment]:
    """Assess every unit in `units` over every table; raise `DataError` for a unit missing from a table.

    With `settings.missing_unit == "bo_qua"` a missing unit is recorded in `missing_from` instead and its
    letter leaves that table out.
    """
    digits = settings.decimals
    judged: dict[str, dict[str, TableResult]] = {}
    for table in tables:
        judged[table.spec.code] = _assess_table(table, settings, digits)

    results = []
    problems = []
    for name in units:
        key = unit_key(name)
        found = []
        missing = []
        for table in tables:
            result = judged[table.spec.code].get(key)
            if result is None:
                missing.append(table)
            else:
                found.append(result)
        if missing and settings.missing_unit == "loi":
            problems.append(f"'{name}' không có trong " + ", ".join(t.source for t in missing))
        results.append(UnitAssessment(unit=Unit(name), tables=tuple(found),
                                      missing_from=tuple(t.spec.name for t in missing)))
    if problems:
        raise DataError(
            "đơn vị thiếu trong bảng kết quả: " + "; ".join(problems)
            + ". Bổ sung số liệu, sửa tên cho khớp, hoặc đặt thieu_don_vi = \"bo_qua\" trong [danh_gia].")
    return results


def _assess_table(table: ResultTable, settings: AssessmentSettings, digits: int) -> dict[str, TableResult]:
    names = table.units()
    official = bool(table.overall)
    overall = {name: round_half_up(table.overall[name] if official else overall_score(table.scores[name]), digits)
               for name in names}
    overall_values = [overall[name] for name in names]
    overall_ranks = dict(zip(names, competition_ranks(overall_values), strict=True))
    overall_average = round_half_up(fmean(overall_values), digits)

    per_criterion: dict[str, dict[str, CriterionResult]] = {name: {} for name in names}
    for criterion in table.spec.criteria:
        values = [round_half_up(table.scores[name][criterion.code], digits) for name in names]
        ranks = competition_ranks(values)
        average = round_half_up(fmean(values), digits)
        target = settings.target_for(criterion.code, criterion.target)
        for name, value, rank in zip(names, values, ranks, strict=True):
            gap = round_half_up(value - target, digits)
            per_criterion[name][criterion.code] = CriterionResult(
                criterion=criterion, score=value, target=target, gap=gap,
                verdict=verdict(gap, settings.very_low_margin), rank=rank, rank_of=len(names), average=average)

    return {
        unit_key(name): TableResult(
            spec=table.spec,
            overall=overall[name],
            overall_rank=overall_ranks[name],
            rank_of=len(names),
            overall_average=overall_average,
            criteria=tuple(per_criterion[name][c.code] for c in table.spec.criteria),
            official=official,
        )
        for name in names
    }
