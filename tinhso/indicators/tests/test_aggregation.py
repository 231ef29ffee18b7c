"""Aggregation of data values over time and space, as reported and restated."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.directory.queries import restate
from tinhso.indicators.aggregation import (
    Aggregator,
    aggregate_space,
    aggregate_time,
    element_value,
    indicator_value,
)
from tinhso.indicators.models import DataElement, DataValue, Indicator, dimension_key
from tinhso.indicators.periods import Period

P = Period.parse
REFORM = datetime.date(2025, 7, 1)
AS_OF = datetime.date(2026, 1, 1)
Q1 = P("2024Q1")


def months(*pairs: tuple[str, float]) -> list[tuple[Period, float]]:
    return [(P(code), value) for code, value in pairs]


# -- pure rules ------------------------------------------------------------------------------

SERIES = months(("202401", 10), ("202402", 20), ("202403", 60), ("202404", 1000))


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", 90), ("average", 30), ("last", 60), ("min", 10), ("max", 60), ("none", None)],
)
def test_aggregate_time_combines_the_months_of_a_quarter(how: str, expected: float) -> None:
    assert aggregate_time(SERIES, Q1, how) == expected


@pytest.mark.parametrize("how", ["sum", "average", "last", "min", "max", "none"])
def test_aggregate_time_prefers_a_value_for_exactly_the_period(how: str) -> None:
    assert aggregate_time([*SERIES, (Q1, 99.0)], Q1, how) == 99


def test_aggregate_time_last_is_the_latest_period_whatever_the_order() -> None:
    shuffled = months(("202403", 7), ("202401", 5), ("202402", 6))
    assert aggregate_time(shuffled, Q1, "last") == 7


def test_aggregate_time_uses_one_period_type_only() -> None:
    mixed = months(("2024Q1", 90), ("2024Q2", 30), ("202401", 10))
    assert aggregate_time(mixed, P("2024"), "sum") == 120
    assert aggregate_time([], P("2024"), "sum") is None
    with pytest.raises(ValueError, match="invalid aggregation"):
        aggregate_time(SERIES, Q1, "median")


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", 90), ("average", 30), ("min", 10), ("max", 60), ("last", None), ("none", None)],
)
def test_aggregate_space(how: str, expected: float | None) -> None:
    assert aggregate_space([10, 20, 60], how) == expected


def test_aggregate_space_last_and_none_take_a_single_value() -> None:
    assert aggregate_space([5], "last") == 5
    assert aggregate_space([5], "none") == 5
    assert aggregate_space([], "sum") is None


# -- a small tree: province > district > 3 communes, reorganised on 01/07/2025 ---------------


def unit(code: str, level: int, parent: AdministrativeUnit | None, **dates: Any) -> Any:
    return AdministrativeUnit.objects.create(
        code=code,
        name=f"Unit {code}",
        type={1: "tinh", 2: "huyen", 3: "xa"}[level],
        level=level,
        parent=parent,
        valid_from=dates.get("valid_from", datetime.date(2020, 1, 1)),
        valid_to=dates.get("valid_to"),
    )


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    province = unit("24", 1, None)
    district = unit("213", 2, province, valid_to=REFORM - datetime.timedelta(days=1))
    old = {
        name: unit(code, 3, district, valid_to=REFORM - datetime.timedelta(days=1))
        for name, code in (("c1", "07201"), ("c2", "07202"), ("c3", "07203"))
    }
    new = {
        name: unit(code, 3, province, valid_from=REFORM)
        for name, code in (("n", "07301"), ("n1", "07302"), ("n2", "07303"))
    }
    for predecessor, successor, weight in (
        ("c1", "n", "1"),
        ("c2", "n", "1"),
        ("c3", "n1", "0.6"),
        ("c3", "n2", "0.4"),
    ):
        UnitSuccession.objects.create(
            predecessor=old[predecessor],
            successor=new[successor],
            effective_date=REFORM,
            kind="merge" if weight == "1" else "split",
            weight=Decimal(weight),
        )
    return {"province": province, "district": district, **old, **new}


def element(code: str, time: str = "sum", space: str = "sum") -> DataElement:
    return DataElement.objects.create(
        code=code,
        name=code,
        value_type="number",
        aggregation_time=time,
        aggregation_space=space,
    )


def put(
    data_element: DataElement,
    where: AdministrativeUnit,
    period: str,
    value: float,
    dims: dict[str, str] | None = None,
) -> None:
    DataValue.objects.create(
        data_element=data_element,
        unit=where,
        period=period,
        dimensions=dims or {},
        dimension_key=dimension_key(dims or {}),
        value=Decimal(str(value)),
    )


def put_q1(data_element: DataElement, tree: dict[str, Any]) -> None:
    """C1: 10, 20, 30 (60); C2: 5, 5, 5 (15); C3: 100 in March (100)."""
    for name, values in (("c1", (10, 20, 30)), ("c2", (5, 5, 5)), ("c3", (None, None, 100))):
        for month, value in enumerate(values, start=1):
            if value is not None:
                put(data_element, tree[name], f"2024{month:02d}", value)


def test_time_aggregation_of_stored_values(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    stock = element("STOCK", time="last")
    put_q1(flow, tree)
    put(stock, tree["c1"], "202401", 5)
    put(stock, tree["c1"], "202403", 7)
    c1 = tree["c1"]
    assert element_value("FLOW", c1, Q1) == 60
    assert element_value("FLOW", c1, P("2024")) == 60
    assert element_value("FLOW", c1, P("202402")) == 20
    assert element_value("FLOW", c1, P("2024Q2")) is None
    assert element_value("STOCK", c1, Q1) == 7
    assert element_value("STOCK", c1, P("2024S1")) == 7


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("sum", 175),
        ("average", 175 / 3),
        ("min", 15),
        ("max", 100),
        ("last", None),
        ("none", None),
    ],
)
def test_space_aggregation_over_the_communes(
    tree: dict[str, Any], space: str, expected: float | None
) -> None:
    put_q1(element("FLOW", space=space), tree)
    assert element_value("FLOW", tree["district"], Q1) == pytest.approx(expected)
    assert element_value("FLOW", tree["province"], Q1) == pytest.approx(expected)


def test_space_average_of_time_averages(tree: dict[str, Any]) -> None:
    rate = element("RATE", time="average", space="average")
    for month, (a, b) in enumerate(((10, 40), (20, 40), (30, 40)), start=1):
        put(rate, tree["c1"], f"2024{month:02d}", a)
        put(rate, tree["c2"], f"2024{month:02d}", b)
    assert element_value("RATE", tree["district"], Q1) == 30


def test_a_units_own_value_is_not_added_to_its_childrens(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    put_q1(flow, tree)
    put(flow, tree["district"], "2024Q1", 1000)
    assert element_value("FLOW", tree["district"], Q1) == 1000
    assert element_value("FLOW", tree["province"], Q1) == 1000
    assert element_value("FLOW", tree["c1"], Q1) == 60


def test_filters_match_a_subset_of_dimensions(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    c1 = tree["c1"]
    put(flow, c1, "202401", 3, {"sex": "f", "age": "young"})
    put(flow, c1, "202401", 4, {"sex": "f", "age": "old"})
    put(flow, c1, "202401", 5, {"sex": "m", "age": "young"})
    put(flow, tree["c2"], "202402", 6, {"sex": "f", "age": "old"})
    district = tree["district"]
    assert element_value("FLOW", district, Q1) == 18
    assert element_value("FLOW", district, Q1, {"sex": "f"}) == 13
    assert element_value("FLOW", district, Q1, {"sex": "f", "age": "old"}) == 10
    assert element_value("FLOW", district, Q1, [("age", "young")]) == 8
    assert element_value("FLOW", district, Q1, {"sex": "x"}) is None


def test_an_indicator_with_a_filtered_reference_reads_values_apart_only_for_it(
    tree: dict[str, Any], django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    flow = element("FLOW")
    put(flow, tree["c1"], "202401", 3, {"sex": "f"})
    put(flow, tree["c1"], "202402", 1, {"sex": "m"})
    put(flow, tree["c2"], "202403", 4, {"sex": "f"})
    share = Indicator.objects.create(
        code="WOMEN", name="women", numerator="#{FLOW|sex=f}", denominator="#{FLOW}", factor=100
    )
    with django_assert_max_num_queries(5):
        aggregator = Aggregator([tree["province"]], [Q1], indicators=[share])
        assert aggregator.indicator_value(share, tree["province"], Q1) == 7 / 8 * 100
    restated = Aggregator(
        [tree["province"]], [Q1], indicators=[share], view="restated", as_of=AS_OF
    )
    assert restated.indicator_value(share, tree["n"], Q1) == 7 / 8 * 100
    with django_assert_num_queries(0):  # FLOW's values were read apart for the reference
        assert restated.value("FLOW", tree["n"], Q1, {"sex": "m"}) == 1


def test_a_ratio_is_a_ratio_of_sums_not_an_average_of_ratios(tree: dict[str, Any]) -> None:
    num, den = element("NUM"), element("DEN")
    put(num, tree["c1"], "202401", 1)
    put(den, tree["c1"], "202401", 2)  # 50 %
    put(num, tree["c2"], "202401", 90)
    put(den, tree["c2"], "202401", 100)  # 90 %
    share = Indicator.objects.create(
        code="SHARE", name="share", numerator="#{NUM}", denominator="#{DEN}", factor=100
    )
    value = indicator_value(share, tree["district"], P("202401"))
    assert value == pytest.approx(91 / 102 * 100)
    assert value != pytest.approx(70)
    assert indicator_value(share, tree["c1"], P("202401")) == 50
    assert indicator_value(share, tree["c3"], P("202401")) is None


def test_references_with_an_offset_read_an_earlier_period(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    put_q1(flow, tree)
    for month, value in ((4, 100), (5, 100), (6, 25)):
        put(flow, tree["c2"], f"2024{month:02d}", value)
    growth = Indicator.objects.create(
        code="GROWTH",
        name="growth",
        numerator="#{FLOW} - #{FLOW}[-1]",
        denominator="#{FLOW}[-1]",
        factor=100,
    )
    assert indicator_value(growth, tree["c1"], P("202402")) == 100
    # Q2 (225) over Q1 (175), aggregated over the district first.
    assert indicator_value(growth, tree["district"], P("2024Q2")) == pytest.approx(50 / 175 * 100)
    assert indicator_value(growth, tree["c1"], P("202401")) is None


# -- restated view ---------------------------------------------------------------------------


def test_a_merge_restates_as_the_sum_while_reported_keeps_the_old_units(
    tree: dict[str, Any],
) -> None:
    put_q1(element("FLOW"), tree)
    n = tree["n"]
    restated = element_value("FLOW", n, Q1, view="restated", as_of=AS_OF)
    assert restated == 75
    by_directory = restate({tree["c1"].pk: 60, tree["c2"].pk: 15}, AS_OF)
    assert by_directory[n.pk] == Decimal(restated)
    assert element_value("FLOW", n, Q1) is None
    assert element_value("FLOW", tree["c1"], Q1) == 60
    assert element_value("FLOW", tree["c2"], Q1) == 15


def test_a_split_divides_by_the_weights(tree: dict[str, Any]) -> None:
    put_q1(element("FLOW"), tree)
    assert element_value("FLOW", tree["n1"], Q1, view="restated", as_of=AS_OF) == 60
    assert element_value("FLOW", tree["n2"], Q1, view="restated", as_of=AS_OF) == 40
    assert element_value("FLOW", tree["c3"], Q1) == 100
    by_directory = restate({tree["c3"].pk: 100}, AS_OF)
    assert by_directory == {tree["n1"].pk: Decimal(60), tree["n2"].pk: Decimal(40)}


def test_a_stock_over_the_reform_year_is_its_last_restated_value_not_a_sum(
    tree: dict[str, Any],
) -> None:
    stock = element("STOCK", time="last")
    put(stock, tree["c1"], "2025S1", 10)
    put(stock, tree["c2"], "2025S1", 20)
    put(stock, tree["n"], "2025S2", 35)
    year = Period.parse("2025")
    assert element_value("STOCK", tree["n"], year, view="restated", as_of=AS_OF) == 35
    assert element_value("STOCK", tree["province"], year, view="restated", as_of=AS_OF) == 35
    first_half = Period.parse("2025S1")
    assert element_value("STOCK", tree["n"], first_half, view="restated", as_of=AS_OF) == 30


def test_restating_the_province_counts_each_old_commune_once(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    put_q1(flow, tree)
    put(flow, tree["province"], "2024Q1", 5000)  # coarser than the communes: not used
    aggregator = Aggregator([tree["province"]], [Q1], ["FLOW"], view="restated", as_of=AS_OF)
    assert aggregator.value("FLOW", tree["province"], Q1) == 175
    assert aggregator.value("FLOW", tree["n"], Q1) == 75
    reported = Aggregator([tree["province"]], [Q1], ["FLOW"])
    assert reported.value("FLOW", tree["province"], Q1) == 5000


def test_a_year_across_the_reform_adds_old_and_new_units(tree: dict[str, Any]) -> None:
    flow = element("FLOW")
    put(flow, tree["c1"], "202506", 10)
    put(flow, tree["c2"], "202506", 1)
    put(flow, tree["n"], "202507", 5)
    assert element_value("FLOW", tree["n"], P("2025"), view="restated", as_of=AS_OF) == 16
    assert element_value("FLOW", tree["n"], P("2025")) == 5


def test_a_restated_ratio_restates_numerator_and_denominator(tree: dict[str, Any]) -> None:
    num, den = element("NUM"), element("DEN")
    put(num, tree["c1"], "2024", 1)
    put(den, tree["c1"], "2024", 2)
    put(num, tree["c2"], "2024", 90)
    put(den, tree["c2"], "2024", 100)
    put(num, tree["c3"], "2024", 30)
    put(den, tree["c3"], "2024", 40)
    share = Indicator.objects.create(
        code="SHARE", name="share", numerator="#{NUM}", denominator="#{DEN}", factor=100
    )
    year = P("2024")
    assert indicator_value(share, tree["n"], year, view="restated", as_of=AS_OF) == (
        pytest.approx(91 / 102 * 100)
    )
    assert indicator_value(share, tree["n1"], year, view="restated", as_of=AS_OF) == (
        pytest.approx(75)
    )
    assert indicator_value(share, tree["c1"], year) == 50


def test_restating_needs_a_current_unit(tree: dict[str, Any]) -> None:
    element("FLOW")
    with pytest.raises(ValueError, match="not valid on"):
        element_value("FLOW", tree["c1"], Q1, view="restated", as_of=AS_OF)


# -- query counts ----------------------------------------------------------------------------


def test_a_province_over_twelve_months_takes_a_bounded_number_of_queries(
    tree: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    flow = element("FLOW")
    for name in ("c1", "c2", "c3"):
        for month in range(1, 13):
            put(flow, tree[name], f"2024{month:02d}", month)
    year = P("2024")
    periods = [*year.children(year.type.MONTHLY), year]
    with django_assert_max_num_queries(4):
        aggregator = Aggregator([tree["province"]], periods, ["FLOW"])
        values = [aggregator.value("FLOW", tree["province"], period) for period in periods]
    assert values == [3 * month for month in range(1, 13)] + [3 * 78]
    with django_assert_max_num_queries(10):
        restated = Aggregator([tree["province"]], periods, ["FLOW"], view="restated", as_of=AS_OF)
        again = [restated.value("FLOW", tree["province"], period) for period in periods]
    assert again == values


def test_unknown_inputs_are_refused(tree: dict[str, Any]) -> None:
    element("FLOW")
    aggregator = Aggregator([tree["district"]], [Q1], ["FLOW"])
    with pytest.raises(ValueError, match="not preloaded"):
        aggregator.value("FLOW", tree["district"], P("2024Q2"))
    with pytest.raises(ValueError, match="not preloaded"):
        aggregator.value("FLOW", tree["n"], Q1)
    with pytest.raises(ValueError, match="was not loaded"):
        aggregator.value("NOPE", tree["district"], Q1)
    with pytest.raises(ValueError, match="invalid view"):
        Aggregator([tree["district"]], [Q1], ["FLOW"], view="other")  # type: ignore[arg-type]
