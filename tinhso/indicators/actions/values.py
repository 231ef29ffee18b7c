"""Every write of the reporting app; each runs in a transaction and is audited."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
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
from tinhso.indicators import registry, report_queries
from tinhso.indicators.bulk import Cell, upsert_cells
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
    Indicator,
    ReportingRegime,
    Submission,
    SubmissionEvent,
    Target,
    ValidationRule,
    ValueChange,
    ValueFlag,
    dimension_key,
)
from tinhso.indicators.periods import Period, deadline, locked_after
from tinhso.indicators.report_queries import Violation
from tinhso.indicators.validation import parse_number

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_catalogue(*, actor: Any) -> tuple[int, int]:
    """Create or update the shipped data elements and indicators; return their counts.

    Raises:
        ValidationError: an indicator expression does not parse or names an unknown element.
    """
    elements = _rows("data_elements.csv")
    indicators = _rows("indicators.csv")
    known = {row["code"] for row in elements}
    for row in indicators:
        for side in ("numerator", "denominator"):
            try:
                expression = parse(row[side])
            except ExpressionError as exc:
                raise ValidationError(
                    _("Chỉ tiêu %(code)s: %(error)s") % {"code": row["code"], "error": exc}
                ) from exc
            unknown = {ref.code for ref in expression.references()} - known
            if unknown:
                raise ValidationError(
                    _("Chỉ tiêu %(code)s dùng phần tử dữ liệu chưa có: %(codes)s")
                    % {"code": row["code"], "codes": ", ".join(sorted(unknown))}
                )
    with transaction.atomic():
        for row in elements:
            DataElement.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "value_type": row["value_type"],
                    "unit_of_measure": row["unit"],
                    "aggregation_time": row["aggregation_time"],
                    "aggregation_space": row["aggregation_space"],
                    "dimensions": [d for d in row["dimensions"].split(";") if d],
                },
            )
        for row in indicators:
            Indicator.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "factor": Decimal(row["factor"]),
                    "unit_of_measure": row["unit"],
                },
            )
        record_write(
            actor=actor,
            action="indicators.catalogue.load",
            changes={"data_elements": len(elements), "indicators": len(indicators)},
            batch_count=len(elements) + len(indicators),
        )
    return len(elements), len(indicators)


def load_targets(*, actor: Any, scope_unit_for: Any) -> int:
    """Create or update every target of the resolution from ``targets.csv``.

    ``scope_unit_for(deadline)`` returns the administrative unit a target is measured on.
    """
    rows = _rows("targets.csv")
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={r["indicator"] for r in rows})
    }
    with transaction.atomic():
        for row in rows:
            deadline = datetime.date.fromisoformat(row["deadline"])
            Target.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "indicator": indicators[row["indicator"]],
                    "comparison": row["comparison"],
                    "target_value": Decimal(row["target_value"]),
                    "deadline": deadline,
                    "scope": row["scope"],
                    "scope_unit": scope_unit_for(deadline),
                    "legal_basis": row["legal_basis"],
                },
            )
        record_write(
            actor=actor,
            action="indicators.targets.load",
            changes={"targets": len(rows)},
            batch_count=len(rows),
        )
    return len(rows)


@dataclass(slots=True)
class ValueRow:
    """One value to store: element code, unit, period code, disaggregation, value."""

    data_element: str
    unit: AdministrativeUnit
    period: str
    value: Decimal
    dimensions: dict[str, str]
    source: str = ValueSource.REPORTED
    confidence: str = ""
    note: str = ""


def store_values(rows: Sequence[ValueRow], *, actor: Any) -> int:
    """Create or update values, audited once for the batch; return how many were written.

    Raises:
        ValidationError: an unknown data element or a malformed period code.
    """
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={r.data_element for r in rows})
    }
    for row in rows:
        if row.data_element not in elements:
            raise ValidationError(
                _("Không có phần tử dữ liệu %(code)s.") % {"code": row.data_element}
            )
        try:
            Period.parse(row.period)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        for row in rows:
            DataValue.objects.update_or_create(
                data_element=elements[row.data_element],
                unit=row.unit,
                period=row.period,
                dimension_key=dimension_key(row.dimensions),
                defaults={
                    "dimensions": row.dimensions,
                    "value": row.value,
                    "source": row.source,
                    "confidence": row.confidence,
                    "note": row.note,
                },
            )
        record_write(
            actor=actor,
            action="indicators.values.store",
            changes={"values": len(rows), "elements": sorted(elements)},
            batch_count=len(rows),
        )
    return len(rows)


def published_rows(unit: AdministrativeUnit) -> Iterable[ValueRow]:
    """The published figures shipped in ``published.csv``, as values of ``unit``."""
    for row in _rows("published.csv"):
        yield ValueRow(
            data_element=row["data_element"],
            unit=unit,
            period=row["period"],
            value=Decimal(row["value"]),
            dimensions={},
            source=ValueSource.PUBLISHED,
            confidence=row["confidence"],
            note=row["source"],
        )


def locked_cells(
    element_ids: Iterable[int], unit_ids: Iterable[int], periods: Iterable[str]
) -> set[tuple[int, int, str]]:
    """The (element, unit, period) cells among those given that reports lock (one query)."""
    today = _today()
    return set(
        Submission.objects.filter(unit_id__in=unit_ids, period__in=periods)
        .filter(
            Q(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED])
            | Q(lock_date__lt=today)
        )
        .filter(regime__data_elements__in=element_ids)
        .values_list("regime__data_elements", "unit_id", "period")
    )


class ImportStrategy(StrEnum):
    """What an import may do with values that do or do not exist yet (DHIS2 names)."""

    CREATE_AND_UPDATE = "CREATE_AND_UPDATE"
    CREATE = "CREATE"
    UPDATE = "UPDATE"


@dataclass
class ImportResult:
    """Counts of an import; ``skipped`` are the rows not written, with the reason."""

    imported: int = 0
    updated: int = 0
    skipped: list[tuple[ValueRow, str]] = field(default_factory=list)


def import_values(
    rows: Sequence[ValueRow],
    *,
    actor: Any,
    strategy: ImportStrategy = ImportStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
    channel: str = "import",
) -> ImportResult:
    """Create or update checked values in bulk, audited once for the batch.

    Existing cells are found with one query, so the result tells created (``imported``) from
    ``updated``. ``CREATE`` skips existing cells, ``UPDATE`` skips new ones; a cell given twice
    keeps its last value and the earlier one is skipped. Cells of a report that is submitted,
    approved or past its lock date are skipped. Changed values keep their previous value in
    the value history (``channel`` says how they came). With ``dry_run`` nothing is written
    but the counts are the same.

    Raises:
        ValidationError: an unknown data element (callers check values first).
    """
    result = ImportResult()
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={r.data_element for r in rows})
    }
    missing = sorted({r.data_element for r in rows} - set(elements))
    if missing:
        raise ValidationError(
            _("Không có phần tử dữ liệu %(code)s.") % {"code": ", ".join(missing)}
        )
    latest: dict[tuple[int, int, str, str], ValueRow] = {}
    # Rows of a payload share few disaggregation dicts: key each dict once (kept alive here).
    keys: dict[int, tuple[dict[str, str], str]] = {}
    element_id_of = {code: element.id for code, element in elements.items()}
    for row in rows:
        known = keys.get(id(row.dimensions))
        if known is None:
            known = keys[id(row.dimensions)] = (row.dimensions, dimension_key(row.dimensions))
        key = (element_id_of[row.data_element], row.unit.id, row.period, known[1])
        if key in latest:
            result.skipped.append(
                (latest[key], _("Giá trị bị thay bằng giá trị sau cùng cho cùng ô số liệu."))
            )
        latest[key] = row
    existing: dict[tuple[int, int, str, str], Decimal] = {}
    locked: set[tuple[int, int, str]] = set()
    if latest:
        element_ids = {k[0] for k in latest}
        unit_ids = {k[1] for k in latest}
        periods = {k[2] for k in latest}
        existing = {
            (element_id, unit_id, period, key): value
            for element_id, unit_id, period, key, value in DataValue.objects.filter(
                data_element_id__in=element_ids, unit_id__in=unit_ids, period__in=periods
            ).values_list("data_element_id", "unit_id", "period", "dimension_key", "value")
        }
        locked = locked_cells(element_ids, unit_ids, periods)
    to_write: list[Cell] = []
    to_update: list[Cell] = []
    history: list[ValueChange] = []
    for key, row in latest.items():
        if key[:3] in locked:
            result.skipped.append((row, _("Báo cáo của kỳ này đã gửi, đã duyệt hoặc đã khoá.")))
            continue
        exists = key in existing
        if exists and strategy == ImportStrategy.CREATE:
            result.skipped.append((row, _("Đã có giá trị; chiến lược CREATE không ghi đè.")))
            continue
        if not exists and strategy == ImportStrategy.UPDATE:
            result.skipped.append((row, _("Chưa có giá trị; chiến lược UPDATE không tạo mới.")))
            continue
        if exists:
            result.updated += 1
            if existing[key] != row.value:
                history.append(
                    ValueChange(
                        data_element_id=key[0],
                        unit_id=key[1],
                        period=row.period,
                        dimension_key=key[3],
                        previous=existing[key],
                        value=row.value,
                        channel=channel,
                        actor=_user_or_none(actor),
                    )
                )
        else:
            result.imported += 1
        (to_update if exists else to_write).append(
            Cell(
                key[0],
                key[1],
                row.period,
                row.dimensions,
                key[3],
                row.value,
                row.source,
                row.confidence,
                row.note,
            )
        )
    if dry_run or not (to_write or to_update):
        return result
    with transaction.atomic():
        upsert_cells(to_write, new=True)
        upsert_cells(to_update)
        ValueChange.objects.bulk_create(history, batch_size=1000)
        record_write(
            actor=actor,
            action="indicators.values.import",
            changes={
                "imported": result.imported,
                "updated": result.updated,
                "ignored": len(result.skipped),
                "elements": sorted(elements),
                "strategy": str(strategy),
            },
            batch_count=len(to_write) + len(to_update),
        )
    return result


# -- reporting regimes and submissions -----------------------------------------------------


class StaleReport(ValidationError):
    """The report changed since the caller read it (optimistic locking)."""


def _today() -> datetime.date:
    return timezone.localdate()


def _event(submission: Submission, action: str, actor: Any, **fields: Any) -> None:
    SubmissionEvent.objects.create(
        submission=submission, action=action, actor=_user_or_none(actor), **fields
    )


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


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
            _refresh_on_commit(period, actor)
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
    if submission.lock_date is not None and (today or _today()) > submission.lock_date:
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
        history = []
        for key, text in entries.items():
            cell = cells.get(key)
            if cell is None:
                result.errors[key] = _("Ô này không thuộc biểu mẫu của chế độ báo cáo.")
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
        actor=_user_or_none(actor),
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
    day = today or _today()
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
        _refresh_on_commit(period, actor)
    return submission


def next_step(submission: Submission) -> ApprovalStep | None:
    """The approval level the report waits for, or None if it is not waiting."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return None
    return submission.regime.approval_steps.filter(order__gt=submission.approved_steps).first()


def _approves_at(user: Any, submission: Submission, step: ApprovalStep) -> bool:
    if step.agency_id is not None:
        return can(user, Perm.DATA_APPROVE, step.agency)
    unit = submission.unit
    if step.unit_level is not None:
        unit = next(
            (u for u in directory_queries.ancestors(unit) if u.level == step.unit_level),
            unit,
        )
    return can(user, Perm.DATA_APPROVE, unit)


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
        submission = _lock(submission)
        _check_version(submission, version)
        step = next_step(submission)
        if step is None:
            raise ValidationError(_("Báo cáo không ở trạng thái chờ phê duyệt."))
        if not may_approve(actor, submission):
            raise PermissionDenied(
                _("Bạn không có quyền phê duyệt ở bước “%(step)s”.") % {"step": step.name}
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
        submission = _lock(submission)
        _check_version(submission, version)
        step = next_step(submission)
        if step is None:
            raise ValidationError(_("Báo cáo không ở trạng thái chờ phê duyệt."))
        if not may_approve(actor, submission):
            raise PermissionDenied(
                _("Bạn không có quyền trả lại ở bước “%(step)s”.") % {"step": step.name}
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
        _refresh_on_commit(period, actor)
    return submission


def _refresh_on_commit(period: Period, actor: Any) -> None:
    """Recompute the period's computed values once the transaction commits, once per period.

    Many reports of one period changed in one transaction (a bulk approval, the demo) refresh
    it once: a refresh already queued on this connection for the period is not queued again.
    """
    connection = transaction.get_connection()
    for _savepoints, queued, _robust in connection.run_on_commit:
        if getattr(queued, "refresh_period", None) == period.code:
            return

    def refresh() -> None:
        refresh_computed(period, actor=actor)

    refresh.refresh_period = period.code  # type: ignore[attr-defined]
    transaction.on_commit(refresh)


def refresh_computed(period: Period, *, actor: Any) -> int:
    """Recompute the registered computed elements for ``period``; return values stored.

    Each computation's values replace the element's computed values for the period (values it
    no longer returns are deleted), in one transaction with one audit entry.
    """
    elements = registry.registered(period)
    if not elements:
        return 0
    by_code = {e.code: e for e in DataElement.objects.filter(code__in=[e.code for e in elements])}
    unit_ids: set[int] = set()
    produced: dict[str, list[registry.ComputedValue]] = {}
    for element in elements:
        if element.code in by_code:
            produced[element.code] = list(element.compute(period))
            unit_ids.update(v.unit_id for v in produced[element.code])
    units = AdministrativeUnit.objects.in_bulk(unit_ids)
    rows = [
        ValueRow(
            data_element=code,
            unit=units[value.unit_id],
            period=period.code,
            value=value.value,
            dimensions=value.dimensions,
            source=ValueSource.COMPUTED,
        )
        for code, values in produced.items()
        for value in values
    ]
    with transaction.atomic():
        deleted, _counts = DataValue.objects.filter(
            data_element__in=[by_code[code] for code in produced],
            period=period.code,
            source=ValueSource.COMPUTED,
        ).delete()
        if rows:
            import_values(rows, actor=actor, channel="computed")
        elif deleted:
            record_write(
                actor=actor,
                action="indicators.values.compute",
                changes={"period": period.code, "deleted": deleted},
                batch_count=deleted,
            )
    return len(rows)


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
