"""Demo data of the reporting app: the catalogue, the resolution's targets, published figures."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.conf import settings

from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions

# The resolution was adopted by Bắc Giang (code 24 until 30/06/2025); its 2025 targets are measured
# on that province as it last existed, its 2030 orientation on the province that carries it now.
LAST_DAY_BEFORE_REFORM = datetime.date(2025, 6, 30)


def _province_on(day: datetime.date) -> AdministrativeUnit | None:
    return directory.units_on(day).filter(code=settings.TINHSO_PROVINCE_CODE, level=1).first()


def load_demo(stdout: TextIO | None = None) -> None:
    """Load the catalogue and targets, and the published figures of the former Bắc Giang."""
    elements, indicators = actions.load_catalogue(actor=None)
    old_province = _province_on(LAST_DAY_BEFORE_REFORM)
    new_province = _province_on(directory.today())

    def scope_unit_for(deadline: datetime.date) -> AdministrativeUnit | None:
        return old_province if deadline.year <= LAST_DAY_BEFORE_REFORM.year else new_province

    targets = actions.load_targets(actor=None, scope_unit_for=scope_unit_for)
    published = (
        actions.store_values(list(actions.published_rows(old_province)), actor=None)
        if old_province is not None
        else 0
    )
    if stdout is not None:
        stdout.write(
            f"  {elements} data elements, {indicators} indicators, {targets} targets, "
            f"{published} published values\n"
        )
