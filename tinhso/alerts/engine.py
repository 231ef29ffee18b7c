"""The alert state machine: observations in, alerts pending → firing → resolved out.

A source app evaluates its rules and hands :func:`observe` one :class:`Observation` per
subject: the condition holds (``TRIGGER``), no longer holds (``CLEAR``) or sits in the
hysteresis band between the two (``HOLD``). For each (rule, key):

==================  =========  ==========================================================
open alert          condition  result
==================  =========  ==========================================================
none                TRIGGER    new alert, PENDING — or FIRING at once if ``for_seconds`` = 0
none                CLEAR/HOLD nothing (and no query)
PENDING             TRIGGER    FIRING once ``for_seconds`` have passed since it became
                               pending, else it stays PENDING (last seen updated)
PENDING             CLEAR      RESOLVED without ever firing (history, no notification)
FIRING              TRIGGER    stays FIRING (last seen and value updated)
FIRING              CLEAR      RESOLVED (notified)
any                 HOLD       unchanged
==================  =========  ==========================================================

Times of the state machine (``first_seen_at``, ``fired_at``, ``resolved_at``,
``last_seen_at``) are the engine's clock (``now``), so ``for_seconds`` measures how long the
condition has been *seen*, whatever the age of the readings; ``observed_at`` keeps the time of
the triggering reading. A batch costs one query to read the open alerts of its rules, one
update per 500 alerts merely seen again, and writes only for alerts that change state. The
partial unique constraint ``alert_one_open_per_rule_key`` keeps one open alert per
(rule, key) even when two evaluations race: the loser re-reads the winner's alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, FloatField, Value, When
from django.db.models import DateTimeField as DateTimeFieldType
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, require
from tinhso.alerts.models import OPEN_STATES, Alert, AlertEvent, EventKind, Rule, State
from tinhso.core.audit import record_write

TOUCH_CHUNK = 500  # alerts per UPDATE when merely seen again (keeps SQLite's parameters low)
TITLE_LENGTH = 300
RECENT_SECONDS = 15 * 60  # a pending alert seen this recently may still be promoted by the ticker
MAX_ESCALATION_LEVEL = 3


class Condition(StrEnum):
    """What an observation says about a rule's condition for one subject."""

    TRIGGER = "trigger"
    HOLD = "hold"
    CLEAR = "clear"


@dataclass(frozen=True)
class Observation:
    """One evaluation of a rule for one subject (``key``, e.g. ``station:BG-KK-01/PM2.5``)."""

    rule: Rule
    key: str
    condition: Condition
    value: float | None = None
    at: datetime | None = None  # when observed (reading time); default now
    title: str = ""
    message: str = ""
    agency_id: int | None = None
    unit_id: int | None = None
    link: str = ""


@dataclass
class _Batch:
    """What one :func:`observe` call changes, gathered before writing."""

    now: datetime
    created: list[Alert] = field(default_factory=list)
    created_obs: list[Observation] = field(default_factory=list)
    changed: dict[int, Alert] = field(default_factory=dict)
    touched: dict[int, Alert] = field(default_factory=dict)
    events: list[AlertEvent] = field(default_factory=list)
    notify: list[tuple[int, str]] = field(default_factory=list)


def threshold_condition(rule: Rule, value: float) -> Condition:
    """The condition of a threshold rule for ``value``, with hysteresis.

    ``{"above": x, "clear_below": y}`` (``y`` defaults to ``x``): TRIGGER when ``value > x``,
    CLEAR when ``value < y``, otherwise HOLD (the band where an open alert stays as it is and
    none opens; a value exactly on the limit holds). Symmetrically ``{"below": x,
    "clear_above": y}``: TRIGGER when ``value < x``, CLEAR when ``value > y``.

    Raises:
        ValueError: the rule's params name neither ``above`` nor ``below``.
    """
    params = rule.params or {}
    if "above" in params:
        above = float(params["above"])
        if value > above:
            return Condition.TRIGGER
        if value < float(params.get("clear_below", above)):
            return Condition.CLEAR
        return Condition.HOLD
    if "below" in params:
        below = float(params["below"])
        if value < below:
            return Condition.TRIGGER
        if value > float(params.get("clear_above", below)):
            return Condition.CLEAR
        return Condition.HOLD
    raise ValueError(f"rule {rule.code}: params need 'above' or 'below'")


def _new_alert(obs: Observation, now: datetime) -> Alert:
    rule = obs.rule
    firing = rule.for_seconds == 0
    return Alert(
        rule=rule,
        key=obs.key,
        state=State.FIRING if firing else State.PENDING,
        severity=rule.severity,
        title=(obs.title or rule.name)[:TITLE_LENGTH],
        message=obs.message,
        value=obs.value,
        link=obs.link,
        first_seen_at=now,
        fired_at=now if firing else None,
        last_seen_at=now,
        observed_at=obs.at or now,
        agency_id=obs.agency_id,
        unit_id=obs.unit_id,
    )


def _refresh(alert: Alert, obs: Observation, now: datetime) -> None:
    """Copy what a new TRIGGER says about its subject onto the open alert (in memory)."""
    alert.last_seen_at = now
    alert.value = obs.value
    alert.observed_at = obs.at or now
    if obs.title:
        alert.title = obs.title[:TITLE_LENGTH]
    if obs.message:
        alert.message = obs.message
    if obs.link:
        alert.link = obs.link


def _event(alert: Alert, kind: EventKind, at: datetime, **detail: Any) -> AlertEvent:
    return AlertEvent(alert=alert, kind=kind, at=at, detail=detail)


def _apply(batch: _Batch, alert: Alert, obs: Observation) -> None:
    """Apply one observation to an open alert (in memory; written by :func:`_write`)."""
    now = batch.now
    if obs.condition == Condition.HOLD:
        return
    if obs.condition == Condition.CLEAR:
        _resolve(batch, alert)
        batch.changed[alert.pk] = alert
        batch.touched.pop(alert.pk, None)
        return
    _refresh(alert, obs, now)
    held = now - alert.first_seen_at >= timedelta(seconds=obs.rule.for_seconds)
    if alert.state == State.PENDING and held:
        alert.state = State.FIRING
        alert.fired_at = now
        batch.changed[alert.pk] = alert
        batch.touched.pop(alert.pk, None)
        batch.events.append(_event(alert, EventKind.FIRING, now, value=alert.value))
        batch.notify.append((alert.pk, EventKind.FIRING))
    elif alert.pk not in batch.changed:
        batch.touched[alert.pk] = alert


def _open_alerts(rule_ids: Iterable[int]) -> dict[tuple[int, str], Alert]:
    alerts = Alert.objects.filter(rule_id__in=sorted(set(rule_ids)), state__in=OPEN_STATES)
    return {(alert.rule_id, alert.key): alert for alert in alerts}


def _resolve(batch: _Batch, alert: Alert) -> None:
    fired = alert.fired_at is not None
    alert.state = State.RESOLVED
    alert.resolved_at = batch.now
    batch.events.append(_event(alert, EventKind.RESOLVED, batch.now, fired=fired))
    if fired:
        batch.notify.append((alert.pk, EventKind.RESOLVED))


def _insert(batch: _Batch) -> None:
    """Insert the alerts opened by this batch; on a race with another evaluation, apply the
    last observation to the alert that won instead (the partial unique constraint decides)."""
    if not batch.created:
        return
    try:
        with transaction.atomic():
            Alert.objects.bulk_create(batch.created)
    except IntegrityError:
        survivors: list[Alert] = []
        for alert, obs in zip(batch.created, batch.created_obs, strict=True):
            alert.pk = None
            try:
                with transaction.atomic():
                    alert.save(force_insert=True)
            except IntegrityError:
                winner = Alert.objects.filter(
                    rule_id=alert.rule_id, key=alert.key, state__in=OPEN_STATES
                ).first()
                if winner is not None:  # else it opened and closed meanwhile: nothing to add
                    _apply(batch, winner, obs)
            else:
                survivors.append(alert)
        batch.created = survivors
    for alert in batch.created:
        fired = alert.fired_at is not None
        kind = EventKind.FIRING if fired else EventKind.PENDING
        batch.events.append(_event(alert, kind, batch.now, value=alert.value))
        if fired:
            batch.notify.append((alert.pk, EventKind.FIRING))
        if alert.state == State.RESOLVED:  # opened and cleared within the batch
            batch.events.append(_event(alert, EventKind.RESOLVED, batch.now, fired=fired))
            if fired:
                batch.notify.append((alert.pk, EventKind.RESOLVED))


def _touch(alerts: Sequence[Alert]) -> None:
    """Write last seen, value, reading time and text of alerts seen again: one UPDATE per
    ``TOUCH_CHUNK`` alerts."""
    for start in range(0, len(alerts), TOUCH_CHUNK):
        chunk = alerts[start : start + TOUCH_CHUNK]
        Alert.objects.filter(pk__in=[a.pk for a in chunk]).update(
            last_seen_at=chunk[0].last_seen_at,
            value=Case(
                *[When(pk=a.pk, then=Value(a.value, output_field=FloatField())) for a in chunk],
                default=F("value"),
                output_field=FloatField(),
            ),
            observed_at=Case(
                *[
                    When(pk=a.pk, then=Value(a.observed_at, output_field=DateTimeFieldType()))
                    for a in chunk
                ],
                default=F("observed_at"),
                output_field=DateTimeFieldType(),
            ),
        )


CHANGE_FIELDS = [
    "state",
    "fired_at",
    "resolved_at",
    "last_seen_at",
    "value",
    "observed_at",
    "title",
    "message",
    "link",
    "updated_at",
]


def _write(batch: _Batch) -> None:
    """Write the batch's state changes, their events and one audit entry."""
    from tinhso.alerts import tasks

    now = batch.now
    changed = list(batch.changed.values())
    for alert in changed:
        alert.updated_at = now
    if changed:
        Alert.objects.bulk_update(changed, CHANGE_FIELDS)
    AlertEvent.objects.bulk_create(batch.events)
    moved = batch.created + changed
    if len(moved) == 1:
        [alert] = moved
        record_write(
            actor=None,
            action=f"alerts.alert.{alert.state}",
            target=alert,
            changes={"state": [None, alert.state], "value": [None, alert.value]},
        )
    elif moved:
        record_write(
            actor=None,
            action="alerts.alert.observe",
            changes={str(state): [a.pk for a in moved if a.state == state] for state in State},
            batch_count=len(moved),
        )
    if batch.notify:
        items: list[list[object]] = [[alert_id, kind] for alert_id, kind in batch.notify]
        transaction.on_commit(lambda: tasks.enqueue_notifications(items))


def _relabel(touched: Sequence[Alert], before: dict[int, tuple[str, str, str]]) -> None:
    """Write the alerts seen again: last seen and value, and their text where it changed."""
    _touch(touched)
    relabelled = [a for a in touched if before.get(a.pk) != (a.title, a.message, a.link)]
    if relabelled:
        Alert.objects.bulk_update(relabelled, ["title", "message", "link"])


def observe(observations: Iterable[Observation], *, now: datetime | None = None) -> list[Alert]:
    """Apply the state machine to a batch of observations; return the alerts whose state
    changed (new ones included).

    Observations of the same (rule, key) apply in order. HOLD-only batches cost no query;
    otherwise one query reads the open alerts of the rules involved, alerts merely seen again
    are updated in bulk, and state changes are written with their events and one audit entry
    for the batch.
    """
    now = now or timezone.now()
    active = [obs for obs in observations if obs.condition != Condition.HOLD]
    if not active:
        return []
    open_alerts = _open_alerts(obs.rule.pk for obs in active)
    batch = _Batch(now=now)
    before = {a.pk: (a.title, a.message, a.link) for a in open_alerts.values()}
    fresh: dict[tuple[int, str], int] = {}  # (rule, key) -> index in batch.created
    for obs in active:
        where = (obs.rule.pk, obs.key)
        alert = open_alerts.get(where)
        if alert is not None:
            _apply(batch, alert, obs)
            if alert.state == State.RESOLVED:
                del open_alerts[where]
        elif where in fresh:  # opened earlier in this batch, not yet written
            index = fresh[where]
            batch.created_obs[index] = obs
            if obs.condition == Condition.CLEAR:
                batch.created[index].state = State.RESOLVED
                batch.created[index].resolved_at = now
                del fresh[where]
            else:
                _refresh(batch.created[index], obs, now)
        elif obs.condition == Condition.TRIGGER:
            fresh[where] = len(batch.created)
            batch.created.append(_new_alert(obs, now))
            batch.created_obs.append(obs)
    if not batch.created and not batch.changed:
        if batch.touched:
            _relabel(list(batch.touched.values()), before)
        return []
    with transaction.atomic():
        _insert(batch)
        if batch.touched:
            _relabel(list(batch.touched.values()), before)
        _write(batch)
    return batch.created + list(batch.changed.values())


def acknowledge(alert: Alert, *, actor: Any, comment: str) -> Alert:
    """Acknowledge an open alert with a comment: someone is on it, so it no longer escalates.

    Raises:
        PermissionDenied: ``actor`` may not change data in the alert's scope.
        ValidationError: no comment, or the alert is resolved or already acknowledged.
    """
    require(actor, Perm.DATA_CHANGE, alert)
    text = (comment or "").strip()
    if not text:
        raise ValidationError({"comment": [_("Hãy ghi rõ nội dung xác nhận.")]})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.state not in OPEN_STATES:
            raise ValidationError(_("Cảnh báo đã kết thúc, không cần xác nhận."))
        if locked.acknowledged_at is not None:
            raise ValidationError(_("Cảnh báo này đã được xác nhận."))
        now = timezone.now()
        locked.acknowledged_at = now
        locked.acknowledged_by = actor
        locked.ack_comment = text
        locked.save(
            update_fields=["acknowledged_at", "acknowledged_by", "ack_comment", "updated_at"]
        )
        AlertEvent.objects.create(
            alert=locked, at=now, kind=EventKind.ACKNOWLEDGED, actor=actor, comment=text
        )
        record_write(
            actor=actor,
            action="alerts.alert.acknowledge",
            target=locked,
            changes={"acknowledged_at": [None, now.isoformat()], "ack_comment": ["", text]},
        )
    return locked


def promote_pending(now: datetime | None = None) -> list[Alert]:
    """Fire the pending alerts whose rule's ``for_seconds`` have passed while the condition
    was still being seen (last seen within ``RECENT_SECONDS`` or the hold time, whichever is
    longer); return them. Pending alerts not seen lately stay pending until cleared."""
    now = now or timezone.now()
    batch = _Batch(now=now)
    for alert in Alert.objects.filter(state=State.PENDING).select_related("rule"):
        hold = timedelta(seconds=alert.rule.for_seconds)
        recent = max(hold, timedelta(seconds=RECENT_SECONDS))
        if now - alert.first_seen_at >= hold and now - alert.last_seen_at <= recent:
            alert.state = State.FIRING
            alert.fired_at = now
            batch.changed[alert.pk] = alert
            batch.events.append(_event(alert, EventKind.FIRING, now, value=alert.value))
            batch.notify.append((alert.pk, EventKind.FIRING))
    if batch.changed:
        with transaction.atomic():
            _write(batch)
    return list(batch.changed.values())


def escalate_unacknowledged(now: datetime | None = None) -> list[Alert]:
    """Escalate the firing alerts nobody acknowledged within their rule's
    ``escalate_after_minutes`` (counted from firing, then from the last escalation), one level
    at a time up to ``MAX_ESCALATION_LEVEL``; return them. Each escalation is an event, an
    audit entry and a notification of the channels of the new level."""
    from tinhso.alerts import tasks

    now = now or timezone.now()
    due = []
    candidates = Alert.objects.filter(
        state=State.FIRING,
        acknowledged_at__isnull=True,
        rule__escalate_after_minutes__isnull=False,
        escalation_level__lt=MAX_ESCALATION_LEVEL,
    ).select_related("rule")
    for alert in candidates:
        since = alert.escalated_at or alert.fired_at or alert.first_seen_at
        minutes = alert.rule.escalate_after_minutes or 0
        if now - since >= timedelta(minutes=minutes):
            due.append(alert)
    if not due:
        return []
    with transaction.atomic():
        for alert in due:
            alert.escalation_level += 1
            alert.escalated_at = now
            alert.updated_at = now
        Alert.objects.bulk_update(due, ["escalation_level", "escalated_at", "updated_at"])
        AlertEvent.objects.bulk_create(
            [_event(a, EventKind.ESCALATED, now, level=a.escalation_level) for a in due]
        )
        record_write(
            actor=None,
            action="alerts.alert.escalate",
            changes={"escalated": [[a.pk, a.escalation_level] for a in due]},
            batch_count=len(due),
        )
        items: list[list[object]] = [[a.pk, EventKind.ESCALATED] for a in due]
        transaction.on_commit(lambda: tasks.enqueue_notifications(items))
    return due
