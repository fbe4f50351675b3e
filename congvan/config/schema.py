"""The declared schema of `congvan.toml`: every section and key, its type, default and meaning.

Field names are the TOML keys; each description is the meaning shown in docs/config.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import Field

from congvan.config.types import NonEmptyTextList, OptionalText, Percent, Section, Text, TextList

Year = Annotated[int, Interval(ge=2000, le=2100)]
Decimals = Annotated[int, Interval(ge=0, le=4)]
Copies = Annotated[int, Interval(ge=0, le=99)]
MaxRows = Annotated[int, Interval(ge=10, le=1_000_000)]
MaxColumns = Annotated[int, Interval(ge=5, le=16_384)]


class AgencySection(Section):
    """[co_quan]: the issuing body (ô 2, ô 3 of NĐ 30)."""

    chu_quan: OptionalText = Field(
        default="",
        description="Cơ quan chủ quản (dòng trên, không in đậm); để \"\" nếu không có. Tên dài được tự xuống "
                    "dòng giữa các từ, không tách địa danh; muốn tự chọn chỗ xuống dòng thì gõ \\n, ví dụ "
                    "\"UBND THÀNH PHỐ\\nNHA TRANG\".")
    ten: Text = Field(description="Tên cơ quan ban hành (in đậm), ví dụ \"SỞ NỘI VỤ\"; xuống dòng như chu_quan "
                                  "(\\n do văn thư gõ chỉ dùng ở phần đầu văn bản, sổ văn bản ghi tên trên một dòng).")
    viet_tat: Text = Field(description="Chữ viết tắt tên cơ quan ban hành, dùng trong ký hiệu: Số: .../SNV-CCHC.")
    don_vi_soan_thao: OptionalText = Field(default="", description="Chữ viết tắt đơn vị soạn thảo, ví dụ \"CCHC\".")
    dia_danh: Text = Field(description="Địa danh ở dòng ngày tháng, ví dụ \"Khánh Hòa\".")


class SignerSection(Section):
    """[nguoi_ky]: the signature block (ô 7a, 7b)."""

    quyen_han: OptionalText = Field(
        default="",
        description="Quyền hạn ký: TM./KT./TL./TUQ./Q. ...; để \"\" khi người đứng đầu ký.")
    chuc_vu: Text = Field(description="Chức vụ người ký, ví dụ \"PHÓ GIÁM ĐỐC\".")
    ho_ten: Text = Field(description="Họ và tên người ký.")


class AssessmentSection(Section):
    """[danh_gia]: year, targets and how verdicts are reached."""

    nam: Year = Field(description="Năm đánh giá (năm của số liệu).")
    chi_tieu: Percent = Field(description="Chỉ tiêu chung, %.")
    chi_tieu_nam_sau: Percent = Field(description="Chỉ tiêu năm sau, %.")
    chi_tieu_tieu_chi: dict[str, Percent] = Field(
        default_factory=dict,
        json_schema_extra={"key": "<mã tiêu chí>",
                           "value": "Chỉ tiêu riêng của tiêu chí có mã này (mã phải có trong danh mục tiêu chí), %."},
        description="Chỉ tiêu riêng của từng tiêu chí, nếu khác chỉ tiêu chung, ví dụ: phan_anh = 80.")
    nguong_rat_thap: Percent = Field(
        default=10.0,
        description="Thấp hơn chỉ tiêu quá số điểm % này thì kết luận \"rất thấp\".")
    so_thap_phan: Decimals = Field(default=2, description="Số chữ số thập phân khi viết kết quả (68,83%).")
    thu_tu: Literal["nhom", "danh_muc"] = Field(
        default="nhom",
        description="\"nhom\": tiêu chí chưa đạt trước (yếu nhất trước), rồi tiêu chí đạt; \"danh_muc\": theo "
                    "thứ tự danh mục.")
    thieu_don_vi: Literal["loi", "bo_qua"] = Field(
        default="loi",
        description="Đơn vị thiếu trong một bảng: \"loi\" dừng và báo lỗi; \"bo_qua\" bỏ phần đó và cảnh báo.")
    chinh_quyen_hai_cap: bool | None = Field(
        default=None,
        description="true: chính quyền địa phương hai cấp (từ 01/7/2025), tên đơn vị loại thị trấn, huyện, quận "
                    "bị cảnh báo; false: không cảnh báo (số liệu trước đó); không ghi khóa này: true khi nam từ 2025.")


class DataSection(Section):
    """[du_lieu]: where the results and the catalog are."""

    ket_qua: NonEmptyTextList = Field(
        description="Tệp kết quả (.xlsx hoặc .csv), đường dẫn tính từ thư mục làm việc.")
    tieu_chi: Text = Field(default="data/tieu_chi.toml", description="Tệp danh mục tiêu chí và nội dung chỉ đạo.")
    nam_truoc: TextList = Field(
        default_factory=list,
        description="Tệp kết quả năm trước (cùng danh mục tiêu chí), ví dụ [\"ket_qua_2024.xlsx\"] (đường dẫn "
                    "tính từ thư mục làm việc): thư và bảng tổng hợp ghi tăng/giảm bao nhiêu điểm phần trăm so với "
                    "năm trước. Đơn vị khớp tên như trong năm nay; đơn vị đổi tên hoặc hợp nhất khai trong doi_ten.")
    doi_ten: OptionalText = Field(
        default="",
        description="Tệp .csv hai cột \"Tên cũ\", \"Tên mới\": đơn vị năm trước đổi tên (một dòng) hoặc hợp nhất "
                    "(nhiều tên cũ cùng một tên mới) sau sắp xếp đơn vị hành chính. Đơn vị hợp nhất không so sánh "
                    "với năm trước (không có số người được khảo sát để gộp số liệu), thư ghi rõ như vậy.")
    chuyen_ma_cu: bool = Field(default=False, description="true: tự chuyển văn bản mã TCVN3/VNI cũ sang Unicode.")
    so_dong_toi_da: MaxRows = Field(
        default=20_000,
        description="Số dòng tối đa của một sheet (hoặc tệp .csv) kết quả; tệp lớn hơn bị từ chối trước khi đọc.")
    so_cot_toi_da: MaxColumns = Field(
        default=200, description="Số cột tối đa của một sheet (hoặc tệp .csv) kết quả.")


class GeneralSectionEntry(Section):
    """[[van_ban.chi_dao_chung]]: a numbered section added after the tailored ones."""

    tieu_de: Text = Field(description="Tiêu đề mục, ví dụ \"Tổ chức thực hiện và chế độ báo cáo\".")
    noi_dung: TextList = Field(description="Các đoạn văn của mục.")


class LetterSection(Section):
    """[van_ban]: the texts every letter shares."""

    mau: Text = Field(default="templates_docx/cong_van_chi_dao.docx", description="Tệp mẫu công văn (.docx).")
    trich_yeu: Text = Field(description="Trích yếu nội dung (sau \"V/v\").")
    can_cu: TextList = Field(default_factory=list, description="Các căn cứ, mỗi căn cứ một đoạn.")
    mo_dau: Text = Field(description="Đoạn mở đầu.")
    ket_thuc: Text = Field(description="Câu kết thúc.")
    dinh_kem: OptionalText = Field(default="", description="Dòng tài liệu đính kèm; để \"\" nếu không có.")
    chi_dao_chung: list[GeneralSectionEntry] = Field(
        default_factory=list, description="Các mục chung đánh số sau các mục riêng của từng đơn vị.")
    tong_quan: bool = Field(
        default=True,
        description="false: bỏ câu tổng quan đầu mỗi mục (\"Năm 2025, Chỉ số hài lòng chung của … đạt …, xếp thứ …\"); "
                    "mục bắt đầu bằng đoạn mở đầu của mục (mo_dau trong danh mục) rồi đến từng tiêu chí.")
    de_nghi: Text = Field(
        default="Đề nghị {{ doi_tuong }}",
        description="Lời giao việc, chèn vào câu chữ của danh mục bằng {{ de_nghi }}: cơ quan cấp trên gửi phường "
                    "để \"Đề nghị {{ doi_tuong }}\" (Đề nghị UBND phường …); Chủ tịch phường gửi công chức của "
                    "mình thì ghi \"Yêu cầu công chức\". Đổi một dòng này, không phải sửa danh mục.")
    bieu_do: bool = Field(
        default=False,
        description="true: mỗi mục của công văn có biểu đồ thanh ngang (sau câu tổng quan): kết quả từng tiêu chí "
                    "của đơn vị so với chỉ tiêu và bình quân các đơn vị. Mẫu .docx phải có đoạn "
                    "{{ b.bieu_do|hinh }} (mẫu mặc định đã có).")


class RecipientSection(Section):
    """[nguoi_nhan]: the default recipient lists and the archive line."""

    kinh_gui: Text = Field(
        default="kinh-gui",
        description="Tên danh sách \"Kính gửi\" mặc định (trong recipients/*.toml).")
    noi_nhan: Text = Field(default="noi-nhan", description="Tên danh sách \"Nơi nhận\" mặc định.")
    luu: OptionalText = Field(
        default="",
        description="Dòng lưu cuối Nơi nhận, ví dụ \"VT, CCHC\"; để trống thì là \"VT, \" + don_vi_soan_thao.")
    so_ban_luu: Copies = Field(default=2, description="Số bản lưu, in hai chữ số: (02b).")
    sap_xep: Literal["danh_sach", "abc"] = Field(
        default="danh_sach",
        description="\"danh_sach\": giữ thứ tự như trong danh sách; \"abc\": xếp theo vần chữ cái tiếng Việt.")


class RegisterSection(Section):
    """[register]: where the outgoing register (sổ văn bản đi) is kept."""

    url: OptionalText = Field(
        default="",
        description="Địa chỉ cơ sở dữ liệu sổ văn bản đi (postgresql://người_dùng@máy_chủ/csdl), KHÔNG kèm mật khẩu "
                    "(mật khẩu để trong ~/.pgpass); để trống: tệp SQLite trong output/. Biến môi trường "
                    "CONGVAN_REGISTER_URL được ưu tiên (docs/office.md).")
    url_env: OptionalText = Field(
        default="",
        description="Tên biến môi trường chứa địa chỉ sổ (ví dụ \"SO_VAN_BAN_URL\"), dùng thay url khi mỗi máy "
                    "đặt địa chỉ riêng; biến chưa đặt thì lệnh dùng sổ bị từ chối.")


class ArchiveSection(Section):
    """[luu_tru]: where issued letters are kept (an office shares one folder)."""

    thu_muc: OptionalText = Field(
        default="",
        description="Thư mục lưu văn bản đã cấp số và bản sao mẫu (ổ mạng chung SMB/NFS, tuyệt đối hoặc tính từ thư "
                    "mục làm việc); để trống: output/ của thư mục làm việc. Bản nháp vẫn ở output/drafts/.")


class ApprovalSection(Section):
    """[phe_duyet]: whether a batch must be approved by a leader before it is issued."""

    bat_buoc: bool = Field(
        default=False,
        description="true: chỉ lô đã được lãnh đạo duyệt mới được cấp số (`congvan batches trinh`, `duyet`, "
                    "`tra-lai`); false (mặc định, cho cơ quan nhỏ): cấp số không cần duyệt, nhưng lô đã trình ký "
                    "thì vẫn phải được duyệt trước khi cấp số.")


class ConfigFile(Section):
    """The whole of congvan.toml."""

    mau: bool = Field(
        default=False,
        description="true: đây là cấu hình mẫu (bộ mẫu của `congvan init` có sẵn dòng này): `congvan build` vẫn tạo "
                    "thư với nội dung mẫu nhưng cảnh báo rõ. Khi đã sửa [co_quan], hoặc số liệu không phải của bộ "
                    "mẫu, hoặc không có dòng này, mọi chữ mẫu còn sót — \"(ví dụ)\", \"MẪU\"; người ký mẫu khi "
                    "đã sửa cơ quan hoặc số liệu; cơ quan mẫu với số liệu địa phương khác (không đơn vị nào thuộc "
                    "bộ mẫu) — làm dừng việc tạo thư, báo tên khóa và dòng. Xóa dòng này khi đã sửa xong cho cơ "
                    "quan của bạn. Phải viết ở đầu tệp, trước mọi [mục].")
    co_quan: AgencySection = Field(description="Cơ quan ban hành (ô 2, ô 3 theo Nghị định 30/2020/NĐ-CP).")
    nguoi_ky: SignerSection = Field(description="Người ký (ô 7).")
    danh_gia: AssessmentSection = Field(description="Năm, chỉ tiêu và cách kết luận.")
    du_lieu: DataSection = Field(description="Tệp kết quả và danh mục tiêu chí.")
    van_ban: LetterSection = Field(description="Nội dung chung của công văn.")
    nguoi_nhan: RecipientSection = Field(default=RecipientSection(),
                                         description="Danh sách người nhận mặc định và dòng lưu.")
    register_: RegisterSection = Field(default=RegisterSection(), alias="register", description="Sổ văn bản đi.")
    luu_tru: ArchiveSection = Field(default=ArchiveSection(), description="Thư mục lưu văn bản đã cấp số.")
    phe_duyet: ApprovalSection = Field(default=ApprovalSection(), description="Trình ký và phê duyệt lô văn bản.")
