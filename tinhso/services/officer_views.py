"""Pages of the officer's workspace (không gian làm việc của cán bộ một cửa).

The inbox of dossiers to act on with its tabs and bulk reception, the dossier page with its
history, documents and the actions the officer may take now (htmx re-renders the panel; every
form posts the version it showed), counter intake of paper dossiers, the one-stop slips as
PDF and the province's working calendar. Thin: reads from ``inbox``/``queries``, writes
through ``actions``, permissions through ``tinhso.accounts.permissions``.
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any
from urllib.parse import urlencode

import holidays
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import Location, Perm, Scope, can, scope_queryset
from tinhso.core.htmx import is_htmx
from tinhso.core.text import fold
from tinhso.directory.models import Agency
from tinhso.services import actions, inbox, slips
from tinhso.services.choices import IN_HAND, AttachmentKind, StepRole
from tinhso.services.choices import Status as S
from tinhso.services.models import Attachment, CalendarDay, Dossier, Procedure
from tinhso.services.officer_forms import (
    ACTION_FORMS,
    CounterForm,
    DeclareDayForm,
    DueDateForm,
    InboxFilterForm,
    ProcedureSearchForm,
    TransferForm,
    UndeclareDayForm,
    VersionForm,
)
from tinhso.services.queries import current_procedures
from tinhso.services.workdays import calendar
from tinhso.services.workflow import StaleDossier, action_label, allowed_actions

PAGE_SIZE = 25
PROCEDURES_SHOWN = 30
# The tracking page belongs to the citizen's pages; its path is fixed by the issue.
TRACK_PATH = "/services/tra-cuu/"
# Actions only the applicant takes (from their account); officers never see them.
APPLICANT_ONLY = frozenset({"submit", "rate"})
# Officers' names for actions they take on the applicant's behalf, and the approval step.
OFFICER_LABELS = {
    "supplement": gettext_lazy("Nhận hồ sơ bổ sung tại quầy"),
    "pay": gettext_lazy("Xác nhận đã nộp phí, lệ phí"),
    "withdraw": gettext_lazy("Rút hồ sơ theo yêu cầu của người nộp"),
}
ACCESS_KEYS = {"receive": "r", "advance": "a", "return": "t"}
DANGEROUS = frozenset({"reject", "suspend", "withdraw"})


def stale_message() -> str:
    """What an officer whose page is older than the dossier is told."""
    return _("Hồ sơ vừa được người khác cập nhật, hãy tải lại trang.")


def _require_officer(user: Any) -> None:
    if not can(user, Perm.DATA_CHANGE):
        raise PermissionDenied(_("Trang này dành cho cán bộ xử lý hồ sơ."))


# --- inbox -------------------------------------------------------------------------------


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The dossiers the officer may act on, by tab, searchable, with bulk reception."""
    _require_officer(request.user)
    base = inbox.inbox_dossiers(request.user)
    form = InboxFilterForm(request.GET, procedures=inbox.inbox_procedures(base))
    dossiers = base
    tab = "all"
    status = 200
    if form.is_valid():
        tab = form.cleaned_data["tab"] or "all"
        if form.cleaned_data["q"]:
            dossiers = inbox.search(dossiers, form.cleaned_data["q"])
        if form.cleaned_data["procedure"]:
            dossiers = dossiers.filter(procedure=form.cleaned_data["procedure"])
    else:
        status = 400
    today = timezone.localdate()
    cal = calendar()
    conditions = inbox.tab_conditions(today, cal)
    counts = inbox.tab_counts(dossiers, today, cal)
    rows = dossiers.filter(conditions[tab]).select_related("procedure", "handling_agency")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    next_working_day = cal.add(today, 1)
    query = {key: value for key, value in request.GET.items() if key not in {"tab", "page"}}
    context = {
        "form": form,
        "tab": tab,
        "tabs": [
            {
                "slug": item.slug,
                "label": item.label,
                "count": counts[item.slug],
                "url": "?" + urlencode({**query, "tab": item.slug}),
            }
            for item in inbox.TABS
        ],
        "page": page,
        "rows": [
            {"dossier": dossier, "urgency": inbox.urgency(dossier, today, next_working_day)}
            for dossier in page.object_list
        ],
        "today": today,
    }
    template = (
        "services/officer/partials/_inbox_list.html"
        if is_htmx(request)
        else "services/officer/inbox.html"
    )
    return render(request, template, context, status=status)


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@login_required
@require_POST
def inbox_receive(request: HttpRequest) -> HttpResponse:
    """Receive the dossiers ticked in the inbox; report those received and those not."""
    _require_officer(request.user)
    wanted = set(_ids(request.POST.getlist("ids")))
    if not wanted:
        messages.warning(request, _("Hãy chọn ít nhất một hồ sơ cần tiếp nhận."))
        return redirect(reverse("services:inbox") + "?tab=receive")
    found = list(
        inbox.inbox_dossiers(request.user)
        .filter(pk__in=wanted, status=S.SUBMITTED)
        .select_related("procedure")
    )
    done, failed = actions.receive_dossiers(found, actor=request.user)
    unknown = len(wanted) - len(found)
    if done:
        messages.success(
            request,
            _("Đã tiếp nhận %(count)s hồ sơ: %(codes)s.")
            % {"count": len(done), "codes": ", ".join(str(d) for d in done)},
        )
    for text in failed:
        messages.error(request, text)
    if unknown:
        messages.error(
            request,
            _("%(count)s hồ sơ không còn chờ tiếp nhận hoặc không thuộc phạm vi của bạn.")
            % {"count": unknown},
        )
    return redirect(reverse("services:inbox") + "?tab=receive")


# --- dossier page ------------------------------------------------------------------------


def _dossier_or_404(user: Any, pk: int) -> Dossier:
    """The dossier if ``user`` may see it; 404 otherwise (its existence is not disclosed)."""
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "procedure", "receiving_agency", "deciding_agency", "handling_agency", "unit"
        ).exclude(status=S.DRAFT),
        pk=pk,
    )
    if not can(user, Perm.DATA_VIEW, dossier):
        raise Http404
    return dossier


def officer_actions(user: Any, dossier: Dossier) -> list[str]:
    """The actions ``user`` may take on the dossier now, in the workflow's order."""
    where = Location.of(agencies=[dossier.handling_agency_id])
    if not can(user, Perm.DATA_CHANGE, where):
        return []
    names = [name for name in allowed_actions(dossier.status) if name not in APPLICANT_ONLY]
    if _leader_step(dossier) and not can(user, Perm.DATA_APPROVE, where):
        names = [name for name in names if name != "advance"]
    return names


def _leader_step(dossier: Dossier) -> bool:
    step = dossier.current_step
    return bool(step and step.get("role") == StepRole.LEADER)


def _label(action: str, dossier: Dossier) -> str:
    if action == "advance":
        return _("Phê duyệt") if _leader_step(dossier) else _("Chuyển bước tiếp theo")
    return str(OFFICER_LABELS.get(action) or action_label(action))


def _new_form(action: str, dossier: Dossier, data: Any = None, files: Any = None) -> VersionForm:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"initial": {"version": dossier.version}, "auto_id": f"{action}-%s"}
    if form_class is TransferForm:
        kwargs["exclude"] = dossier.handling_agency_id
    if action == "request_payment":
        kwargs["initial"]["amount"] = dossier.fee_amount or None
    if data is not None:
        return form_class(data, files, **kwargs)
    return form_class(**kwargs)


def _slips(dossier: Dossier) -> list[dict[str, str]]:
    """The slips the dossier has, with their links."""
    found = {
        "receipt": dossier.received_at is not None,
        "supplement": dossier.supplement_count > 0,
        "rejection": dossier.status == S.REJECTED,
        "apology": dossier.apologies.exists(),
    }
    labels = {
        "receipt": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "supplement": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "rejection": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        "apology": _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    }
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "form": slips.FORM_LABELS[kind],
            "url": reverse("services:slip", args=[dossier.pk, kind]),
        }
        for kind in slips.KINDS
        if found[kind]
    ]


def _steps(dossier: Dossier) -> list[dict[str, Any]]:
    received = dossier.received_at is not None
    finished = dossier.status in {S.RESOLVED, S.RETURNED}
    return [
        {
            "name": step.get("name", step["code"]),
            "role": StepRole(step["role"]).label if step.get("role") in StepRole.values else "",
            "done": received and (index < dossier.step_index or finished),
            "current": received and index == dossier.step_index and not finished,
        }
        for index, step in enumerate(dossier.procedure.steps)
    ]


def form_rows(dossier: Dossier) -> list[tuple[str, Any]]:
    """The dossier's form data as (label, value) rows; dates shown dd/mm/yyyy."""
    items = {item["name"]: item for item in dossier.procedure.fields}
    rows: list[tuple[str, Any]] = []
    for name, value in dossier.form_data.items():
        item = items.get(name, {})
        if item.get("type") == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = f"{datetime.date.fromisoformat(value):%d/%m/%Y}"
        rows.append((str(item.get("label", name)), value))
    return rows


def _context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: dict[str, VersionForm] | None = None,
    errors: list[str] | None = None,
    notice: str = "",
    stale: bool = False,
) -> dict[str, Any]:
    today = timezone.localdate()
    cal = calendar()
    bound = bound or {}
    names = officer_actions(request.user, dossier)
    return {
        "dossier": dossier,
        "step": dossier.current_step,
        "steps": _steps(dossier),
        "form_rows": form_rows(dossier),
        "actions": [
            {
                "name": name,
                "label": _label(name, dossier),
                "form": bound.get(name) or _new_form(name, dossier),
                "url": reverse("services:dossier-action", args=[dossier.pk, name]),
                "accesskey": ACCESS_KEYS.get(name, ""),
                "danger": name in DANGEROUS,
                "result_upload": name == "advance" and _leader_step(dossier),
            }
            for name in names
        ],
        "open_action": next(iter(bound), ""),
        "apology_due": actions.apology_due(dossier, today, cal),
        "overdue": dossier.due_date is not None
        and dossier.due_date < today
        and dossier.status in IN_HAND,
        "attachments": list(dossier.attachments.select_related("uploaded_by")),
        "events": [
            {
                "event": event,
                "label": action_label(event.action),
                "before": S(event.from_status).label if event.from_status else "",
                "after": S(event.to_status).label,
            }
            for event in dossier.events.select_related("actor", "agency")
        ],
        "apologies": list(dossier.apologies.select_related("issued_by")),
        "slips": _slips(dossier),
        "errors": errors or [],
        "notice": notice,
        "stale": stale,
        "just_received": request.GET.get("moi") == "1",
    }


@login_required
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One dossier: applicant, form data, documents, step, history and the actions."""
    dossier = _dossier_or_404(request.user, pk)
    return render(request, "services/officer/dossier.html", _context(request, dossier))


def _perform(action: str, dossier: Dossier, form: VersionForm, actor: Any) -> None:
    """Call the action the form is for (raises what the action raises)."""
    data = form.cleaned_data
    version = data["version"]
    if action == "receive":
        actions.receive_dossier(dossier, actor=actor, version=version)
    elif action == "reject":
        actions.reject_dossier(dossier, actor=actor, reason=data["reason"], version=version)
    elif action == "advance":
        upload = data.get("result")
        digital = True if (data.get("digital_result") or upload) else None
        with transaction.atomic():
            if upload:
                if dossier.version != version:
                    raise StaleDossier(stale_message(), code="stale")
                actions.add_attachment(
                    dossier, actor=actor, upload=upload, kind=AttachmentKind.RESULT
                )
            actions.advance_dossier(
                dossier,
                actor=actor,
                comment=data.get("comment", ""),
                digital_result=digital,
                version=version,
            )
    elif action == "transfer":
        actions.transfer_dossier(
            dossier,
            actor=actor,
            to_agency=data["agency"],
            comment=data.get("comment", ""),
            version=version,
        )
    elif action == "request_supplement":
        actions.request_supplement(dossier, actor=actor, reason=data["reason"], version=version)
    elif action == "supplement":
        actions.provide_supplement(
            dossier, actor=actor, comment=data.get("comment", ""), version=version
        )
    elif action == "request_payment":
        actions.request_payment(dossier, actor=actor, amount=data["amount"], version=version)
    elif action == "pay":
        actions.confirm_payment(dossier, actor=actor, online=data["online"], version=version)
    elif action == "apologise":
        actions.apologise(
            dossier,
            actor=actor,
            reason=data["reason"],
            new_due_date=data["new_due_date"],
            version=version,
        )
    elif action == "suspend":
        actions.suspend_dossier(dossier, actor=actor, reason=data["reason"], version=version)
    elif action == "withdraw":
        actions.withdraw_dossier(
            dossier, actor=actor, reason=data.get("reason", ""), version=version
        )
    elif action == "return":
        actions.return_result(dossier, actor=actor, version=version)


def _panel(request: HttpRequest, dossier: Dossier, status: int, **context: Any) -> HttpResponse:
    template = (
        "services/officer/partials/_panel.html"
        if is_htmx(request)
        else "services/officer/dossier.html"
    )
    return render(request, template, _context(request, dossier, **context), status=status)


@login_required
@require_POST
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one action on the dossier from its form.

    A form that does not validate, or an action the workflow refuses, answers 422 with the
    reasons; a page older than the dossier (``version``) 409 and changes nothing; an action
    the officer may not take 403. htmx gets the panel, others the page (or, on success, a
    redirect to it).
    """
    dossier = _dossier_or_404(request.user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = _new_form(action, dossier, request.POST, request.FILES)
    if not form.is_valid():
        return _panel(request, dossier, 422, bound={action: form})
    try:
        _perform(action, dossier, form, request.user)
    except StaleDossier:
        return _panel(request, dossier, 409, errors=[stale_message()], stale=True)
    except PermissionDenied as exc:
        text = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        return _panel(request, dossier, 403, errors=[text], bound={action: form})
    except ValidationError as exc:
        return _panel(request, dossier, 422, errors=exc.messages, bound={action: form})
    done = _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.") % {
        "action": _label(action, dossier),
        "code": dossier,
    }
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("services:dossier", pk=dossier.pk)
    fresh = _dossier_or_404(request.user, pk)
    return _panel(request, fresh, 200, notice=done)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a dossier, for those who may see the dossier."""
    attachment = get_object_or_404(Attachment.objects.select_related("dossier"), pk=pk)
    if attachment.dossier.status == S.DRAFT or not can(
        request.user, Perm.DATA_VIEW, attachment.dossier
    ):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- slips -------------------------------------------------------------------------------


def tracking_url(request: HttpRequest, dossier: Dossier) -> str:
    """The absolute address of the tracking page for the dossier (printed as a QR code)."""
    try:
        track = reverse("services:track")
    except NoReverseMatch:
        track = TRACK_PATH
    return request.build_absolute_uri(f"{track}?{urlencode({'code': dossier.code or ''})}")


@login_required
def slip_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One slip of the dossier as PDF, shown in the browser to print."""
    if kind not in slips.KINDS:
        raise Http404
    dossier = _dossier_or_404(request.user, pk)
    try:
        if kind == "receipt":
            if dossier.received_at is None:
                raise Http404
            content = slips.receipt_slip(dossier, tracking_url=tracking_url(request, dossier))
        elif kind == "supplement":
            content = slips.supplement_slip(dossier)
        elif kind == "rejection":
            content = slips.rejection_slip(dossier)
        else:
            content = slips.apology_slip(dossier)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{dossier.code or dossier.pk}.pdf"'
    return response


# --- counter intake ----------------------------------------------------------------------


def _counter_agencies(user: Any) -> Any:
    today = timezone.localdate()
    return scope_queryset(
        user,
        Perm.DATA_CHANGE,
        Agency.objects.exclude(valid_to__lt=today).filter(valid_from__lte=today),
        agency_field="pk",
    ).order_by("name")


@login_required
def counter(request: HttpRequest) -> HttpResponse:
    """Receive a paper dossier at the counter: pick the procedure, then fill in and scan."""
    agencies = _counter_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("Bạn không tiếp nhận hồ sơ tại cơ quan nào."))
    chosen = request.POST.get("procedure") or request.GET.get("procedure")
    if not chosen or not chosen.isdigit():
        search = ProcedureSearchForm(request.GET)
        found: list[Procedure] = []
        if search.is_valid() and search.cleaned_data["q"]:
            text = search.cleaned_data["q"]
            found = list(
                current_procedures()
                .filter(Q(search_name__contains=fold(text)) | Q(code__icontains=text.strip()))
                .order_by("name")[:PROCEDURES_SHOWN]
            )
        return render(
            request,
            "services/officer/counter_choose.html",
            {"search": search, "found": found},
        )
    procedure = get_object_or_404(current_procedures(), pk=int(chosen))
    documents = list(procedure.documents.all())
    form = CounterForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        procedure=procedure,
        agencies=agencies,
        documents=documents,
        initial={"agency": agencies.first()},
    )
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                dossier = _receive_at_counter(request, procedure, form)
            except PermissionDenied as exc:
                errors, status = [str(exc)], 403
            except ValidationError as exc:
                errors, status = exc.messages, 422
            else:
                return redirect(reverse("services:dossier", args=[dossier.pk]) + "?moi=1")
        else:
            status = 422
    context = {"procedure": procedure, "form": form, "errors": errors}
    return render(request, "services/officer/counter.html", context, status=status)


def _receive_at_counter(request: HttpRequest, procedure: Procedure, form: CounterForm) -> Dossier:
    data = form.cleaned_data
    applicant = actions.Applicant(
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        address=data["applicant_address"],
        kind=data["applicant_kind"],
    )
    dossier = actions.receive_at_counter(
        procedure,
        actor=request.user,
        applicant=applicant,
        form_data=form.form_data(),
        receiving_agency=data["agency"],
        unit=data.get("unit"),
    )
    messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s tại quầy.") % {"code": dossier.code})
    for code, upload in form.scans():
        try:
            actions.add_attachment(
                dossier,
                actor=request.user,
                upload=upload,
                kind=AttachmentKind.INPUT,
                document_code=code,
            )
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            messages.warning(
                request,
                _("Chưa lưu được bản quét “%(name)s”: %(reason)s")
                % {"name": upload.name, "reason": reason},
            )
    return dossier


# --- working calendar --------------------------------------------------------------------


def may_edit_calendar(user: Any) -> bool:
    """Whether ``user`` may declare the province's days off and make-up days."""
    return can(user, Perm.DATA_APPROVE, Scope.province())


def _year(value: str | None, default: int) -> int:
    if value and value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return default


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The year's national holidays and the province's declared days, with a calculator."""
    if not can(request.user, Perm.DATA_VIEW):
        raise PermissionDenied(_("Trang này dành cho cán bộ."))
    return _calendar(request, DeclareDayForm(), 200)


def _calendar(request: HttpRequest, declare: DeclareDayForm, status: int) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    language = "vi" if (get_language() or "vi").startswith("vi") else "en_US"
    national = holidays.country_holidays("VN", years=year, language=language)
    makeup = sorted(day for day in getattr(national, "weekend_workdays", set()) if day.year == year)
    calculator = DueDateForm(request.GET if "start" in request.GET else None)
    due: datetime.date | None = None
    if calculator.is_bound and calculator.is_valid():
        due = calendar().add(calculator.cleaned_data["start"], calculator.cleaned_data["days"])
    context = {
        "year": year,
        "years": [year - 1, year + 1],
        "national": sorted(national.items()),
        "makeup": makeup,
        "declared": list(CalendarDay.objects.filter(date__year=year)),
        "may_edit": may_edit_calendar(request.user),
        "declare": declare,
        "calculator": calculator,
        "due": due,
    }
    return render(request, "services/officer/calendar.html", context, status=status)


@login_required
@require_POST
def calendar_declare(request: HttpRequest) -> HttpResponse:
    """Declare a day off or a make-up working day for the province."""
    if not may_edit_calendar(request.user):
        raise PermissionDenied(_("Chỉ lãnh đạo cấp tỉnh hoặc quản trị viên được sửa lịch."))
    form = DeclareDayForm(request.POST)
    if not form.is_valid():
        return _calendar(request, form, 422)
    data = form.cleaned_data
    actions.declare_day(
        data["date"],
        actor=request.user,
        kind=data["kind"],
        reason=data["reason"],
        source=data["source"],
    )
    messages.success(request, _("Đã khai báo ngày %(day)s.") % {"day": f"{data['date']:%d/%m/%Y}"})
    return redirect(reverse("services:calendar") + f"?year={data['date'].year}")


@login_required
@require_POST
def calendar_undeclare(request: HttpRequest) -> HttpResponse:
    """Remove the province's declaration for a day."""
    if not may_edit_calendar(request.user):
        raise PermissionDenied(_("Chỉ lãnh đạo cấp tỉnh hoặc quản trị viên được sửa lịch."))
    form = UndeclareDayForm(request.POST)
    if not form.is_valid():
        return _calendar(request, DeclareDayForm(), 422)
    day = form.cleaned_data["date"]
    if actions.undeclare_day(day, actor=request.user):
        messages.success(request, _("Đã bỏ khai báo ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"})
    return redirect(reverse("services:calendar") + f"?year={day.year}")


urlpatterns: list[URLPattern] = [
    path("xu-ly/", inbox_page, name="inbox"),
    path("xu-ly/tiep-nhan-nhieu/", inbox_receive, name="inbox-receive"),
    path("xu-ly/tiep-nhan/", counter, name="counter"),
    path("xu-ly/lich/", calendar_page, name="calendar"),
    path("xu-ly/lich/khai-bao/", calendar_declare, name="calendar-declare"),
    path("xu-ly/lich/bo-khai-bao/", calendar_undeclare, name="calendar-undeclare"),
    path("xu-ly/tep/<int:pk>/", attachment_download, name="attachment"),
    path("xu-ly/<int:pk>/", dossier_page, name="dossier"),
    path("xu-ly/<int:pk>/phieu/<str:kind>/", slip_pdf, name="slip"),
    path("xu-ly/<int:pk>/<str:action>/", dossier_action, name="dossier-action"),
]
