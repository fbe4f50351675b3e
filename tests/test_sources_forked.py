"""The tables of a large workbook read at once, one forked process a sheet (congvan/processes.py), and last year's
workbook read while this year's is (batch/build.py): the same tables, warnings and errors, in the same order, as
when they are read one after another.

Every test of tests/test_sources.py runs here once more with every workbook of two tables read forked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl
import pytest

from congvan import processes
from congvan.batch import build as build_module
from congvan.config import load_workspace
from congvan.errors import DataError
from congvan.processes import ChildFailed, RemoteTraceback, run_in_order
from congvan.sources import results
from congvan.sources.results import load_results
from tests.conftest import standard_sheets, write_workbook
from tests.test_last_year import with_last_year
from tests.test_sources import *  # noqa: F403  (the reading tests and their `catalog` fixture, collected again)
from tests.test_sources import PERCENT


@pytest.fixture(autouse=True)
def _every_workbook_forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Read every workbook of two or more tables in forked processes, whatever its size; record the forks."""
    forks: list[int] = []
    real = processes.run_in_order

    def counted(tasks):
        forks.append(len(tasks))
        return real(tasks)

    monkeypatch.setattr(results, "PARALLEL_FROM_ROWS", 0)
    monkeypatch.setattr(processes, "can_fork", lambda: True)
    monkeypatch.setattr(processes, "run_in_order", counted)
    return forks


def _read(paths: list[Path], catalog, monkeypatch: pytest.MonkeyPatch, *, fork: bool):
    """Read `paths` forked or one sheet after another; return the tables and warnings, or the error's text."""
    monkeypatch.setattr(results, "PARALLEL_FROM_ROWS", 0 if fork else 10**9)
    warnings: list[str] = []
    try:
        return load_results(paths, catalog, warnings=warnings, year=2024), warnings
    except DataError as err:
        return type(err), str(err)


def test_two_large_tables_are_read_by_two_processes_and_small_ones_here(tmp_path, catalog, monkeypatch,
                                                                        _every_workbook_forked):
    path = write_workbook(tmp_path / "kq.xlsx", standard_sheets(), PERCENT)
    rows = 8 + 6  # title, blank, header and five units; header and five units
    monkeypatch.setattr(results, "PARALLEL_FROM_ROWS", rows + 1)
    load_results([path], catalog)
    assert _every_workbook_forked == []
    monkeypatch.setattr(results, "PARALLEL_FROM_ROWS", rows)
    ubnd, tyt = load_results([path], catalog)
    assert _every_workbook_forked == [2]
    assert ubnd.spec is catalog.tables[0] and tyt.spec is catalog.tables[1]  # the catalog's own, not a copy
    assert tyt.scores["Phường Nha Trang"]["chi_so_tyt"] == pytest.approx(76.46)


def test_a_forked_read_gives_the_same_tables_and_warnings_in_the_same_order(tmp_path, catalog, monkeypatch):
    sheets = standard_sheets()
    sheets["UBND cấp xã"] += [["", "KHỐI XÃ"], [9, "Phước Long", 80, 81, 82, 83, 84, 85]]  # group row, bare name
    sheets["Trạm y tế"] += [[9, "Vĩnh Hải", 0.8], [], ["Người lập biểu"]]  # bare name, then a footer
    path = write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)
    serial = _read([path], catalog, monkeypatch, fork=False)
    tables, warnings = _read([path], catalog, monkeypatch, fork=True)
    assert (tables, warnings) == serial
    assert [w.split("'")[1] for w in warnings] == ["UBND cấp xã"] * 3 + ["Trạm y tế"] * 2  # sheet by sheet
    assert "Phước Long" in warnings[0] and "năm 2025" in warnings[1] and "Vĩnh Hải" in warnings[3]


@pytest.mark.parametrize("bad", [("Trạm y tế",), ("UBND cấp xã", "Trạm y tế")], ids=["second", "both"])
def test_an_error_in_a_forked_sheet_reaches_the_user_as_read_in_order(tmp_path, catalog, monkeypatch, bad):
    sheets = standard_sheets()
    for title in bad:
        sheets[title][-1][2] = "N/A"  # the last unit's first score
    path = write_workbook(tmp_path / "kq.xlsx", sheets, PERCENT)
    serial = _read([path], catalog, monkeypatch, fork=False)
    assert serial[0] is DataError and f"sheet '{bad[0]}'" in serial[1] and "'N/A'" in serial[1]
    assert _read([path], catalog, monkeypatch, fork=True) == serial


def _fails() -> None:
    raise ValueError("hỏng")


def test_a_childs_exception_comes_with_its_traceback():
    with pytest.raises(ValueError, match="hỏng") as raised:
        list(run_in_order([lambda: 1, _fails]))
    assert isinstance(raised.value.__cause__, RemoteTraceback) and "_fails" in str(raised.value.__cause__)


def test_a_child_that_dies_is_named():
    with pytest.raises(ChildFailed, match="dừng bất thường"):
        list(run_in_order([lambda: 1, lambda: os._exit(3)]))


def test_children_still_running_are_killed_when_an_earlier_read_fails(tmp_path):
    pid_file = tmp_path / "pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(600)

    def first() -> None:
        while not pid_file.exists():
            time.sleep(0.01)
        _fails()

    with pytest.raises(ValueError):
        list(run_in_order([first, slow]))
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # killed and reaped


def test_results_come_back_in_order_from_other_processes():
    assert list(run_in_order([os.getpid, os.getpid, lambda: "ba"]))[0] == os.getpid()
    first, second, third = run_in_order([os.getpid, os.getpid, lambda: "ba"])
    assert second != first and third == "ba"


# -- last year's workbook read while this year's is read and assessed (batch/build.py) --


def _plan(workspace: Path, monkeypatch: pytest.MonkeyPatch, *, at_once: bool):  # noqa: ANN202
    """The contexts of every letter and the warnings of a plan, or the error's text."""
    monkeypatch.setattr(build_module, "PREVIOUS_AT_ONCE_FROM", 0 if at_once else 10**12)
    try:
        planned = build_module.plan(load_workspace(workspace), build_module.BuildOptions())
    except DataError as err:
        return type(err), str(err)
    return [planned.contexts(letter) for letter in planned.letters], planned.warnings


def test_last_years_tables_read_at_once_give_the_same_letters_and_warnings(workspace, monkeypatch,
                                                                            _every_workbook_forked):
    with_last_year(workspace)
    in_turn = _plan(workspace, monkeypatch, at_once=False)
    _every_workbook_forked.clear()
    assert _plan(workspace, monkeypatch, at_once=True) == in_turn
    assert _every_workbook_forked[0] == 2  # this year's read here, last year's in a forked process
    contexts, _warnings = in_turn
    assert len(contexts) == 5 and any("2024" in str(context) for context in contexts)


@pytest.mark.parametrize("bad", [("2024",), ("2025", "2024")], ids=["last-year", "both"])
def test_an_error_in_last_years_tables_read_at_once_is_the_one_read_in_turn_gives(workspace, monkeypatch, bad):
    with_last_year(workspace)
    for year in bad:
        path = workspace / "data" / f"ket_qua_{year}.xlsx"
        workbook = openpyxl.load_workbook(path)
        workbook["UBND cấp xã"]["C5"] = "N/A"
        workbook.save(path)
    in_turn = _plan(workspace, monkeypatch, at_once=False)
    assert in_turn[0] is DataError and f"ket_qua_{bad[0]}.xlsx" in in_turn[1]  # this year's first
    assert _plan(workspace, monkeypatch, at_once=True) == in_turn
