"""Alert rules of the services app, evaluated by ``tinhso tick`` (see ``tinhso.alerts``).

``services.overdue_dossiers``: per handling agency, the dossiers in hand past their
appointment date — the inbox's "Quá hạn" tab (``inbox.tab_conditions``). TRIGGER while an
agency has any, CLEAR when it has none; the alert belongs to the agency, so its officers see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.alerts.engine import Condition, Observation
from tinhso.alerts.models import Rule, Severity
from tinhso.alerts.registry import Evaluator, register_evaluator
from tinhso.directory.models import Agency
from tinhso.services.inbox import tab_conditions
from tinhso.services.models import Dossier
from tinhso.services.workdays import calendar

OVERDUE = "services.overdue_dossiers"


def overdue_by_agency(now: datetime) -> dict[int, int]:
    """The number of overdue dossiers of each handling agency that has any (one query)."""
    condition = tab_conditions(timezone.localdate(now), calendar())["overdue"]
    rows = (
        Dossier.objects.filter(condition, handling_agency__isnull=False)
        .order_by()
        .values_list("handling_agency")
        .annotate(n=Count("id"))
    )
    return {int(agency): int(n) for agency, n in rows}


def evaluate_overdue(rule: Rule, now: datetime) -> Iterator[Observation]:
    """One observation per agency: TRIGGER with the count when it has overdue dossiers."""
    counts = overdue_by_agency(now)
    link = reverse("services:inbox") + "?tab=overdue"
    for agency_id, name in Agency.objects.order_by("id").values_list("id", "name"):
        count = counts.get(agency_id, 0)
        key = f"agency:{agency_id}"
        if not count:
            yield Observation(rule=rule, key=key, condition=Condition.CLEAR, value=0, at=now)
            continue
        yield Observation(
            rule=rule,
            key=key,
            condition=Condition.TRIGGER,
            value=count,
            at=now,
            title=_("Hồ sơ quá hạn tại %(agency)s") % {"agency": name},
            message=_("%(agency)s có %(count)s hồ sơ đang giải quyết đã quá ngày hẹn trả.")
            % {"agency": name, "count": count},
            agency_id=agency_id,
            link=link,
        )


def register_alert_rules() -> None:
    """Register the services app's evaluators with the alerting engine."""
    register_evaluator(
        Evaluator(
            code=OVERDUE,
            name=gettext_lazy("Hồ sơ quá hạn"),
            source="services",
            evaluate=evaluate_overdue,
            default_rule={
                "name": "Hồ sơ quá hạn",
                "description": "Cơ quan có hồ sơ đang giải quyết đã quá ngày hẹn trả kết quả.",
                "severity": Severity.WARNING,
                "params": {},
                "for_seconds": 0,
                "escalate_after_minutes": 24 * 60,
            },
        )
    )
