"""What one composed letter says: its front matter read and checked, its body and attachments parsed, and
the template context (keys: docs/glossary.md) of each letter, one per addressee when sent to each unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan.compose.markup import read_body
from congvan.compose.merge import MergeUnit
from congvan.config import Workspace
from congvan.config.document import read_document
from congvan.config.letter_schema import LetterFile
from congvan.letter.context import number_fields
from congvan.recipients.files import Entry
from congvan.recipients.rules import RecipientRules, addressee_lines, distribution_lines, for_letter
from congvan.register.records import canonical_type_name, document_symbol
from congvan.render import texts as snippets
from congvan.vn import roman
from congvan.vn.lines import header_text, keep_together

TEMPLATE_FILES = {"công văn": "cong_van.docx", "thông báo": "thong_bao.docx", "kế hoạch": "ke_hoach.docx",
                  "báo cáo": "bao_cao.docx", "tờ trình": "to_trinh.docx", "quyết định": "quyet_dinh.docx",
                  "giấy mời": "giay_moi.docx"}


@dataclass(frozen=True)
class LetterSource:
    """A LETTER.toml read and checked: the front matter and where it is."""

    path: Path
    front: LetterFile
    where: Any  # the TomlDocument, for "file, dòng N" of a key

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def type_name(self) -> str:
        return canonical_type_name(self.front.loai)

    def entries(self, key: str, items: Sequence[str]) -> list[Entry]:
        return [Entry(item, self.where.where((key,), item)) for item in items]


def read_letter(path: Path) -> LetterSource:
    """Read LETTER.toml at `path` against its schema (unknown keys refused with a suggestion)."""
    document = read_document(path, "không có tệp thư. Tạo tệp theo mẫu trong docs/compose.md.")
    return LetterSource(path, document.validate(LetterFile), document)


def symbol(ws: Workspace, source: LetterSource) -> str:
    """Return the ký hiệu: "UBND-NV" for a công văn, "TB-UBND" for a thông báo (Phụ lục III)."""
    drafting = source.front.don_vi_soan_thao or ws.agency.drafting_unit
    return document_symbol(source.type_name, ws.agency.issuer_abbreviation, drafting)


def body_values(ws: Workspace, unit: MergeUnit | None = None, results: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:
    """Return what a body's `{{ }}` placeholders may name (docs/compose.md)."""
    values: dict[str, Any] = {"co_quan": ws.agency.issuer, "dia_danh": ws.agency.place,
                              "nam": ws.assessment.year, "nam_sau": ws.assessment.year + 1}
    if unit is not None:
        values.update(unit.fields)
        values["don_vi"] = unit.addressee
    values.update(results or {})
    return values


def attachments(source: LetterSource, values: Mapping[str, Any], issuer: str) -> list[dict[str, Any]]:
    """Return the attachments as the template shows them, each body parsed ("Phụ lục I", "Phụ lục II", …)."""
    out = []
    numbered = [a for a in source.front.phu_luc if a.kieu == "phu_luc"]
    for attachment in source.front.phu_luc:
        label = ""
        if attachment.kieu == "phu_luc" and len(numbered) > 1:
            label = f"Phụ lục {roman(numbered.index(attachment) + 1)}"
        elif attachment.kieu == "phu_luc":
            label = "Phụ lục"
        path = source.folder / attachment.noi_dung
        title = snippets.fill(attachment.tieu_de, values, f"{source.path}, phu_luc, tieu_de")
        out.append({"kieu": attachment.kieu, "nhan": label, "tieu_de": title.upper(),
                    "loai": attachment.loai.upper(), "ky": (attachment.ky or issuer).upper(),
                    "noi_dung": read_body(path, values, str(path))})
    return out


def build_context(ws: Workspace, source: LetterSource, rules: RecipientRules, *, unit: MergeUnit | None = None,
                  results: Mapping[str, Any] | None = None, draft_month: int, draft_year: int) -> dict[str, Any]:
    """Return the template context of one draft letter (`unit` is the addressee of a per-unit letter)."""
    front = source.front
    values = body_values(ws, unit, results)
    where = str(source.path)
    recipients = for_letter(rules, [Entry(unit.addressee, unit.where)] if unit else
                            source.entries("kinh_gui", front.kinh_gui),
                            source.entries("noi_nhan", front.noi_nhan), values,
                            f"thư '{source.path.name}'", front.luu)
    agency = ws.agency
    signer = front.nguoi_ky
    sign = ({"quyen_han": signer.quyen_han, "chuc_vu": signer.chuc_vu, "ho_ten": signer.ho_ten} if signer else
            {"quyen_han": ws.signer.authority, "chuc_vu": ws.signer.position, "ho_ten": ws.signer.name})
    subject = snippets.fill(front.trich_yeu, values, f"{where}, trich_yeu")
    type_name = source.type_name
    ky_hieu = symbol(ws, source)
    body_path = source.folder / front.noi_dung
    return {
        "loai": type_name,
        "ten_loai": type_name.upper(),
        "co_quan": {"chu_quan": agency.parent, "ten": agency.issuer, "viet_tat": agency.issuer_abbreviation,
                    "chu_quan_dong": header_text(agency.parent_typed or agency.parent, bold=False),
                    "ten_dong": header_text(agency.issuer_typed or agency.issuer, bold=True)},
        "don_vi_soan_thao": front.don_vi_soan_thao or agency.drafting_unit,
        "ky_hieu": ky_hieu,
        "dia_danh": agency.place,
        **number_fields(ky_hieu, agency.place, number=None, date=None, draft_month=draft_month,
                        draft_year=draft_year),
        "trich_yeu": subject,
        "trich_yeu_dong": keep_together(subject, (unit.addressee,) if unit else ()),
        "kinh_gui": list(recipients.addressees),
        "kinh_gui_dong": addressee_lines(recipients.addressees),
        "tham_quyen": snippets.fill(front.tham_quyen, values, f"{where}, tham_quyen").upper(),
        "can_cu": [snippets.fill(p, values, f"{where}, can_cu") for p in front.can_cu],
        "noi_dung": read_body(body_path, values, str(body_path)),
        "dinh_kem": snippets.fill(front.dinh_kem, values, f"{where}, dinh_kem").strip("() "),
        "vbdt": front.vbdt,
        "noi_nhan": distribution_lines(recipients),
        "ky": sign,
        "phu_luc": attachments(source, values, agency.issuer),
    }
