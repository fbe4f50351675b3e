"""The assessment grid of the *Kết quả* page: units × criteria with verdicts, rank and overall index;
and the reader's report of a refused workbook (file, sheet, row, column, message)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from congvan.config import Workspace
from congvan.errors import CongvanError, DataError
from congvan.models import Criterion, UnitAssessment
from congvan.vn import collation, format_percent

VERDICTS = {"vuot": "vượt", "dat": "đạt", "chua_dat": "chưa đạt", "rat_thap": "rất thấp"}


@dataclass(frozen=True)
class Cell:
    text: str
    verdict: str  # vuot, dat, chua_dat, rat_thap; "" for a unit missing from the table
    score: float | None


@dataclass(frozen=True)
class Row:
    unit: str
    rank: int
    overall: str
    overall_value: float
    cells: tuple[Cell, ...]
    weak: bool


@dataclass
class Grid:
    """One results table: its criteria and a row per unit."""

    code: str
    name: str
    criteria: tuple[Criterion, ...]
    rows: list[Row]


@dataclass
class Refusal:
    """Where a results file was refused, split into its parts for the report table."""

    file: str
    sheet: str
    row: str
    column: str
    message: str


@dataclass
class Report:
    """What reading one results file gave: grids, or the refusal; warnings either way."""

    source: str
    grids: list[Grid] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def refusal(err: CongvanError) -> Refusal:
    """Split a reader's error "file, sheet 'S', dòng R, cột 'C': message" into its parts."""
    location = err.location if isinstance(err, DataError) else ""
    message = str(err)[len(location) + 2:] if location else str(err)
    sheet = re.search(r"sheet '([^']*)'", location)
    row = re.search(r"dòng (\d+)", location)
    column = re.search(r"cột '([^']*)'", location)
    return Refusal(location.split(", ")[0] if location else "", sheet.group(1) if sheet else "",
                   row.group(1) if row else "", column.group(1) if column else "", message)


_CACHE: OrderedDict[tuple[object, ...], Report] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def _stamp(paths: list[Path]) -> tuple[object, ...]:
    stats = [p.stat() for p in paths]
    return tuple((str(p), s.st_mtime_ns, s.st_size) for p, s in zip(paths, stats, strict=True))


def read_report(ws: Workspace, path: Path, shown: str) -> Report:
    """Read `path` as the workspace's results and assess every unit; a refusal is reported, not raised.

    The last few reports are kept while the results file, congvan.toml and the catalog are unchanged."""
    try:
        key: tuple[object, ...] = (_stamp([path, ws.config_path, ws.catalog]), shown)
    except OSError:
        key = ()
    with _LOCK:
        if key and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    report = _read_report(ws, path, shown)
    with _LOCK:
        if key:
            _CACHE[key] = report
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return report


def _read_report(ws: Workspace, path: Path, shown: str) -> Report:
    from congvan.batch.build import read_assessments  # heavy: loaded after start (app.warm_up), not before
    from congvan.sources.catalog import workspace_catalog

    report = Report(shown)
    try:
        catalog = workspace_catalog(ws)
        tables, assessments = read_assessments(ws, catalog, [path], (), report.warnings)
    except CongvanError as err:
        found = refusal(err)
        found.file, found.message = found.file.replace(str(path), shown), found.message.replace(str(path), shown)
        report.refusals.append(found)
        return report
    finally:  # a staged upload is named as the clerk knows it
        report.warnings[:] = [w.replace(str(path), shown) for w in report.warnings]
    for table in tables:
        report.grids.append(_grid(table.spec.code, table.spec.name, table.spec.criteria, assessments))
    return report


def _grid(code: str, name: str, criteria: tuple[Criterion, ...], assessments: Sequence[UnitAssessment]) -> Grid:
    rows = []
    for assessment in assessments:
        result = next((t for t in assessment.tables if t.spec.code == code), None)
        if result is None:
            continue
        by_code = {c.criterion.code: c for c in result.criteria}
        cells = tuple(Cell(format_percent(by_code[c.code].score), by_code[c.code].verdict, by_code[c.code].score)
                      if c.code in by_code else Cell("", "", None) for c in criteria)
        rows.append(Row(assessment.unit.name, result.overall_rank, format_percent(result.overall), result.overall,
                        cells, bool(result.weaknesses)))
    return Grid(code, name, criteria, sorted(rows, key=lambda r: r.rank))


def arrange(grid: Grid, sort: str, weak_only: bool) -> list[Row]:
    """Return the rows to show: only those with weaknesses when asked, ordered by `sort` (rank, name or a
    criterion code; a criterion sorts lowest score first)."""
    rows = [r for r in grid.rows if r.weak or not weak_only]
    codes = [c.code for c in grid.criteria]
    if sort == "ten":
        return sorted(rows, key=lambda r: collation.sort_key(r.unit))
    if sort in codes:
        at = codes.index(sort)
        return sorted(rows, key=lambda r: (r.cells[at].score is None, r.cells[at].score or 0.0))
    return sorted(rows, key=lambda r: r.rank)
