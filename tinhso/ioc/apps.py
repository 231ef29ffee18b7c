from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IocConfig(AppConfig):
    """The intelligent operations centre (trung tâm điều hành): the leaders' live screen and the
    public air and water quality page."""

    name = "tinhso.ioc"
    label = "ioc"
    verbose_name = _("Trung tâm điều hành")

    def ready(self) -> None:
        """Register the screen's KPIs and the "targets at risk" alert rule."""
        from tinhso.ioc.alert_rules import register_alert_rules
        from tinhso.ioc.kpis import register_kpis

        register_kpis()
        register_alert_rules()
