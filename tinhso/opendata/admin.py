"""Admin of the open data portal: read-only views of the catalogue, tickets, usage and
harvests. Every write goes through ``tinhso.opendata.actions`` (the portal's staff pages, the
CKAN API, the harvester), so that revisions, the audit ledger and the search index stay whole."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.directory.admin import ReadOnlyInline
from tinhso.opendata.models import (
    Dataset,
    DatasetRevision,
    DatastoreTable,
    HarvestJob,
    HarvestSource,
    License,
    Organization,
    Rating,
    Resource,
    Tag,
    Theme,
    Ticket,
    UsageDay,
)

# Django 5.2 warns when a URL field's form does not say which scheme to assume.
HTTPS_URLS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    """Publishing organisations, one per agency."""

    list_display = ("title", "name", "agency", "created")
    search_fields = ("name", "folded_title")


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    """Themes (CKAN groups), loaded from ``data/themes.json``."""

    list_display = ("title", "name", "uri")
    search_fields = ("name", "folded_title")


@admin.register(License)
class LicenseAdmin(ReadOnlyAdmin):
    """Licences, loaded from ``data/licenses.json``."""

    list_display = ("id", "title", "is_open", "position")


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Keywords as written."""

    list_display = ("name", "folded")
    search_fields = ("folded",)


class ResourceInline(ReadOnlyInline):
    model = Resource
    formfield_overrides = HTTPS_URLS
    fields = ("position", "name", "format", "url", "upload", "size", "state", "datastore_active")


class RevisionInline(ReadOnlyInline):
    model = DatasetRevision
    fields = ("at", "actor", "action", "comment", "changes")


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    """Datasets with their files and change history."""

    list_display = ("title", "name", "organization", "state", "private", "modified")
    list_filter = ("state", "private", "organization")
    search_fields = ("name", "search_title")
    list_select_related = ("organization",)
    inlines = (ResourceInline, RevisionInline)
    formfield_overrides = HTTPS_URLS
    show_full_result_count = False


@admin.register(DatastoreTable)
class DatastoreTableAdmin(ReadOnlyAdmin):
    """Datastore tables and their load reports."""

    list_display = ("table_name", "resource", "status", "progress", "row_count", "rejected_count")
    list_filter = ("status",)
    list_select_related = ("resource",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Citizens' problem reports and requests."""

    list_display = ("title", "kind", "organization", "status", "created")
    list_filter = ("kind", "status")
    list_select_related = ("organization",)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Ratings of datasets."""

    list_display = ("dataset", "user", "stars", "created")
    list_select_related = ("dataset", "user")


@admin.register(UsageDay)
class UsageDayAdmin(ReadOnlyAdmin):
    """Views, downloads and API calls per dataset and day."""

    list_display = ("dataset", "day", "kind", "count")
    list_filter = ("kind",)
    date_hierarchy = "day"
    list_select_related = ("dataset",)


class JobInline(ReadOnlyInline):
    model = HarvestJob
    fields = ("started", "finished", "status", "created_count", "updated_count", "error_count")


@admin.register(HarvestSource)
class HarvestSourceAdmin(ReadOnlyAdmin):
    """Portals harvested into this one, with their runs."""

    list_display = ("title", "kind", "url", "organization", "every_hours", "active")
    inlines = (JobInline,)
