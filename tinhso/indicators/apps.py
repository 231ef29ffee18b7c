from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """The reporting information system (Hệ thống thông tin báo cáo) and the scorecard."""

    name = "tinhso.indicators"
    label = "indicators"
    verbose_name = _("Hệ thống thông tin báo cáo")

    def ready(self) -> None:
        """Register the demo data, the completeness counts and the home tiles."""
        from tinhso.core import registry
        from tinhso.indicators import registry as computed
        from tinhso.indicators.demo import load_demo
        from tinhso.indicators.demo_regimes import load_regime_demo
        from tinhso.indicators.models import ReportingRegime, Target
        from tinhso.indicators.report_queries import completeness_counts

        registry.register_demo_loader(
            registry.DemoLoader(
                key="indicators",
                title=_("Chỉ tiêu của Nghị quyết 111-NQ/TU và số liệu đã công bố"),
                load=load_demo,
                order=30,
            )
        )
        registry.register_demo_loader(
            registry.DemoLoader(
                key="indicators.regimes",
                title=_("Chế độ báo cáo và các kỳ báo cáo gần nhất"),
                load=load_regime_demo,
                order=31,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="indicators.targets",
                title=_("Mục tiêu của Nghị quyết 111-NQ/TU được theo dõi"),
                value=Target.objects.count,
                url_name="indicators:scorecard",
                order=30,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="indicators.regimes",
                title=_("Chế độ báo cáo trên hệ thống"),
                value=ReportingRegime.objects.count,
                url_name="indicators:reports",
                order=31,
            )
        )
        for code in ("REPORTS_EXPECTED", "REPORTS_SENT", "REPORTS_ON_TIME"):
            computed.register(
                computed.ComputedElement(code=code, compute=partial(completeness_counts, code))
            )
