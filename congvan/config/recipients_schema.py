"""The declared schema of a recipient list file (recipients/*.toml); see docs/recipients.md."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from congvan.config.types import CUSTOM, Section, one_or_many
from congvan.models import LIST_NAME


def _list_name(name: str) -> str:
    if not name.strip():
        raise PydanticCustomError(CUSTOM + "list_name", "tên danh sách rỗng; đặt một tên, ví dụ cac-phuong-xa")
    if not LIST_NAME.fullmatch(name):
        raise PydanticCustomError(CUSTOM + "list_name", "tên danh sách '{name}' chỉ được có chữ thường không dấu, "
                                  "số, '-' và '_' (ví dụ: cac-phuong-xa)", {"name": name})
    return name


ListName = Annotated[str, AfterValidator(_list_name)]
# Items are checked one by one later (empty, "@name", placeholders), also for the cells of bo_sung.csv.
Entries = Annotated[list[str], BeforeValidator(one_or_many)]


class WhenShort(Section):
    """[khi_chua_dat.<mã bảng>]: recipients added when a unit falls short in that table."""

    kinh_gui: Entries = Field(default_factory=list, description="Thêm vào Kính gửi: tên cơ quan hoặc "
                              "\"@ten-danh-sach\".")
    noi_nhan: Entries = Field(default_factory=list, description="Thêm vào Nơi nhận.")


class ListFile(Section):
    """The whole of one recipients/*.toml file."""

    danh_sach: dict[ListName, Entries] = Field(
        default_factory=dict, json_schema_extra={
            "key": "<tên danh sách>",
            "value": "Một danh sách: mỗi mục là tên một cơ quan, đơn vị (có thể dùng {{ don_vi }}, {{ nam }}...) "
                     "hoặc \"@tên\" của danh sách khác. Tên viết chữ thường không dấu, số, '-', '_'."},
        description="Các danh sách người nhận có tên, ví dụ: chi-dao = [\"@thuong-truc\", \"Đảng ủy {{ don_vi }}\"].")
    khi_chua_dat: dict[str, WhenShort] = Field(
        default_factory=dict, json_schema_extra={"key": "<mã bảng>"},
        description="Người nhận thêm khi đơn vị có tiêu chí chưa đạt trong bảng có mã này (mã bảng trong danh "
                    "mục tiêu chí).")
