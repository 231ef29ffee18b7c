"""Test data for the alerts app, on top of the accounts test province (``build_world``)."""

from __future__ import annotations

from typing import Any

from tinhso.alerts.engine import Condition, Observation
from tinhso.alerts.models import Rule, RuleKind, Severity


def make_rule(code: str = "pm25-high", **fields: Any) -> Rule:
    """A threshold rule (PM2.5 above 50, clears below 45) fired at once unless told otherwise."""
    values: dict[str, Any] = {
        "name": "PM2.5 vượt ngưỡng",
        "source": "environment",
        "kind": RuleKind.THRESHOLD,
        "severity": Severity.WARNING,
        "params": {"parameter": "PM2.5", "above": 50, "clear_below": 45},
        **fields,
    }
    return Rule.objects.create(code=code, **values)


def obs(
    rule: Rule, key: str, condition: Condition, value: float | None = None, **extra: Any
) -> Observation:
    """An observation of ``rule`` for ``key``."""
    return Observation(rule=rule, key=key, condition=condition, value=value, **extra)
