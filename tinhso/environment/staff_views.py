"""Staff pages of environmental monitoring (``/moi-truong/quan-ly/``).

Officers see the stations whose unit or managing agency lies in their scope (``data.view``):
every medium, wastewater included, with exceedances, the limit set in force and the stations'
tokens; the readings their stations' senders got quarantined, with a CSV export; and an upload
of Circular 10/2021 files. Writes (tokens) go through ``tinhso.environment.actions``, which
check ``data.change`` again; a refusal shows the 403 page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.accounts.models import User
from tinhso.accounts.permissions import Perm, can
from tinhso.accounts.views import csv_cell
from tinhso.environment import actions, queries, tt10
from tinhso.environment.choices import QuarantineReason
from tinhso.environment.forms import (
    QuarantineFilterForm,
    StationFilterForm,
    TokenForm,
    UploadForm,
)
from tinhso.environment.models import QuarantinedReading, Station, StationToken
from tinhso.environment.views import station_context

PAGE_SIZE = 25
QUARANTINE_PAGE_SIZE = 50
EXCEEDANCES_SHOWN = 50


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """The 403 page, saying why."""
    return render(request, "environment/staff/403.html", {"message": message}, status=403)


def staff_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Open a view to signed-in staff who may view data somewhere; show refusals as 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            if not can(request.user, Perm.DATA_VIEW):
                raise PermissionDenied(_("Trang này dành cho cán bộ quản lý quan trắc môi trường."))
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc) or _("Bạn không có quyền làm việc này."))

    return wrapper


def _actor(request: HttpRequest) -> User:
    """The signed-in user (``staff_page`` turned everyone else away)."""
    return cast(User, request.user)


def _page_of(request: HttpRequest, items: Any, size: int) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


# --- stations --------------------------------------------------------------------------------


@staff_page
@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    """The stations in my scope, filtered by medium and kind, searchable without diacritics."""
    form = StationFilterForm(request.GET)
    stations = queries.staff_stations(request.user).select_related("unit", "agency")
    if form.is_valid():
        data = form.cleaned_data
        if data["medium"]:
            stations = stations.filter(medium=data["medium"])
        if data["kind"]:
            stations = stations.filter(kind=data["kind"])
        stations = queries.search_stations(stations, data["q"])
    page = _page_of(request, stations.order_by("code"), PAGE_SIZE)
    return render(request, "environment/staff/stations.html", {"form": form, "page": page})


def _staff_station(request: HttpRequest, code: str) -> Station:
    """A station in my scope, or 404 (a station outside it is not shown to exist)."""
    return get_object_or_404(
        queries.staff_stations(request.user).select_related("unit", "agency", "limit_set"),
        code=code,
    )


def _detail(request: HttpRequest, station: Station, **extra: Any) -> dict[str, Any]:
    return {
        **station_context(station),
        "staff": True,
        "exceedances": queries.recent_exceedances(station, EXCEEDANCES_SHOWN),
        "limits": queries.limits_in_force(station),
        "tokens": list(station.tokens.select_related("created_by").order_by("-created_at")),
        "can_change": can(request.user, Perm.DATA_CHANGE, station),
        "token_form": TokenForm(),
        "quarantined": QuarantinedReading.objects.filter(station=station).count(),
        **extra,
    }


@staff_page
@require_GET
def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A station for its staff: the public view plus exceedances, limits and tokens."""
    station = _staff_station(request, code)
    return render(request, "environment/staff/station.html", _detail(request, station))


@staff_page
@require_POST
def token_create(request: HttpRequest, code: str) -> HttpResponse:
    """Make a token for this station and show its secret once (the page is not stored)."""
    station = _staff_station(request, code)
    form = TokenForm(request.POST)
    if not form.is_valid():
        context = _detail(request, station, token_form=form)
        return render(request, "environment/staff/station.html", context, status=400)
    token, secret = actions.create_station_token(
        actor=_actor(request), name=form.cleaned_data["name"], stations=[station]
    )
    context = _detail(request, station, new_token=token, new_secret=secret)
    response = render(request, "environment/staff/station.html", context)
    response["Cache-Control"] = "no-store"
    return response


@staff_page
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token of a station in my scope; back to that station's page."""
    visible = queries.staff_stations(request.user)
    token = get_object_or_404(StationToken.objects.filter(stations__in=visible).distinct(), pk=pk)
    station = token.stations.filter(pk__in=visible).order_by("code").first()
    actions.revoke_station_token(actor=_actor(request), token=token)
    if station is None:  # its last visible station was detached meanwhile
        return redirect("environment:staff-stations")
    return redirect("environment:staff-station", code=station.code)


# --- quarantine -------------------------------------------------------------------------------


def _quarantine(request: HttpRequest) -> tuple[QuarantineFilterForm, Any]:
    stations = queries.staff_stations(request.user).order_by("code")
    form = QuarantineFilterForm(
        request.GET, stations=[(s.code, str(s)) for s in stations.only("code", "name")]
    )
    rows = queries.staff_quarantine(request.user)
    if form.is_valid():
        if form.cleaned_data["station"]:
            rows = rows.filter(station__code=form.cleaned_data["station"])
        if form.cleaned_data["reason"]:
            rows = rows.filter(reason=form.cleaned_data["reason"])
    return form, rows.order_by("-received_at", "-id")


@staff_page
@require_GET
def quarantine(request: HttpRequest) -> HttpResponse:
    """Readings set aside for my stations, newest first, with the reason, detail and raw data."""
    form, rows = _quarantine(request)
    page = _page_of(request, rows, QUARANTINE_PAGE_SIZE)
    return render(
        request,
        "environment/staff/quarantine.html",
        {"form": form, "page": page, "export_query": request.GET.urlencode()},
    )


@staff_page
@require_GET
def quarantine_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered quarantine list as CSV; text that looks like a formula stays text."""
    _form, rows = _quarantine(request)
    headers = [
        _("Nhận lúc"),
        _("Trạm"),
        _("Nguồn"),
        _("Lý do"),
        _("Chi tiết"),
        _("Xuất xứ"),
        _("Dữ liệu gốc"),
    ]

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def row(values: list[Any]) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([csv_cell(value) for value in values])
            return buffer.getvalue()

        yield "\ufeff" + row(headers)  # BOM: Excel reads it as UTF-8
        for reading in rows.iterator(chunk_size=2000):
            yield row(
                [
                    timezone.localtime(reading.received_at).strftime("%d/%m/%Y %H:%M:%S"),
                    reading.station.code if reading.station else "",
                    reading.get_source_display(),
                    reading.get_reason_display(),
                    reading.detail,
                    reading.origin,
                    reading.raw,
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="so-lieu-cach-ly-{stamp}.csv"'
    return response


# --- Circular 10/2021 files --------------------------------------------------------------------


@dataclass
class FileOutcome:
    """What an uploaded file came to: its report, or why it was not read."""

    name: str
    report: tt10.FileReport | None = None
    refused: str = ""
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def _file_station(name: str) -> Station | None:
    """The station a file's name designates, or None when the name does not say (the file is
    then quarantined whole by ``tt10.ingest_file``, for the province's operators to see)."""
    try:
        return tt10.find_station(tt10.parse_name(name))
    except (ValueError, LookupError):
        return None


@staff_page
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Read one or more Circular 10/2021 files of my stations and show what each came to.

    A file of a station outside my ``data.change`` scope is refused unread.
    """
    if not can(request.user, Perm.DATA_CHANGE):
        raise PermissionDenied(_("Bạn không có quyền gửi số liệu quan trắc."))
    form = UploadForm(request.POST or None, request.FILES or None)
    outcomes: list[FileOutcome] = []
    if request.method == "POST" and form.is_valid():
        allowed = set(
            queries.staff_stations(request.user, Perm.DATA_CHANGE).values_list("pk", flat=True)
        )
        for uploaded in form.cleaned_data["uploads"]:
            name = uploaded.name or ""
            station = _file_station(name)
            if station is not None and station.pk not in allowed:
                outcomes.append(
                    FileOutcome(
                        name,
                        refused=_("Trạm %(code)s không thuộc phạm vi bạn phụ trách.")
                        % {"code": station.code},
                    )
                )
                continue
            report = tt10.ingest_file(name, uploaded.read(), actor=request.user)
            outcomes.append(
                FileOutcome(
                    name,
                    report,
                    problems=[
                        (r.index, str(QuarantineReason(r.reason).label), r.detail)
                        for r in report.rejected
                    ],
                )
            )
    return render(request, "environment/staff/upload.html", {"form": form, "outcomes": outcomes})
