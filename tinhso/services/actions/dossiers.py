"""Every write on a dossier: drafts, submission, the one-stop workflow, attachments, ratings.

Each action locks the dossier row, checks the caller's ``version`` (optimistic locking: a stale
page gets :class:`StaleDossier` instead of overwriting a colleague's step), checks that the
action is allowed from the current status and that the actor may take it, then writes the
dossier, a :class:`DossierEvent` and an audit-ledger entry in one transaction; notifications
and webhooks go out after commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, can
from tinhso.accounts.scopes import Location
from tinhso.core import pagecache
from tinhso.core.audit import record_write
from tinhso.directory.choices import AgencyKind, UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.services import codes, queries, tasks
from tinhso.services.attachments import check_upload
from tinhso.services.choices import (
    PORTAL_CODES,
    ApplicantKind,
    AttachmentKind,
    Channel,
    Rating,
    StepAgency,
    StepRole,
)
from tinhso.services.choices import Status as S
from tinhso.services.models import Apology, Attachment, Dossier, DossierEvent, Procedure
from tinhso.services.workdays import WorkingCalendar, calendar
from tinhso.services.workflow import (
    APPLICANT_ACTIONS,
    StaleDossier,
    TransitionError,
    check_allowed,
    local_date,
    step_due,
)


@dataclass
class Applicant:
    """Who applies, as typed on the form or read from their account."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: str = ApplicantKind.CITIZEN
    account: Any = None


@dataclass
class Change:
    """What an action did, for the event and the audit entry."""

    action: str
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _is_applicant(dossier: Dossier, actor: Any) -> bool:
    return (
        actor is not None and dossier.applicant_id is not None and dossier.applicant_id == actor.pk
    )


def _authorise(dossier: Dossier, action: str, actor: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may take ``action`` on the dossier.

    ``actor=None`` is the system (demo loader, imports). The applicant takes their own
    actions; officers act where the dossier is being handled, leaders at leader steps.
    """
    if actor is None:
        return
    if action in APPLICANT_ACTIONS and _is_applicant(dossier, actor):
        return
    if action == "rate":
        raise PermissionDenied(_("Chỉ người nộp hồ sơ được đánh giá."))
    step = dossier.current_step
    needs = (
        Perm.DATA_APPROVE
        if action == "advance" and step and step.get("role") == StepRole.LEADER
        else Perm.DATA_CHANGE
    )
    if not can(actor, needs, Location.of(agencies=[dossier.handling_agency_id])):
        raise PermissionDenied(
            _("Bạn không có quyền xử lý hồ sơ %(code)s ở bước này.") % {"code": dossier}
        )


def _locked(dossier: Dossier, version: int | None) -> Dossier:
    fresh = Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)
    if version is not None and fresh.version != version:
        raise StaleDossier(
            _("Hồ sơ %(code)s vừa được người khác cập nhật; hãy tải lại trang rồi thao tác lại.")
            % {"code": fresh},
            code="stale",
        )
    return fresh


def _record(dossier: Dossier, before: str, change: Change, actor: Any) -> DossierEvent:
    """Save the dossier, its event and the audit entry; announce the event after commit."""
    dossier.version += 1
    dossier.save()
    step = dossier.current_step
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=timezone.now(),
        actor=_actor(actor),
        action=change.action,
        from_status=before,
        to_status=dossier.status,
        portal_status=PORTAL_CODES.get(dossier.status, 0),
        step_code=str(step["code"]) if step else "",
        agency_id=dossier.handling_agency_id,
        comment=change.comment,
        data=change.data,
    )
    record_write(
        actor=actor,
        action=f"services.dossier.{change.action}",
        target=dossier,
        changes={"status": [before, dossier.status], **change.data},
    )
    transaction.on_commit(lambda: tasks.enqueue_announcement(event.pk))
    if dossier.code:
        tag = queries.tracking_tag(dossier.code)
        transaction.on_commit(lambda: pagecache.forget(tag))
    return event


def _transition(
    dossier: Dossier, change: Change, *, actor: Any, version: int | None, mutate: Any
) -> Dossier:
    with transaction.atomic():
        fresh = _locked(dossier, version)
        check_allowed(change.action, fresh.status)
        _authorise(fresh, change.action, actor)
        before = fresh.status
        mutate(fresh)
        _record(fresh, before, change, actor)
    return fresh


def _step_agency(dossier: Dossier, index: int) -> int:
    step = dossier.procedure.steps[index]
    if step["agency"] == StepAgency.RECEIVING:
        return dossier.receiving_agency_id
    return dossier.deciding_agency_id


def _finish(dossier: Dossier, status: str) -> None:
    now = timezone.now()
    dossier.status = status
    if dossier.finished_at is None and dossier.received_at is not None:
        dossier.finished_at = now
        dossier.finished_on = local_date(now)


# --- drafts and submission ---------------------------------------------------------------


def default_agencies(
    procedure: Procedure, unit: AdministrativeUnit | None
) -> tuple[Agency, Agency]:
    """The usual (receiving, deciding) agencies of a procedure for an applicant in ``unit``.

    A provincial procedure is received by the provincial Public Administration Service Centre
    when there is one (otherwise by its deciding agency) and decided by its agency; a commune
    procedure is received and decided by the UBND of ``unit``.

    Raises:
        TransitionError: no agency can be found (a commune procedure without a commune).
    """
    today = timezone.localdate()
    deciding = procedure.agency
    if deciding is not None:
        centre = (
            Agency.objects.filter(unit_id=deciding.unit_id, kind=AgencyKind.KHAC)
            .filter(name__startswith="Trung tâm Phục vụ hành chính công")
            .exclude(valid_to__lt=today)
            .first()
        )
        return (centre or deciding), deciding
    kind = AgencyKind.UBND_HUYEN if procedure.level == UnitLevel.DISTRICT else AgencyKind.UBND_XA
    ubnd = (
        Agency.objects.filter(unit=unit, kind=kind).exclude(valid_to__lt=today).first()
        if unit is not None
        else None
    )
    if ubnd is None:
        raise TransitionError(
            _("Hãy chọn xã, phường nơi giải quyết thủ tục “%(name)s”.") % {"name": procedure.name},
            code="unit",
        )
    return ubnd, ubnd


def _draft_values(
    procedure: Procedure,
    applicant: Applicant,
    form_data: dict[str, Any],
    unit: AdministrativeUnit | None,
    receiving_agency: Agency | None,
) -> dict[str, Any]:
    if not procedure.online:
        raise TransitionError(
            _("Thủ tục này chỉ thực hiện trực tiếp tại Bộ phận Một cửa."), code="in_person"
        )
    receiving, deciding = default_agencies(procedure, unit)
    receiving = receiving_agency or receiving
    return {
        "applicant_kind": applicant.kind,
        "applicant_name": applicant.name,
        "applicant_id_number": applicant.id_number,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "applicant_address": applicant.address,
        "form_data": form_data,
        "unit": unit,
        "receiving_agency": receiving,
        "deciding_agency": deciding,
        "handling_agency": receiving,
    }


def save_draft(
    procedure: Procedure,
    *,
    actor: Any,
    applicant: Applicant,
    form_data: dict[str, Any],
    unit: AdministrativeUnit | None = None,
    receiving_agency: Agency | None = None,
    dossier: Dossier | None = None,
    version: int | None = None,
) -> Dossier:
    """Create or update an online draft (bản nháp) that its applicant may still change.

    Raises:
        TransitionError: the procedure cannot be done online, or the dossier is no draft.
        PermissionDenied: someone else's draft.
    """
    values = _draft_values(procedure, applicant, form_data, unit, receiving_agency)
    with transaction.atomic():
        if dossier is None:
            dossier = Dossier(
                procedure=procedure,
                level=procedure.level,
                channel=Channel.ONLINE,
                status=S.DRAFT,
                applicant=_actor(actor),
                fee_amount=procedure.fee_amount,
                **values,
            )
            dossier.save()
            record_write(actor=actor, action="services.dossier.draft", target=dossier)
            return dossier
        fresh = _locked(dossier, version)
        if fresh.status != S.DRAFT:
            raise TransitionError(_("Hồ sơ đã nộp, không sửa được nữa."), code="not_draft")
        if actor is not None and not _is_applicant(fresh, actor):
            raise PermissionDenied(_("Đây không phải hồ sơ của bạn."))
        for name, value in values.items():
            setattr(fresh, name, value)
        fresh.version += 1
        fresh.save()
        record_write(actor=actor, action="services.dossier.draft", target=fresh)
        return fresh


def missing_documents(dossier: Dossier, attached: set[str] | None = None) -> list[str]:
    """Names of the mandatory documents that have no attached file yet."""
    if attached is None:
        attached = set(dossier.attachments.values_list("document_code", flat=True))
    return [
        document.name
        for document in dossier.procedure.documents.all()
        if document.required and not document.reusable and document.code not in attached
    ]


def missing_fields(dossier: Dossier) -> list[str]:
    """Labels of the procedure's required form fields left empty."""
    return [
        str(item.get("label", item["name"]))
        for item in dossier.procedure.fields
        if item.get("required") and not str(dossier.form_data.get(item["name"], "")).strip()
    ]


def submit_dossier(dossier: Dossier, *, actor: Any, version: int | None = None) -> Dossier:
    """Send a draft to the receiving agency: it gets its dossier code and waits for reception.

    Raises:
        TransitionError: not a draft, required fields or documents missing, no agency code.
    """

    def mutate(fresh: Dossier) -> None:
        _check_complete(fresh, None)
        _mark_submitted(fresh)

    return _transition(dossier, Change("submit"), actor=actor, version=version, mutate=mutate)


def _check_complete(dossier: Dossier, attached: set[str] | None) -> None:
    problems = [
        _("Thiếu thông tin: %(label)s.") % {"label": label} for label in missing_fields(dossier)
    ] + [
        _("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": name}
        for name in missing_documents(dossier, attached)
    ]
    if problems:
        raise TransitionError(problems, code="incomplete")


def _mark_submitted(dossier: Dossier) -> None:
    now = timezone.now()
    dossier.code = _issue(dossier.receiving_agency, local_date(now))
    dossier.status = S.SUBMITTED
    dossier.submitted_at = now


def submit_online(
    procedure: Procedure,
    *,
    actor: Any,
    applicant: Applicant,
    form_data: dict[str, Any],
    unit: AdministrativeUnit | None = None,
    receiving_agency: Agency | None = None,
) -> Dossier:
    """Create and submit an online dossier in one step, for clients that send no files.

    One transaction, one event and one ledger entry: nothing is kept when it is refused.

    Raises:
        TransitionError: an in-person procedure, missing fields or mandatory documents.
    """
    dossier = Dossier(
        procedure=procedure,
        level=procedure.level,
        channel=Channel.ONLINE,
        applicant=_actor(actor),
        fee_amount=procedure.fee_amount,
        version=0,
        **_draft_values(procedure, applicant, form_data, unit, receiving_agency),
    )
    _check_complete(dossier, set())
    with transaction.atomic():
        _mark_submitted(dossier)
        _record(dossier, S.DRAFT, Change("submit"), actor)
    return dossier


def _issue(agency: Agency, day: datetime.date) -> str:
    try:
        return codes.issue_code(agency, day)
    except codes.CodeError as exc:
        raise TransitionError(str(exc), code="code") from exc


def _start_clock(dossier: Dossier, now: datetime.datetime, cal: WorkingCalendar) -> None:
    received = local_date(now)
    days = dossier.procedure.processing_days
    dossier.received_at = now
    dossier.due_date = dossier.promised_date = cal.add(received, days)
    dossier.step_index = 0
    dossier.step_due = step_due(cal, dossier.procedure.steps, 0, received, days, dossier.due_date)
    dossier.handling_agency_id = _step_agency(dossier, 0)


def receive_dossier(dossier: Dossier, *, actor: Any, version: int | None = None) -> Dossier:
    """Accept a submitted dossier at the one-stop desk and fix its appointment date.

    Raises:
        TransitionError: the dossier is not waiting to be received.
        StaleDossier: someone acted on it since ``version``.
    """
    cal = calendar()

    def mutate(fresh: Dossier) -> None:
        _start_clock(fresh, timezone.now(), cal)
        fresh.status = S.RECEIVED

    return _transition(dossier, Change("receive"), actor=actor, version=version, mutate=mutate)


def receive_at_counter(
    procedure: Procedure,
    *,
    actor: Any,
    applicant: Applicant,
    form_data: dict[str, Any],
    receiving_agency: Agency,
    unit: AdministrativeUnit | None = None,
    channel: int = Channel.DIRECT,
) -> Dossier:
    """Register and receive a paper dossier brought to the counter or sent by post.

    Raises:
        PermissionDenied: the officer does not work for the receiving agency.
        TransitionError: no agency code for today.
    """
    deciding = default_agencies(procedure, unit or receiving_agency.unit)[1]
    if actor is not None and not can(actor, Perm.DATA_CHANGE, receiving_agency):
        raise PermissionDenied(_("Bạn không làm việc tại cơ quan tiếp nhận này."))
    cal = calendar()
    with transaction.atomic():
        now = timezone.now()
        dossier = Dossier(
            code=_issue(receiving_agency, local_date(now)),
            procedure=procedure,
            level=procedure.level,
            channel=channel,
            status=S.RECEIVED,
            applicant=applicant.account,
            applicant_kind=applicant.kind,
            applicant_name=applicant.name,
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_email=applicant.email,
            applicant_address=applicant.address,
            unit=unit or receiving_agency.unit,
            receiving_agency=receiving_agency,
            deciding_agency=deciding,
            handling_agency=receiving_agency,
            form_data=form_data,
            submitted_at=now,
            fee_amount=procedure.fee_amount,
            version=0,
        )
        _start_clock(dossier, now, cal)
        _record(dossier, "", Change("receive", data={"counter": True}), actor)
    return dossier


def receive_dossiers(dossiers: list[Dossier], *, actor: Any) -> tuple[list[Dossier], list[str]]:
    """Receive many submitted dossiers (bulk reception); each succeeds or fails on its own.

    Returns the received dossiers and one message per dossier that could not be received.
    """
    done: list[Dossier] = []
    failed: list[str] = []
    for dossier in dossiers:
        try:
            done.append(receive_dossier(dossier, actor=actor))
        except (TransitionError, PermissionDenied) as exc:
            failed.append(f"{dossier}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, failed


def reject_dossier(
    dossier: Dossier, *, actor: Any, reason: str, version: int | None = None
) -> Dossier:
    """Refuse to receive a submitted dossier, giving the reason (form 03)."""
    _require_text(reason)

    def mutate(fresh: Dossier) -> None:
        fresh.status = S.REJECTED

    change = Change("reject", comment=reason)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def _require_text(text: str) -> None:
    if not text.strip():
        raise TransitionError(_("Hãy ghi rõ lý do."), code="reason")


# --- processing ----------------------------------------------------------------------------


def advance_dossier(
    dossier: Dossier,
    *,
    actor: Any,
    comment: str = "",
    digital_result: bool | None = None,
    version: int | None = None,
) -> Dossier:
    """Finish the current step and hand the dossier to the next one.

    Reaching the last step (return of the result) resolves the dossier: its processing ends
    (``finished_at``), which decides whether it was on time. ``digital_result`` records that an
    electronic result document was issued (Decision 766's digitised results).
    """
    cal = calendar()

    def mutate(fresh: Dossier) -> None:
        steps = fresh.procedure.steps
        fresh.step_index += 1
        fresh.handling_agency_id = _step_agency(fresh, fresh.step_index)
        if fresh.step_index >= len(steps) - 1:
            _finish(fresh, S.RESOLVED)
        else:
            fresh.status = S.PROCESSING
        if digital_result is not None:
            fresh.digital_result = digital_result
        assert fresh.received_at is not None and fresh.due_date is not None
        fresh.step_due = step_due(
            cal,
            steps,
            fresh.step_index,
            local_date(fresh.received_at),
            fresh.procedure.processing_days + fresh.paused_days,
            fresh.due_date,
        )

    change = Change("advance", comment=comment)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def transfer_dossier(
    dossier: Dossier,
    *,
    actor: Any,
    to_agency: Agency,
    comment: str = "",
    version: int | None = None,
) -> Dossier:
    """Pass the dossier to another agency or level that decides it (liên thông).

    The receiving agency stays; the new agency handles the current step and decides.
    """
    if to_agency.pk == dossier.handling_agency_id:
        raise TransitionError(_("Hồ sơ đang ở chính cơ quan này."), code="same_agency")

    def mutate(fresh: Dossier) -> None:
        fresh.deciding_agency = to_agency
        fresh.handling_agency = to_agency
        fresh.status = S.PROCESSING

    change = Change(
        "transfer",
        comment=comment,
        data={"from_agency": dossier.handling_agency_id, "to_agency": to_agency.pk},
    )
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def request_supplement(
    dossier: Dossier, *, actor: Any, reason: str, version: int | None = None
) -> Dossier:
    """Ask the applicant to complete the dossier (form 02); the clock stops until they do."""
    _require_text(reason)

    def mutate(fresh: Dossier) -> None:
        fresh.status = S.SUPPLEMENT
        fresh.paused_since = timezone.now()
        fresh.supplement_count += 1

    change = Change("request_supplement", comment=reason)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def provide_supplement(
    dossier: Dossier, *, actor: Any, comment: str = "", version: int | None = None
) -> Dossier:
    """Record the applicant's supplement; the working days it took move the dates on."""
    cal = calendar()

    def mutate(fresh: Dossier) -> None:
        assert fresh.paused_since is not None and fresh.due_date and fresh.promised_date
        waited = cal.between(local_date(fresh.paused_since), timezone.localdate())
        fresh.paused_days += waited
        fresh.due_date = cal.add(fresh.due_date, waited) if waited else fresh.due_date
        fresh.promised_date = (
            cal.add(fresh.promised_date, waited) if waited else fresh.promised_date
        )
        if fresh.step_due and waited:
            fresh.step_due = cal.add(fresh.step_due, waited)
        fresh.paused_since = None
        fresh.status = S.PROCESSING if fresh.step_index else S.RECEIVED

    change = Change("supplement", comment=comment)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def request_payment(
    dossier: Dossier, *, actor: Any, amount: int, version: int | None = None
) -> Dossier:
    """Ask the applicant to pay the fees (financial obligations) before processing goes on."""
    if amount <= 0:
        raise TransitionError(_("Số tiền phải lớn hơn 0."), code="amount")

    def mutate(fresh: Dossier) -> None:
        fresh.fee_amount = amount
        fresh.status = S.PAYMENT

    change = Change("request_payment", data={"amount": amount})
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def confirm_payment(
    dossier: Dossier, *, actor: Any, online: bool, version: int | None = None
) -> Dossier:
    """Record that the fees were paid (online by the applicant, or at the counter)."""

    def mutate(fresh: Dossier) -> None:
        fresh.paid_online = online
        fresh.status = S.PROCESSING if fresh.step_index else S.RECEIVED

    change = Change("pay", data={"online": online})
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def apologise(
    dossier: Dossier,
    *,
    actor: Any,
    reason: str,
    new_due_date: datetime.date,
    version: int | None = None,
) -> Apology:
    """Issue the apology-and-new-date slip (form 04) and only then move the appointment date.

    It is due no later than one working day before the appointment date; the dossier still
    counts as late against its promised date.

    Raises:
        TransitionError: no reason, or the new date is not a later working day.
    """
    _require_text(reason)
    cal = calendar()
    if not cal.is_working(new_due_date):
        raise TransitionError(_("Ngày hẹn mới phải là ngày làm việc."), code="new_date")
    slip: list[Apology] = []

    def mutate(fresh: Dossier) -> None:
        assert fresh.due_date is not None
        if new_due_date <= fresh.due_date:
            raise TransitionError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).")
                % {"due": f"{fresh.due_date:%d/%m/%Y}"},
                code="new_date",
            )
        slip.append(
            Apology.objects.create(
                dossier=fresh,
                issued_at=timezone.now(),
                issued_by=_actor(actor),
                reason=reason,
                old_due_date=fresh.due_date,
                new_due_date=new_due_date,
            )
        )
        fresh.due_date = new_due_date

    change = Change("apologise", comment=reason, data={"new_due_date": new_due_date.isoformat()})
    _transition(dossier, change, actor=actor, version=version, mutate=mutate)
    return slip[0]


def apology_due(dossier: Dossier, today: datetime.date, cal: WorkingCalendar) -> bool:
    """Whether a dossier still in hand needs its apology slip now: it is overdue, or its
    appointment date is the next working day, and no slip moved the date past today."""
    if dossier.due_date is None or dossier.status not in {
        S.RECEIVED,
        S.PROCESSING,
        S.PAYMENT,
    }:
        return False
    return today >= cal.previous(dossier.due_date)


def suspend_dossier(
    dossier: Dossier, *, actor: Any, reason: str, version: int | None = None
) -> Dossier:
    """Stop processing for good (dừng xử lý), giving the reason."""
    _require_text(reason)

    def mutate(fresh: Dossier) -> None:
        _finish(fresh, S.SUSPENDED)
        fresh.paused_since = None

    change = Change("suspend", comment=reason)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def withdraw_dossier(
    dossier: Dossier, *, actor: Any, reason: str = "", version: int | None = None
) -> Dossier:
    """Withdraw the dossier at the applicant's request (công dân yêu cầu rút hồ sơ)."""

    def mutate(fresh: Dossier) -> None:
        _finish(fresh, S.WITHDRAWN)
        fresh.paused_since = None

    change = Change("withdraw", comment=reason)
    return _transition(dossier, change, actor=actor, version=version, mutate=mutate)


def return_result(dossier: Dossier, *, actor: Any, version: int | None = None) -> Dossier:
    """Hand the result to the applicant (at the counter, by post or online)."""

    def mutate(fresh: Dossier) -> None:
        fresh.status = S.RETURNED
        fresh.returned_at = timezone.now()

    return _transition(dossier, Change("return"), actor=actor, version=version, mutate=mutate)


def rate_dossier(dossier: Dossier, *, actor: Any, rating: int, comment: str = "") -> Dossier:
    """Record the applicant's satisfaction with the service, once, after the result.

    Raises:
        TransitionError: the result is not returned yet, the dossier was rated, bad rating.
    """
    if rating not in Rating.values:
        raise TransitionError(_("Mức đánh giá không hợp lệ."), code="rating")

    def mutate(fresh: Dossier) -> None:
        if fresh.rating is not None:
            raise TransitionError(_("Hồ sơ này đã được đánh giá."), code="rated")
        fresh.rating = rating
        fresh.rating_comment = comment
        fresh.rated_at = timezone.now()

    change = Change("rate", data={"rating": rating})
    return _transition(dossier, change, actor=actor, version=None, mutate=mutate)


# --- attachments ---------------------------------------------------------------------------


def add_attachment(
    dossier: Dossier,
    *,
    actor: Any,
    upload: UploadedFile,
    kind: str = AttachmentKind.INPUT,
    document_code: str = "",
) -> Attachment:
    """Check an uploaded file (type by content, size, virus scan) and attach it.

    The applicant attaches to their draft or supplement; officers attach results and
    counter scans to dossiers they handle.

    Raises:
        django.core.exceptions.ValidationError: the file is refused, with the reason.
        PermissionDenied: not the applicant nor an officer handling the dossier.
    """
    if actor is not None and not (
        _is_applicant(dossier, actor)
        or can(actor, Perm.DATA_CHANGE, Location.of(agencies=[dossier.handling_agency_id]))
    ):
        raise PermissionDenied(_("Bạn không thể đính kèm tệp vào hồ sơ này."))
    # Online applicants attach to their draft; paper dossiers get their scans at the counter.
    if (
        kind == AttachmentKind.INPUT
        and dossier.status != S.DRAFT
        and dossier.channel == Channel.ONLINE
    ):
        raise TransitionError(_("Hồ sơ đã nộp; hãy gửi tệp bổ sung."), code="not_draft")
    checked = check_upload(upload)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            dossier=dossier,
            kind=kind,
            document_code=document_code,
            file=upload,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=_actor(actor),
        )
        if kind == AttachmentKind.RESULT:
            Dossier.objects.filter(pk=dossier.pk).update(digital_result=True)
        record_write(
            actor=actor,
            action="services.attachment.add",
            target=attachment,
            changes={"dossier": dossier.pk, "sha256": checked.sha256, "size": checked.size},
        )
    return attachment
