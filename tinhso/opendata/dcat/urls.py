"""ckanext-dcat's paths. Only the RDF suffixes are matched here: ``/dataset/<name>`` itself is
the dataset's HTML page."""

from __future__ import annotations

from django.urls import re_path

from tinhso.opendata.dcat import views

FORMAT = r"(?P<fmt>ttl|rdf|xml|n3|jsonld)"

urlpatterns = [
    re_path(rf"^catalog\.{FORMAT}$", views.catalog, name="dcat_catalog"),
    re_path(
        rf"^dataset/(?P<id_or_name>[A-Za-z0-9_-]+)\.{FORMAT}$", views.dataset, name="dcat_dataset"
    ),
    re_path(r"^dcat\.json$", views.dcat_json, name="dcat_json"),
]
