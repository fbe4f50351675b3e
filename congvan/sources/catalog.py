"""Read the criteria catalog (data/tieu_chi.toml): its schema is in congvan.config.catalog_schema."""

from __future__ import annotations

from pathlib import Path

from congvan.config import Workspace, check_targets
from congvan.errors import DataError
from congvan.models import Catalog, Criterion, TableSpec


def load_catalog(path: Path) -> Catalog:
    """Read the criteria catalog at `path` and return it; raise `DataError` naming the line of each problem."""
    from congvan.config.catalog_schema import CatalogFile  # pydantic is imported only when a catalog is read
    from congvan.config.document import read_document

    document = read_document(path, "không tìm thấy danh mục tiêu chí.")
    catalog = document.validate(CatalogFile)
    defaults = catalog.nhan_xet.model_dump()
    tables = []
    for index, table in enumerate(catalog.bang):
        _check_unique([t.ma for t in catalog.bang[:index + 1]], "mã bảng", document.where(("bang", index, "ma")))
        criteria = []
        for c_index, item in enumerate(table.tieu_chi):
            _check_unique([c.ma for c in table.tieu_chi[:c_index + 1]], "mã tiêu chí",
                          document.where(("bang", index, "tieu_chi", c_index, "ma")))
            criteria.append(Criterion(
                code=item.ma,
                name=item.ten,
                headers=tuple(item.cot or [item.ten]),
                target=item.chi_tieu,
                directives={verdict: tuple(texts) for verdict, texts in item.chi_dao.model_dump().items()},
                remarks={**defaults, **item.nhan_xet.model_dump(exclude_none=True)},
            ))
        tables.append(TableSpec(
            code=table.ma,
            name=table.ten,
            subject=table.doi_tuong,
            heading=table.tieu_de,
            unit_headers=tuple(table.cot_don_vi),
            criteria=tuple(criteria),
            sheet_names=tuple(table.ten_sheet),
            ignored_headers=tuple(table.bo_qua_cot),
            overall_headers=tuple(table.cot_chi_so_chung or ()),
            default_kind=table.loai_mac_dinh or "",
            opening=tuple(table.mo_dau),
        ))
    return Catalog(source=str(path), tables=tuple(tables))


def _check_unique(codes: list[str], what: str, where: str) -> None:
    """Raise when the last of `codes` was already used earlier."""
    if codes[-1] in codes[:-1]:
        raise DataError(f"{what} '{codes[-1]}' bị trùng (đã dùng ở mục thứ {codes.index(codes[-1]) + 1}); "
                        "mỗi mã chỉ dùng một lần.", where)


def workspace_catalog(workspace: Workspace) -> Catalog:
    """Read the workspace's catalog and check that congvan.toml's per-criterion targets name its criteria."""
    catalog = load_catalog(workspace.catalog)
    check_targets(workspace, catalog)
    return catalog
