"""Schemas of the alerts API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

StateFilter = Literal["open", "pending", "firing", "resolved", "all"]
SeverityName = Literal["info", "warning", "critical"]


class AlertFilters(Schema):
    """Filters of the alert list."""

    state: StateFilter = Field("open", description="open (pending or firing), one state, or all")
    severity: SeverityName | None = None
    source: str | None = Field(None, max_length=50, description="the rule's source app")


class AlertOut(Schema):
    """An alert as the list shows it."""

    id: int
    rule: str = Field(description="the rule's code")
    source: str
    key: str
    state: Literal["pending", "firing", "resolved"]
    severity: SeverityName
    title: str
    message: str
    value: float | None
    link: str
    agency: int | None
    unit: int | None
    first_seen_at: datetime
    fired_at: datetime | None
    resolved_at: datetime | None
    last_seen_at: datetime
    observed_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    ack_comment: str
    escalation_level: int
    silenced: bool = Field(description="an active silence holds back its notifications")


class AlertEventOut(Schema):
    """One entry of an alert's history."""

    at: datetime
    kind: str
    actor: str | None
    comment: str
    detail: dict[str, object]


class AlertDetailOut(AlertOut):
    """An alert with its history."""

    events: list[AlertEventOut]


class PagedAlertOut(Schema):
    """A page of alerts in the API's one envelope."""

    items: list[AlertOut]
    count: int


class AckIn(Schema):
    """An acknowledgement."""

    comment: str = Field(min_length=1, max_length=2000)
