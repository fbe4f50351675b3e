"""What `congvan recipients list/show/check` report: the named lists, a list as it prints, a whole-workspace check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.config import Workspace, load_workspace
from congvan.errors import EXIT_REFUSED, CongvanError, DataError
from congvan.letter.assessment import assess
from congvan.letter.context import unit_values
from congvan.models import Unit, UnitAssessment, unit_key
from congvan.recipients import KINH_GUI, NOI_NHAN
from congvan.recipients.rules import (
    RecipientRules,
    Recipients,
    addressee_lines,
    distribution_lines,
    expand,
    find_list,
    for_unit,
    load_workspace_rules,
    resolve,
)
from congvan.sources import results as sources
from congvan.sources.catalog import workspace_catalog


@dataclass(frozen=True)
class ListInfo:
    """One named list for `recipients list`."""

    name: str
    where: str
    size: int
    includes: tuple[str, ...]
    role: str


@dataclass
class CheckReport:
    """Result of `recipients check`: errors make it fail, warnings do not."""

    lists: int = 0
    units: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when no list has an error, else 1."""
        return EXIT_REFUSED if self.errors else 0


@dataclass(frozen=True)
class Loaded:
    """The lists of a workspace with the assessed units they are filled for."""

    workspace: Workspace
    rules: RecipientRules
    assessments: tuple[UnitAssessment, ...]

    def unit(self, name: str) -> UnitAssessment:
        for assessment in self.assessments:
            if unit_key(assessment.unit.name) == unit_key(name):
                return assessment
        from congvan.config.hints import suggest_names

        hint = suggest_names(name, [a.unit.name for a in self.assessments]) or "."
        raise DataError(f"không có đơn vị '{name}' trong bảng kết quả{hint}",
                        ", ".join(map(str, self.workspace.results)))

    def values(self, assessment: UnitAssessment) -> dict[str, Any]:
        return unit_values(assessment.unit, self.workspace.assessment)

    def letter(self, assessment: UnitAssessment) -> Recipients:
        short = [t.spec.code for t in assessment.tables if t.weaknesses]
        return for_unit(self.rules, assessment.unit.name, short, self.values(assessment))


def _workspace(workspace: Workspace | Path) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else load_workspace(workspace)


def load(workspace: Workspace | Path) -> Loaded:
    """Read the catalog, the results and the recipient lists of `workspace` (or its folder); assess every unit."""
    workspace = _workspace(workspace)
    catalog = workspace_catalog(workspace)
    tables = sources.load_results(workspace.results, catalog, convert_legacy=workspace.convert_legacy,
                                  limits=workspace.read_limits)
    units = sources.all_units(tables)
    rules = load_workspace_rules(workspace, [t.code for t in catalog.tables], units)
    return Loaded(workspace, rules, tuple(assess(tables, units, workspace.assessment)))


def list_lists(rules: RecipientRules) -> list[ListInfo]:
    """Return every named list in file order with its size (includes expanded) and its role by default."""
    roles = {rules.settings.addressees_list: "Kính gửi mặc định", rules.settings.distribution_list: "Nơi nhận mặc định"}
    return [ListInfo(name=named.name, where=named.where, size=len(expand(rules, named.entries, (named.name,))),
                     includes=tuple(e.include for e in named.entries if e.include), role=roles.get(named.name, ""))
            for named in rules.lists.values()]


def show_list(loaded: Loaded, name: str, role: str | None = None, unit: str | None = None) -> list[str]:
    """Return the list `name` exactly as it prints, as Kính gửi or as Nơi nhận (default: by its role)."""
    rules = loaded.rules
    named = find_list(rules, name, "congvan recipients show")
    role = role or (KINH_GUI if name == rules.settings.addressees_list else NOI_NHAN)
    values = loaded.values(loaded.unit(unit)) if unit else _example_values(loaded)
    texts = [text for text, _ in resolve(rules, named.entries, values)]
    if role == KINH_GUI:
        lines = addressee_lines(texts)
        return [f"Kính gửi: {lines[0]}"] if len(lines) == 1 else ["Kính gửi:", *lines]
    # as in a letter that has a Kính gửi, so "- Như trên;" comes first
    printed = Recipients(("Kính gửi",), tuple(texts), rules.settings.archive, rules.settings.archive_copies)
    return ["Nơi nhận:", *(f"- {line}" for line in distribution_lines(printed))]


def show_letter(loaded: Loaded, unit: str) -> list[str]:
    """Return the Kính gửi and Nơi nhận of `unit`'s letter exactly as they print."""
    recipients = loaded.letter(loaded.unit(unit))
    lines = addressee_lines(recipients.addressees)
    head = [f"Kính gửi: {lines[0]}"] if len(lines) == 1 else ["Kính gửi:", *lines]
    return [*head, "", "Nơi nhận:", *(f"- {line}" for line in distribution_lines(recipients))]


def check(workspace: Workspace | Path) -> CheckReport:
    """Check every list and every unit's letter; collect the problems instead of stopping at the first."""
    workspace = _workspace(workspace)
    report = CheckReport()
    try:
        loaded = load(workspace)
    except CongvanError as err:
        report.errors.append(str(err))
        return report
    rules = loaded.rules
    report.lists, report.units = len(rules.lists), len(loaded.assessments)
    for assessment in loaded.assessments:
        try:
            recipients = loaded.letter(assessment)
        except CongvanError as err:
            report.errors.append(f"thư gửi '{assessment.unit.name}': {err}")
            continue
        if not recipients.addressees:
            report.errors.append(f"thư gửi '{assessment.unit.name}': không có ai ở \"Kính gửi\" "
                                 f"(danh sách '{rules.settings.addressees_list}' rỗng).")
    used = _used_lists(rules)
    for named in rules.lists.values():
        if named.name not in used:
            report.warnings.append(f"{named.where}: danh sách '{named.name}' không phải mặc định và không được chèn "
                                   "ở đâu: chỉ dùng khi chọn bằng --kinh-gui/--noi-nhan.")
    report.warnings += rules.warnings
    return report


def _example_values(loaded: Loaded) -> dict[str, Any]:
    if loaded.assessments:
        return loaded.values(loaded.assessments[0])
    return unit_values(Unit("Phường Mẫu"), loaded.workspace.assessment)


def _used_lists(rules: RecipientRules) -> set[str]:
    roots = {rules.settings.addressees_list, rules.settings.distribution_list}
    entries = [e for side in (*rules.files.when_short.values(), *rules.files.per_unit.values()) for part in side
               for e in part]
    roots |= {e.include for e in entries if e.include}
    used: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in used or name not in rules.lists:
            continue
        used.add(name)
        stack += [e.include for e in rules.lists[name].entries if e.include]
    return used
