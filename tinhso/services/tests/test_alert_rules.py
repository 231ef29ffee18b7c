"""The services app's alert rule: overdue dossiers per agency, through the alerts ticker."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from tinhso.alerts.models import Alert, Rule, RuleKind, State
from tinhso.alerts.registry import evaluators
from tinhso.alerts.ticker import tick
from tinhso.services.alert_rules import OVERDUE
from tinhso.services.models import Dossier
from tinhso.services.tests.factories import ServicesWorld, received_birth


def make_overdue(dossier: Dossier) -> None:
    """Move the appointment date into the past (test set-up)."""
    Dossier.objects.filter(pk=dossier.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )


def test_the_services_app_registers_the_overdue_dossier_evaluator() -> None:
    assert OVERDUE in [e.code for e in evaluators()]


def test_the_ticker_creates_the_registered_rule_once_and_keeps_an_operator_s_edits(
    db: None,
) -> None:
    tick()
    rule = Rule.objects.get(code=OVERDUE)
    assert (rule.kind, rule.source, rule.params) == (
        RuleKind.REGISTERED,
        "services",
        {"evaluator": OVERDUE},
    )
    Rule.objects.filter(pk=rule.pk).update(name="Hồ sơ trễ hẹn", escalate_after_minutes=60)
    tick()
    rule.refresh_from_db()
    assert (rule.name, rule.escalate_after_minutes) == ("Hồ sơ trễ hẹn", 60)
    assert Rule.objects.filter(code=OVERDUE).count() == 1


def test_an_agency_with_overdue_dossiers_fires_and_clears_when_none_are_left(
    sw: ServicesWorld,
) -> None:
    dossier = received_birth(sw)
    tick()
    assert not Alert.objects.exists()  # in hand, not overdue

    make_overdue(dossier)
    report = tick()

    alert = Alert.objects.get()
    assert report.changed == 1 and alert.state == State.FIRING
    assert (alert.key, alert.agency_id, alert.value) == (
        f"agency:{dossier.handling_agency_id}",
        dossier.handling_agency_id,
        1.0,
    )
    assert alert.title == f"Hồ sơ quá hạn tại {sw.ubnd_bac_giang.name}"
    assert alert.link == "/services/xu-ly/?tab=overdue"

    second = received_birth(sw)
    make_overdue(second)
    tick()
    assert Alert.objects.get().value == 2.0  # the same alert, updated

    Dossier.objects.filter(pk__in=[dossier.pk, second.pk]).update(
        due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    tick()
    assert Alert.objects.get().state == State.RESOLVED


def test_a_disabled_rule_is_not_evaluated(sw: ServicesWorld) -> None:
    tick()
    Rule.objects.filter(code=OVERDUE).update(enabled=False)
    make_overdue(received_birth(sw))
    others = Rule.objects.filter(enabled=True, kind=RuleKind.REGISTERED).count()
    assert tick().rules == others  # the other apps' registered rules still run
    assert not Alert.objects.filter(rule__code=OVERDUE).exists()


def test_a_failing_evaluator_is_reported_and_the_round_goes_on(
    sw: ServicesWorld, monkeypatch: Any
) -> None:
    from tinhso.services import alert_rules

    def broken(now: Any) -> dict[int, int]:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(alert_rules, "overdue_by_agency", broken)
    report = tick()
    assert report.errors == [f"{OVERDUE}: database hiccup"]


def test_the_tick_command_runs_one_round(sw: ServicesWorld, capsys: Any) -> None:
    make_overdue(received_birth(sw))
    call_command("tick", "--once")
    assert "1 changed" in capsys.readouterr().out
    assert Alert.objects.filter(state=State.FIRING).count() == 1
