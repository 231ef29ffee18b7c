"""Read-only admin views of the audit ledger: nobody edits or deletes an entry from here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.core.models import AuditEntry, LedgerHead


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows, never add, change or delete them: every write goes through an audited action.

    Shared by every app's admin.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit ledger, newest first."""

    list_display = (
        "leaf_index",
        "created_at",
        "actor_label",
        "action",
        "object_repr",
        "ip_address",
    )
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_type", "object_id")
    date_hierarchy = "created_at"
    ordering = ("-leaf_index",)
    show_full_result_count = False


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    """The sequencer row and its latest signed tree head."""

    list_display = ("size", "timestamp_ms")
