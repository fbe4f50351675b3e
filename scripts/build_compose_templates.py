"""Build templates_docx/<type>.docx, the templates of `congvan compose` (one-off letters), one per NĐ 30 type.

Run `python scripts/build_compose_templates.py [OUTDIR]`. Page, styles, header table, page numbers and the
pruned package come from scripts/build_template.py (the batch letter's template), so both look alike. The
body is the composed blocks, placed by `{{p noi_dung|khoi_van_ban }}` (congvan/render/blocks.py). Layouts
follow docs/nd30.md and NĐ 30 Phụ lục III: a công văn has "V/v" under "Số:" and Kính gửi; the other types
their name and trích yếu centred in bold under the header with a short rule; a quyết định (cá biệt) adds
the authority line, Căn cứ and "QUYẾT ĐỊNH:". Each [[phu_luc]] starts a page of its own after the letter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import build_template as base
from docx.document import Document
from docx.shared import Twips

from congvan.compose.letter import TEMPLATE_FILES

OUTPUT = base.ROOT / "templates_docx"
TITLE_RULE = 2268  # 4 cm: the rule under a type's trích yếu (1/3-1/2 of a usual line)


def title_rule(document: Document) -> None:
    """A short centred rule under the trích yếu (ô 5a)."""
    paragraph = base.add_paragraph(document, style=base.CENTER, after=6)
    base.centred_indents(paragraph, base.TEXT_WIDTH, TITLE_RULE)
    base.bottom_rule(paragraph)


def build_title(document: Document, kind: str) -> None:
    """Ô 5a: the type name, the trích yếu under it, a short rule; a quyết định's authority line after."""
    base.add_paragraph(document, "{{ ten_loai }}", base.CENTER, size=14, bold=True, before=18, keep_next=True)
    base.add_paragraph(document, "{{ trich_yeu }}", base.CENTER, size=14, bold=True, keep_next=True)
    title_rule(document)
    if kind == "quyết định":
        base.add_tag(document, "{%p if tham_quyen %}")
        base.add_paragraph(document, "{{ tham_quyen }}", base.CENTER, size=14, bold=True, before=6, after=12)
        base.add_tag(document, "{%p endif %}")


def build_body(document: Document, kind: str) -> None:
    """Căn cứ (italic), the composed body, the attachment note."""
    base.add_tag(document, "{%p for d in can_cu %}")
    base.add_paragraph(document, "{{ d }}", italic=True)
    base.add_tag(document, "{%p endfor %}")
    if kind == "quyết định":
        base.add_paragraph(document, "QUYẾT ĐỊNH:", base.CENTER, size=14, bold=True, before=6, after=6,
                           keep_next=True)
    base.add_tag(document, "{{p noi_dung|khoi_van_ban }}")
    base.add_tag(document, "{%p if dinh_kem %}")
    base.add_paragraph(document, "({{ dinh_kem }})", italic=True, keep_next=True)
    base.add_tag(document, "{%p endif %}")


def build_signature(document: Document) -> None:
    """Ô 9b beside ô 7: "Nơi nhận:" (with "(VBĐT)" when sent electronically) and the signature block."""
    table = base.layout_table(document, 1, (base.SIGN_LEFT, base.SIGN_RIGHT), top=120)
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    heading = base.add_paragraph(recipients, "Nơi nhận:", base.LEFT, size=12, bold=True, italic=True)
    base.add_run(heading, "{% if vbdt %} (VBĐT){% endif %}", size=12, bold=True, italic=True)
    base.add_tag(recipients, "{%p for d in noi_nhan %}")
    base.add_paragraph(recipients, "- {{ d }}", base.LEFT, size=11)
    base.add_tag(recipients, "{%p endfor %}")
    base.add_tag(signer, "{%p if ky.quyen_han %}")
    base.add_paragraph(signer, "{{ ky.quyen_han }}", base.CENTER, size=14, bold=True)
    base.add_tag(signer, "{%p endif %}")
    base.add_paragraph(signer, "{{ ky.chuc_vu }}", base.CENTER, size=14, bold=True)
    name = base.add_paragraph(signer, "{{ ky.ho_ten }}", base.CENTER, size=14, bold=True)
    name.paragraph_format.space_before = Twips(base.SIGNATURE_GAP)
    for cell in (recipients, signer):
        base.drop_first_paragraph(cell)


def build_attachments(document: Document) -> None:
    """Each [[phu_luc]] on a new page: "Phụ lục I" + title + "(Kèm theo …)", or an attached document's
    type name + title + rule and, after its body, the agency's closing line (NĐ 30 §3.11)."""
    base.add_tag(document, "{%p for pl in phu_luc %}")
    base.add_tag(document, "{%p if pl.kieu == \"phu_luc\" %}")
    label = base.add_paragraph(document, "{{ pl.nhan }}", base.CENTER, size=14, bold=True, keep_next=True)
    label.paragraph_format.page_break_before = True
    base.add_paragraph(document, "{{ pl.tieu_de }}", base.CENTER, size=14, bold=True, keep_next=True)
    base.add_paragraph(document, "(Kèm theo {{ loai }} số {{ so_ky_hieu }} {{ ngay_thang_nam }})", base.CENTER,
                       size=14, italic=True, after=12, keep_next=True)
    base.add_tag(document, "{%p else %}")
    kind = base.add_paragraph(document, "{{ pl.loai }}", base.CENTER, size=14, bold=True, keep_next=True)
    kind.paragraph_format.page_break_before = True
    base.add_paragraph(document, "{{ pl.tieu_de }}", base.CENTER, size=14, bold=True, keep_next=True)
    title_rule(document)
    base.add_tag(document, "{%p endif %}")
    base.add_tag(document, "{{p pl.noi_dung|khoi_van_ban }}")
    base.add_tag(document, "{%p if pl.kieu != \"phu_luc\" %}")
    closing = base.add_paragraph(document, "{{ pl.ky }}", base.CENTER, size=14, bold=True, before=12)
    closing.paragraph_format.left_indent = Twips(base.SIGN_LEFT)
    base.add_tag(document, "{%p endif %}")
    base.add_tag(document, "{%p endfor %}")


def build_document(kind: str) -> Document:
    """Return the template of `kind` as a python-docx Document."""
    document = base.docx.Document()
    base.prune_package(document)
    body = document.element.body
    for child in list(body):
        if child.tag != base.qn("w:sectPr"):
            body.remove(child)
    base.set_page(document)
    base.build_header(document, subject=kind == "công văn")
    if kind != "công văn":
        build_title(document, kind)
    if kind != "quyết định":
        base.build_addressees(document)
    build_body(document, kind)
    build_signature(document)
    build_attachments(document)
    base.build_page_numbers(document)
    base.set_properties(document)
    props = document.core_properties
    props.title = f"Mẫu {kind} (congvan compose)"
    props.keywords = f"{kind}; Nghị định 30/2020/NĐ-CP"
    props.comments = "Tạo bằng scripts/build_compose_templates.py; cách viết nội dung: docs/compose.md."
    return document


def build_bytes(kind: str) -> bytes:
    """Return the .docx bytes of `kind`'s template (reproducible: fixed dates, zip order and timestamps)."""
    return base.reproducible_zip(build_document(kind))


def main(argv: list[str]) -> int:
    """Write the seven templates into argv[0] or templates_docx/."""
    folder = Path(argv[0]) if argv else OUTPUT
    folder.mkdir(parents=True, exist_ok=True)
    for kind, name in TEMPLATE_FILES.items():
        (folder / name).write_bytes(build_bytes(kind))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
