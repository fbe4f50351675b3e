"""Sequence the side effects of `congvan build`: validate everything, then write a draft batch.

Nothing is written until every input has been read, every unit assessed, every context built and the
template checked against them. Letters are written into a hidden `.partial` folder that is renamed into
place only when the whole batch is on disk, so a failed run leaves no partial output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan import __version__, recipients, sources
from congvan.assessment import assess
from congvan.config import Workspace
from congvan.context import build_context, unit_values
from congvan.errors import DataError, OutputError
from congvan.files import atomic_write, sha256_bytes
from congvan.models import UnitAssessment, unit_key
from congvan.render import LetterTemplate
from congvan.vietnamese import slugify

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BuildOptions:
    """What the clerk asked for; `None` means the workspace default."""

    data: tuple[Path, ...] = ()
    template: Path | None = None
    units: tuple[str, ...] = ()
    out: Path | None = None
    dry_run: bool = False
    today: dt.date | None = None


@dataclass(frozen=True)
class PlannedLetter:
    """One letter, fully prepared in memory before anything is written."""

    index: int
    unit: str
    stem: str
    context: dict[str, Any] = field(hash=False)
    weaknesses: tuple[str, ...]
    strengths: tuple[str, ...]


Plan = tuple[LetterTemplate, list[PlannedLetter], list[str]]


@dataclass
class BuildReport:
    """What a build did (or would do, with --dry-run)."""

    batch: str
    folder: Path | None
    letters: list[PlannedLetter]
    warnings: list[str]
    template_sha256: str


def plan(workspace: Workspace, options: BuildOptions) -> Plan:
    """Read and check every input and return the template and the letters to write (no side effects)."""
    catalog = sources.load_catalog(workspace.catalog)
    tables = sources.load_results(options.data or workspace.results, catalog, convert_legacy=workspace.convert_legacy)
    every_unit = sources.all_units(tables)
    names = _select(every_unit, options.units)
    assessments = assess(tables, names, workspace.assessment)
    rules = recipients.load_workspace_rules(workspace, [t.code for t in catalog.tables], every_unit)

    warnings = [f"'{a.unit.name}' không có trong bảng {', '.join(a.missing_from)}: thư bỏ qua phần này."
                for a in assessments if a.missing_from]
    today = options.today or dt.date.today()
    template_path = options.template or workspace.letter.template
    if not template_path.is_file():
        raise OutputError(f"{template_path}: không tìm thấy mẫu .docx.")
    template = LetterTemplate(template_path)

    letters = []
    used_stems: set[str] = set()
    for index, assessment in enumerate(assessments, start=1):
        context = _letter_context(workspace, catalog.source, assessment, rules, today)
        stem = _unique_stem(f"{index:0{len(str(len(assessments)))}d}_{slugify(assessment.unit.name)}", used_stems)
        letters.append(PlannedLetter(
            index=index,
            unit=assessment.unit.name,
            stem=stem,
            context=context,
            weaknesses=tuple(c.criterion.code for t in assessment.tables for c in t.weaknesses),
            strengths=tuple(c.criterion.code for t in assessment.tables for c in t.strengths),
        ))
    warnings += rules.warnings  # duplicate recipients dropped while filling in the letters
    if letters:
        template.check_context(letters[0].context)
    return template, letters, warnings


def build(workspace: Workspace, options: BuildOptions, progress: Progress | None = None,
          planned: Plan | None = None) -> BuildReport:
    """Validate, render every letter and write the draft batch folder; return what was done.

    `planned` is the result of `plan()` when the caller already has it.
    """
    template, letters, warnings = planned or plan(workspace, options)
    now = dt.datetime.now().astimezone()
    batch = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    rendered: Iterable[tuple[PlannedLetter, bytes]] = ((letter, template.render(letter.context)) for letter in letters)
    if options.dry_run:
        for _letter, _data in rendered:  # render everything so template errors surface, write nothing
            if progress:
                progress(1)
        return BuildReport(batch, None, letters, warnings, template.sha256)

    drafts = (options.out or workspace.drafts_dir)
    final = drafts / batch
    partial = drafts / f".{batch}.partial"
    partial.mkdir(parents=True)
    try:
        entries = []
        # The hidden folder is the unit of atomicity: its files are written plainly, synced once, then renamed.
        for letter, data in rendered:
            (partial / f"{letter.stem}.docx").write_bytes(data)
            context_bytes = json.dumps(letter.context, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            (partial / f"{letter.stem}.json").write_bytes(context_bytes)
            entries.append(_manifest_entry(letter, data))
            if progress:
                progress(1)
        shutil.copyfile(template.path, partial / "template.docx")
        manifest = _manifest(workspace, batch, now, template, entries, warnings)
        atomic_write(partial / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        atomic_write(partial / "manifest.csv", _manifest_csv(letters))
        os.sync()
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BuildReport(batch, final, letters, warnings, template.sha256)


# -- helpers --


def _select(names: Sequence[str], wanted: Sequence[str]) -> list[str]:
    if not wanted:
        return list(names)
    by_key = {unit_key(n): n for n in names}
    unknown = [w for w in wanted if unit_key(w) not in by_key]
    if unknown:
        raise DataError("không có đơn vị " + ", ".join(f"'{u}'" for u in unknown) + " trong bảng kết quả.")
    chosen = {unit_key(w) for w in wanted}
    return [n for n in names if unit_key(n) in chosen]


def _letter_context(workspace: Workspace, catalog_source: str, assessment: UnitAssessment,
                    rules: recipients.RecipientRules, today: dt.date) -> dict[str, Any]:
    short = [t.spec.code for t in assessment.tables if t.weaknesses]
    values = unit_values(assessment.unit, workspace.assessment)
    letter_recipients = recipients.for_unit(rules, assessment.unit.name, short, values)
    return build_context(workspace, catalog_source, assessment, letter_recipients, today.month, today.year)


def _unique_stem(stem: str, used: set[str]) -> str:
    candidate, counter = stem, 2
    while candidate in used:
        candidate = f"{stem}-{counter}"
        counter += 1
    used.add(candidate)
    return candidate


def _manifest_entry(letter: PlannedLetter, data: bytes) -> dict[str, Any]:
    ctx = letter.context
    signer = " ".join(p for p in (ctx["ky"]["quyen_han"], ctx["ky"]["chuc_vu"], ctx["ky"]["ho_ten"]) if p)
    return {
        "index": letter.index,
        "unit": letter.unit,
        "file": f"{letter.stem}.docx",
        "context": f"{letter.stem}.json",
        "sha256": sha256_bytes(data),
        "weaknesses": list(letter.weaknesses),
        "strengths": list(letter.strengths),
        "subject": f"V/v {ctx['trich_yeu']}",
        "recipients": ctx["kinh_gui"],
        "signer": signer,
    }


def _manifest(workspace: Workspace, batch: str, now: dt.datetime, template: LetterTemplate,
              entries: list[dict[str, Any]], warnings: list[str]) -> dict[str, Any]:
    source = template.path
    try:
        source_text = str(source.resolve().relative_to(workspace.root))
    except ValueError:
        source_text = str(source)
    return {
        "batch": batch,
        "created": now.isoformat(timespec="seconds"),
        "tool_version": __version__,
        "template": {"source": source_text, "file": "template.docx", "sha256": template.sha256},
        "document_type": "Công văn",
        "issuer": workspace.agency.issuer,
        "issuer_abbreviation": workspace.agency.issuer_abbreviation,
        "symbol": workspace.agency.symbol,
        "warnings": warnings,
        "letters": entries,
    }


def _manifest_csv(letters: Sequence[PlannedLetter]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["STT", "Đơn vị", "Tệp", "Tiêu chí chưa đạt", "Tiêu chí đạt, vượt"])
    for letter in letters:
        writer.writerow([letter.index, letter.unit, f"{letter.stem}.docx", "; ".join(letter.weaknesses),
                         "; ".join(letter.strengths)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
