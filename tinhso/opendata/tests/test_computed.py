"""The open-data target's computed data elements (see ``tinhso.opendata.computed``).

The hand-computed case, on the accounts test province (four state agencies: UBND tỉnh,
Sở KH&CN, UBND phường Bắc Giang, UBND xã Tuấn Đạo; the Trung tâm Đổi mới sáng tạo is a
service unit and does not count):

* Sở KH&CN publishes two datasets and keeps one draft;
* UBND phường Bắc Giang publishes one private dataset only (not open data);
* the Trung tâm publishes one dataset (open data, but not a state agency's);

so 1 of 4 state agencies publishes open data (25 %), and 3 datasets are public. Usage:
10 + 5 downloads in October 2026, 7 in November, 4 API calls and 100 views in November.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.indicators import actions as indicator_actions
from tinhso.indicators import registry
from tinhso.indicators.aggregation import indicator_value
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataValue, Indicator
from tinhso.indicators.periods import Period
from tinhso.opendata import actions, computed
from tinhso.opendata.models import Dataset, UsageDay
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset

TODAY = datetime.date(2026, 11, 20)
HALF = Period.parse("2026S2")
OCTOBER = Period.parse("202610")
NOVEMBER = Period.parse("202611")


@pytest.fixture
def case(od: OpenDataWorld, monkeypatch: pytest.MonkeyPatch) -> OpenDataWorld:
    """The case of the module docstring, published on 10/11/2026, seen on 20/11/2026."""
    published = timezone.make_aware(datetime.datetime(2026, 11, 10, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: published)
    indicator_actions.load_catalogue(actor=None)
    computed.ensure_catalogue(None)
    budget = make_dataset(od.so, "Dự toán ngân sách 2026")
    make_dataset(od.so, "Danh mục đề tài khoa học")
    make_dataset(od.so, "Bản nháp chưa công bố", state="draft")
    make_dataset(od.phuong, "Sổ theo dõi nội bộ", private=True)
    centre = actions.ensure_organization(od.world.trung_tam, name="trung-tam-doi-moi")
    make_dataset(centre, "Doanh nghiệp khởi nghiệp sáng tạo")
    actions.import_usage(
        {
            (budget.pk, datetime.date(2026, 10, 3), "download"): 10,
            (budget.pk, datetime.date(2026, 10, 31), "download"): 5,
            (budget.pk, datetime.date(2026, 11, 2), "download"): 7,
            (budget.pk, datetime.date(2026, 11, 2), "api"): 4,
            (budget.pk, datetime.date(2026, 11, 5), "view"): 100,
        },
        actor=None,
        source="test",
    )
    real_localdate = timezone.localdate

    def localdate(value: datetime.datetime | None = None, *args: object) -> datetime.date:
        return TODAY if value is None else real_localdate(value)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return od


def stored(code: str, period: Period) -> Decimal | None:
    value = DataValue.objects.filter(
        data_element__code=code, period=period.code, source=ValueSource.COMPUTED
    ).first()
    return None if value is None else value.value


def test_the_portal_elements_are_registered() -> None:
    codes = {element.code for element in registry.registered()}
    assert {"AGENCIES_TOTAL", "AGENCIES_OPENDATA", "OPENDATA_DATASETS"} <= codes
    assert set(computed.USAGE_ELEMENTS) <= codes
    monthly = {element.code for element in registry.registered(OCTOBER)}
    assert "OPENDATA_DOWNLOADS" in monthly
    assert "AGENCIES_OPENDATA" not in monthly


def test_ensure_catalogue_creates_the_elements_and_indicators_once(db: None) -> None:
    assert computed.ensure_catalogue(None) == (4, 4)
    assert computed.ensure_catalogue(None) == (4, 4)


def test_the_share_of_agencies_publishing_is_computed_on_the_province(
    case: OpenDataWorld,
) -> None:
    indicator_actions.refresh_computed(HALF, actor=None)
    assert stored("AGENCIES_TOTAL", HALF) == 4
    assert stored("AGENCIES_OPENDATA", HALF) == 1
    assert stored("OPENDATA_DATASETS", HALF) == 3
    share = Indicator.objects.get(code="OPENDATA_AGENCIES_SHARE")
    assert indicator_value(share, case.world.province, HALF) == pytest.approx(25)
    units = set(DataValue.objects.filter(period=HALF.code).values_list("unit_id", flat=True))
    assert units == {case.world.province.pk}


def test_usage_is_summed_by_period(case: OpenDataWorld) -> None:
    for period in (OCTOBER, NOVEMBER, HALF):
        indicator_actions.refresh_computed(period, actor=None)
    assert stored("OPENDATA_DOWNLOADS", OCTOBER) == 15
    assert stored("OPENDATA_DOWNLOADS", NOVEMBER) == 7
    assert stored("OPENDATA_API_CALLS", OCTOBER) == 0
    assert stored("OPENDATA_API_CALLS", NOVEMBER) == 4
    assert stored("OPENDATA_VIEWS", NOVEMBER) == 100
    assert stored("OPENDATA_DOWNLOADS", HALF) == 22
    downloads = Indicator.objects.get(code="OPENDATA_DOWNLOADS")
    assert indicator_value(downloads, case.world.province, NOVEMBER) == pytest.approx(7)


def test_periods_before_the_portal_and_its_use_get_nothing(case: OpenDataWorld) -> None:
    for code in ("2026S1", "202609", "2027S1"):
        assert indicator_actions.refresh_computed(Period.parse(code), actor=None) == 0
    assert not DataValue.objects.filter(source=ValueSource.COMPUTED).exists()


def test_withdrawing_the_last_public_dataset_of_an_agency_lowers_the_share(
    case: OpenDataWorld,
) -> None:
    indicator_actions.refresh_computed(HALF, actor=None)
    for dataset in Dataset.objects.filter(organization=case.so, state="active"):
        actions.delete_dataset(dataset, actor=None)
    indicator_actions.refresh_computed(HALF, actor=None)
    assert stored("AGENCIES_OPENDATA", HALF) == 0
    assert stored("OPENDATA_DATASETS", HALF) == 1


def test_a_computed_share_replaces_the_illustrative_one(case: OpenDataWorld) -> None:
    indicator_actions.store_values(
        [
            indicator_actions.ValueRow(
                data_element="AGENCIES_TOTAL",
                unit=case.world.province,
                period=HALF.code,
                value=Decimal(64),
                dimensions={},
                source=ValueSource.ILLUSTRATIVE,
            )
        ],
        actor=None,
    )
    indicator_actions.refresh_computed(HALF, actor=None)
    value = DataValue.objects.get(data_element__code="AGENCIES_TOTAL", period=HALF.code)
    assert (value.value, value.source) == (4, ValueSource.COMPUTED)


def test_importing_usage_again_replaces_the_days_and_keeps_totals_right(
    case: OpenDataWorld,
) -> None:
    budget = Dataset.objects.get(title="Dự toán ngân sách 2026")
    assert (budget.download_count, budget.api_count, budget.view_count) == (22, 4, 100)
    audited = AuditEntry.objects.filter(action="opendata.usage.import").count()
    written = actions.import_usage(
        {
            (budget.pk, datetime.date(2026, 10, 3), "download"): 12,
            (budget.pk, datetime.date(2026, 11, 6), "view"): 1,
        },
        actor=None,
    )
    budget.refresh_from_db()
    assert written == 2
    assert (budget.download_count, budget.view_count) == (24, 101)
    assert UsageDay.objects.get(dataset=budget, day=datetime.date(2026, 10, 3)).count == 12
    assert AuditEntry.objects.filter(action="opendata.usage.import").count() == audited + 1
