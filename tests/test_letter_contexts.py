"""Each letter's context, made by one maker for the whole batch: what it keeps from letter to letter (the texts that
name nothing of the unit, the recipient lists, the criteria's texts) never carries one unit's words into another's
letter, and the quick tidying of filled texts gives exactly what the regular expression gave."""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congvan.batch.build import BuildOptions, plan
from congvan.config import load_workspace
from congvan.errors import CongvanError
from congvan.letter.context import LetterContexts, unit_values
from congvan.models import Unit
from congvan.recipients.rules import load_workspace_rules
from congvan.render import texts as snippets
from congvan.vn import squash, squash_uncached
from tests.conftest import UNITS

_SPACES = re.compile(r"\s+")


def regex_squash(text: str) -> str:
    """How `squash` tidied a text before (NFC, then runs of \\s made one space, then trimmed)."""
    import unicodedata

    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def with_unit_texts(workspace: Path) -> Path:
    """Make the letter-wide texts name the unit too, so that every kind of text is per unit somewhere."""
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('dinh_kem = "Đính kèm', 'dinh_kem = "Gửi {{ don_vi.ten_hoa }}: Đính kèm', 1)
    text = text.replace('tieu_de = "Tổ chức thực hiện', 'tieu_de = "{{ don_vi.ubnd }} tổ chức thực hiện', 1)
    config.write_text(text, encoding="utf-8")
    (workspace / "recipients" / "bo_sung.csv").write_text(
        "Đơn vị,Kính gửi,Nơi nhận\nXã Cam Lâm,Công an {{ don_vi }},Đảng ủy {{ don_vi }} (để biết)\n", encoding="utf-8")
    return workspace


def contexts_one_maker(workspace: Path) -> dict[str, str]:
    planned = plan(load_workspace(workspace), BuildOptions())
    return {letter.unit: json.dumps(planned.contexts(letter), ensure_ascii=False) for letter in planned.letters}


def test_one_maker_for_the_batch_gives_each_letter_what_a_maker_of_its_own_gives(workspace):
    with_unit_texts(workspace)
    together = contexts_one_maker(workspace)
    planned = plan(load_workspace(workspace), BuildOptions())
    for letter in reversed(planned.letters):  # another order, and each letter by a maker that made nothing before
        alone = LetterContexts(planned.contexts.workspace, planned.contexts.catalog_source,
                               load_workspace_rules(planned.contexts.workspace, ["ubnd_xa", "tram_y_te"], list(UNITS)),
                               planned.contexts.today.month, planned.contexts.today.year)
        assert json.dumps(alone(letter.assessment), ensure_ascii=False) == together[letter.unit], letter.unit
    cam_lam, nha_trang = json.loads(together["Xã Cam Lâm"]), json.loads(together["Phường Nha Trang"])
    assert cam_lam["dinh_kem"].startswith("Gửi Xã Cam Lâm: ") and nha_trang["dinh_kem"].startswith("Gửi Phường Nha")
    assert cam_lam["chi_dao_chung"][0]["tieu_de"].startswith("UBND xã Cam Lâm ")
    assert "Công an xã Cam Lâm" in cam_lam["kinh_gui"] and not any("Công an" in r for r in nha_trang["kinh_gui"])
    assert "Đảng ủy xã Cam Lâm (để biết);" in cam_lam["noi_nhan"]
    assert all("Cam Lâm" not in text for text in together["Phường Nha Trang"].split('"'))


def test_the_maker_travels_to_a_spawned_worker_with_what_it_made(workspace):
    planned = plan(load_workspace(workspace), BuildOptions())
    first = planned.contexts(planned.letters[0])  # the maker now holds the batch-wide parts
    copy = pickle.loads(pickle.dumps(planned.contexts))
    assert [copy(letter) for letter in planned.letters[:2]] == [first, planned.contexts(planned.letters[1])]


def test_a_broken_text_of_a_later_letter_still_stops_the_batch_naming_its_place(workspace):
    catalog = workspace / "data" / "tieu_chi.toml"
    text = catalog.read_text(encoding="utf-8")
    # Điều kiện tiếp đón: only Phường Cam Ranh, the second letter, is exactly on target ("dat")
    start = 'dat = [\n    "Đề nghị {{ doi_tuong }} tiếp tục phát huy kết quả đạt được; rà soát, bổ sung'
    broken = text.replace(start, start.replace("doi_tuong", "doi_tuong_sai"), 1)
    assert broken != text
    catalog.write_text(broken, encoding="utf-8")
    with pytest.raises(CongvanError) as err:
        contexts_one_maker(workspace)
    message = str(err.value)
    assert "tiêu chí 'tiep_don', chi_dao.dat" in message and "doi_tuong_sai" in message
    assert "thư gửi 'Phường Cam Ranh'" in message


def test_a_text_naming_the_unit_is_filled_for_each_of_many_units():
    text = "Đề nghị Ủy ban nhân dân {{ don_vi }} báo cáo trước năm {{ nam_sau }}."
    plain = "Năm {{ nam }} và {{ nam_sau }}"
    settings = load_workspace(Path(__file__).resolve().parent.parent).assessment
    for number in range(300):  # more units than a text keeps results for
        values = unit_values(Unit(f"Phường Số {number}"), settings)
        assert snippets.fill(text, values, "x") == (f"Đề nghị Ủy ban nhân dân phường Số {number} báo cáo trước năm "
                                                    f"{settings.year + 1}.")
        assert snippets.fill(plain, values, "x") == f"Năm {settings.year} và {settings.year + 1}"


def test_every_white_space_but_the_space_is_unprintable():
    """What lets `squash_uncached` keep a printable text with single inner spaces as it is."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]
    assert all(_SPACES.fullmatch(c) for c in spaces)  # and re's \s is the same set as str.split()'s
    assert not any(_SPACES.fullmatch(chr(c)) for c in range(sys.maxunicode + 1) if not chr(c).isspace())


PIECES = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff", "\u0301", "\u0323",
                          "e", "ê", "Ủy", "ban", "%", "{", ".", "\x00", "\u2028", "\x85"])


@given(st.lists(PIECES, max_size=12).map("".join))
def test_squash_uncached_is_the_regular_expression_tidying(text):
    assert squash_uncached(text) == regex_squash(text) == squash(text)


@pytest.mark.parametrize("text", ["", " ", "a  b", " a", "a ", "a\u00a0b", "e\u0301", "Ủy ban nhân dân tỉnh"])
def test_squash_uncached_examples(text):
    assert squash_uncached(text) == regex_squash(text)
