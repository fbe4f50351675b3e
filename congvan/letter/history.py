"""Last year beside this year: attach each unit's figures of the year before to its assessment (pure functions).

A unit is found in last year's table by its own name (`unit_key` folding) or, after the reorganisation of
administrative units, through doi_ten.csv: one old name -> a renamed unit, whose figures are compared; several old
names -> a merged unit, which is not compared (the results give percentages, not the numbers of people surveyed,
so the old units' figures cannot be combined honestly). A unit found nowhere has no figure, and says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from congvan.errors import DataError
from congvan.letter.assessment import overall_score, round_half_up
from congvan.models import PreviousYear, ResultTable, UnitAssessment, unit_key
from congvan.sources.renames import Rename
from congvan.vn import format_number, format_percent


def with_previous(assessments: Sequence[UnitAssessment], previous: Sequence[ResultTable], renames: Sequence[Rename],
                  year: int, decimals: int) -> list[UnitAssessment]:
    """Return `assessments` with each table's `previous` set from last year's `previous` tables."""
    by_code = {table.spec.code: table for table in previous}
    keys = {code: {unit_key(unit): unit for unit in table.units()} for code, table in by_code.items()}
    sources = _sources(previous, renames)
    result = []
    for assessment in assessments:
        own = sources.get(unit_key(assessment.unit.name))
        tables = []
        for table in assessment.tables:
            last = by_code.get(table.spec.code)
            found = (_previous(last, keys[table.spec.code], own, assessment.unit.name, year, decimals) if last
                     else PreviousYear(year))
            tables.append(dataclasses.replace(table, previous=found))
        result.append(dataclasses.replace(assessment, tables=tuple(tables)))
    return result


def _sources(previous: Sequence[ResultTable], renames: Sequence[Rename]) -> dict[str, list[str]]:
    """Map each new unit (by key) to the old names its figures come from, per doi_ten.csv."""
    sources: dict[str, list[str]] = {}
    for rename in renames:
        sources.setdefault(unit_key(rename.new), []).append(rename.old)
    known = {unit_key(name) for table in previous for name in table.units()}
    for rename in renames:
        if unit_key(rename.old) not in known:
            raise DataError(f"đơn vị cũ '{rename.old}' không có trong kết quả năm trước ([du_lieu] nam_truoc): "
                            "sửa tên cho khớp với tệp năm trước.", rename.where)
    return sources


def _previous(table: ResultTable, by_key: dict[str, str], old_names: list[str] | None, name: str, year: int,
              decimals: int) -> PreviousYear:
    """Last year's figures of unit `name` in `table`, whose units are `by_key` (unit key -> name as written)."""
    if old_names and len(old_names) > 1:
        return PreviousYear(year, merged_from=tuple(old_names))
    old = old_names[0] if old_names else name
    found = by_key.get(unit_key(old))
    if found is None:
        return PreviousYear(year)
    scores = {code: round_half_up(value, decimals) for code, value in table.scores[found].items()}
    overall = table.overall.get(found)
    overall = round_half_up(overall if overall is not None else overall_score(table.scores[found]), decimals)
    return PreviousYear(year, scores, overall, renamed_from=found if unit_key(found) != unit_key(name) else "")


# -- what a letter says about it --


def history_phrase(now: float, last: float | None, previous: PreviousYear | None, decimals: int) -> str:
    """Return "tăng 2,09 điểm phần trăm so với năm 2024" and the like; "" without [du_lieu] nam_truoc."""
    if previous is None:
        return ""
    if previous.merged_from:
        return f"không so sánh được với năm {previous.year} (đơn vị hợp nhất)"
    if last is None:
        return f"chưa có số liệu năm {previous.year} để so sánh"
    return f"{_change(now, last, decimals)} so với năm {previous.year}"


def history_sentence(what: str, now: float, last: float | None, previous: PreviousYear | None, decimals: int) -> str:
    """Return the sentence a letter prints about `what` ("kết quả", "Chỉ số chung") against last year."""
    if previous is None:
        return ""
    if previous.merged_from:
        return (f"Không so sánh {what} với năm {previous.year} vì đơn vị được hợp nhất từ "
                f"{', '.join(previous.merged_from)} (không gộp được số liệu của các đơn vị cũ).")
    if last is None:
        return f"Năm {previous.year} không có số liệu của đơn vị để so sánh."
    was = format_percent(last, decimals, keep_zeros=True)
    renamed = f", khi còn là {previous.renamed_from}" if previous.renamed_from else ""
    return f"So với năm {previous.year} ({was}{renamed}), {what} {_change(now, last, decimals)}."


def _change(now: float, last: float, decimals: int) -> str:
    change = round(now - last, decimals)
    if change == 0:
        return "không thay đổi"
    return f"{'tăng' if change > 0 else 'giảm'} {format_number(abs(change), decimals, keep_zeros=True)} điểm phần trăm"
