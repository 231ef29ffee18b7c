"""URL map: pages per app, the API at /api/v1, admin, language switch."""

from django.contrib import admin
from django.urls import include, path, re_path

from tinhso.api import api, not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tinhso.accounts.urls")),
    path("units/", include("tinhso.directory.urls")),
    path("", include("tinhso.core.urls")),
]
