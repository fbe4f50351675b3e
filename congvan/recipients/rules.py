"""Kính gửi and Nơi nhận of each letter, from the named lists in recipients/ (docs/recipients.md).

The defaults come from `[nguoi_nhan]` in congvan.toml (`kinh_gui`, `noi_nhan`: list names). A unit's letter
gets those lists, the additions for tables where it falls short (`[khi_chua_dat.<bảng>]`) and its own
rows of bo_sung.csv; placeholders are filled with the unit's fields; duplicates are dropped with a warning;
then the NĐ 30 punctuation is applied (§3.6 Kính gửi, §3.10 Nơi nhận).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from congvan import vn
from congvan.config import RecipientSettings, Workspace
from congvan.errors import DataError
from congvan.models import unit_key
from congvan.recipients.files import Entry, ListFiles, NamedList, read_folder
from congvan.render import texts as snippets

# Notes written after a recipient in practice, in their usual spelling.
NOTES = {"b/c": "b/c", "để b/c": "để b/c", "báo cáo": "báo cáo", "để báo cáo": "để báo cáo",
         "p/h": "p/h", "để p/h": "để p/h", "phối hợp": "phối hợp", "để phối hợp": "để phối hợp",
         "t/h": "t/h", "để t/h": "để t/h", "thực hiện": "thực hiện", "để thực hiện": "để thực hiện",
         "để biết": "để biết", "chỉ đạo": "chỉ đạo", "để chỉ đạo": "để chỉ đạo", "vbđt": "VBĐT"}
_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class RecipientRules:
    """The named lists and additions of a workspace, and which lists a letter uses by default."""

    files: ListFiles
    settings: RecipientSettings
    warnings: list[str] = field(default_factory=list, hash=False, compare=False)
    # the default lists and additions with their "@name" includes expanded, made by the first letter (for_unit)
    expanded: dict[tuple[str, ...], tuple[Entry, ...]] = field(default_factory=dict, hash=False, compare=False,
                                                               repr=False)

    @property
    def lists(self) -> dict[str, NamedList]:
        return self.files.lists


@dataclass(frozen=True)
class Recipients:
    """The filled-in recipients of one letter."""

    addressees: tuple[str, ...]
    distribution: tuple[str, ...]
    archive: str
    archive_copies: int


def load_rules(folder: Path, known_tables: Iterable[str], known_units: Iterable[str] | None,
               settings: RecipientSettings | None = None) -> RecipientRules:
    """Read recipients/ and check every list: names, includes (no cycle, none missing), the default lists."""
    settings = settings or RecipientSettings("kinh-gui", "noi-nhan", "VT", 2, "danh_sach")
    rules = RecipientRules(read_folder(folder, known_tables, known_units), settings)
    for named in rules.lists.values():
        expand(rules, named.entries, (named.name,))
    for side in (*rules.files.when_short.values(), *rules.files.per_unit.values()):
        for entries in side:
            expand(rules, entries, ())
    for name, key in ((settings.addressees_list, "kinh_gui"), (settings.distribution_list, "noi_nhan")):
        find_list(rules, name, f"congvan.toml [nguoi_nhan] {key} (hoặc --{key.replace('_', '-')})")
    return rules


def load_workspace_rules(workspace: Workspace, known_tables: Iterable[str], known_units: Iterable[str] | None
                         ) -> RecipientRules:
    """Read the recipient lists of `workspace` with its `[nguoi_nhan]` settings."""
    return load_rules(workspace.recipients_dir, known_tables, known_units, workspace.recipients)


def with_lists(workspace: Workspace, addressees: str | None = None, distribution: str | None = None) -> Workspace:
    """Return `workspace` using other named lists for Kính gửi / Nơi nhận (`build --kinh-gui/--noi-nhan`)."""
    settings = workspace.recipients
    settings = replace(settings, addressees_list=addressees or settings.addressees_list,
                       distribution_list=distribution or settings.distribution_list)
    return replace(workspace, recipients=settings)


def find_list(rules: RecipientRules, name: str, where: str) -> NamedList:
    """Return the list called `name`, or raise naming `where` it was asked for and the names that exist."""
    if name in rules.lists:
        return rules.lists[name]
    close = get_close_matches(name, list(rules.lists), n=1)
    hint = f" Có phải '{close[0]}'?" if close else ""
    raise DataError(f"không có danh sách '{name}'.{hint} Các danh sách: {', '.join(sorted(rules.lists))}.", where)


def expand(rules: RecipientRules, entries: Sequence[Entry], chain: tuple[str, ...]) -> list[Entry]:
    """Return `entries` with every "@name" replaced by that list's entries, depth first; refuse cycles."""
    result = []
    for entry in entries:
        name = entry.include
        if name is None:
            result.append(entry)
            continue
        if name in chain:
            loop = " → ".join((*chain[chain.index(name):], name))
            raise DataError(f"danh sách chèn vòng tròn: {loop}.", entry.where)
        result += expand(rules, find_list(rules, name, entry.where).entries, (*chain, name))
    return result


def resolve(rules: RecipientRules, entries: Sequence[Entry], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (text, where) of every recipient of `entries`, includes expanded and placeholders filled.

    An entry that fills to nothing (a condition such as `{% if don_vi.loai == "xã" %}…{% endif %}`) is left out.
    """
    return _filled(expand(rules, entries, ()), values)


def _filled(entries: Iterable[Entry], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    filled = [(snippets.fill(e.text, values, e.where), e.where) for e in entries]
    return [(text, where) for text, where in filled if text]


def for_unit(rules: RecipientRules, unit_name: str, short_tables: Iterable[str],
             values: Mapping[str, Any]) -> Recipients:
    """Return the recipients of one unit's letter: default lists, additions, names filled in, deduplicated."""
    settings = rules.settings
    to_entries = [*_expanded(rules, ("danh_sach", settings.addressees_list),
                             rules.lists[settings.addressees_list].entries)]
    cc_entries = [*_expanded(rules, ("danh_sach", settings.distribution_list),
                             rules.lists[settings.distribution_list].entries)]
    for table in short_tables:
        extra_to, extra_cc = rules.files.when_short.get(table, ((), ()))
        to_entries += _expanded(rules, ("khi_chua_dat", table, "kinh_gui"), extra_to)
        cc_entries += _expanded(rules, ("khi_chua_dat", table, "noi_nhan"), extra_cc)
    if rules.files.per_unit:
        extra_to, extra_cc = rules.files.per_unit.get(unit_key(unit_name), ((), ()))
        to_entries += expand(rules, extra_to, ())
        cc_entries += expand(rules, extra_cc, ())

    letter = f"thư gửi '{unit_name}'"
    addressees = _unique(_filled(to_entries, values), "Kính gửi", letter, rules.warnings)
    distribution = _unique(_filled(cc_entries, values), "Nơi nhận", letter, rules.warnings,
                           covered={_key(a) for a in addressees})
    if settings.order == "abc":
        addressees = sorted(addressees, key=vn.sort_key)
        distribution = sorted(distribution, key=vn.sort_key)
    return Recipients(tuple(addressees), tuple(distribution), settings.archive, settings.archive_copies)


def _expanded(rules: RecipientRules, key: tuple[str, ...], entries: Sequence[Entry]) -> tuple[Entry, ...]:
    """`expand(rules, entries, ())` for a list every letter may use, made once and kept by `key`."""
    done = rules.expanded.get(key)
    if done is None:
        done = rules.expanded[key] = tuple(expand(rules, entries, ()))
    return done


def for_letter(rules: RecipientRules, addressees: Sequence[Entry], distribution: Sequence[Entry],
               values: Mapping[str, Any], letter: str, archive: str = "") -> Recipients:
    """Return the recipients of a composed letter: its own entries ("@name" lists expanded), filled and
    deduplicated; `archive` ("VT, NV (02b)") replaces the workspace's Lưu line and its count."""
    addressees_text = _unique(resolve(rules, addressees, values), "Kính gửi", letter, rules.warnings)
    distribution_text = _unique(resolve(rules, distribution, values), "Nơi nhận", letter, rules.warnings,
                                covered={_key(a) for a in addressees_text})
    settings = rules.settings
    if archive:
        return Recipients(tuple(addressees_text), tuple(distribution_text), archive, 0)
    return Recipients(tuple(addressees_text), tuple(distribution_text), settings.archive, settings.archive_copies)


def addressee_lines(addressees: Sequence[str]) -> list[str]:
    """Return Kính gửi as printed: one addressee on its own; several as "- A;" … "- B."."""
    names = [_bare(a) for a in addressees]
    if len(names) <= 1:
        return names
    return [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."]


def distribution_lines(recipients: Recipients) -> list[str]:
    """Return the Nơi nhận items (without the leading "- "): "Như trên;" first, "Lưu: VT, … (02b)." last.

    A first item of its own "Như …" ("Như trên (VBĐT)", "Như Điều 3") takes the place of "Như trên;"."""
    own = bool(recipients.distribution) and vn.fold(recipients.distribution[0]).startswith("như ")
    lines = ["Như trên;"] if recipients.addressees and not own else []
    lines += [f"{_bare(item)};" for item in recipients.distribution]
    copies = f" ({recipients.archive_copies:02d}b)" if recipients.archive_copies else ""
    lines.append(f"Lưu: {recipients.archive.rstrip('.;')}{copies}.")
    return lines


def split_notes(text: str) -> tuple[str, tuple[str, ...]]:
    """Split the practice notes off a recipient: "UBND tỉnh (b/c)" -> ("UBND tỉnh", ("b/c",))."""
    notes: list[str] = []
    while match := _NOTE.search(text):
        note = NOTES.get(vn.fold(match.group(1)).replace(" / ", "/"))
        if note is None:
            break
        notes.insert(0, note)
        text = text[:match.start()]
    return text.strip(), tuple(notes)


def join_notes(name: str, notes: Sequence[str]) -> str:
    """Return `name` followed by its notes: "UBND tỉnh (b/c) (VBĐT)"."""
    return " ".join([name, *(f"({n})" for n in notes)])


# -- helpers --


def _bare(text: str) -> str:
    """Return a recipient without a leading dash or trailing ";" "." that a secretary may have typed."""
    return text.strip().lstrip("-–").strip().rstrip(";.").strip()


@functools.lru_cache(maxsize=4096)  # the same lists' recipients in every letter of a batch
def _parsed(text: str) -> tuple[str, tuple[str, ...], str]:
    """Return a recipient's name, its notes and the key it is told apart by."""
    name, notes = split_notes(_bare(text))
    return name, notes, vn.fold(name)


def _key(text: str) -> str:
    return _parsed(text)[2]


def _unique(items: Sequence[tuple[str, str]], side: str, letter: str, warnings: list[str],
            covered: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Drop repeated recipients (case, spaces and Unicode form ignored), merging their notes; warn once each."""
    kept: dict[str, tuple[str, tuple[str, ...]]] = {}
    for text, where in items:
        name, notes, key = _parsed(text)
        if key in covered:
            _warn(warnings, f"{where}: {side} của {letter}: bỏ '{text}' vì đã có ở Kính gửi (\"Như trên\").")
            continue
        if key in kept:
            first, first_notes = kept[key]
            _warn(warnings, f"{where}: {side} của {letter}: bỏ '{text}' trùng với '{join_notes(first, first_notes)}'.")
            kept[key] = (first, first_notes + tuple(n for n in notes if n not in first_notes))
            continue
        kept[key] = (name, notes)
    return [join_notes(name, notes) for name, notes in kept.values()]


def _warn(warnings: list[str], message: str) -> None:
    if message not in warnings:
        warnings.append(message)
