"""The statistics page of the one-stop dossiers (``services:stats``, /services/thong-ke/).

For officers and leaders (anyone holding ``data.view`` somewhere): the figures of
:mod:`tinhso.services.stats` for a month, quarter or year (default: this year), broken down by
deciding agency, unit, level, procedure, channel or month, over the dossiers whose receiving or
deciding agency lies in the user's ``data.view`` scope (province-wide users see all); the
procedure catalogue's Decision 766 facts; two server-drawn SVG charts with the table as their
data; downloads as Excel (``?format=xlsx``) and CSV (``?format=csv``). Downloads are reads:
permission-checked, not audited. An htmx request gets the results partial only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.accounts.permissions import Perm, can, scope_queryset
from tinhso.core.htmx import is_htmx
from tinhso.indicators.charts import nice_ticks
from tinhso.indicators.periods import Period, PeriodType
from tinhso.services import stats, stats_export
from tinhso.services.models import Dossier

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS_SHOWN = 3
"""The period picker offers this year and the years before it, this many in all."""
CHART_GROUPS = 15
"""Charts show at most this many groups (the largest); the table shows them all."""

PERIOD_TYPES = (PeriodType.YEARLY, PeriodType.QUARTERLY, PeriodType.MONTHLY)

COLOURS = {
    "received": "#6b8fb3",
    "online": "#2e7d32",
    "early": "#2e7d32",
    "on_time": "#1565c0",
    "late": "#c62828",
}


# -- parameters ---------------------------------------------------------------------------------


def period_label(period: Period) -> str:
    """A period in words: "Năm 2026", "Quý 1/2026", "Tháng 03/2026"."""
    if period.type is PeriodType.YEARLY:
        return _("Năm %(year)s") % {"year": period.year}
    if period.type is PeriodType.QUARTERLY:
        return _("Quý %(quarter)s/%(year)s") % {"quarter": period.index, "year": period.year}
    return _("Tháng %(month)02d/%(year)s") % {"month": period.index, "year": period.year}


def period_choices(today: datetime.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered, by year (newest first): the year, its quarters, its months."""
    groups = []
    for year in range(today.year, today.year - YEARS_SHOWN, -1):
        options = [Period(PeriodType.YEARLY, year)]
        options += [Period(PeriodType.QUARTERLY, year, q) for q in range(1, 5)]
        options += [Period(PeriodType.MONTHLY, year, m) for m in range(1, 13)]
        groups.append((str(year), [(p.code, period_label(p)) for p in options if p.start <= today]))
    return groups


class StatsForm(forms.Form):
    """What to count: the period, the grouping and the output format."""

    period = forms.ChoiceField(label=gettext_lazy("Kỳ thống kê"), required=False)
    group = forms.ChoiceField(
        label=gettext_lazy("Thống kê theo"),
        required=False,
        choices=[(g.value, g.label) for g in stats.Grouping],
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "HTML"), ("xlsx", "Excel"), ("csv", "CSV")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = period_choices(today)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [(g.value, g.label) for g in stats.Grouping]

    def clean_period(self) -> Period:
        """The chosen period, this year by default."""
        code = self.cleaned_data.get("period") or str(self.today.year)
        try:
            period = Period.parse(code)
        except ValueError as exc:
            raise ValidationError(str(exc), code="period") from exc
        if period.type not in PERIOD_TYPES:
            raise ValidationError(_("Hãy chọn tháng, quý hoặc năm."), code="period")
        return period

    def clean_group(self) -> stats.Grouping:
        """The chosen grouping, the deciding agency by default."""
        return stats.Grouping(self.cleaned_data.get("group") or stats.Grouping.AGENCY)


# -- charts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """A rectangle of a bar chart, with what assistive technology reads of it."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class BarChart:
    """A bar chart's geometry: bars, axis ticks, group labels and legend."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    labels: list[tuple[float, float, str, str]]
    legend: list[tuple[str, str]]


def _short(text: str, length: int = 26) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _largest(rows: list[stats.Row], key: str) -> list[stats.Row]:
    """At most :data:`CHART_GROUPS` rows with the most ``key``, in the table's order."""
    kept = sorted(rows, key=lambda r: getattr(r, key), reverse=True)[:CHART_GROUPS]
    chosen = {id(r) for r in kept if getattr(r, key)}
    return [r for r in rows if id(r) in chosen]


def received_chart(rows: list[stats.Row], *, width: int = 720, height: int = 300) -> BarChart:
    """Received and online dossiers per group, side by side, on a count axis."""
    shown = _largest(rows, "received")
    left, top, right, bottom = 48.0, 12.0, float(width - 8), float(height - 64)
    ticks = nice_ticks(0.0, float(max((r.received for r in shown), default=1) or 1))
    top_value = ticks[-1] or 1.0

    def y(value: float) -> float:
        return round(bottom - value / top_value * (bottom - top), 1)

    slot = (right - left) / max(len(shown), 1)
    bar = min(slot * 0.38, 28.0)
    bars: list[Bar] = []
    labels: list[tuple[float, float, str, str]] = []
    for index, row in enumerate(shown):
        centre = left + slot * (index + 0.5)
        for offset, name, text in (
            (-bar, "received", _("tiếp nhận")),
            (0.0, "online", _("trực tuyến")),
        ):
            value = getattr(row, name)
            bars.append(
                Bar(
                    round(centre + offset, 1),
                    y(value),
                    round(bar, 1),
                    round(bottom - y(value), 1),
                    COLOURS[name],
                    f"{row.label}: {value} {text}",
                )
            )
        labels.append((round(centre, 1), bottom + 14, _short(row.label, 18), row.label))
    return BarChart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        bars=bars,
        ticks=[(y(t), f"{t:g}") for t in ticks],
        labels=labels,
        legend=[(COLOURS["received"], _("Tiếp nhận")), (COLOURS["online"], _("Trực tuyến"))],
    )


def timeliness_chart(rows: list[stats.Row], *, width: int = 720) -> BarChart:
    """Per group, one bar of 100 % split into early, on time and late resolved dossiers."""
    shown = _largest(rows, "resolved")
    line = 26.0
    left, top, right = 200.0, 8.0, float(width - 16)
    bottom = top + line * max(len(shown), 1)
    bars: list[Bar] = []
    labels: list[tuple[float, float, str, str]] = []
    for index, row in enumerate(shown):
        y = top + line * index + 4
        x = left
        for name, text in (
            ("early", _("trước hạn")),
            ("on_time", _("đúng hạn")),
            ("late", _("quá hạn")),
        ):
            count = getattr(row, name)
            size = (right - left) * count / row.resolved
            if count:
                bars.append(
                    Bar(
                        round(x, 1),
                        round(y, 1),
                        round(size, 1),
                        line - 8,
                        COLOURS[name],
                        f"{row.label}: {count} {text} / {row.resolved}",
                    )
                )
            x += size
        labels.append((left - 6, round(y + line / 2, 1), _short(row.label), row.label))
    return BarChart(
        width=width,
        height=int(bottom + 24),
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        bars=bars,
        ticks=[(round(left + (right - left) * t / 100, 1), f"{t} %") for t in (0, 50, 100)],
        labels=labels,
        legend=[
            (COLOURS["early"], _("Trước hạn")),
            (COLOURS["on_time"], _("Đúng hạn")),
            (COLOURS["late"], _("Quá hạn")),
        ],
    )


# -- the page -----------------------------------------------------------------------------------


def visible_dossiers(user: Any) -> Any:
    """Dossiers whose receiving or deciding agency lies in ``user``'s ``data.view`` scope."""
    return scope_queryset(
        user,
        Perm.DATA_VIEW,
        Dossier.objects.all(),
        agency_field=("deciding_agency", "receiving_agency"),
    )


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    """The statistics of the chosen period and grouping, as a page, a partial or a download."""
    if not can(request.user, Perm.DATA_VIEW):
        raise PermissionDenied(_("Trang thống kê dành cho cán bộ, lãnh đạo."))
    today = timezone.localdate()
    form = StatsForm(request.GET or None, today=today)
    if request.GET and not form.is_valid():
        refused: dict[str, Any] = {"form": form, "statistics": None}
        return render(request, "services/stats/page.html", refused, status=400)
    period = form.cleaned_data["period"] if form.is_bound else Period(PeriodType.YEARLY, today.year)
    grouping = form.cleaned_data["group"] if form.is_bound else stats.Grouping.AGENCY
    dossiers = visible_dossiers(request.user)
    statistics = stats.dossier_statistics(dossiers, period, grouping, today=today)
    catalogue = stats.catalogue_facts(period, dossiers, today=today)
    output = form.cleaned_data.get("format") if form.is_bound else ""
    if output == "xlsx":
        response = HttpResponse(
            stats_export.workbook_bytes(statistics, catalogue), content_type=XLSX
        )
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-ho-so-{period.code}-{grouping.value}.xlsx"'
        )
        return response
    if output == "csv":
        response = HttpResponse(
            stats_export.csv_bytes(statistics), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-ho-so-{period.code}-{grouping.value}.csv"'
        )
        return response
    context: dict[str, Any] = {
        "form": form,
        "period": period,
        "period_label": period_label(period),
        "statistics": statistics,
        "columns": [header for header, _name in stats_export.COLUMNS],
        "table": [(row, stats_export.cells(row)) for row in statistics.rows],
        "total": stats_export.cells(statistics.total),
        "catalogue_columns": [header for header, _name in stats_export.CATALOGUE_COLUMNS],
        "catalogue": [
            (row, stats_export.cells(row, stats_export.CATALOGUE_COLUMNS))
            for row in [*catalogue[0], catalogue[1]]
        ],
        "received_chart": received_chart(statistics.rows),
        "timeliness_chart": timeliness_chart(statistics.rows),
        "chart_limit": CHART_GROUPS,
        "query": f"period={period.code}&group={grouping.value}",
    }
    template = "services/stats/partials/_results.html" if is_htmx(request) else None
    response = render(request, template or "services/stats/page.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


urlpatterns: list[URLPattern] = [
    path("thong-ke/", stats_page, name="stats"),
]
