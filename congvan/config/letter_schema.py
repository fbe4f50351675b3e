"""The declared schema of a composed letter's front matter (LETTER.toml, `congvan compose`; docs/compose.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BeforeValidator, Field

from congvan.config.schema import SignerSection
from congvan.config.types import OptionalText, Section, Text, TextList, one_or_many

DOCUMENT_TYPES = ("công văn", "thông báo", "kế hoạch", "báo cáo", "tờ trình", "quyết định", "giấy mời")
DocumentType = Literal["công văn", "thông báo", "kế hoạch", "báo cáo", "tờ trình", "quyết định", "giấy mời"]
# Items are checked one by one when the recipients are resolved ("@name", placeholders), as in recipients/*.toml.
Entries = Annotated[list[str], BeforeValidator(one_or_many)]


class AttachmentSection(Section):
    """[[phu_luc]]: a page of its own after the letter: an NĐ 30 phụ lục or an attached document."""

    tieu_de: Text = Field(description="Tiêu đề (in hoa, đậm, căn giữa), ví dụ \"DANH SÁCH CÁC ĐƠN VỊ\".")
    noi_dung: Text = Field(description="Tệp nội dung (.txt theo cách viết của docs/compose.md, hoặc .docx), "
                                       "đường dẫn tính từ thư mục của tệp thư.")
    kieu: Literal["phu_luc", "van_ban"] = Field(
        default="phu_luc", description="\"phu_luc\": Phụ lục I, II… có dòng (Kèm theo Văn bản số …); "
                                       "\"van_ban\": văn bản gửi kèm có tên loại riêng (ví dụ THÔNG BÁO).")
    loai: OptionalText = Field(default="", description="Tên loại của văn bản gửi kèm (kieu = \"van_ban\"), "
                                                       "ví dụ \"THÔNG BÁO\".")
    ky: OptionalText = Field(default="", description="Dòng ký cuối văn bản gửi kèm, ví dụ \"SỞ NỘI VỤ\" "
                                                     "(mặc định: tên cơ quan ban hành).")


class ResultsSection(Section):
    """[ket_qua]: the results of one unit, for `{{ ket_qua_tat_ca|liet_ke }}` in the body."""

    tep: Text = Field(description="Tệp kết quả (.xlsx hoặc .csv), tính từ thư mục làm việc.")
    don_vi: Text = Field(description="Tên đơn vị trong tệp kết quả, ví dụ \"Phường Nghĩa Tân\".")


class LetterFile(Section):
    """The whole of one LETTER.toml: what one composed letter says besides its body."""

    loai: DocumentType = Field(default="công văn", description="Loại văn bản (Phụ lục III NĐ 30/2020).")
    trich_yeu: Text = Field(description="Trích yếu: sau \"V/v\" của công văn, dưới tên loại của các loại khác "
                                        "(không gõ \"V/v\").")
    noi_dung: Text = Field(description="Tệp nội dung (.txt hoặc .docx), đường dẫn tính từ thư mục của tệp thư.")
    kinh_gui: Entries = Field(default_factory=list, description="Kính gửi: tên cơ quan hoặc \"@ten-danh-sach\" "
                                                                "của recipients/*.toml; một tên thì in trên một dòng.")
    noi_nhan: Entries = Field(default_factory=list, description="Nơi nhận (sau \"- Như trên;\", trước \"- Lưu: …\"); "
                                                                "mục đầu \"Như trên (VBĐT)\" hoặc \"Như Điều 3\" thay "
                                                                "dòng \"Như trên\" tự thêm.")
    vbdt: bool = Field(default=False, description="true: in \"Nơi nhận: (VBĐT)\" (gửi bản điện tử).")
    luu: OptionalText = Field(default="", description="Dòng lưu, ví dụ \"VT, NV (02b)\" (mặc định: [nguoi_nhan] "
                                                      "luu, so_ban_luu của congvan.toml).")
    don_vi_soan_thao: OptionalText = Field(default="", description="Đơn vị soạn thảo trong ký hiệu công văn, ví dụ "
                                                                   "\"NV\" (mặc định: của congvan.toml).")
    nguoi_ky: SignerSection | None = Field(default=None, description="Người ký, thay người ký của congvan.toml.")
    tham_quyen: OptionalText = Field(default="", description="Quyết định: dòng thẩm quyền ban hành, ví dụ "
                                                             "\"CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ\".")
    can_cu: TextList = Field(default_factory=list, description="Căn cứ (in nghiêng, mỗi căn cứ một dòng).")
    dinh_kem: OptionalText = Field(default="", description="Dòng đính kèm sau nội dung, trong ngoặc đơn.")
    so: Annotated[int, Interval(ge=1, le=999999)] | None = Field(
        default=None, description="Số đã cấp (văn bản cấp số nơi khác): cấp đúng số này khi tạo thư.")
    ngay: dt.date | None = Field(default=None, description="Ngày ban hành đi cùng so, ví dụ 2023-07-04.")
    gui_tung_don_vi: OptionalText = Field(
        default="", description="Trộn thư: \"@ten-danh-sach\" (mỗi cơ quan trong danh sách một thư, {{ don_vi }} "
                                "trong nội dung) hoặc tệp .csv có cột \"Kính gửi\" và các cột riêng của từng thư "
                                "(\"Thời gian\" -> {{ thoi_gian }}); cùng một lô, số liên tiếp.")
    ket_qua: ResultsSection | None = Field(default=None, description="Kết quả của một đơn vị dùng trong nội dung.")
    phu_luc: list[AttachmentSection] = Field(default_factory=list, description="Phụ lục, văn bản gửi kèm: mỗi "
                                                                               "mục một trang riêng.")
