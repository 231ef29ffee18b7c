"""Pages of the resolution scorecard (bảng theo dõi chỉ tiêu Nghị quyết 111-NQ/TU), under /reports/.

* ``scorecard`` and ``scorecard-target`` are public: every target at province level, with its
  trend, projection and status; no figures below the province.
* ``scorecard-leaders`` and ``scorecard-leaders-target`` need ``data.view``: they add the
  responsible agency, the drill-down by unit and level (htmx: a click goes one level down; as
  reported or restated; any period) and the exports ``scorecard-xlsx`` and ``scorecard-pdf``
  (the December annual report). Exports are reads: permission-checked, not audited.

Views are thin: parameters go through the forms below (a refused one is a 400), numbers come
from :mod:`tinhso.indicators.queries`, charts from :mod:`tinhso.indicators.charts`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.accounts.permissions import Perm, can, require
from tinhso.core.htmx import is_htmx
from tinhso.directory.choices import UnitLevel
from tinhso.directory.forms import AsciiIntegerField
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import charts, queries, reports
from tinhso.indicators.aggregation import View
from tinhso.indicators.choices import Comparison
from tinhso.indicators.models import Target
from tinhso.indicators.periods import Period, PeriodType
from tinhso.indicators.status import TargetStatus

FIRST_REPORT_YEAR = 2021
"""The resolution was adopted on 11/06/2021; its first December report is for 2021."""

BADGES = {
    TargetStatus.ACHIEVED: "badge-ok",
    TargetStatus.ON_TRACK: "badge-ok",
    TargetStatus.AT_RISK: "badge-warn",
    TargetStatus.OFF_TRACK: "badge-bad",
    TargetStatus.NO_DATA: "badge-old",
}
"""The site's badge class for each status."""

VIEWS = [
    ("reported", gettext_lazy("Theo địa giới khi báo cáo")),
    ("restated", gettext_lazy("Quy đổi theo địa giới hiện nay")),
]


# -- parameters ---------------------------------------------------------------------------------


class PeriodField(forms.Field):
    """A period code (``2024``, ``2024Q1``, ``2024S1``, ``202403``) or a day ``dd/mm/yyyy``.

    A day stands for the period holding it; its type is chosen by the view, so the cleaned
    value is a :class:`Period` or a :class:`datetime.date`.
    """

    def to_python(self, value: Any) -> Period | datetime.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 10 or not text.isascii():
            raise forms.ValidationError(_("Kỳ không hợp lệ."), code="invalid")
        try:
            return Period.parse(text)
        except ValueError:
            pass
        try:
            return datetime.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise forms.ValidationError(
                _("Nhập mã kỳ (2024, 2024Q1, 202403) hoặc ngày dd/mm/yyyy."), code="invalid"
            ) from None


class DrillForm(forms.Form):
    """The drill-down's view, unit and period (from the picker or from our own links)."""

    view = forms.ChoiceField(label=gettext_lazy("Cách tính"), required=False, choices=VIEWS)
    unit = AsciiIntegerField(label=gettext_lazy("Đơn vị"), required=False, min_value=1)
    period = PeriodField(label=gettext_lazy("Kỳ"), required=False)


class YearForm(forms.Form):
    """The year of the annual report."""

    year = AsciiIntegerField(
        label=gettext_lazy("Năm"), required=False, min_value=FIRST_REPORT_YEAR, max_value=2100
    )


# -- presentation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A target as a scorecard row shows it."""

    row: queries.TargetRow
    status_label: str
    badge: str
    target_text: str
    spark: charts.Sparkline | None


def _target_text(target: Target) -> str:
    value = f"{float(target.target_value):g}".replace(".", ",")
    unit = target.indicator.unit_of_measure
    return f"{Comparison(target.comparison).label} {value}{' ' + unit if unit else ''}"


def target_card(row: queries.TargetRow) -> Card:
    points = [(p.day, p.value) for p in row.series]
    return Card(
        row=row,
        status_label=reports.status_label(row.status),
        badge=BADGES[row.status],
        target_text=_target_text(row.target),
        spark=charts.sparkline(points, target=float(row.target.target_value)) if points else None,
    )


def _groups(rows: list[queries.TargetRow]) -> list[tuple[int, list[Card]]]:
    """Targets by deadline year (2021, 2025, 2030), each group in code order."""
    ordered = sorted(rows, key=lambda r: (r.target.deadline.year, r.target.code))
    return [
        (year, [target_card(row) for row in group])
        for year, group in groupby(ordered, key=lambda r: r.target.deadline.year)
    ]


def status_summary(rows: list[queries.TargetRow]) -> list[tuple[str, str, int]]:
    return [
        (reports.status_label(value), BADGES[value], sum(1 for r in rows if r.status == value))
        for value in TargetStatus
    ]


def _chart(row: queries.TargetRow) -> charts.Chart | None:
    if not row.series:
        return None
    return charts.trend_chart(
        [(p.day, p.value, f"{p.period.code}: {number_format(p.value, 2)}") for p in row.series],
        deadline=row.target.deadline,
        target=float(row.target.target_value),
        projected=row.projected_value,
        path=row.milestones,
    )


def _leader(request: HttpRequest) -> None:
    require(request.user, Perm.DATA_VIEW)


def _list(request: HttpRequest, *, leaders: bool) -> HttpResponse:
    # Restated values are on each target's page and in the Excel export; restating every
    # target would double the list's work.
    rows = queries.target_rows()
    today = timezone.localdate()
    return render(
        request,
        "indicators/scorecard/list.html",
        {
            "groups": _groups(rows),
            "summary": status_summary(rows),
            "leaders": leaders,
            "count": len(rows),
            "years": range(today.year, FIRST_REPORT_YEAR - 1, -1),
            "data_as_of": max((r.data_as_of for r in rows if r.data_as_of), default=None),
        },
    )


def _row_or_404(code: str, *, restated: bool = True) -> queries.TargetRow:
    try:
        return queries.target_row(code, restated=restated)
    except Target.DoesNotExist:
        raise Http404(_("Không có mục tiêu này.")) from None


def _detail_context(row: queries.TargetRow, *, leaders: bool) -> dict[str, Any]:
    reported = {p.period: p for p in row.series}
    restated = {p.period: p for p in row.restated_series}
    periods = sorted(reported.keys() | restated.keys(), key=lambda p: (p.start, p.end))
    return {
        "card": target_card(row),
        "row": row,
        "chart": _chart(row),
        "projected_text": (
            number_format(row.projected_value, 2) if row.projected_value is not None else ""
        ),
        "table": [(p, reported.get(p), restated.get(p)) for p in periods],
        "leaders": leaders,
        "views": VIEWS,
    }


# -- pages --------------------------------------------------------------------------------------


def scorecard(request: HttpRequest) -> HttpResponse:
    """The public scorecard: every target at province level, grouped by deadline."""
    return _list(request, leaders=False)


def scorecard_target(request: HttpRequest, code: str) -> HttpResponse:
    """One target for the public: trend chart, milestones, values as reported and restated."""
    row = _row_or_404(code)
    return render(request, "indicators/scorecard/target.html", _detail_context(row, leaders=False))


@login_required
def scorecard_leaders(request: HttpRequest) -> HttpResponse:
    """The leaders' scorecard: the public one plus agencies, drill-down links and exports."""
    _leader(request)
    return _list(request, leaders=True)


def _drill(
    request: HttpRequest, row: queries.TargetRow
) -> tuple[queries.DrillDown | None, DrillForm, int]:
    """The drill-down the parameters ask for, the form, and the status to answer with."""
    form = DrillForm(request.GET)
    if not form.is_valid():
        return None, form, 400
    view: View = "restated" if form.cleaned_data["view"] == "restated" else "reported"
    picked = form.cleaned_data["period"]
    kind = row.series[-1].period.type if row.series else PeriodType.YEARLY
    if isinstance(picked, datetime.date):
        period = Period.containing(kind, picked)
    elif isinstance(picked, Period):
        period = picked
    else:
        current = row.current_period or (row.series[-1].period.code if row.series else None)
        period = Period.parse(current) if current else Period.containing(kind, timezone.localdate())
    unit_id = form.cleaned_data["unit"]
    if unit_id is None:
        unit = queries.drill_start(row.target.scope_unit, period, view)
    else:
        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        usable = unit is not None and (
            unit.is_valid_on(timezone.localdate())
            if view == "restated"
            else queries.covers(unit, period)
        )
        if not usable:
            form.add_error(
                "unit",
                _("Đơn vị này không tồn tại trong kỳ %(period)s theo cách tính đã chọn.")
                % {"period": period.code},
            )
            return None, form, 400
    if unit is None:
        return None, form, 200
    # Province figures are public; below it, only the units within the viewer's data scope.
    if not _may_see(request, unit):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu của đơn vị này."))
    drill = queries.drill_down(row.target.indicator, unit, period, view=view)
    visible = [child for child in drill.children if _may_see(request, child.unit)]
    return replace(drill, children=visible), form, 200


def _may_see(request: HttpRequest, unit: AdministrativeUnit) -> bool:
    return unit.level == UnitLevel.PROVINCE or can(request.user, Perm.DATA_VIEW, unit)


@login_required
def scorecard_leaders_target(request: HttpRequest, code: str) -> HttpResponse:
    """One target for leaders, with the drill-down by unit (an htmx request gets only that)."""
    _leader(request)
    partial = is_htmx(request)
    # The drill-down partial shows no restated series: skip measuring it.
    row = _row_or_404(code, restated=not partial)
    drill, form, status = _drill(request, row)
    context = _detail_context(row, leaders=True)
    context.update({"drill": drill, "form": form, "view": drill.view if drill else "reported"})
    template = "indicators/scorecard/target.html"
    if partial:
        template = "indicators/scorecard/partials/_drill.html"
    response = render(request, template, context, status=status)
    # One address answers the page or its partial: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    """Every target and its series as an Excel workbook."""
    _leader(request)
    now = timezone.now()
    content = reports.target_workbook(queries.target_rows(restated=True), now)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"nq111-chi-tieu-{timezone.localtime(now):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def scorecard_pdf(request: HttpRequest) -> HttpResponse:
    """The December annual report for a year (default this year), measured on 31/12 of it."""
    _leader(request)
    form = YearForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    now = timezone.now()
    today = timezone.localdate()
    year = form.cleaned_data["year"] or today.year
    rows = queries.target_rows(min(today, datetime.date(year, 12, 31)))
    response = HttpResponse(
        reports.annual_report_pdf(rows, year, now), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-nq111-{year}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("scorecard/", scorecard, name="scorecard"),
    path("scorecard/leaders/", scorecard_leaders, name="scorecard-leaders"),
    path("scorecard/leaders/export.xlsx", scorecard_xlsx, name="scorecard-xlsx"),
    path("scorecard/leaders/report.pdf", scorecard_pdf, name="scorecard-pdf"),
    path(
        "scorecard/leaders/<str:code>/",
        scorecard_leaders_target,
        name="scorecard-leaders-target",
    ),
    path("scorecard/<str:code>/", scorecard_target, name="scorecard-target"),
]
