"""Computed data elements fed to the reporting module (see ``tinhso.services.computed``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tinhso.accounts.tests.factories import UnitFactory
from tinhso.indicators import actions as indicator_actions
from tinhso.indicators import registry
from tinhso.indicators.aggregation import indicator_value
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataElement, DataValue, Indicator
from tinhso.indicators.periods import Period
from tinhso.services import computed
from tinhso.services.tests.factories import ServicesWorld
from tinhso.services.tests.test_stats import Case, build_case

Q1 = Period.parse("2026Q1")


@pytest.fixture
def catalogue(db: None) -> None:
    """The reporting app's catalogue and the services' elements and indicators."""
    indicator_actions.load_catalogue(actor=None)
    computed.ensure_catalogue(None)


@pytest.fixture
def case(sw: ServicesWorld) -> Case:
    """The hand-computed case of ``test_stats``."""
    return build_case(sw)


def stored(code: str, period: str) -> dict[str, Decimal]:
    return {
        value.dimensions.get("level", ""): value.value
        for value in DataValue.objects.filter(
            data_element__code=code, period=period, source=ValueSource.COMPUTED
        )
    }


def test_the_services_elements_are_registered() -> None:
    codes = {element.code for element in registry.registered()}
    assert set(computed.DOSSIER_ELEMENTS) | {"DVC4_TOTAL", "DVC4_MOBILE"} <= codes


def test_ensure_catalogue_creates_the_elements_and_indicators_once(db: None) -> None:
    assert computed.ensure_catalogue(None) == (12, 9)
    assert computed.ensure_catalogue(None) == (12, 9)
    assert DataElement.objects.get(code="DOSSIERS_ONLINE").dimensions == ["level"]
    share = Indicator.objects.get(code="DOSSIER_ONLINE_SHARE_DISTRICT")
    assert share.numerator == "#{DOSSIERS_ONLINE|level=district}"


def test_a_refresh_stores_the_dossier_counts_by_level_on_the_province(
    catalogue: None, case: Case
) -> None:
    indicator_actions.refresh_computed(Q1, actor=None)
    assert stored("DOSSIERS_RECEIVED", "2026Q1") == {"province": 2, "commune": 7}
    assert stored("DOSSIERS_ONLINE", "2026Q1") == {"province": 1, "commune": 4}
    assert stored("DOSSIERS_RESOLVED", "2026Q1") == {"province": 2, "commune": 5}
    assert stored("DOSSIERS_ON_TIME", "2026Q1") == {"province": 2, "commune": 3}
    assert stored("DOSSIERS_WITH_RESULT", "2026Q1") == {"province": 2, "commune": 4}
    assert stored("DOSSIERS_DIGITAL_RESULT", "2026Q1") == {"province": 1, "commune": 2}
    assert stored("DOSSIERS_FEE_PAID", "2026Q1") == {"province": 2, "commune": 0}
    assert stored("DOSSIERS_PAID_ONLINE", "2026Q1") == {"province": 1, "commune": 0}
    # A level with anything counted has all its figures, zeros included.
    assert stored("DOSSIERS_RATED", "2026Q1") == {"province": 0, "commune": 3}
    assert stored("DOSSIERS_SATISFIED", "2026Q1") == {"province": 0, "commune": 2}
    units = set(DataValue.objects.filter(period="2026Q1").values_list("unit_id", flat=True))
    assert units == {case.sw.province.pk}


def test_the_indicators_evaluate_on_the_computed_values(catalogue: None, case: Case) -> None:
    indicator_actions.refresh_computed(Q1, actor=None)
    province = case.sw.province

    def value(code: str) -> float | None:
        return indicator_value(Indicator.objects.get(code=code), province, Q1)

    assert value("DOSSIER_ONLINE_SHARE") == pytest.approx(500 / 9)
    assert value("DOSSIER_ONLINE_SHARE_COMMUNE") == pytest.approx(400 / 7)
    assert value("DOSSIER_ONLINE_SHARE_PROVINCE") == pytest.approx(50)
    assert value("DOSSIER_ONLINE_SHARE_DISTRICT") is None
    assert value("DOSSIER_ON_TIME_SHARE") == pytest.approx(500 / 7)
    assert value("DOSSIER_DIGITAL_RESULT_SHARE") == pytest.approx(50)
    assert value("DOSSIER_ONLINE_PAYMENT_SHARE") == pytest.approx(50)
    assert value("DOSSIER_SATISFACTION_SHARE") == pytest.approx(200 / 3)


def test_the_first_half_of_2025_is_stored_on_the_former_province_at_district_level(
    catalogue: None, case: Case
) -> None:
    former = UnitFactory.create(
        code="24",
        name="Tỉnh Bắc Giang",
        type="tinh",
        level=1,
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    period = Period.parse("2025S1")
    indicator_actions.refresh_computed(period, actor=None)
    assert stored("DOSSIERS_RECEIVED", "2025S1") == {"district": 1}
    value = DataValue.objects.get(data_element__code="DOSSIERS_ONLINE", period="2025S1")
    assert value.unit_id == former.pk
    share = Indicator.objects.get(code="DOSSIER_ONLINE_SHARE_DISTRICT")
    assert indicator_value(share, former, period) == pytest.approx(100)
    # The catalogue (kept since 01/07/2025) says nothing of that half-year.
    assert not DataValue.objects.filter(data_element__code="DVC4_TOTAL", period="2025S1")


def test_the_mobile_target_is_computed_from_the_full_online_procedures(
    catalogue: None, case: Case
) -> None:
    period = Period.parse("2026S1")
    indicator_actions.refresh_computed(period, actor=None)
    assert stored("DVC4_TOTAL", "2026S1") == {"": 1}
    assert stored("DVC4_MOBILE", "2026S1") == {"": 1}
    assert stored("PROCEDURES_TOTAL", "2026S1") == {"province": 1, "commune": 2}
    assert stored("PROCEDURES_ONLINE", "2026S1") == {"province": 1, "commune": 1}
    share = Indicator.objects.get(code="DVC4_MOBILE_SHARE")
    assert indicator_value(share, case.sw.province, period) == pytest.approx(100)
    # Stocks are not computed for quarters or months.
    indicator_actions.refresh_computed(Q1, actor=None)
    assert not DataValue.objects.filter(data_element__code="DVC4_TOTAL", period="2026Q1")


def test_a_computed_stock_replaces_an_illustrative_value_of_the_same_cell(
    catalogue: None, case: Case
) -> None:
    indicator_actions.store_values(
        [
            indicator_actions.ValueRow(
                data_element="DVC4_TOTAL",
                unit=case.sw.province,
                period="2026S1",
                value=Decimal(900),
                dimensions={},
                source=ValueSource.ILLUSTRATIVE,
            )
        ],
        actor=None,
    )
    indicator_actions.refresh_computed(Period.parse("2026S1"), actor=None)
    value = DataValue.objects.get(data_element__code="DVC4_TOTAL", period="2026S1")
    assert (value.value, value.source) == (1, ValueSource.COMPUTED)


def test_a_second_refresh_follows_the_dossiers(catalogue: None, case: Case) -> None:
    indicator_actions.refresh_computed(Q1, actor=None)
    case["d6"].__class__.objects.filter(pk=case["d6"].pk).update(level=3)
    indicator_actions.refresh_computed(Q1, actor=None)
    assert stored("DOSSIERS_RECEIVED", "2026Q1") == {"province": 1, "commune": 8}


def test_an_empty_catalogue_leaves_the_reported_stock_alone(
    catalogue: None, sw: ServicesWorld
) -> None:
    type(sw.birth).objects.all().delete()
    indicator_actions.refresh_computed(Period.parse("2026S1"), actor=None)
    assert not DataValue.objects.filter(data_element__code__startswith="DVC4_")
