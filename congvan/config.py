"""Read a workspace: the folder holding `congvan.toml`, data/, recipients/, templates_docx/ and output/."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.errors import ConfigError, ConfigFileUnreadable
from congvan.vn import nfc

CONFIG_NAME = "congvan.toml"
REGISTER_URL_ENV = "CONGVAN_REGISTER_URL"
VERDICT_ORDERS = ("nhom", "danh_muc")
MISSING_UNIT_POLICIES = ("loi", "bo_qua")
RECIPIENT_ORDERS = ("danh_sach", "abc")
RECIPIENT_KEYS = ("kinh_gui", "noi_nhan", "luu", "so_ban_luu", "sap_xep")


@dataclass(frozen=True)
class Agency:
    """The issuing body as printed in the header (ô 2) and used in the symbol (ô 3)."""

    parent: str
    issuer: str
    issuer_abbreviation: str
    drafting_unit: str
    place: str

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
    register_url: str
    recipients: RecipientSettings
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def drafts_dir(self) -> Path:
        return self.output_dir / "drafts"

    @property
    def recipients_dir(self) -> Path:
        return self.root / "recipients"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates_docx"


def load_workspace(root: Path) -> Workspace:
    """Read `root/congvan.toml` and return the `Workspace`; raise `ConfigError` naming the key on a bad value."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigFileUnreadable(
            f"{path}: không tìm thấy tệp cấu hình. Chạy lệnh trong thư mục làm việc, "
            "hoặc tạo thư mục mới bằng `congvan init THU_MUC`."
        )
    try:
        raw = tomllib.loads(nfc(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: tệp TOML không hợp lệ: {err}") from err
    reader = _Reader(path, raw)

    agency = Agency(
        parent=reader.text("co_quan.chu_quan", default=""),
        issuer=reader.text("co_quan.ten"),
        issuer_abbreviation=reader.text("co_quan.viet_tat"),
        drafting_unit=reader.text("co_quan.don_vi_soan_thao", default=""),
        place=reader.text("co_quan.dia_danh"),
    )
    signer = Signer(
        authority=reader.text("nguoi_ky.quyen_han", default=""),
        position=reader.text("nguoi_ky.chuc_vu"),
        name=reader.text("nguoi_ky.ho_ten"),
    )
    targets = reader.table("danh_gia.chi_tieu_tieu_chi")
    assessment = AssessmentSettings(
        year=reader.integer("danh_gia.nam", 2000, 2100),
        target=reader.number("danh_gia.chi_tieu", 0, 100),
        next_year_target=reader.number("danh_gia.chi_tieu_nam_sau", 0, 100),
        criterion_targets={code: reader.number(f"danh_gia.chi_tieu_tieu_chi.{code}", 0, 100) for code in targets},
        very_low_margin=reader.number("danh_gia.nguong_rat_thap", 0, 100, default=10.0),
        decimals=reader.integer("danh_gia.so_thap_phan", 0, 4, default=2),
        order=reader.choice("danh_gia.thu_tu", VERDICT_ORDERS, default="nhom"),
        missing_unit=reader.choice("danh_gia.thieu_don_vi", MISSING_UNIT_POLICIES, default="loi"),
    )
    letter = LetterSettings(
        template=root / reader.text("van_ban.mau", default="templates_docx/cong_van_chi_dao.docx"),
        subject=reader.text("van_ban.trich_yeu"),
        bases=tuple(reader.text_list("van_ban.can_cu", default=[])),
        opening=reader.text("van_ban.mo_dau"),
        closing=reader.text("van_ban.ket_thuc"),
        attachment=reader.text("van_ban.dinh_kem", default=""),
        general_sections=tuple(
            GeneralSection(
                title=reader.text(f"van_ban.chi_dao_chung[{index}].tieu_de", value=item.get("tieu_de")),
                paragraphs=tuple(
                    reader.text_list(f"van_ban.chi_dao_chung[{index}].noi_dung", value=item.get("noi_dung"))
                ),
            )
            for index, item in enumerate(reader.list_of_tables("van_ban.chi_dao_chung"))
        ),
    )
    results = tuple(root / name for name in reader.text_list("du_lieu.ket_qua"))
    if not results:
        raise ConfigError(f"{path}: khóa 'du_lieu.ket_qua' phải liệt kê ít nhất một tệp kết quả (.xlsx hoặc .csv).")
    unknown = sorted(set(reader.table("nguoi_nhan")) - set(RECIPIENT_KEYS))
    if unknown:
        raise ConfigError(f"{path}: [nguoi_nhan] không có khóa '{unknown[0]}' "
                          f"(dùng được: {', '.join(RECIPIENT_KEYS)}).")
    default_archive = f"VT, {agency.drafting_unit}" if agency.drafting_unit else "VT"
    recipient_settings = RecipientSettings(
        addressees_list=reader.text("nguoi_nhan.kinh_gui", default="kinh-gui"),
        distribution_list=reader.text("nguoi_nhan.noi_nhan", default="noi-nhan"),
        archive=reader.text("nguoi_nhan.luu", default=default_archive) or default_archive,
        archive_copies=reader.integer("nguoi_nhan.so_ban_luu", 0, 99, default=2),
        order=reader.choice("nguoi_nhan.sap_xep", RECIPIENT_ORDERS, default="danh_sach"),
    )
    register_url = (
        os.environ.get(REGISTER_URL_ENV)
        or reader.text("register.url", default="")
        or f"sqlite:///{root / 'output' / 'so_van_ban_di.sqlite'}"
    )
    return Workspace(
        root=root,
        agency=agency,
        signer=signer,
        assessment=assessment,
        letter=letter,
        results=results,
        catalog=root / reader.text("du_lieu.tieu_chi", default="data/tieu_chi.toml"),
        convert_legacy=reader.boolean("du_lieu.chuyen_ma_cu", default=False),
        register_url=register_url,
        recipients=recipient_settings,
        raw=raw,
    )


_MISSING = object()


class _Reader:
    """Typed access to dotted keys of a TOML document, with errors that name the key."""

    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw

    def _get(self, key: str, default: Any) -> Any:
        node: Any = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is _MISSING:
                    raise ConfigError(f"{self.path}: thiếu khóa '{key}'.")
                return default
            node = node[part]
        return node

    def _fail(self, key: str, expected: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.path}: khóa '{key}' phải là {expected}, đang là {value!r}.")

    def text(self, key: str, default: Any = _MISSING, value: Any = _MISSING) -> str:
        value = self._get(key, default) if value is _MISSING else value
        if value is None and default is _MISSING:
            raise ConfigError(f"{self.path}: thiếu khóa '{key}'.")
        if not isinstance(value, str):
            raise self._fail(key, "một chuỗi văn bản", value)
        return nfc(value).strip()

    def text_list(self, key: str, default: Any = _MISSING, value: Any = _MISSING) -> list[str]:
        value = self._get(key, default) if value is _MISSING else value
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "một danh sách chuỗi", value)
        return [nfc(item).strip() for item in value]

    def number(self, key: str, low: float, high: float, default: Any = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self._fail(key, f"một số từ {low:g} đến {high:g}", value)
        return float(value)

    def integer(self, key: str, low: int, high: int, default: Any = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._fail(key, f"một số nguyên từ {low} đến {high}", value)
        return value

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true hoặc false", value)
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self._get(key, default)
        if value not in choices:
            raise self._fail(key, "một trong " + ", ".join(f'"{c}"' for c in choices), value)
        return value

    def table(self, key: str) -> dict[str, Any]:
        value = self._get(key, {})
        if not isinstance(value, dict):
            raise self._fail(key, "một bảng [..]", value)
        return value

    def list_of_tables(self, key: str) -> list[dict[str, Any]]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self._fail(key, "một danh sách bảng [[..]]", value)
        return value
