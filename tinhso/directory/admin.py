"""Read-only admin for the directory: writes go through ``actions.py`` (loaders, demo data)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode, UnitSuccession


class ReadOnlyInline(admin.TabularInline):
    """An inline list without add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuccessorLinkInline(ReadOnlyInline):
    model = UnitSuccession
    fk_name = "predecessor"
    fields = ("successor", "effective_date", "kind", "weight", "inferred", "legal_basis")
    verbose_name_plural = "→"


class PredecessorLinkInline(ReadOnlyInline):
    model = UnitSuccession
    fk_name = "successor"
    fields = ("predecessor", "effective_date", "kind", "weight", "inferred", "legal_basis")
    verbose_name_plural = "←"


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "type", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "type", "valid_from", "valid_to")
    search_fields = ("code", "name", "search_name")
    list_select_related = ("parent",)
    inlines = (PredecessorLinkInline, SuccessorLinkInline)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "effective_date", "kind", "weight", "inferred")
    list_filter = ("kind", "inferred", "effective_date")
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    list_select_related = ("predecessor", "successor")


class AgencyCodeInline(ReadOnlyInline):
    model = AgencyCode
    fields = ("code", "valid_from", "valid_to", "verified", "source")


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "unit", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "search_name", "short_name")
    list_select_related = ("unit",)
    inlines = (AgencyCodeInline,)


@admin.register(AgencyCode)
class AgencyCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "agency", "valid_from", "valid_to", "verified")
    list_filter = ("verified",)
    search_fields = ("code", "agency__name")
    list_select_related = ("agency",)
