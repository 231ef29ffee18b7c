"""API schemas of the reporting app."""

from __future__ import annotations

import datetime

from ninja import Schema


class TargetOut(Schema):
    """A target of the resolution with its measured state."""

    code: str
    name: str
    indicator: str
    comparison: str
    target_value: float
    unit_of_measure: str
    deadline: datetime.date
    scope: str
    scope_unit: str | None
    legal_basis: str
    current_value: float | None
    current_period: str | None
    projected_value: float | None
    status: str
