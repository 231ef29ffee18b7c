"""Writes of the alerts app on rules and silences; every one audited.

The state machine's writes (observing, acknowledging, promoting, escalating) live in
``tinhso.alerts.engine``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, Scope, require
from tinhso.alerts.models import Rule, RuleKind, Silence
from tinhso.alerts.registry import evaluators
from tinhso.core.audit import record_write
from tinhso.directory.models import Agency

RULE_FIELDS = ("name", "severity", "for_seconds", "escalate_after_minutes", "params")


def ensure_registered_rules() -> list[Rule]:
    """Create the rule of each registered evaluator that has none yet; return those created.

    Idempotent, and never touches an existing rule (an operator may have edited it).
    """
    existing = set(Rule.objects.values_list("code", flat=True))
    created = []
    with transaction.atomic():
        for evaluator in evaluators():
            if evaluator.code in existing:
                continue
            defaults = dict(evaluator.default_rule)
            params = {**defaults.pop("params", {}), "evaluator": evaluator.code}
            rule = Rule.objects.create(
                code=evaluator.code,
                name=str(defaults.pop("name", evaluator.name)),
                source=evaluator.source,
                kind=RuleKind.REGISTERED,
                params=params,
                **defaults,
            )
            record_write(actor=None, action="alerts.rule.register", target=rule)
            created.append(rule)
    return created


def update_rule(rule: Rule, *, actor: Any, **values: Any) -> Rule:
    """Change a rule's name, severity, hold time, escalation delay or params.

    Raises:
        PermissionDenied: ``actor`` may not change data over the rule's scope (a province-wide
            rule needs a province-wide grant).
        ValidationError: params not a JSON object, or a registered rule losing its evaluator.
    """
    require(actor, Perm.DATA_CHANGE, rule)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    params = values.get("params", rule.params)
    if not isinstance(params, dict):
        raise ValidationError({"params": [_("Tham số phải là một đối tượng JSON {…}.")]})
    evaluator = (rule.params or {}).get("evaluator")
    if rule.kind == RuleKind.REGISTERED and params.get("evaluator") != evaluator:
        raise ValidationError(
            {
                "params": [
                    _("Không được đổi hay bỏ khóa “evaluator” của quy tắc do phân hệ đăng ký.")
                ]
            }
        )
    with transaction.atomic():
        changes = {
            name: [getattr(rule, name), value]
            for name, value in values.items()
            if getattr(rule, name) != value
        }
        for name, value in values.items():
            setattr(rule, name, value)
        rule.full_clean()
        rule.save()
        record_write(actor=actor, action="alerts.rule.update", target=rule, changes=changes)
    return rule


def set_rule_enabled(rule: Rule, *, actor: Any, enabled: bool) -> Rule:
    """Turn a rule on or off (its open alerts stay as they are until cleared)."""
    require(actor, Perm.DATA_CHANGE, rule)
    with transaction.atomic():
        old = rule.enabled
        rule.enabled = enabled
        rule.save(update_fields=["enabled", "updated_at"])
        record_write(
            actor=actor,
            action="alerts.rule.enable" if enabled else "alerts.rule.disable",
            target=rule,
            changes={"enabled": [old, enabled]},
        )
    return rule


def create_silence(
    *,
    actor: Any,
    ends_at: datetime,
    reason: str,
    rule: Rule | None = None,
    key_prefix: str = "",
    agency: Agency | None = None,
    starts_at: datetime | None = None,
) -> Silence:
    """Hold back the notifications of matching alerts from ``starts_at`` (now) to ``ends_at``.

    Raises:
        PermissionDenied: ``actor`` may not change data of ``agency`` (a silence of every
            agency needs a province-wide grant).
        ValidationError: no reason, or the window ends before it starts.
    """
    require_silence_scope(actor, agency.pk if agency is not None else None)
    if not reason.strip():
        raise ValidationError({"reason": [_("Hãy ghi lý do tạm im lặng.")]})
    silence = Silence(
        rule=rule,
        key_prefix=key_prefix.strip(),
        agency=agency,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=actor,
    )
    if silence.ends_at <= silence.starts_at:
        raise ValidationError({"ends_at": [_("Thời điểm kết thúc phải sau thời điểm bắt đầu.")]})
    with transaction.atomic():
        silence.save()
        record_write(
            actor=actor,
            action="alerts.silence.create",
            target=silence,
            changes={
                "rule": [None, rule.code if rule else None],
                "key_prefix": [None, silence.key_prefix],
                "ends_at": [None, silence.ends_at.isoformat()],
            },
        )
    return silence


def end_silence(silence: Silence, *, actor: Any) -> Silence:
    """End a silence now (notifications flow again from the next change); a silence that has
    not begun yet is cancelled (its window becomes the second before now).

    Raises:
        PermissionDenied: ``actor`` may not change silences of its agency.
        ValidationError: the silence is already over.
    """
    require_silence_scope(actor, silence.agency_id)
    now = timezone.now()
    if silence.ends_at <= now:
        raise ValidationError(_("Khoảng im lặng này đã kết thúc."))
    with transaction.atomic():
        changes = {"ends_at": [silence.ends_at.isoformat(), now.isoformat()]}
        if silence.starts_at >= now:
            start = now - timedelta(seconds=1)
            changes["starts_at"] = [silence.starts_at.isoformat(), start.isoformat()]
            silence.starts_at = start
        silence.ends_at = now
        silence.save(update_fields=["starts_at", "ends_at", "updated_at"])
        record_write(actor=actor, action="alerts.silence.end", target=silence, changes=changes)
    return silence


def require_silence_scope(actor: Any, agency_id: int | None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may change silences of the agency (of every
    agency: a province-wide grant)."""
    scope = Scope.province() if agency_id is None else Scope.of_agency(agency_id)
    require(actor, Perm.DATA_CHANGE, scope)
