from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The open data portal (Cổng dữ liệu mở): a CKAN-compatible, DCAT-speaking catalogue of
    the province's open datasets, with a queryable datastore and Vietnamese search."""

    name = "tinhso.opendata"
    label = "opendata"
    verbose_name = _("Dữ liệu mở")

    def ready(self) -> None:
        """Register the CKAN actions, the demo data and the open-data target's indicators."""
        from tinhso.core import registry
        from tinhso.opendata.computed import register_computed
        from tinhso.opendata.demo import load_demo

        registry.register_demo_loader(
            registry.DemoLoader(
                key="opendata",
                title=_("Cổng dữ liệu mở: khoảng 60 bộ dữ liệu của 19 cơ quan"),
                load=load_demo,
                order=50,
            )
        )
        register_computed()
        # The CKAN actions register themselves in the API's registry when imported.
        from tinhso.opendata.ckan import actions  # noqa: F401
        from tinhso.opendata.datastore import ckan_actions  # noqa: F401  (registers actions)
