"""The declared schema of the criteria catalog (data/tieu_chi.toml): tables, criteria, verdict texts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from congvan.config.types import NonEmptyTextList, Percent, Section, Text, TextList

_TEXT_NOTE = " Có thể chèn {{ ten }}, {{ ket_qua }}, {{ chi_tieu }}... (xem đầu tệp tieu_chi.toml)."


class Remarks(Section):
    """[nhan_xet]: one assessment sentence per verdict."""

    vuot: Text = Field(description="Câu nhận xét khi vượt chỉ tiêu." + _TEXT_NOTE)
    dat: Text = Field(description="Câu nhận xét khi đạt đúng chỉ tiêu.")
    chua_dat: Text = Field(description="Câu nhận xét khi chưa đạt chỉ tiêu.")
    rat_thap: Text = Field(description="Câu nhận xét khi thấp hơn chỉ tiêu quá nguong_rat_thap.")


class OwnRemarks(Section):
    """[bang.tieu_chi.nhan_xet]: sentences of one criterion, replacing the default ones it gives."""

    vuot: Text | None = Field(default=None, description="Câu nhận xét riêng khi vượt chỉ tiêu.")
    dat: Text | None = Field(default=None, description="Câu nhận xét riêng khi đạt đúng chỉ tiêu.")
    chua_dat: Text | None = Field(default=None, description="Câu nhận xét riêng khi chưa đạt chỉ tiêu.")
    rat_thap: Text | None = Field(default=None, description="Câu nhận xét riêng khi kết luận rất thấp.")


class Directives(Section):
    """[bang.tieu_chi.chi_dao]: the directive paragraphs for each verdict."""

    vuot: TextList = Field(description="Các đoạn chỉ đạo khi vượt chỉ tiêu." + _TEXT_NOTE)
    dat: TextList = Field(description="Các đoạn chỉ đạo khi đạt đúng chỉ tiêu.")
    chua_dat: TextList = Field(description="Các đoạn chỉ đạo khi chưa đạt chỉ tiêu.")
    rat_thap: TextList = Field(description="Các đoạn chỉ đạo khi kết luận rất thấp.")


class CriterionEntry(Section):
    """[[bang.tieu_chi]]: one criterion of a table."""

    ma: Text = Field(description="Mã tiêu chí, không dấu, không trùng trong bảng (dùng trong "
                                 "[danh_gia.chi_tieu_tieu_chi] của congvan.toml).")
    ten: Text = Field(description="Tên tiêu chí, ví dụ \"Tiếp cận dịch vụ\".")
    cot: NonEmptyTextList | None = Field(
        default=None,
        description="Các tiêu đề cột có thể gặp trong tệp kết quả; mặc định: tên tiêu chí.")
    chi_tieu: Percent | None = Field(
        default=None,
        description="Chỉ tiêu riêng của tiêu chí, %; mặc định: chỉ tiêu chung trong congvan.toml.")
    chi_dao: Directives = Field(description="Nội dung chỉ đạo theo từng mức kết luận.")
    nhan_xet: OwnRemarks = Field(default=OwnRemarks(), description="Câu nhận xét riêng, thay câu mặc định.")


class TableEntry(Section):
    """[[bang]]: one results table (one assessed body, one sheet)."""

    ma: Text = Field(description="Mã bảng, không dấu, không trùng; tệp .csv đặt tên theo mã này.")
    ten: Text = Field(description="Tên sheet trong tệp Excel kết quả, ví dụ \"UBND cấp xã\".")
    ten_sheet: TextList = Field(
        default_factory=list,
        description="Các tên khác của sheet, ví dụ [\"Biểu 01 - UBND xã\"]. Tên sheet so khớp không phân biệt "
                    "hoa thường, dấu cách, dấu câu. Tệp có một sheet và danh mục có một bảng thì không cần khai báo.")
    doi_tuong: Text = Field(description="Cơ quan được đánh giá ở mỗi đơn vị, ví dụ \"UBND {{ don_vi }}\".")
    tieu_de: Text = Field(description="Tiêu đề mục trong công văn.")
    mo_dau: TextList = Field(
        default_factory=list,
        description="Các đoạn mở đầu của mục, in ngay dưới tiêu đề mục, trước câu tổng quan, ví dụ [\"Tổ chức công "
                    "bố Chỉ số hài lòng năm {{ nam }} của {{ doi_tuong }}…\"]. Có thể chèn {{ don_vi }}, {{ nam }}, "
                    "{{ doi_tuong }}, {{ de_nghi }}.")
    cot_don_vi: NonEmptyTextList = Field(default_factory=lambda: ["Đơn vị"],
                                         description="Các tên có thể có của cột tên đơn vị trong tệp kết quả.")
    bo_qua_cot: TextList = Field(
        default_factory=list,
        description="Các cột không đọc, ví dụ [\"SIPAS chung\"]. Luôn bỏ qua: STT, Ghi chú, Xếp loại, Xếp hạng, "
                    "Mã, Loại.")
    cot_chi_so_chung: NonEmptyTextList | None = Field(
        default=None,
        description="Tiêu đề cột chỉ số chung chính thức của bảng, ví dụ [\"SIPAS chung\"]. Có cột này thì công "
                    "văn in chỉ số chính thức và thứ hạng theo chỉ số đó; không có thì in bình quân các tiêu chí "
                    "và ghi rõ \"bình quân các tiêu chí\".")
    loai_mac_dinh: Literal["phường", "xã", "đặc khu"] | None = Field(
        default=None,
        description="Loại đơn vị ghi trước tên đơn vị thiếu loại (\"Phương Sài\" thành \"Phường Phương Sài\"), khi "
                    "tệp kết quả không có cột \"Loại\"; không ghi: tên thiếu loại bị cảnh báo.")
    tieu_chi: list[CriterionEntry] = Field(min_length=1, description="Các tiêu chí của bảng, theo thứ tự.")


class CatalogFile(Section):
    """The whole of data/tieu_chi.toml."""

    nhan_xet: Remarks = Field(description="Câu nhận xét mặc định cho mọi tiêu chí.")
    bang: list[TableEntry] = Field(min_length=1, description="Các bảng kết quả, theo thứ tự trong công văn.")
