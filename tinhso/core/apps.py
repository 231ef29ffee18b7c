from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Base models, the audit ledger, request context and shared helpers."""

    name = "tinhso.core"
    label = "core"
    verbose_name = _("Lõi hệ thống")
