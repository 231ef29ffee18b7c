"""Admin of environmental monitoring.

Parameters, limit sets (with their limits) and stations are reference data an operator edits
here: limit sets are versioned (a new QCVN version is a new set), and every save is written to
the audit ledger. Tokens, quarantined readings and exceedances are read-only: tokens are made
and revoked on the staff pages (through ``actions``), the others come from ingestion.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.core.audit import record_write
from tinhso.environment import wqi
from tinhso.environment.models import (
    Exceedance,
    Limit,
    LimitSet,
    Parameter,
    QuarantinedReading,
    Station,
    StationToken,
    WqiTable,
)

# Django 5.2 warns when a URL field's form does not say which scheme to assume.
HTTPS_URLS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list):
        return sorted(str(getattr(item, "pk", item)) for item in value)
    return value


def _changes(form: ModelForm[Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` of what the form changed, as the ledger records it."""
    return {
        name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
        for name in form.changed_data
    }


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reference data saved from the admin, each save and deletion recorded in the ledger.

    The admin's change view already runs in a transaction, so the row and its entry commit
    together.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "update" if change else "create"
        record_write(
            actor=request.user,
            action=f"environment.{obj._meta.model_name}.{verb}",
            target=obj,
            changes=_changes(form),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk is not None and inline_form.has_changed():
                record_write(
                    actor=request.user,
                    action=f"environment.{instance._meta.model_name}.save",
                    target=instance,
                    changes=_changes(inline_form),
                )
        for deleted in formset.deleted_objects:
            record_write(
                actor=request.user,
                action=f"environment.{deleted._meta.model_name}.delete",
                target=deleted,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_write(
            actor=request.user, action=f"environment.{obj._meta.model_name}.delete", target=obj
        )
        super().delete_model(request, obj)


@admin.register(Parameter)
class ParameterAdmin(AuditedAdmin):
    """Measured quantities with their units, symbols and plausible ranges."""

    list_display = ("code", "name", "unit", "min_value", "max_value")
    search_fields = ("code", "name", "name_en")


class LimitInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Limit
    extra = 0
    autocomplete_fields = ("parameter",)
    fields = ("parameter", "averaging", "min_value", "max_value", "apply_k", "verified")


@admin.register(LimitSet)
class LimitSetAdmin(AuditedAdmin):
    """Versions of technical regulations (QCVN) with their limits; a new version is a new set."""

    list_display = ("code", "column", "version", "medium", "valid_from", "valid_to", "verified")
    list_filter = ("medium", "verified")
    search_fields = ("code", "name")
    inlines = (LimitInline,)
    formfield_overrides = HTTPS_URLS


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    """Monitoring stations, their parameters and the limit set that applies."""

    list_display = ("code", "name", "medium", "kind", "agency", "unit", "active", "last_reading_at")
    list_filter = ("medium", "kind", "active")
    search_fields = ("code", "name", "operator", "industrial_zone", "facility")
    list_select_related = ("agency", "unit")
    filter_horizontal = ("parameters",)
    autocomplete_fields = ("agency", "unit", "limit_set")
    readonly_fields = ("last_reading_at",)


@admin.register(StationToken)
class StationTokenAdmin(ReadOnlyAdmin):
    """Station tokens: only the hash is kept; create and revoke them on the station's page."""

    list_display = ("name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("created_by",)
    readonly_fields = ("token_hash",)


@admin.register(QuarantinedReading)
class QuarantinedReadingAdmin(ReadOnlyAdmin):
    """Readings set aside by ingestion, with the reason."""

    list_display = ("received_at", "station", "source", "reason", "detail", "origin")
    list_filter = ("reason", "source")
    list_select_related = ("station",)
    date_hierarchy = "received_at"
    show_full_result_count = False


@admin.register(Exceedance)
class ExceedanceAdmin(ReadOnlyAdmin):
    """Values above the station's applicable limit."""

    list_display = ("period", "station", "parameter", "value", "allowed_min", "allowed_max")
    list_select_related = ("station", "parameter")
    date_hierarchy = "period"
    show_full_result_count = False


class WqiTableForm(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses a table the calculator cannot use (tried on a sample of every group)."""

    SAMPLE = {"pH": 7.2, "DO%": 90.0, "BOD5": 5.0, "COD": 12.0, "NH4": 0.2, "PO4": 0.15}

    class Meta:
        model = WqiTable
        fields = ["name", "data", "active", "verified", "note"]

    def clean_data(self) -> Any:
        data = self.cleaned_data["data"]
        try:
            wqi.compute(self.SAMPLE, table=data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise forms.ValidationError(
                _("Bảng tra không dùng được để tính VN_WQI: %(error)s") % {"error": exc}
            ) from exc
        return data


@admin.register(WqiTable)
class WqiTableAdmin(AuditedAdmin):
    form = WqiTableForm
    list_display = ["name", "active", "verified", "updated"]
