"""`[ket_qua]` of a composed letter: one unit's figures from a results file, for placeholders in the body.

`{{ ket_qua_tat_ca|liet_ke }}` writes every criterion as "Tiếp cận dịch vụ đạt 72,21%; Thủ tục hành chính
đạt 71,84%; …" (the `liet_ke` filter, render/sandbox.py); `{{ chi_so }}` is the unit's overall index.
"""

from __future__ import annotations

from typing import Any

from congvan.batch.build import read_assessments
from congvan.config import Workspace
from congvan.config.document import TomlDocument
from congvan.config.letter_schema import ResultsSection
from congvan.errors import CongvanError, DataError
from congvan.models import Catalog
from congvan.vn import format_percent


def unit_results(ws: Workspace, catalog: Catalog, section: ResultsSection, where: TomlDocument) -> dict[str, Any]:
    """Return the placeholders of the unit `section.don_vi` in the results file `section.tep`."""
    path = ws.root / section.tep
    warnings: list[str] = []
    try:
        _tables, assessments = read_assessments(ws, catalog, [path], [section.don_vi], warnings)
    except CongvanError as err:
        raise DataError(f"{where.where(('ket_qua',))}: {err}") from err
    decimals = ws.assessment.decimals
    criteria = [{"ten": c.criterion.name, "ket_qua": format_percent(c.score, decimals)}
                for table in assessments[0].tables for c in table.criteria]
    overall = assessments[0].tables[0].overall if assessments[0].tables else 0.0
    return {"ket_qua_tat_ca": criteria, "chi_so": format_percent(overall, decimals)}
