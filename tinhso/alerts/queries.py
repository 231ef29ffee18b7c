"""Reads of the alerts app shared by its pages, its API and the operations centre.

Alerts, rules and silences are placed by their agency and unit fields: officers see those of
the agencies and units in their ``data.view`` scope. Those with neither (province-wide: e.g.
a rule for the whole province, an alert of a provincial station with no agency) are seen only
by people with a province-wide grant, as ``scope_queryset`` leaves out rows it cannot place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tinhso.accounts.permissions import Perm, scope_queryset
from tinhso.alerts.models import OPEN_STATES, SEVERITY_RANK, Alert, Rule, Silence, State
from tinhso.alerts.notify import active_silences, silence_for

ALERT_RELATED = ("rule", "agency", "acknowledged_by")

SEVERITY_ORDER = Case(
    *[When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()],
    default=Value(-1),
    output_field=IntegerField(),
)


def visible_alerts(user: Any) -> QuerySet[Alert]:
    """The alerts ``user`` may view (scoped by the alert's agency and unit)."""
    return scope_queryset(
        user, Perm.DATA_VIEW, Alert.objects.all(), agency_field="agency", unit_field="unit"
    ).select_related(*ALERT_RELATED)


def filter_alerts(
    alerts: QuerySet[Alert], *, state: str = "open", severity: str = "", source: str = ""
) -> QuerySet[Alert]:
    """Narrow alerts by state (``open``, ``resolved``, ``all`` or a single state), severity
    and the rule's source app."""
    if state == "open":
        alerts = alerts.filter(state__in=OPEN_STATES)
    elif state in State.values:
        alerts = alerts.filter(state=state)
    if severity:
        alerts = alerts.filter(severity=severity)
    if source:
        alerts = alerts.filter(rule__source=source)
    return alerts


def by_urgency(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Most severe first, then the newest."""
    return alerts.annotate(severity_rank=SEVERITY_ORDER).order_by(
        "-severity_rank", "-first_seen_at", "-id"
    )


def mark_silenced(alerts: Iterable[Alert]) -> list[Alert]:
    """Set ``alert.silenced`` (the silence in force over it, or None) on each (one query)."""
    rows = list(alerts)
    silences = active_silences() if any(a.is_open for a in rows) else []
    for alert in rows:
        alert.silenced = silence_for(alert, silences) if alert.is_open else None  # type: ignore[attr-defined]
    return rows


def open_alerts(user: Any, limit: int = 20) -> list[Alert]:
    """The open alerts ``user`` may view, most severe then newest first, at most ``limit``,
    each marked ``silenced`` — for ``alerts/partials/_alert_rows.html`` (two queries)."""
    alerts = by_urgency(visible_alerts(user).filter(state__in=OPEN_STATES))[:limit]
    return mark_silenced(alerts)


def sources() -> list[str]:
    """The source apps that have rules (for the filters)."""
    return list(Rule.objects.order_by("source").values_list("source", flat=True).distinct())


def visible_rules(user: Any) -> QuerySet[Rule]:
    """The rules ``user`` may view (province-wide ones: province-wide grants only)."""
    return scope_queryset(
        user, Perm.DATA_VIEW, Rule.objects.all(), agency_field="agency", unit_field="unit"
    ).select_related("agency", "unit")


def visible_silences(user: Any) -> QuerySet[Silence]:
    """The silences ``user`` may view (those of every agency: province-wide grants only)."""
    return scope_queryset(
        user, Perm.DATA_VIEW, Silence.objects.all(), agency_field="agency"
    ).select_related("rule", "agency", "created_by")
