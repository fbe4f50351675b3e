"""What a build makes, summed up for `congvan build --dry-run`: per table the units below target and the
weakest criterion, the weakest criterion overall, the warnings and where the letters would go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from congvan.batch import drafts

if TYPE_CHECKING:
    from congvan.batch.build import PlannedLetter


@dataclass(frozen=True)
class CriterionSummary:
    """One criterion over the batch's units: how many fall short and the mean gap to target (points)."""

    table: str
    name: str
    short: int
    units: int
    mean_gap: float


@dataclass(frozen=True)
class TableSummary:
    """One results table over the batch's units."""

    name: str
    source: str
    units: int
    short: int  # units with at least one criterion of this table below target
    weakest: CriterionSummary


@dataclass(frozen=True)
class BuildSummary:
    """What `congvan build` makes (or would make, with --dry-run)."""

    letters: int
    short: int  # letters to units with at least one criterion below target
    tables: list[TableSummary]
    weakest: CriterionSummary | None  # the lowest mean gap over every table
    warnings: list[str]
    folder: Path  # the batch folder the letters go (or would go) into
    files: list[str]  # the letters' file names, in batch order


def summarize(letters: Sequence[PlannedLetter], sources: Mapping[str, str], warnings: Sequence[str],
              folder: Path) -> BuildSummary:
    """Sum up the planned letters; `sources` maps a table name to where it was read."""
    gaps: dict[tuple[str, str], list[float]] = {}  # (table, criterion) -> each unit's gap, in catalog order
    units: dict[str, int] = {}
    short: dict[str, int] = {}
    for letter in letters:
        for table in letter.assessment.tables:
            units[table.spec.name] = units.get(table.spec.name, 0) + 1
            short[table.spec.name] = short.get(table.spec.name, 0) + bool(table.weaknesses)
            for result in table.criteria:
                gaps.setdefault((table.spec.name, result.criterion.name), []).append(result.gap)
    criteria = [CriterionSummary(table, name, sum(g < 0 for g in values), len(values), sum(values) / len(values))
                for (table, name), values in gaps.items()]
    tables = [TableSummary(name, sources.get(name, ""), count, short[name],
                           _weakest([c for c in criteria if c.table == name]))
              for name, count in units.items()]
    return BuildSummary(letters=len(letters), short=sum(1 for letter in letters if letter.weaknesses), tables=tables,
                        weakest=_weakest(criteria) if criteria else None, warnings=list(warnings), folder=folder,
                        files=[drafts.letter_path(folder, letter.stem).name for letter in letters])


def _weakest(criteria: Sequence[CriterionSummary]) -> CriterionSummary:
    """The lowest mean gap; on a tie, more units short, then catalog order."""
    return min(criteria, key=lambda c: (round(c.mean_gap, 9), -c.short))
