"""Demo data of the reporting app: the catalogue, the resolution's targets, published figures and
illustrative values (``tinhso.indicators.illustrative``) for the demo units. Idempotent.
"""

from __future__ import annotations

import datetime
import time
from typing import TextIO

from django.conf import settings

from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions
from tinhso.indicators.illustrative import batches, illustrative_rows
from tinhso.indicators.periods import Period

# The resolution was adopted by Bắc Giang (code 24 until 30/06/2025); its 2025 targets are measured
# on that province as it last existed, its 2030 orientation on the province that carries it now.
LAST_DAY_BEFORE_REFORM = datetime.date(2025, 6, 30)


def _province_on(day: datetime.date) -> AdministrativeUnit | None:
    return directory.units_on(day).filter(code=settings.TINHSO_PROVINCE_CODE, level=1).first()


def _published_rows(
    old_province: AdministrativeUnit | None, new_province: AdministrativeUnit | None
) -> list[actions.ValueRow]:
    """Published figures on the province that carried the resolution when the period ended."""
    rows: list[actions.ValueRow] = []
    for unit in (old_province, new_province):
        if unit is None:
            continue
        for row in actions.published_rows(unit):
            end = Period.parse(row.period).end
            if (old_province is unit and end <= LAST_DAY_BEFORE_REFORM) or (
                new_province is unit and end > LAST_DAY_BEFORE_REFORM
            ):
                rows.append(row)
    return rows


def load_demo(stdout: TextIO | None = None, *, today: datetime.date | None = None) -> None:
    """Load the catalogue and targets, the published figures and the illustrative values.

    ``today`` (default: today in the province) bounds the illustrative values; existing values
    are never overwritten, so a second run writes nothing new.
    """
    started = time.monotonic()
    today = today or directory.today()
    elements, indicators = actions.load_catalogue(actor=None)
    old_province = _province_on(LAST_DAY_BEFORE_REFORM)
    new_province = _province_on(today)

    def scope_unit_for(deadline: datetime.date) -> AdministrativeUnit | None:
        return old_province if deadline.year <= LAST_DAY_BEFORE_REFORM.year else new_province

    targets = actions.load_targets(actor=None, scope_unit_for=scope_unit_for)
    published_rows = _published_rows(old_province, new_province)
    published = actions.store_values(published_rows, actor=None) if published_rows else 0
    generated = created = 0
    if old_province is not None and old_province.valid_to is not None:
        rows = illustrative_rows(old_province, new_province, today)
        generated = len(rows)
        for batch in batches(rows):
            result = actions.import_values(
                batch, actor=None, strategy=actions.ImportStrategy.CREATE
            )
            created += result.imported
    if stdout is not None:
        stdout.write(
            f"  {elements} data elements, {indicators} indicators, {targets} targets, "
            f"{published} published values, {generated} illustrative values "
            f"({created} new) ({time.monotonic() - started:.1f} s)\n"
        )
