"""Admin of the services app: read-only views of the catalogue and dossiers (writes go through
``actions``); webhooks are registered here by operators, through an audited action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.directory.admin import ReadOnlyInline
from tinhso.services import actions
from tinhso.services.models import (
    CalendarDay,
    Dossier,
    DossierEvent,
    Procedure,
    ProcedureDocument,
    Webhook,
    WebhookDelivery,
)


class DocumentInline(ReadOnlyInline):
    model = ProcedureDocument
    fields = ("code", "name", "required", "reusable")


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    """The procedure catalogue (loaded with ``load_procedures``)."""

    list_display = ("code", "name", "level", "service_class", "processing_days", "valid_to")
    list_filter = ("level", "service_class", "field")
    search_fields = ("code", "search_name")
    inlines = (DocumentInline,)


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("at", "action", "from_status", "to_status", "portal_status", "agency", "comment")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    """Dossiers with their history; officers work on them in the one-stop workspace."""

    list_display = ("code", "procedure", "status", "channel", "received_at", "due_date")
    list_filter = ("status", "channel", "level")
    search_fields = ("code",)
    list_select_related = ("procedure",)
    inlines = (EventInline,)
    exclude = ("applicant_id_number", "applicant_phone", "applicant_email", "applicant_address")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """Days the province declared off or working (edited on the calendar page)."""

    list_display = ("date", "kind", "reason", "source")


class DeliveryInline(ReadOnlyInline):
    model = WebhookDelivery
    fields = ("attempted_at", "event", "status_code", "ok", "error")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Partner systems told of every status change; saved through ``actions.save_webhook``."""

    list_display = ("name", "url", "active")
    inlines = (DeliveryInline,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.save_webhook(obj, actor=request.user, adding=not change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
