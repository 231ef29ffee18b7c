"""Pages of the reporting app: report entry and approval.

An officer opens a report of a regime for a unit and period, types values that save as they
go (htmx, one cell at a time, each answered with its own status), downloads or uploads the
Excel template, and submits; approvers approve level by level or return it with a reason.
Thin: permissions from ``permissions`` and ``actions``, reads from ``report_queries``, writes
from ``actions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import Perm, can
from tinhso.core.htmx import is_htmx
from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions, exchange, report_queries, spreadsheets
from tinhso.indicators.forms import DecisionForm, ReportFilterForm, UploadForm, VersionForm
from tinhso.indicators.models import ReportingRegime, Submission, ValueFlag
from tinhso.indicators.periods import Period, data_window

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_SHOWN = 20


@dataclass(frozen=True)
class Place:
    """The regime, period and unit a report URL names."""

    regime: ReportingRegime
    period: Period
    unit: AdministrativeUnit


def _place(regime: str, unit: str, period: str) -> Place:
    found = get_object_or_404(ReportingRegime, code=regime)
    try:
        span = Period.parse(period)
    except ValueError:
        raise Http404(period) from None
    if span.type != found.period_kind or not (actions.FIRST_YEAR <= span.year <= actions.LAST_YEAR):
        raise Http404(period)
    try:
        place = directory.get_unit(unit, span.end)
    except AdministrativeUnit.DoesNotExist:
        raise Http404(unit) from None
    return Place(found, span, place)


def _visible(user: Any, report: Submission) -> None:
    if not (can(user, Perm.DATA_VIEW, report.unit) or actions.may_review(user, report)):
        raise PermissionDenied(_("Bạn không có quyền xem báo cáo này."))


def _url(name: str, report: Submission) -> str:
    return reverse(
        f"indicators:{name}",
        args=[report.regime.code, report.unit.code, report.period],
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports the user may see, those waiting for the user's approval, and completeness."""
    form = ReportFilterForm(request.GET)
    reports = report_queries.visible_reports(request.user)
    status = 200
    if form.is_valid():
        if form.cleaned_data["regime"]:
            reports = reports.filter(regime=form.cleaned_data["regime"])
        if form.cleaned_data["period"]:
            reports = reports.filter(period=form.cleaned_data["period"])
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
    else:
        status = 400
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    regimes = list(ReportingRegime.objects.all())
    context = {
        "form": form,
        "page": page,
        "waiting": report_queries.waiting_for(request.user)[:PAGE_SIZE],
        "completeness": report_queries.completeness(
            report_queries.visible_reports(request.user), regimes
        )[:12],
    }
    return render(request, "indicators/entry/report_list.html", context, status=status)


def _page_context(request: HttpRequest, report: Submission) -> dict[str, Any]:
    cells = report_queries.form_cells(report.regime)
    values = report_queries.report_values(report)
    flags: dict[tuple[str, str], list[ValueFlag]] = {}
    for flag in report.flags.select_related("data_element"):
        flags.setdefault((flag.data_element.code, flag.dimension_key), []).append(flag)
    may_change = can(request.user, Perm.DATA_CHANGE, report.unit)
    locked = actions.editable(report)
    period = Period.parse(report.period)
    first, last = data_window(period, report.regime.cutoff_rule)
    steps = list(report.regime.approval_steps.select_related("agency"))
    return {
        "report": report,
        "rows": [
            {
                "index": index,
                "cell": cell,
                "value": exchange.plain(values[(cell.code, cell.key)].value)
                if (cell.code, cell.key) in values
                else "",
                "flags": flags.get((cell.code, cell.key), []),
            }
            for index, cell in enumerate(cells)
        ],
        "can_edit": may_change and locked is None,
        "locked_reason": locked,
        "may_change": may_change,
        "may_decide": actions.may_approve(request.user, report),
        "window": (first, last),
        "steps": steps,
        "next_step": actions.next_step(report),
        "violations": report_queries.violations(report),
        "events": report.events.select_related("actor"),
        "history": report_queries.value_history(report)[:HISTORY_SHOWN],
        "urls": {
            name.replace("-", "_"): _url(name, report)
            for name in (
                "report",
                "report-save",
                "report-submit",
                "report-approve",
                "report-return",
            )
        },
    }


@login_required
def report_page(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """One report: its form, checks, approval chain and history (or a button to open it)."""
    place = _place(regime, unit, period)
    report = (
        Submission.objects.select_related("regime", "unit")
        .filter(regime=place.regime, unit=place.unit, period=place.period.code)
        .first()
    )
    if report is None:
        if not can(request.user, Perm.DATA_VIEW, place.unit):
            raise PermissionDenied(_("Bạn không có quyền xem báo cáo này."))
        context = {"place": place, "may_change": can(request.user, Perm.DATA_CHANGE, place.unit)}
        return render(request, "indicators/entry/report_closed.html", context)
    _visible(request.user, report)
    return render(request, "indicators/entry/report.html", _page_context(request, report))


@login_required
@require_POST
def report_open(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Open the unit's report for the period (the period itself if it was not yet)."""
    place = _place(regime, unit, period)
    if not can(request.user, Perm.DATA_CHANGE, place.unit):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu cho đơn vị này."))
    report = actions.report_for(place.regime, place.unit, place.period.code, actor=request.user)
    return redirect(_url("report", report))


def _report_or_404(regime: str, unit: str, period: str) -> Submission:
    place = _place(regime, unit, period)
    return get_object_or_404(
        Submission.objects.select_related("regime", "unit"),
        regime=place.regime,
        unit=place.unit,
        period=place.period.code,
    )


@login_required
@require_POST
def report_save(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Save the cells posted (``cell-<n>``); answer each cell's status and the new version.

    htmx posts one cell on change. An invalid number is a 422 showing the reason beside the
    cell; a report changed meanwhile is a 422 asking to reload; the other cells still save.
    """
    report = _report_or_404(regime, unit, period)
    version = VersionForm(request.POST)
    cells = report_queries.form_cells(report.regime)
    posted: dict[tuple[str, str], str | None] = {}
    indexes: dict[tuple[str, str], int] = {}
    for index, cell in enumerate(cells):
        name = f"cell-{index}"
        if name in request.POST:
            posted[(cell.code, cell.key)] = request.POST[name]
            indexes[(cell.code, cell.key)] = index
    context: dict[str, Any] = {"statuses": [], "version": report.version}
    status = 200
    try:
        result = actions.save_report_values(
            report,
            posted,
            actor=request.user,
            version=version.cleaned_data["version"] if version.is_valid() else None,
        )
    except ValidationError as exc:
        status = 422
        context["statuses"] = [(index, " ".join(exc.messages), False) for index in indexes.values()]
    else:
        context["version"] = result.version
        for key, index in indexes.items():
            error = result.errors.get(key)
            context["statuses"].append((index, error or _("Đã lưu"), error is None))
        status = 422 if result.errors else 200
    if not is_htmx(request):
        if status == 200:
            messages.success(request, _("Đã lưu báo cáo."))
        else:
            for _index, text, _ok in context["statuses"]:
                messages.error(request, text)
        return redirect(_url("report", report))
    return render(request, "indicators/entry/partials/_cell_status.html", context, status=status)


def _decision_page(
    request: HttpRequest, report: Submission, error: ValidationError
) -> HttpResponse:
    context = _page_context(request, report)
    context["errors"] = error.messages
    return render(request, "indicators/entry/report.html", context, status=422)


@login_required
@require_POST
def report_submit(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Submit the report; broken high-importance rules show on the page (422)."""
    report = _report_or_404(regime, unit, period)
    form = VersionForm(request.POST)
    try:
        actions.submit_report(
            report,
            actor=request.user,
            version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as exc:
        return _decision_page(request, report, exc)
    messages.success(request, _("Đã gửi báo cáo để phê duyệt."))
    return redirect(_url("report", report))


def _decide(
    request: HttpRequest, regime: str, unit: str, period: str, decide: Any, done: str
) -> HttpResponse:
    """An approver's decision (``decide``: approve or return) from the decision form."""
    report = _report_or_404(regime, unit, period)
    _visible(request.user, report)
    form = DecisionForm(request.POST)
    valid = form.is_valid()
    try:
        decide(
            report,
            actor=request.user,
            comment=form.cleaned_data.get("comment", "") if valid else "",
            version=form.cleaned_data["version"] if valid else None,
        )
    except ValidationError as exc:
        return _decision_page(request, report, exc)
    messages.success(request, done)
    return redirect(_url("report", report))


@login_required
@require_POST
def report_approve(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Approve the report at its current level."""
    return _decide(
        request, regime, unit, period, actions.approve_report, _("Đã phê duyệt báo cáo.")
    )


@login_required
@require_POST
def report_return(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Return the report to its unit with the reason."""
    return _decide(request, regime, unit, period, actions.return_report, _("Đã trả lại báo cáo."))


@login_required
def report_excel(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """The report's Excel template, filled with the values entered so far."""
    report = _report_or_404(regime, unit, period)
    _visible(request.user, report)
    content = spreadsheets.report_workbook(
        report,
        report_queries.form_cells(report.regime),
        report_queries.report_values(report),
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{report.regime.code}_{report.unit.code}_{report.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def report_upload(request: HttpRequest, regime: str, unit: str, period: str) -> HttpResponse:
    """Read a filled-in template: save the good rows, report every row with its outcome."""
    report = _report_or_404(regime, unit, period)
    _visible(request.user, report)
    form = UploadForm(request.POST, request.FILES)
    context = _page_context(request, report)
    context["upload_form"] = form
    if not form.is_valid():
        context["errors"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "indicators/entry/report.html", context, status=422)
    cells = report_queries.form_cells(report.regime)
    try:
        reading = spreadsheets.read_report_workbook(form.cleaned_data["file"].read(), report, cells)
        result = actions.save_report_values(
            report, reading.entries, actor=request.user, channel="excel", version=reading.version
        )
    except (spreadsheets.SpreadsheetError, ValidationError) as exc:
        context["errors"] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return render(request, "indicators/entry/report.html", context, status=422)
    context = _page_context(request, report)
    context["upload_rows"] = rows = []
    for row in reading.rows:
        refused = result.errors.get((row.code, row.key or ""))
        rows.append(
            {
                "row": row.row,
                "code": row.code,
                "label": row.label,
                "text": row.text,
                "status": "error" if refused else row.status,
                "message": refused or row.message,
            }
        )
    context["upload_saved"] = result.saved
    bad = any(row["status"] == "error" for row in rows)
    return render(request, "indicators/entry/report.html", context, status=422 if bad else 200)


_REPORT = "<str:regime>/<str:unit>/<str:period>/"

urlpatterns: list[URLPattern] = [
    path("", report_list, name="reports"),
    path(_REPORT, report_page, name="report"),
    path(_REPORT + "open", report_open, name="report-open"),
    path(_REPORT + "save", report_save, name="report-save"),
    path(_REPORT + "submit", report_submit, name="report-submit"),
    path(_REPORT + "approve", report_approve, name="report-approve"),
    path(_REPORT + "return", report_return, name="report-return"),
    path(_REPORT + "excel", report_excel, name="report-excel"),
    path(_REPORT + "upload", report_upload, name="report-upload"),
]
