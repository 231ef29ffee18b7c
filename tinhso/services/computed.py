"""Data elements the reporting module computes from the one-stop dossiers (so the scorecard
updates by itself): registered into :mod:`tinhso.indicators.registry` from ``apps.py``.

Every value is stored on the province — the unit carrying ``settings.TINHSO_PROVINCE_CODE``
on the period's last day (the former Bắc Giang for periods ending by 30/06/2025, the new Bắc
Ninh after) — with a ``level`` dimension (``province``, ``district``, ``commune``) taken from
each dossier's level as it stood when it was submitted. What is counted is defined in
:mod:`tinhso.services.stats`:

========================  =============================================================
``DOSSIERS_RECEIVED``      received in the period
``DOSSIERS_ONLINE``        of which submitted online (channel 2)
``DOSSIERS_RESOLVED``      processing ended in the period (resolved, returned, suspended,
                           withdrawn)
``DOSSIERS_ON_TIME``       of which early or on time
``DOSSIERS_WITH_RESULT``   of which with a result (resolved, returned)
``DOSSIERS_DIGITAL_RESULT`` of which with an electronic result
``DOSSIERS_FEE_PAID``      with a result and fees
``DOSSIERS_PAID_ONLINE``   of which paid online
``DOSSIERS_RATED``         rated in the period
``DOSSIERS_SATISFIED``     of which satisfied or very satisfied
``PROCEDURES_TOTAL``       procedures valid at the period's end (stock)
``PROCEDURES_ONLINE``      of which offered online (stock)
``DVC4_TOTAL``             full-online procedures (stock, no dimension)
``DVC4_MOBILE``            of which usable on a mobile device (stock, no dimension)
========================  =============================================================

A level appears for a period when anything of that level was counted; its figures are then
all given, zeros included, so a share of 0 % is 0 and not "no data".

Stocks of the catalogue. A procedure's service class and its ``mobile_ready`` flag carry no
history, so the catalogue can only speak for periods since it has been kept here:
``PROCEDURES_*``, ``DVC4_TOTAL`` and ``DVC4_MOBILE`` are computed for six-monthly and
yearly periods (the cadence the scorecard reads them at) that end on or after
:data:`CATALOGUE_SINCE` and have started by today, as the catalogue stands on the period's
last day (today, if earlier). For earlier periods, or while the catalogue is empty, nothing
is computed, so the published, reported and illustrative values stay what the scorecard
shows; for later ones the computed value replaces any reported or illustrative one of the
same cell (a refresh stores it over it). Being computed, these elements can no longer be
imported through the exchange API.

The catalogue rows are in ``data/indicators/`` and loaded by :func:`ensure_catalogue`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tinhso.directory import queries as directory
from tinhso.directory.choices import UnitLevel
from tinhso.indicators import registry
from tinhso.indicators.actions import load_catalogue
from tinhso.indicators.periods import Period, PeriodType
from tinhso.services import stats
from tinhso.services.models import Dossier

__all__ = [
    "CATALOGUE_SINCE",
    "DATA_DIR",
    "DOSSIER_ELEMENTS",
    "LEVEL_CODES",
    "ensure_catalogue",
    "province_id",
    "register_computed",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "indicators"

CATALOGUE_SINCE = datetime.date(2025, 7, 1)
"""The first day the procedure catalogue is kept as it stands (Decree 118/2025 in force)."""

LEVEL_CODES = {
    UnitLevel.PROVINCE: "province",
    UnitLevel.DISTRICT: "district",
    UnitLevel.COMMUNE: "commune",
}
"""The ``level`` dimension's values, as the reporting app's catalogue writes them."""

DOSSIER_ELEMENTS: dict[str, Callable[[stats.Row], int]] = {
    "DOSSIERS_RECEIVED": lambda row: row.received,
    "DOSSIERS_ONLINE": lambda row: row.online,
    "DOSSIERS_RESOLVED": lambda row: row.resolved,
    "DOSSIERS_ON_TIME": lambda row: row.early + row.on_time,
    "DOSSIERS_WITH_RESULT": lambda row: row.with_result,
    "DOSSIERS_DIGITAL_RESULT": lambda row: row.digital,
    "DOSSIERS_FEE_PAID": lambda row: row.fee_paid,
    "DOSSIERS_PAID_ONLINE": lambda row: row.paid_online,
    "DOSSIERS_RATED": lambda row: row.rated,
    "DOSSIERS_SATISFIED": lambda row: row.satisfied,
}
"""Each dossier element and the count of a row of :func:`stats.dossier_statistics` it is."""

CATALOGUE_ELEMENTS: dict[str, Callable[[stats.CatalogueRow], int]] = {
    "PROCEDURES_TOTAL": lambda row: row.current,
    "PROCEDURES_ONLINE": lambda row: row.online,
}
"""Each catalogue element (by level) and the count of :func:`stats.catalogue_facts` it is."""

DVC4_ELEMENTS: dict[str, Callable[[stats.CatalogueRow], int]] = {
    "DVC4_TOTAL": lambda row: row.full_online,
    "DVC4_MOBILE": lambda row: row.mobile,
}
"""The reporting app's G-DVC4-MOBILE elements, from the catalogue's total (no dimension)."""

STOCK_PERIODS = frozenset({PeriodType.SIX_MONTHLY, PeriodType.YEARLY})


def province_id(period: Period) -> int | None:
    """The province unit on the period's last day (None if the directory has none)."""
    return (
        directory.units_on(period.end)
        .filter(code=settings.TINHSO_PROVINCE_CODE, level=UnitLevel.PROVINCE)
        .values_list("pk", flat=True)
        .first()
    )


def _dossier_values(code: str, period: Period) -> Iterator[registry.ComputedValue]:
    unit_id = province_id(period)
    if unit_id is None:
        return
    count = DOSSIER_ELEMENTS[code]
    figures = stats.dossier_statistics(
        Dossier.objects.all(), period, stats.Grouping.LEVEL, with_time=False
    )
    for level, row in sorted(stats.by_level(figures).items()):
        yield registry.ComputedValue(
            unit_id, {"level": LEVEL_CODES[UnitLevel(level)]}, Decimal(count(row))
        )


def _catalogue_kept(period: Period) -> bool:
    return period.end >= CATALOGUE_SINCE and period.start <= timezone.localdate()


def _catalogue_values(code: str, period: Period) -> Iterator[registry.ComputedValue]:
    unit_id = province_id(period)
    if unit_id is None or not _catalogue_kept(period):
        return
    rows, total = stats.catalogue_facts(period)
    if not total.current:
        return  # no catalogue kept here (yet): leave the reported values alone
    if code in DVC4_ELEMENTS:
        yield registry.ComputedValue(unit_id, {}, Decimal(DVC4_ELEMENTS[code](total)))
        return
    for row in rows:
        assert row.level is not None
        yield registry.ComputedValue(
            unit_id,
            {"level": LEVEL_CODES[UnitLevel(row.level)]},
            Decimal(CATALOGUE_ELEMENTS[code](row)),
        )


def _bind(function: Callable[[str, Period], Iterator[registry.ComputedValue]], code: str) -> Any:
    def compute(period: Period) -> list[registry.ComputedValue]:
        return list(function(code, period))

    compute.__name__ = f"compute_{code.lower()}"
    return compute


def register_computed() -> None:
    """Register the services' computed data elements (module docstring) with the reporting app."""
    for code in DOSSIER_ELEMENTS:
        registry.register(registry.ComputedElement(code, _bind(_dossier_values, code)))
    for code in (*CATALOGUE_ELEMENTS, *DVC4_ELEMENTS):
        registry.register(
            registry.ComputedElement(code, _bind(_catalogue_values, code), STOCK_PERIODS)
        )


def ensure_catalogue(actor: Any) -> tuple[int, int]:
    """Create or update the data elements and indicators of ``data/indicators/``; return their
    counts. Idempotent; called by the demo loader and by deployments.

    Loaded by the reporting app's own action (:func:`tinhso.indicators.actions.load_catalogue`,
    audited there), pointed at this app's folder.

    Raises:
        ValidationError: an indicator expression does not parse or names an unknown element.
    """
    return load_catalogue(actor=actor, data_dir=DATA_DIR)
