"""The figures of the summary workbook as pandas tables, from the assessments (pure, no I/O)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from congvan.models import TableResult, TableSpec, UnitAssessment
from congvan.vn import format_number

STT, UNIT, OVERALL, RANK, SHORT = "STT", "Đơn vị", "Chỉ số chung", "Xếp hạng", "Số tiêu chí chưa đạt"
AVERAGE, TARGET = "Bình quân", "Chỉ tiêu"
CRITERIA_COLUMNS = ("Bảng", "Tiêu chí", TARGET, AVERAGE, "Thấp nhất", "Cao nhất", "Số đơn vị chưa đạt",
                    "Năm đơn vị thấp nhất")
WEAKEST = 5
NOTE = "Ghi chú so sánh"
CHANGES_COLUMNS = ("Bảng", "Nhóm", "Đơn vị", "Năm trước", "Năm nay", "Tăng/giảm (điểm %)")
MOST = 5  # units in each of the "most improved" and "most declined" lists


def previous_column(year: int) -> str:
    return f"Chỉ số chung năm {year}"


def change_column(name: str) -> str:
    """The column of a criterion's (or the overall index's) change since last year."""
    return f"Tăng/giảm: {name}"


@dataclass(frozen=True)
class TableSummary:
    """One results table: its units in rank order (`units`), the average and target rows, each criterion's target."""

    spec: TableSpec
    units: pd.DataFrame  # STT, Đơn vị, each criterion (by name), Chỉ số chung, Xếp hạng, Số tiêu chí chưa đạt
    average: dict[str, float]  # criterion name (and OVERALL) -> the table average the letters quote
    targets: dict[str, float]  # criterion name -> target
    previous_year: int | None = None  # with [du_lieu] nam_truoc: the change columns are in `units`


@dataclass(frozen=True)
class Summaries:
    """The figures of a batch's summaries: each results table's (in the order they first appear), how many units
    were assessed and how many fall short of a target in at least one table."""

    tables: list[TableSummary]
    units: int
    short: int


def summarize(assessments: Iterable[UnitAssessment]) -> Summaries:
    """Summarize every table in one pass over `assessments`, units in batch order within a table.

    The figures are gathered as columns of numbers: a batch of 20,000 units would hold ~300,000 result objects
    (~40 MB) if each unit's results were kept until the frames are made.
    """
    columns: dict[str, _Columns] = {}
    units = short = 0
    for assessment in assessments:
        units += 1
        falls_short = False
        for result in assessment.tables:
            table = columns.get(result.spec.code)
            if table is None:
                table = columns[result.spec.code] = _Columns(result)
            falls_short |= table.add(assessment.unit.name, result)
        short += falls_short
    return Summaries([table.summary() for table in columns.values()], units, short)


class _Columns:
    """One table's figures, unit by unit, as columns; `summary` ranks them."""

    def __init__(self, first: TableResult) -> None:
        self.first = first
        self.units: list[str] = []
        self.scores = [array("d") for _ in first.spec.criteria]  # a result's criteria are in the table's order
        self.overall, self.ranks, self.short = array("d"), array("q"), array("q")
        self.changes: list[dict[str, object]] | None = [] if first.previous else None

    def add(self, unit: str, result: TableResult) -> bool:
        """Add a unit's results; return whether one of its criteria is below target."""
        self.units.append(unit)
        short = 0
        for column, criterion in zip(self.scores, result.criteria, strict=True):
            column.append(criterion.score)
            short += not criterion.meets_target
        self.overall.append(result.overall)
        self.ranks.append(result.overall_rank)
        self.short.append(short)
        if self.changes is not None:
            self.changes.append(_changes(result))
        return short > 0

    def summary(self) -> TableSummary:
        """The table's units ranked by overall index (ties keep batch order), with STT from 1."""
        spec, first = self.first.spec, self.first
        names = [c.name for c in spec.criteria]
        year = first.previous.year if first.previous else None
        history = [] if year is None else [previous_column(year), change_column(OVERALL),
                                           *(change_column(name) for name in names), NOTE]
        columns: dict[str, Sequence[object]] = {
            UNIT: self.units, **dict(zip(names, self.scores, strict=True)),
            OVERALL: self.overall, RANK: self.ranks, SHORT: self.short}
        if self.changes is not None:
            columns |= {column: [row.get(column) for row in self.changes] for column in history}
        frame = pd.DataFrame(columns, columns=[UNIT, *names, OVERALL, RANK, SHORT, *history])
        frame = frame.sort_values(RANK, kind="stable").reset_index(drop=True)
        frame.insert(0, STT, range(1, len(frame) + 1))
        average = {c.criterion.name: c.average for c in first.criteria} | {OVERALL: first.overall_average}
        return TableSummary(spec, frame, average, {c.criterion.name: c.target for c in first.criteria}, year)


def _changes(result: TableResult) -> dict[str, object]:
    """The change columns of one unit: last year's overall index, the changes, and why one is missing."""
    previous = result.previous
    if previous is None:
        return {}
    digits = 4  # the scores are rounded already: this only drops float noise (80.1 - 70.05 = 10.049999...)
    row: dict[str, object] = {previous_column(previous.year): previous.overall,
                              change_column(OVERALL): None if previous.overall is None
                              else round(result.overall - previous.overall, digits)}
    for criterion in result.criteria:
        last = previous.scores.get(criterion.criterion.code)
        row[change_column(criterion.criterion.name)] = None if last is None else round(criterion.score - last, digits)
    if previous.merged_from:
        row[NOTE] = f"Hợp nhất từ {', '.join(previous.merged_from)}: không so sánh"
    elif previous.overall is None:
        row[NOTE] = f"Không có số liệu năm {previous.year}"
    else:
        row[NOTE] = f"Năm {previous.year} là {previous.renamed_from}" if previous.renamed_from else ""
    return row


def changes_table(summaries: Sequence[TableSummary]) -> pd.DataFrame:
    """Per table, the units whose overall index rose most and fell most since last year (MOST of each)."""
    rows = []
    for summary in summaries:
        if summary.previous_year is None:
            continue
        before, change = previous_column(summary.previous_year), change_column(OVERALL)
        compared = summary.units.dropna(subset=[change]).sort_values(change, ascending=False, kind="stable")
        rising = compared[compared[change] > 0].head(MOST)
        falling = compared[compared[change] < 0].sort_values(change, kind="stable").head(MOST)
        for group, frame in (("Tăng nhiều nhất", rising), ("Giảm nhiều nhất", falling)):
            rows += [(summary.spec.name, group, unit, last, now, delta)
                     for unit, last, now, delta in frame[[UNIT, before, OVERALL, change]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=list(CHANGES_COLUMNS))


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
