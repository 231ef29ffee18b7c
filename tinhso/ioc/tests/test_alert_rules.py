"""The "targets at risk" alert rule: fires for targets the scorecard marks at risk or off track,
clears when they recover."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tinhso.alerts import actions as alert_actions
from tinhso.alerts.engine import Condition, observe
from tinhso.alerts.models import Alert, Rule, State
from tinhso.alerts.registry import evaluator_for
from tinhso.indicators import actions as indicator_actions
from tinhso.indicators import queries
from tinhso.indicators.models import Target
from tinhso.indicators.status import TargetStatus
from tinhso.ioc.alert_rules import TARGETS_AT_RISK
from tinhso.ioc.tests.factories import IocWorld, share_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(ioc: IocWorld) -> Rule:
    alert_actions.ensure_registered_rules()
    return Rule.objects.get(code=TARGETS_AT_RISK)


def test_the_rule_is_registered_with_the_alerting_engine(rule: Rule) -> None:
    evaluator = evaluator_for(rule)
    assert evaluator is not None and evaluator.source == "ioc"
    assert rule.params["evaluator"] == TARGETS_AT_RISK


def test_targets_behind_fire_and_those_on_course_clear(ioc: IocWorld, rule: Rule) -> None:
    province = ioc.env.world.province
    today = timezone.localdate()
    next_year = today.replace(year=today.year + 1)
    share_target("BEHIND", "90", next_year, province)
    share_target("DONE", "10", next_year, province)
    indicator_actions.store_values(
        [indicator_actions.ValueRow("SHARE", province, str(today.year - 1), Decimal(20), {})],
        actor=None,
    )
    statuses = {row.target.code: row.status for row in queries.target_rows()}
    assert statuses == {"BEHIND": TargetStatus.OFF_TRACK, "DONE": TargetStatus.ACHIEVED}

    now = timezone.now()
    observations = {o.key: o for o in evaluator_for(rule).evaluate(rule, now)}  # type: ignore[union-attr]
    assert observations["BEHIND"].condition == Condition.TRIGGER
    assert observations["BEHIND"].value == 20
    assert observations["BEHIND"].link == "/reports/scorecard/leaders/BEHIND/"
    assert observations["DONE"].condition == Condition.CLEAR
    observe(list(observations.values()), now=now)
    alert = Alert.objects.get(rule=rule, key="BEHIND")
    assert alert.state == State.FIRING and not Alert.objects.filter(key="DONE").exists()

    # The province catches up: the scorecard now says achieved, and the alert resolves.
    Target.objects.filter(code="BEHIND").update(target_value=Decimal(15))
    later = now + datetime.timedelta(minutes=5)
    observe(list(evaluator_for(rule).evaluate(rule, later)), now=later)  # type: ignore[union-attr]
    alert.refresh_from_db()
    assert alert.state == State.RESOLVED
