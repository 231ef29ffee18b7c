from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """The alerting engine (cảnh báo): rules, pending → firing → resolved alerts with hysteresis,
    deduplication, acknowledgement, escalation, silences and notification channels, used by every
    module."""

    name = "tinhso.alerts"
    label = "alerts"
    verbose_name = _("Cảnh báo")
