"""URL map: pages per app, the API at /api/v1, a DHIS2 alias, admin, language switch."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from tinhso.api import api, not_found
from tinhso.indicators.adx import MEDIA_TYPES as ADX_TYPES

api_urls = api.urls


def _api_view(route: str) -> Callable[..., Any]:
    """Return the /api/v1 operation view at ``route``, to answer at another address too.

    The view keeps its authentication, problem+json errors and CSRF rule (Bearer requests are
    exempt; session requests must carry the CSRF token).
    """
    for pattern in api_urls[0]:
        if isinstance(pattern, URLPattern) and str(pattern.pattern) == route:
            return pattern.callback
    raise LookupError(route)


_data_value_sets = _api_view("indicators/dataValueSets")
_adx = _api_view("indicators/adx")


@csrf_exempt  # the API views behind it check CSRF themselves for session requests
def dhis2_data_value_sets(request: HttpRequest) -> Any:
    """DHIS2's ``/api/dataValueSets``: JSON or CSV, or ADX when the body or Accept says so."""
    wants_adx = (
        request.content_type in ADX_TYPES
        if request.method == "POST"
        else "application/adx+xml" in request.headers.get("Accept", "")
    )
    return (_adx if wants_adx else _data_value_sets)(request)


urlpatterns = [
    path("api/v1/", api_urls),
    path("", include("tinhso.opendata.urls")),
    # A DHIS2 client configured with base URL <site>/dhis2 works unchanged.
    re_path(
        r"^dhis2/api/dataValueSets(?:\.json)?/?$",
        dhis2_data_value_sets,
        name="dhis2-data-value-sets",
    ),
    re_path(r"^api/(?P<path>.*)$", not_found),
    path("admin/", admin.site.urls),
    # Choosing a language needs no CSRF token, so public pages carry none and can be cached.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/", include("tinhso.accounts.urls")),
    path("units/", include("tinhso.directory.urls")),
    path("reports/", include("tinhso.indicators.urls")),
    path("services/", include("tinhso.services.urls")),
    path("canh-bao/", include("tinhso.alerts.urls")),
    path("moi-truong/", include("tinhso.environment.urls")),
    path("dieu-hanh/", include("tinhso.ioc.urls")),
    path("", include("tinhso.core.urls")),
]
