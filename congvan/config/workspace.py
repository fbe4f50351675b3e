"""Read a workspace: the folder holding `congvan.toml`, data/, recipients/, templates_docx/ and output/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from congvan.config.leftovers import PREFIXES, drop_prefix
from congvan.config.office import (
    RegisterSetting,
    archive_folder,
    check_register_setting,
    resolve_register_url,
)
from congvan.errors import ConfigError, ConfigFileUnreadable, cell_location
from congvan.models import DEFAULT_LIMITS, Catalog, ReadLimits
from congvan.vn import nfc
from congvan.vn.lines import one_line

if TYPE_CHECKING:
    from congvan.config.document import TomlDocument

CONFIG_NAME = "congvan.toml"


TWO_LEVEL_FROM_YEAR = 2025  # the two-level local government (xã, phường, đặc khu) applies from 01/7/2025

@dataclass(frozen=True)
class Agency:
    """The issuing body as printed in the header (ô 2) and used in the symbol (ô 3).

    `parent` and `issuer` are on one line (the register's names); `parent_typed` and `issuer_typed` keep the
    line breaks ("\\n") the clerk typed in congvan.toml for the header.
    """

    parent: str
    issuer: str
    issuer_abbreviation: str
    drafting_unit: str
    place: str
    parent_typed: str = ""
    issuer_typed: str = ""

    @property
    def symbol(self) -> str:
        """Return the công văn symbol `<issuer>-<drafting unit>`, e.g. "SNV-CCHC"."""
        return f"{self.issuer_abbreviation}-{self.drafting_unit}" if self.drafting_unit else self.issuer_abbreviation


@dataclass(frozen=True)
class Signer:
    """The signature block (ô 7a, 7b)."""

    authority: str
    position: str
    name: str


@dataclass(frozen=True)
class AssessmentSettings:
    """Targets and rules for judging scores."""

    year: int
    target: float
    next_year_target: float
    criterion_targets: dict[str, float]
    very_low_margin: float
    decimals: int
    order: str
    missing_unit: str

    def target_for(self, criterion_code: str, catalog_target: float | None = None) -> float:
        """Return the target of a criterion: congvan.toml per-criterion, else the catalog's, else the general one."""
        if criterion_code in self.criterion_targets:
            return self.criterion_targets[criterion_code]
        return catalog_target if catalog_target is not None else self.target


@dataclass(frozen=True)
class GeneralSection:
    """A numbered section added after the tailored ones (e.g. "Chế độ báo cáo")."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class LetterSettings:
    """Defaults of the letter: template, subject, bases, opening and closing texts."""

    template: Path
    subject: str
    bases: tuple[str, ...]
    opening: str
    closing: str
    attachment: str
    general_sections: tuple[GeneralSection, ...]
    chart: bool = False  # a bar chart in each section
    summary_sentence: bool = True  # [van_ban] tong_quan: each section opens with the summary sentence
    request: str = "Đề nghị {{ doi_tuong }}"  # [van_ban] de_nghi: who is asked to act, {{ de_nghi }} in texts


@dataclass(frozen=True)
class RecipientSettings:
    """Which named lists (recipients/*.toml) a letter goes to by default, and the archive line."""

    addressees_list: str
    distribution_list: str
    archive: str
    archive_copies: int
    order: str


@dataclass(frozen=True)
class Workspace:
    """Everything `congvan.toml` says, with paths resolved against the workspace root."""

    root: Path
    agency: Agency
    signer: Signer
    assessment: AssessmentSettings
    letter: LetterSettings
    results: tuple[Path, ...]
    catalog: Path
    convert_legacy: bool
    register: RegisterSetting
    recipients: RecipientSettings
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    previous_results: tuple[Path, ...] = ()  # [du_lieu] nam_truoc: last year's results
    renames: Path | None = None  # [du_lieu] doi_ten: old unit name -> new
    read_limits: ReadLimits = DEFAULT_LIMITS
    two_level: bool = True  # the two-level local government applies (from 01/7/2025): old unit types warn
    warnings: tuple[str, ...] = ()  # what reading congvan.toml mended ("V/v V/v …"), printed by the build
    archive: str = ""  # [luu_tru] thu_muc as written
    archive_where: str = ""  # its place in congvan.toml, for messages
    approval_required: bool = False  # [phe_duyet] bat_buoc: only approved batches are issued

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def register_url(self) -> str:
        """Return the register URL (`congvan.config.office`); raise when `url_env` names an unset variable."""
        return resolve_register_url(self.register)

    @property
    def archive_dir(self) -> Path:
        """Return the folder of issued letters and template copies; raise when a shared folder is not mounted."""
        return archive_folder(self.root, self.archive, self.archive_where)

    @property
    def drafts_dir(self) -> Path:
        """Drafts stay in the workspace, whatever the archive folder is."""
        return self.root / "output" / "drafts"

    @property
    def recipients_dir(self) -> Path:
        return self.root / "recipients"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates_docx"


def load_workspace(root: Path) -> Workspace:
    """Read `root/congvan.toml` and return the `Workspace`; raise `ConfigError` naming the line and key."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigFileUnreadable(
            f"{path}: không tìm thấy tệp cấu hình. Chạy lệnh trong thư mục làm việc, "
            "hoặc tạo thư mục mới bằng `congvan init THU_MUC`."
        )
    from congvan.config.document import read_document  # pydantic is imported only when a workspace is read
    from congvan.config.schema import ConfigFile

    document = read_document(path, "không tìm thấy tệp cấu hình.", ConfigError)
    config = document.validate(ConfigFile, ConfigError)
    agency = Agency(
        parent=one_line(config.co_quan.chu_quan),
        issuer=one_line(config.co_quan.ten),
        issuer_abbreviation=config.co_quan.viet_tat,
        drafting_unit=config.co_quan.don_vi_soan_thao,
        place=config.co_quan.dia_danh,
        parent_typed=config.co_quan.chu_quan,
        issuer_typed=config.co_quan.ten,
    )
    rating = config.danh_gia
    letter = config.van_ban
    recipients = config.nguoi_nhan
    default_archive = f"VT, {agency.drafting_unit}" if agency.drafting_unit else "VT"
    warnings: list[str] = []
    subject = _without_prefix(document, ("van_ban", "trich_yeu"), letter.trich_yeu, warnings)
    archive_line = _without_prefix(document, ("nguoi_nhan", "luu"), recipients.luu, warnings)
    register = RegisterSetting(
        url=config.register_.url, url_where=document.where(("register", "url")),
        url_env=config.register_.url_env, url_env_where=document.where(("register", "url_env")),
        default_url=f"sqlite:///{root / 'output' / 'so_van_ban_di.sqlite'}")
    check_register_setting(register)
    return Workspace(
        root=root,
        agency=agency,
        signer=Signer(authority=config.nguoi_ky.quyen_han, position=config.nguoi_ky.chuc_vu,
                      name=config.nguoi_ky.ho_ten),
        assessment=AssessmentSettings(
            year=rating.nam,
            target=rating.chi_tieu,
            next_year_target=rating.chi_tieu_nam_sau,
            criterion_targets=dict(rating.chi_tieu_tieu_chi),
            very_low_margin=rating.nguong_rat_thap,
            decimals=rating.so_thap_phan,
            order=rating.thu_tu,
            missing_unit=rating.thieu_don_vi,
        ),
        letter=LetterSettings(
            template=root / letter.mau,
            subject=subject,
            bases=tuple(letter.can_cu),
            opening=letter.mo_dau,
            closing=letter.ket_thuc,
            attachment=letter.dinh_kem,
            general_sections=tuple(GeneralSection(title=s.tieu_de, paragraphs=tuple(s.noi_dung))
                                   for s in letter.chi_dao_chung),
            chart=letter.bieu_do,
            summary_sentence=letter.tong_quan,
            request=letter.de_nghi,
        ),
        results=tuple(root / name for name in config.du_lieu.ket_qua),
        catalog=root / config.du_lieu.tieu_chi,
        previous_results=tuple(root / name for name in config.du_lieu.nam_truoc),
        renames=root / config.du_lieu.doi_ten if config.du_lieu.doi_ten else None,
        convert_legacy=config.du_lieu.chuyen_ma_cu,
        register=register,
        recipients=RecipientSettings(
            addressees_list=recipients.kinh_gui,
            distribution_list=recipients.noi_nhan,
            archive=archive_line or default_archive,
            archive_copies=recipients.so_ban_luu,
            order=recipients.sap_xep,
        ),
        raw=document.raw,
        read_limits=ReadLimits(rows=config.du_lieu.so_dong_toi_da, columns=config.du_lieu.so_cot_toi_da),
        archive=config.luu_tru.thu_muc,
        archive_where=document.where(("luu_tru", "thu_muc")),
        approval_required=config.phe_duyet.bat_buoc,
        two_level=(rating.nam >= TWO_LEVEL_FROM_YEAR if rating.chinh_quyen_hai_cap is None
                   else rating.chinh_quyen_hai_cap),
        warnings=tuple(warnings),
    )


def _without_prefix(document: TomlDocument, key: tuple[str, str], text: str, warnings: list[str]) -> str:
    """Return `text` without the "V/v" or "Lưu:" the letter prints before it, warning when it was typed too."""
    prefix, pattern = PREFIXES[key]
    mended, dropped = drop_prefix(text, pattern)
    if not dropped:
        return text
    where = f"{document.where(key)}, [{key[0]}] {key[1]}"
    if not mended:
        raise ConfigError(f"{where}: chỉ có \"{prefix}\", chưa có nội dung.")
    warnings.append(f"{where}: bỏ \"{text[: len(text) - len(mended)].strip()}\" ở đầu — văn bản đã in sẵn "
                    f"\"{prefix}\" trước nội dung này (sẽ in: \"{prefix} {mended}\"). Sửa congvan.toml cho khỏi "
                    "cảnh báo.")
    return mended


def check_targets(workspace: Workspace, catalog: Catalog) -> None:
    """Raise `ConfigError` when [danh_gia.chi_tieu_tieu_chi] names a criterion code the catalog does not have."""
    codes = [criterion.code for table in catalog.tables for criterion in table.criteria]
    unknown = [code for code in workspace.assessment.criterion_targets if code not in codes]
    if not unknown:
        return
    from congvan.config.hints import suggest
    from congvan.config.locate import TomlLines

    lines = TomlLines(nfc(workspace.config_path.read_text(encoding="utf-8")))
    section = ("danh_gia", "chi_tieu_tieu_chi")
    raise ConfigError("\n".join(
        f"{cell_location(workspace.config_path, None, lines.line((*section, code)))}, [danh_gia.chi_tieu_tieu_chi]: "
        f"không có tiêu chí mã '{code}' trong danh mục {catalog.source}{suggest(code, codes)}"
        for code in unknown))
