from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """The administrative-procedure information system: online public services and the
    one-stop desks (Hệ thống thông tin giải quyết thủ tục hành chính)."""

    name = "tinhso.services"
    label = "services"
    verbose_name = _("Dịch vụ công và một cửa")

    def ready(self) -> None:
        """Register the demo data, the home tiles, the computed indicators and the alert
        rules."""
        from tinhso.core import registry
        from tinhso.services.alert_rules import register_alert_rules
        from tinhso.services.computed import register_computed
        from tinhso.services.demo import load_demo
        from tinhso.services.queries import dossiers_in_hand_count, online_procedure_count

        registry.register_demo_loader(
            registry.DemoLoader(
                key="services",
                title=_("Thủ tục hành chính và một năm hồ sơ một cửa"),
                load=load_demo,
                order=40,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="services.procedures",
                title=_("Thủ tục nộp được trực tuyến"),
                value=online_procedure_count,
                url_name="services:catalogue",
                order=40,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="services.in_hand",
                title=_("Hồ sơ đang giải quyết"),
                value=dossiers_in_hand_count,
                url_name="services:track",
                order=41,
            )
        )
        register_computed()
        register_alert_rules()
