"""Build the template context of one letter (pure functions, no I/O).

The keys are the Vietnamese names listed in docs/glossary.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from congvan.config import AssessmentSettings, Workspace
from congvan.letter.history import history_phrase, history_sentence
from congvan.models import VERDICT_WORDS, CriterionResult, PreviousYear, TableResult, Unit, UnitAssessment
from congvan.recipients.rules import RecipientRules, addressee_lines, distribution_lines, for_unit
from congvan.render import texts as snippets
from congvan.render.charts import BarChart
from congvan.vn import (
    document_number,
    draft_long_date,
    format_number,
    format_percent,
    long_date,
)
from congvan.vn.lines import header_text, keep_together

DRAFT_NUMBER_BLANK = "      "


def number_fields(symbol: str, place: str, *, number: int | None, date: dt.date | None,
                  draft_month: int, draft_year: int) -> dict[str, Any]:
    """Return the context fields that differ between a draft and an issued letter."""
    if number is None or date is None:
        dated = draft_long_date(draft_month, draft_year)
        return {
            "so": "",
            "so_ky_hieu": f"{DRAFT_NUMBER_BLANK}/{symbol}",
            "ngay_thang_nam": dated,
            "dia_danh_ngay": f"{place}, {dated}",
            "ngay_ban_hanh": "",
            "ban_nhap": True,
        }
    dated = long_date(date)
    return {
        "so": document_number(number),
        "so_ky_hieu": f"{document_number(number)}/{symbol}",
        "ngay_thang_nam": dated,
        "dia_danh_ngay": f"{place}, {dated}",
        "ngay_ban_hanh": date.isoformat(),
        "ban_nhap": False,
    }


def with_number(context: dict[str, Any], number: int, date: dt.date) -> dict[str, Any]:
    """Return a copy of a draft `context` with its number and date filled in, ready to issue."""
    issued = dict(context)
    issued.update(number_fields(context["ky_hieu"], context["dia_danh"], number=number, date=date,
                                draft_month=date.month, draft_year=date.year))
    return issued




# -- the whole letter --


class UnitName(str):
    """A unit as written mid-sentence ("phường Nha Trang"), with its parts for clerk texts: `{{ don_vi.ten_rieng }}`.

    Attributes (docs/glossary.md): ten, ten_rieng, loai, ten_hoa, ubnd, ubnd_day_du.
    """

    ten: str
    ten_rieng: str
    loai: str
    ten_hoa: str
    ubnd: str
    ubnd_day_du: str

    def __new__(cls, unit: Unit) -> UnitName:
        in_sentence = unit.in_sentence
        name = super().__new__(cls, in_sentence)
        name.ten = in_sentence
        name.loai = kind = unit.kind
        name.ten_rieng = unit.name[len(kind):].strip() if kind else unit.name
        name.ten_hoa = unit.capitalized
        name.ubnd = f"UBND {in_sentence}"
        name.ubnd_day_du = f"Ủy ban nhân dân {in_sentence}"
        return name

    def __reduce__(self) -> tuple[Any, ...]:
        return str, (str(self),)


def unit_values(unit: Unit, settings: AssessmentSettings) -> dict[str, Any]:
    """Return the placeholders every clerk-written text may use about a unit."""
    return {
        "don_vi": UnitName(unit),
        "nam": settings.year,
        "nam_sau": settings.year + 1,
        "chi_tieu_nam_sau": format_percent(settings.next_year_target, settings.decimals),
        "chi_tieu": format_percent(settings.target, settings.decimals),
    }


def criterion_values(result: CriterionResult, subject: str, base: dict[str, Any], decimals: int,
                     previous: PreviousYear | None = None) -> dict[str, Any]:
    """Return the placeholders of one criterion's texts: score, target, gap, rank, average, change since last year."""
    last = previous.scores.get(result.criterion.code) if previous else None
    return {
        **base,
        "ten": result.criterion.name,
        "doi_tuong": subject,
        "ket_qua": format_percent(result.score, decimals, keep_zeros=True),
        "chi_tieu": format_percent(result.target, decimals),
        "chenh_lech": format_number(abs(result.gap), decimals, keep_zeros=True),
        "xep_hang": f"{result.rank}/{result.rank_of}",
        "trung_binh": format_percent(result.average, decimals, keep_zeros=True),
        "nam_truoc": previous.year if previous else "",
        "ket_qua_nam_truoc": "" if last is None else format_percent(last, decimals, keep_zeros=True),
        "thay_doi": history_phrase(result.score, last, previous, decimals),
    }


@dataclass(frozen=True)
class _CriterionTexts:
    """A criterion's texts for one verdict, and what a letter prints beside them the same in every letter."""

    heading: str  # "Đối với tiêu chí …", "" when the criterion is its table's only one
    remark: str
    directives: tuple[str, ...]
    remark_where: str
    directives_where: str
    says_change: bool  # the texts print {{ thay_doi }} themselves, so no separate sentence about last year


class LetterContexts:
    """Makes the template context of each draft letter of a batch (keys: docs/glossary.md), with its recipients.

    What is the same in every letter (the agency, the signer, the draft number and date, where each text comes
    from) is made once; a clerk's text that names nothing of the unit is filled once (render/texts.py). The parts
    shared between letters are never changed: templates run in an immutable sandbox, `with_number` copies.
    """

    def __init__(self, workspace: Workspace, catalog_source: str, rules: RecipientRules,
                 draft_month: int, draft_year: int) -> None:
        self.workspace = workspace
        self.catalog_source = catalog_source
        self.rules = rules
        where = workspace.config_path
        self._where = {key: f"{where}, van_ban.{key}"
                       for key in ("de_nghi", "chi_dao_chung", "trich_yeu", "can_cu", "mo_dau", "ket_thuc", "dinh_kem")}
        agency = workspace.agency
        self._head: dict[str, Any] = {
            "don_vi_soan_thao": agency.drafting_unit,
            "ky_hieu": agency.symbol,
            "dia_danh": agency.place,
            **number_fields(agency.symbol, agency.place, number=None, date=None,
                            draft_month=draft_month, draft_year=draft_year),
        }
        self._agency = {"chu_quan": agency.parent, "ten": agency.issuer, "viet_tat": agency.issuer_abbreviation,
                        "chu_quan_dong": header_text(agency.parent_typed or agency.parent, bold=False),
                        "ten_dong": header_text(agency.issuer_typed or agency.issuer, bold=True)}
        signer = workspace.signer
        self._signer = {"quyen_han": signer.authority, "chuc_vu": signer.position, "ho_ten": signer.name}
        self._texts: dict[tuple[str, str, str, bool], _CriterionTexts] = {}

    def __call__(self, assessment: UnitAssessment) -> dict[str, Any]:
        """Return the full context of the draft letter to `assessment`'s unit."""
        settings, letter, where = self.workspace.assessment, self.workspace.letter, self._where
        unit = assessment.unit
        base = unit_values(unit, settings)
        short = [t.spec.code for t in assessment.tables if any(not c.meets_target for c in t.criteria)]
        recipients = for_unit(self.rules, unit.name, short, base)
        catalog_source = self.catalog_source

        sections = []
        for number, table in enumerate(assessment.tables, start=1):
            code = table.spec.code
            subject = snippets.fill(table.spec.subject, base, f"{catalog_source}, bảng '{code}', doi_tuong")
            values = {**base, "doi_tuong": subject}
            values["de_nghi"] = snippets.fill(letter.request, values, where["de_nghi"])
            made = self._section(number, table, subject, values)
            made["mo_dau"] = [snippets.fill(p, values, f"{catalog_source}, bảng '{code}', mo_dau")
                              for p in table.spec.opening]
            if not letter.summary_sentence:
                made["tong_quan"] = ""
            made["bieu_do"] = chart_data(table, settings.decimals) if letter.chart else None
            sections.append(made)
        general = []
        for offset, section in enumerate(letter.general_sections, start=len(sections) + 1):
            general.append({
                "so": offset,
                "tieu_de": snippets.fill(section.title, base, where["chi_dao_chung"]),
                "noi_dung": [snippets.fill(p, base, where["chi_dao_chung"]) for p in section.paragraphs],
            })

        name = base["don_vi"]
        subject = snippets.fill(letter.subject, base, where["trich_yeu"])
        return {
            "co_quan": dict(self._agency),
            **self._head,
            "trich_yeu": subject,
            "trich_yeu_dong": keep_together(subject, (name.ten, unit.name, name.ten_hoa)),
            "kinh_gui": list(recipients.addressees),
            "kinh_gui_dong": addressee_lines(recipients.addressees),
            "can_cu": [snippets.fill(p, base, where["can_cu"]) for p in letter.bases],
            "mo_dau": snippets.fill(letter.opening, base, where["mo_dau"]),
            "don_vi": {"ten": name.ten, "ten_hoa": name.ten_hoa, "loai": name.loai, "ubnd": name.ubnd,
                       "ubnd_day_du": name.ubnd_day_du},
            "nam_danh_gia": settings.year,
            "nam_ke_hoach": settings.year + 1,
            "bang": sections,
            "chi_dao_chung": general,
            "ket_thuc": snippets.fill(letter.closing, base, where["ket_thuc"]).rstrip("./"),
            "dinh_kem": snippets.fill(letter.attachment, base, where["dinh_kem"]),
            "noi_nhan": distribution_lines(recipients),
            "ky": dict(self._signer),
        }

    def _criterion_texts(self, table: TableResult, result: CriterionResult, single: bool) -> _CriterionTexts:
        key = (table.spec.code, result.criterion.code, result.verdict, single)
        texts = self._texts.get(key)
        if texts is None:
            criterion, verdict = result.criterion, result.verdict
            where = f"{self.catalog_source}, tiêu chí '{criterion.code}'"
            remark, directives = criterion.remarks[verdict], criterion.directives[verdict]
            texts = self._texts[key] = _CriterionTexts(
                "" if single else f"Đối với tiêu chí {criterion.name}", remark, directives,
                where + f", nhan_xet.{verdict}", where + f", chi_dao.{verdict}",
                any("thay_doi" in text for text in (remark, *directives)))
        return texts

    def _section(self, number: int, table: TableResult, subject: str, base: dict[str, Any]) -> dict[str, Any]:
        settings = self.workspace.assessment
        decimals = settings.decimals
        single = len(table.criteria) == 1
        previous = table.previous
        items = {}
        for result in table.criteria:
            values = criterion_values(result, subject, base, decimals, previous)
            texts = self._criterion_texts(table, result, single)
            last = previous.scores.get(result.criterion.code) if previous else None
            items[result.criterion.code] = {
                "ma": result.criterion.code,
                "ten": result.criterion.name,
                "tieu_de": texts.heading,
                "ket_qua": values["ket_qua"],
                "ket_qua_so": result.score,
                "chi_tieu": values["chi_tieu"],
                "chi_tieu_so": result.target,
                "chenh_lech": values["chenh_lech"],
                "chenh_lech_so": result.gap,
                "ket_luan": result.verdict,
                "ket_luan_chu": VERDICT_WORDS[result.verdict],
                "dat": result.meets_target,
                "xep_hang": values["xep_hang"],
                "trung_binh": values["trung_binh"],
                "nhan_xet": snippets.fill(texts.remark, values, texts.remark_where),
                "chi_dao": [snippets.fill(p, values, texts.directives_where) for p in texts.directives],
                "ket_qua_nam_truoc": values["ket_qua_nam_truoc"],
                "thay_doi": values["thay_doi"],
                "thay_doi_so": None if last is None else round(result.score - last, decimals),
                # printed after nhan_xet, unless the catalog's own texts already say it with {{ thay_doi }}
                "so_sanh": "" if texts.says_change else history_sentence(
                    "kết quả", result.score, last, previous, decimals),
            }
        weaknesses = [items[r.criterion.code] for r in table.weaknesses]
        strengths = [items[r.criterion.code] for r in table.strengths]
        in_catalog_order = [items[r.criterion.code] for r in table.criteria]
        if settings.order == "danh_muc" or single:
            groups = [{"nhan": "", "tieu_de": "", "tieu_chi": in_catalog_order}]
        else:
            present = [(key, crit) for key, crit in (("han_che", weaknesses), ("uu_diem", strengths)) if crit]
            labels = ["a)", "b)"] if len(present) > 1 else [""]
            groups = [{"nhan": label, "tieu_de": GROUP_TITLES[key] if label else "", "tieu_chi": crit}
                      for label, (key, crit) in zip(labels, present, strict=False)]

        overall = format_percent(table.overall, decimals, keep_zeros=True)
        rank = f"{table.overall_rank}/{table.rank_of}"
        average = format_percent(table.overall_average, decimals, keep_zeros=True)
        return {
            "so": number,
            "ma": table.spec.code,
            "ten": table.spec.name,
            "doi_tuong": subject,
            "tieu_de": snippets.fill(table.spec.heading, base,
                                     f"{self.catalog_source}, bảng '{table.spec.code}', tieu_de"),
            "tong_quan": _summary(table, subject, base, overall, rank, average, len(weaknesses), decimals),
            "chi_so": overall,
            "chi_so_so": table.overall,
            "chi_so_chinh_thuc": table.official,
            "xep_hang": rank,
            "trung_binh": average,
            "so_don_vi": table.rank_of,
            "nhom": groups,
            "han_che": weaknesses,
            "uu_diem": strengths,
            "tieu_chi": in_catalog_order,
        }


def chart_data(table: TableResult, decimals: int) -> dict[str, Any] | None:
    """Return the bar chart of a section (render/charts.py) as stored in the context; None for one criterion."""
    if len(table.criteria) < 2:
        return None
    return BarChart(tuple(c.criterion.name for c in table.criteria), tuple(c.score for c in table.criteria),
                    tuple(c.target for c in table.criteria), tuple(c.average for c in table.criteria),
                    decimals).to_dict()


GROUP_TITLES = {
    "han_che": "Những tiêu chí chưa đạt chỉ tiêu, cần khắc phục",
    "uu_diem": "Những tiêu chí đạt, vượt chỉ tiêu, cần tiếp tục phát huy",
}


def _summary(table: TableResult, subject: str, base: dict[str, Any], overall: str, rank: str, average: str,
             weak_count: int, decimals: int) -> str:
    year = base["nam"]
    total = len(table.criteria)
    # A mean computed here is never passed off as the official index the province published.
    computed = "" if table.official else " (bình quân các tiêu chí)"
    opening = (f"Năm {year}, Chỉ số hài lòng chung của {subject}{computed} đạt {overall}, xếp thứ {rank} "
               f"(Chỉ số chung của {table.rank_of} đơn vị là {average}).")
    if total == 1:
        return ""  # the one criterion's own sentence (nhan_xet) already says all of this
    if weak_count == 0:
        counted = f"Cả {total}/{total} tiêu chí đều đạt hoặc vượt chỉ tiêu giao."
    elif weak_count == total:
        counted = f"Cả {total}/{total} tiêu chí đều chưa đạt chỉ tiêu giao."
    else:
        counted = (f"Có {weak_count}/{total} tiêu chí chưa đạt chỉ tiêu giao, "
                   f"{total - weak_count}/{total} tiêu chí đạt hoặc vượt chỉ tiêu.")
    last = table.previous.overall if table.previous else None
    compared = history_sentence("Chỉ số chung", table.overall, last, table.previous, decimals)
    return " ".join(part for part in (opening, counted, compared) if part)


# -- the stored form: each criterion written once --

_BY_CODE = ("han_che", "uu_diem")


def pack(context: dict[str, Any]) -> dict[str, Any]:
    """Return `context` for storing: in each `bang`, `han_che`, `uu_diem` and `nhom[].tieu_chi` hold
    criterion codes instead of copies of the criteria (which JSON would write three times)."""
    packed = dict(context)
    packed["bang"] = []
    for section in context.get("bang", []):
        section = dict(section)
        for key in _BY_CODE:
            section[key] = [c["ma"] for c in section.get(key, [])]
        section["nhom"] = [{**group, "tieu_chi": [c["ma"] for c in group["tieu_chi"]]}
                           for group in section.get("nhom", [])]
        packed["bang"].append(section)
    return packed


def unpack(context: dict[str, Any]) -> dict[str, Any]:
    """Return the template context from its stored form (a context that is not packed comes back as is)."""
    sections = []
    for section in context.get("bang", []):
        by_code = {c["ma"]: c for c in section.get("tieu_chi", [])}

        def full(items: list[Any], by_code: dict[str, Any] = by_code) -> list[Any]:
            return [by_code[item] if isinstance(item, str) else item for item in items]

        section = {**section, **{key: full(section.get(key, [])) for key in _BY_CODE}}
        section["nhom"] = [{**group, "tieu_chi": full(group["tieu_chi"])} for group in section.get("nhom", [])]
        sections.append(section)
    return {**context, "bang": sections} if "bang" in context else dict(context)

