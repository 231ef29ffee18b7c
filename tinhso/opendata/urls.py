"""URLs of the open data portal: its pages, the CKAN Action API and the DCAT catalogue.

Included at the site root, before the catch-all of ``/api/``, because CKAN clients and DCAT
harvesters expect CKAN's own paths (``/api/3/action/...``, ``/catalog.ttl``, ``/dataset/...``).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("tinhso.opendata.ckan.urls")),
]
