"""CKAN's own API paths: ``/api/3/action/<name>``, ``/api/action/<name>``, ``/api`` and ``/api/3``.

No trailing slash and no redirect: CKAN clients POST with redirects off.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path

from tinhso.opendata.ckan import views

urlpatterns: list[URLPattern] = [
    re_path(r"^api/(?:3/)?action/(?P<name>[A-Za-z0-9_]+)$", views.action, name="ckan-action"),
    re_path(r"^api(?:/3)?/?$", views.api_version, name="ckan-api-version"),
]
