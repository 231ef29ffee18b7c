"""Template helpers of the alerts partials (usable from any app's templates)."""

from __future__ import annotations

from typing import Any

from django import template

from tinhso.accounts.permissions import Perm, can
from tinhso.alerts.models import Alert

register = template.Library()

SEVERITY_BADGES = {"info": "badge-ok", "warning": "badge-warn", "critical": "badge-bad"}


@register.filter
def may_acknowledge(user: Any, alert: Alert) -> bool:
    """Whether ``user`` may acknowledge ``alert`` now (open, not yet acknowledged, in the
    user's ``data.change`` scope); no query once the user's scope is cached."""
    return alert.is_open and alert.acknowledged_at is None and can(user, Perm.DATA_CHANGE, alert)


@register.filter
def severity_badge(severity: str) -> str:
    """The badge class of a severity."""
    return SEVERITY_BADGES.get(severity, "")
