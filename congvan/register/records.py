"""What the register stores and returns: document types and symbols (NĐ 30 Phụ lục III), register rows
(Phụ lục IV and VI fields plus audit columns), new documents and verification reports."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from congvan.errors import RegisterError
from congvan.models import NO_ABBREVIATION, TYPE_ABBREVIATIONS
from congvan.vn import fold

DEFAULT_SERIES = "chung"
LANGUAGE = "Tiếng Việt"
CONG_VAN = "Công văn"
STATUS_ISSUED = "issued"
STATUS_RESERVED = "reserved"
# what the register desk filters on (congvan.register.search); "voided" and "sent" are columns, not statuses
STATUS_FILTERS = {"issued": "đã cấp số (còn hiệu lực)", "voided": "đã thu hồi", "reserved": "lấy số trước (chưa có "
                  "văn bản)", "sent": "đã gửi đi"}
MAX_PAGE_SIZE = 500  # rows of one page of a register search



def _type_key(type_name: str) -> str:
    # "thoả"/"thỏa", "uỷ"/"ủy": both tone placements are in use; compare on one.
    key = fold(type_name)
    for old, new in (("oả", "ỏa"), ("oà", "òa"), ("oá", "óa"), ("uỷ", "ủy"), ("uý", "úy")):
        key = key.replace(old, new)
    return key


_ABBREVIATION_BY_KEY = {_type_key(name): abbr for name, abbr in TYPE_ABBREVIATIONS.items()}
_CANONICAL_BY_KEY = {_type_key(name): name for name in (*TYPE_ABBREVIATIONS, *NO_ABBREVIATION)}


def canonical_type_name(type_name: str) -> str:
    """Return the NĐ 30 spelling of a type name ("quyết định" -> "Quyết định"); raise on an unknown type."""
    key = _type_key(type_name)
    if key in ("sao y", "trích sao", "sao lục"):
        key = _type_key("bản " + key)
    if key not in _CANONICAL_BY_KEY:
        known = ", ".join([*NO_ABBREVIATION, *TYPE_ABBREVIATIONS])
        raise RegisterError(
            f"loại văn bản '{type_name}' không có trong Phụ lục III NĐ 30/2020. Dùng một trong: {known}.")
    return _CANONICAL_BY_KEY[key]


def document_symbol(type_name: str, issuer_abbreviation: str, drafting_unit: str = "") -> str:
    """Return the ký hiệu: công văn `<cơ quan>-<đơn vị>` ("SNV-CCHC"), typed documents `<loại>-<cơ quan>` ("QĐ-SNV")."""
    name = canonical_type_name(type_name)
    if not issuer_abbreviation:
        raise RegisterError("thiếu chữ viết tắt tên cơ quan ban hành (co_quan.viet_tat).")
    if name in NO_ABBREVIATION:
        return f"{issuer_abbreviation}-{drafting_unit}" if drafting_unit else issuer_abbreviation
    return f"{TYPE_ABBREVIATIONS[name]}-{issuer_abbreviation}"


# -- records --


@dataclass(frozen=True)
class Record:
    """One row of the register: a number given to a document (issued here, reserved by hand, maybe voided)."""

    id: int
    organ: str
    year: int
    series: str
    number: int
    code_number: str
    code_notation: str
    status: str
    issued_date: dt.date
    type_name: str
    subject: str
    organ_name: str
    language: str
    page_amount: int | None
    signer_authority: str
    signer_position: str
    signer_name: str
    recipients: list[str]
    distribution: list[str]
    archive_copy: str
    priority: int
    issued_amount: int | None
    due_date: dt.date | None
    sent_date: dt.date | None
    receipt: str | None
    note: str
    batch_id: str | None
    letter_index: int | None
    unit: str | None
    file_path: str | None
    sha256: str | None
    template_sha256: str | None
    draft_sha256: str | None
    context_json: str | None
    tool_version: str
    created_at: str
    voided_at: str | None
    void_reason: str | None

    @property
    def number_symbol(self) -> str:
        """Return "05/SNV-CCHC"."""
        return f"{self.code_number}/{self.code_notation}"

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def signer_info(self) -> str:
        """Return the signature block in one line: "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Trần Văn Minh"."""
        return " ".join(part for part in (self.signer_authority, self.signer_position, self.signer_name) if part)

    @property
    def context(self) -> dict[str, Any] | None:
        """Return the rendered context the file was made from (None for a number reserved by hand)."""
        return json.loads(self.context_json) if self.context_json else None

    @classmethod
    def from_row(cls, row: Any) -> Record:
        return cls.from_mapping(row._mapping)

    @classmethod
    def from_mapping(cls, columns: Mapping[str, Any]) -> Record:
        """Return the record of a row's columns as the database holds them (lists as JSON text)."""
        values = dict(columns)
        values["recipients"] = json.loads(values["recipients"] or "[]")
        values["distribution"] = json.loads(values["distribution"] or "[]")
        for key in ("issued_date", "due_date", "sent_date"):
            if isinstance(values[key], str):
                values[key] = dt.date.fromisoformat(values[key])
        return cls(**{f.name: values[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class NewDocument:
    """What the caller knows about a document that gets a number (the register adds number and dates)."""

    code_notation: str
    type_name: str
    subject: str
    organ_name: str
    signer_authority: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: Sequence[str] = ()
    distribution: Sequence[str] = ()
    archive_copy: str = ""
    priority: int = 0
    issued_amount: int | None = None
    page_amount: int | None = None
    due_date: dt.date | None = None
    note: str = ""
    batch_id: str | None = None
    letter_index: int | None = None
    unit: str | None = None
    file_path: str | None = None
    sha256: str | None = None
    template_sha256: str | None = None
    draft_sha256: str | None = None
    context_json: str | None = None
    status: str = STATUS_ISSUED
    language: str = LANGUAGE
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One thing `verify` found wrong with the register's rows: `kind` is a short Vietnamese label."""

    kind: str
    text: str


@dataclass(frozen=True)
class VerifyReport:
    """Result of `Register.verify`: chain and row findings, missing or altered files, stray and temporary files."""

    checked: int
    missing: list[Record]
    altered: list[Record]
    unregistered: list[Path]
    leftovers: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.unregistered or self.leftovers or self.findings)


ISSUED_NAME_RE = re.compile(r"^(\d{2,})-[A-Za-z0-9-]+_.*\.docx$")
PENDING_SUFFIX = ".issuing"  # a letter written, its row not yet committed: ".05-SNV-CCHC_x.docx.issuing"


def is_letter_leftover(name: str) -> bool:
    """Whether a file name in output/<year>/ is a pending letter or a letter's temporary file (`.x.docx.….tmp`)."""
    return name.startswith(".") and (name.endswith(PENDING_SUFFIX) or (name.endswith(".tmp") and ".docx" in name))
