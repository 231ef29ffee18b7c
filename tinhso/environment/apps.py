from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    """Environmental monitoring (quan trắc môi trường): stations, parameters, versioned limit sets,
    idempotent ingestion (HTTP, MQTT, Circular 10/2021 files), VN_AQI, VN_WQI and exceedances."""

    name = "tinhso.environment"
    label = "environment"
    verbose_name = _("Quan trắc môi trường")
