"""Sequence the side effects of `congvan build`: validate everything, then write a draft batch.

Nothing is written until every input has been read, every unit assessed, every context built and the
template checked against them. Letters are written into a hidden `.partial` folder that is renamed into
place only when the whole batch is on disk, so a failed run leaves no partial output.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, overload

from congvan import clock
from congvan.batch import drafts
from congvan.batch.batches import input_files
from congvan.config import Workspace
from congvan.config.leftovers import check_sample
from congvan.errors import CongvanError, DataError, FileUnreadable
from congvan.files import atomic_write
from congvan.letter.assessment import Assessments, assess
from congvan.letter.context import LetterContexts
from congvan.letter.history import with_previous
from congvan.models import Catalog, ResultTable, UnitAssessment, unit_key
from congvan.processes import available_cpus, call_forked, can_fork, forked, run_in_order, started
from congvan.recipients import rules as recipients
from congvan.render.charts import BarChart, Picture, draw
from congvan.render.template import LetterTemplate
from congvan.sources import results as sources
from congvan.sources.catalog import workspace_catalog
from congvan.sources.renames import read_renames

Progress = Callable[[int], None]
PARALLEL_FROM = 200  # letters; below this, starting worker processes costs more than it saves
PREVIOUS_AT_ONCE_FROM = 128 * 1024  # bytes of last year's results files (~4,000 rows); below, read in turn


@dataclass(frozen=True)
class BuildOptions:
    """What the clerk asked for; `None` means the workspace default."""

    data: tuple[Path, ...] = ()
    template: Path | None = None
    units: tuple[str, ...] = ()
    out: Path | None = None
    dry_run: bool = False
    today: dt.date | None = None
    workers: int | None = None  # processes rendering letters; None: one per CPU for large batches


@dataclass(frozen=True)
class PlannedLetter:
    """One letter to write: its place in the batch, its file stem and the unit's assessment (the context is
    made later)."""

    index: int
    unit: str
    stem: str
    assessment: UnitAssessment = field(repr=False, compare=False)

    @property
    def weaknesses(self) -> tuple[str, ...]:
        return tuple(c.criterion.code for t in self.assessment.tables for c in t.weaknesses)

    @property
    def strengths(self) -> tuple[str, ...]:
        return tuple(c.criterion.code for t in self.assessment.tables for c in t.strengths)

    @property
    def figures(self) -> list[drafts.CriterionFigures]:
        """Every criterion of the letter, in catalog order, with the unit's score, target and gap."""
        return [drafts.CriterionFigures(t.spec.name, c.criterion.name, c.score, c.target, c.gap, c.meets_target)
                for t in self.assessment.tables for c in t.criteria]


@dataclass(frozen=True)
class ContextMaker:
    """Makes the template context of a planned letter; picklable, so worker processes get a copy."""

    workspace: Workspace
    catalog_source: str
    rules: recipients.RecipientRules
    today: dt.date

    @cached_property
    def _letters(self) -> LetterContexts:  # made once, in the process that plans (workers inherit or unpickle it)
        return LetterContexts(self.workspace, self.catalog_source, self.rules, self.today.month, self.today.year)

    def __call__(self, letter: PlannedLetter) -> dict[str, Any]:
        try:
            return self._letters(letter.assessment)
        except CongvanError as err:
            raise _for_letter(err, letter) from err


def _for_letter(err: CongvanError, letter: PlannedLetter) -> CongvanError:
    """Return `err` prefixed with whose letter failed: the same text or template serves every unit."""
    return type(err)(f"thư gửi '{letter.unit}': {err}")


class PlannedLetters(Sequence[PlannedLetter]):
    """The letters of a plan, each made with its unit's assessment when asked for: a plan of 20,000 letters holds
    their file stems and the assessments' columns, not 20,000 assessments."""

    def __init__(self, assessments: Sequence[UnitAssessment], names: list[str], stems: list[str]) -> None:
        self.assessments, self._names, self._stems = assessments, names, stems

    def __len__(self) -> int:
        return len(self._stems)

    @overload
    def __getitem__(self, index: int) -> PlannedLetter: ...

    @overload
    def __getitem__(self, index: slice) -> list[PlannedLetter]: ...

    def __getitem__(self, index: int | slice) -> PlannedLetter | list[PlannedLetter]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return PlannedLetter(index + 1, self._names[index], self._stems[index], self.assessments[index])


@dataclass
class Plan:
    """Everything read and checked, before any letter is rendered."""

    template: LetterTemplate
    letters: PlannedLetters
    warnings: list[str]
    contexts: ContextMaker
    inputs: tuple[drafts.InputFile, ...]  # every file read, with its SHA-256 (recorded in the manifest)
    sources: dict[str, str] = field(default_factory=dict)  # table name -> where it was read (file, sheet)


@dataclass
class BuildReport:
    """What a build did (or would do, with --dry-run)."""

    batch: str
    folder: Path | None
    letters: Sequence[PlannedLetter]
    warnings: list[str]
    template_sha256: str


def plan(workspace: Workspace, options: BuildOptions) -> Plan:
    """Read and check every input; make the first letter's context to check the template (no side effects)."""
    catalog = workspace_catalog(workspace)
    data = options.data or workspace.results

    def read() -> _Reading:
        return _read(workspace, catalog, data, options.units)

    reading = call_forked(read) if _size(data) >= READ_APART_FROM and can_fork() else read()
    every_unit, assessments = reading.every_unit, reading.assessments
    source_warnings = reading.warnings
    sample_warnings = check_sample(workspace.config_path, workspace.raw, every_unit)
    rules = recipients.load_workspace_rules(workspace, [t.code for t in catalog.tables], every_unit)

    warnings = [*workspace.warnings, *sample_warnings, *source_warnings] + [
        f"'{name}' không có trong bảng {', '.join(missing)}: thư bỏ qua phần này."
        for name, missing in _missing(assessments)]
    template_path = options.template or workspace.letter.template
    if not template_path.is_file():
        raise FileUnreadable(f"{template_path}: không tìm thấy mẫu .docx.")
    template = LetterTemplate(template_path)
    if template.fallback_reason:
        warnings.append(f"{template_path}: {template.fallback_reason}, nên dùng docxtpl để tạo thư (chậm hơn).")
    if workspace.letter.chart and not template.places_pictures():
        warnings.append(f"{workspace.config_path}: [van_ban] bieu_do = true nhưng mẫu {template_path} không có đoạn "
                        "{{ b.bieu_do|hinh }}: thư không có biểu đồ. Thêm đoạn đó sau {{ b.tong_quan }} "
                        "(xem mẫu mặc định templates_docx/cong_van_chi_dao.docx).")

    letters = PlannedLetters(assessments, reading.names, reading.stems)
    contexts = ContextMaker(workspace, catalog.source, rules, options.today or clock.today())
    if letters:
        template.check_context(contexts(letters[0]))
        rules.warnings.clear()  # the letter is made again with the others, and warns then
    inputs = input_files(workspace, data, template_path)  # every one read fine
    return Plan(template, letters, warnings, contexts, inputs, reading.sources)


READ_APART_FROM = 512 * 1024  # bytes of results files (~7,000 units) from which they are read in a forked process


@dataclass
class _Reading:
    """What a plan keeps of the results it read: every unit (dictionary order), the assessments of the units built,
    their names and file stems, each table's source, the warnings."""

    every_unit: list[str]
    assessments: Sequence[UnitAssessment]
    names: list[str]
    stems: list[str]
    sources: dict[str, str]
    warnings: list[str]


def _read(workspace: Workspace, catalog: Catalog, data: Sequence[Path], units: Sequence[str]) -> _Reading:
    """Read and assess the results; keep only what the plan needs (the tables' cells are dropped here)."""
    warnings: list[str] = []
    tables, every_unit, assessments = _read_and_assess(workspace, catalog, data, units, warnings)
    positions = workbook_positions(tables)
    names = assessments.names() if isinstance(assessments, Assessments) else [a.unit.name for a in assessments]
    stems = [drafts.letter_stem(positions[unit_key(name)], len(positions), name) for name in names]
    return _Reading(every_unit, assessments, names, stems, {t.spec.name: t.source for t in tables}, warnings)


def _size(paths: Sequence[Path]) -> int:
    """The bytes of the files in `paths` (0 for one that cannot be read: the reader names it)."""
    total = 0
    for path in paths:
        with suppress(OSError):
            total += path.stat().st_size
    return total


def read_assessments(workspace: Workspace, catalog: Catalog, data: Sequence[Path], units: Sequence[str],
                     warnings: list[str]) -> tuple[list[ResultTable], Sequence[UnitAssessment]]:
    """Read the results tables in `data` and assess `units` (every unit when empty); warnings go to `warnings`."""
    tables, _every_unit, assessed = _read_and_assess(workspace, catalog, data, units, warnings)
    return tables, assessed


def _read_and_assess(workspace: Workspace, catalog: Catalog, data: Sequence[Path], units: Sequence[str],
                     warnings: list[str]) -> tuple[list[ResultTable], list[str], Sequence[UnitAssessment]]:
    """`read_assessments`, also returning every unit name of the tables (in dictionary order).

    Last year's tables ([du_lieu] nam_truoc), when large, are read by a forked process while this year's are
    read and assessed; what is read, warned and refused is the same, in the same order, as one after another.
    """
    def read(paths: Sequence[Path], year: int, two_level: bool) -> tuple[list[ResultTable], list[str]]:
        notes: list[str] = []
        return sources.load_results(paths, catalog, convert_legacy=workspace.convert_legacy, warnings=notes,
                                    year=year, limits=workspace.read_limits, two_level=two_level), notes

    reads = [partial(read, data, workspace.assessment.year, workspace.two_level)]
    if workspace.previous_results:  # [du_lieu] nam_truoc: last year beside this year
        reads.append(partial(read, workspace.previous_results, workspace.assessment.year - 1, False))
    at_once = len(reads) > 1 and _size(workspace.previous_results) >= PREVIOUS_AT_ONCE_FROM and can_fork()
    done: Generator[tuple[list[ResultTable], list[str]], None, None] = (
        run_in_order(reads) if at_once else (task() for task in reads))
    with closing(done):
        tables, notes = next(done)
        warnings += notes
        every_unit = sources.all_units(tables)
        assessed: Sequence[UnitAssessment] = assess(tables, _select(every_unit, units), workspace.assessment)
        if workspace.previous_results:
            previous, notes = next(done)
            warnings += notes
            renames = read_renames(workspace.renames) if workspace.renames else []
            assessed = with_previous(assessed, previous, renames, workspace.assessment.year - 1,
                                     workspace.assessment.decimals)
    return tables, every_unit, assessed


def build(workspace: Workspace, options: BuildOptions, progress: Progress | None = None,
          planned: Plan | None = None) -> BuildReport:
    """Render every letter and write the draft batch folder; return what was done.

    Letters are made one by one (context, render, write), in worker processes for large batches, so
    memory does not grow with the batch. They go into a hidden `.partial` folder that is renamed into
    place only when all are written: any error leaves no batch behind. `planned` is `plan()`'s result
    when the caller already has it.
    """
    planned = planned or plan(workspace, options)
    template, letters, warnings = planned.template, planned.letters, list(planned.warnings)
    now = clock.now()
    batch = drafts.new_batch_id(now)
    if options.dry_run:  # render everything so that every error surfaces; write nothing
        for _entries, new_warnings in _produce(planned, None, options.workers):
            _add_warnings(warnings, new_warnings)
            if progress:
                progress(len(_entries))
        return BuildReport(batch, None, letters, warnings, template.sha256)

    # The hidden folder is the unit of atomicity: its files are written plainly, synced once, then renamed.
    with (drafts.writing_batch(options.out or workspace.drafts_dir, batch) as partial,
          _summaries(workspace, planned, partial, batch, options.workers) as summaries,
          drafts.ManifestWriter(partial) as entries):  # written as the letters come: a batch of 20,000 stays small
        with drafts.ContextFile(partial) as stored:  # the workers write the .docx; the contexts come here, in order
            for chunk_entries, new_warnings in _produce(planned, partial, options.workers):
                for entry, raw in chunk_entries:
                    entries.add(entry | stored.add(raw))
                _add_warnings(warnings, new_warnings)
                if progress:
                    progress(len(chunk_entries))
        summaries.result()  # raises what the summary's process raised
        header = _header(workspace, batch, now, template, planned.inputs)
        final = drafts.finish_batch(partial, header, template.path, entries, warnings)
    return BuildReport(batch, final, letters, warnings, template.sha256)


# -- the summary workbook and report, beside the letters --


@contextmanager
def _summaries(workspace: Workspace, planned: Plan, partial: Path, batch: str,
               requested: int | None) -> Iterator[Future[None] | _Later]:
    """Write tong_hop.xlsx and tong_hop.docx into `partial`: in a forked process while the letters are made
    when the batch is made in parallel (it inherits the plan; nothing is pickled), else here once the letters are
    made. Yield what to wait on; on leaving, the process is waited for (an error elsewhere cancels what has not
    begun)."""
    if worker_count(len(planned.letters), requested) > 1 and can_fork():
        with forked(lambda: _write_summaries(workspace, planned, partial, batch, charts_apart=True)) as future:
            yield future
        return
    yield _Later(lambda: _write_summaries(workspace, planned, partial, batch))


class _Later:
    """A call made when its result is asked for: the summaries after the letters, as a failed letter says first."""

    def __init__(self, call: Callable[[], None]) -> None:
        self._call = call

    def result(self) -> None:
        self._call()


def _write_summaries(workspace: Workspace, planned: Plan, partial: Path, batch: str,
                     charts_apart: bool = False) -> None:
    """Write tong_hop.xlsx and tong_hop.docx. With `charts_apart` (in the summaries' own process) the report's
    charts are drawn by a process forked before pandas is loaded: matplotlib and pandas in one process would make
    it the build's largest (~60 MB above the fork)."""
    with ExitStack() as stack:
        charts = stack.enter_context(started()) if charts_apart else None

        def draw_chart(chart: BarChart) -> Picture:
            return charts.submit(draw, chart).result() if charts else draw(chart)

        # pandas and python-docx are loaded here, in the summaries' process: the letters' processes never need them
        from congvan.summary.report import summary_report
        from congvan.summary.tables import summarize
        from congvan.summary.workbook import summary_workbook

        summarized = summarize(planned.letters.assessments)
        atomic_write(drafts.summary_path(partial), summary_workbook(
            summarized, workspace.assessment.very_low_margin, f"Lô {batch}."))
        atomic_write(drafts.report_path(partial), summary_report(workspace, planned.template.path, summarized,
                                                                 planned.contexts.today, draw_chart))


# -- making letters, in this process or in workers --

Chunk = tuple[list[tuple[dict[str, Any], bytes]], list[str]]  # manifest entries and contexts' bytes, new warnings
_WORKER: dict[str, Any] = {}


def worker_count(letters: int, requested: int | None = None) -> int:
    """Return how many processes to render `letters` letters with: `requested`, or one per CPU when large."""
    if requested:
        return max(1, requested)
    if letters < PARALLEL_FROM:
        return 1
    return max(1, available_cpus())


def _produce(planned: Plan, folder: Path | None, requested: int | None) -> Iterator[Chunk]:
    """Yield, in batch order, the manifest entries of each chunk of letters once it is made."""
    letters = planned.letters
    workers = worker_count(len(letters), requested)
    if workers == 1 or len(letters) < 2:
        size = 64
        for start in range(0, len(letters), size):
            yield _make_letters(planned.template, planned.contexts, folder, letters[start:start + size])
        return
    size = max(8, min(128, len(letters) // (workers * 8) or 1))
    # A chunk is sent as its range of letters: the workers have the plan (inherited when forked, pickled once
    # each when spawned) and make each letter's assessment from its columns themselves.
    spans = ((start, min(start + size, len(letters))) for start in range(0, len(letters), size))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":  # what the first letter draws once (charts' shared parts) is inherited
        planned.template.render(planned.contexts(letters[0]))
    with context.Pool(workers, initializer=_init_worker,
                      initargs=(planned.template.path, planned.contexts, letters, folder)) as pool:
        yield from pool.imap(_worker_chunk, spans)


def _init_worker(template_path: Path, contexts: ContextMaker, letters: PlannedLetters, folder: Path | None) -> None:
    _WORKER.update(template=LetterTemplate(template_path), contexts=contexts, letters=letters, folder=folder)


def _worker_chunk(span: tuple[int, int]) -> Chunk:
    start, stop = span
    return _make_letters(_WORKER["template"], _WORKER["contexts"], _WORKER["folder"], _WORKER["letters"][start:stop])


def _make_letters(template: LetterTemplate, contexts: ContextMaker, folder: Path | None,
                  letters: Sequence[PlannedLetter]) -> Chunk:
    """Make each letter: context, render, and (unless `folder` is None) write its .docx and pack its context."""
    warnings = contexts.rules.warnings
    seen = len(warnings)
    entries = []
    for letter in letters:
        context = contexts(letter)
        try:
            data = template.render(context)
        except CongvanError as err:
            raise _for_letter(err, letter) from err
        raw = b""
        if folder is not None:
            drafts.write_docx(folder, letter.stem, data)
            raw = drafts.context_bytes(context)
        entries.append((drafts.letter_entry(letter.index, letter.unit, letter.stem, data, context,
                                            letter.weaknesses, letter.strengths, letter.figures), raw))
    return entries, warnings[seen:]


def _add_warnings(warnings: list[str], new: Iterable[str]) -> None:
    for warning in new:
        if warning not in warnings:
            warnings.append(warning)


# -- helpers --


def _select(names: Sequence[str], wanted: Sequence[str]) -> list[str]:
    if not wanted:
        return list(names)
    by_key = {unit_key(n): n for n in names}
    unknown = [w for w in wanted if unit_key(w) not in by_key]
    if unknown:
        from congvan.config.hints import suggest_names

        raise DataError("không có đơn vị " + ", ".join(f"'{u}'" for u in unknown) + " trong bảng kết quả"
                        + (suggest_names(unknown[0], names) or "."))
    chosen = {unit_key(w) for w in wanted}
    return [n for n in names if unit_key(n) in chosen]


def _missing(assessed: Sequence[UnitAssessment]) -> list[tuple[str, tuple[str, ...]]]:
    """Each unit missing from a table (`thieu_don_vi = "bo_qua"`) and the tables it is missing from."""
    if isinstance(assessed, Assessments):
        return assessed.missing()
    return [(a.unit.name, a.missing_from) for a in assessed if a.missing_from]


def workbook_positions(tables: Iterable[ResultTable]) -> dict[str, int]:
    """Number every unit (by `unit_key`) from 1 in the order the results list them: the first table's rows,
    then units only later tables have. The same unit gets the same number whichever units are built."""
    positions: dict[str, int] = {}
    for table in tables:
        for name in table.units():
            positions.setdefault(unit_key(name), len(positions) + 1)
    return positions


def _header(workspace: Workspace, batch: str, now: dt.datetime, template: LetterTemplate,
            inputs: tuple[drafts.InputFile, ...]) -> drafts.BatchHeader:
    try:
        source_text = str(template.path.resolve().relative_to(workspace.root))
    except ValueError:
        source_text = str(template.path)
    return drafts.BatchHeader(batch=batch, created=now, template_source=source_text, template_sha256=template.sha256,
                              issuer=workspace.agency.issuer, issuer_abbreviation=workspace.agency.issuer_abbreviation,
                              symbol=workspace.agency.symbol, inputs=inputs)
