"""Data elements the reporting module computes from the open data portal (so the scorecard's
open-data target updates by itself): registered into :mod:`tinhso.indicators.registry` from
``apps.py``.

Every value is stored on the province — the unit carrying ``settings.TINHSO_PROVINCE_CODE``
on the period's last day — without disaggregation:

=======================  ==================================================================
``AGENCIES_TOTAL``        state agencies of the province on the period's last day (stock)
``AGENCIES_OPENDATA``     of which publishing open data: at least one public dataset
                          published by the period's end (stock)
``OPENDATA_DATASETS``     public datasets published by the period's end (stock)
``OPENDATA_VIEWS``        dataset page views in the period (flow)
``OPENDATA_DOWNLOADS``    resource downloads in the period (flow)
``OPENDATA_API_CALLS``    CKAN API calls naming a dataset in the period (flow)
=======================  ==================================================================

``AGENCIES_TOTAL`` and ``AGENCIES_OPENDATA`` are the reporting app's own elements, the
denominator and numerator of ``OPENDATA_AGENCIES_SHARE`` (target G-OPENDATA-30). A *state
agency* is a directory agency of a state kind (:data:`STATE_AGENCY_KINDS`: provincial,
district and commune people's committees, departments, boards, sectors) valid on the period's
last day and sitting in the province or a unit below it; service units, sub-departments and
centres publish under their parent agency and are not counted.

What the portal can vouch for. Stocks are computed for six-monthly and yearly periods (the
cadence the scorecard reads them at) that end on or after the first publication here
(:func:`portal_since`) and have started by today; flows for every period type from the first
day anything was published or used. Earlier periods get nothing, so the published, reported
and illustrative values stay what the scorecard shows; for later ones the computed value
replaces any other of the same cell. A dataset counts from its ``published_at``: a dataset
published and later withdrawn (or made private) no longer counts for past periods either, as
the catalogue keeps its current state only.

The catalogue rows are in ``data/indicators/`` and loaded by :func:`ensure_catalogue`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet, Sum
from django.utils import timezone

from tinhso.directory import queries as directory
from tinhso.directory.choices import AgencyKind, UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.indicators import registry
from tinhso.indicators.actions import load_catalogue
from tinhso.indicators.periods import Period, PeriodType
from tinhso.opendata.choices import UsageKind
from tinhso.opendata.models import Dataset, UsageDay

__all__ = [
    "DATA_DIR",
    "STATE_AGENCY_KINDS",
    "STOCK_PERIODS",
    "USAGE_ELEMENTS",
    "ensure_catalogue",
    "portal_since",
    "register_computed",
    "state_agencies",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "indicators"

STATE_AGENCY_KINDS = (
    AgencyKind.UBND_TINH,
    AgencyKind.SO,
    AgencyKind.BAN,
    AgencyKind.NGANH,
    AgencyKind.UBND_HUYEN,
    AgencyKind.UBND_XA,
)
"""The kinds of agency counted as state agencies (cơ quan nhà nước) by the open-data target."""

STOCK_PERIODS = frozenset({PeriodType.SIX_MONTHLY, PeriodType.YEARLY})

USAGE_ELEMENTS = {
    "OPENDATA_VIEWS": UsageKind.VIEW,
    "OPENDATA_DOWNLOADS": UsageKind.DOWNLOAD,
    "OPENDATA_API_CALLS": UsageKind.API,
}
"""Each usage element and the kind of daily count it sums."""


def _province(period: Period) -> AdministrativeUnit | None:
    return (
        directory.units_on(period.end)
        .filter(code=settings.TINHSO_PROVINCE_CODE, level=UnitLevel.PROVINCE)
        .first()
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the province's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def state_agencies(province: AdministrativeUnit, day: datetime.date) -> QuerySet[Agency]:
    """The state agencies of ``province`` (it and the units below it) valid on ``day``."""
    unit_ids = [province.pk, *(unit.pk for unit in directory.descendants(province, day))]
    return Agency.objects.filter(
        directory.valid_on(day), kind__in=STATE_AGENCY_KINDS, unit_id__in=unit_ids
    )


def _published_by(day: datetime.date) -> QuerySet[Dataset]:
    return Dataset.objects.public().filter(published_at__lt=_end_of(day))


def portal_since() -> datetime.date | None:
    """The first day a dataset still public was published here (None before any)."""
    first = Dataset.objects.public().aggregate(first=Min("published_at"))["first"]
    return timezone.localdate(first) if first is not None else None


def _first_use() -> datetime.date | None:
    first: datetime.date | None = UsageDay.objects.aggregate(first=Min("day"))["first"]
    return first


def _covered(period: Period, since: datetime.date | None) -> bool:
    return since is not None and period.end >= since and period.start <= timezone.localdate()


def _stock_values(code: str, period: Period) -> Iterator[registry.ComputedValue]:
    if not _covered(period, portal_since()):
        return
    province = _province(period)
    if province is None:
        return
    if code == "OPENDATA_DATASETS":
        value = _published_by(period.end).count()
    else:
        agencies = state_agencies(province, period.end)
        if code == "AGENCIES_OPENDATA":
            publishing = _published_by(period.end).values("organization__agency_id")
            agencies = agencies.filter(pk__in=publishing)
        value = agencies.count()
    yield registry.ComputedValue(province.pk, {}, Decimal(value))


def _usage_values(code: str, period: Period) -> Iterator[registry.ComputedValue]:
    starts = [day for day in (portal_since(), _first_use()) if day is not None]
    if not _covered(period, min(starts, default=None)):
        return
    province = _province(period)
    if province is None:
        return
    total = UsageDay.objects.filter(
        kind=USAGE_ELEMENTS[code], day__gte=period.start, day__lte=period.end
    ).aggregate(total=Sum("count"))["total"]
    yield registry.ComputedValue(province.pk, {}, Decimal(total or 0))


def _bind(function: Callable[[str, Period], Iterator[registry.ComputedValue]], code: str) -> Any:
    def compute(period: Period) -> list[registry.ComputedValue]:
        return list(function(code, period))

    compute.__name__ = f"compute_{code.lower()}"
    return compute


def register_computed() -> None:
    """Register the portal's computed data elements (module docstring) with the reporting app."""
    for code in ("AGENCIES_TOTAL", "AGENCIES_OPENDATA", "OPENDATA_DATASETS"):
        registry.register(registry.ComputedElement(code, _bind(_stock_values, code), STOCK_PERIODS))
    for code in USAGE_ELEMENTS:
        registry.register(registry.ComputedElement(code, _bind(_usage_values, code)))


def ensure_catalogue(actor: Any) -> tuple[int, int]:
    """Create or update the data elements and indicators of ``data/indicators/``; return their
    counts. Idempotent; called by the demo loader and by deployments.

    Loaded by the reporting app's own action (:func:`tinhso.indicators.actions.load_catalogue`,
    audited there), pointed at this app's folder.
    """
    return load_catalogue(actor=actor, data_dir=DATA_DIR)
