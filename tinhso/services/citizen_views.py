"""Citizens' pages of the one-stop services: the procedure catalogue, online submission, my
dossiers and the public tracking page.

Mobile first: one column, large touch targets, a four-step submission form (applicant and
place, the procedure's own fields, documents, review) whose every step saves the draft, so an
applicant on a phone can stop and come back. Thin: reads through ``queries`` and the models,
every write through ``tinhso.services.actions`` (which also checks who may do what).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tinhso.accounts.choices import UserKind
from tinhso.core import pagecache
from tinhso.core.htmx import is_htmx
from tinhso.core.text import fold
from tinhso.services import actions, queries, workflow
from tinhso.services.choices import ApplicantKind, AttachmentKind, Status, StepAgency, StepRole
from tinhso.services.forms import (
    ApplicantForm,
    CatalogueFilterForm,
    DocumentsForm,
    ProcedureFieldsForm,
    RatingForm,
    SupplementForm,
    TrackForm,
    VersionForm,
    WithdrawForm,
    commune_units,
    initial_values,
)
from tinhso.services.models import Attachment, Dossier, Procedure

CATALOGUE_PAGE_SIZE = 20
DOSSIER_PAGE_SIZE = 20
# The applicant's own actions offered on "my dossier" (payment online is not offered yet).
APPLICANT_PAGE_ACTIONS = frozenset({"supplement", "withdraw", "rate"})
STEP_NAMES = {
    1: gettext_lazy("Người nộp"),
    2: gettext_lazy("Tờ khai"),
    3: gettext_lazy("Giấy tờ"),
    4: gettext_lazy("Xem lại và nộp"),
}
DONE = "xong"
BADGES = {
    Status.DRAFT: "badge-old",
    Status.SUPPLEMENT: "badge-warn",
    Status.PAYMENT: "badge-warn",
    Status.RESOLVED: "badge-ok",
    Status.RETURNED: "badge-ok",
    Status.REJECTED: "badge-bad",
    Status.WITHDRAWN: "badge-bad",
    Status.SUSPENDED: "badge-bad",
}


def badge_class(status: str) -> str:
    """The CSS class of a dossier status badge."""
    return BADGES.get(status, "")  # type: ignore[call-overload]


def _errors(exc: ValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


# --- catalogue -----------------------------------------------------------------------------


def _search(procedures: QuerySet[Procedure], q: str) -> QuerySet[Procedure]:
    """Procedures whose name holds every word of ``q`` (accents and case ignored), or whose
    national code contains ``q``."""
    words = fold(q).split()
    if not words:
        return procedures
    by_name = Q()
    for word in words:
        by_name &= Q(search_name__contains=word)
    return procedures.filter(by_name | Q(code__icontains=q.strip()))


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The procedures that apply today: search with or without diacritics, filters, pages."""
    procedures = queries.current_procedures().select_related("agency")
    fields = queries.current_procedures().order_by("field").values_list("field", flat=True)
    form = CatalogueFilterForm(request.GET, fields=list(fields.distinct()))
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        procedures = _search(procedures, data["q"])
        if data["level"]:
            procedures = procedures.filter(level=data["level"])
        if data["field"]:
            procedures = procedures.filter(field=data["field"])
        if data["service_class"]:
            procedures = procedures.filter(service_class=data["service_class"])
    else:
        status = 400
    page = Paginator(procedures, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": any(request.GET.get(k) for k in form.fields)}
    template = (
        "services/citizen/partials/_procedures.html"
        if is_htmx(request)
        else "services/citizen/catalogue.html"
    )
    return render(request, template, context, status=status)


def _current_procedure(code: str) -> Procedure:
    return get_object_or_404(queries.current_procedures().select_related("agency"), code=code)


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure: who decides, legal basis, documents, fees, time, steps; apply online."""
    procedure = _current_procedure(code)
    steps = [
        {
            "name": step.get("name", step.get("code", "")),
            "role": StepRole(step["role"]).label if step.get("role") in StepRole.values else "",
            "agency": StepAgency(step["agency"]).label
            if step.get("agency") in StepAgency.values
            else "",
        }
        for step in procedure.steps
    ]
    context = {
        "procedure": procedure,
        "documents": list(procedure.documents.all()),
        "steps": steps,
    }
    return render(request, "services/citizen/procedure.html", context)


# --- online submission ---------------------------------------------------------------------


def _apply_url(procedure: Procedure, dossier: Dossier | None = None, step: int | str = 1) -> str:
    url = reverse("services:apply", args=[procedure.code])
    if dossier is None:
        return url
    return f"{url}?{urlencode({'ho-so': dossier.pk, 'buoc': step})}"


def _applicant_kind(user: Any) -> str:
    return ApplicantKind.BUSINESS if user.kind == UserKind.BUSINESS else ApplicantKind.CITIZEN


def _applicant_of(dossier: Dossier) -> actions.Applicant:
    return actions.Applicant(
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        address=dossier.applicant_address,
        kind=dossier.applicant_kind,
    )


@dataclass
class Wizard:
    """Where an applicant is in the submission form."""

    request: HttpRequest
    procedure: Procedure
    dossier: Dossier | None
    step: int

    def render(self, template: str, status: int = 200, **extra: Any) -> HttpResponse:
        """Render one step with the step indicator."""
        context = {
            "procedure": self.procedure,
            "dossier": self.dossier,
            "step": self.step,
            "step_count": len(STEP_NAMES),
            "steps": [
                {
                    "number": number,
                    "name": name,
                    "url": _apply_url(self.procedure, self.dossier, number)
                    if self.dossier is not None
                    else "",
                }
                for number, name in STEP_NAMES.items()
            ],
            "back_url": _apply_url(self.procedure, self.dossier, self.step - 1)
            if self.dossier is not None and self.step > 1
            else "",
            **extra,
        }
        return render(self.request, f"services/citizen/{template}", context, status=status)

    def after_save(self) -> HttpResponse:
        """Stay on the step after "Lưu nháp", go on after "Tiếp tục"."""
        assert self.dossier is not None
        if self.request.POST.get("go") == "save":
            messages.success(
                self.request,
                _("Đã lưu nháp. Bạn có thể quay lại hoàn thiện từ mục “Hồ sơ của tôi”."),
            )
            return redirect(_apply_url(self.procedure, self.dossier, self.step))
        return redirect(_apply_url(self.procedure, self.dossier, self.step + 1))


def _stale_message() -> str:
    return _("Hồ sơ vừa được cập nhật ở nơi khác; hãy tải lại trang rồi thao tác lại.")


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The online submission form of a procedure, step by step (``?ho-so=<draft>&buoc=<n>``)."""
    procedure = _current_procedure(code)
    if not procedure.online:
        messages.error(request, _("Thủ tục này chỉ thực hiện trực tiếp tại Bộ phận Một cửa."))
        return redirect("services:procedure", code=procedure.code)
    dossier: Dossier | None = None
    draft_id = request.GET.get("ho-so", "")
    if draft_id:
        if not draft_id.isdigit():
            raise Http404(draft_id)
        dossier = get_object_or_404(
            Dossier.objects.select_related("unit", "receiving_agency"),
            pk=int(draft_id),
            applicant=request.user,
            procedure=procedure,
        )
    wanted = request.GET.get("buoc", "1")
    if dossier is not None and (wanted == DONE or dossier.status != Status.DRAFT):
        if dossier.status == Status.DRAFT:
            return redirect(_apply_url(procedure, dossier, 4))
        if wanted != DONE:
            return redirect(_apply_url(procedure, dossier, DONE))
        return Wizard(request, procedure, dossier, len(STEP_NAMES) + 1).render("apply_done.html")
    step = int(wanted) if wanted in {"1", "2", "3", "4"} else 1
    if dossier is None:
        step = 1
    wizard = Wizard(request, procedure, dossier, step)
    handler = {1: _step_applicant, 2: _step_fields, 3: _step_documents, 4: _step_review}[step]
    return handler(wizard)


def _step_applicant(wizard: Wizard) -> HttpResponse:
    request, procedure, dossier = wizard.request, wizard.procedure, wizard.dossier
    user: Any = request.user
    kind = dossier.applicant_kind if dossier is not None else _applicant_kind(user)
    needs_unit = procedure.agency_id is None
    if dossier is not None:
        initial = {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "unit": dossier.unit_id,
            "version": dossier.version,
        }
    else:
        home = user.home_unit_id
        initial = {
            "name": user.full_name or user.get_full_name(),
            "id_number": user.tax_code if kind == ApplicantKind.BUSINESS else user.citizen_id,
            "phone": user.phone,
            "email": user.email,
            "address": user.address,
            "unit": home if needs_unit and commune_units().filter(pk=home).exists() else None,
        }
    if request.method != "POST":
        form = ApplicantForm(initial=initial, kind=kind, needs_unit=needs_unit)
        return wizard.render("apply_applicant.html", form=form)
    form = ApplicantForm(request.POST, kind=kind, needs_unit=needs_unit)
    if not form.is_valid():
        return wizard.render("apply_applicant.html", 422, form=form)
    data = form.cleaned_data
    if dossier is not None and not data["version"]:
        return wizard.render("apply_applicant.html", 422, form=form, errors=[_stale_message()])
    applicant = actions.Applicant(
        name=data["name"],
        id_number=data["id_number"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        kind=kind,
        account=user,
    )
    try:
        wizard.dossier = actions.save_draft(
            procedure,
            actor=user,
            applicant=applicant,
            form_data=dossier.form_data if dossier is not None else {},
            unit=data.get("unit"),
            dossier=dossier,
            version=data["version"] if dossier is not None else None,
        )
    except ValidationError as exc:
        return wizard.render("apply_applicant.html", 422, form=form, errors=_errors(exc))
    return wizard.after_save()


def _step_fields(wizard: Wizard) -> HttpResponse:
    request, procedure, dossier = wizard.request, wizard.procedure, wizard.dossier
    assert dossier is not None
    specs = procedure.fields or []
    if request.method != "POST":
        initial = {**initial_values(specs, dossier.form_data), "version": dossier.version}
        form = ProcedureFieldsForm(initial=initial, specs=specs)
        return wizard.render("apply_fields.html", form=form)
    partial = request.POST.get("go") == "save"
    form = ProcedureFieldsForm(request.POST, specs=specs, partial=partial)
    if not form.is_valid():
        return wizard.render("apply_fields.html", 422, form=form)
    try:
        wizard.dossier = actions.save_draft(
            procedure,
            actor=request.user,
            applicant=_applicant_of(dossier),
            form_data={**dossier.form_data, **form.values()},
            unit=dossier.unit,
            dossier=dossier,
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return wizard.render("apply_fields.html", 422, form=form, errors=_errors(exc))
    return wizard.after_save()


def _document_rows(
    dossier: Dossier, form: DocumentsForm, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    files: dict[str, list[Attachment]] = {}
    for attachment in dossier.attachments.filter(kind=AttachmentKind.INPUT):
        files.setdefault(attachment.document_code, []).append(attachment)
    return [
        {
            "document": document,
            "field": form[form.field_name(document)],
            "files": files.get(document.code, []),
            "errors": errors.get(document.code, []),
        }
        for document in form.documents
    ]


def _step_documents(wizard: Wizard) -> HttpResponse:
    request, dossier = wizard.request, wizard.dossier
    assert dossier is not None
    documents = list(wizard.procedure.documents.all())
    if request.method != "POST":
        form = DocumentsForm(documents=documents)
        return wizard.render("apply_documents.html", rows=_document_rows(dossier, form, {}))
    form = DocumentsForm(request.POST, request.FILES, documents=documents)
    form.is_valid()  # every input is optional; the checks that matter are the action's
    errors: dict[str, list[str]] = {}
    for document in documents:
        upload = request.FILES.get(form.field_name(document))
        if upload is None:
            continue
        try:
            actions.add_attachment(
                dossier, actor=request.user, upload=upload, document_code=document.code
            )
        except ValidationError as exc:
            errors[document.code] = _errors(exc)
    general: list[str] = []
    if errors:
        general.append(_("Có tệp chưa được nhận; xem lý do bên dưới từng giấy tờ."))
    elif request.POST.get("go") != "save":
        general = [
            _("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": name}
            for name in actions.missing_documents(dossier)
        ]
    if general:
        rows = _document_rows(dossier, DocumentsForm(documents=documents), errors)
        return wizard.render("apply_documents.html", 422, rows=rows, errors=general)
    return wizard.after_save()


def _review_context(dossier: Dossier) -> dict[str, Any]:
    procedure = dossier.procedure
    answers = []
    for spec in procedure.fields or []:
        value = dossier.form_data.get(spec["name"], "")
        if spec.get("type") == "date" and value:
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        answers.append({"label": spec.get("label") or spec["name"], "value": value})
    attached: dict[str, list[str]] = {}
    for attachment in dossier.attachments.filter(kind=AttachmentKind.INPUT):
        attached.setdefault(attachment.document_code, []).append(attachment.name)
    documents = [
        {"document": document, "files": attached.get(document.code, [])}
        for document in procedure.documents.all()
    ]
    missing = [
        _("Thiếu thông tin: %(label)s.") % {"label": label}
        for label in actions.missing_fields(dossier)
    ] + [
        _("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": name}
        for name in actions.missing_documents(dossier)
    ]
    return {
        "answers": answers,
        "documents": documents,
        "missing": missing,
        "version_form": VersionForm(initial={"version": dossier.version}),
    }


def _step_review(wizard: Wizard) -> HttpResponse:
    request, dossier = wizard.request, wizard.dossier
    assert dossier is not None
    if request.method != "POST":
        return wizard.render("apply_review.html", **_review_context(dossier))
    form = VersionForm(request.POST)
    if not form.is_valid():
        context = _review_context(dossier)
        return wizard.render("apply_review.html", 422, errors=[_stale_message()], **context)
    try:
        actions.submit_dossier(dossier, actor=request.user, version=form.cleaned_data["version"])
    except ValidationError as exc:
        dossier.refresh_from_db()
        wizard.dossier = dossier
        context = _review_context(dossier)
        return wizard.render("apply_review.html", 422, errors=_errors(exc), **context)
    return redirect(_apply_url(wizard.procedure, dossier, DONE))


# --- my dossiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierRow:
    """One line of "my dossiers"."""

    dossier: Dossier
    badge: str


@login_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The signed-in person's dossiers: drafts first (to continue), then the latest submitted."""
    user: Any = request.user
    dossiers = (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure")
        .order_by(F("submitted_at").desc(nulls_first=True), "-id")
    )
    page = Paginator(dossiers, DOSSIER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [DossierRow(dossier, badge_class(dossier.status)) for dossier in page.object_list]
    return render(request, "services/citizen/my_dossiers.html", {"page": page, "rows": rows})


def _mine(request: HttpRequest, pk: int) -> Dossier:
    """The signed-in applicant's dossier, or 404 (never telling others it exists)."""
    return get_object_or_404(
        Dossier.objects.select_related(
            "procedure", "unit", "receiving_agency", "deciding_agency", "handling_agency"
        ),
        pk=pk,
        applicant=request.user,
    )


def _detail_context(dossier: Dossier, **extra: Any) -> dict[str, Any]:
    events = [
        {
            "at": event.at,
            "action": workflow.action_label(event.action),
            "status": Status(event.to_status).label if event.to_status in Status.values else "",
            "agency": event.agency.name if event.agency else "",
            "comment": event.comment,
        }
        for event in dossier.events.select_related("agency")
    ]
    attachments = list(dossier.attachments.all())
    offered = set(workflow.allowed_actions(dossier.status)) & APPLICANT_PAGE_ACTIONS
    if dossier.rating is not None:
        offered.discard("rate")
    version = {"version": dossier.version}
    context: dict[str, Any] = {
        "dossier": dossier,
        "badge": badge_class(dossier.status),
        "events": events,
        "inputs": [a for a in attachments if a.kind == AttachmentKind.INPUT],
        "supplements": [a for a in attachments if a.kind == AttachmentKind.SUPPLEMENT],
        "results": [a for a in attachments if a.kind == AttachmentKind.RESULT],
        "offered": offered,
        "supplement_form": SupplementForm(initial=version),
        "withdraw_form": WithdrawForm(initial=version),
        "rating_form": RatingForm(),
        "continue_url": _apply_url(dossier.procedure, dossier, 1)
        if dossier.status == Status.DRAFT
        else "",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my dossiers: status, dates, history, files, results and what I can do now."""
    dossier = _mine(request, pk)
    return render(request, "services/citizen/my_dossier.html", _detail_context(dossier))


def _detail_again(request: HttpRequest, dossier: Dossier, **extra: Any) -> HttpResponse:
    dossier.refresh_from_db()
    context = _detail_context(dossier, **extra)
    # A form no longer offered (say, rating twice) shows its errors at the top of the page.
    context["errors"] = [
        error
        for action, key in (
            ("supplement", "supplement_errors"),
            ("withdraw", "withdraw_errors"),
            ("rate", "rating_errors"),
        )
        if action not in context["offered"]
        for error in context.get(key, [])
    ]
    return render(request, "services/citizen/my_dossier.html", context, status=422)


@login_required
@require_POST
def my_dossier_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the files and note the agency asked for; the clock restarts."""
    dossier = _mine(request, pk)
    form = SupplementForm(request.POST)
    uploads = request.FILES.getlist("files")
    if not form.is_valid():
        return _detail_again(request, dossier, supplement_form=form)
    comment = form.cleaned_data["comment"]
    problems: list[str] = []
    if form.cleaned_data["version"] != dossier.version:
        problems.append(_stale_message())
    elif not uploads and not comment.strip():
        problems.append(_("Hãy đính kèm tệp bổ sung hoặc ghi chú cho cơ quan."))
    else:
        try:
            workflow.check_allowed("supplement", dossier.status)
        except ValidationError as exc:
            problems.extend(_errors(exc))
    for upload in [] if problems else uploads:
        try:
            actions.add_attachment(
                dossier, actor=request.user, upload=upload, kind=AttachmentKind.SUPPLEMENT
            )
        except ValidationError as exc:
            problems.extend(_errors(exc))
    if problems:
        return _detail_again(request, dossier, supplement_form=form, supplement_errors=problems)
    try:
        actions.provide_supplement(
            dossier, actor=request.user, comment=comment, version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        return _detail_again(request, dossier, supplement_form=form, supplement_errors=_errors(exc))
    messages.success(request, _("Đã gửi hồ sơ bổ sung."))
    return redirect("services:my-dossier", pk=dossier.pk)


@login_required
@require_POST
def my_dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw my dossier (rút hồ sơ)."""
    dossier = _mine(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail_again(
            request, dossier, withdraw_form=form, withdraw_errors=[_stale_message()]
        )
    try:
        actions.withdraw_dossier(
            dossier,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _detail_again(request, dossier, withdraw_form=form, withdraw_errors=_errors(exc))
    messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier})
    return redirect("services:my-dossier", pk=dossier.pk)


@login_required
@require_POST
def my_dossier_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the service once the result is returned (once only)."""
    dossier = _mine(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, dossier, rating_form=form)
    try:
        actions.rate_dossier(
            dossier,
            actor=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        return _detail_again(request, dossier, rating_form=form, rating_errors=_errors(exc))
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("services:my-dossier", pk=dossier.pk)


@login_required
@require_GET
def my_attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """Download a file of my dossier (submitted, supplement or result); 404 for anyone else."""
    found = get_object_or_404(
        Attachment.objects.only("file", "name", "content_type"),
        pk=attachment,
        dossier_id=pk,
        dossier__applicant=request.user,
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(found.name) from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- public tracking -----------------------------------------------------------------------


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code: status and dates only, no personal data, no login.

    Two queries at most (the dossier with its procedure, then its status changes) and no
    session writes: it is the most requested page of the portal, so anonymous visitors get it
    from the public page cache until the dossier changes.
    """
    form = TrackForm(request.GET)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    if code and list(request.GET.lists()) == [("code", [code])]:
        # Only the canonical address is cached, so made-up variants cannot fill the cache.
        pagecache.depends_on(request, queries.tracking_tag(code))
    found = queries.public_status(code) if code else None
    if found is None:
        pagecache.skip(request)  # a code not issued yet may be issued soon
    context = {
        "form": form,
        "code": code,
        "found": found,
        "status_label": found.status_label if found is not None else "",
        "changes": [
            {"at": change.at, "status": Status(change.to_status).label}
            for change in (found.history if found is not None else [])
            if change.changed
        ],
    }
    response = render(request, "services/citizen/track.html", context)
    response["Cache-Control"] = "private, max-age=0"
    return response


urlpatterns: list[URLPattern] = [
    path("", catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop/", apply, name="apply"),
    path("ho-so-cua-toi/", my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<int:pk>/", my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", my_dossier_supplement, name="my-dossier-supplement"),
    path("ho-so-cua-toi/<int:pk>/rut/", my_dossier_withdraw, name="my-dossier-withdraw"),
    path("ho-so-cua-toi/<int:pk>/danh-gia/", my_dossier_rate, name="my-dossier-rate"),
    path("ho-so-cua-toi/<int:pk>/tep/<int:attachment>/", my_attachment, name="my-attachment"),
    path("tra-cuu/", track, name="track"),
]
