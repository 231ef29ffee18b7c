from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    """Environmental monitoring (quan trắc môi trường): stations, parameters, versioned limit sets,
    idempotent ingestion (HTTP, MQTT, Circular 10/2021 files), VN_AQI, VN_WQI and exceedances."""

    name = "tinhso.environment"
    label = "environment"
    verbose_name = _("Quan trắc môi trường")

    def ready(self) -> None:
        """Keep the caches in step with edits; register the lost-signal rule and the sweep of
        hours to recompute."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tinhso.environment import signals
        from tinhso.environment.models import Station

        for model in signals.cached_models():
            post_save.connect(signals.forget_caches, sender=model, dispatch_uid=f"env-s-{model}")
            post_delete.connect(signals.forget_caches, sender=model, dispatch_uid=f"env-d-{model}")
        m2m_changed.connect(
            signals.forget_caches, sender=Station.parameters.through, dispatch_uid="env-m2m"
        )
        register_rules()


def register_rules() -> None:
    """The lost-signal rule (missing data) and the periodic recomputation of marked hours."""
    from tinhso.alerts.models import Severity
    from tinhso.alerts.registry import Evaluator, register_evaluator
    from tinhso.core import registry
    from tinhso.environment import compute, evaluation

    register_evaluator(
        Evaluator(
            code=evaluation.LOST_SIGNAL,
            name=_("Trạm mất tín hiệu"),
            source="environment",
            evaluate=evaluation.lost_signal,
            default_rule={
                "name": "Trạm mất tín hiệu",
                "description": "Trạm quan trắc không gửi dữ liệu quá ba chu kỳ.",
                "severity": Severity.WARNING,
                "params": {"evaluator": evaluation.LOST_SIGNAL},
                "for_seconds": 0,
                "escalate_after_minutes": 60,
            },
        )
    )
    registry.register_periodic(registry.Periodic("environment.recompute", compute.recompute_stale))
