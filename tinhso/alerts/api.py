"""API of the alerts app (mounted by ``tinhso/api.py`` at /api/v1/alerts).

With an officer's token or session: the alerts in the caller's ``data.view`` scope (alerts
with neither agency nor unit need a province-wide grant), one alert with its history, and
acknowledgement (``data.change`` over the alert).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from tinhso.accounts.auth import api_auth
from tinhso.accounts.permissions import Perm, can
from tinhso.alerts import engine, queries
from tinhso.alerts.models import Alert
from tinhso.alerts.schemas import AckIn, AlertDetailOut, AlertFilters, PagedAlertOut
from tinhso.core.pagination import Pagination

router = Router(tags=["alerts"])


def _out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "rule": alert.rule.code,
        "source": alert.rule.source,
        "key": alert.key,
        "state": alert.state,
        "severity": alert.severity,
        "title": alert.title,
        "message": alert.message,
        "value": alert.value,
        "link": alert.link,
        "agency": alert.agency_id,
        "unit": alert.unit_id,
        "first_seen_at": alert.first_seen_at,
        "fired_at": alert.fired_at,
        "resolved_at": alert.resolved_at,
        "last_seen_at": alert.last_seen_at,
        "observed_at": alert.observed_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": (
            alert.acknowledged_by.get_username() if alert.acknowledged_by else None
        ),
        "ack_comment": alert.ack_comment,
        "escalation_level": alert.escalation_level,
        "silenced": getattr(alert, "silenced", None) is not None,
    }


def _detail(alert: Alert) -> dict[str, Any]:
    [alert] = queries.mark_silenced([alert])
    events = [
        {
            "at": event.at,
            "kind": event.kind,
            "actor": event.actor.get_username() if event.actor else None,
            "comment": event.comment,
            "detail": event.detail,
        }
        for event in alert.events.select_related("actor")
    ]
    return {**_out(alert), "events": events}


def _readable(request: HttpRequest, alert_id: int) -> Alert:
    alert = queries.visible_alerts(request.auth).filter(pk=alert_id).first()  # type: ignore[attr-defined]
    if alert is None:
        raise Http404(_("Không có cảnh báo số %(id)s trong phạm vi của bạn.") % {"id": alert_id})
    return alert


@router.get(
    "",
    auth=api_auth,
    response=PagedAlertOut,
    operation_id="alerts_list_alerts",
    summary="Cảnh báo trong phạm vi được xem (alerts the caller may see)",
)
def list_alerts(
    request: HttpRequest, filters: Query[AlertFilters], page: Query[Pagination.Input]
) -> dict[str, Any]:
    """Alerts in the caller's ``data.view`` scope, most severe then newest first."""
    alerts = queries.filter_alerts(
        queries.visible_alerts(request.auth),  # type: ignore[attr-defined]
        state=filters.state,
        severity=filters.severity or "",
        source=filters.source or "",
    )
    count = alerts.count()
    rows = queries.mark_silenced(queries.by_urgency(alerts)[page.offset : page.offset + page.limit])
    return {"items": [_out(alert) for alert in rows], "count": count}


@router.get(
    "/{int:alert_id}",
    auth=api_auth,
    response=AlertDetailOut,
    operation_id="alerts_get_alert",
    summary="Một cảnh báo với lịch sử (an alert with its history)",
)
def get_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    """The alert, if it lies in the caller's ``data.view`` scope (404 otherwise)."""
    return _detail(_readable(request, alert_id))


@router.post(
    "/{int:alert_id}/ack",
    auth=api_auth,
    response=AlertDetailOut,
    operation_id="alerts_acknowledge_alert",
    summary="Xác nhận cảnh báo (acknowledge an alert)",
)
def acknowledge_alert(request: HttpRequest, alert_id: int, payload: AckIn) -> dict[str, Any]:
    """Acknowledge an open alert with a comment; 403 without ``data.change`` over it, 422 when
    the comment is blank or the alert is resolved or already acknowledged."""
    user = request.auth  # type: ignore[attr-defined]
    alert = _readable(request, alert_id)
    if not can(user, Perm.DATA_CHANGE, alert):
        raise PermissionDenied(_("Bạn không có quyền xác nhận cảnh báo này."))
    engine.acknowledge(alert, actor=user, comment=payload.comment)
    return _detail(_readable(request, alert_id))
