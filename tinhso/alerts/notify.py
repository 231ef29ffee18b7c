"""Delivering alert notifications to channels: e-mail, webhook, SMS.

:func:`notify` runs in the background (``tasks.deliver_notifications``) after a state change
commits. It is called when an alert fires, when a fired alert resolves and when it escalates.
A channel gets the alert when it is enabled, its agency is empty or the alert's, the alert is
at least ``min_severity``, and its ``escalation_level`` fits: firing notifies level-0
channels, an escalation to level N the channels of level N, and the resolution every channel
whose level the alert had reached. An active :class:`~tinhso.alerts.models.Silence` matching
the alert holds the notification back (event ``silenced``); the alert's state is untouched.

Webhooks get a JSON POST (:func:`payload`) with a short timeout; every delivery is kept as an
event (``notified`` or ``notify_failed``), and failures are recorded, never raised. These
events are machine logs of what was sent, like ``tinhso.services.notify``'s deliveries, and
write no audit-ledger entry.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.alerts.models import (
    SEVERITY_RANK,
    Alert,
    AlertEvent,
    Channel,
    ChannelKind,
    EventKind,
    Silence,
)
from tinhso.core.sms import sms_backend

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
ERROR_LENGTH = 500


def active_silences(at: Any = None) -> list[Silence]:
    """The silences in force at ``at`` (default now)."""
    moment = at or timezone.now()
    return list(Silence.objects.filter(starts_at__lte=moment, ends_at__gt=moment))


def silence_for(alert: Alert, silences: list[Silence]) -> Silence | None:
    """The first of ``silences`` that covers ``alert``, if any."""
    return next((s for s in silences if s.matches(alert)), None)


def channels_for(alert: Alert, kind: str) -> list[Channel]:
    """The enabled channels that receive ``alert`` for this kind of notification."""
    level = alert.escalation_level
    channels = Channel.objects.filter(enabled=True).filter(
        Q(agency__isnull=True) | Q(agency_id=alert.agency_id)
    )
    if kind == EventKind.FIRING:
        channels = channels.filter(escalation_level=0)
    elif kind == EventKind.ESCALATED:
        channels = channels.filter(escalation_level=level)
    else:
        channels = channels.filter(escalation_level__lte=level)
    rank = SEVERITY_RANK[alert.severity]
    return [c for c in channels.order_by("id") if SEVERITY_RANK[c.min_severity] <= rank]


def _absolute(link: str) -> str:
    base = str(getattr(settings, "TINHSO_SITE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def payload(alert: Alert, kind: str) -> dict[str, Any]:
    """The JSON body of a webhook call for one alert change."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "event": kind,
        "alert_id": alert.pk,
        "rule": alert.rule.code,
        "key": alert.key,
        "state": alert.state,
        "severity": alert.severity,
        "escalation_level": alert.escalation_level,
        "title": alert.title,
        "message": alert.message,
        "value": alert.value,
        "link": _absolute(alert.link),
        "first_seen_at": iso(alert.first_seen_at),
        "fired_at": iso(alert.fired_at),
        "resolved_at": iso(alert.resolved_at),
        "observed_at": iso(alert.observed_at),
        "acknowledged_at": iso(alert.acknowledged_at),
    }


def _text(alert: Alert, kind: str) -> tuple[str, str]:
    """The subject and body of a message about ``alert``, in Vietnamese."""
    heads: dict[str, str] = {
        EventKind.FIRING: _("[Cảnh báo] %(title)s"),
        EventKind.RESOLVED: _("[Đã kết thúc] %(title)s"),
        EventKind.ESCALATED: _("[Nâng cấp %(level)s] %(title)s"),
    }
    subject = heads.get(kind, heads[EventKind.FIRING]) % {
        "title": alert.title,
        "level": alert.escalation_level,
    }
    lines = [alert.message] if alert.message else []
    if alert.value is not None:
        lines.append(_("Giá trị: %(value)s") % {"value": f"{alert.value:g}"})
    local = timezone.localtime(alert.observed_at)
    lines.append(_("Thời điểm: %(time)s") % {"time": f"{local:%d/%m/%Y %H:%M}"})
    if alert.link:
        lines.append(_absolute(alert.link))
    return subject, "\n".join(lines)


def _send(channel: Channel, alert: Alert, kind: str) -> None:
    """Deliver to one channel; raise on failure."""
    subject, body = _text(alert, kind)
    if channel.kind == ChannelKind.EMAIL:
        send_mail(subject, body, None, [channel.target])
    elif channel.kind == ChannelKind.SMS:
        sms_backend().send(channel.target, subject)
    else:
        response = requests.post(
            channel.target,
            json=payload(alert, kind),
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            headers={"User-Agent": "tinhso-alerts/1"},
        )
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"HTTP {response.status_code}")


def notify(alert_id: int, kind: str) -> list[AlertEvent]:
    """Deliver one alert change to its channels, or hold it back under a silence; return the
    events recorded. Never raises for a failed delivery."""
    alert = Alert.objects.select_related("rule").filter(pk=alert_id).first()
    if alert is None:
        logger.warning("alert %s no longer exists; nothing notified", alert_id)
        return []
    now = timezone.now()
    silence = silence_for(alert, active_silences(now))
    if silence is not None:
        return [
            AlertEvent.objects.create(
                alert=alert,
                at=now,
                kind=EventKind.SILENCED,
                detail={"event": kind, "silence": silence.pk},
            )
        ]
    events = []
    for channel in channels_for(alert, kind):
        detail = {"event": kind, "channel": channel.pk, "channel_kind": channel.kind}
        try:
            _send(channel, alert, kind)
        except Exception as exc:  # any delivery failure is recorded, not raised
            logger.warning("alert %s to channel %s failed: %s", alert_id, channel.pk, exc)
            detail["error"] = str(exc)[:ERROR_LENGTH]
            events.append(
                AlertEvent(alert=alert, at=now, kind=EventKind.NOTIFY_FAILED, detail=detail)
            )
        else:
            events.append(AlertEvent(alert=alert, at=now, kind=EventKind.NOTIFIED, detail=detail))
    return AlertEvent.objects.bulk_create(events)
