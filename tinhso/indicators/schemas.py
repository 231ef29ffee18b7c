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


class DataValueOut(Schema):
    """One stored value in DHIS2 form (codes; ``categoryOptionCombo`` ``default`` or
    ``name=option;...``)."""

    dataElement: str
    period: str
    orgUnit: str
    categoryOptionCombo: str
    attributeOptionCombo: str
    value: str
    storedBy: str
    lastUpdated: str
    comment: str


class DataValueSetOut(Schema):
    """A DHIS2 data value set as exported."""

    dataValues: list[DataValueOut]


class ImportCount(Schema):
    """DHIS2 import counts."""

    imported: int
    updated: int
    ignored: int
    deleted: int


class ImportConflict(Schema):
    """A value that was ignored: the offending identifier and why."""

    object: str
    value: str


class ImportSummary(Schema):
    """DHIS2 ImportSummary of a data value set import."""

    responseType: str
    status: str
    description: str
    importCount: ImportCount
    conflicts: list[ImportConflict]
    dryRun: bool
