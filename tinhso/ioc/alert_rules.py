"""Alert rules of the operations centre, evaluated by ``tinhso tick`` (see ``tinhso.alerts``).

``ioc.targets_at_risk``: every target of the resolution's scorecard whose status — as the
scorecard itself computes it (:func:`tinhso.indicators.queries.target_rows`) — is "at risk" or
"off track" raises an alert keyed by the target's code; any other status clears it. The alert
belongs to the target's responsible agency and unit, so their people see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.alerts.engine import Condition, Observation
from tinhso.alerts.models import Rule, Severity
from tinhso.alerts.registry import Evaluator, register_evaluator
from tinhso.indicators import queries
from tinhso.indicators.reports import status_label
from tinhso.indicators.status import TargetStatus

TARGETS_AT_RISK = "ioc.targets_at_risk"
AT_RISK = frozenset({TargetStatus.AT_RISK, TargetStatus.OFF_TRACK})


def evaluate_targets(rule: Rule, now: datetime) -> Iterator[Observation]:
    """One observation per target: TRIGGER while at risk or off track, else CLEAR."""
    for row in queries.target_rows(timezone.localdate(now)):
        target = row.target
        if row.status not in AT_RISK:
            yield Observation(rule=rule, key=target.code, condition=Condition.CLEAR, at=now)
            continue
        yield Observation(
            rule=rule,
            key=target.code,
            condition=Condition.TRIGGER,
            value=row.current_value,
            at=now,
            title=_("Chỉ tiêu %(code)s: %(status)s")
            % {"code": target.code, "status": status_label(row.status)},
            message=_("%(name)s — hạn %(deadline)s.")
            % {"name": target.name, "deadline": target.deadline.strftime("%d/%m/%Y")},
            agency_id=target.responsible_agency_id,
            unit_id=target.scope_unit_id,
            link=reverse("indicators:scorecard-leaders-target", args=[target.code]),
        )


def register_alert_rules() -> None:
    """Register the operations centre's evaluators with the alerting engine."""
    register_evaluator(
        Evaluator(
            code=TARGETS_AT_RISK,
            name=gettext_lazy("Chỉ tiêu có nguy cơ không đạt"),
            source="ioc",
            evaluate=evaluate_targets,
            default_rule={
                "name": "Chỉ tiêu có nguy cơ không đạt",
                "description": (
                    "Chỉ tiêu của Nghị quyết có nguy cơ không đạt hoặc chậm tiến độ theo "
                    "bảng theo dõi chỉ tiêu."
                ),
                "severity": Severity.WARNING,
                "params": {},
                "for_seconds": 0,
                "escalate_after_minutes": 7 * 24 * 60,
            },
        )
    )
