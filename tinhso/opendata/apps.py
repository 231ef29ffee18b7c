from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The open data portal (Cổng dữ liệu mở): a CKAN-compatible, DCAT-speaking catalogue of
    the province's open datasets, with a queryable datastore and Vietnamese search."""

    name = "tinhso.opendata"
    label = "opendata"
    verbose_name = _("Dữ liệu mở")

    def ready(self) -> None:
        from tinhso.opendata.datastore import ckan_actions  # noqa: F401  (registers actions)
