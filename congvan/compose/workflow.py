"""`congvan compose`: one-off letters from LETTER.toml and a body file, as a draft batch (docs/compose.md).

The letters go the same way as batch letters: a draft batch in output/drafts/ (batch/drafts.py writes it),
then `congvan issue` numbers them with the type's abbreviation (12/TB-UBND), `congvan pdf` converts them.
A letter that already has its number (`so`, `ngay`: issued elsewhere, recorded here) is issued at once
with that number. `gui_tung_don_vi = "@list"` makes one letter per addressee in the same batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan import clock
from congvan.batch import drafts
from congvan.batch.batches import input_files
from congvan.batch.issue import IssueResult
from congvan.batch.register_flows import set_next
from congvan.batch.scaffold import sample_root
from congvan.batch.workflows import IssueRequest, issue
from congvan.compose.letter import TEMPLATE_FILES, LetterSource, build_context, read_letter, symbol
from congvan.compose.merge import MergeUnit, merge_units
from congvan.compose.results import unit_results
from congvan.config import Workspace, load_workspace
from congvan.errors import DataError
from congvan.files import sha256_file
from congvan.recipients.rules import load_workspace_rules
from congvan.render.template import LetterTemplate
from congvan.sources.catalog import workspace_catalog


@dataclass(frozen=True)
class ComposeRequest:
    """`congvan compose LETTER.toml`: the workspace and the letter's front matter file."""

    workspace: Path
    letter: Path
    template: Path | None = None  # default: templates_docx/<type>.docx of the workspace (or of the sample)


@dataclass(frozen=True)
class ComposeResult:
    """The draft batch made, its letters, warnings; `issued` when the letter came with its `so` and `ngay`."""

    batch_dir: Path
    letters: list[Path]
    warnings: list[str] = field(default_factory=list)
    issued: IssueResult | None = None


def template_for(ws: Workspace, source: LetterSource, chosen: Path | None = None) -> Path:
    """Return the template of the letter's type: `chosen`, the workspace's templates_docx/, or the sample's."""
    if chosen is not None:
        return chosen
    name = TEMPLATE_FILES[source.front.loai]
    for folder in (ws.root / "templates_docx", sample_root() / "templates_docx"):
        if (folder / name).is_file():
            return folder / name
    raise DataError(f"không có mẫu templates_docx/{name} cho loại '{source.front.loai}'. Chạy "
                    "`congvan init` trong một thư mục mới rồi chép thư mục templates_docx/ sang.")


@dataclass(frozen=True)
class _Prepared:
    """A LETTER.toml read and checked, with the contexts of its letters: what is written, or previewed."""

    ws: Workspace
    source: LetterSource
    template: LetterTemplate
    units: list[MergeUnit | None]
    contexts: list[dict[str, Any]]
    warnings: list[str]


def _prepare(request: ComposeRequest) -> _Prepared:
    ws = load_workspace(request.workspace)
    source = read_letter(Path(request.letter))
    front = source.front
    if (front.so is None) != (front.ngay is None):
        raise DataError("khóa so và ngay đi cùng nhau (văn bản đã có số): ghi cả hai hoặc bỏ cả hai.",
                        source.where.where(("so",) if front.so is not None else ("ngay",)))
    catalog = workspace_catalog(ws)
    rules = load_workspace_rules(ws, [t.code for t in catalog.tables], None)  # no results: no bo_sung.csv rows
    results = unit_results(ws, catalog, front.ket_qua, source.where) if front.ket_qua else {}
    template = LetterTemplate(template_for(ws, source, request.template))
    today = front.ngay or clock.today()
    units: list[MergeUnit | None] = [None]
    if front.gui_tung_don_vi:
        where = source.where.where(("gui_tung_don_vi",))
        units = [*merge_units(ws, rules, front.gui_tung_don_vi, source.folder, where)]
    contexts = [build_context(ws, source, rules, unit=unit, results=results, draft_month=today.month,
                              draft_year=today.year) for unit in units]
    template.check_context(contexts[0])
    return _Prepared(ws, source, template, units, contexts, list(rules.warnings))


def preview(request: ComposeRequest) -> bytes:
    """Return the first letter of `request` as a .docx, written nowhere (the web's live preview)."""
    prepared = _prepare(request)
    return prepared.template.render(prepared.contexts[0])


def compose(request: ComposeRequest) -> ComposeResult:
    """Build the draft batch of a composed letter (one letter, or one per unit); issue it when numbered."""
    prepared = _prepare(request)
    ws, source, template, units, contexts = (prepared.ws, prepared.source, prepared.template, prepared.units,
                                             prepared.contexts)
    front = source.front
    if front.so is not None and front.ngay is not None:  # refused here (a number already used) writes nothing
        set_next(ws.root, front.so, front.ngay.year)
    now = clock.now()
    batch = drafts.new_batch_id(now)
    inputs = (*input_files(ws, [], template.path), *_letter_inputs(ws, source))
    header = drafts.BatchHeader(batch=batch, created=now, template_source=_shown(ws, template.path),
                                template_sha256=template.sha256, issuer=ws.agency.issuer,
                                issuer_abbreviation=ws.agency.issuer_abbreviation, symbol=symbol(ws, source),
                                inputs=inputs, document_type=source.type_name)
    entries = []
    with drafts.writing_batch(ws.drafts_dir, batch) as partial:
        with drafts.ContextFile(partial) as stored:
            for index, (unit, context) in enumerate(zip(units, contexts, strict=True), start=1):
                name = unit.addressee if unit else source.path.stem
                stem = drafts.letter_stem(index, len(units), name)
                data = template.render(context)
                drafts.write_docx(partial, stem, data)
                entries.append(drafts.letter_entry(index, name, stem, data, context, (), (), ())
                               | stored.add(drafts.context_bytes(context)))
        folder = drafts.finish_batch(partial, header, template.path, entries, prepared.warnings)
    letters = [folder / entry["file"] for entry in entries]
    issued = None
    if front.so is not None and front.ngay is not None:
        issued = issue(IssueRequest(ws.root, folder, issued_on=front.ngay, backdate=True))
    return ComposeResult(folder, letters, prepared.warnings, issued)


def _shown(ws: Workspace, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ws.root.resolve()))
    except ValueError:
        return str(path)


def _letter_inputs(ws: Workspace, source: LetterSource) -> Sequence[drafts.InputFile]:
    """The letter's own files: LETTER.toml, its body and each attachment's body (so a later edit is noticed)."""
    paths = [source.path, source.folder / source.front.noi_dung,
             *(source.folder / a.noi_dung for a in source.front.phu_luc)]
    if source.front.gui_tung_don_vi.lower().endswith(".csv"):
        paths.append(source.folder / source.front.gui_tung_don_vi)
    return [drafts.InputFile("letter", _shown(ws, p), sha256_file(p)) for p in paths if p.is_file()]
