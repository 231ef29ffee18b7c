"""API of the services app (mounted by ``tinhso/api.py`` at /api/v1/services).

Public, no login, no personal data: the procedure catalogue, tracking a dossier by its code,
and the appointment date of the working-day calendar. With an officer's token or session: the
dossiers and the feed of status changes within the caller's ``data.view`` scope, the one-stop
actions on a dossier (``version`` guards against lost updates: a stale one answers 409), and
online submission for any signed-in applicant. Every write goes through
``tinhso.services.actions``; the feed items are also the bodies of webhook calls
(``tinhso.services.notify``).
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import HttpError
from ninja.pagination import paginate

from tinhso.accounts.auth import api_auth
from tinhso.accounts.choices import UserKind
from tinhso.accounts.permissions import Perm, can, scope_queryset
from tinhso.accounts.personal_data import masked_values, plain_values
from tinhso.core.pagination import Pagination
from tinhso.core.text import fold
from tinhso.directory import queries as directory_queries
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode
from tinhso.services import actions, queries, workdays, workflow
from tinhso.services.choices import ApplicantKind, Status
from tinhso.services.models import Dossier, DossierEvent, Procedure
from tinhso.services.schemas import (
    EVENT_PREFETCH,
    EVENT_RELATED,
    LEVEL_VALUES,
    ActionIn,
    ActionName,
    CreatedOut,
    DossierDetailOut,
    DossierFilters,
    DossierIn,
    DossierOut,
    DueDateOut,
    DueDateParams,
    EventFeedOut,
    EventParams,
    ProcedureDetailOut,
    ProcedureOut,
    ProcedureParams,
    TrackingOut,
    event_item,
    level_name,
)

router = Router(tags=["services"])

AGENCY_FIELDS = ["receiving_agency", "deciding_agency", "handling_agency"]
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
CONFLICT = {
    409: {
        "description": "Hồ sơ vừa được người khác cập nhật (the dossier changed: reload it)",
        "content": PROBLEM,
    }
}
MAX_FIELD_LENGTH = 2000


# --- procedures ------------------------------------------------------------------------------


def _search(procedures: QuerySet[Procedure], q: str) -> QuerySet[Procedure]:
    """Every word of ``q`` in the accent-free name, or ``q`` as the start of the code."""
    words = fold(q).split()
    if not words:
        return procedures
    by_name = Q()
    for word in words:
        by_name &= Q(search_name__contains=word)
    return procedures.filter(by_name | Q(code__startswith=q.strip()))


@router.get(
    "/procedures",
    response=list[ProcedureOut],
    operation_id="services_list_procedures",
    summary="Tra cứu thủ tục hành chính (search procedures)",
)
@paginate(Pagination)
def list_procedures(request: HttpRequest, filters: Query[ProcedureParams]) -> Any:
    """Procedures that apply on ``as_of`` (default today), searched with or without diacritics."""
    day = filters.as_of or timezone.localdate()
    procedures = Procedure.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if filters.level:
        procedures = procedures.filter(level=LEVEL_VALUES[filters.level])
    if filters.service_class:
        procedures = procedures.filter(service_class=filters.service_class)
    return (
        _search(procedures, filters.q)
        .select_related("agency")
        .order_by("level", "field", "name", "code")
    )


@router.get(
    "/procedures/{code}",
    response=ProcedureDetailOut,
    operation_id="services_get_procedure",
    summary="Một thủ tục với thành phần hồ sơ và quy trình (a procedure in full)",
)
def get_procedure(request: HttpRequest, code: str) -> Procedure:
    """The procedure with its documents, form fields and workflow steps (any validity)."""
    procedure = (
        Procedure.objects.select_related("agency")
        .prefetch_related("documents")
        .filter(code=code)
        .first()
    )
    if procedure is None:
        raise Http404(_("Không có thủ tục mã %(code)s.") % {"code": code})
    return procedure


# --- public tracking and calendar --------------------------------------------------------------


@router.get(
    "/dossiers/{code}/status",
    response=TrackingOut,
    operation_id="services_track_dossier",
    summary="Tra cứu tình trạng hồ sơ theo mã (track a dossier, no personal data)",
)
def track_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    """Status, appointment date and status history of a dossier: nothing about who or why.

    Two queries: the dossier's public columns, then its status changes.
    """
    found = queries.public_status(code)
    if found is None:
        raise Http404(_("Không có hồ sơ mã %(code)s.") % {"code": code})
    return {
        "code": found.code,
        "procedure": found.procedure,
        "status": found.status,
        "status_label": found.status_label,
        "portal_status": found.portal_status,
        "received_at": found.received_at,
        "due_date": found.due_date,
        "returned_at": found.returned_at,
        "history": [
            {"at": c.at, "status": c.to_status, "portal_status": c.portal_status}
            for c in found.history
        ],
    }


@router.get(
    "/calendar/due-date",
    response=DueDateOut,
    operation_id="services_due_date",
    summary="Ngày hẹn trả sau N ngày làm việc (appointment date after N working days)",
)
def due_date(request: HttpRequest, params: Query[DueDateParams]) -> dict[str, Any]:
    """The date ``days`` working days after ``start`` (not counted), skipping weekends, public
    holidays with lunar Tết and the province's days off, counting make-up working Saturdays."""
    return {
        "start": params.start,
        "days": params.days,
        "due": workdays.calendar().add(params.start, params.days),
    }


# --- dossiers --------------------------------------------------------------------------------


def _codes_by_agency(agency_ids: Iterable[int]) -> dict[int, list[AgencyCode]]:
    found: dict[int, list[AgencyCode]] = {}
    for code in AgencyCode.objects.filter(agency_id__in=set(agency_ids)):
        found.setdefault(code.agency_id, []).append(code)
    return found


def _agency(agency: Agency, codes: dict[int, list[AgencyCode]], day: datetime.date) -> Any:
    valid = [code.code for code in codes.get(agency.pk, []) if code.is_valid_on(day)]
    return {"id": agency.pk, "name": agency.name, "code": valid[0] if valid else None}


def _dossier_out(dossier: Dossier, codes: dict[int, list[AgencyCode]]) -> dict[str, Any]:
    day = workflow.local_date(dossier.submitted_at) if dossier.submitted_at else None
    day = day or timezone.localdate()
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "level": level_name(dossier.level),
        "channel": dossier.channel,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "portal_status": dossier.portal_status,
        "receiving_agency": _agency(dossier.receiving_agency, codes, day),
        "deciding_agency": _agency(dossier.deciding_agency, codes, day),
        "handling_agency": _agency(dossier.handling_agency, codes, day),
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_date": dossier.due_date,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "updated_at": dossier.updated_at,
        "version": dossier.version,
    }


def _dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.exclude(status=Status.DRAFT).select_related(
        "procedure", "receiving_agency", "deciding_agency", "handling_agency"
    )


def _readable(request: HttpRequest, code: str) -> Dossier:
    """The dossier, if the caller applied for it or may view it (404 unknown, 403 not theirs)."""
    dossier = _dossiers().select_related("unit").filter(code=code).first()
    if dossier is None:
        raise Http404(_("Không có hồ sơ mã %(code)s.") % {"code": code})
    user = request.auth  # type: ignore[attr-defined]
    if dossier.applicant_id != user.pk and not can(user, Perm.DATA_VIEW, dossier):
        raise PermissionDenied(
            _("Bạn không có quyền xem hồ sơ %(code)s.") % {"code": code},
        )
    return dossier


def _detail(dossier: Dossier, user: Any) -> dict[str, Any]:
    own = dossier.applicant_id is not None and dossier.applicant_id == user.pk
    codes = _codes_by_agency(
        [dossier.receiving_agency_id, dossier.deciding_agency_id, dossier.handling_agency_id]
    )
    step = dossier.current_step
    today = timezone.localdate()
    timeliness = workflow.classify(
        received=dossier.received_at is not None,
        finished_on=dossier.finished_on,
        promised=dossier.promised_date,
        supplement_count=dossier.supplement_count,
        today=today,
    )
    return {
        **_dossier_out(dossier, codes),
        "applicant_kind": dossier.applicant_kind,
        "applicant": {
            name: str(value)
            for name, value in (plain_values(dossier) if own else masked_values(dossier)).items()
        },
        "form_data": dossier.form_data if own else None,
        "form_fields": sorted(
            name for name, value in dossier.form_data.items() if str(value).strip()
        ),
        "unit": dossier.unit.code if dossier.unit is not None else None,
        "step": (
            {"code": str(step["code"]), "name": str(step["name"]), "due": dossier.step_due}
            if step
            else None
        ),
        "promised_date": dossier.promised_date,
        "paused_days": dossier.paused_days,
        "supplement_count": dossier.supplement_count,
        "digital_result": dossier.digital_result,
        "fee_amount": dossier.fee_amount,
        "paid_online": dossier.paid_online,
        "rating": dossier.rating,
        "timeliness": timeliness.value if timeliness else None,
        "allowed_actions": workflow.allowed_actions(dossier.status),
        "history": [
            {
                "at": event.at,
                "action": event.action,
                "action_label": workflow.action_label(event.action),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "portal_status": event.portal_status,
                "step": event.step_code,
                "comment": event.comment,
            }
            for event in dossier.events.all()
        ],
    }


class PagedDossierOut(Schema):
    """A page of dossiers in the API's one envelope."""

    items: list[DossierOut]
    count: int


@router.get(
    "/dossiers",
    auth=api_auth,
    response=PagedDossierOut,
    operation_id="services_list_dossiers",
    summary="Hồ sơ trong phạm vi được xem (dossiers the caller may see)",
)
def list_dossiers(
    request: HttpRequest, filters: Query[DossierFilters], page: Query[Pagination.Input]
) -> dict[str, Any]:
    """Submitted dossiers that pass through an agency in the caller's ``data.view`` scope, and
    the caller's own; most recently submitted first. No personal data."""
    user = request.auth  # type: ignore[attr-defined]
    dossiers = scope_queryset(
        user, Perm.DATA_VIEW, _dossiers(), agency_field=AGENCY_FIELDS
    ) | _dossiers().filter(applicant_id=user.pk)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.agency is not None:
        dossiers = dossiers.filter(
            Q(receiving_agency_id=filters.agency)
            | Q(deciding_agency_id=filters.agency)
            | Q(handling_agency_id=filters.agency)
        )
    if filters.changed_since is not None:
        dossiers = dossiers.filter(updated_at__gte=filters.changed_since)
    count = dossiers.count()
    rows = list(dossiers.order_by("-submitted_at", "-id")[page.offset : page.offset + page.limit])
    codes = _codes_by_agency(
        agency_id
        for row in rows
        for agency_id in (row.receiving_agency_id, row.deciding_agency_id, row.handling_agency_id)
    )
    return {"items": [_dossier_out(row, codes) for row in rows], "count": count}


@router.get(
    "/dossiers/{code}",
    auth=api_auth,
    response=DossierDetailOut,
    operation_id="services_get_dossier",
    summary="Một hồ sơ với quy trình và lịch sử xử lý (a dossier in full)",
)
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    """The dossier for its applicant and for officers whose scope it passes through."""
    return _detail(_readable(request, code), request.auth)  # type: ignore[attr-defined]


def _unit(code: str | None, user: Any) -> AdministrativeUnit | None:
    if code is None:
        return user.home_unit  # type: ignore[no-any-return]
    try:
        return directory_queries.get_unit(code, timezone.localdate())
    except AdministrativeUnit.DoesNotExist:
        raise ValidationError(
            {"unit": [_("Không có đơn vị hành chính mã %(code)s.") % {"code": code}]}
        ) from None


def _form_data(procedure: Procedure, data: dict[str, Any]) -> dict[str, Any]:
    """The form's values, refusing fields the procedure does not have and non-scalar values."""
    known = {str(item["name"]) for item in procedure.fields}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in known:
            errors[name] = [_("Thủ tục không có trường này.")]
        elif not isinstance(value, str | int | float | bool) or len(str(value)) > MAX_FIELD_LENGTH:
            errors[name] = [_("Giá trị không hợp lệ.")]
    if errors:
        raise ValidationError(errors)
    return data


def _applicant(payload: DossierIn, user: Any) -> actions.Applicant:
    given = payload.applicant
    business = user.kind == UserKind.BUSINESS
    applicant = actions.Applicant(
        kind=given.kind
        if given
        else (ApplicantKind.BUSINESS if business else ApplicantKind.CITIZEN),
        name=(given and given.name) or user.full_name or user.username,
        id_number=(given and given.id_number) or (user.tax_code if business else user.citizen_id),
        phone=(given and given.phone) or user.phone,
        email=(given and given.email) or user.email,
        address=(given and given.address) or user.address,
        account=user,
    )
    if applicant.email:
        try:
            validate_email(applicant.email)
        except ValidationError:
            raise ValidationError({"email": [_("Địa chỉ thư điện tử không hợp lệ.")]}) from None
    return applicant


@router.post(
    "/dossiers",
    auth=api_auth,
    response={201: CreatedOut},
    operation_id="services_submit_dossier",
    summary="Nộp hồ sơ trực tuyến (submit a dossier online)",
)
def submit_dossier(request: HttpRequest, payload: DossierIn) -> HttpStatus[dict[str, Any]]:
    """Create and submit an online dossier in one call; it gets its code at once.

    Procedures with mandatory documents need them attached, which this endpoint does not take:
    the answer is then 422 listing what is missing (use the online form). Nothing is kept
    when the submission is refused.
    """
    user = request.auth  # type: ignore[attr-defined]
    procedure = queries.current_procedures().filter(code=payload.procedure).first()
    if procedure is None:
        raise ValidationError(
            {
                "procedure": [
                    _("Không có thủ tục mã %(code)s đang áp dụng.") % {"code": payload.procedure}
                ]
            }
        )
    form_data = _form_data(procedure, payload.form_data)
    applicant = _applicant(payload, user)
    unit = _unit(payload.unit, user) if procedure.agency_id is None else None
    dossier = actions.submit_online(
        procedure, actor=user, applicant=applicant, form_data=form_data, unit=unit
    )
    return HttpStatus(
        201,
        {
            "code": dossier.code,
            "status": dossier.status,
            "portal_status": dossier.portal_status,
            "version": dossier.version,
        },
    )


def _to_agency(payload: ActionIn) -> Agency:
    agency = Agency.objects.filter(pk=payload.to_agency).first() if payload.to_agency else None
    if agency is None:
        raise ValidationError({"to_agency": [_("Hãy chọn cơ quan nhận hồ sơ chuyển.")]})
    return agency


def _required(value: Any, name: str) -> Any:
    if value is None:
        raise ValidationError({name: [_("Thiếu giá trị bắt buộc.")]})
    return value


Act = Callable[[Dossier, Any, ActionIn], Any]

ACTIONS: dict[str, Act] = {
    "receive": lambda d, user, p: actions.receive_dossier(d, actor=user, version=p.version),
    "reject": lambda d, user, p: actions.reject_dossier(
        d, actor=user, reason=p.comment, version=p.version
    ),
    "advance": lambda d, user, p: actions.advance_dossier(
        d, actor=user, comment=p.comment, digital_result=p.digital_result, version=p.version
    ),
    "transfer": lambda d, user, p: actions.transfer_dossier(
        d, actor=user, to_agency=_to_agency(p), comment=p.comment, version=p.version
    ),
    "request_supplement": lambda d, user, p: actions.request_supplement(
        d, actor=user, reason=p.comment, version=p.version
    ),
    "supplement": lambda d, user, p: actions.provide_supplement(
        d, actor=user, comment=p.comment, version=p.version
    ),
    "request_payment": lambda d, user, p: actions.request_payment(
        d, actor=user, amount=_required(p.amount, "amount"), version=p.version
    ),
    "pay": lambda d, user, p: actions.confirm_payment(
        d, actor=user, online=p.online, version=p.version
    ),
    "apologise": lambda d, user, p: actions.apologise(
        d,
        actor=user,
        reason=p.comment,
        new_due_date=_required(p.new_due_date, "new_due_date"),
        version=p.version,
    ),
    "suspend": lambda d, user, p: actions.suspend_dossier(
        d, actor=user, reason=p.comment, version=p.version
    ),
    "withdraw": lambda d, user, p: actions.withdraw_dossier(
        d, actor=user, reason=p.comment, version=p.version
    ),
    "return": lambda d, user, p: actions.return_result(d, actor=user, version=p.version),
    "rate": lambda d, user, p: _rate(d, user, p),
}


def _rate(dossier: Dossier, user: Any, payload: ActionIn) -> Dossier:
    if payload.version != dossier.version:
        raise actions.StaleDossier(_("Hồ sơ vừa thay đổi; hãy tải lại."), code="stale")
    rating = _required(payload.rating, "rating")
    return actions.rate_dossier(dossier, actor=user, rating=rating, comment=payload.comment)


@router.post(
    "/dossiers/{code}/actions/{action}",
    auth=api_auth,
    response=DossierDetailOut,
    operation_id="services_act_on_dossier",
    summary="Thao tác một cửa trên hồ sơ (take a one-stop action on a dossier)",
    openapi_extra={"responses": CONFLICT},
)
def act_on_dossier(
    request: HttpRequest, code: str, action: ActionName, payload: ActionIn
) -> dict[str, Any]:
    """Receive, reject, advance, transfer, ask for a supplement or fees, apologise, suspend,
    return the result (officers); supplement, pay, withdraw, rate (the applicant).

    409 when the dossier changed since ``version``; 422 when the action is not allowed from
    its status or misses its reason; 403 when the caller may not take it.
    """
    user = request.auth  # type: ignore[attr-defined]
    dossier = _readable(request, code)
    try:
        ACTIONS[action](dossier, user, payload)
    except actions.StaleDossier as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    return _detail(_readable(request, code), user)


# --- the feed of status changes ----------------------------------------------------------------


@router.get(
    "/events",
    auth=api_auth,
    response=EventFeedOut,
    operation_id="services_list_events",
    summary="Dòng sự kiện thay đổi trạng thái hồ sơ (feed of status changes)",
)
def list_events(request: HttpRequest, params: Query[EventParams]) -> dict[str, Any]:
    """Status changes of the dossiers in the caller's ``data.view`` scope after ``since_id``,
    oldest first, in the shape of the webhook calls; poll with the returned ``next_since_id``.
    """
    events = scope_queryset(
        request.auth,  # type: ignore[attr-defined]
        Perm.DATA_VIEW,
        DossierEvent.objects.filter(pk__gt=params.since_id),
        agency_field=[f"dossier__{name}" for name in AGENCY_FIELDS],
    )
    page = list(
        events.select_related(*EVENT_RELATED)
        .prefetch_related(*EVENT_PREFETCH)
        .order_by("pk")[: params.limit]
    )
    return {
        "items": [event_item(event) for event in page],
        "next_since_id": page[-1].pk if page else params.since_id,
    }
