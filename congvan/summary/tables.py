"""The figures of the summary workbook as pandas tables, from the assessments (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from congvan.models import TableResult, TableSpec, UnitAssessment
from congvan.vn import format_number

STT, UNIT, OVERALL, RANK, SHORT = "STT", "Đơn vị", "Chỉ số chung", "Xếp hạng", "Số tiêu chí chưa đạt"
AVERAGE, TARGET = "Bình quân", "Chỉ tiêu"
CRITERIA_COLUMNS = ("Bảng", "Tiêu chí", TARGET, AVERAGE, "Thấp nhất", "Cao nhất", "Số đơn vị chưa đạt",
                    "Năm đơn vị thấp nhất")
WEAKEST = 5


@dataclass(frozen=True)
class TableSummary:
    """One results table: its units in rank order (`units`), the average and target rows, each criterion's target."""

    spec: TableSpec
    units: pd.DataFrame  # STT, Đơn vị, each criterion (by name), Chỉ số chung, Xếp hạng, Số tiêu chí chưa đạt
    average: dict[str, float]  # criterion name (and OVERALL) -> the table average the letters quote
    targets: dict[str, float]  # criterion name -> target


def table_results(assessments: Sequence[UnitAssessment]) -> list[tuple[TableSpec, list[tuple[str, TableResult]]]]:
    """Group the units' results by table, tables in the order they first appear, units in batch order."""
    grouped: dict[str, tuple[TableSpec, list[tuple[str, TableResult]]]] = {}
    for assessment in assessments:
        for result in assessment.tables:
            grouped.setdefault(result.spec.code, (result.spec, []))[1].append((assessment.unit.name, result))
    return list(grouped.values())


def summarize_table(spec: TableSpec, results: Sequence[tuple[str, TableResult]]) -> TableSummary:
    """Return the table's units ranked by overall index (ties keep batch order), with STT from 1."""
    names = [c.name for c in spec.criteria]
    rows = [{UNIT: unit, **{c.criterion.name: c.score for c in result.criteria}, OVERALL: result.overall,
             RANK: result.overall_rank, SHORT: len(result.weaknesses)} for unit, result in results]
    frame = pd.DataFrame(rows, columns=[UNIT, *names, OVERALL, RANK, SHORT])
    frame = frame.sort_values(RANK, kind="stable").reset_index(drop=True)
    frame.insert(0, STT, range(1, len(frame) + 1))
    first = results[0][1]
    average = {c.criterion.name: c.average for c in first.criteria} | {OVERALL: first.overall_average}
    return TableSummary(spec, frame, average, {c.criterion.name: c.target for c in first.criteria})


def criteria_table(summaries: Sequence[TableSummary]) -> pd.DataFrame:
    """Per criterion: target, table average, lowest, highest, units below target and the five weakest units."""
    rows = []
    for summary in summaries:
        frame = summary.units
        for criterion in summary.spec.criteria:
            scores = frame[[UNIT, criterion.name]].sort_values(criterion.name, kind="stable")
            target = summary.targets[criterion.name]
            weakest = "; ".join(f"{unit} ({format_number(score)})"
                                for unit, score in scores.head(WEAKEST).itertuples(index=False))
            rows.append((summary.spec.name, criterion.name, target, summary.average[criterion.name],
                         scores[criterion.name].min(), scores[criterion.name].max(),
                         int((scores[criterion.name] < target).sum()), weakest))
    return pd.DataFrame(rows, columns=list(CRITERIA_COLUMNS))
