"""Admin of the alerts app: rules, silences and channels editable through audited writes;
alerts and their history read-only (they change through the engine)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from tinhso.alerts.models import Alert, AlertEvent, Channel, Rule, Silence
from tinhso.core.admin import ReadOnlyAdmin
from tinhso.core.audit import record_write
from tinhso.directory.admin import ReadOnlyInline


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes from the admin are recorded in the audit ledger."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        label = obj._meta.model_name
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_write(
                actor=request.user,
                action=f"alerts.{label}.{'change' if change else 'create'}",
                target=obj,
                changes={
                    name: [None, str(form.cleaned_data.get(name))] for name in form.changed_data
                },
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_write(
                actor=request.user, action=f"alerts.{obj._meta.model_name}.delete", target=obj
            )
            super().delete_model(request, obj)


@admin.register(Rule)
class RuleAdmin(AuditedAdmin):
    """Alert rules (also edited on the rules page)."""

    list_display = ("code", "name", "source", "kind", "severity", "for_seconds", "enabled")
    list_filter = ("source", "kind", "severity", "enabled")
    search_fields = ("code", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # alerts keep their rule; disable it instead


class EventInline(ReadOnlyInline):
    model = AlertEvent
    fields = ("at", "kind", "actor", "comment", "detail")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts with their history (read-only)."""

    list_display = ("title", "rule", "key", "state", "severity", "first_seen_at", "acknowledged_at")
    list_filter = ("state", "severity", "rule__source")
    search_fields = ("key", "title")
    list_select_related = ("rule",)
    inlines = (EventInline,)


@admin.register(Silence)
class SilenceAdmin(AuditedAdmin):
    """Silences (also created on the silences page)."""

    list_display = ("reason", "rule", "key_prefix", "agency", "starts_at", "ends_at")
    list_select_related = ("rule", "agency")
    exclude = ("created_by",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    """Where notifications go."""

    list_display = (
        "name",
        "kind",
        "target",
        "min_severity",
        "escalation_level",
        "agency",
        "enabled",
    )
    list_filter = ("kind", "enabled")
