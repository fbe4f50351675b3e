"""Verdicts, gaps, ranks (with ties), table averages, weaknesses weakest first, missing units."""

from __future__ import annotations

import pytest

from congvan.config import AssessmentSettings
from congvan.errors import DataError
from congvan.letter.assessment import assess, competition_ranks, verdict
from congvan.models import Criterion, ResultTable, TableSpec


def settings(**changes) -> AssessmentSettings:
    values = dict(year=2025, target=83.0, next_year_target=85.0, criterion_targets={}, very_low_margin=10.0,
                  decimals=2, order="nhom", missing_unit="loi")
    values.update(changes)
    return AssessmentSettings(**values)


def criterion(code: str, target: float | None = None) -> Criterion:
    return Criterion(code=code, name=code, headers=(code,), target=target, directives={}, remarks={})


SPEC = TableSpec(code="ubnd_xa", name="UBND cấp xã", subject="UBND {{ don_vi }}", heading="", unit_headers=("Đơn vị",),
                 criteria=(criterion("a"), criterion("b"), criterion("c")))
TABLE = ResultTable(spec=SPEC, source="kq.xlsx, sheet 'UBND cấp xã'", scores={
    "Phường A": {"a": 70.0, "b": 83.0, "c": 90.0},
    "Phường B": {"a": 90.0, "b": 80.0, "c": 72.5},
    "Xã C": {"a": 90.0, "b": 85.0, "c": 88.0},
}, rows={"Phường A": 2, "Phường B": 3, "Xã C": 4})
HEALTH_SPEC = TableSpec(code="tram_y_te", name="Trạm y tế", subject="", heading="", unit_headers=("Đơn vị",),
                        criteria=(criterion("tyt"),))
HEALTH = ResultTable(spec=HEALTH_SPEC, source="kq.xlsx, sheet 'Trạm y tế'",
                     scores={"Phường A": {"tyt": 76.46}, "Xã C": {"tyt": 88.0}}, rows={})


@pytest.mark.parametrize("gap, expected", [
    (0.01, "vuot"), (0.0, "dat"), (-0.01, "chua_dat"), (-10.0, "chua_dat"), (-10.01, "rat_thap"),
])
def test_verdict_boundaries(gap, expected):
    assert verdict(gap, very_low_margin=10.0) == expected


def test_competition_ranks_share_ties():
    assert competition_ranks([90.0, 80.0, 90.0, 70.0]) == [1, 3, 1, 4]


def test_per_criterion_gap_verdict_rank_and_average():
    (a, b, c) = assess([TABLE], ["Phường A", "Phường B", "Xã C"], settings())
    first = a.tables[0].criteria
    assert [r.verdict for r in first] == ["rat_thap", "dat", "vuot"]
    assert first[0].gap == -13.0 and first[0].rank == 3 and first[0].rank_of == 3
    assert first[0].average == pytest.approx(83.33)
    # a tie at 90 on criterion a: B and C share rank 1
    assert b.tables[0].criteria[0].rank == 1 and c.tables[0].criteria[0].rank == 1
    # overall = mean of criteria; table average = mean of overall
    assert a.tables[0].overall == pytest.approx(81.0)
    assert a.tables[0].overall_average == pytest.approx((81.0 + 80.83 + 87.67) / 3, abs=0.01)
    assert c.tables[0].overall_rank == 1


def test_weaknesses_weakest_first_and_strengths():
    (_, b, c) = assess([TABLE], ["Phường A", "Phường B", "Xã C"], settings())
    assert [r.criterion.code for r in b.tables[0].weaknesses] == ["c", "b"]  # -10.5 before -3.0
    assert [r.criterion.code for r in b.tables[0].strengths] == ["a"]
    assert c.tables[0].weaknesses == ()


def test_per_criterion_target_from_config_beats_catalog():
    spec = TableSpec(code="t", name="T", subject="", heading="", unit_headers=("Đơn vị",),
                     criteria=(criterion("a", target=70.0), criterion("b", target=70.0)))
    table = ResultTable(spec=spec, source="", scores={"X": {"a": 75.0, "b": 75.0}}, rows={})
    (x,) = assess([table], ["X"], settings(criterion_targets={"b": 80.0}))
    assert [(r.target, r.verdict) for r in x.tables[0].criteria] == [(70.0, "vuot"), (80.0, "chua_dat")]


def test_unit_missing_from_a_table_is_an_error_naming_it():
    with pytest.raises(DataError, match="'Phường B' không có trong kq.xlsx, sheet 'Trạm y tế'"):
        assess([TABLE, HEALTH], ["Phường A", "Phường B", "Xã C"], settings())


def test_unit_missing_from_a_table_can_be_skipped():
    results = assess([TABLE, HEALTH], ["Phường A", "Phường B"], settings(missing_unit="bo_qua"))
    assert [len(r.tables) for r in results] == [2, 1]
    assert results[1].missing_from == ("Trạm y tế",)



def test_assessments_are_columns_each_unit_made_when_asked():
    """A batch's assessments are kept as numbers by table; the same `UnitAssessment` comes back at every ask, by
    index, negative index or slice, and the missing units are listed without making any."""
    result = assess([TABLE, HEALTH], ["Phường A", "Phường B", "Xã C"], settings(missing_unit="bo_qua"))
    assert len(result) == 3 and result.names() == ["Phường A", "Phường B", "Xã C"]
    assert result[1] == result[1] and result[-1] == result[2] and result[0:2] == [result[0], result[1]]
    assert result[1].missing_from == ("Trạm y tế",) and result.missing() == [("Phường B", ("Trạm y tế",))]
    assert [a.unit.name for a in result] == result.names()
    (tyt,) = result[0].tables[1].criteria
    assert (tyt.score, tyt.gap, tyt.verdict, tyt.rank, tyt.rank_of) == (76.46, -6.54, "chua_dat", 2, 2)


def test_a_large_batch_is_held_compactly():
    """20,000 units' judged figures take a fraction of the memory of their objects, and ship as such."""
    import pickle
    import random
    import tracemalloc

    rng = random.Random(3)
    names = [f"Phường {i:05d}" for i in range(20_000)]
    table = ResultTable(spec=SPEC, source="kq.xlsx", scores={n: {c: round(rng.uniform(60, 95), 2) for c in "abc"}
                                                             for n in names}, rows={})
    assess([table], names, settings())  # the unit keys cached, as the results reader leaves them
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = assess([table], names, settings())
        held = tracemalloc.get_traced_memory()[0] - start
        objects = list(result)
        as_objects = tracemalloc.get_traced_memory()[0] - start - held
    finally:
        tracemalloc.stop()
    assert held < as_objects / 4, (held, as_objects)
    assert pickle.loads(pickle.dumps(result))[12_345] == objects[12_345] == result[12_345]
