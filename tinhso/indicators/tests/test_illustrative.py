"""The demo's illustrative values: seeded, marked, below published figures, telling a story."""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal
from io import StringIO

import pytest

from tinhso.core.models import AuditEntry
from tinhso.directory import loaders
from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions, aggregation, illustrative, queries
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.demo import load_demo
from tinhso.indicators.expressions import parse
from tinhso.indicators.models import DataValue, Indicator, Target, dimension_key
from tinhso.indicators.periods import Period

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)
YEARS = [Period.parse(str(year)) for year in range(2021, 2027)]
# Yearly figures (DTI rank, productivity growth) for 2026 are not out on the demo's today.
YEARLY_ONLY = {"DTI-2030", "E-PRODUCTIVITY-30"}


@pytest.fixture
def provinces() -> tuple[AdministrativeUnit, AdministrativeUnit]:
    """The former Bắc Giang with its districts and communes, and the new Bắc Ninh with its."""
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="demo")
    old = directory.get_unit("24", datetime.date(2025, 6, 30))
    new = directory.get_unit("24", TODAY)
    return old, new


@pytest.fixture
def demo(provinces: tuple[AdministrativeUnit, AdministrativeUnit]) -> StringIO:
    out = StringIO()
    load_demo(out, today=TODAY)
    return out


def _cells(rows: list[actions.ValueRow]) -> list[tuple[str, int, str, str, Decimal]]:
    return [
        (r.data_element, r.unit.pk, r.period, dimension_key(r.dimensions), r.value) for r in rows
    ]


def test_the_same_seed_gives_identical_values_and_another_seed_other_ones(
    provinces: tuple[AdministrativeUnit, AdministrativeUnit],
) -> None:
    actions.load_catalogue(actor=None)
    old, new = provinces

    first = illustrative.illustrative_rows(old, new, TODAY)
    again = illustrative.illustrative_rows(old, new, TODAY, seed=illustrative.SEED)
    other = illustrative.illustrative_rows(old, new, TODAY, seed=7)

    assert len(first) > 5000
    assert _cells(first) == _cells(again)
    assert _cells(first) != _cells(other)


def test_generated_values_are_marked_illustrative_and_stop_at_today(
    provinces: tuple[AdministrativeUnit, AdministrativeUnit],
) -> None:
    actions.load_catalogue(actor=None)
    rows = illustrative.illustrative_rows(*provinces, TODAY)

    assert {row.source for row in rows} == {ValueSource.ILLUSTRATIVE}
    assert all("minh hoạ" in row.note and "seed 111" in row.note for row in rows)
    assert max(Period.parse(row.period).start for row in rows) == datetime.date(2026, 11, 1)
    assert all(
        Period.parse(row.period).end <= TODAY
        for row in rows
        if Period.parse(row.period).type != "Monthly"
    )


def test_the_demo_stores_only_published_and_illustrative_values(demo: StringIO) -> None:
    sources = set(DataValue.objects.values_list("source", flat=True))

    assert sources == {ValueSource.PUBLISHED, ValueSource.ILLUSTRATIVE}
    assert "illustrative values" in demo.getvalue()


def test_every_target_gets_a_yearly_series_on_its_scope_unit(demo: StringIO) -> None:
    targets = list(Target.objects.select_related("indicator", "scope_unit"))
    used = {
        ref.code
        for target in targets
        for text in (target.indicator.numerator, target.indicator.denominator)
        for ref in parse(text).references()
    }
    generated = set(
        DataValue.objects.filter(source=ValueSource.ILLUSTRATIVE).values_list(
            "data_element__code", flat=True
        )
    )
    assert used <= generated

    for target in targets:
        unit = target.scope_unit
        assert unit is not None
        former = unit.valid_to is not None
        # The former province as reported; the new one restated to today's boundaries, so that
        # its series starts in 2021 with the former province's values.
        view: aggregation.View = "reported" if former else "restated"
        aggregator = aggregation.Aggregator(
            [unit], YEARS, indicators=[target.indicator], view=view, as_of=TODAY
        )
        years = {
            period.year
            for period in YEARS
            if aggregator.indicator_value(target.indicator, unit, period) is not None
        }
        expected = set(range(2021, 2025 if former else 2026))
        if not former and target.code not in YEARLY_ONLY:
            expected.add(2026)
        assert expected <= years, target.code


def test_published_values_win_and_stay_as_loaded(
    provinces: tuple[AdministrativeUnit, AdministrativeUnit],
) -> None:
    old, _new = provinces
    actions.load_catalogue(actor=None)
    rank = actions.ValueRow(
        "DTI_RANK", old, "2024", Decimal(12), {}, ValueSource.PUBLISHED, "U", "test"
    )
    actions.store_values([rank], actor=None)

    load_demo(today=TODAY)

    stored = DataValue.objects.get(data_element__code="DTI_RANK", unit=old, period="2024")
    assert (stored.value, stored.source) == (12, ValueSource.PUBLISHED)
    published = list(DataValue.objects.filter(source=ValueSource.PUBLISHED))
    assert len(published) == sum(1 for _ in actions.published_rows(old)) + 1
    for value in published:
        period = Period.parse(value.period)
        overlapping = [
            other
            for other in DataValue.objects.filter(
                data_element=value.data_element, unit=value.unit, source=ValueSource.ILLUSTRATIVE
            )
            if Period.parse(other.period).start <= period.end
            and period.start <= Period.parse(other.period).end
        ]
        assert not overlapping, value
    shared = DataValue.objects.get(data_element__code="DB_SHARED", unit=old, period="2021")
    assert (shared.value, shared.confidence) == (9, "U")


def test_loading_the_demo_again_adds_and_writes_nothing(demo: StringIO) -> None:
    count = DataValue.objects.count()
    imports = AuditEntry.objects.filter(action="indicators.values.import").count()

    out = StringIO()
    load_demo(out, today=TODAY)

    assert DataValue.objects.count() == count
    assert AuditEntry.objects.filter(action="indicators.values.import").count() == imports
    # One audited import per generated data element, none on the second run.
    elements = DataValue.objects.filter(source=ValueSource.ILLUSTRATIVE)
    assert imports == elements.values("data_element").distinct().count()
    assert "(0 new)" in out.getvalue()


def test_values_sit_on_the_lowest_units_and_differ_by_commune(
    demo: StringIO, provinces: tuple[AdministrativeUnit, AdministrativeUnit]
) -> None:
    old, new = provinces
    commune_work = DataValue.objects.filter(
        data_element__code="WORK_TOTAL", dimensions__level="commune"
    )
    # Before the former districts and communes exist (04/01/2025) the province holds the sums.
    assert commune_work.filter(unit=old, period="202412").exists()
    assert not commune_work.filter(unit=old, period="202503").exists()
    assert commune_work.filter(period="202503", unit__level=3).count() == len(
        [u for u in directory.descendants(old, datetime.date(2025, 6, 30)) if u.level == 3]
    )
    assert commune_work.filter(period="202610", unit__parent=new).count() == len(
        directory.descendants(new, TODAY)
    )

    indicator = Indicator.objects.get(code="WORK_ONLINE_COMMUNE")
    year = Period.parse("2025")
    communes = [u for u in directory.descendants(old, datetime.date(2025, 6, 30)) if u.level == 3]
    aggregator = aggregation.Aggregator([old], [year], indicators=[indicator])
    rates = [aggregator.indicator_value(indicator, unit, year) for unit in communes]
    known = [rate for rate in rates if rate is not None]
    assert len(known) == len(communes)
    assert statistics.pstdev(known) > 5
    assert min(known) < 65 < max(known)
    fibre = DataValue.objects.filter(
        data_element__code="COMMUNES_FIBRE", period="2025S1", unit__level=3
    )
    assert fibre.filter(value=0).exists() and fibre.filter(value=1).exists()


def test_the_demo_scorecard_shows_at_least_three_statuses(demo: StringIO) -> None:
    rows = queries.target_rows(TODAY)

    statuses = {row.status.value for row in rows if row.current_value is not None}
    assert len(statuses) >= 3, statuses
