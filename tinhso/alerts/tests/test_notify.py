"""Acknowledgement, escalation, silences and delivery to e-mail, webhook and SMS channels."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tinhso.accounts.tests.factories import World
from tinhso.alerts import actions, engine, notify
from tinhso.alerts.engine import Condition, observe
from tinhso.alerts.models import Alert, AlertEvent, Channel, Rule, Severity, Silence, State
from tinhso.alerts.tests.factories import make_rule, obs
from tinhso.alerts.ticker import tick
from tinhso.core.models import AuditEntry

T, C = Condition.TRIGGER, Condition.CLEAR


def kinds(alert: Alert) -> list[str]:
    return list(
        AlertEvent.objects.filter(alert=alert).order_by("id").values_list("kind", flat=True)
    )


@pytest.fixture
def rule(world: World) -> Rule:
    return make_rule(escalate_after_minutes=30)


def fire(rule: Rule, world: World, key: str = "station:BG-01", **extra: Any) -> Alert:
    [alert] = observe(
        [obs(rule, key, T, 80.0, agency_id=world.ubnd_bac_giang.pk, title="Bụi mịn cao", **extra)]
    )
    return alert


# --- acknowledgement ------------------------------------------------------------------------


def test_acknowledging_records_who_why_and_an_audit_entry(rule: Rule, world: World) -> None:
    alert = fire(rule, world)
    acked = engine.acknowledge(alert, actor=world["officer_a"], comment="Đang kiểm tra trạm")
    assert acked.acknowledged_by == world["officer_a"] and acked.ack_comment == "Đang kiểm tra trạm"
    assert kinds(acked) == ["firing", "acknowledged"]
    assert AuditEntry.objects.filter(
        action="alerts.alert.acknowledge", object_id=str(alert.pk), actor_id=world["officer_a"].pk
    ).exists()


def test_acknowledging_needs_a_comment(rule: Rule, world: World) -> None:
    alert = fire(rule, world)
    with pytest.raises(ValidationError) as error:
        engine.acknowledge(alert, actor=world["officer_a"], comment="   ")
    assert "comment" in error.value.message_dict
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_an_officer_of_another_commune_may_not_acknowledge(rule: Rule, world: World) -> None:
    alert = fire(rule, world)
    with pytest.raises(PermissionDenied):
        engine.acknowledge(alert, actor=world["officer_b"], comment="Không phải của tôi")
    with pytest.raises(PermissionDenied):  # an auditor sees but does not change
        engine.acknowledge(alert, actor=world["auditor"], comment="Xem thôi")


def test_a_resolved_or_acknowledged_alert_cannot_be_acknowledged_again(
    rule: Rule, world: World
) -> None:
    alert = fire(rule, world)
    engine.acknowledge(alert, actor=world["officer_a"], comment="Đã biết")
    with pytest.raises(ValidationError):
        engine.acknowledge(alert, actor=world["leader_a"], comment="Lần hai")
    observe([obs(rule, alert.key, C, 10.0)])
    other = fire(rule, world, key="station:BG-02")
    observe([obs(rule, other.key, C, 10.0)])
    with pytest.raises(ValidationError):
        engine.acknowledge(other, actor=world["officer_a"], comment="Muộn")


# --- escalation -----------------------------------------------------------------------------


def test_an_unacknowledged_alert_escalates_after_the_rule_s_delay(rule: Rule, world: World) -> None:
    alert = fire(rule, world)
    fired = Alert.objects.get(pk=alert.pk).fired_at
    assert fired is not None
    assert tick(fired + timedelta(minutes=29)).escalated == 0
    assert tick(fired + timedelta(minutes=30)).escalated == 1
    escalated = Alert.objects.get(pk=alert.pk)
    assert escalated.escalation_level == 1 and escalated.escalated_at == fired + timedelta(
        minutes=30
    )
    assert kinds(escalated) == ["firing", "escalated"]
    # the next level comes a further delay after the last escalation
    assert tick(fired + timedelta(minutes=59)).escalated == 0
    assert tick(fired + timedelta(minutes=60)).escalated == 1
    assert Alert.objects.get(pk=alert.pk).escalation_level == 2


def test_an_acknowledged_alert_does_not_escalate(rule: Rule, world: World) -> None:
    alert = fire(rule, world)
    engine.acknowledge(alert, actor=world["officer_a"], comment="Đang xử lý")
    assert tick(timezone.now() + timedelta(hours=5)).escalated == 0
    assert Alert.objects.get(pk=alert.pk).escalation_level == 0


def test_a_rule_without_an_escalation_delay_never_escalates(world: World) -> None:
    quiet = make_rule("quiet", escalate_after_minutes=None)
    fire(quiet, world)
    assert tick(timezone.now() + timedelta(days=3)).escalated == 0


# --- channels -------------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def hook() -> Iterator[tuple[str, type[_Hook]]]:
    """A real HTTP server on localhost recording the JSON bodies POSTed to it."""

    class Handler(_Hook):
        received: list[dict[str, Any]] = []
        status = 200

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", Handler
    server.shutdown()
    server.server_close()


def test_firing_and_resolution_reach_email_webhook_and_sms(
    rule: Rule,
    world: World,
    hook: tuple[str, type[_Hook]],
    immediate_tasks: None,
    mailoutbox: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url, handler = hook
    Channel.objects.create(name="Thư", kind="email", target="trucban@example.vn")
    Channel.objects.create(name="Hệ thống IOC", kind="webhook", target=url)
    Channel.objects.create(name="SMS trực", kind="sms", target="0912345678")

    with caplog.at_level(logging.INFO, logger="tinhso.core.sms"):
        with django_capture_on_commit_callbacks(execute=True):
            alert = fire(rule, world, link="/quan-trac/tram/BG-01/")
        with django_capture_on_commit_callbacks(execute=True):
            observe([obs(rule, alert.key, C, 10.0)])

    assert [m.subject for m in mailoutbox] == [
        "[Cảnh báo] Bụi mịn cao",
        "[Đã kết thúc] Bụi mịn cao",
    ]
    assert mailoutbox[0].to == ["trucban@example.vn"] and "80" in mailoutbox[0].body
    first, second = handler.received
    assert (first["event"], first["state"], first["alert_id"], first["rule"]) == (
        "firing",
        "firing",
        alert.pk,
        rule.code,
    )
    assert (first["key"], first["severity"], first["value"], first["link"]) == (
        alert.key,
        "warning",
        80.0,
        "/quan-trac/tram/BG-01/",
    )
    assert first["fired_at"] and second["state"] == "resolved" and second["resolved_at"]
    assert caplog.text.count("SMS to 0912345678: [") == 2
    assert kinds(alert).count("notified") == 6


def test_a_failing_webhook_is_recorded_not_raised(
    rule: Rule, world: World, hook: tuple[str, type[_Hook]]
) -> None:
    url, handler = hook
    handler.status = 500
    Channel.objects.create(name="Hỏng", kind="webhook", target=url)
    Channel.objects.create(name="Không tới", kind="webhook", target="http://127.0.0.1:9/none")
    alert = fire(rule, world)

    events = notify.notify(alert.pk, "firing")

    assert [e.kind for e in events] == ["notify_failed", "notify_failed"]
    assert events[0].detail["error"] == "HTTP 500" and events[1].detail["error"]


def test_channels_match_agency_severity_and_level(rule: Rule, world: World) -> None:
    alert = fire(rule, world)  # warning, agency UBND Bắc Giang, level 0
    everyone = Channel.objects.create(name="Tất cả", kind="email", target="a@example.vn")
    mine = Channel.objects.create(
        name="Phường", kind="email", target="b@example.vn", agency=world.ubnd_bac_giang
    )
    Channel.objects.create(
        name="Xã khác", kind="email", target="c@example.vn", agency=world.ubnd_tuan_dao
    )
    Channel.objects.create(
        name="Chỉ nghiêm trọng", kind="email", target="d@example.vn", min_severity=Severity.CRITICAL
    )
    leaders = Channel.objects.create(
        name="Lãnh đạo", kind="email", target="e@example.vn", escalation_level=1
    )
    Channel.objects.create(name="Tắt", kind="email", target="f@example.vn", enabled=False)
    info = Channel.objects.create(
        name="Mọi mức", kind="email", target="g@example.vn", min_severity=Severity.INFO
    )

    assert notify.channels_for(alert, "firing") == [everyone, mine, info]
    alert.escalation_level = 1
    assert notify.channels_for(alert, "escalated") == [leaders]
    assert notify.channels_for(alert, "resolved") == [everyone, mine, leaders, info]


def test_escalation_notifies_the_channels_of_the_new_level(
    rule: Rule,
    world: World,
    immediate_tasks: None,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Channel.objects.create(
        name="Lãnh đạo", kind="email", target="lanhdao@example.vn", escalation_level=1
    )
    alert = fire(rule, world)
    assert mailoutbox == []  # nobody at level 0
    with django_capture_on_commit_callbacks(execute=True):
        tick(timezone.now() + timedelta(minutes=31))
    [mail] = mailoutbox
    assert mail.to == ["lanhdao@example.vn"] and mail.subject == "[Nâng cấp 1] Bụi mịn cao"
    assert kinds(Alert.objects.get(pk=alert.pk)) == ["firing", "escalated", "notified"]


# --- silences -------------------------------------------------------------------------------


def test_a_silence_holds_notifications_back_but_not_state(
    rule: Rule,
    world: World,
    immediate_tasks: None,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Channel.objects.create(name="Thư", kind="email", target="trucban@example.vn")
    silence = actions.create_silence(
        actor=world["officer_a"],
        rule=rule,
        key_prefix="station:BG-",
        agency=world.ubnd_bac_giang,
        ends_at=timezone.now() + timedelta(hours=2),
        reason="Bảo trì trạm",
    )
    with django_capture_on_commit_callbacks(execute=True):
        silenced = fire(rule, world, key="station:BG-01")
        loud = fire(rule, world, key="station:TD-01")

    assert Alert.objects.get(pk=silenced.pk).state == State.FIRING
    assert kinds(silenced) == ["firing", "silenced"]
    assert AlertEvent.objects.get(alert=silenced, kind="silenced").detail["silence"] == silence.pk
    assert kinds(loud) == ["firing", "notified"] and len(mailoutbox) == 1

    actions.end_silence(silence, actor=world["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        observe([obs(rule, silenced.key, C, 10.0)])
    assert kinds(silenced)[-1] == "notified" and len(mailoutbox) == 2


def test_a_silence_of_every_agency_needs_a_province_wide_grant(rule: Rule, world: World) -> None:
    ends = timezone.now() + timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        actions.create_silence(actor=world["officer_a"], ends_at=ends, reason="Tất cả")
    with pytest.raises(PermissionDenied):
        actions.create_silence(
            actor=world["officer_a"], agency=world.ubnd_tuan_dao, ends_at=ends, reason="Xã khác"
        )
    assert actions.create_silence(actor=world["operator"], ends_at=ends, reason="Nâng cấp hệ thống")
    assert Silence.objects.count() == 1


def test_a_silence_must_end_after_it_starts_and_give_a_reason(world: World) -> None:
    with pytest.raises(ValidationError):
        actions.create_silence(
            actor=world["operator"], ends_at=timezone.now() - timedelta(minutes=1), reason="x"
        )
    with pytest.raises(ValidationError):
        actions.create_silence(
            actor=world["operator"], ends_at=timezone.now() + timedelta(minutes=1), reason=" "
        )
