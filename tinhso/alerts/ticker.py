"""One round of the alerting schedule (``tinhso tick``): evaluate, promote, escalate."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from tinhso.alerts import actions, engine
from tinhso.alerts.models import Rule, RuleKind
from tinhso.alerts.registry import evaluator_for
from tinhso.core import registry

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What one round did."""

    rules: int = 0
    observations: int = 0
    changed: int = 0
    promoted: int = 0
    escalated: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.rules} rules, {self.observations} observations, {self.changed} changed, "
            f"{self.promoted} promoted, {self.escalated} escalated, {len(self.errors)} errors"
        )


def tick(now: datetime | None = None) -> TickReport:
    """Run one round of the schedule.

    Runs the apps' periodic jobs (``core.registry.Periodic``), creates the rules of newly
    registered evaluators, runs every enabled ``registered`` rule's evaluator and observes its
    results (a failing evaluator is logged and reported, the others still run), fires the
    pending alerts whose hold time has passed while still seen, and escalates the firing alerts
    left unacknowledged too long. Nothing expires otherwise.
    """
    now = now or timezone.now()
    report = TickReport()
    for job in registry.periodic_jobs():
        try:
            job.run()
        except Exception as exc:  # one broken job must not stop the round
            logger.exception("periodic job %s failed", job.key)
            report.errors.append(f"{job.key}: {exc}")
    actions.ensure_registered_rules()
    for rule in Rule.objects.filter(enabled=True, kind=RuleKind.REGISTERED).order_by("code"):
        evaluator = evaluator_for(rule)
        if evaluator is None:
            continue
        report.rules += 1
        try:
            observations = list(evaluator.evaluate(rule, now))
            report.observations += len(observations)
            report.changed += len(engine.observe(observations, now=now))
        except Exception as exc:  # one broken evaluator must not stop the others
            logger.exception("evaluating alert rule %s failed", rule.code)
            report.errors.append(f"{rule.code}: {exc}")
    report.promoted = len(engine.promote_pending(now))
    report.escalated = len(engine.escalate_unacknowledged(now))
    return report
