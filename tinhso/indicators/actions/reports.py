"""Writes of reports: regimes, periods, entry, submission, approval and return."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, can, require
from tinhso.core.audit import record_write
from tinhso.directory import queries as directory_queries
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.indicators import report_queries
from tinhso.indicators.actions.values import (
    DATA_DIR,
    local_today,
    locked_cells,
    recorded_actor,
    refresh_on_commit,
)
from tinhso.indicators.choices import (
    SubmissionAction,
    SubmissionStatus,
    ValueSource,
)
from tinhso.indicators.expressions import ExpressionError, parse
from tinhso.indicators.models import (
    ApprovalStep,
    DataElement,
    DataValue,
    ExpectedReporter,
    ReportingRegime,
    Submission,
    SubmissionEvent,
    ValidationRule,
    ValueChange,
    ValueFlag,
)
from tinhso.indicators.periods import Period, deadline, locked_after
from tinhso.indicators.report_queries import Violation
from tinhso.indicators.validation import parse_number


class StaleReport(ValidationError):
    """The report changed since the caller read it (optimistic locking)."""


def _event(submission: Submission, action: str, actor: Any, **fields: Any) -> None:
    SubmissionEvent.objects.create(
        submission=submission, action=action, actor=recorded_actor(actor), **fields
    )


# Reports are opened for periods within these years (deadlines and locks stay computable).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _period_of(regime: ReportingRegime, code: str) -> Period:
    try:
        period = Period.parse(code)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if period.type != regime.period_kind:
        raise ValidationError(
            _("Chế độ %(regime)s báo cáo theo kỳ %(kind)s, không theo kỳ %(period)s.")
            % {"regime": regime.code, "kind": regime.get_period_type_display(), "period": code}
        )
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise ValidationError(
            _("Kỳ báo cáo phải trong các năm %(first)s–%(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return period


def open_period(regime: ReportingRegime, period_code: str, *, actor: Any) -> int:
    """Open a reporting period: snapshot the units that must report; return how many.

    The units are the regime's expected reporters on the period's last day; each gets a draft
    report marked ``expected`` with the period's due and lock dates. Completeness divides by
    this snapshot, so later changes to the list never push a rate above 100 %. Idempotent.
    """
    period = _period_of(regime, period_code)
    day = period.end
    unit_ids = set(
        ExpectedReporter.objects.filter(regime=regime, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("unit_id", flat=True)
    )
    due = deadline(period, regime.deadline_rule)
    lock = (
        locked_after(period, regime.lock_after_days) if regime.lock_after_days is not None else None
    )
    with transaction.atomic():
        present = set(
            Submission.objects.filter(regime=regime, period=period.code).values_list(
                "unit_id", flat=True
            )
        )
        Submission.objects.filter(
            regime=regime, period=period.code, unit_id__in=unit_ids, expected=False
        ).update(expected=True)
        created = Submission.objects.bulk_create(
            [
                Submission(
                    regime=regime,
                    unit_id=unit_id,
                    period=period.code,
                    expected=True,
                    due_date=due,
                    lock_date=lock,
                )
                for unit_id in sorted(unit_ids - present)
            ]
        )
        if created:
            record_write(
                actor=actor,
                action="indicators.period.open",
                changes={"regime": regime.code, "period": period.code, "expected": len(unit_ids)},
                batch_count=len(created),
            )
            refresh_on_commit(period, actor)
    return len(unit_ids)


def report_for(
    regime: ReportingRegime, unit: AdministrativeUnit, period_code: str, *, actor: Any
) -> Submission:
    """Return the unit's report for the period, opening the period first if needed.

    A unit that is not an expected reporter may still report (``expected`` stays false).

    Raises:
        PermissionDenied: the actor may not see the unit's data.
    """
    require(actor, Perm.DATA_VIEW, unit)
    period = _period_of(regime, period_code)
    existing = Submission.objects.filter(regime=regime, unit=unit, period=period.code).first()
    if existing is not None:
        return existing
    open_period(regime, period.code, actor=actor)
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            regime=regime,
            unit=unit,
            period=period.code,
            defaults={
                "due_date": deadline(period, regime.deadline_rule),
                "lock_date": locked_after(period, regime.lock_after_days)
                if regime.lock_after_days is not None
                else None,
            },
        )
        if created:
            record_write(actor=actor, action="indicators.report.create", target=submission)
    return submission


def editable(submission: Submission, today: datetime.date | None = None) -> str | None:
    """Why the report's values cannot be changed now, or None if they can."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return _("Báo cáo đã gửi, đang chờ phê duyệt.")
    if submission.status == SubmissionStatus.APPROVED:
        return _("Báo cáo đã được phê duyệt và khoá.")
    if submission.lock_date is not None and (today or local_today()) > submission.lock_date:
        return _("Kỳ báo cáo đã khoá từ ngày %(day)s.") % {
            "day": f"{submission.lock_date + datetime.timedelta(days=1):%d/%m/%Y}"
        }
    return None


def _check_version(submission: Submission, version: int | None) -> None:
    if version is not None and version != submission.version:
        raise StaleReport(
            _(
                "Báo cáo vừa được người khác thay đổi (phiên bản %(current)s); "
                "hãy tải lại trang rồi nhập lại."
            )
            % {"current": submission.version}
        )


def _lock(submission: Submission) -> Submission:
    """Re-read the report inside the transaction, locked against concurrent changes."""
    return (
        Submission.objects.select_for_update()
        .select_related("regime", "unit")
        .get(pk=submission.pk)
    )


@dataclass
class SaveResult:
    """What a save did: values written, cells rejected with their reason, the new version."""

    saved: int = 0
    errors: dict[tuple[str, str], str] = field(default_factory=dict)
    version: int = 0


def save_report_values(
    submission: Submission,
    entries: Mapping[tuple[str, str], str | None],
    *,
    actor: Any,
    channel: str = "web",
    version: int | None = None,
    today: datetime.date | None = None,
) -> SaveResult:
    """Write some cells of a report (key: element code, dimension key); empty text deletes.

    Cells are checked one by one: a bad number or a cell outside the regime's form is reported
    in ``errors`` and the good cells are still saved. Each change keeps the previous value in
    the value history. With ``version`` the save fails if the report changed meanwhile.

    Raises:
        PermissionDenied: the actor may not change the unit's data.
        ValidationError: the report is submitted, approved or locked.
        StaleReport: ``version`` is not the report's current version.
    """
    require(actor, Perm.DATA_CHANGE, submission.unit)
    result = SaveResult()
    with transaction.atomic():
        submission = _lock(submission)
        _check_version(submission, version)
        reason = editable(submission, today)
        if reason:
            raise ValidationError(reason)
        cells = {
            (cell.code, cell.key): cell for cell in report_queries.form_cells(submission.regime)
        }
        current = {
            (value.data_element.code, value.dimension_key): value
            for value in DataValue.objects.select_related("data_element").filter(
                unit=submission.unit,
                period=submission.period,
                data_element__in=[cell.element for cell in cells.values()],
            )
        }
        # A cell shared with another regime's sent or locked report stays as that report has it.
        locked = {
            element_id
            for element_id, _unit, _period in locked_cells(
                {cell.element.id for cell in cells.values()},
                [submission.unit_id],
                [submission.period],
            )
        }
        history = []
        for key, text in entries.items():
            cell = cells.get(key)
            if cell is None:
                result.errors[key] = _("Ô này không thuộc biểu mẫu của chế độ báo cáo.")
                continue
            if cell.element.id in locked:
                result.errors[key] = _(
                    "Ô này thuộc một báo cáo khác đã gửi, đã duyệt hoặc đã khoá."
                )
                continue
            old = current.get(key)
            if text is None or not text.strip():
                if old is not None:
                    history.append(_change(old, None, channel, actor))
                    old.delete()
                    result.saved += 1
                continue
            try:
                number = parse_number(text, cell.element.value_type, localized=True)
            except ValueError as exc:
                result.errors[key] = str(exc)
                continue
            if old is not None and old.value == number:
                continue
            if old is not None:
                history.append(_change(old, number, channel, actor))
                old.value = number
                old.source = ValueSource.REPORTED
                old.save(update_fields=["value", "source", "updated_at"])
            else:
                DataValue.objects.create(
                    data_element=cell.element,
                    unit=submission.unit,
                    period=submission.period,
                    dimensions=cell.dimensions,
                    dimension_key=cell.key,
                    value=number,
                )
            result.saved += 1
        ValueChange.objects.bulk_create(history)
        if result.saved:
            submission.version += 1
            submission.save(update_fields=["version", "updated_at"])
            record_write(
                actor=actor,
                action="indicators.report.save",
                target=submission,
                changes={"values": result.saved, "channel": channel},
                batch_count=result.saved,
            )
    result.version = submission.version
    return result


def _change(old: DataValue, new: Decimal | None, channel: str, actor: Any) -> ValueChange:
    return ValueChange(
        data_element_id=old.data_element_id,
        unit_id=old.unit_id,
        period=old.period,
        dimension_key=old.dimension_key,
        previous=old.value,
        value=new,
        channel=channel,
        actor=recorded_actor(actor),
    )


class ReportInvalid(ValidationError):
    """The report breaks validation rules of high importance; ``violations`` lists them all."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__([v.rule.message for v in violations if v.blocking])
        self.violations = list(violations)


def submit_report(
    submission: Submission,
    *,
    actor: Any,
    version: int | None = None,
    today: datetime.date | None = None,
) -> Submission:
    """Send a report for approval after running the regime's validation rules.

    Broken rules of high importance stop it; values that look unusual are flagged for the
    approver. A regime with no approval steps approves (and locks) the report at once. The
    report counts as on time when sent on or before its due date.

    Raises:
        PermissionDenied: the actor may not change the unit's data.
        ValidationError: the report is not a draft or returned, or is locked.
        ReportInvalid: high-importance validation rules are broken.
        StaleReport: ``version`` is not the report's current version.
    """
    require(actor, Perm.DATA_CHANGE, submission.unit)
    day = today or local_today()
    with transaction.atomic():
        submission = _lock(submission)
        _check_version(submission, version)
        reason = editable(submission, day)
        if reason:
            raise ValidationError(reason)
        violations = report_queries.violations(submission)
        if any(v.blocking for v in violations):
            raise ReportInvalid(violations)
        ValueFlag.objects.filter(submission=submission).delete()
        ValueFlag.objects.bulk_create(report_queries.outlier_flags(submission))
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.on_time = day <= submission.due_date
        submission.approved_steps = 0
        submission.version += 1
        _event(submission, SubmissionAction.SUBMIT, actor)
        if not submission.regime.approval_steps.exists():
            submission.status = SubmissionStatus.APPROVED
        submission.save()
        record_write(
            actor=actor,
            action="indicators.report.submit",
            target=submission,
            changes={"status": submission.status, "on_time": submission.on_time},
        )
        period = Period.parse(submission.period)
        refresh_on_commit(period, actor)
    return submission


def next_step(submission: Submission) -> ApprovalStep | None:
    """The approval level the report waits for, or None if it is not waiting."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return None
    return submission.regime.approval_steps.filter(order__gt=submission.approved_steps).first()


def _approves_at(user: Any, submission: Submission, step: ApprovalStep) -> bool:
    if step.agency_id is not None:
        return can(user, Perm.DATA_APPROVE, step.agency)
    unit: AdministrativeUnit | None = submission.unit
    if step.unit_level is not None:
        # No ancestor at that level (districts after 01/07/2025): nobody approves there.
        unit = next(
            (u for u in directory_queries.ancestors(submission.unit) if u.level == step.unit_level),
            None,
        )
    return unit is not None and can(user, Perm.DATA_APPROVE, unit)


def may_approve(user: Any, submission: Submission) -> bool:
    """Whether ``user`` may approve or return the report at its current level."""
    step = next_step(submission)
    return step is not None and _approves_at(user, submission, step)


def may_review(user: Any, submission: Submission) -> bool:
    """Whether ``user`` approves the report at any level of its chain (so may read it)."""
    return any(
        _approves_at(user, submission, step)
        for step in submission.regime.approval_steps.select_related("agency")
    )


def _decided_step(
    submission: Submission, actor: Any, version: int | None, refused: str
) -> tuple[Submission, ApprovalStep]:
    """Lock the report and return it with the step an approver now decides on.

    ``refused`` is the message (with ``%(step)s``) when ``actor`` may not decide at that step.
    """
    submission = _lock(submission)
    _check_version(submission, version)
    step = next_step(submission)
    if step is None:
        raise ValidationError(_("Báo cáo không ở trạng thái chờ phê duyệt."))
    if not may_approve(actor, submission):
        raise PermissionDenied(refused % {"step": step.name})
    return submission, step


def approve_report(
    submission: Submission, *, actor: Any, comment: str = "", version: int | None = None
) -> Submission:
    """Approve the report at its current level; the last level approves and locks it.

    Raises:
        PermissionDenied: the actor may not approve at this level.
        ValidationError: the report is not waiting for approval.
        StaleReport: ``version`` is not the report's current version.
    """
    with transaction.atomic():
        submission, step = _decided_step(
            submission, actor, version, _("Bạn không có quyền phê duyệt ở bước “%(step)s”.")
        )
        submission.approved_steps = step.order
        if next_step(submission) is None:
            submission.status = SubmissionStatus.APPROVED
        submission.version += 1
        submission.save()
        _event(submission, SubmissionAction.APPROVE, actor, step=step.order, comment=comment)
        record_write(
            actor=actor,
            action="indicators.report.approve",
            target=submission,
            changes={"step": step.order, "status": submission.status},
        )
    return submission


def return_report(
    submission: Submission, *, actor: Any, comment: str, version: int | None = None
) -> Submission:
    """Send the report back to its unit for correction, with the reason.

    Raises:
        PermissionDenied: the actor may not approve at the current level.
        ValidationError: no reason given, or the report is not waiting for approval.
        StaleReport: ``version`` is not the report's current version.
    """
    if not comment.strip():
        raise ValidationError(_("Hãy ghi lý do trả lại báo cáo."))
    with transaction.atomic():
        submission, step = _decided_step(
            submission, actor, version, _("Bạn không có quyền trả lại ở bước “%(step)s”.")
        )
        submission.status = SubmissionStatus.RETURNED
        submission.approved_steps = 0
        submission.version += 1
        submission.save()
        _event(submission, SubmissionAction.RETURN, actor, step=step.order, comment=comment)
        record_write(
            actor=actor,
            action="indicators.report.return",
            target=submission,
            changes={"step": step.order, "comment": comment},
        )
        period = Period.parse(submission.period)
        refresh_on_commit(period, actor)
    return submission


def load_regimes(*, actor: Any, province_code: str) -> int:
    """Create or update the shipped reporting regimes (``regimes.json``); return their count.

    Each regime gets its form, approval steps (approving agencies by name), validation rules,
    and as expected reporters every unit of its ``reporters`` level in the province, over the
    dates each unit existed.

    Raises:
        ValidationError: a rule does not parse, or an element or agency is unknown.
    """
    specs = json.loads((DATA_DIR / "regimes.json").read_text(encoding="utf-8"))
    agencies = {a.name: a for a in Agency.objects.all()}
    elements = {e.code: e for e in DataElement.objects.all()}
    for spec in specs:
        for rule in spec["validation_rules"]:
            for side in (rule["left"], rule["right"]):
                try:
                    parse(side)
                except ExpressionError as exc:
                    raise ValidationError(
                        _("Quy tắc %(code)s: %(error)s") % {"code": rule["code"], "error": exc}
                    ) from exc
        missing = sorted(set(spec["data_elements"]) - set(elements))
        names = {step.get("agency") for step in spec["approval_steps"]} | {spec["recipient"]}
        missing += sorted(name for name in names - set(agencies) if name)
        if missing:
            raise ValidationError(
                _("Chế độ %(code)s dùng mã hoặc cơ quan chưa có: %(missing)s")
                % {"code": spec["code"], "missing": ", ".join(missing)}
            )
    in_province = (
        Q(level=1, code=province_code)
        | Q(parent__level=1, parent__code=province_code)
        | Q(parent__parent__level=1, parent__parent__code=province_code)
    )
    with transaction.atomic():
        for spec in specs:
            regime, _created = ReportingRegime.objects.update_or_create(
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "legal_basis": spec["legal_basis"],
                    "period_type": spec["period_type"],
                    "cutoff_start_day": spec["cutoff_start_day"],
                    "deadline_days": spec.get("deadline_days"),
                    "deadline_day_of_last_month": spec.get("deadline_day_of_last_month"),
                    "lock_after_days": spec.get("lock_after_days"),
                    "dimension_options": spec["dimension_options"],
                    "recipient": agencies[spec["recipient"]],
                },
            )
            regime.data_elements.set([elements[code] for code in spec["data_elements"]])
            regime.approval_steps.all().delete()
            ApprovalStep.objects.bulk_create(
                ApprovalStep(
                    regime=regime,
                    order=order,
                    name=step["name"],
                    agency=agencies.get(step.get("agency", "")),
                    unit_level=step.get("unit_level"),
                )
                for order, step in enumerate(spec["approval_steps"], start=1)
            )
            for rule in spec["validation_rules"]:
                ValidationRule.objects.update_or_create(
                    code=rule["code"],
                    defaults={
                        "regime": regime,
                        "name": rule["name"],
                        "left": rule["left"],
                        "operator": rule["operator"],
                        "right": rule["right"],
                        "importance": rule["importance"],
                        "message": rule["message"],
                    },
                )
            regime.expected_reporters.all().delete()
            ExpectedReporter.objects.bulk_create(
                ExpectedReporter(
                    regime=regime, unit=unit, valid_from=unit.valid_from, valid_to=unit.valid_to
                )
                for unit in AdministrativeUnit.objects.filter(in_province, level=spec["reporters"])
            )
        record_write(
            actor=actor,
            action="indicators.regimes.load",
            changes={"regimes": [spec["code"] for spec in specs]},
            batch_count=len(specs),
        )
    return len(specs)
