"""The unit names of one results table: the type joined to a bare name, warnings, duplicates.

A name is read by `cells.unit_name` (junk refused there). Here it gets its type: from a "Loại"/"Cấp"
column ("phường" + "Phương Sài" -> "Phường Phương Sài"), else from the table's `loai_mac_dinh`; a name
still without a type is a warning naming the cell (the letter would say "Ủy ban nhân dân Phương Sài").
Types of the three-level government ("Thị trấn", "Huyện", "Quận") are a warning once the two-level
government applies. Two rows whose names fold to one key (`models.unit_key`) are refused naming both.
"""

from __future__ import annotations

from congvan import vn
from congvan.errors import DataError
from congvan.models import UNIT_KINDS, Unit, unit_key

# Headers of a column holding the unit type beside the name.
KIND_HEADERS = ("loại", "loại đơn vị", "cấp", "cấp hành chính")
# Unit types that no longer exist under the two-level local government (from 01/7/2025).
PRE_2025_KINDS = ("thị trấn", "huyện", "quận")
KIND_LIST = ", ".join(f"'{kind}'" for kind in UNIT_KINDS)


class UnitNames:
    """Names of one table, in reading order: each given its type, checked, and refused when repeated."""

    def __init__(self, default_kind: str, two_level: bool, warnings: list[str] | None) -> None:
        self.default_kind = default_kind
        self.two_level = two_level
        self.warnings = warnings
        self._seen: dict[str, tuple[str, int]] = {}  # key -> (name, row)

    def add(self, name: str, row: int, where: str, kind: str = "", kind_where: str = "") -> str:
        """Return the full name of the unit at `row` (type joined), after its warnings and the duplicate check."""
        full = self._with_kind(name, kind, kind_where, where)
        key = unit_key(full)
        if key in self._seen:
            first, first_row = self._seen[key]
            raise DataError(f"đơn vị '{full}' bị trùng (đã có ở dòng {first_row}: '{first}'); tên đơn vị so sánh "
                            "không phân biệt hoa thường, dấu cách, cách gõ dấu, ký tự vô hình và chữ trông giống "
                            "nhau (Ð/Đ, chữ Kirin).", where)
        self._seen[key] = (full, row)
        own_kind = Unit(full).kind
        if self.two_level and own_kind in PRE_2025_KINDS:
            self._warn(f"{where}: '{full}' là loại đơn vị '{own_kind}' của chính quyền ba cấp; từ 01/7/2025 chính "
                       "quyền địa phương hai cấp chỉ còn xã, phường, đặc khu. Kiểm tra lại tên đơn vị (hoặc đặt "
                       "'chinh_quyen_hai_cap = false' trong [danh_gia] của congvan.toml nếu số liệu trước đó).")
        return full

    def _with_kind(self, name: str, kind: str, kind_where: str, where: str) -> str:
        if Unit(name).kind:
            return name
        if kind:
            if vn.fold(kind) not in UNIT_KINDS:
                raise DataError(f"loại đơn vị '{kind}' không nhận ra; cần một trong {KIND_LIST}.", kind_where)
            return f"{vn.capitalize_first(vn.fold(kind))} {name}"
        if self.default_kind:
            return f"{vn.capitalize_first(self.default_kind)} {name}"
        self._warn(f"{where}: tên đơn vị '{name}' không có loại (phường, xã, đặc khu); công văn sẽ viết 'Ủy ban "
                   f"nhân dân {name}'. Ghi đủ tên (ví dụ 'Phường {name}'), thêm cột 'Loại', hoặc đặt "
                   "'loai_mac_dinh' cho bảng trong danh mục tiêu chí.")
        return name

    def _warn(self, message: str) -> None:
        if self.warnings is not None:
            self.warnings.append(message)
