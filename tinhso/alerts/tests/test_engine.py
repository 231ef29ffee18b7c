"""The alert state machine: every state × condition, hysteresis, deduplication, cost."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from tinhso.alerts import engine
from tinhso.alerts.engine import Condition, observe, threshold_condition
from tinhso.alerts.models import Alert, AlertEvent, Rule, State
from tinhso.alerts.tests.factories import make_rule, obs
from tinhso.alerts.ticker import tick
from tinhso.core.models import AuditEntry

T, H, C = Condition.TRIGGER, Condition.HOLD, Condition.CLEAR
KEY = "station:BG-KK-01/PM2.5"

pytestmark = pytest.mark.django_db


def events(alert: Alert) -> list[str]:
    return list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))


def only_alert() -> Alert:
    [alert] = Alert.objects.all()
    return alert


@pytest.fixture
def rule() -> Rule:
    return make_rule()


@pytest.fixture
def slow_rule() -> Rule:
    return make_rule("pm25-sustained", for_seconds=600)


# --- no open alert --------------------------------------------------------------------------


def test_trigger_fires_at_once_when_the_rule_needs_no_hold_time(rule: Rule) -> None:
    now = timezone.now()
    read_at = now - timedelta(minutes=3)
    [alert] = observe([obs(rule, KEY, T, 62.0, at=read_at, title="PM2.5 cao")], now=now)

    stored = only_alert()
    assert stored.pk == alert.pk and stored.state == State.FIRING
    assert (stored.fired_at, stored.first_seen_at, stored.observed_at) == (now, now, read_at)
    assert (stored.value, stored.title, stored.severity) == (62.0, "PM2.5 cao", rule.severity)
    assert events(stored) == ["firing"]
    assert AuditEntry.objects.filter(action="alerts.alert.firing", object_id=str(alert.pk)).exists()


def test_trigger_opens_a_pending_alert_when_the_rule_has_a_hold_time(slow_rule: Rule) -> None:
    [alert] = observe([obs(slow_rule, KEY, T, 62.0)])
    assert alert.state == State.PENDING and alert.fired_at is None
    assert events(alert) == ["pending"]


def test_clear_without_an_open_alert_costs_one_query_and_writes_nothing(
    rule: Rule, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert observe([obs(rule, KEY, C, 10.0)]) == []
    assert not Alert.objects.exists()


def test_hold_costs_no_query(rule: Rule, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert observe([obs(rule, KEY, H, 48.0)]) == []
    assert not Alert.objects.exists()


# --- pending --------------------------------------------------------------------------------


def test_pending_stays_pending_until_the_hold_time_has_passed(slow_rule: Rule) -> None:
    start = timezone.now()
    observe([obs(slow_rule, KEY, T, 60.0)], now=start)
    later = start + timedelta(seconds=599)
    assert observe([obs(slow_rule, KEY, T, 70.0)], now=later) == []
    alert = only_alert()
    assert (alert.state, alert.value, alert.last_seen_at) == (State.PENDING, 70.0, later)


def test_pending_fires_on_a_trigger_once_the_hold_time_has_passed(slow_rule: Rule) -> None:
    start = timezone.now()
    observe([obs(slow_rule, KEY, T, 60.0)], now=start)
    [alert] = observe([obs(slow_rule, KEY, T, 65.0)], now=start + timedelta(seconds=600))
    assert alert.state == State.FIRING and alert.fired_at == start + timedelta(seconds=600)
    assert events(alert) == ["pending", "firing"]


def test_pending_resolves_without_firing_on_clear(
    slow_rule: Rule, immediate_tasks: None, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tinhso.alerts.models import Channel

    Channel.objects.create(name="Trực ban", kind="email", target="trucban@example.vn")
    observe([obs(slow_rule, KEY, T, 60.0)])
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = observe([obs(slow_rule, KEY, C, 40.0)])
    assert alert.state == State.RESOLVED and alert.fired_at is None and alert.resolved_at
    assert events(alert) == ["pending", "resolved"]
    assert mailoutbox == []


def test_hold_leaves_a_pending_alert_as_it_is(slow_rule: Rule) -> None:
    start = timezone.now()
    observe([obs(slow_rule, KEY, T, 60.0)], now=start)
    assert observe([obs(slow_rule, KEY, H, 48.0)], now=start + timedelta(hours=1)) == []
    alert = only_alert()
    assert (alert.state, alert.value, alert.last_seen_at) == (State.PENDING, 60.0, start)


def test_the_ticker_fires_a_pending_alert_still_seen_after_its_hold_time(slow_rule: Rule) -> None:
    start = timezone.now()
    observe([obs(slow_rule, KEY, T, 60.0)], now=start)
    assert tick(start + timedelta(seconds=300)).promoted == 0
    assert only_alert().state == State.PENDING

    report = tick(start + timedelta(seconds=600))

    assert report.promoted == 1 and only_alert().state == State.FIRING
    assert events(only_alert()) == ["pending", "firing"]


def test_the_ticker_leaves_pending_an_alert_not_seen_lately(slow_rule: Rule) -> None:
    start = timezone.now()
    observe([obs(slow_rule, KEY, T, 60.0)], now=start)
    assert tick(start + timedelta(hours=2)).promoted == 0
    assert only_alert().state == State.PENDING


# --- firing ---------------------------------------------------------------------------------


def test_trigger_on_a_firing_alert_updates_it_without_a_new_alert(rule: Rule) -> None:
    start = timezone.now()
    observe([obs(rule, KEY, T, 60.0)], now=start)
    later = start + timedelta(minutes=5)
    assert observe([obs(rule, KEY, T, 80.0, at=later, message="Tăng")], now=later) == []
    alert = only_alert()
    assert (alert.state, alert.value, alert.last_seen_at, alert.observed_at, alert.message) == (
        State.FIRING,
        80.0,
        later,
        later,
        "Tăng",
    )
    assert events(alert) == ["firing"]


def test_clear_resolves_a_firing_alert(rule: Rule) -> None:
    observe([obs(rule, KEY, T, 60.0)])
    [alert] = observe([obs(rule, KEY, C, 40.0)])
    assert alert.state == State.RESOLVED and alert.fired_at and alert.resolved_at
    assert events(alert) == ["firing", "resolved"]


def test_hold_leaves_a_firing_alert_firing(rule: Rule) -> None:
    observe([obs(rule, KEY, T, 60.0)])
    assert observe([obs(rule, KEY, H, 47.0)]) == []
    assert only_alert().state == State.FIRING


# --- resolved -------------------------------------------------------------------------------


def test_a_trigger_after_resolution_opens_a_new_alert_and_keeps_the_old(rule: Rule) -> None:
    observe([obs(rule, KEY, T, 60.0)])
    observe([obs(rule, KEY, C, 40.0)])
    [again] = observe([obs(rule, KEY, T, 70.0)])
    states = dict(Alert.objects.values_list("pk", "state"))
    assert len(states) == 2 and states[again.pk] == State.FIRING
    assert sorted(states.values()) == [State.FIRING, State.RESOLVED]


def test_clear_and_hold_after_resolution_change_nothing(rule: Rule) -> None:
    observe([obs(rule, KEY, T, 60.0)])
    observe([obs(rule, KEY, C, 40.0)])
    assert observe([obs(rule, KEY, C, 30.0), obs(rule, KEY, H, 47.0)]) == []
    assert only_alert().state == State.RESOLVED


# --- within one batch -------------------------------------------------------------------------


def test_observations_of_one_key_in_a_batch_apply_in_order(rule: Rule) -> None:
    changed = observe([obs(rule, KEY, T, 60.0), obs(rule, KEY, C, 40.0), obs(rule, KEY, T, 61.0)])
    assert sorted(a.state for a in changed) == [State.FIRING, State.RESOLVED]
    resolved = Alert.objects.get(state=State.RESOLVED)
    assert events(resolved) == ["firing", "resolved"]
    assert Alert.objects.get(state=State.FIRING).value == 61.0


# --- hysteresis -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "value", "expected"),
    [
        ({"above": 50, "clear_below": 45}, 50.1, T),
        ({"above": 50, "clear_below": 45}, 50.0, H),
        ({"above": 50, "clear_below": 45}, 47.0, H),
        ({"above": 50, "clear_below": 45}, 45.0, H),
        ({"above": 50, "clear_below": 45}, 44.9, C),
        ({"above": 50}, 49.9, C),
        ({"below": 5, "clear_above": 6}, 4.9, T),
        ({"below": 5, "clear_above": 6}, 5.5, H),
        ({"below": 5, "clear_above": 6}, 6.1, C),
    ],
)
def test_threshold_condition_has_a_hysteresis_band(
    params: dict[str, float], value: float, expected: Condition
) -> None:
    assert threshold_condition(Rule(code="r", params=params), value) == expected


def test_threshold_condition_needs_a_limit() -> None:
    with pytest.raises(ValueError, match="above"):
        threshold_condition(Rule(code="r", params={"parameter": "PM10"}), 1.0)


def test_the_band_keeps_a_firing_alert_open_until_below_the_clear_level(rule: Rule) -> None:
    for value in (55.0, 48.0, 46.0):
        observe([obs(rule, KEY, threshold_condition(rule, value), value)])
        assert only_alert().state == State.FIRING
    observe([obs(rule, KEY, threshold_condition(rule, 44.0), 44.0)])
    assert only_alert().state == State.RESOLVED


# --- deduplication --------------------------------------------------------------------------


def test_repeated_triggers_never_open_a_second_alert(rule: Rule) -> None:
    observe([obs(rule, KEY, T, 60.0)] * 3)
    for _ in range(3):
        observe([obs(rule, KEY, T, 60.0)])
    assert Alert.objects.count() == 1


def test_a_stale_read_of_the_open_alerts_falls_back_on_the_alert_that_won(
    rule: Rule, monkeypatch: Any
) -> None:
    [winner] = observe([obs(rule, KEY, T, 60.0)])
    monkeypatch.setattr(engine, "_open_alerts", lambda rule_ids: {})  # as if read before it

    changed = observe([obs(rule, KEY, T, 75.0), obs(rule, "station:other", T, 90.0)])

    assert [a.key for a in changed] == ["station:other"]
    assert Alert.objects.filter(key=KEY).count() == 1
    assert Alert.objects.get(pk=winner.pk).value == 75.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_evaluations_racing_on_postgresql_open_one_alert() -> None:
    rule = make_rule("race", params={"above": 1})
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run(value: float) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(len(observe([obs(rule, KEY, T, value)])))
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(v,)) for v in (2.0, 3.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Alert.objects.filter(rule=rule, state=State.FIRING).count() == 1
    assert sorted(results) == [0, 1]


# --- cost of big batches ----------------------------------------------------------------------


def test_a_thousand_triggers_on_firing_alerts_cost_a_few_queries(
    rule: Rule, django_assert_max_num_queries: Any
) -> None:
    keys = [f"station:{n}" for n in range(1000)]
    observe([obs(rule, key, T, 60.0) for key in keys])
    assert Alert.objects.filter(state=State.FIRING).count() == 1000

    with django_assert_max_num_queries(3):
        assert observe([obs(rule, key, T, 61.0 + n) for n, key in enumerate(keys)]) == []
    assert Alert.objects.get(key="station:999").value == 1060.0


def test_a_thousand_clears_without_open_alerts_cost_one_query(
    rule: Rule, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        observe([obs(rule, f"station:{n}", C, 1.0) for n in range(1000)])


def test_a_thousand_new_alerts_are_written_in_bulk_and_audited_once(
    rule: Rule, django_assert_max_num_queries: Any
) -> None:
    # Bulk inserts in batches (SQLite's 999 parameters make ~30 of them), never one per alert.
    with django_assert_max_num_queries(60):
        changed = observe([obs(rule, f"station:{n}", T, 60.0) for n in range(1000)])
    assert len(changed) == 1000 and AlertEvent.objects.count() == 1000
    [entry] = AuditEntry.objects.filter(action="alerts.alert.observe")
    assert entry.batch_count == 1000
