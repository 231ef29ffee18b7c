"""Demo data of reporting regimes: the shipped regimes and their latest periods, opened."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from tinhso.directory import queries as directory
from tinhso.indicators import actions
from tinhso.indicators.models import ReportingRegime
from tinhso.indicators.periods import period_for_day

# How many recent periods of each regime the demo opens (the current one included).
OPEN_PERIODS = 3


def load_regime_demo(stdout: TextIO | None = None) -> None:
    """Load the regimes and open each one's latest periods, snapshotting who must report."""
    count = actions.load_regimes(actor=None, province_code=settings.TINHSO_PROVINCE_CODE)
    today = directory.today()
    opened = 0
    for regime in ReportingRegime.objects.all():
        current = period_for_day(regime.period_kind, today, regime.cutoff_rule)
        for back in range(OPEN_PERIODS):
            opened += actions.open_period(regime, current.offset(-back).code, actor=None)
    if stdout is not None:
        stdout.write(f"  {count} reporting regimes, {opened} expected reports opened\n")
