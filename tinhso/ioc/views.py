"""Pages of the operations centre: the live screen and its four panels (htmx partials).

Any signed-in person may open the screen; every panel shows only what their roles let them
see (a person without a role gets the province-wide public figures and empty panels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tinhso.ioc import panels

POLL_SECONDS = 15
POLL_MIN, POLL_MAX = 1, 300


def poll_seconds(request: HttpRequest) -> int:
    """The refresh interval: ``?poll=<seconds>`` within bounds (a wall screen on a slow link, or
    a test that cannot wait), else 15 s."""
    text = request.GET.get("poll", "")
    if not (text.isascii() and text.isdigit()):
        return POLL_SECONDS
    return min(max(int(text), POLL_MIN), POLL_MAX)


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """The live screen: map, alerts, KPIs and trends, each refreshed by polling."""
    user = request.user
    context: dict[str, Any] = {
        "poll": poll_seconds(request),
        "now": timezone.now(),
        **panels.map_panel(user),
        **panels.alerts_panel(user),
        **panels.kpi_panel(user),
        **panels.trends_panel(user),
    }
    return render(request, "ioc/screen.html", context)


def _partial(template: str, build: Callable[[Any], dict[str, Any]]) -> Callable[..., HttpResponse]:
    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context = {"now": timezone.now(), **build(request.user)}
        return render(request, f"ioc/partials/{template}", context)

    view.__doc__ = f"The panel drawn by ``ioc/partials/{template}``, alone."
    return view


map_partial = _partial("_map.html", panels.map_panel)
alerts_partial = _partial("_alerts.html", panels.alerts_panel)
kpis_partial = _partial("_kpis.html", panels.kpi_panel)
trends_partial = _partial("_trends.html", panels.trends_panel)
