"""URL map: pages per app, the API at /api/v1, admin, language switch."""

from django.contrib import admin
from django.urls import include, path

from tinhso.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tinhso.accounts.urls")),
    path("units/", include("tinhso.directory.urls")),
    path("", include("tinhso.core.urls")),
]
