from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """The reporting information system (Hệ thống thông tin báo cáo) and the scorecard."""

    name = "tinhso.indicators"
    label = "indicators"
    verbose_name = _("Hệ thống thông tin báo cáo")

    def ready(self) -> None:
        """Seed the resolution's targets in the demo."""
        from tinhso.core import registry
        from tinhso.indicators.demo import load_demo

        registry.register_demo_loader(
            registry.DemoLoader(
                key="indicators",
                title=_("Chỉ tiêu của Nghị quyết 111-NQ/TU và số liệu đã công bố"),
                load=load_demo,
                order=30,
            )
        )
